-- The peer's staging of songs: one row per song_data/**/*.json file (a single JSON object each).
-- read_text + json_transform rather than read_json: read_json took 6x longer at 20k small files here.
CREATE OR REPLACE TABLE staging_songs AS
SELECT song.*
FROM (
  SELECT json_transform(content, '{
    "num_songs": "BIGINT", "artist_id": "VARCHAR", "artist_latitude": "DOUBLE", "artist_longitude": "DOUBLE",
    "artist_location": "VARCHAR", "artist_name": "VARCHAR", "song_id": "VARCHAR", "title": "VARCHAR",
    "duration": "DOUBLE", "year": "BIGINT"
  }') AS song
  FROM read_text({{source_root}} || '/song_data/**/*.json')
)
WHERE song.num_songs IS NOT NULL AND song.artist_id IS NOT NULL AND song.artist_name IS NOT NULL
  AND song.song_id IS NOT NULL AND song.title IS NOT NULL AND song.duration IS NOT NULL AND song.year IS NOT NULL;
