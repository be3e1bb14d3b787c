-- Every songplay's level is one of the known levels, free or paid. Offending: songplays with any other level or none.
WITH offending AS (
  SELECT songplay_id, level
  FROM songplays
  WHERE level IS NULL OR level NOT IN ('free', 'paid')
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'songplay_id ' || CAST(songplay_id AS VARCHAR(20)) || ': level ' || COALESCE(level, 'NULL') AS example
  FROM offending
  ORDER BY songplay_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
