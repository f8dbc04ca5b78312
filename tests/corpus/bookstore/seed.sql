-- Rows with NULLs in every nullable column somewhere, and rows that make
-- every outer join miss: a publisher with no books, books with no
-- publisher, no author or no review, customers with no orders, an order
-- with no items.  Serial keys are left to their sequences (1, 2, ...).
INSERT INTO {{tables.authors}} (name, born, country, bio) VALUES
    ('Ursula K. Le Guin', '1929-10-21', 'US', 'Earthsea and the Hainish cycle'),
    ('Stanislaw Lem', '1921-09-12', 'PL', NULL),
    ('Anonymous', NULL, NULL, NULL),
    ('Octavia E. Butler', '1947-06-22', 'US', NULL);

INSERT INTO {{tables.publishers}} (name, website) VALUES
    ('Ace', 'https://ace.example'),
    ('Harcourt', NULL),
    ('Nobody Press', NULL);

INSERT INTO {{tables.books}} (isbn, title, subtitle, publisher_id, format, price, discount,
                              pages, published_on, tags, metadata, stock) VALUES
    ('9780000000001', 'The Left Hand of Darkness', NULL, 1, 'paperback', 9.99, NULL, 304,
     '1969-03-01', '{scifi,classic}', '{"language": "en", "awards": ["Hugo", "Nebula"]}', 3),
    ('9780000000002', 'Solaris', 'A novel', 2, 'hardcover', 24.50, 10.00, NULL,
     '1961-01-01', '{scifi}', NULL, 0),
    (NULL, 'Untitled Draft', NULL, NULL, 'ebook', 0.00, NULL, NULL, NULL, '{}', '{}', 0),
    ('9780000000004', 'Kindred', NULL, 1, 'audio', 15.00, 5.50, 264, '1979-06-01',
     '{classic}', '{"language": "en"}', 12),
    ('9780000000005', 'The Dispossessed', 'An Ambiguous Utopia', NULL, 'paperback', 11.25,
     NULL, 387, '1974-05-01', '{scifi,utopia}', NULL, 1);

INSERT INTO {{tables.book_authors}} (book_id, author_id, position) VALUES
    (1, 1, 1), (2, 2, 1), (4, 4, 1), (5, 1, 1), (5, 3, 2);

INSERT INTO {{tables.customers}} (id, email, display_name, referred_by, loyalty_points) VALUES
    ('00000000-0000-0000-0000-000000000001', 'ada@example.com', 'Ada', NULL, 120),
    ('00000000-0000-0000-0000-000000000002', 'bob@example.com', NULL,
     '00000000-0000-0000-0000-000000000001', NULL),
    ('00000000-0000-0000-0000-000000000003', 'cy@example.com', NULL, NULL, 5);

INSERT INTO {{tables.orders}} (customer_id, status, placed_at, shipped_at, note) VALUES
    ('00000000-0000-0000-0000-000000000001', 'shipped', '2024-01-05 10:00+00',
     '2024-01-06 09:00+00', NULL),
    ('00000000-0000-0000-0000-000000000001', 'cart', NULL, NULL, 'gift'),
    ('00000000-0000-0000-0000-000000000002', 'placed', '2024-02-01 12:30+00', NULL, NULL);

INSERT INTO {{tables.order_items}} (order_id, book_id, quantity, unit_price) VALUES
    (1, 1, 1, 9.99), (1, 4, 2, 15.00), (3, 2, 1, 22.05);

INSERT INTO {{tables.reviews}} (book_id, customer_id, rating, body) VALUES
    (1, '00000000-0000-0000-0000-000000000001', 5, 'A classic.'),
    (1, NULL, 4, NULL),
    (2, '00000000-0000-0000-0000-000000000002', 3, NULL);

-- the catalog-only shipping.carriers (tests/corpus/bookstore/catalog), one
-- table for every mode verify seeds (standalone and two schemas)
INSERT INTO {{tables.shipping.carriers}} (id, name, tracking_url) VALUES
    (1, 'Post', 'https://post.example/track'),
    (2, 'Courier', NULL)
ON CONFLICT (id) DO NOTHING;
