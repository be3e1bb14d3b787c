-- $1: the owner as JSON; a retried provision keeps the first.
INSERT INTO {{schema}}.warehouse_owner (owner) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM {{schema}}.warehouse_owner);
