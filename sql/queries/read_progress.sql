-- $1: staging kind, $2: partitions, $3: partition
SELECT files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read
FROM staging_progress
WHERE staging = $1 AND partitions = $2 AND partition_no = $3;
