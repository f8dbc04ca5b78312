-- Events: the target of :copyfrom, a column of each type it writes.
CREATE TABLE {{tables.events}} (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    mood {{schema}}.mood,
    small smallint,
    medium integer,
    ratio real,
    score double precision,
    flag boolean,
    data bytea,
    ref uuid,
    born date,
    at timestamptz,
    label varchar(20),
    span interval
);

-- Arrays: a column of each array type pgc generate maps.
CREATE TABLE {{tables.lists}} (
    id integer PRIMARY KEY,
    smalls smallint[] NOT NULL,
    ints integer[],
    bigs bigint[],
    reals real[],
    doubles double precision[],
    flags boolean[],
    refs uuid[],
    days date[],
    stamps timestamp[],
    stampstz timestamptz[],
    words text[],
    labels varchar(10)[]
);
