-- How many songs does a listening session play?
WITH sessions AS (
  SELECT session_id, user_id, COUNT(*) AS plays
  FROM songplays
  GROUP BY session_id, user_id
)
SELECT CASE WHEN plays = 1 THEN '1' WHEN plays <= 5 THEN '2-5' WHEN plays <= 10 THEN '6-10'
            WHEN plays <= 20 THEN '11-20' WHEN plays <= 50 THEN '21-50' ELSE '51 or more' END AS songs_played,
       COUNT(*) AS sessions
FROM sessions
GROUP BY 1
ORDER BY MIN(plays);
