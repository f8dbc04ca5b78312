-- migrate:up
-- Multi-tenant accounts, in dbmate's format; columns renamed, dropped and
-- retyped by later files.
CREATE TABLE {{tables.tenants}} (
    id serial PRIMARY KEY,
    slug varchar(40) NOT NULL UNIQUE,
    name varchar(100) NOT NULL,
    plan text NOT NULL DEFAULT 'free',
    created_at timestamp NOT NULL DEFAULT now(),
    legacy_code integer
);

CREATE TABLE {{tables.users}} (
    id bigserial PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES {{tables.tenants}} (id),
    name varchar(100) NOT NULL,
    email varchar(255) NOT NULL,
    is_admin boolean NOT NULL DEFAULT false,
    legacy_flag boolean,
    last_login timestamp,
    UNIQUE (tenant_id, email)
);

-- migrate:down
DROP TABLE {{tables.users}};
DROP TABLE {{tables.tenants}};
