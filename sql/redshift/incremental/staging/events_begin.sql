-- One batch of an incremental run's events partition on Redshift (one Data API batch, one
-- transaction): this file, then sql/redshift/incremental/staging/events_file.sql for each planned
-- file of the batch (a contiguous run of the partition's files in path order, first_file to
-- last_file), then events_end.sql. The batch's files' earlier rows and rejections go first, so
-- a retried batch replaces them and never adds to them.
DELETE FROM staging_events
WHERE partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}
  AND source_file BETWEEN {{first_file:literal}} AND {{last_file:literal}};
DELETE FROM load_errors
WHERE staging = 'events' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}
  AND file BETWEEN {{first_file:literal}} AND {{last_file:literal}};
CREATE TEMPORARY TABLE staging_events_load (LIKE staging_events);
