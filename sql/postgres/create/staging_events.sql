-- One row per loaded event line: every source field, plus where it came from.
-- No keys: COPY speed matters here, and staging_progress guarantees each file is loaded once.
DROP TABLE IF EXISTS staging_events;
CREATE UNLOGGED TABLE staging_events (
  artist          TEXT,
  auth            TEXT NOT NULL,
  first_name      TEXT,
  gender          TEXT,
  item_in_session BIGINT NOT NULL,
  last_name       TEXT,
  length          DOUBLE PRECISION,
  level           TEXT NOT NULL,
  location        TEXT,
  method          TEXT NOT NULL,
  page            TEXT NOT NULL,
  registration    DOUBLE PRECISION,
  session_id      BIGINT NOT NULL,
  song            TEXT,
  status          BIGINT NOT NULL,
  ts              BIGINT NOT NULL,
  user_agent      TEXT,
  user_id         TEXT NOT NULL,
  source_file     TEXT NOT NULL,
  source_line     INTEGER NOT NULL
);
