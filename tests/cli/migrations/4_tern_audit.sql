CREATE TABLE {{tables.audit}} (
    at timestamptz NOT NULL DEFAULT now(),
    what text NOT NULL
);
---- create above / drop below ----
CREATE TABLE {{tables.tern_down_ran}} (x int);
DROP TABLE {{tables.audit}};
