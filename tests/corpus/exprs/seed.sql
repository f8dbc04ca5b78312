-- Row 1 has every column set, row 2 every nullable column NULL; row 3 has
-- no u row pointing at it, and u row 3 points at no t row.
INSERT INTO t VALUES
    (1, 2, 4, 8, 1.5, 123.45, 1.25, 2.5, true, 'text', 'varchar', 'ch', '2024-02-29',
     '2024-02-29 12:00', '2024-02-29 12:00+00', '12:00', '1 day', 
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"a": [1, 2]}', '{1,2,3}', '{x,y}',
     '\xdeadbeef', '10.0.0.1', '[1,10)'),
    (2, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, '{}', NULL, NULL, NULL),
    (3, -1, 0, -5, 0, 0, 0, 0, false, 'z', '', '', '1970-01-01', '1970-01-01 00:00',
     '1970-01-01 00:00+00', '00:00', '0', '00000000-0000-0000-0000-000000000001', 'null',
     'null', '{NULL}', '{NULL}', '\x', '::1', 'empty');

INSERT INTO u VALUES (1, 1, 'one', 1.5), (2, 2, 'two', 2), (3, NULL, 'orphan', 0);

INSERT INTO v VALUES
    (1, 1, 'abc', 3, '{happy,ok}', 'ok', '2024-01-01 10:00:00.123', '2 days', B'101', B'11',
     12345, 1.5, 'x', 'name'),
    (2, NULL, NULL, 1, '{NULL}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

INSERT INTO cat VALUES (1, 'top', NULL), (2, 'top.science', 'top.sci'), (3, 'top.science.astro', NULL),
    (4, 'top.art', 'top');
