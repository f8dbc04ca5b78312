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
