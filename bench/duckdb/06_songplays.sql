-- One row per NextSong event, numbered in event order; the song is the first in song order whose
-- title, artist name and duration (5 decimals) match the event's song, artist and length.
CREATE OR REPLACE TABLE songplays AS
WITH plays AS (
  SELECT *,
         CASE WHEN ABS(length) < 1e30 THEN CAST(length AS DECIMAL(38, 5)) END AS rounded_length,
         ROW_NUMBER() OVER (
           ORDER BY ts, session_id, item_in_session, user_id, level, first_name NULLS LAST,
                    last_name NULLS LAST, gender NULLS LAST, location NULLS LAST,
                    user_agent NULLS LAST, song NULLS LAST, artist NULLS LAST, length NULLS LAST
         ) AS songplay_id
  FROM staging_events
  WHERE page = 'NextSong'
),
best_match AS (
  SELECT DISTINCT ON (title, artist_name, rounded_duration) title, artist_name, rounded_duration, song_id, artist_id
  FROM (
    SELECT *, CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
    FROM staging_songs
  )
  ORDER BY title, artist_name, rounded_duration, song_id, artist_id, artist_location NULLS LAST,
           artist_latitude NULLS LAST, artist_longitude NULLS LAST, year, duration
)
SELECT p.songplay_id, epoch_ms(p.ts) AS start_time, NULLIF(p.user_id, '') AS user_id, p.level,
       m.song_id, m.artist_id, p.session_id, p.location, p.user_agent
FROM plays p
LEFT JOIN best_match m
  ON m.title = p.song AND m.artist_name = p.artist AND m.rounded_duration = p.rounded_length;
