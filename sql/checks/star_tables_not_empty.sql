-- No star table is empty when its input is not: songplays and time need NextSong events, users events with a userId,
-- songs and artists staged songs. Offending: each star table that is empty while its input has rows.
WITH sizes AS (
  SELECT CAST('songplays' AS VARCHAR(16)) AS star_table, i.n AS input_rows, t.n AS table_rows
  FROM (SELECT COUNT(*) AS n FROM staging_events WHERE page = 'NextSong') i
  CROSS JOIN (SELECT COUNT(*) AS n FROM songplays) t
  UNION ALL
  SELECT CAST('time' AS VARCHAR(16)), i.n, t.n
  FROM (SELECT COUNT(*) AS n FROM staging_events WHERE page = 'NextSong') i
  CROSS JOIN (SELECT COUNT(*) AS n FROM time) t
  UNION ALL
  SELECT CAST('users' AS VARCHAR(16)), i.n, t.n
  FROM (SELECT COUNT(*) AS n FROM staging_events WHERE user_id <> '') i
  CROSS JOIN (SELECT COUNT(*) AS n FROM users) t
  UNION ALL
  SELECT CAST('songs' AS VARCHAR(16)), i.n, t.n
  FROM (SELECT COUNT(*) AS n FROM staging_songs) i
  CROSS JOIN (SELECT COUNT(*) AS n FROM songs) t
  UNION ALL
  SELECT CAST('artists' AS VARCHAR(16)), i.n, t.n
  FROM (SELECT COUNT(*) AS n FROM staging_songs) i
  CROSS JOIN (SELECT COUNT(*) AS n FROM artists) t
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
