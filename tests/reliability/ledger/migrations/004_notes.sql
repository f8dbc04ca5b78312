CREATE TABLE {{tables.notes}} (
    id bigint PRIMARY KEY,
    body text,
    blob bytea
);
SELECT pg_sleep(0.005);
INSERT INTO {{tables.rel_log}} (file) VALUES (4);
