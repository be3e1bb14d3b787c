-- Where each songplay came from and what it played: its stable songplay_id, the event's file and
-- line (a file reloaded after a change replaces its plays), and the song fields a song loaded
-- later may match.
CREATE TABLE IF NOT EXISTS songplay_keys (
  songplay_id    BIGINT NOT NULL UNIQUE,
  source_file    TEXT NOT NULL,
  source_line    INTEGER NOT NULL,
  song           TEXT,
  artist         TEXT,
  rounded_length DECIMAL(38, 5),
  PRIMARY KEY (source_file, source_line)
);
