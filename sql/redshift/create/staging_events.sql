-- Staging is scanned whole by the transforms: spread evenly, no sort key. Rows carry the
-- staging partition that loaded them (COPY records no file or line), so a partition's rows are
-- replaced as a unit when its COPY runs again.
DROP TABLE IF EXISTS staging_events;
CREATE TABLE staging_events (
  artist          VARCHAR(1024),
  auth            VARCHAR(256) NOT NULL,
  first_name      VARCHAR(256),
  gender          VARCHAR(256),
  item_in_session BIGINT NOT NULL,
  last_name       VARCHAR(256),
  length          DOUBLE PRECISION,
  level           VARCHAR(256) NOT NULL,
  location        VARCHAR(1024),
  method          VARCHAR(256) NOT NULL,
  page            VARCHAR(256) NOT NULL,
  registration    DOUBLE PRECISION,
  session_id      BIGINT NOT NULL,
  song            VARCHAR(1024),
  status          BIGINT NOT NULL,
  ts              BIGINT NOT NULL,
  user_agent      VARCHAR(1024),
  user_id         VARCHAR(256) NOT NULL,
  partitions      INTEGER,
  partition_no    INTEGER
)
DISTSTYLE EVEN;
