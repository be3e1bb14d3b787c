-- Rows COPY rejected (read from STL_LOAD_ERRORS), tagged with the partition whose COPY
-- rejected them so a repeated COPY replaces them. Small: spread evenly.
DROP TABLE IF EXISTS load_errors;
CREATE TABLE load_errors (
  file        VARCHAR(1024) NOT NULL,
  line        INTEGER NOT NULL,
  staging     VARCHAR(16) NOT NULL,
  raw         VARCHAR(65535) NOT NULL,
  reason_kind VARCHAR(32) NOT NULL,
  reason      VARCHAR(1024) NOT NULL,
  partitions   INTEGER,
  partition_no INTEGER,
  PRIMARY KEY (file, line)
)
DISTSTYLE EVEN
SORTKEY (file, line);
