-- How long do listening sessions last, from their first play to the start of their last?
WITH sessions AS (
  SELECT session_id, user_id,
         EXTRACT(EPOCH FROM MAX(start_time)) - EXTRACT(EPOCH FROM MIN(start_time)) AS seconds
  FROM songplays
  GROUP BY session_id, user_id
)
SELECT CASE WHEN seconds < 600 THEN 'under 10 min' WHEN seconds < 1800 THEN '10-30 min' WHEN seconds < 3600 THEN '30-60 min'
            WHEN seconds < 7200 THEN '1-2 h' WHEN seconds < 14400 THEN '2-4 h' ELSE '4 h or more' END AS session_length,
       COUNT(*) AS sessions
FROM sessions
GROUP BY 1
ORDER BY MIN(seconds);
