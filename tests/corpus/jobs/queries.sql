-- Job queue queries: unqualified names, positional parameters ($n).

-- name: CreateQueue :exec
INSERT INTO queues (name, max_attempts) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: GetQueue :one
-- verify-params: mail
SELECT * FROM queues WHERE name = $1;

-- name: PauseQueue :execrows
UPDATE queues SET paused = $2 WHERE name = $1;

-- name: Enqueue :one
-- verify-params: default | resize | {"user_id": "9"} | 3 | NULL
INSERT INTO jobs (queue, kind, payload, priority, run_at)
VALUES ($1, $2, $3, $4, coalesce($5, now()))
RETURNING id, run_at, state, locked_by;

-- name: EnqueueUnique :one
-- verify-params: default | resize | resize-8
INSERT INTO jobs (queue, kind, unique_key) VALUES ($1, $2, $3)
ON CONFLICT (unique_key) DO NOTHING
RETURNING id;

-- name: EnqueueTwo :execrows
INSERT INTO jobs (queue, kind, payload) VALUES ($1, $2, $3), ($1, $4, $5);

-- name: RequeueDeadInto :execrows
INSERT INTO jobs (queue, kind, payload)
SELECT $1, kind, payload FROM jobs WHERE state = 'dead' AND queue = $2;

-- name: FetchNext :one
-- verify-params: default | worker-9
WITH next AS (
    SELECT j.id
    FROM jobs j
    JOIN queues q ON q.name = j.queue
    WHERE j.queue = $1 AND j.state = 'queued' AND j.run_at <= now() AND NOT q.paused
    ORDER BY j.priority DESC, j.run_at, j.id
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED
)
UPDATE jobs SET state = 'running', locked_by = $2, locked_at = now(), attempts = attempts + 1
FROM next
WHERE jobs.id = next.id
RETURNING jobs.id, jobs.kind, jobs.payload, jobs.attempts, jobs.locked_by;

-- name: FetchBatch :many
-- verify-params: default | worker-9 | 10
WITH next AS (
    SELECT id FROM jobs
    WHERE queue = $1 AND state = 'queued' AND run_at <= now()
    ORDER BY priority DESC, run_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET state = 'running', locked_by = $2, locked_at = now()
WHERE id IN (SELECT id FROM next)
RETURNING id, kind, payload;

-- name: StartRun :one
-- verify-params: 1 | worker-9
INSERT INTO job_runs (job_id, worker) VALUES ($1, $2) RETURNING id, started_at, duration, ok;

-- name: FinishRun :one
-- verify-params: 1 | true | {"n": 1}
UPDATE job_runs SET ended_at = now(), ok = $2, result = $3 WHERE id = $1
RETURNING duration, ended_at;

-- name: CompleteJob :execrows
UPDATE jobs
SET state = 'done', finished_at = now(), locked_by = NULL, locked_at = NULL
WHERE id = $1 AND state = 'running';

-- name: FailJob :one
-- verify-params: 2 | boom
UPDATE jobs j SET
    state = CASE WHEN j.attempts >= q.max_attempts THEN 'dead'::job_state
                 ELSE 'queued'::job_state END,
    last_error = $2,
    run_at = now() + job_backoff(j.attempts),
    locked_by = NULL,
    locked_at = NULL
FROM queues q
WHERE q.name = j.queue AND j.id = $1
RETURNING j.state, j.run_at, j.last_error, j.locked_by;

-- name: RescueStuck :many
-- verify-params: 1 minute
UPDATE jobs SET state = 'queued', locked_by = NULL, locked_at = NULL
WHERE state = 'running' AND locked_at < now() - $1::interval
RETURNING id, locked_by, locked_at;

-- name: QueueDepth :many
SELECT queue, state, count(*) AS jobs FROM jobs GROUP BY queue, state ORDER BY queue, state;

-- name: QueueStats :many
SELECT q.name, q.paused,
       count(j.id) AS total,
       count(j.id) FILTER (WHERE j.state = 'queued') AS queued,
       min(j.run_at) FILTER (WHERE j.state = 'queued') AS next_run,
       max(j.finished_at) AS last_finished
FROM queues q
LEFT JOIN jobs j ON j.queue = q.name
GROUP BY q.name, q.paused
ORDER BY q.name;

-- name: JobWithRuns :many
-- verify-params: 5
SELECT j.id, j.kind, r.id AS run_id, r.worker, r.ok, r.duration
FROM jobs j
LEFT JOIN job_runs r ON r.job_id = j.id
WHERE j.id = $1
ORDER BY r.started_at;

-- name: LastRunPerJob :many
SELECT DISTINCT ON (job_id) job_id, id, worker, ok, started_at
FROM job_runs
ORDER BY job_id, started_at DESC;

-- name: JobsWithLastRun :many
SELECT j.id, j.state, lr.worker, lr.ok
FROM jobs j
LEFT JOIN LATERAL (
    SELECT r.worker, r.ok FROM job_runs r WHERE r.job_id = j.id ORDER BY r.started_at DESC LIMIT 1
) lr ON true;

-- name: JobRunCounts :many
SELECT j.id,
       (SELECT count(*) FROM job_runs r WHERE r.job_id = j.id) AS runs,
       (SELECT max(r.started_at) FROM job_runs r WHERE r.job_id = j.id) AS last_started
FROM jobs j;

-- name: DurationByKind :many
SELECT j.kind, avg(r.duration) AS avg_duration,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.duration)) AS median_seconds
FROM job_runs r
JOIN jobs j ON j.id = r.job_id
GROUP BY j.kind;

