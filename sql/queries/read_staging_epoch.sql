-- The current staging round; no row means crash recovery emptied the staging tables.
SELECT epoch FROM staging_epoch;
