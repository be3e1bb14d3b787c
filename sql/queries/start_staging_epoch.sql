-- Marks staging as intact for round $1 (after the staging tables were created or emptied).
INSERT INTO staging_epoch (epoch) VALUES (CAST($1 AS INTEGER));
