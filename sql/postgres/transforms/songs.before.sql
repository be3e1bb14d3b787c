-- PostgreSQL only, in the transaction of sql/transforms/songs.sql, before it. TRUNCATE gives the
-- table a new file in this transaction, so with wal_level=minimal (the embedded warehouse) its
-- rows are written without WAL and the file is synced at commit. The primary key is dropped
-- and built once after the insert (songs.after.sql) instead of being kept up to date row by row.
TRUNCATE songs;
ALTER TABLE songs DROP CONSTRAINT IF EXISTS songs_pkey;
