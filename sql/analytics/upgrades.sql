-- Which users upgraded from free to paid, and when (their first paid play right after a free one)?
WITH ordered AS (
  SELECT user_id, start_time, level,
         LAG(level) OVER (PARTITION BY user_id ORDER BY start_time, songplay_id) AS previous_level
  FROM songplays
  WHERE user_id IS NOT NULL
),
upgrades AS (
  SELECT user_id, MIN(start_time) AS upgraded_at, COUNT(*) AS upgrades
  FROM ordered
  WHERE level = 'paid' AND previous_level = 'free'
  GROUP BY user_id
)
SELECT g.user_id, u.first_name, u.last_name, TO_CHAR(g.upgraded_at, 'YYYY-MM-DD HH24:MI:SS') AS upgraded_at, g.upgrades
FROM upgrades g
LEFT JOIN users u ON u.user_id = g.user_id
ORDER BY g.upgraded_at, g.user_id;
