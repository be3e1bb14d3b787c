-- The manifest (see sql/postgres/incremental/loaded_files.sql); (staging, path) is unique because
-- only the merge writes it, after deleting the rows of the files it lists again.
CREATE TABLE IF NOT EXISTS loaded_files (
  staging       VARCHAR(16) NOT NULL,
  path          VARCHAR(1024) NOT NULL,
  size          BIGINT NOT NULL,
  etag          VARCHAR(128),
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  workflow_id   VARCHAR(1024) NOT NULL,
  run_id        VARCHAR(256) NOT NULL,
  loaded_at     TIMESTAMP NOT NULL
)
DISTSTYLE ALL
SORTKEY (staging, path);
