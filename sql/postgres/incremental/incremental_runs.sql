-- One row per merged incremental run, written in its merge transaction: a retried merge (or a
-- new staging round after a crash) finds it and merges nothing twice.
CREATE TABLE IF NOT EXISTS incremental_runs (
  run_id        TEXT PRIMARY KEY,
  workflow_id   TEXT NOT NULL,
  merged_at     TIMESTAMP NOT NULL,
  files_events  INTEGER NOT NULL,
  files_songs   INTEGER NOT NULL,
  rows_added    TEXT NOT NULL,
  users_updated INTEGER NOT NULL
);
