-- What the partitions' progress rows say was committed, per staging kind.
SELECT staging,
       SUM(files_done)    AS files_done,
       SUM(lines_read)    AS lines_read,
       SUM(rows_loaded)   AS rows_loaded,
       SUM(rows_rejected) AS rows_rejected
FROM staging_progress
GROUP BY staging
ORDER BY staging;
