-- notes, version 1.
CREATE TABLE {{tables.notes}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL,
    stars integer
);
