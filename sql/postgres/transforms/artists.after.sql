-- PostgreSQL only, after sql/transforms/artists.sql in its transaction: the primary key that
-- artists.before.sql dropped, built over the inserted rows in one sort.
ALTER TABLE artists ADD CONSTRAINT artists_pkey PRIMARY KEY (artist_id);
