-- Every user's level is one of the known levels, free or paid. Offending: users with any other level or none.
WITH offending AS (
  SELECT user_id, level
  FROM users
  WHERE level IS NULL OR level NOT IN ('free', 'paid')
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'user_id ' || COALESCE(user_id, 'NULL') || ': level ' || COALESCE(level, 'NULL') AS example
  FROM offending
  ORDER BY user_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
