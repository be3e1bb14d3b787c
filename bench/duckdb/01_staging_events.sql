-- The peer's staging of events: every non-blank line of log_data/**/*.json, typed as docs/data-rules.md
-- says; rows missing a required field are left out (the peer counts them, it does not record them).
CREATE OR REPLACE TABLE staging_events AS
SELECT artist, auth, "firstName" AS first_name, gender, "itemInSession" AS item_in_session,
       "lastName" AS last_name, length, level, location, method, page, registration,
       "sessionId" AS session_id, song, status, ts, "userAgent" AS user_agent, "userId" AS user_id
FROM read_json(
  {{source_root}} || '/log_data/**/*.json',
  format = 'newline_delimited',
  columns = {
    artist: 'VARCHAR', auth: 'VARCHAR', firstName: 'VARCHAR', gender: 'VARCHAR', itemInSession: 'BIGINT',
    lastName: 'VARCHAR', length: 'DOUBLE', level: 'VARCHAR', location: 'VARCHAR', method: 'VARCHAR',
    page: 'VARCHAR', registration: 'DOUBLE', sessionId: 'BIGINT', song: 'VARCHAR', status: 'BIGINT',
    ts: 'BIGINT', userAgent: 'VARCHAR', userId: 'VARCHAR'
  }
)
WHERE auth IS NOT NULL AND "itemInSession" IS NOT NULL AND level IS NOT NULL AND method IS NOT NULL
  AND page IS NOT NULL AND "sessionId" IS NOT NULL AND status IS NOT NULL AND ts IS NOT NULL
  AND "userId" IS NOT NULL;
