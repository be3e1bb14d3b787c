-- Distributed like songplays, so the fact-to-song join stays on each node.
DROP TABLE IF EXISTS songs;
CREATE TABLE songs (
  song_id   VARCHAR(256) PRIMARY KEY,
  title     VARCHAR(1024) NOT NULL,
  artist_id VARCHAR(256) NOT NULL,
  year      BIGINT NOT NULL,
  duration  DOUBLE PRECISION NOT NULL
)
DISTKEY (song_id)
SORTKEY (song_id);
