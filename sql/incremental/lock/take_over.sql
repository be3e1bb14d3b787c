-- Takes the lock from a run that has closed ($3 its run id, checked so two takers cannot both win).
-- $1 workflow id, $2 run id of the new holder.
UPDATE warehouse_lock SET workflow_id = $1, run_id = $2, acquired_at = CURRENT_TIMESTAMP
WHERE lock_name = 'load' AND run_id = $3;
