-- One row per song_id; on duplicates, the row from the smallest file path.
DELETE FROM songs;
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, year, duration
FROM (
  SELECT song_id, title, artist_id, year, duration,
         ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY source_file, source_line) AS pick
  FROM staging_songs
) ranked
WHERE pick = 1;
