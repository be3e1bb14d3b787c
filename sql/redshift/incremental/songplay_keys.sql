-- Where each songplay came from and what it played (see sql/postgres/incremental/songplay_keys.sql).
CREATE TABLE IF NOT EXISTS songplay_keys (
  songplay_id    BIGINT NOT NULL,
  source_file    VARCHAR(1024) NOT NULL,
  source_line    INTEGER NOT NULL,
  song           VARCHAR(1024),
  artist         VARCHAR(1024),
  rounded_length DECIMAL(38, 5)
)
DISTSTYLE EVEN
SORTKEY (source_file, source_line);
