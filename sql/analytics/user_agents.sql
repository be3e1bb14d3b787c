-- Which browsers and operating systems are songs played from?
WITH families AS (
  SELECT user_id,
         CASE WHEN user_agent LIKE '%Edge/%' THEN 'Edge'
              WHEN user_agent LIKE '%Chromium/%' THEN 'Chromium'
              WHEN user_agent LIKE '%Chrome/%' THEN 'Chrome'
              WHEN user_agent LIKE '%Firefox/%' THEN 'Firefox'
              WHEN user_agent LIKE '%MSIE %' OR user_agent LIKE '%Trident/%' THEN 'Internet Explorer'
              WHEN user_agent LIKE '%Safari/%' THEN 'Safari'
              ELSE 'other' END AS browser,
         CASE WHEN user_agent LIKE '%iPhone%' OR user_agent LIKE '%iPad%' THEN 'iOS'
              WHEN user_agent LIKE '%Android%' THEN 'Android'
              WHEN user_agent LIKE '%Windows%' THEN 'Windows'
              WHEN user_agent LIKE '%Mac OS X%' THEN 'macOS'
              WHEN user_agent LIKE '%Linux%' THEN 'Linux'
              ELSE 'other' END AS os
  FROM songplays
)
SELECT browser, os, COUNT(*) AS plays, COUNT(DISTINCT user_id) AS users
FROM families
GROUP BY browser, os
ORDER BY plays DESC, browser, os;
