-- The manifest: every source file an incremental run loaded, written in the same transaction as
-- the file's rows reach the star tables, so a file is either wholly loaded and listed, or neither.
CREATE TABLE IF NOT EXISTS loaded_files (
  staging       TEXT NOT NULL,
  path          TEXT COLLATE "C" NOT NULL,
  size          BIGINT NOT NULL,
  etag          TEXT,
  rows_loaded   BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  workflow_id   TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  loaded_at     TIMESTAMP NOT NULL,
  PRIMARY KEY (staging, path)
);
