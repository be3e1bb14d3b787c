-- PostgreSQL only, in the transaction of sql/transforms/artists.sql, before it. TRUNCATE gives the
-- table a new file in this transaction, so with wal_level=minimal (the embedded warehouse) its
-- rows are written without WAL and the file is synced at commit. The primary key is dropped
-- and built once after the insert (artists.after.sql) instead of being kept up to date row by row.
TRUNCATE artists;
ALTER TABLE artists DROP CONSTRAINT IF EXISTS artists_pkey;
