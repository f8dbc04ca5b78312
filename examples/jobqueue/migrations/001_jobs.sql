-- jobqueue 1: the queue.  A job is queued, claimed by one worker (running),
-- then done, or queued again to retry, or failed after max_attempts.
CREATE TYPE {{schema}}.job_state AS ENUM ('queued', 'running', 'done', 'failed');

CREATE TABLE {{tables.jobs}} (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,
    payload      jsonb NOT NULL DEFAULT '{}',
    state        {{schema}}.job_state NOT NULL DEFAULT 'queued',
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    run_at       timestamptz NOT NULL DEFAULT now(),
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
