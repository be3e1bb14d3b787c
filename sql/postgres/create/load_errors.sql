-- Every rejected input row, with the reason; the key makes a row recorded twice an error.
DROP TABLE IF EXISTS load_errors;
CREATE UNLOGGED TABLE load_errors (
  file        TEXT NOT NULL,
  line        INTEGER NOT NULL,
  staging     TEXT NOT NULL,
  raw         TEXT NOT NULL,
  reason_kind TEXT NOT NULL,
  reason      TEXT NOT NULL,
  PRIMARY KEY (file, line)
);
