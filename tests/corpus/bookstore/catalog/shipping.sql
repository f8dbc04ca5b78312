-- Catalog-only (pgc -c): another library's table, in its own schema, that the
-- bookstore reads but does not own or migrate.
CREATE SCHEMA shipping;
CREATE TABLE shipping.carriers (
    id int PRIMARY KEY,
    name text NOT NULL,
    tracking_url text
);
