-- The job queue library.
CREATE TYPE {{schema}}.job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE {{tables.jobs}} (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind    text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    state   {{schema}}.job_state NOT NULL DEFAULT 'queued'
);
