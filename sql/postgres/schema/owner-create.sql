-- The run that provisioned this warehouse (one row of JSON), read by `sparkify gc`.
CREATE TABLE IF NOT EXISTS {{schema}}.warehouse_owner (owner text NOT NULL);
