-- Bookstore queries: templates, named parameters (@name, sqlc.arg, sqlc.narg).
-- `-- verify-params:` lines give pgc verify --execute bindings that hit the seed.

-- name: GetBook :one
SELECT * FROM {{tables.books}} WHERE id = @id;

-- name: GetBookByIsbn :one
-- verify-params: 9780000000001
SELECT id, title, price FROM {{tables.books}} WHERE isbn = @isbn;

-- name: ListBooks :many
-- verify-params: 10 | 0
SELECT id, title, subtitle, price, format
FROM {{tables.books}}
ORDER BY title
LIMIT @page_size OFFSET @page_offset;

-- name: ListBooksByFormat :many
-- verify-params: paperback
SELECT id, title, format FROM {{tables.books}} WHERE format = @format;

-- name: ListBooksInFormats :many
-- verify-params: {paperback,ebook}
SELECT id, title FROM {{tables.books}} WHERE format = ANY(@formats::{{tables.book_format}}[]);

-- name: ListBooksPriceBetween :many
-- verify-params: 5 | 20
SELECT id, title, price FROM {{tables.books}}
WHERE price BETWEEN @min_price AND @max_price
ORDER BY price;

-- name: SearchBooksByTitle :many
-- verify-params: the
SELECT id, title FROM {{tables.books}} WHERE title ILIKE '%' || @q || '%';

-- name: BooksWithTag :many
-- verify-params: scifi
SELECT id, title, tags FROM {{tables.books}} WHERE @tag = ANY(tags);

-- name: BooksWithAllTags :many
-- verify-params: {scifi,classic}
SELECT id, title FROM {{tables.books}} WHERE tags @> @tags;

-- name: BooksPublishedAfter :many
-- verify-params: 1965-01-01
SELECT id, title, published_on FROM {{tables.books}}
WHERE published_on > @after
ORDER BY published_on DESC NULLS LAST;

-- name: BookWithPublisher :one
-- verify-params: 5
SELECT b.id, b.title, p.name AS publisher_name, p.website
FROM {{tables.books}} b
LEFT JOIN {{tables.publishers}} p ON p.id = b.publisher_id
WHERE b.id = @id;

-- name: BooksWithPublisherInner :many
SELECT b.id, b.title, p.name AS publisher_name, p.website
FROM {{tables.books}} b
JOIN {{tables.publishers}} p ON p.id = b.publisher_id;

-- name: PublishersRightJoinBooks :many
SELECT p.id AS publisher_id, p.name, b.id AS book_id, b.title
FROM {{tables.books}} b
RIGHT JOIN {{tables.publishers}} p ON p.id = b.publisher_id
ORDER BY p.id, b.id;

-- name: BooksFullJoinPublishers :many
SELECT b.title, p.name
FROM {{tables.books}} b
FULL JOIN {{tables.publishers}} p ON p.id = b.publisher_id;

-- name: BookAuthors :many
SELECT a.id, a.name, ba.position
FROM {{tables.book_authors}} ba
JOIN {{tables.authors}} a ON a.id = ba.author_id
WHERE ba.book_id = @book_id
ORDER BY ba.position;

-- name: BooksWithFirstAuthor :many
SELECT b.id, b.title, fa.name AS first_author
FROM {{tables.books}} b
LEFT JOIN LATERAL (
    SELECT a.name FROM {{tables.book_authors}} ba
    JOIN {{tables.authors}} a ON a.id = ba.author_id
    WHERE ba.book_id = b.id
    ORDER BY ba.position
    LIMIT 1
) fa ON true;

-- name: AuthorsWithBookCount :many
SELECT a.id, a.name, count(ba.book_id) AS books
FROM {{tables.authors}} a
LEFT JOIN {{tables.book_authors}} ba ON ba.author_id = a.id
GROUP BY a.id
ORDER BY a.id;

-- name: AuthorBookTitles :many
SELECT a.name, string_agg(b.title, ', ' ORDER BY b.title) AS titles
FROM {{tables.authors}} a
LEFT JOIN {{tables.book_authors}} ba ON ba.author_id = a.id
LEFT JOIN {{tables.books}} b ON b.id = ba.book_id
GROUP BY a.name;

