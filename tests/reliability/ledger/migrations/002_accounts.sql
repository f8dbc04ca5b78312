-- Not idempotent on purpose: applied twice, it fails on the primary key.
INSERT INTO {{tables.accounts}} (id, owner)
SELECT g, 'owner ' || g FROM generate_series(1, 100) AS g;
SELECT pg_sleep(0.005);
INSERT INTO {{tables.rel_log}} (file) VALUES (2);
