-- Queries of the benchmark (bench/client.c): pgc's side of each case runs
-- the code `pgc generate` writes from this file, as users get it.

-- name: GetItem :one
SELECT id, name, qty, price, created FROM {{tables.items}} WHERE id = @id;

-- name: ScanItems :many
SELECT id, name, qty, price, created FROM {{tables.items}} WHERE id <= @max_id ORDER BY id;

-- name: InsertItem :exec
INSERT INTO {{tables.ins}} (id, name, qty, price, created)
VALUES (@id, @name, @qty, @price, @created);

-- name: QueueItem :batchexec
INSERT INTO {{tables.ins}} (id, name, qty, price, created)
VALUES (@id, @name, @qty, @price, @created);

-- name: CopyItems :copyfrom
INSERT INTO {{tables.ins}} (id, name, qty, price, created)
VALUES (@id, @name, @qty, @price, @created);

-- Issue 14's pipeline case (bench/async.c): three different queries a page
-- might need at once, sent in one round trip or one after another.

-- name: ItemsAfter :many
SELECT id, name, qty FROM {{tables.items}} WHERE id > @after ORDER BY id LIMIT 10;

-- name: CountItemsBetween :one
SELECT count(*) AS n FROM {{tables.items}} WHERE id BETWEEN @lo AND @hi;
