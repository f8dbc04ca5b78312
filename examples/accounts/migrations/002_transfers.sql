-- accounts 2: the transfer journal.  `reference` makes a transfer
-- idempotent: a caller that retries (a job run twice) cannot pay twice.
CREATE TABLE {{tables.transfers}} (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_user  bigint NOT NULL REFERENCES {{tables.users}} (id),
    to_user    bigint NOT NULL REFERENCES {{tables.users}} (id),
    cents      bigint NOT NULL CHECK (cents > 0),
    reference  text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (from_user <> to_user)
);

CREATE INDEX transfers_from_user ON {{tables.transfers}} (from_user);
CREATE INDEX transfers_to_user ON {{tables.transfers}} (to_user);