-- name: DeleteFinished :execrows
DELETE FROM jobs WHERE state IN ('done', 'dead') AND finished_at < $1;

-- name: DeleteFinishedReturning :many
-- verify-params: 2100-01-01
DELETE FROM jobs WHERE state IN ('done', 'dead') AND finished_at < $1
RETURNING id, queue, finished_at, last_error;

-- name: ArchiveDone :many
WITH gone AS (DELETE FROM jobs WHERE state = 'done' RETURNING *)
SELECT queue, count(*) AS archived, max(finished_at) AS newest FROM gone GROUP BY queue;

-- name: RetryDead :execrows
UPDATE jobs SET state = 'queued', attempts = 0, last_error = NULL, run_at = now()
WHERE state = 'dead' AND ($1::text IS NULL OR queue = $1);

-- name: JobsByIds :many
-- verify-params: {1,2,3}
SELECT id, state FROM jobs WHERE id = ANY($1::bigint[]);

-- name: JobsOfKinds :many
-- verify-params: resize | send | report
SELECT id, kind FROM jobs WHERE kind IN ($1, $2, $3);

-- name: JobPayloadFields :many
-- verify-params: {}
SELECT id,
       payload->>'user_id' AS user_id,
       (payload->>'amount')::numeric AS amount,
       payload #>> '{meta,source}' AS source,
       jsonb_typeof(payload) AS payload_type
FROM jobs
WHERE payload @> $1;

-- name: JobsPage :many
-- verify-params: 0 | 3 | 1
SELECT id, kind FROM jobs WHERE id > $1 ORDER BY id LIMIT $2 OFFSET $3;

-- name: CountJobs :one
-- verify-params: default | queued
SELECT count(*) FROM jobs WHERE queue = $1 AND state = $2;

-- name: WaitingJobs :many
SELECT id, now() - run_at AS waiting, extract(epoch FROM now() - run_at)::bigint AS waiting_seconds
FROM jobs
WHERE state = 'queued';

-- name: JobAndRunStates :many
SELECT id, 'job' AS source, state::text AS state FROM jobs
UNION ALL
SELECT id, 'run', CASE WHEN ok THEN 'ok' WHEN NOT ok THEN 'failed' END FROM job_runs;

-- name: WorkersSeen :many
SELECT DISTINCT worker FROM job_runs
UNION
SELECT locked_by FROM jobs WHERE locked_by IS NOT NULL;

-- name: BusiestWorker :one
SELECT worker, count(*) AS runs FROM job_runs GROUP BY worker ORDER BY runs DESC, worker LIMIT 1;

-- name: BackoffPreview :many
-- verify-params: 4
SELECT n AS attempts, job_backoff(n) AS delay FROM generate_series(0, $1::int) AS n;

-- name: NextRunIn :one
SELECT min(run_at) - now() AS next_in FROM jobs WHERE state = 'queued';

-- name: QueueExists :one
-- verify-params: mail
SELECT EXISTS (SELECT 1 FROM queues WHERE name = $1) AS exists;

-- name: JobsWithoutRuns :many
SELECT j.id FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = j.id);

-- name: UnfinishedRuns :many
SELECT id, job_id, worker, started_at, ended_at FROM job_runs WHERE ended_at IS NULL;

