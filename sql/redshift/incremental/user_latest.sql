-- Each user's last event so far in event order (see sql/postgres/incremental/user_latest.sql).
CREATE TABLE IF NOT EXISTS user_latest (
  user_id         VARCHAR(256) NOT NULL,
  pending         INTEGER NOT NULL,
  ts              BIGINT NOT NULL,
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  level           VARCHAR(256) NOT NULL,
  first_name      VARCHAR(256),
  last_name       VARCHAR(256),
  gender          VARCHAR(256),
  location        VARCHAR(1024),
  user_agent      VARCHAR(1024),
  song            VARCHAR(1024),
  artist          VARCHAR(1024),
  length          DOUBLE PRECISION
)
DISTSTYLE ALL
SORTKEY (user_id);
