-- The tables of the session's schema (the first of its search_path): which star tables exist.
SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema();
