-- Releases the lock if this run holds it.
DELETE FROM warehouse_lock WHERE lock_name = 'load' AND run_id = {{run_id:literal}};
