-- The run's song rows join every song row loaded before.
INSERT INTO song_catalog (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
                          song_id, title, duration, year, source_file, source_line)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
       song_id, title, duration, year, source_file, source_line
FROM staging_songs;
