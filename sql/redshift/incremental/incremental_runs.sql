-- One row per merged incremental run (see sql/postgres/incremental/incremental_runs.sql).
CREATE TABLE IF NOT EXISTS incremental_runs (
  run_id        VARCHAR(256) NOT NULL,
  workflow_id   VARCHAR(1024) NOT NULL,
  merged_at     TIMESTAMP NOT NULL,
  files_events  INTEGER NOT NULL,
  files_songs   INTEGER NOT NULL,
  rows_added    VARCHAR(1024) NOT NULL,
  users_updated INTEGER NOT NULL
)
DISTSTYLE ALL;
