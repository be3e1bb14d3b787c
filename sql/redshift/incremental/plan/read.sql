-- The partition's planned files in path order: the files its COPYs load, one each.
SELECT path, size, etag
FROM staging_files
WHERE staging = {{staging:literal}} AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}
ORDER BY path;
