-- The run's merge, when it has committed.
SELECT files_events, files_songs, rows_added, users_updated FROM incremental_runs WHERE run_id = {{run_id:literal}};
