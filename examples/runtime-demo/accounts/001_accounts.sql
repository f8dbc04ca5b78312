-- The accounts library: its tables live in whatever schema the host gives it.
CREATE TABLE {{tables.accounts}} (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
