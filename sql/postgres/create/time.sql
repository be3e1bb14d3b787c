DROP TABLE IF EXISTS time;
CREATE TABLE time (
  start_time TIMESTAMP PRIMARY KEY,
  hour       INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  week       INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  weekday    INTEGER NOT NULL
);
