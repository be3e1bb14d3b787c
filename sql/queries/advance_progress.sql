-- Moves a partition's progress past one batch, only if nobody else moved it since this attempt
-- read it ($4 = the files_done it read); 0 rows updated means another attempt got there first.
-- $1 staging, $2 partitions, $3 partition, $4 expected files_done, $5 new files_done, $6 last_file,
-- $7 lines_read, $8 rows_loaded, $9 rows_rejected, $10 bytes_read (new totals)
UPDATE staging_progress
SET files_done = $5, last_file = $6, lines_read = $7, rows_loaded = $8, rows_rejected = $9, bytes_read = $10
WHERE staging = $1 AND partitions = $2 AND partition_no = $3 AND files_done = $4;
