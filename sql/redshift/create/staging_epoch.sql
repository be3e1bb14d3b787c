-- One row naming the current staging round (Redshift tables survive restarts; the row is
-- checked the same way as on PostgreSQL).
DROP TABLE IF EXISTS staging_epoch;
CREATE TABLE staging_epoch (
  epoch INTEGER NOT NULL
)
DISTSTYLE ALL;
