-- A second module, for two modules in one schema.
CREATE TABLE {{tables.jobs}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL
);