-- name: AuthorTitlesArray :many
SELECT a.id, array_agg(b.title ORDER BY b.id) AS titles
FROM {{tables.authors}} a
JOIN {{tables.book_authors}} ba ON ba.author_id = a.id
JOIN {{tables.books}} b ON b.id = ba.book_id
GROUP BY a.id;

-- name: PublisherStats :many
SELECT p.id, p.name, count(b.id) AS books, min(b.price) AS cheapest, max(b.price) AS dearest,
       avg(b.price) AS average, sum(b.stock) AS stock
FROM {{tables.publishers}} p
LEFT JOIN {{tables.books}} b ON b.publisher_id = p.id
GROUP BY p.id, p.name
ORDER BY p.id;

-- name: BookPriceStats :one
SELECT count(*) AS books, sum(price) AS total, avg(price)::numeric(10, 2) AS average,
       min(published_on) AS first_published, max(created_at) AS last_created
FROM {{tables.books}};

-- name: CountBooks :one
SELECT count(*) FROM {{tables.books}};

-- name: CountBooksByFormat :many
SELECT format, count(*) AS n FROM {{tables.books}} GROUP BY format ORDER BY format;

-- name: BooksHavingManyAuthors :many
-- verify-params: 1
SELECT b.id, b.title, count(*) AS authors
FROM {{tables.books}} b
JOIN {{tables.book_authors}} ba ON ba.book_id = b.id
GROUP BY b.id
HAVING count(*) > @min_authors;

-- name: BookDiscountedPrice :many
SELECT id, {{tables.discounted}}(price, discount) AS final_price FROM {{tables.books}};

-- name: BookEffectivePrice :many
SELECT id,
       CASE WHEN discount IS NULL THEN price ELSE price - price * discount / 100 END AS effective_price
FROM {{tables.books}};

-- name: BookPriceBand :many
SELECT id, CASE WHEN price < 10 THEN 'cheap' WHEN price < 20 THEN 'regular' END AS band
FROM {{tables.books}};

-- name: BookCoalesce :many
SELECT id, COALESCE(subtitle, '') AS subtitle, COALESCE(discount, 0) AS discount,
       COALESCE(pages, publisher_id) AS pages_or_publisher
FROM {{tables.books}};

-- name: BookTitleCase :many
SELECT upper(title) AS upper_title, length(title) AS title_length, lower(subtitle) AS lower_subtitle
FROM {{tables.books}};

-- name: BookMetadata :many
SELECT id, metadata->>'language' AS language, metadata->'awards' AS awards,
       metadata ? 'language' AS has_language
FROM {{tables.books}};

-- name: BookSummary :one
SELECT * FROM {{tables.book_summaries}} WHERE id = @id;

-- name: TopRatedBooks :many
-- verify-params: 1
SELECT id, title, avg_rating
FROM {{tables.book_summaries}}
WHERE review_count >= @min_reviews
ORDER BY avg_rating DESC NULLS LAST
LIMIT 10;

-- name: BooksWithReviewStats :many
SELECT b.id,
       (SELECT count(*) FROM {{tables.reviews}} r WHERE r.book_id = b.id) AS reviews,
       (SELECT max(r.rating) FROM {{tables.reviews}} r WHERE r.book_id = b.id) AS best
FROM {{tables.books}} b;

-- name: BooksNeverReviewed :many
SELECT id, title FROM {{tables.books}} b
WHERE NOT EXISTS (SELECT 1 FROM {{tables.reviews}} r WHERE r.book_id = b.id);

-- name: BooksReviewedBy :many
SELECT id, title FROM {{tables.books}}
WHERE id IN (SELECT book_id FROM {{tables.reviews}} WHERE customer_id = @customer_id);

-- name: CustomerByEmail :one
-- verify-params: ADA@example.com
SELECT id, email, display_name, created_at FROM {{tables.customers}} WHERE email = lower(@email);

-- name: InsertCustomer :one
-- verify-params: new@example.com | New
INSERT INTO {{tables.customers}} (email, display_name)
VALUES (@email, @display_name)
RETURNING *;

