-- Composite types, a table's row type, sqlc.embed, and the arrays sent as text
-- (numeric, jsonb, enums) or as variable-length items (bytea), and interval[].
CREATE TYPE {{schema}}.addr AS (street text, zip integer, tags text[], mood {{schema}}.mood);

CREATE TABLE {{tables.authors}} (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    home {{schema}}.addr,
    born date
);

CREATE TABLE {{tables.books}} (
    id bigint PRIMARY KEY,
    author_id bigint,
    title text NOT NULL,
    prices numeric[],
    docs jsonb[],
    blobs bytea[],
    spans interval[],
    moods {{schema}}.mood[]
);

-- The target of a :copyfrom with numeric, jsonb and array columns.
CREATE TABLE {{tables.ledger}} (
    id bigint PRIMARY KEY,
    amount numeric NOT NULL,
    note jsonb,
    nums integer[] NOT NULL,
    blobs bytea[],
    spans interval[],
    words text[]
);

-- Ranges: a column of each range type pgc generate maps.
CREATE TABLE {{tables.spans}} (
    id integer PRIMARY KEY,
    ints int4range NOT NULL,
    bigs int8range,
    nums numrange,
    days daterange,
    stamps tsrange,
    stampstz tstzrange
);

-- A composite of built-in types only: it can be a parameter too.
CREATE TYPE {{schema}}.payment AS (
    amount numeric,
    at timestamptz,
    tags text[],
    span int4range,
    doc jsonb,
    data bytea,
    n integer
);
CREATE TABLE {{tables.payments}} (
    id integer PRIMARY KEY,
    p {{schema}}.payment NOT NULL
);
