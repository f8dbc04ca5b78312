-- +goose Up
-- A procedure (CALL), a temporary table used while migrating.
-- +goose StatementBegin
CREATE PROCEDURE requeue_stale(stale interval, max_attempts integer DEFAULT 5)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE jobs SET state = 'queued', locked_by = NULL, locked_at = NULL
    WHERE state = 'running' AND locked_at < now() - stale AND attempts < max_attempts;
END;
$$;
-- +goose StatementEnd

CREATE TEMP TABLE queue_names AS SELECT name FROM queues;
DROP TABLE queue_names;

-- +goose Down
DROP PROCEDURE requeue_stale(interval, integer);