-- name: InsertCustomerNarg :one
-- verify-params: new@example.com | NULL
INSERT INTO {{tables.customers}} (email, display_name)
VALUES (@email, sqlc.narg(display_name))
RETURNING id, display_name, created_at;

-- name: UpdateCustomerName :exec
UPDATE {{tables.customers}} SET display_name = @display_name WHERE id = @id;

-- name: UpdateCustomerNameReturning :one
-- verify-params: NULL | 00000000-0000-0000-0000-000000000001
UPDATE {{tables.customers}} SET display_name = sqlc.narg(display_name)
WHERE id = sqlc.arg(id)
RETURNING id, display_name;

-- name: DeleteCustomer :execrows
DELETE FROM {{tables.customers}} WHERE id = @id;

-- name: CreateBook :one
-- verify-params: 9780000000099 | New Book | 1 | ebook | 4.99 | {new}
INSERT INTO {{tables.books}} (isbn, title, publisher_id, format, price, tags)
VALUES (@isbn, @title, @publisher_id, @format, @price, @tags)
RETURNING id, created_at, subtitle, stock;

-- name: CreateBooks :exec
INSERT INTO {{tables.books}} (title, price) VALUES ($1, $2), ($3, $4);

-- name: CopyBooksOfPublisher :many
-- verify-params: 3 | 1
INSERT INTO {{tables.books}} (title, price, publisher_id)
SELECT title || ' (copy)', price, @new_publisher FROM {{tables.books}} WHERE publisher_id = @publisher
RETURNING id, title, publisher_id;

-- name: AddBookAuthor :exec
INSERT INTO {{tables.book_authors}} (book_id, author_id, position)
VALUES (@book_id, @author_id, @position)
ON CONFLICT (book_id, author_id) DO UPDATE SET position = EXCLUDED.position;

-- name: UpsertPublisher :one
-- verify-params: Ace | NULL
INSERT INTO {{tables.publishers}} (name, website) VALUES (@name, @website)
ON CONFLICT (name) DO UPDATE SET website = EXCLUDED.website
RETURNING id, name, website;

-- name: SetBookPrice :one
-- verify-params: 12.50 | NULL | 2
UPDATE {{tables.books}} SET price = @price, discount = sqlc.narg(discount)
WHERE id = @id
RETURNING id, price, discount;

-- name: RaisePrices :execrows
UPDATE {{tables.books}} SET price = price * (1 + @pct / 100) WHERE publisher_id = @publisher_id;

-- name: AddStockFromOrder :many
UPDATE {{tables.books}} b SET stock = b.stock + oi.quantity
FROM {{tables.order_items}} oi
WHERE oi.book_id = b.id AND oi.order_id = @order_id
RETURNING b.id, b.stock, oi.quantity;

-- name: DeleteReviewsOfBook :many
DELETE FROM {{tables.reviews}} WHERE book_id = @book_id RETURNING id, rating, body;

-- name: PlaceOrder :one
-- verify-params: 00000000-0000-0000-0000-000000000003 | 2 | 1
WITH o AS (
    INSERT INTO {{tables.orders}} (customer_id, status, placed_at)
    VALUES (@customer_id, 'placed', now())
    RETURNING id
)
INSERT INTO {{tables.order_items}} (order_id, book_id, quantity, unit_price)
SELECT o.id, b.id, @quantity, b.price FROM o, {{tables.books}} b WHERE b.id = @book_id
RETURNING order_id, unit_price;

-- name: CustomerOrders :many
SELECT o.id, o.status, o.placed_at, count(oi.book_id) AS items,
       sum(oi.quantity * oi.unit_price) AS total
FROM {{tables.orders}} o
LEFT JOIN {{tables.order_items}} oi ON oi.order_id = o.id
WHERE o.customer_id = @customer_id
GROUP BY o.id
ORDER BY o.id;

-- name: OrderTotal :one
SELECT coalesce(sum(quantity * unit_price), 0)::numeric(12, 2) AS total
FROM {{tables.order_items}} WHERE order_id = @order_id;

-- name: OrdersWithCustomer :many
SELECT o.*, c.email
FROM {{tables.orders}} o
JOIN {{tables.customers}} c ON c.id = o.customer_id;

