-- Each user's last event so far in event order (the users rule of sql/transforms/users.sql) with
-- every field that order compares. A run adds its own last event per user as pending = 1; the
-- merge keeps whichever of the two comes last, so an older file loaded out of order never
-- overwrites a newer level.
CREATE TABLE IF NOT EXISTS user_latest (
  user_id         TEXT NOT NULL,
  pending         INTEGER NOT NULL,
  ts              BIGINT NOT NULL,
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  level           TEXT NOT NULL,
  first_name      TEXT,
  last_name       TEXT,
  gender          TEXT,
  location        TEXT,
  user_agent      TEXT,
  song            TEXT,
  artist          TEXT,
  length          DOUBLE PRECISION,
  PRIMARY KEY (user_id, pending)
);
