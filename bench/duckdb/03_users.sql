-- One row per non-empty userId (any page), the fields from the user's last event in event order.
CREATE OR REPLACE TABLE users AS
SELECT DISTINCT ON (user_id) user_id, first_name, last_name, gender, level
FROM staging_events
WHERE user_id <> ''
ORDER BY user_id, ts DESC, session_id DESC, item_in_session DESC, level DESC,
         first_name DESC NULLS FIRST, last_name DESC NULLS FIRST, gender DESC NULLS FIRST,
         location DESC NULLS FIRST, user_agent DESC NULLS FIRST, song DESC NULLS FIRST,
         artist DESC NULLS FIRST, length DESC NULLS FIRST;
