-- name: AddEntry :exec
INSERT INTO {{tables.entries}} (id, account, amount, memo) VALUES (@id, @account, @amount, @memo);

-- name: GetEntry :one
SELECT id, account, amount, memo FROM {{tables.entries}} WHERE id = @id;

-- name: CountEntries :one
SELECT count(*) AS total FROM {{tables.entries}};

-- name: EntriesFor :many
SELECT id, amount FROM {{tables.entries}} WHERE account = @account ORDER BY id;

-- name: Credit :execrows
UPDATE {{tables.accounts}} SET balance = balance + @amount WHERE id = @id;

-- name: Balance :one
SELECT balance FROM {{tables.accounts}} WHERE id = @id;

-- name: QueueEntry :batchexec
INSERT INTO {{tables.entries}} (id, account, amount, memo) VALUES (@id, @account, @amount, @memo);

-- name: Sleep :one
SELECT 1 AS slept FROM pg_sleep(@seconds::double precision);

-- name: PutNote :exec
INSERT INTO {{tables.notes}} (id, body, blob) VALUES (@id, sqlc.narg(body), sqlc.narg(blob));

-- name: GetNote :one
SELECT body, blob FROM {{tables.notes}} WHERE id = @id;
