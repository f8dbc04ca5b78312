-- The job queue library's SQL (pgc generate -n jobqueue).

-- name: Enqueue :one
INSERT INTO {{tables.jobs}} (kind, payload, max_attempts)
VALUES (@kind, @payload, @max_attempts)
RETURNING id;

-- Takes the oldest runnable job.  FOR UPDATE SKIP LOCKED: two workers
-- claiming at once never get the same job, and neither waits for the other.
-- name: Claim :one
UPDATE {{tables.jobs}} SET state = 'running', attempts = attempts + 1
WHERE id = (SELECT id FROM {{tables.jobs}}
            WHERE state = 'queued' AND run_at <= now()
            ORDER BY run_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id, kind, payload, attempts, max_attempts;

-- name: Complete :execrows
UPDATE {{tables.jobs}} SET state = 'done', last_error = NULL
WHERE id = @id AND state = 'running';

-- Queued again after retry_after, or failed for good on the last attempt.
-- name: Fail :one
UPDATE {{tables.jobs}}
SET state = CASE WHEN attempts < max_attempts THEN 'queued'::{{schema}}.job_state
                 ELSE 'failed'::{{schema}}.job_state END,
    run_at = now() + @retry_after::interval,
    last_error = @error
WHERE id = @id AND state = 'running'
RETURNING state;

-- name: CountByState :many
SELECT state, count(*) AS jobs FROM {{tables.jobs}} GROUP BY state ORDER BY state;

-- name: Get :one
SELECT id, kind, payload, state, attempts, last_error FROM {{tables.jobs}} WHERE id = @id;
