-- Every input row read is loaded or rejected: per staging kind, the rows the COPYs committed as read (staging_progress)
-- equal the rows in its staging table plus its rows in load_errors. Offending: each kind whose figures differ.
WITH figures AS (
  SELECT CAST('events' AS VARCHAR(16)) AS staging, r.n AS rows_read, l.n AS rows_loaded, e.n AS rows_rejected
  FROM (SELECT COALESCE(SUM(lines_read), 0) AS n FROM staging_progress WHERE staging = 'events') r
  CROSS JOIN (SELECT COUNT(*) AS n FROM staging_events) l
  CROSS JOIN (SELECT COUNT(*) AS n FROM load_errors WHERE staging = 'events') e
  UNION ALL
  SELECT CAST('songs' AS VARCHAR(16)), r.n, l.n, e.n
  FROM (SELECT COALESCE(SUM(lines_read), 0) AS n FROM staging_progress WHERE staging = 'songs') r
  CROSS JOIN (SELECT COUNT(*) AS n FROM staging_songs) l
  CROSS JOIN (SELECT COUNT(*) AS n FROM load_errors WHERE staging = 'songs') e
),
offending AS (
  SELECT staging, rows_read, rows_loaded, rows_rejected FROM figures WHERE rows_read <> rows_loaded + rows_rejected
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT staging || ': read ' || CAST(rows_read AS VARCHAR(20)) || ' <> loaded ' || CAST(rows_loaded AS VARCHAR(20))
         || ' + rejected ' || CAST(rows_rejected AS VARCHAR(20)) AS example
  FROM offending
  ORDER BY staging
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