-- name: OrderItemsWithBooks :many
SELECT sqlc.embed(b), oi.quantity
FROM {{tables.order_items}} oi
JOIN {{tables.books}} b ON b.id = oi.book_id
WHERE oi.order_id = @order_id;

-- name: CustomersWithoutOrders :many
SELECT c.id, c.email, o.id AS order_id
FROM {{tables.customers}} c
LEFT JOIN {{tables.orders}} o ON o.customer_id = c.id
WHERE o.id IS NULL;

-- name: CustomerReferrer :many
SELECT c.email, r.email AS referrer_email, r.display_name AS referrer_name
FROM {{tables.customers}} c
LEFT JOIN {{tables.customers}} r ON r.id = c.referred_by;

-- name: CustomerLastOrder :many
SELECT c.email, lo.id AS last_order, lo.placed_at
FROM {{tables.customers}} c
LEFT JOIN LATERAL (
    SELECT o.id, o.placed_at FROM {{tables.orders}} o
    WHERE o.customer_id = c.id
    ORDER BY o.placed_at DESC NULLS LAST
    LIMIT 1
) lo ON true;

-- name: RecentReviews :many
-- verify-params: 1 day
WITH recent AS (
    SELECT * FROM {{tables.reviews}} WHERE created_at > now() - @since::interval
)
SELECT r.id, r.rating, b.title, c.email
FROM recent r
JOIN {{tables.books}} b ON b.id = r.book_id
LEFT JOIN {{tables.customers}} c ON c.id = r.customer_id;

-- name: BooksAndAuthors :many
SELECT 'book' AS kind, id, title AS label FROM {{tables.books}}
UNION ALL
SELECT 'author', id, name FROM {{tables.authors}}
ORDER BY label;

-- name: TitlesIntersect :many
-- verify-params: 10
SELECT title FROM {{tables.books}}
INTERSECT
SELECT title FROM {{tables.books}} WHERE price > @min_price;

-- name: TitlesExcept :many
SELECT title FROM {{tables.books}}
EXCEPT
SELECT b.title FROM {{tables.books}} b JOIN {{tables.order_items}} oi ON oi.book_id = b.id;

-- name: PublisherNamesAndNull :many
SELECT name FROM {{tables.publishers}}
UNION
SELECT NULL;

-- name: DistinctFormats :many
SELECT DISTINCT format FROM {{tables.books}};

-- name: DearestBookPerPublisher :many
SELECT DISTINCT ON (publisher_id) publisher_id, id, title
FROM {{tables.books}}
ORDER BY publisher_id, price DESC;

-- name: BookRanks :many
SELECT id, title,
       rank() OVER (PARTITION BY publisher_id ORDER BY price DESC) AS price_rank,
       row_number() OVER (ORDER BY id) AS n
FROM {{tables.books}};

-- name: BookRunningTotals :many
SELECT id, sum(price) OVER (ORDER BY id) AS running_total,
       lag(title) OVER (ORDER BY id) AS previous_title,
       first_value(title) OVER w AS first_title
FROM {{tables.books}}
WINDOW w AS (ORDER BY id);

-- name: ReviewHistogram :many
SELECT rating, count(*) FILTER (WHERE body IS NOT NULL) AS with_body, count(*) AS total
FROM {{tables.reviews}}
GROUP BY rating;

-- name: BookCasts :many
SELECT id, price::text AS price_text, price::float8 AS price_float, pages::int AS pages_int,
       CAST(created_at AS date) AS created_on, format::text AS format_text
FROM {{tables.books}};

-- name: BookDates :many
SELECT id, age(now(), created_at) AS age, extract(year FROM published_on) AS year,
       date_trunc('month', created_at) AS month, published_on + 30 AS plus_30
FROM {{tables.books}};

-- name: BooksWithLongTitles :many
-- verify-params: 10
SELECT id, title FROM {{tables.books}} WHERE char_length(title) > @min_length;

-- name: BookExists :one
SELECT EXISTS (SELECT 1 FROM {{tables.books}} WHERE id = @id) AS exists;

-- name: BookIds :one
SELECT ARRAY(SELECT id FROM {{tables.books}} ORDER BY id) AS ids;

