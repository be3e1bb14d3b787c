-- Every time row's hour, day, week (ISO), month, year and weekday (0 = Sunday) are those of its start_time (UTC).
-- Offending: rows where any of them is NULL or differs.
WITH derived AS (
  SELECT start_time, hour, day, week, month, year, weekday,
         CAST(DATE_PART('hour', start_time) AS INTEGER) AS want_hour,
         CAST(DATE_PART('day', start_time) AS INTEGER) AS want_day,
         CAST(DATE_PART('week', start_time) AS INTEGER) AS want_week,
         CAST(DATE_PART('month', start_time) AS INTEGER) AS want_month,
         CAST(DATE_PART('year', start_time) AS INTEGER) AS want_year,
         CAST(DATE_PART('dow', start_time) AS INTEGER) AS want_weekday
  FROM time
),
offending AS (
  SELECT start_time, hour, day, week, month, year, weekday
  FROM derived
  WHERE start_time IS NULL
     OR COALESCE(hour, -1) <> want_hour OR COALESCE(day, -1) <> want_day OR COALESCE(week, -1) <> want_week
     OR COALESCE(month, -1) <> want_month OR COALESCE(year, -1) <> want_year OR COALESCE(weekday, -1) <> want_weekday
)
SELECT total.offending_rows, sample.example
FROM (SELECT COUNT(*) AS offending_rows FROM offending) total
LEFT JOIN (
  SELECT 'start_time ' || COALESCE(CAST(start_time AS VARCHAR(64)), 'NULL')
         || ': hour ' || COALESCE(CAST(hour AS VARCHAR(8)), 'NULL') || ', day ' || COALESCE(CAST(day AS VARCHAR(8)), 'NULL')
         || ', week ' || COALESCE(CAST(week AS VARCHAR(8)), 'NULL') || ', month ' || COALESCE(CAST(month AS VARCHAR(8)), 'NULL')
         || ', year ' || COALESCE(CAST(year AS VARCHAR(8)), 'NULL') || ', weekday ' || COALESCE(CAST(weekday AS VARCHAR(8)), 'NULL') AS example
  FROM offending
  ORDER BY start_time
  LIMIT 5
) sample ON 1 = 1
ORDER BY sample.example;
