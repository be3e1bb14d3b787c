-- $1: table name; one row when it exists in the connection's current schema.
SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1;
