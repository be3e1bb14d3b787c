-- PostgreSQL only, after sql/transforms/users.sql in its transaction: the primary key that
-- users.before.sql dropped, built over the inserted rows in one sort.
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (user_id);
