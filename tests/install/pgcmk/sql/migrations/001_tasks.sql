-- tasks, version 1.
CREATE TABLE {{tables.tasks}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL
);
