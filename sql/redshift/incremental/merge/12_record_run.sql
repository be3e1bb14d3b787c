-- The run's row in incremental_runs, in the merge's transaction (sql/incremental/record_run.sql
-- on PostgreSQL): files planned per kind, rows each star table gained since
-- 00_counts_before.sql (as JSON), and the users 06_users.sql updated.
INSERT INTO incremental_runs (run_id, workflow_id, merged_at, files_events, files_songs, rows_added, users_updated)
SELECT {{run_id:literal}}, {{workflow_id:literal}}, CAST({{now:literal}} AS TIMESTAMP), f.events, f.songs,
       '{"songplays":' || CAST(p.n - b.songplays AS VARCHAR(20))
         || ',"users":' || CAST(u.n - b.users AS VARCHAR(20))
         || ',"songs":' || CAST(s.n - b.songs AS VARCHAR(20))
         || ',"artists":' || CAST(a.n - b.artists AS VARCHAR(20))
         || ',"time":' || CAST(t.n - b.time_rows AS VARCHAR(20)) || '}',
       c.n
FROM merge_counts_before b,
     (SELECT COUNT(*) AS n FROM songplays) p,
     (SELECT COUNT(*) AS n FROM users) u,
     (SELECT COUNT(*) AS n FROM songs) s,
     (SELECT COUNT(*) AS n FROM artists) a,
     (SELECT COUNT(*) AS n FROM time) t,
     (SELECT COUNT(CASE WHEN staging = 'events' THEN 1 END) AS events,
             COUNT(CASE WHEN staging = 'songs' THEN 1 END) AS songs
      FROM staging_files) f,
     (SELECT COUNT(*) AS n FROM users_changed) c;
