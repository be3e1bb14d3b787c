-- Rows of the staging plan's listing: (staging, partitions, partition_no, path, size, etag),
-- as many as fit one Data API statement.
INSERT INTO staging_files (staging, partitions, partition_no, path, size, etag)
VALUES {{files:rows}};
