-- The reliability suites' module: accounts and a ledger of entries.
-- rel_log records each file's effect once, so a file applied twice shows.
CREATE TABLE {{tables.rel_log}} (
    file integer NOT NULL,
    pid integer NOT NULL DEFAULT pg_backend_pid()
);
CREATE TABLE {{tables.accounts}} (
    id bigint PRIMARY KEY,
    owner text NOT NULL,
    balance bigint NOT NULL DEFAULT 0
);
CREATE TABLE {{tables.entries}} (
    id bigint PRIMARY KEY,
    account bigint NOT NULL REFERENCES {{tables.accounts}} (id),
    amount bigint NOT NULL,
    memo text
);
INSERT INTO {{tables.rel_log}} (file) VALUES (1);
