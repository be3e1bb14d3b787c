DROP TABLE IF EXISTS staging_progress;
CREATE TABLE staging_progress (
  staging       VARCHAR(16) NOT NULL,
  partitions    INTEGER NOT NULL,
  partition_no  INTEGER NOT NULL,
  files_done    INTEGER NOT NULL,
  last_file     VARCHAR(1024) NOT NULL,
  lines_read    BIGINT NOT NULL,
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  bytes_read    BIGINT NOT NULL,
  PRIMARY KEY (staging, partitions, partition_no)
)
DISTSTYLE ALL;
