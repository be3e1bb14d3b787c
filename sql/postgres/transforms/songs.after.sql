-- PostgreSQL only, after sql/transforms/songs.sql in its transaction: the primary key that
-- songs.before.sql dropped, built over the inserted rows in one sort.
ALTER TABLE songs ADD CONSTRAINT songs_pkey PRIMARY KEY (song_id);
