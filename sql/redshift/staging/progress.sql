-- What a partition's last committed COPY recorded (read back after the batch, or after an
-- earlier attempt's batch finished).
SELECT files_done, last_file, lines_read, rows_loaded, rows_rejected, bytes_read
FROM staging_progress
WHERE staging = {{staging:literal}} AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}};
