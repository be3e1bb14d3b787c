-- The first {{limit:integer}} rejected rows.
SELECT file, line, reason_kind, reason
FROM load_errors
ORDER BY file, line
LIMIT {{limit:integer}};
