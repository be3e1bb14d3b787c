-- One row per song_id; on duplicates, the first row in song order (song_id, title, artist_id,
-- artist_name, artist_location, artist_latitude, artist_longitude, year, duration; NULLs last):
-- a rule on the rows' own contents, so PostgreSQL and Redshift (whose COPY records no file or
-- line) choose the same row.
DELETE FROM songs;
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, year, duration
FROM (
  SELECT song_id, title, artist_id, year, duration,
         ROW_NUMBER() OVER (
           PARTITION BY song_id
           ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
                    artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration
         ) AS pick
  FROM staging_songs
) ranked
WHERE pick = 1;
