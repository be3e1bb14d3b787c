-- No star table is empty when its input is not: songplays and time need NextSong events, users events with a userId,
-- songs and artists staged songs. Offending: each star table that is empty while its input has rows.
-- A table's emptiness is read from its first row only, and its input is counted only when it is empty
-- (PostgreSQL runs an uncorrelated subquery when its value is first needed): a full load reads no table through.
WITH emptiness AS (
  SELECT CAST('songplays' AS VARCHAR(16)) AS star_table, (SELECT COUNT(*) FROM (SELECT 1 AS one FROM songplays LIMIT 1) t) AS table_rows
  UNION ALL
  SELECT CAST('time' AS VARCHAR(16)), (SELECT COUNT(*) FROM (SELECT 1 AS one FROM time LIMIT 1) t)
  UNION ALL
  SELECT CAST('users' AS VARCHAR(16)), (SELECT COUNT(*) FROM (SELECT 1 AS one FROM users LIMIT 1) t)
  UNION ALL
  SELECT CAST('songs' AS VARCHAR(16)), (SELECT COUNT(*) FROM (SELECT 1 AS one FROM songs LIMIT 1) t)
  UNION ALL
  SELECT CAST('artists' AS VARCHAR(16)), (SELECT COUNT(*) FROM (SELECT 1 AS one FROM artists LIMIT 1) t)
),
sizes AS (
  SELECT star_table,
         CASE WHEN table_rows > 0 THEN 0
              WHEN star_table IN ('songplays', 'time') THEN (SELECT COUNT(*) FROM staging_events WHERE page = 'NextSong')
              WHEN star_table = 'users' THEN (SELECT COUNT(*) FROM staging_events WHERE user_id <> '')
              ELSE (SELECT COUNT(*) FROM staging_songs)
         END AS input_rows,
         table_rows
  FROM emptiness
),
offending AS (
  SELECT star_table, input_rows FROM sizes WHERE table_rows = 0 AND input_rows > 0
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT star_table || ' is empty, its input has ' || CAST(input_rows AS VARCHAR(20)) || ' rows' AS example
  FROM offending
  ORDER BY star_table
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
