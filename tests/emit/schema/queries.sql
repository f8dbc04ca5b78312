-- name: CreateItem :one
INSERT INTO {{tables.items}} (
    code, small, medium, big, ratio, score, flag, label, initials, data, ref, born, seen, at,
    price, doc, docb, mood,
    n_small, n_medium, n_big, n_ratio, n_score, n_flag, n_label, n_data, n_ref, n_born,
    n_seen, n_at, n_price, n_docb, n_mood
) VALUES (
    @code, @small, @medium, @big, @ratio, @score, @flag, @label, @initials, @data, @ref,
    @born, @seen, @at, @price, @doc, @docb, @mood,
    sqlc.narg(n_small), sqlc.narg(n_medium), sqlc.narg(n_big), sqlc.narg(n_ratio),
    sqlc.narg(n_score), sqlc.narg(n_flag), sqlc.narg(n_label), sqlc.narg(n_data),
    sqlc.narg(n_ref), sqlc.narg(n_born), sqlc.narg(n_seen), sqlc.narg(n_at),
    sqlc.narg(n_price), sqlc.narg(n_docb), sqlc.narg(n_mood)
)
RETURNING id;

-- name: GetItem :one
SELECT * FROM {{tables.items}} WHERE code = @code;

-- name: ListItems :many
SELECT id, code, mood, n_mood, n_label FROM {{tables.items}} ORDER BY id;

-- name: ItemsByMood :many
SELECT id, code FROM {{tables.items}} WHERE mood = @mood ORDER BY id;

-- name: CountItems :one
SELECT count(*) AS total FROM {{tables.items}};

-- name: ItemCodeName :one
SELECT code::name AS code_name, '{{not a template}}' AS literal FROM {{tables.items}} WHERE id = $1;

-- name: RenameItem :exec
UPDATE {{tables.items}} SET code = @new_code WHERE code = @old_code;

-- name: FlagItems :execrows
UPDATE {{tables.items}} SET flag = @flag WHERE flag <> @flag;

-- name: DeleteItem :execresult
DELETE FROM {{tables.items}} WHERE code = @code;

-- name: FillNumbers :execrows
INSERT INTO {{tables.numbers}} (n, note)
SELECT g, CASE WHEN g % 2 = 0 THEN 'even' END FROM generate_series(1, @count::integer) AS g;

-- name: ListNumbers :many
SELECT n, note FROM {{tables.numbers}} WHERE n <= @max_n ORDER BY n;

-- name: NumberNote :one
SELECT note FROM {{tables.numbers}} WHERE n = @n;

-- name: CopyEvents :copyfrom
INSERT INTO {{tables.events}} (id, name, mood, small, medium, ratio, score, flag, data, ref, born,
                               at, label, span)
VALUES (@id, @name, @mood, @small, @medium, @ratio, @score, @flag, @data, @ref, @born, @at, @label,
        @span);

-- name: GetEvent :one
SELECT * FROM {{tables.events}} WHERE id = @id;

-- name: CountEvents :one
SELECT count(*) AS total, count(mood) AS with_mood FROM {{tables.events}};

-- name: AddNumber :batchexec
INSERT INTO {{tables.numbers}} (n, note) VALUES (@n, @note);

-- name: NumberByN :batchone
SELECT n, note FROM {{tables.numbers}} WHERE n = @n;

-- name: NumbersUpTo :batchmany
SELECT n, note FROM {{tables.numbers}} WHERE n <= @max_n ORDER BY n;

-- name: PutList :exec
INSERT INTO {{tables.lists}} (id, smalls, ints, bigs, reals, doubles, flags, refs, days, stamps,
                              stampstz, words, labels)
VALUES (@id, @smalls, @ints, @bigs, @reals, @doubles, @flags, @refs, @days, @stamps, @stampstz,
        @words, @labels);

-- name: GetList :one
SELECT * FROM {{tables.lists}} WHERE id = @id;

