-- $1: staging kind, $2: partitions, $3: partition, $4: after this path, $5: at most this many
SELECT path, size, etag
FROM staging_files
WHERE staging = $1 AND partitions = $2 AND partition_no = $3 AND path > $4
ORDER BY path
LIMIT $5;
