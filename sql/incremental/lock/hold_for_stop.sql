-- Before an idle long-lived warehouse's server is stopped: blocks runs from taking the load lock
-- until the server is gone (held by the stopper's open transaction). NOWAIT: a run taking or
-- releasing the lock right now means the warehouse is in use.
LOCK TABLE {{schema}}.warehouse_lock IN EXCLUSIVE MODE NOWAIT;
