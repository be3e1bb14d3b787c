-- The run holding the load lock, if any.
SELECT workflow_id, run_id, acquired_at FROM warehouse_lock WHERE lock_name = 'load';
