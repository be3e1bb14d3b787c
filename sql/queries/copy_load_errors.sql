COPY load_errors (file, line, staging, raw, reason_kind, reason) FROM STDIN;
