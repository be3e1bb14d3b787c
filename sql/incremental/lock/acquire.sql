-- Takes the load lock when nobody holds it. $1 workflow id, $2 run id; 1 row = taken.
INSERT INTO warehouse_lock (lock_name, workflow_id, run_id, acquired_at)
SELECT 'load', $1, $2, CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM warehouse_lock WHERE lock_name = 'load');
