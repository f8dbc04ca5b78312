-- Domains (one NOT NULL), an enum array, and types whose typmods format_type()
-- spells its own way.
CREATE DOMAIN short_text AS varchar(10);
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE v (
    id integer PRIMARY KEY,
    t_id integer REFERENCES t (id),
    code short_text,
    qty positive_int,
    moods mood[] NOT NULL DEFAULT '{}',
    current_mood mood,
    stamp timestamp(3),
    span interval day,
    flags bit(3),
    vflags varbit(5),
    small numeric(5),
    approx float(10),
    letter "char",
    nm name
);
