-- One row per loaded NextSong event. The song matches on title, artist name and duration
-- (both rounded to 5 decimals; the CASE keeps absurd values from overflowing the DECIMAL);
-- among several matches the first in song order (lowest song_id, then the row's other
-- fields). songplay_id numbers the events in event order (ts, session_id, item_in_session,
-- user_id, level, first_name, last_name, gender, location, user_agent, song, artist, length;
-- NULLs last): events equal in all of these give equal rows, so every run, on PostgreSQL or
-- Redshift, gives the same table.
DELETE FROM songplays;
INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
WITH plays AS (
  SELECT ts, user_id, level, session_id, location, user_agent, song, artist,
         CASE WHEN ABS(length) < 1e30 THEN CAST(length AS DECIMAL(38, 5)) END AS rounded_length,
         ROW_NUMBER() OVER (
           ORDER BY ts, session_id, item_in_session, user_id, level, first_name NULLS LAST,
                    last_name NULLS LAST, gender NULLS LAST, location NULLS LAST,
                    user_agent NULLS LAST, song NULLS LAST, artist NULLS LAST, length NULLS LAST
         ) AS play_no
  FROM staging_events
  WHERE page = 'NextSong'
),
catalog AS (
  SELECT song_id, artist_id, title, artist_name, artist_location, artist_latitude, artist_longitude, year, duration,
         CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
  FROM staging_songs
),
matches AS (
  SELECT p.play_no, c.song_id, c.artist_id,
         ROW_NUMBER() OVER (
           PARTITION BY p.play_no
           ORDER BY c.song_id, c.title, c.artist_id, c.artist_name, c.artist_location NULLS LAST,
                    c.artist_latitude NULLS LAST, c.artist_longitude NULLS LAST, c.year, c.duration
         ) AS preference
  FROM plays p
  JOIN catalog c
    ON c.title = p.song
   AND c.artist_name = p.artist
   AND c.rounded_duration = p.rounded_length
)
SELECT p.play_no,
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
  ON m.play_no = p.play_no
 AND m.preference = 1;
