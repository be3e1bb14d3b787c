-- Where are the most songs played from?
SELECT location, COUNT(*) AS plays, COUNT(DISTINCT user_id) AS users
FROM songplays
WHERE location IS NOT NULL
GROUP BY location
ORDER BY plays DESC, location
LIMIT 10;
