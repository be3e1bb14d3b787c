-- One batch of an incremental run's songs partition on Redshift (one Data API batch, one
-- transaction): this file, then sql/redshift/incremental/staging/songs_file.sql for each planned
-- file of the batch (a contiguous run of the partition's files in path order, first_file to
-- last_file), then songs_end.sql. The batch's files' earlier rows and rejections go first, so
-- a retried batch replaces them and never adds to them.
DELETE FROM staging_songs
WHERE partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}
  AND source_file BETWEEN {{first_file:literal}} AND {{last_file:literal}};
DELETE FROM load_errors
WHERE staging = 'songs' AND partitions = {{partitions:integer}} AND partition_no = {{partition:integer}}
  AND file BETWEEN {{first_file:literal}} AND {{last_file:literal}};
CREATE TEMPORARY TABLE staging_songs_load (LIKE staging_songs);
