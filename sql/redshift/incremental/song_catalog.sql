-- Every song row ever loaded (see sql/postgres/incremental/song_catalog.sql); each run's rows are
-- keyed by (source_file, source_line) as staging gives them.
CREATE TABLE IF NOT EXISTS song_catalog (
  num_songs        BIGINT NOT NULL,
  artist_id        VARCHAR(256) NOT NULL,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  VARCHAR(1024),
  artist_name      VARCHAR(1024) NOT NULL,
  song_id          VARCHAR(256) NOT NULL,
  title            VARCHAR(1024) NOT NULL,
  duration         DOUBLE PRECISION NOT NULL,
  year             BIGINT NOT NULL,
  source_file      VARCHAR(1024) NOT NULL,
  source_line      INTEGER NOT NULL
)
DISTSTYLE EVEN
SORTKEY (source_file, source_line);
