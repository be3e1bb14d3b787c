-- One row per artist_id, described by that artist's song with the smallest song_id
-- (then the smallest file path), a deterministic choice among conflicting names and locations.
DELETE FROM artists;
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude
FROM (
  SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, source_file, source_line) AS pick
  FROM staging_songs
) ranked
WHERE pick = 1;
