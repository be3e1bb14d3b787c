-- When the warehouse's server last started: a change between two activities means it restarted.
SELECT CAST(pg_postmaster_start_time() AS VARCHAR(64)) AS started_at;
