-- migrate:up
ALTER TABLE {{tables.notes}} ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

-- migrate:down
CREATE TABLE {{tables.dbmate_down_ran}} (x int);
ALTER TABLE {{tables.notes}} DROP COLUMN tags;
