-- The embedded server's memory and WAL settings as a new session sees them (the e2e bench states them)
SELECT name, setting, unit
FROM pg_settings
WHERE name IN ('shared_buffers', 'huge_pages', 'work_mem', 'maintenance_work_mem', 'temp_buffers', 'effective_cache_size', 'wal_buffers', 'max_wal_size', 'max_connections', 'max_parallel_workers_per_gather',
               'wal_level', 'synchronous_commit', 'checkpoint_timeout', 'fsync')
ORDER BY name;
