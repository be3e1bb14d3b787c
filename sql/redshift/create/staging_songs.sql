-- Like staging_events: spread evenly, rows tagged with the partition that loaded them.
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
  partitions       INTEGER,
  partition_no     INTEGER
)
DISTSTYLE EVEN;
