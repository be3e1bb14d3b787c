-- One planned event file: COPY reads exactly that object (a manifest with one entry), its
-- rejected rows move from STL_LOAD_ERRORS into load_errors under the file's path (this COPY read
-- no other file), and its rows go to staging_events with the file's path and an ordinal: the
-- row's place in event order over all its fields (the order the transforms use; rows that tie
-- are identical, so which of them gets which ordinal changes nothing). COPY options as in
-- sql/redshift/staging/events.sql.
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
SELECT {{file:literal}},
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
INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line, partitions, partition_no)
SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, {{file:literal}},
       ROW_NUMBER() OVER (
         ORDER BY ts, session_id, item_in_session, user_id, level, first_name NULLS LAST,
                  last_name NULLS LAST, gender NULLS LAST, location NULLS LAST, user_agent NULLS LAST,
                  song NULLS LAST, artist NULLS LAST, length NULLS LAST, auth, method, page,
                  registration NULLS LAST, status
       ),
       {{partitions:integer}}, {{partition:integer}}
FROM staging_events_load;
DELETE FROM staging_events_load;
