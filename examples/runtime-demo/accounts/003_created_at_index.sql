-- pgc:no-transaction
-- Built without locking writers out: runs outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_created_at ON {{tables.accounts}} (created_at);
