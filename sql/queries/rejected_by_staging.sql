-- Rejected rows per staging kind.
SELECT staging, COUNT(*) AS row_count
FROM load_errors
GROUP BY staging
ORDER BY staging;
