-- sql/incremental/merge/05_user_latest.sql for Redshift, whose DELETE … USING takes a table
-- list, not a subquery: the rows that lose to a newer event go to a scratch table first, then
-- are deleted with EXISTS. (The scratch table is declared, not CREATE TABLE … AS, so every
-- statement keeps a form test/helpers/redshift-sql.ts can check.)
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
CREATE TEMPORARY TABLE user_latest_superseded (user_id VARCHAR(256) NOT NULL, pending INTEGER NOT NULL);
INSERT INTO user_latest_superseded (user_id, pending)
SELECT user_id, pending
FROM (
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
WHERE recency > 1;
DELETE FROM user_latest
WHERE EXISTS (SELECT 1 FROM user_latest_superseded s WHERE s.user_id = user_latest.user_id AND s.pending = user_latest.pending);
UPDATE user_latest SET pending = 0 WHERE pending = 1;
