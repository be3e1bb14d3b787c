-- New plays get songplay_ids after every id given before, numbered in event order (the order of
-- sql/transforms/songplays.sql), so ids of rows already loaded never change, and days loaded in
-- order number exactly as a full load of them.
INSERT INTO songplay_keys (songplay_id, source_file, source_line, song, artist, rounded_length)
SELECT (SELECT COALESCE(MAX(songplay_id), 0) FROM songplay_keys)
         + ROW_NUMBER() OVER (
             ORDER BY ts, session_id, item_in_session, user_id, level, first_name NULLS LAST,
                    last_name NULLS LAST, gender NULLS LAST, location NULLS LAST,
                    user_agent NULLS LAST, song NULLS LAST, artist NULLS LAST, length NULLS LAST
           ),
       source_file, source_line, song, artist,
       CASE WHEN ABS(length) < 1e30 THEN CAST(length AS DECIMAL(38, 5)) END
FROM staging_events
WHERE page = 'NextSong';
