-- $1: how many rows
SELECT file, line, reason_kind, reason
FROM load_errors
ORDER BY file, line
LIMIT $1;
