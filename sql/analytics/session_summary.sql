-- How many listening sessions are there, and how many songs and minutes does one last on average?
WITH sessions AS (
  SELECT session_id, user_id, COUNT(*) AS plays,
         EXTRACT(EPOCH FROM MAX(start_time)) - EXTRACT(EPOCH FROM MIN(start_time)) AS seconds
  FROM songplays
  GROUP BY session_id, user_id
)
SELECT COUNT(*) AS sessions,
       ROUND(CAST(SUM(plays) AS DECIMAL(38, 6)) / COUNT(*), 2) AS average_songs,
       ROUND(CAST(SUM(seconds) AS DECIMAL(38, 6)) / (60 * COUNT(*)), 2) AS average_minutes,
       MAX(plays) AS most_songs
FROM sessions;
