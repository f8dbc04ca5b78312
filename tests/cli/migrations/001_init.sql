-- Plain pgc/pgdbm style: templates for the library's own schema.
CREATE TABLE {{tables.users}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

COMMENT ON TABLE {{tables.users}} IS 'in {{schema}}? no: templates in strings stay as written';


