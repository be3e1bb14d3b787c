-- The partition's progress after this batch, counted over everything committed for it so far
-- (the planned files up to last_file, the rows staged and rejected), so the row is right after
-- any batch and after a retried one.
DELETE FROM staging_progress WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
INSERT INTO staging_progress (staging, partitions, partition_no, files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read)
SELECT 'events', {{partitions:integer}}, {{partition:integer}}, planned.files, {{last_file:literal}}, loaded.n + rejected.n, loaded.n, rejected.n, planned.bytes
FROM (SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes
      FROM staging_files
      WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}} AND path <= {{last_file:literal}}) planned,
     (SELECT COUNT(*) AS n FROM staging_events WHERE partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}) loaded,
     (SELECT COUNT(*) AS n FROM load_errors WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}) rejected;
DROP TABLE staging_events_load;
