-- Small dimension joined to songplays on artist_id: a copy on every node (DISTSTYLE ALL), so the
-- join never moves rows; sorted by its key for the lookups.
DROP TABLE IF EXISTS artists;
CREATE TABLE artists (
  artist_id VARCHAR(256) PRIMARY KEY,
  name      VARCHAR(1024) NOT NULL,
  location  VARCHAR(1024),
  latitude  DOUBLE PRECISION,
  longitude DOUBLE PRECISION
)
DISTSTYLE ALL
SORTKEY (artist_id);
