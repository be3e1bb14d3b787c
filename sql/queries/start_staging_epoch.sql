-- Marks staging as intact for round {{epoch:integer}} (after the staging tables were created or emptied).
INSERT INTO staging_epoch (epoch) VALUES ({{epoch:integer}});
