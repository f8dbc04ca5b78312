-- shop, version 1: customers and the catalogue.
CREATE TYPE {{schema}}.order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

CREATE TABLE {{tables.customers}} (
    id uuid PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    nickname text,
    legacy_code varchar(12),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{tables.products}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    title text NOT NULL,
    price numeric(12, 2) NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    attrs jsonb,
    image bytea
);
