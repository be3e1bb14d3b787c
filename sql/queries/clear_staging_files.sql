-- $1: staging kind, $2: partitions
DELETE FROM staging_files WHERE staging = $1 AND partitions = $2;
