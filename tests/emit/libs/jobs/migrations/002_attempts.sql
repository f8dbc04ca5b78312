-- jobs, version 2: attempts counted.
ALTER TABLE {{tables.jobs}} ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE INDEX jobs_state_run_at ON {{tables.jobs}} (state, run_at);
