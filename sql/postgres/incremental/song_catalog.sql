-- Every song row ever loaded into this warehouse (staging_songs' columns): songs, artists and
-- the song match of a play are computed over all of it, by the full load's rules.
CREATE TABLE IF NOT EXISTS song_catalog (
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
  source_line      INTEGER NOT NULL,
  PRIMARY KEY (source_file, source_line)
);
