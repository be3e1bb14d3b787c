-- The peer's staging of songs: one row per song_data/**/*.json file (a single JSON object each).
CREATE OR REPLACE TABLE staging_songs AS
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
       song_id, title, duration, year
FROM read_json(
  {{source_root}} || '/song_data/**/*.json',
  format = 'auto',
  columns = {
    num_songs: 'BIGINT', artist_id: 'VARCHAR', artist_latitude: 'DOUBLE', artist_longitude: 'DOUBLE',
    artist_location: 'VARCHAR', artist_name: 'VARCHAR', song_id: 'VARCHAR', title: 'VARCHAR',
    duration: 'DOUBLE', year: 'BIGINT'
  }
)
WHERE num_songs IS NOT NULL AND artist_id IS NOT NULL AND artist_name IS NOT NULL AND song_id IS NOT NULL
  AND title IS NOT NULL AND duration IS NOT NULL AND year IS NOT NULL;
