-- Domains over built-in types: parameters of a domain type are sent as the
-- domain (cast in the SQL), values in the base type's binary or text form.
CREATE DOMAIN {{schema}}.positive AS integer CHECK (VALUE > 0);
CREATE DOMAIN {{schema}}.short_text AS text CHECK (length(VALUE) <= 5);

CREATE TABLE {{tables.weights}} (
    id integer PRIMARY KEY,
    w {{schema}}.positive NOT NULL,
    tag {{schema}}.short_text
);
