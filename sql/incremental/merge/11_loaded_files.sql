-- The manifest rows of every file this run loaded, with its rows loaded and rejected.
-- The run's workflow and run id, and the time it is recorded at (the activity's clock: Redshift's
-- CURRENT_TIMESTAMP runs on the leader node only).
INSERT INTO loaded_files (staging, path, size, etag, rows_loaded, rows_rejected, workflow_id, run_id, loaded_at)
SELECT f.staging, f.path, f.size, f.etag, COALESCE(l.row_count, 0), COALESCE(r.row_count, 0),
       {{workflow_id:literal}}, {{run_id:literal}}, CAST({{now:literal}} AS TIMESTAMP)
FROM staging_files f
LEFT JOIN (
  SELECT 'events' AS staging, source_file, COUNT(*) AS row_count FROM staging_events GROUP BY source_file
  UNION ALL
  SELECT 'songs' AS staging, source_file, COUNT(*) AS row_count FROM staging_songs GROUP BY source_file
) l ON l.staging = f.staging AND l.source_file = f.path
LEFT JOIN (
  SELECT staging, file, COUNT(*) AS row_count FROM load_errors GROUP BY staging, file
) r ON r.staging = f.staging AND r.file = f.path;
