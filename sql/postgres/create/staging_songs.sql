-- One row per loaded song file: every source field, plus where it came from (line is always 1).
DROP TABLE IF EXISTS staging_songs;
CREATE UNLOGGED TABLE staging_songs (
  num_songs        BIGINT NOT NULL,
  artist_id        TEXT NOT NULL,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  TEXT,
  artist_name      TEXT NOT NULL,
  song_id          TEXT NOT NULL,
  title            TEXT NOT NULL,
  duration         DOUBLE PRECISION NOT NULL,
  year             BIGINT NOT NULL,
  source_file      TEXT NOT NULL,
  source_line      INTEGER NOT NULL
);
