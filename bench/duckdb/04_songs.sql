-- One row per song_id: the first row in song order.
CREATE OR REPLACE TABLE songs AS
SELECT DISTINCT ON (song_id) song_id, title, artist_id, year, duration
FROM staging_songs
ORDER BY song_id, title, artist_id, artist_name, artist_location NULLS LAST,
         artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration;
