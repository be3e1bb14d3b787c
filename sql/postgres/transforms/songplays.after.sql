-- PostgreSQL only, after sql/transforms/songplays.sql in its transaction: the primary key that
-- songplays.before.sql dropped, built over the inserted rows in one sort.
ALTER TABLE songplays ADD CONSTRAINT songplays_pkey PRIMARY KEY (songplay_id);