-- name: ListsByIds :many
SELECT id, words FROM {{tables.lists}} WHERE id = ANY(sqlc.slice(ids)) ORDER BY id;

-- name: NumbersIn :many
SELECT n FROM {{tables.numbers}} WHERE n = ANY(@ns::int[]) AND note = ANY(sqlc.narg(notes)::text[])
ORDER BY n;

-- name: Grid :one
SELECT '{{1, 2}, {3, 4}}'::int[] AS cells, '{}'::int[] AS none;

-- name: LaterBy :one
SELECT @span::interval AS span, @at::timestamptz + @span::interval AS later,
       sqlc.narg(other)::interval AS other;

-- name: AddAuthor :exec
INSERT INTO {{tables.authors}} (id, name, home, born)
VALUES (@id, @name, ROW(sqlc.narg(street)::text, sqlc.narg(zip)::int, sqlc.narg(tags)::text[],
                        sqlc.narg(mood)::{{schema}}.mood)::{{schema}}.addr, sqlc.narg(born));

-- name: AuthorHome :one
SELECT id, home FROM {{tables.authors}} WHERE id = @id;

-- name: AuthorRow :one
SELECT a FROM {{tables.authors}} a WHERE a.id = @id;

-- name: BooksWithAuthors :many
SELECT sqlc.embed(b), sqlc.embed(a)
FROM {{tables.books}} b LEFT JOIN {{tables.authors}} a ON a.id = b.author_id
ORDER BY b.id;

-- name: PutBook :exec
INSERT INTO {{tables.books}} (id, author_id, title, prices, docs, blobs, spans, moods)
VALUES (@id, sqlc.narg(author_id), @title, sqlc.narg(prices), sqlc.narg(docs), sqlc.narg(blobs),
        sqlc.narg(spans), sqlc.narg(moods));

-- name: BookLists :one
SELECT prices, docs, blobs, spans, moods FROM {{tables.books}} WHERE id = @id;

-- name: CopyLedger :copyfrom
INSERT INTO {{tables.ledger}} (id, amount, note, nums, blobs, spans, words)
VALUES (@id, @amount, @note, @nums, @blobs, @spans, @words);

-- name: GetLedger :one
SELECT * FROM {{tables.ledger}} WHERE id = @id;

-- name: PutSpans :exec
INSERT INTO {{tables.spans}} (id, ints, bigs, nums, days, stamps, stampstz)
VALUES (@id, @ints, sqlc.narg(bigs), sqlc.narg(nums), sqlc.narg(days), sqlc.narg(stamps),
        sqlc.narg(stampstz));

-- name: GetSpans :one
SELECT * FROM {{tables.spans}} WHERE id = @id;

-- name: CopySpans :copyfrom
INSERT INTO {{tables.spans}} (id, ints, nums) VALUES (@id, @ints, @nums);

-- name: PutPayment :exec
INSERT INTO {{tables.payments}} (id, p) VALUES (@id, @p);

-- name: GetPayment :one
SELECT p FROM {{tables.payments}} WHERE id = @id;

-- name: CopyPayments :copyfrom
INSERT INTO {{tables.payments}} (id, p) VALUES (@id, @p);

-- name: ShipItem :execrows
UPDATE {{tables.items}} SET mood = @mood,
    n_at = CASE WHEN @mood = 'happy' THEN now() ELSE n_at END
WHERE code = @code;

-- name: AllNumbers :many
SELECT * FROM {{tables.numbers}} ORDER BY n;

-- name: RenoteNumber :one
UPDATE {{tables.numbers}} AS x SET note = @note WHERE x.n = @n RETURNING *;

-- name: PutWeight :exec
INSERT INTO {{tables.weights}} (id, w, tag) VALUES (@id, @w, sqlc.narg(tag));

-- name: HeavierThan :many
SELECT * FROM {{tables.weights}} WHERE w > @w ORDER BY id;
