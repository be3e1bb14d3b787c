-- One row per loaded NextSong event. The song matches on title, artist name and duration
-- (both rounded to 5 decimals; the CASE keeps absurd values from overflowing the DECIMAL);
-- among several matches the first in song order. Which song that is depends only on the match
-- key, so the catalog is reduced to one song per (title, artist_name, rounded duration) first —
-- the least (song_id, artist_id): song order starts song_id, title, artist_id and title is part
-- of the key — and each event then meets at most one catalog row in a hash join. One sort
-- serves the window that finds that song's artist and the GROUP BY that keeps one row per key
-- (0.35 s at 100k songs, against 0.59 s for a GROUP BY joined back to the songs); the GROUP BY,
-- unlike a filter on a row number, tells the planner the catalog's size, so it hashes the
-- catalog and not the events. songplay_id numbers the events in event order (ts, session_id,
-- item_in_session, user_id, level, first_name, last_name, gender, location, user_agent, song,
-- artist, length; NULLs last): events equal in all of these give equal rows, so every run, on
-- PostgreSQL or Redshift, gives the same table. start_time as in time.sql (milliseconds times
-- an interval, no DECIMAL division).
DELETE FROM songplays;
INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
WITH catalog AS (
  SELECT title, artist_name, rounded_duration, MIN(song_id) AS song_id, MIN(first_artist_id) AS artist_id
  FROM (
    SELECT title, artist_name, rounded_duration, song_id,
           FIRST_VALUE(artist_id) OVER (
             PARTITION BY title, artist_name, rounded_duration ORDER BY song_id, artist_id
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
           ) AS first_artist_id
    FROM (
      SELECT title, artist_name, song_id, artist_id,
             CASE WHEN ABS(duration) < 1e30 THEN CAST(duration AS DECIMAL(38, 5)) END AS rounded_duration
      FROM staging_songs
    ) keyed
  ) ranked
  GROUP BY title, artist_name, rounded_duration
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
