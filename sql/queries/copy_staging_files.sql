-- The staging plan's listing, streamed as it is made: kind, partitions, partition, path, size, etag
COPY staging_files (staging, partitions, partition_no, path, size, etag) FROM STDIN;
