-- $1 run id, $2 workflow id, $3 event files, $4 song files, $5 rows added (JSON), $6 users updated
INSERT INTO incremental_runs (run_id, workflow_id, merged_at, files_events, files_songs, rows_added, users_updated)
VALUES ($1, $2, CURRENT_TIMESTAMP, CAST($3 AS INTEGER), CAST($4 AS INTEGER), $5, CAST($6 AS INTEGER));
