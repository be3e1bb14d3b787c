-- Empties every staging table for a new staging round (run in one transaction).
DELETE FROM staging_events;
DELETE FROM staging_songs;
DELETE FROM load_errors;
DELETE FROM staging_progress;
DELETE FROM staging_epoch;
