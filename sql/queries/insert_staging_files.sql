-- $1: staging kind, $2: partitions, $3..$6: arrays of partition, path, size, etag
INSERT INTO staging_files (staging, partitions, partition_no, path, size, etag)
SELECT $1, $2, t.partition_no, t.path, t.size, t.etag
FROM unnest(CAST($3 AS INTEGER[]), CAST($4 AS TEXT[]), CAST($5 AS BIGINT[]), CAST($6 AS TEXT[])) AS t(partition_no, path, size, etag);
