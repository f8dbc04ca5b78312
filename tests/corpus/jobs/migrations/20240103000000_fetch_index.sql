-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY jobs_fetch ON jobs (queue, priority DESC, run_at) WHERE state = 'queued';

-- +goose Down
DROP INDEX CONCURRENTLY jobs_fetch;
