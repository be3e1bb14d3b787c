-- The row-by-row baseline: one parameterized INSERT per event, as most published Sparkify ETLs do.
INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20);
