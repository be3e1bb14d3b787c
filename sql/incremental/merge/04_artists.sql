-- When the run brought song files: artists again over the whole catalog, by the rule of
-- sql/transforms/artists.sql (described by the artist's first song row in song order).
DELETE FROM artists
WHERE EXISTS (SELECT 1 FROM staging_files WHERE staging = 'songs');
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude
FROM (
  SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude,
         ROW_NUMBER() OVER (
           PARTITION BY artist_id
           ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
                    artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration
         ) AS pick
  FROM song_catalog
  WHERE EXISTS (SELECT 1 FROM staging_files WHERE staging = 'songs')
) ranked
WHERE pick = 1;
