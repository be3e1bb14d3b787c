-- One row naming the current staging round. UNLOGGED like the staging tables it vouches for:
-- PostgreSQL's crash recovery empties all of them together, so a missing row means every staged
-- row (and staging_progress) was lost, and staging must start over rather than carry on.
DROP TABLE IF EXISTS staging_epoch;
CREATE UNLOGGED TABLE staging_epoch (
  epoch INTEGER NOT NULL
);
