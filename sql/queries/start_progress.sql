-- A partition's progress row before its first batch; kept if it already exists (a retry).
-- $1: staging kind, $2: partitions, $3: partition
INSERT INTO staging_progress (staging, partitions, partition_no, files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read)
SELECT CAST($1 AS VARCHAR(16)), CAST($2 AS INTEGER), CAST($3 AS INTEGER), 0, '', 0, 0, 0, 0
WHERE NOT EXISTS (
  SELECT 1 FROM staging_progress
  WHERE staging = CAST($1 AS VARCHAR(16)) AND partitions = CAST($2 AS INTEGER) AND partition_no = CAST($3 AS INTEGER)
);
