-- One planned song file: COPY reads exactly that object (a manifest with one entry), its
-- rejected rows move from STL_LOAD_ERRORS into load_errors under the file's path (this COPY read
-- no other file), and its rows go to staging_songs with the file's path and an ordinal: the
-- row's place in song order over all its fields (the order the transforms use; rows that tie
-- are identical, so which of them gets which ordinal changes nothing). COPY options as in
-- sql/redshift/staging/songs.sql.
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
SELECT {{file:literal}},
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
INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year, source_file, source_line, partitions, partition_no)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year, {{file:literal}},
       ROW_NUMBER() OVER (
         ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
                  artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration, num_songs
       ),
       {{partitions:integer}}, {{partition:integer}}
FROM staging_songs_load;
DELETE FROM staging_songs_load;
