-- Every songplay's start_time (never NULL) is in time. Offending: songplays whose start_time is not in time.
WITH offending AS (
  SELECT p.songplay_id, p.start_time
  FROM songplays p
  WHERE NOT EXISTS (SELECT 1 FROM time d WHERE d.start_time = p.start_time)
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'songplay_id ' || CAST(songplay_id AS VARCHAR(20)) || ': start_time ' || COALESCE(CAST(start_time AS VARCHAR(64)), 'NULL') || ' not in time' AS example
  FROM offending
  ORDER BY songplay_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
