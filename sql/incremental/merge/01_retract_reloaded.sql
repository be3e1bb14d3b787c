-- Files staged by this run that the manifest already lists were changed and are reloaded on
-- request: their earlier plays, songs and manifest rows go first, so nothing is counted twice.
-- (Users keep the last-event rule: a user whose last event was in the old version keeps it.)
DELETE FROM songplays
WHERE songplay_id IN (
  SELECT k.songplay_id
  FROM songplay_keys k
  JOIN loaded_files f ON f.staging = 'events' AND f.path = k.source_file
  JOIN staging_files s ON s.staging = 'events' AND s.path = f.path
);
DELETE FROM songplay_keys
WHERE source_file IN (
  SELECT f.path FROM loaded_files f JOIN staging_files s ON s.staging = f.staging AND s.path = f.path WHERE f.staging = 'events'
);
DELETE FROM time
WHERE EXISTS (
  SELECT 1 FROM loaded_files f JOIN staging_files s ON s.staging = f.staging AND s.path = f.path WHERE f.staging = 'events'
)
AND NOT EXISTS (SELECT 1 FROM songplays p WHERE p.start_time = time.start_time);
DELETE FROM song_catalog
WHERE source_file IN (
  SELECT f.path FROM loaded_files f JOIN staging_files s ON s.staging = f.staging AND s.path = f.path WHERE f.staging = 'songs'
);
DELETE FROM loaded_files
WHERE EXISTS (SELECT 1 FROM staging_files s WHERE s.staging = loaded_files.staging AND s.path = loaded_files.path);
