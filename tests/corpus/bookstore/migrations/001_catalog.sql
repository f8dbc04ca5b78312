-- The catalog side of a bookstore: enums, a domain, arrays, jsonb, numeric.
CREATE TYPE {{tables.book_format}} AS ENUM ('hardcover', 'paperback', 'ebook', 'audio');

CREATE DOMAIN {{tables.isbn13}} AS text CHECK (VALUE ~ '^[0-9]{13}$');

CREATE TABLE {{tables.authors}} (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    born date,
    country char(2),
    bio text
);

CREATE TABLE {{tables.publishers}} (
    id serial PRIMARY KEY,
    name varchar(120) NOT NULL UNIQUE,
    website text
);

CREATE TABLE {{tables.books}} (
    id bigserial PRIMARY KEY,
    isbn {{tables.isbn13}} UNIQUE,
    title varchar(200) NOT NULL,
    subtitle varchar(200),
    publisher_id integer REFERENCES {{tables.publishers}} (id),
    format {{tables.book_format}} NOT NULL DEFAULT 'paperback',
    price numeric(10, 2) NOT NULL,
    discount numeric(4, 2),
    pages smallint,
    published_on date,
    tags text[] NOT NULL DEFAULT '{}',
    metadata jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{tables.book_authors}} (
    book_id bigint NOT NULL REFERENCES {{tables.books}} (id),
    author_id bigint NOT NULL REFERENCES {{tables.authors}} (id),
    position integer NOT NULL DEFAULT 1,
    PRIMARY KEY (book_id, author_id)
);
