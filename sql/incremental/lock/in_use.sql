-- Whether a long-lived warehouse is in use: a run holds the load lock, or any other session is
-- connected (a run between its steps, a report, an analyst).
SELECT
  (SELECT COUNT(*) FROM {{schema}}.warehouse_lock)::int AS locks,
  (SELECT COUNT(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int AS sessions;
