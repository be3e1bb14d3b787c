-- Every songplay's artist_id, when present, is in artists. Offending: songplays whose artist_id is not in artists.
WITH offending AS (
  SELECT p.songplay_id, p.artist_id
  FROM songplays p
  WHERE p.artist_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM artists d WHERE d.artist_id = p.artist_id)
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'songplay_id ' || CAST(songplay_id AS VARCHAR(20)) || ': artist_id ' || CAST(artist_id AS VARCHAR(64)) || ' not in artists' AS example
  FROM offending
  ORDER BY songplay_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
