-- When the run brought song files: songs again over the whole catalog, by the rule of
-- sql/transforms/songs.sql (one row per song_id: the first row in song order). Nothing happens in
-- a run without song files.
DELETE FROM songs
WHERE EXISTS (SELECT 1 FROM staging_files WHERE staging = 'songs');
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, year, duration
FROM (
  SELECT song_id, title, artist_id, year, duration,
         ROW_NUMBER() OVER (
           PARTITION BY song_id
           ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
                    artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration
         ) AS pick
  FROM song_catalog
  WHERE EXISTS (SELECT 1 FROM staging_files WHERE staging = 'songs')
) ranked
WHERE pick = 1;
