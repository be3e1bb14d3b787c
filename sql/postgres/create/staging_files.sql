-- The staging plan's listing: the files each COPY partition loads, with the size and version tag
-- (S3 ETag) they had when planned, so a COPY loads exactly the planned files and notices a file
-- that changed or vanished since. Byte-order collation: the COPY walks it in path order.
-- Logged (unlike the staging tables): written once per run, it must survive a server crash so
-- the staging round that follows loads the same files.
DROP TABLE IF EXISTS staging_files;
CREATE TABLE staging_files (
  staging      TEXT NOT NULL,
  partitions   INTEGER NOT NULL,
  partition_no INTEGER NOT NULL,
  path         TEXT COLLATE "C" NOT NULL,
  size         BIGINT NOT NULL,
  etag         TEXT,
  PRIMARY KEY (staging, partitions, partition_no, path)
);
