-- Cancels the statement running in another session ($1 = its backend pid), on activity cancellation.
SELECT pg_cancel_backend($1);
