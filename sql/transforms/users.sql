-- One row per non-empty userId; names, gender and level from the user's last event in event
-- order (ts, session_id, item_in_session, user_id, level, first_name, last_name, gender,
-- location, user_agent, song, artist, length; NULLs last), so the latest ts wins and ties are
-- broken on the rows' contents alike in both dialects. Only events at the user's greatest ts
-- can be last, so the ranking runs over those few rows, not over every event. Re-running
-- replaces the table.
DELETE FROM users;
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT user_id, first_name, last_name, gender, level
FROM (
  SELECT e.user_id, e.first_name, e.last_name, e.gender, e.level,
         ROW_NUMBER() OVER (
           PARTITION BY e.user_id
           ORDER BY e.ts DESC, e.session_id DESC, e.item_in_session DESC, e.user_id DESC, e.level DESC,
                    e.first_name DESC NULLS FIRST, e.last_name DESC NULLS FIRST, e.gender DESC NULLS FIRST,
                    e.location DESC NULLS FIRST, e.user_agent DESC NULLS FIRST, e.song DESC NULLS FIRST,
                    e.artist DESC NULLS FIRST, e.length DESC NULLS FIRST
         ) AS recency
  FROM staging_events e
  JOIN (
    SELECT user_id, MAX(ts) AS ts
    FROM staging_events
    WHERE user_id <> ''
    GROUP BY user_id
  ) latest
    ON latest.user_id = e.user_id
   AND latest.ts = e.ts
) ranked
WHERE recency = 1;
