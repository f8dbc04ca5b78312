-- accounts 1: users, each with one balance in cents.
-- {{tables.x}} is the table x in the schema the library was given, so the
-- same file creates "billing".users in a host and users on its own.
CREATE TABLE {{tables.users}} (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{tables.balances}} (
    user_id bigint PRIMARY KEY REFERENCES {{tables.users}} (id),
    -- The database, not the C code, guarantees that nobody overdraws.
    cents   bigint NOT NULL DEFAULT 0 CHECK (cents >= 0)
);
