-- sql/incremental/merge/06_users.sql for Redshift: the users whose latest event now says
-- something else are kept in a scratch table before they are updated, so 12_record_run.sql can
-- count them inside the same batch (the UPDATE's own row count is known only after the batch).
CREATE TEMPORARY TABLE users_changed (
  user_id    VARCHAR(256) NOT NULL,
  first_name VARCHAR(256),
  last_name  VARCHAR(256),
  gender     VARCHAR(256),
  level      VARCHAR(256) NOT NULL
);
INSERT INTO users_changed (user_id, first_name, last_name, gender, level)
SELECT u.user_id, u.first_name, u.last_name, u.gender, u.level
FROM user_latest u
JOIN users x ON x.user_id = u.user_id
WHERE u.user_id IN (SELECT user_id FROM staging_events)
  AND (x.level <> u.level
       OR COALESCE(x.first_name, '') <> COALESCE(u.first_name, '')
       OR COALESCE(x.last_name, '') <> COALESCE(u.last_name, '')
       OR COALESCE(x.gender, '') <> COALESCE(u.gender, ''));
UPDATE users
SET first_name = c.first_name, last_name = c.last_name, gender = c.gender, level = c.level
FROM users_changed c
WHERE users.user_id = c.user_id;
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT u.user_id, u.first_name, u.last_name, u.gender, u.level
FROM user_latest u
WHERE u.user_id IN (SELECT user_id FROM staging_events)
  AND NOT EXISTS (SELECT 1 FROM users x WHERE x.user_id = u.user_id);
