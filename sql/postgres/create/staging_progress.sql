-- How far each staging partition got: updated in the same transaction as each loaded batch,
-- so a retried COPY resumes exactly after the last committed file.
DROP TABLE IF EXISTS staging_progress;
CREATE UNLOGGED TABLE staging_progress (
  staging       TEXT NOT NULL,
  partitions    INTEGER NOT NULL,
  partition_no  INTEGER NOT NULL,
  files_done    INTEGER NOT NULL,
  last_file     TEXT NOT NULL,
  lines_read    BIGINT NOT NULL,
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  bytes_read    BIGINT NOT NULL,
  PRIMARY KEY (staging, partitions, partition_no)
);
