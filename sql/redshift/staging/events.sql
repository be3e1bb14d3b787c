-- One staging partition of the event logs, run as one Data API batch (one transaction): the
-- partition's earlier rows and rejections go, Redshift's COPY loads exactly the files of the
-- manifest the activity wrote, the rows it rejected move from STL_LOAD_ERRORS into load_errors
-- with our reason kinds, and the partition's progress row says what was read, so
-- read = loaded + rejected. A retry replaces the partition; it never adds to it.
--
-- COPY options: the JSONPaths file maps the camelCase log fields onto the columns in order;
-- ts stays BIGINT milliseconds (the transforms compute start_time), TIMEFORMAT 'epochmillisecs'
-- states that unit for any TIMESTAMP target; no BLANKSASNULL/EMPTYASNULL, because an empty
-- string is a value in docs/data-rules.md (a logged-out event's userId), as on PostgreSQL; no
-- TRUNCATECOLUMNS, so an over-long value is a rejected row, not a silently cut one.
DELETE FROM staging_events WHERE partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
DELETE FROM load_errors WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
CREATE TEMPORARY TABLE staging_events_load (LIKE staging_events);
COPY staging_events_load (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id)
FROM {{manifest:literal}}
IAM_ROLE {{iam_role:literal}}
REGION {{region:literal}}
MANIFEST
FORMAT AS JSON {{json_paths:literal}}
TIMEFORMAT 'epochmillisecs'
MAXERROR {{max_errors:integer}}
COMPUPDATE OFF
STATUPDATE OFF;
INSERT INTO load_errors (file, line, staging, raw, reason_kind, reason, partitions, partition_no)
SELECT {{relative_prefix:literal}} || SUBSTRING(TRIM(e.filename), {{url_prefix_chars:integer}} + 1),
       e.line_number,
       'events',
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
INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, partitions, partition_no)
SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, {{partitions:integer}}, {{partition:integer}}
FROM staging_events_load;
DELETE FROM staging_progress WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
INSERT INTO staging_progress (staging, partitions, partition_no, files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read)
SELECT 'events', {{partitions:integer}}, {{partition:integer}}, {{files:integer}}, {{last_file:literal}}, loaded.n + rejected.n, loaded.n, rejected.n, {{bytes:integer}}
FROM (SELECT COUNT(*) AS n FROM staging_events_load) loaded,
     (SELECT COUNT(*) AS n FROM load_errors WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}) rejected;
DROP TABLE staging_events_load;