-- name: BumpPriority :one
-- verify-params: 1 | 2
UPDATE jobs SET priority = priority + $2 WHERE id = $1 RETURNING priority;

-- name: JobTimeline :many
SELECT j.id, r.started_at, r.ended_at, coalesce(r.ended_at, now()) AS until
FROM jobs j
JOIN job_runs r ON r.job_id = j.id
ORDER BY r.started_at;

-- name: QueuesFullJoinJobQueues :many
SELECT q.name AS queue_name, j.queue AS job_queue
FROM queues q
FULL JOIN (SELECT DISTINCT queue FROM jobs WHERE state <> 'dead') j ON j.queue = q.name;

-- name: JobsWithLastStart :many
WITH last AS (
    SELECT job_id, max(started_at) AS last_start FROM job_runs GROUP BY job_id
)
SELECT j.id, last.last_start
FROM jobs j
LEFT JOIN last ON last.job_id = j.id;

-- name: PayloadKeys :many
SELECT DISTINCT jsonb_object_keys(payload) AS key FROM jobs;

-- name: JobsInState :many
-- verify-params: queued
SELECT id, queue FROM jobs WHERE state = $1::job_state;

-- name: JobStateCounts :many
SELECT state, count(*)::int AS n FROM jobs GROUP BY state;

-- name: SetPayloadKey :one
-- verify-params: 1 | {flag} | true
UPDATE jobs SET payload = jsonb_set(payload, $2, $3) WHERE id = $1 RETURNING payload;

-- name: AttemptRatios :many
SELECT j.id, j.attempts::float8 / nullif(q.max_attempts, 0) AS ratio
FROM jobs j
JOIN queues q ON q.name = j.queue;

-- name: OldestQueued :one
SELECT * FROM jobs WHERE state = 'queued' ORDER BY run_at LIMIT 1;

-- name: CopyJobs :copyfrom
INSERT INTO jobs (queue, kind, payload) VALUES ($1, $2, $3);

-- name: BatchComplete :batchexec
UPDATE jobs SET state = 'done' WHERE id = $1;

-- name: BatchGetJob :batchone
-- verify-params: 1
SELECT id, state FROM jobs WHERE id = $1;

-- name: QueueDescriptions :many
SELECT name, coalesce(description, '') AS description, description IS NULL AS undescribed
FROM queues;

-- name: RunResults :many
SELECT r.id, r.result, r.result->>'sent' AS sent, j.kind
FROM job_runs r
RIGHT JOIN jobs j ON j.id = r.job_id;

-- name: FailureRate :many
SELECT worker,
       count(*) FILTER (WHERE ok IS FALSE)::float8 / count(*) AS failure_rate,
       bool_and(ok) AS always_ok
FROM job_runs
GROUP BY worker;

-- name: ReprioritizeReturningOld :many
WITH old AS (SELECT id, priority FROM jobs WHERE queue = $1)
UPDATE jobs SET priority = 0
FROM old
WHERE old.id = jobs.id
RETURNING jobs.id, old.priority AS old_priority, jobs.priority;

-- name: MaxPriorityPerQueue :many
SELECT q.name, (SELECT max(j.priority) FROM jobs j WHERE j.queue = q.name) AS top_priority
FROM queues q;

/* name: JobsOfQueueBlock :many */
SELECT id, kind FROM jobs WHERE queue = $1 ORDER BY id;

/* name: CountQueuedInline :one */ SELECT count(*) AS n FROM jobs WHERE state = 'queued';

/*
  A multi-line block comment with the annotation on a line of its own.
  name: KindsOfQueueMixed :many
*/
-- verify-params: 5 | default | 0
SELECT kind FROM jobs WHERE queue = @queue AND attempts < $1 AND priority >= sqlc.arg(min_priority)
ORDER BY kind;

-- name: RequeueStale :exec
CALL requeue_stale($1, sqlc.arg(max_attempts));

-- name: RequeueStaleDefault :exec
CALL requeue_stale(@stale);

-- name: VacuumJobs :exec
DO $$ BEGIN PERFORM pg_notify('jobs', 'vacuum'); END $$;

-- name: CreateJobArchive :exec
CREATE TABLE IF NOT EXISTS jobs_archive (LIKE jobs INCLUDING ALL);

-- name: IndexJobKinds :exec
CREATE INDEX IF NOT EXISTS jobs_kind ON jobs (kind);

-- name: CommentOnJobs :exec
COMMENT ON TABLE jobs IS 'The job queue';
