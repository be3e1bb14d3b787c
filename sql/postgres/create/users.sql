DROP TABLE IF EXISTS users;
CREATE TABLE users (
  user_id    TEXT PRIMARY KEY,
  first_name TEXT,
  last_name  TEXT,
  gender     TEXT,
  level      TEXT NOT NULL
);
