DROP TABLE IF EXISTS artists;
CREATE TABLE artists (
  artist_id TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  location  TEXT,
  latitude  DOUBLE PRECISION,
  longitude DOUBLE PRECISION
);
