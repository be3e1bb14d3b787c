-- One row per distinct songplay start_time, its parts in UTC (week = ISO week, weekday 0 = Sunday).
CREATE OR REPLACE TABLE time AS
SELECT DISTINCT start_time, hour(start_time) AS hour, day(start_time) AS day, weekofyear(start_time) AS week,
       month(start_time) AS month, year(start_time) AS year, dayofweek(start_time) AS weekday
FROM songplays;
