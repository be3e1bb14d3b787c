-- One row per loaded NextSong event. The song matches on title, artist name and duration
-- (both rounded to 5 decimals; the CASE keeps absurd values from overflowing the DECIMAL);
-- among several matches the first in song order. Which song that is depends only on the match
-- key, so the catalog is reduced to one song per (title, artist_name, rounded duration) first —
-- the least (song_id, artist_id): song order starts song_id, title, artist_id and title is part
-- of the key — and each event then meets at most one catalog row in a hash join. songplay_id
-- numbers the events in event order (ts, session_id, item_in_session, user_id, level,
-- first_name, last_name, gender, location, user_agent, song, artist, length; NULLs last):
-- events equal in all of these give equal rows, so every run, on PostgreSQL or Redshift, gives
-- the same table. The catalog is built with GROUP BY rather than a window filter so the planner
-- knows its size (about one row per song) and hashes it, not the events. start_time as in
-- time.sql (milliseconds times an interval, no DECIMAL division).
DELETE FROM songplays;
INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
WITH keyed AS (
  SELECT title, artist_name, song_id, artist_id,
         CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
  FROM staging_songs
),
first_song AS (
  SELECT title, artist_name, rounded_duration, MIN(song_id) AS song_id
  FROM keyed
  GROUP BY title, artist_name, rounded_duration
),
catalog AS (
  SELECT k.title, k.artist_name, k.rounded_duration, k.song_id, MIN(k.artist_id) AS artist_id
  FROM keyed k
  JOIN first_song f
    ON f.title = k.title
   AND f.artist_name = k.artist_name
   AND f.rounded_duration = k.rounded_duration
   AND f.song_id = k.song_id
  GROUP BY k.title, k.artist_name, k.rounded_duration, k.song_id
)
SELECT ROW_NUMBER() OVER (
         ORDER BY e.ts, e.session_id, e.item_in_session, e.user_id, e.level, e.first_name NULLS LAST,
                  e.last_name NULLS LAST, e.gender NULLS LAST, e.location NULLS LAST,
                  e.user_agent NULLS LAST, e.song NULLS LAST, e.artist NULLS LAST, e.length NULLS LAST
       ),
       TIMESTAMP 'epoch' + e.ts * INTERVAL '1 millisecond',
       NULLIF(e.user_id, ''),
       e.level,
       c.song_id,
       c.artist_id,
       e.session_id,
       e.location,
       e.user_agent
FROM staging_events e
LEFT JOIN catalog c
  ON c.title = e.song
 AND c.artist_name = e.artist
 AND c.rounded_duration = CASE WHEN ABS(e.length) < 1e30 THEN CAST(e.length AS DECIMAL(38, 5)) END
WHERE e.page = 'NextSong';
