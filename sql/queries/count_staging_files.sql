-- $1: staging kind, $2: partitions, $3: partition
SELECT count(*) AS files FROM staging_files WHERE staging = $1 AND partitions = $2 AND partition_no = $3;
