-- Every songplay's song_id, when present, is in songs. Offending: songplays whose song_id is not in songs.
WITH offending AS (
  SELECT p.songplay_id, p.song_id
  FROM songplays p
  WHERE p.song_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM songs d WHERE d.song_id = p.song_id)
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'songplay_id ' || CAST(songplay_id AS VARCHAR(20)) || ': song_id ' || CAST(song_id AS VARCHAR(64)) || ' not in songs' AS example
  FROM offending
  ORDER BY songplay_id
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
