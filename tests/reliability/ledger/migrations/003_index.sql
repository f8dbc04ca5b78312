-- pgc:no-transaction
-- CREATE INDEX CONCURRENTLY cannot run in a transaction: this file runs
-- statement by statement under the session-level migration lock.
CREATE INDEX CONCURRENTLY entries_account ON {{tables.entries}} (account);
INSERT INTO {{tables.rel_log}} (file) VALUES (3);
