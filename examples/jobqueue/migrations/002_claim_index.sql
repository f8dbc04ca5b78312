-- jobqueue 2: workers look for the oldest runnable job; index just those.
-- pgc:no-transaction
-- Built CONCURRENTLY, so a live queue keeps taking jobs meanwhile; such a
-- statement cannot run in a transaction, hence the directive above.
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_runnable
    ON {{tables.jobs}} (run_at, id) WHERE state = 'queued';
