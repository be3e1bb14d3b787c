-- Who is loading this long-lived warehouse (see sql/postgres/incremental/warehouse_lock.sql).
-- Redshift enforces no primary key: one holder is kept by taking the lock inside a transaction
-- that starts with LOCK warehouse_lock (sql/redshift/incremental/lock/acquire.sql). One row at
-- most: Redshift's default distribution suits it.
CREATE TABLE IF NOT EXISTS warehouse_lock (
  lock_name   VARCHAR(16) NOT NULL,
  workflow_id VARCHAR(1024) NOT NULL,
  run_id      VARCHAR(256) NOT NULL,
  acquired_at TIMESTAMP NOT NULL
);
