-- The benchmark's tables.  items: point lookups and scans (loaded with
-- 1,000,000 rows by the benchmark); ins: the target of the insert cases.
CREATE TABLE {{tables.items}} (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    qty integer NOT NULL,
    price double precision NOT NULL,
    created timestamptz NOT NULL
);

CREATE TABLE {{tables.ins}} (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    qty integer NOT NULL,
    price double precision NOT NULL,
    created timestamptz NOT NULL
);
