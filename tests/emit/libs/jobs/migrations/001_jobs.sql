-- jobs, version 1: a queue.
CREATE TYPE {{schema}}.job_state AS ENUM ('queued', 'running', 'done');

CREATE TABLE {{tables.jobs}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb,
    state {{schema}}.job_state NOT NULL DEFAULT 'queued',
    run_at timestamptz NOT NULL DEFAULT now()
);