-- name: BookGreatestLeast :many
-- verify-params: 10
SELECT greatest(price, @floor) AS at_least, least(pages, 500) AS capped_pages,
       nullif(pages, 0) AS pages
FROM {{tables.books}};

-- name: FirstBooks :many
-- verify-params: 2
SELECT id FROM {{tables.books}} ORDER BY id LIMIT @n;

-- name: BooksAfterOffset :many
-- verify-params: 1
SELECT id FROM {{tables.books}} ORDER BY id OFFSET @skip;

-- name: ValuesList :many
SELECT * FROM (VALUES (1, 'one'), (2, NULL)) AS v(n, label);

-- name: SeriesJoinBooks :many
SELECT g.n, b.title
FROM generate_series(1, 8) AS g(n)
LEFT JOIN {{tables.books}} b ON b.id = g.n;

-- name: BookTags :many
SELECT b.id, t.tag FROM {{tables.books}} b, unnest(b.tags) AS t(tag);

-- name: BookDocuments :many
SELECT jsonb_build_object('id', id, 'title', title) AS doc, to_jsonb(b) AS full_doc
FROM {{tables.books}} b;

-- name: BooksWithPublisherStar :many
SELECT b.*, p.name
FROM {{tables.books}} b
LEFT JOIN {{tables.publishers}} p ON p.id = b.publisher_id;

-- name: AuthorsAndLinks :many
SELECT a.*, ba.*
FROM {{tables.authors}} a
JOIN {{tables.book_authors}} ba ON ba.author_id = a.id;

-- name: LockBook :one
SELECT id, stock FROM {{tables.books}} WHERE id = @id FOR UPDATE;

-- name: ReviewAsCustomer :one
-- verify-params: 3 | 4 | cy@example.com
INSERT INTO {{tables.reviews}} (book_id, customer_id, rating, body)
SELECT @book_id, id, @rating, NULL FROM {{tables.customers}} WHERE email = @email
RETURNING *;

-- name: CancelOrder :one
-- verify-params: NULL | 2
UPDATE {{tables.orders}} SET status = 'cancelled', note = COALESCE(@note, note)
WHERE id = @id AND status IN ('cart', 'placed')
RETURNING id, status, note;

-- name: OrdersByStatuses :many
-- verify-params: {cart,placed}
SELECT id, status FROM {{tables.orders}}
WHERE status = ANY(@statuses::{{tables.order_status}}[]);

-- name: OrdersPlacedBetween :many
-- verify-params: 2024-01-01 | 2024-12-31
SELECT id, placed_at FROM {{tables.orders}} WHERE placed_at BETWEEN @start_at AND @end_at;

-- name: DailySales :many
SELECT date_trunc('day', o.placed_at)::date AS day, sum(oi.quantity * oi.unit_price) AS revenue
FROM {{tables.orders}} o
JOIN {{tables.order_items}} oi ON oi.order_id = o.id
WHERE o.placed_at IS NOT NULL
GROUP BY 1
ORDER BY 1;

-- name: TopCustomers :many
-- verify-params: 10
WITH totals AS (
    SELECT o.customer_id, sum(oi.quantity * oi.unit_price) AS total
    FROM {{tables.orders}} o
    JOIN {{tables.order_items}} oi ON oi.order_id = o.id
    GROUP BY o.customer_id
)
SELECT c.email, c.display_name, t.total
FROM {{tables.customers}} c
LEFT JOIN totals t ON t.customer_id = c.id
ORDER BY t.total DESC NULLS LAST
LIMIT @n;

-- name: ReferralChain :many
WITH RECURSIVE chain (id, email, depth) AS (
    SELECT id, email, 0 FROM {{tables.customers}} WHERE id = @id
    UNION ALL
    SELECT c.id, c.email, chain.depth + 1
    FROM {{tables.customers}} c
    JOIN chain ON c.referred_by = chain.id
)
SELECT * FROM chain;

-- name: MoveReviews :many
-- verify-params: 1 | 3
WITH moved AS (
    DELETE FROM {{tables.reviews}} WHERE book_id = @from_book
    RETURNING customer_id, rating, body
)
INSERT INTO {{tables.reviews}} (book_id, customer_id, rating, body)
SELECT @to_book, customer_id, rating, body FROM moved
RETURNING id, customer_id, body;

