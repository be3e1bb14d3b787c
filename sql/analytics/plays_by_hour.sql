-- At what hour of the day (UTC) are songs played?
SELECT t.hour, COUNT(*) AS plays
FROM songplays p
JOIN time t ON t.start_time = p.start_time
GROUP BY t.hour
ORDER BY t.hour;
