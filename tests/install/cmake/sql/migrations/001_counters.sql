-- counters, version 1.
CREATE TABLE {{tables.counters}} (
    name text PRIMARY KEY,
    value bigint NOT NULL,
    ratio double precision
);
