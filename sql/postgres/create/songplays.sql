DROP TABLE IF EXISTS songplays;
CREATE TABLE songplays (
  songplay_id BIGINT PRIMARY KEY,
  start_time  TIMESTAMP NOT NULL,
  user_id     TEXT,
  level       TEXT NOT NULL,
  song_id     TEXT,
  artist_id   TEXT,
  session_id  BIGINT NOT NULL,
  location    TEXT,
  user_agent  TEXT
);
