-- Every pipeline schema on the server.
SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'sparkify\_%' ORDER BY schema_name;
