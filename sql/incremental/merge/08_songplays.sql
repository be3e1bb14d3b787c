-- The run's plays, each matched against every song loaded so far by the rule of
-- sql/transforms/songplays.sql (title, artist name and duration rounded to 5 decimals; among
-- several, the first in song order).
INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
WITH plays AS (
  SELECT k.songplay_id, e.ts, e.user_id, e.level, e.session_id, e.location, e.user_agent, k.song, k.artist, k.rounded_length
  FROM staging_events e
  JOIN songplay_keys k ON k.source_file = e.source_file AND k.source_line = e.source_line
  WHERE e.page = 'NextSong'
),
catalog AS (
  SELECT song_id, artist_id, title, artist_name, artist_location, artist_latitude, artist_longitude, year, duration,
         CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
  FROM song_catalog
),
matches AS (
  SELECT p.songplay_id, c.song_id, c.artist_id,
         ROW_NUMBER() OVER (
           PARTITION BY p.songplay_id
           ORDER BY c.song_id, c.title, c.artist_id, c.artist_name, c.artist_location NULLS LAST,
                    c.artist_latitude NULLS LAST, c.artist_longitude NULLS LAST, c.year, c.duration
         ) AS preference
  FROM plays p
  JOIN catalog c
    ON c.title = p.song
   AND c.artist_name = p.artist
   AND c.rounded_duration = p.rounded_length
)
SELECT p.songplay_id,
       TIMESTAMP 'epoch' + p.ts * INTERVAL '1 millisecond',
       NULLIF(p.user_id, ''),
       p.level,
       m.song_id,
       m.artist_id,
       p.session_id,
       p.location,
       p.user_agent
FROM plays p
LEFT JOIN matches m
  ON m.songplay_id = p.songplay_id
 AND m.preference = 1;
