ALTER TABLE {{tables.jobs}} ADD COLUMN done boolean NOT NULL DEFAULT false;
