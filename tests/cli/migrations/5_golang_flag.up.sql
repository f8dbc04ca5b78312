ALTER TABLE {{tables.users}} ADD COLUMN active boolean NOT NULL DEFAULT true;
