-- Each user's last event in event order (the rule of sql/transforms/users.sql): the run's last
-- event per user joins the recorded one as pending, the one that comes last in event order
-- stays, so an older file loaded out of order never overwrites a newer level.
INSERT INTO user_latest (pending, user_id, ts, session_id, item_in_session, level, first_name, last_name, gender, location, user_agent, song, artist, length)
SELECT 1, user_id, ts, session_id, item_in_session, level, first_name, last_name, gender, location, user_agent, song, artist, length
FROM (
  SELECT user_id, ts, session_id, item_in_session, level, first_name, last_name, gender, location, user_agent, song, artist, length,
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
DELETE FROM user_latest
USING (
  SELECT user_id, pending,
         ROW_NUMBER() OVER (
           PARTITION BY user_id
           ORDER BY ts DESC, session_id DESC, item_in_session DESC, user_id DESC, level DESC,
                    first_name DESC NULLS FIRST, last_name DESC NULLS FIRST, gender DESC NULLS FIRST,
                    location DESC NULLS FIRST, user_agent DESC NULLS FIRST, song DESC NULLS FIRST,
                    artist DESC NULLS FIRST, length DESC NULLS FIRST, pending
         ) AS recency
  FROM user_latest
  WHERE user_id IN (SELECT user_id FROM user_latest WHERE pending = 1)
) ranked
WHERE user_latest.user_id = ranked.user_id
  AND user_latest.pending = ranked.pending
  AND ranked.recency > 1;
UPDATE user_latest SET pending = 0 WHERE pending = 1;
