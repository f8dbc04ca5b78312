-- A view, a SQL function, and columns added later.
CREATE VIEW {{tables.book_summaries}} AS
SELECT b.id,
       b.title,
       p.name AS publisher,
       b.price,
       (SELECT avg(r.rating) FROM {{tables.reviews}} r WHERE r.book_id = b.id) AS avg_rating,
       (SELECT count(*) FROM {{tables.reviews}} r WHERE r.book_id = b.id) AS review_count
FROM {{tables.books}} b
LEFT JOIN {{tables.publishers}} p ON p.id = b.publisher_id;

CREATE FUNCTION {{tables.discounted}}(price numeric, discount numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
RETURN round(price * (1 - coalesce(discount, 0) / 100), 2);

ALTER TABLE {{tables.books}} ADD COLUMN stock integer NOT NULL DEFAULT 0;
ALTER TABLE {{tables.customers}} ADD COLUMN loyalty_points bigint;

CREATE INDEX books_title ON {{tables.books}} (lower(title));
COMMENT ON TABLE {{tables.books}} IS 'every edition is a book';
