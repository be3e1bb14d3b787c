-- The ceiling: the server reading a CSV file itself; the bench puts the quoted file path in the placeholder.
COPY staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line)
FROM {{csv_file}} WITH (FORMAT csv);
