SELECT reason_kind, COUNT(*) AS row_count
FROM load_errors
GROUP BY reason_kind
ORDER BY reason_kind;
