-- +goose Up
-- A job queue, in goose's format, with plain (unqualified) names.
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done', 'failed', 'dead');

CREATE TABLE queues (
    name text PRIMARY KEY,
    max_attempts integer NOT NULL DEFAULT 5,
    paused boolean NOT NULL DEFAULT false
);

CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL REFERENCES queues (name),
    kind text NOT NULL,
    state job_state NOT NULL DEFAULT 'queued',
    priority smallint NOT NULL DEFAULT 0,
    payload jsonb NOT NULL DEFAULT '{}',
    attempts integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    locked_by text,
    locked_at timestamptz,
    finished_at timestamptz,
    last_error text,
    unique_key text UNIQUE
);

-- +goose Down
DROP TABLE jobs;
DROP TABLE queues;
DROP TYPE job_state;
