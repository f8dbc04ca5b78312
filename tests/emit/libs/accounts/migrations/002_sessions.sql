-- accounts, version 2: sessions.
CREATE TABLE {{tables.sessions}} (
    token uuid PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES {{tables.users}} (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
