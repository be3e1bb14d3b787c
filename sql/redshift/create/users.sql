-- Small dimension: a copy on every node.
DROP TABLE IF EXISTS users;
CREATE TABLE users (
  user_id    VARCHAR(256) PRIMARY KEY,
  first_name VARCHAR(256),
  last_name  VARCHAR(256),
  gender     VARCHAR(256),
  level      VARCHAR(256) NOT NULL
)
DISTSTYLE ALL
SORTKEY (user_id);
