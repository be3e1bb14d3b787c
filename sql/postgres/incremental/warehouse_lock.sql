-- Who is loading this long-lived warehouse: one row while a run holds it. Taken at the start of an
-- incremental run and deleted at its end; a row left by a run that has closed (a crash, a
-- terminate) is taken over by the next run, which asks Temporal about the holder first.
CREATE TABLE IF NOT EXISTS warehouse_lock (
  lock_name   TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  run_id      TEXT NOT NULL,
  acquired_at TIMESTAMP NOT NULL
);
