-- The ltree extension: a tree of categories by path.
CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE cat (
    id integer PRIMARY KEY,
    path ltree NOT NULL,
    alt ltree
);
