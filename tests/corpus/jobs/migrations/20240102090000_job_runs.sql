-- +goose Up
CREATE TABLE job_runs (
    id bigserial PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    worker text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    ok boolean,
    duration interval GENERATED ALWAYS AS (ended_at - started_at) STORED,
    output jsonb
);

CREATE INDEX job_runs_job ON job_runs (job_id);

-- +goose StatementBegin
CREATE FUNCTION job_backoff(attempts integer) RETURNS interval
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN make_interval(secs => power(2, least(attempts, 16)));
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION job_backoff(integer);
DROP TABLE job_runs;
