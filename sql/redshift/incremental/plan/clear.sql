-- The first batch of the staging plan's listing replaces an earlier attempt's rows for the kind.
DELETE FROM staging_files WHERE staging = {{staging:literal}} AND partitions = {{partitions:integer}};
