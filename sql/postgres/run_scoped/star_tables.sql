-- PostgreSQL only, after the create files (sql/postgres/create) in createTables' transaction,
-- when the warehouse is removed at the end of the run (not kept). The star tables then live only
-- as long as the run's staging does, so they are UNLOGGED like it: no WAL and no sync of their
-- files at each transform's commit (0.5 s of the songplays insert at 1M events). A crash empties
-- them together with staging and staging_epoch; every later transform, check and summary reads
-- staging_epoch in its own transaction and fails with StagingLost, and the workflow stages and
-- transforms again, as a crash already made it do, staging being UNLOGGED. The tables are empty
-- here, so each rewrite is instant.
ALTER TABLE songplays SET UNLOGGED;
ALTER TABLE users SET UNLOGGED;
ALTER TABLE songs SET UNLOGGED;
ALTER TABLE artists SET UNLOGGED;
ALTER TABLE time SET UNLOGGED;
