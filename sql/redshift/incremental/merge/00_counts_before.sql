-- Redshift's merge is one Data API batch, so what it added cannot be worked out between its
-- statements as on PostgreSQL: the star tables' sizes before it are kept here, and
-- 12_record_run.sql records the differences in the same transaction.
CREATE TEMPORARY TABLE merge_counts_before (songplays BIGINT, users BIGINT, songs BIGINT, artists BIGINT, time_rows BIGINT);
INSERT INTO merge_counts_before (songplays, users, songs, artists, time_rows)
SELECT p.n AS songplays, u.n AS users, s.n AS songs, a.n AS artists, t.n AS time_rows
FROM (SELECT COUNT(*) AS n FROM songplays) p,
     (SELECT COUNT(*) AS n FROM users) u,
     (SELECT COUNT(*) AS n FROM songs) s,
     (SELECT COUNT(*) AS n FROM artists) a,
     (SELECT COUNT(*) AS n FROM time) t;
