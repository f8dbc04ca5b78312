-- +goose Up
ALTER TABLE queues ADD COLUMN description text;
ALTER TABLE jobs ALTER COLUMN priority TYPE integer;
ALTER TABLE job_runs RENAME COLUMN output TO result;

-- +goose Down
ALTER TABLE job_runs RENAME COLUMN result TO output;
ALTER TABLE jobs ALTER COLUMN priority TYPE smallint;
ALTER TABLE queues DROP COLUMN description;
