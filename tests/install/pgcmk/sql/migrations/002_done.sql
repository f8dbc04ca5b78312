-- tasks, version 2: a task can be done.
ALTER TABLE {{tables.tasks}} ADD COLUMN done boolean NOT NULL DEFAULT false;
