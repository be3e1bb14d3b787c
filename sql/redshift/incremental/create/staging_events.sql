-- staging_events of an incremental run (sql/redshift/create/staging_events.sql plus where each
-- row came from): the merge keys plays by source_file and source_line and counts rows per file.
-- Each file has its own COPY (sql/redshift/incremental/staging/events_file.sql), whose INSERT
-- sets source_file to the file's path and source_line to the row's ordinal within the file; the
-- two are nullable only because the COPY's scratch table is made LIKE this one.
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
  source_file     VARCHAR(1024),
  source_line     INTEGER,
  partitions      INTEGER,
  partition_no    INTEGER
)
DISTSTYLE EVEN;
