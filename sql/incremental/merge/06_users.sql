-- users shows each user's latest event: rows of users this run saw are updated where the latest
-- event now says something else (a level change), and new users are added.
UPDATE users
SET first_name = u.first_name, last_name = u.last_name, gender = u.gender, level = u.level
FROM user_latest u
WHERE users.user_id = u.user_id
  AND u.user_id IN (SELECT user_id FROM staging_events)
  AND (users.level <> u.level
       OR COALESCE(users.first_name, '') <> COALESCE(u.first_name, '')
       OR COALESCE(users.last_name, '') <> COALESCE(u.last_name, '')
       OR COALESCE(users.gender, '') <> COALESCE(u.gender, ''));
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT u.user_id, u.first_name, u.last_name, u.gender, u.level
FROM user_latest u
WHERE u.user_id IN (SELECT user_id FROM staging_events)
  AND NOT EXISTS (SELECT 1 FROM users x WHERE x.user_id = u.user_id);
