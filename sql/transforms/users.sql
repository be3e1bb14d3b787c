-- One row per non-empty userId; names, gender and level from the user's last event in event
-- order (ts, session_id, item_in_session, user_id, level, first_name, last_name, gender,
-- location, user_agent, song, artist, length; NULLs last), so the latest ts wins and ties are
-- broken on the rows' contents alike in both dialects. Re-running replaces the table.
DELETE FROM users;
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT user_id, first_name, last_name, gender, level
FROM (
  SELECT user_id, first_name, last_name, gender, level,
         ROW_NUMBER() OVER (
           PARTITION BY user_id
           ORDER BY ts DESC, session_id DESC, item_in_session DESC, user_id DESC, level DESC,
                    first_name DESC NULLS FIRST, last_name DESC NULLS FIRST, gender DESC NULLS FIRST,
                    location DESC NULLS FIRST, user_agent DESC NULLS FIRST, song DESC NULLS FIRST,
                    artist DESC NULLS FIRST, length DESC NULLS FIRST
         ) AS recency
  FROM staging_events
  WHERE user_id <> ''
) ranked
WHERE recency = 1;
