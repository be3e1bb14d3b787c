-- Plays loaded before that a song of this run matches: their song is chosen again over the whole
-- catalog, as a full load of all files would choose it.
UPDATE songplays
SET song_id = m.song_id, artist_id = m.artist_id
FROM (
  SELECT k.songplay_id, c.song_id, c.artist_id,
         ROW_NUMBER() OVER (
           PARTITION BY k.songplay_id
           ORDER BY c.song_id, c.title, c.artist_id, c.artist_name, c.artist_location NULLS LAST,
                    c.artist_latitude NULLS LAST, c.artist_longitude NULLS LAST, c.year, c.duration
         ) AS preference
  FROM songplay_keys k
  JOIN song_catalog c
    ON c.title = k.song
   AND c.artist_name = k.artist
   AND CASE WHEN ABS(c.duration) < 1e30 THEN CAST(c.duration AS DECIMAL(38, 5)) END = k.rounded_length
  WHERE EXISTS (
    SELECT 1 FROM staging_songs s
    WHERE s.title = k.song
      AND s.artist_name = k.artist
      AND CASE WHEN ABS(s.duration) < 1e30 THEN CAST(s.duration AS DECIMAL(38, 5)) END = k.rounded_length
  )
) m
WHERE songplays.songplay_id = m.songplay_id
  AND m.preference = 1
  AND (songplays.song_id IS NULL OR songplays.song_id <> m.song_id OR songplays.artist_id <> m.artist_id);
