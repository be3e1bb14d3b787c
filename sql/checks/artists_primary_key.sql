-- artists.artist_id is unique and never NULL. Offending: every row whose key is NULL or shared with another row.
WITH offending AS (
  SELECT CAST(artist_id AS VARCHAR(64)) AS key_text, COUNT(*) AS copies
  FROM artists
  GROUP BY artist_id
  HAVING artist_id IS NULL OR COUNT(*) > 1
)
SELECT total.offending_rows, sample.example
FROM (SELECT COALESCE(SUM(copies), 0) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'artist_id ' || COALESCE(key_text, 'NULL') || ': ' || CAST(copies AS VARCHAR(20)) || ' rows' AS example
  FROM offending
  ORDER BY key_text
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
