-- One row per loaded NextSong event. The song matches on title, artist name and duration
-- (both rounded to 5 decimals; the CASE keeps absurd values from overflowing the DECIMAL);
-- among several matches the lowest song_id wins. songplay_id numbers the events by
-- (ts, file, line), so every run gives the same ids.
DELETE FROM songplays;
INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
WITH plays AS (
  SELECT ts, source_file, source_line, user_id, level, session_id, location, user_agent, song, artist,
         CASE WHEN ABS(length) < 1e30 THEN CAST(length AS DECIMAL(38, 5)) END AS rounded_length
  FROM staging_events
  WHERE page = 'NextSong'
),
catalog AS (
  SELECT song_id, artist_id, title, artist_name, source_file,
         CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
  FROM staging_songs
),
matches AS (
  SELECT p.source_file, p.source_line, c.song_id, c.artist_id,
         ROW_NUMBER() OVER (
           PARTITION BY p.source_file, p.source_line
           ORDER BY c.song_id, c.source_file
         ) AS preference
  FROM plays p
  JOIN catalog c
    ON c.title = p.song
   AND c.artist_name = p.artist
   AND c.rounded_duration = p.rounded_length
)
SELECT ROW_NUMBER() OVER (ORDER BY p.ts, p.source_file, p.source_line),
       TIMESTAMP 'epoch' + p.ts / 1000.0 * INTERVAL '1 second',
       NULLIF(p.user_id, ''),
       p.level,
       m.song_id,
       m.artist_id,
       p.session_id,
       p.location,
       p.user_agent
FROM plays p
LEFT JOIN matches m
  ON m.source_file = p.source_file
 AND m.source_line = p.source_line
 AND m.preference = 1;
