-- One row per artist_id, from the artist's first song row in song order.
CREATE OR REPLACE TABLE artists AS
SELECT DISTINCT ON (artist_id) artist_id, artist_name AS name, artist_location AS location,
       artist_latitude AS latitude, artist_longitude AS longitude
FROM staging_songs
ORDER BY artist_id, song_id, title, artist_name, artist_location NULLS LAST,
         artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration;
