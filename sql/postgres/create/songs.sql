DROP TABLE IF EXISTS songs;
CREATE TABLE songs (
  song_id   TEXT PRIMARY KEY,
  title     TEXT NOT NULL,
  artist_id TEXT NOT NULL,
  year      BIGINT NOT NULL,
  duration  DOUBLE PRECISION NOT NULL
);
