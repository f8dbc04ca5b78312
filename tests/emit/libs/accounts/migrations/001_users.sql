-- accounts, version 1: users.
CREATE TYPE {{schema}}.account_state AS ENUM ('active', 'locked');

CREATE TABLE {{tables.users}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    state {{schema}}.account_state NOT NULL DEFAULT 'active'
);
