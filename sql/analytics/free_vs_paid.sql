-- How many users are on the free and on the paid level, and how many plays does each level make?
-- users: by their current level (the users table); plays and playing users: by the level at the time of the play.
SELECT l.level, COALESCE(u.users, 0) AS users, COALESCE(p.plays, 0) AS plays, COALESCE(p.playing_users, 0) AS playing_users
FROM (SELECT level FROM users UNION SELECT level FROM songplays) l
LEFT JOIN (SELECT level, COUNT(*) AS users FROM users GROUP BY level) u ON u.level = l.level
LEFT JOIN (SELECT level, COUNT(*) AS plays, COUNT(DISTINCT user_id) AS playing_users FROM songplays GROUP BY level) p ON p.level = l.level
ORDER BY l.level;
