-- One table with a column of every common type, nullable and not, for
-- expressions, casts and operators; a second one to join against.
CREATE TABLE t (
    id integer PRIMARY KEY,
    i2 smallint,
    i4 integer,
    i8 bigint NOT NULL DEFAULT 0,
    n numeric,
    n52 numeric(5, 2),
    f4 real,
    f8 double precision,
    b boolean,
    tx text NOT NULL DEFAULT '',
    vc varchar(10),
    ch char(4),
    d date,
    ts timestamp,
    tstz timestamptz,
    tm time,
    iv interval,
    u uuid,
    j json,
    jb jsonb,
    arr integer[],
    tarr text[] NOT NULL DEFAULT '{}',
    by bytea,
    ip inet,
    r int4range
);

CREATE TABLE u (
    id integer PRIMARY KEY,
    t_id integer REFERENCES t (id),
    label text NOT NULL,
    weight numeric(8, 3) NOT NULL DEFAULT 1
);
