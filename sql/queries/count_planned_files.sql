-- Files in the staging plan's listing, per staging kind.
SELECT staging, COUNT(*) AS files FROM staging_files GROUP BY staging;
