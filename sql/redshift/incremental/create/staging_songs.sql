-- staging_songs of an incremental run: as sql/redshift/incremental/create/staging_events.sql,
-- the rows carry their file and ordinal (set by sql/redshift/incremental/staging/songs_file.sql).
DROP TABLE IF EXISTS staging_songs;
CREATE TABLE staging_songs (
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
  source_file      VARCHAR(1024),
  source_line      INTEGER,
  partitions       INTEGER,
  partition_no     INTEGER
)
DISTSTYLE EVEN;
