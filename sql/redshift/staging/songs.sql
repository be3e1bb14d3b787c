-- One staging partition of the song files, as sql/redshift/staging/events.sql does for the
-- logs: one transaction replacing the partition's rows, rejections and progress. Each song file
-- is one JSON object whose keys are the column names, hence JSON 'auto'. No BLANKSASNULL or
-- EMPTYASNULL (an empty string stays a value, as on PostgreSQL); no TRUNCATECOLUMNS.
DELETE FROM staging_songs WHERE partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
DELETE FROM load_errors WHERE staging = 'songs' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
CREATE TEMPORARY TABLE staging_songs_load (LIKE staging_songs);
COPY staging_songs_load (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year)
FROM {{manifest:literal}}
IAM_ROLE {{iam_role:literal}}
REGION {{region:literal}}
MANIFEST
FORMAT AS JSON 'auto'
MAXERROR {{max_errors:integer}}
COMPUPDATE OFF
STATUPDATE OFF;
INSERT INTO load_errors (file, line, staging, raw, reason_kind, reason, partitions, partition_no)
SELECT {{relative_prefix:literal}} || SUBSTRING(TRIM(e.filename), {{url_prefix_chars:integer}} + 1),
       e.line_number,
       'songs',
       TRIM(e.raw_line),
       CASE
         WHEN e.err_code = 1213 THEN 'missing-field'
         WHEN e.err_code IN (1204, 1205, 1206, 1207, 1208, 1209, 1210, 1222, 1223) THEN 'wrong-type'
         WHEN e.err_code = 1211 THEN 'empty-file'
         ELSE 'invalid-json'
       END,
       CASE WHEN TRIM(e.colname) = '' THEN TRIM(e.err_reason)
            ELSE 'field "' || TRIM(e.colname) || '": ' || TRIM(e.err_reason) END,
       {{partitions:integer}},
       {{partition:integer}}
FROM stl_load_errors e
WHERE e.query = pg_last_copy_id();
INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year, partitions, partition_no)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year, {{partitions:integer}}, {{partition:integer}}
FROM staging_songs_load;
DELETE FROM staging_progress WHERE staging = 'songs' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
INSERT INTO staging_progress (staging, partitions, partition_no, files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read)
SELECT 'songs', {{partitions:integer}}, {{partition:integer}}, {{files:integer}}, {{last_file:literal}}, loaded.n + rejected.n, loaded.n, rejected.n, {{bytes:integer}}
FROM (SELECT COUNT(*) AS n FROM staging_songs_load) loaded,
     (SELECT COUNT(*) AS n FROM load_errors WHERE staging = 'songs' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}) rejected;
DROP TABLE staging_songs_load;
