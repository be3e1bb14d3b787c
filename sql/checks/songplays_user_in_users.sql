-- Every songplay's user_id, when present, is in users. Offending: songplays whose user_id is not in users.
WITH offending AS (
  SELECT p.songplay_id, p.user_id
  FROM songplays p
  WHERE p.user_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM users d WHERE d.user_id = p.user_id)
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'songplay_id ' || CAST(songplay_id AS VARCHAR(20)) || ': user_id ' || CAST(user_id AS VARCHAR(64)) || ' not in users' AS example
  FROM offending
  ORDER BY songplay_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