-- name: BooksOrderedByCustomer :many
SELECT DISTINCT b.id, b.title
FROM {{tables.books}} b
JOIN {{tables.order_items}} oi ON oi.book_id = b.id
JOIN {{tables.orders}} o ON o.id = oi.order_id
WHERE o.customer_id = @customer_id;

-- name: CustomerLoyalty :many
SELECT id, coalesce(loyalty_points, 0) AS points, loyalty_points > 100 AS vip
FROM {{tables.customers}};

-- name: BookStockValue :many
SELECT id, stock > 0 AS in_stock, stock * price AS stock_value, -stock AS negative
FROM {{tables.books}};

-- name: AuthorsBornInYear :many
-- verify-params: 1929
SELECT id, name FROM {{tables.authors}} WHERE extract(year FROM born) = @year;

-- name: AuthorsByCountry :many
-- verify-params: US
SELECT id, name, country FROM {{tables.authors}} WHERE country = @country;

-- name: AuthorsByMaybeCountry :many
-- verify-params: NULL
SELECT id, name FROM {{tables.authors}} WHERE country IS NOT DISTINCT FROM sqlc.narg(country);

-- name: BooksNeverOrdered :many
SELECT id, title FROM {{tables.books}}
WHERE id NOT IN (SELECT book_id FROM {{tables.order_items}});

-- name: BooksByPublisherAndFormat :many
-- verify-params: 1 | paperback
SELECT id, title FROM {{tables.books}} WHERE (publisher_id, format) = (@publisher_id, @format);

-- name: BookIsbnText :many
SELECT id, isbn, isbn::text AS isbn_text FROM {{tables.books}};

-- name: CustomersReferredBy :many
SELECT email FROM {{tables.customers}} WHERE referred_by = sqlc.arg(referrer);

-- name: ReviewBodies :many
SELECT r.id, coalesce(r.body, '(no text)') AS body, c.display_name, b.title
FROM {{tables.reviews}} r
JOIN {{tables.books}} b ON b.id = r.book_id
LEFT JOIN {{tables.customers}} c ON c.id = r.customer_id
ORDER BY r.id;

-- name: PublisherBookTitles :many
SELECT p.name, b.title
FROM {{tables.publishers}} p
LEFT JOIN (SELECT id, title, publisher_id FROM {{tables.books}} WHERE price > 10) b
    ON b.publisher_id = p.id;

-- name: ExpensiveBooksCte :many
WITH expensive AS (SELECT id, title, price FROM {{tables.books}} WHERE price > 10)
SELECT p.name, e.title, e.price
FROM {{tables.publishers}} p
LEFT JOIN {{tables.books}} b ON b.publisher_id = p.id
LEFT JOIN expensive e ON e.id = b.id;

-- name: OrderShippingDelay :many
SELECT id, shipped_at - placed_at AS delay, shipped_at IS NOT NULL AS shipped
FROM {{tables.orders}};

-- name: CarriersWithOrders :many
-- a catalog-only table (another library's), read through its schema's template
SELECT c.name, c.tracking_url, count(o.id) AS orders
FROM {{tables.shipping.carriers}} c
LEFT JOIN {{tables.orders}} o ON o.id = c.id
GROUP BY c.id, c.name, c.tracking_url
ORDER BY c.id;

-- name: BooksInSlice :many
-- sqlc.slice in IN (...): one array parameter, the SQL is "= ANY($n)"
-- verify-params: {1,2,3} | {ebook,audio}
SELECT id, title FROM {{tables.books}}
WHERE id IN (sqlc.slice(ids)) AND format NOT IN ( sqlc.slice('formats') )
ORDER BY id;

-- name: AddOrderItemPriced :one
-- Two untyped parameters multiplied: the analysis types them from the
-- columns, and the generated code sends those types (verify too).
INSERT INTO {{tables.order_items}} (order_id, book_id, quantity, unit_price)
VALUES (@order_id, @book_id, @quantity, @unit_price * @quantity)
RETURNING order_id, unit_price;
