-- The staging plan's listing (see sql/postgres/create/staging_files.sql). Redshift compares
-- VARCHAR bytewise, the order the COPY walks it in.
DROP TABLE IF EXISTS staging_files;
CREATE TABLE staging_files (
  staging      VARCHAR(16) NOT NULL,
  partitions   INTEGER NOT NULL,
  partition_no INTEGER NOT NULL,
  path         VARCHAR(1024) NOT NULL,
  size         BIGINT NOT NULL,
  etag         VARCHAR(128),
  PRIMARY KEY (staging, partitions, partition_no, path)
)
DISTSTYLE ALL
SORTKEY (staging, partitions, partition_no, path);
