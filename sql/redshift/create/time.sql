-- One row per play instant, joined to songplays on start_time: small enough to copy to every
-- node (DISTSTYLE ALL), sorted like songplays so range scans on both line up.
DROP TABLE IF EXISTS time;
CREATE TABLE time (
  start_time TIMESTAMP PRIMARY KEY,
  hour       INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  week       INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  weekday    INTEGER NOT NULL
)
DISTSTYLE ALL
SORTKEY (start_time);
