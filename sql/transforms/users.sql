-- One row per non-empty userId; names, gender and level from the user's latest event
-- (greatest ts; ties: the later file, then the later line). Re-running replaces the table.
DELETE FROM users;
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT user_id, first_name, last_name, gender, level
FROM (
  SELECT user_id, first_name, last_name, gender, level,
         ROW_NUMBER() OVER (
           PARTITION BY user_id
           ORDER BY ts DESC, source_file DESC, source_line DESC
         ) AS recency
  FROM staging_events
  WHERE user_id <> ''
) ranked
WHERE recency = 1;
