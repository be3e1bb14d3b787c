-- PostgreSQL only, after sql/transforms/time.sql in its transaction: the primary key that
-- time.before.sql dropped, built over the inserted rows in one sort.
ALTER TABLE time ADD CONSTRAINT time_pkey PRIMARY KEY (start_time);
