-- Releases the lock if this run ($1) holds it.
DELETE FROM warehouse_lock WHERE lock_name = 'load' AND run_id = $1;
