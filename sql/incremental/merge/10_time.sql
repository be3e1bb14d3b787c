-- The run's play times not in time yet (time holds every distinct songplay start_time).
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       CAST(EXTRACT(HOUR FROM start_time) AS INTEGER),
       CAST(EXTRACT(DAY FROM start_time) AS INTEGER),
       CAST(EXTRACT(WEEK FROM start_time) AS INTEGER),
       CAST(EXTRACT(MONTH FROM start_time) AS INTEGER),
       CAST(EXTRACT(YEAR FROM start_time) AS INTEGER),
       CAST(EXTRACT(DOW FROM start_time) AS INTEGER)
FROM (
  SELECT DISTINCT TIMESTAMP 'epoch' + ts * INTERVAL '1 millisecond' AS start_time
  FROM staging_events
  WHERE page = 'NextSong'
) plays
WHERE NOT EXISTS (SELECT 1 FROM time t WHERE t.start_time = plays.start_time);
