-- One row per artist_id, described by that artist's first song row in song order (song_id,
-- title, artist_id, artist_name, artist_location, artist_latitude, artist_longitude, year,
-- duration; NULLs last): a deterministic choice among conflicting names and locations, made on
-- the rows' contents so both dialects make it alike.
DELETE FROM artists;
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude
FROM (
  SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude,
         ROW_NUMBER() OVER (
           PARTITION BY artist_id
           ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
                    artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration
         ) AS pick
  FROM staging_songs
) ranked
WHERE pick = 1;
