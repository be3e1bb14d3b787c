-- Takes the load lock in one transaction. Redshift enforces no unique key, so two runs inserting
-- at once could both succeed: LOCK first makes concurrent takers of this transaction run one
-- after the other, and each then sees whether a row is there. The row is inserted when nobody
-- holds the lock, or taken over from {{closed_run:literal}}, a run Temporal said has closed ('' on
-- a first try, which matches no run). The time comes from the activity: Redshift's CURRENT_TIMESTAMP
-- runs on the leader node only. The last statement says who holds the lock now.
LOCK warehouse_lock;
INSERT INTO warehouse_lock (lock_name, workflow_id, run_id, acquired_at)
SELECT 'load', {{workflow_id:literal}}, {{run_id:literal}}, CAST({{now:literal}} AS TIMESTAMP)
WHERE NOT EXISTS (SELECT 1 FROM warehouse_lock WHERE lock_name = 'load');
UPDATE warehouse_lock SET workflow_id = {{workflow_id:literal}}, run_id = {{run_id:literal}}, acquired_at = CAST({{now:literal}} AS TIMESTAMP)
WHERE lock_name = 'load' AND run_id = {{closed_run:literal}};
SELECT workflow_id, run_id, acquired_at FROM warehouse_lock WHERE lock_name = 'load';
