-- Without this DuckDB keeps the order of 100k song files while reading them and ran out of memory
-- (18.8 GiB); every choice among rows is made by ORDER BY, so the tables do not depend on it.
SET preserve_insertion_order = false;
