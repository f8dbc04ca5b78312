-- Queues with and without jobs, jobs with and without runs, NULLs in every
-- nullable column somewhere.
INSERT INTO queues (name, max_attempts, paused, description) VALUES
    ('default', 5, false, 'everything else'),
    ('mail', 3, false, NULL),
    ('idle', 1, true, NULL);

INSERT INTO jobs (queue, kind, state, priority, payload, attempts, run_at, locked_by, locked_at,
                  finished_at, last_error, unique_key) VALUES
    ('default', 'resize', 'queued', 0, '{"user_id": "7", "amount": "12.5"}', 0,
     now() - interval '1 hour', NULL, NULL, NULL, NULL, 'resize-7'),
    ('default', 'resize', 'running', 5, '{"meta": {"source": "api"}}', 1,
     now() - interval '2 hours', 'worker-1', now() - interval '90 minutes', NULL, NULL, NULL),
    ('mail', 'send', 'done', 0, '{}', 1, now() - interval '1 day', NULL, NULL,
     now() - interval '20 hours', NULL, NULL),
    ('mail', 'send', 'dead', 1, '{"to": "x@example.com"}', 3, now() - interval '2 days', NULL,
     NULL, now() - interval '1 day', 'smtp timeout', NULL),
    ('default', 'report', 'queued', 2, '{}', 0, now() + interval '1 hour', NULL, NULL, NULL,
     NULL, NULL);

INSERT INTO job_runs (job_id, worker, started_at, ended_at, ok, result) VALUES
    (2, 'worker-1', now() - interval '90 minutes', NULL, NULL, NULL),
    (3, 'worker-2', now() - interval '21 hours', now() - interval '20 hours', true,
     '{"sent": 1}'),
    (4, 'worker-2', now() - interval '30 hours', now() - interval '29 hours', false, NULL),
    (4, 'worker-1', now() - interval '26 hours', now() - interval '25 hours', false, NULL);
