-- Row count of one table; {{table}} is one of the pipeline's own table names.
SELECT COUNT(*) AS row_count FROM {{table}};
