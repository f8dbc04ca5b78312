-- The accounts library's SQL.  `pgc generate -n accounts` turns each query
-- into a typed C function accounts_<name in snake case>.

-- name: CreateUser :one
INSERT INTO {{tables.users}} (email, name) VALUES (@email, @name) RETURNING id;

-- name: OpenBalance :exec
INSERT INTO {{tables.balances}} (user_id, cents) VALUES (@user_id, @cents);

-- name: Balance :one
SELECT cents FROM {{tables.balances}} WHERE user_id = @user_id;

-- name: Credit :execrows
UPDATE {{tables.balances}} SET cents = cents + @cents WHERE user_id = @user_id;

-- Fails with the CHECK constraint (SQLSTATE 23514) rather than overdraw.
-- name: Debit :execrows
UPDATE {{tables.balances}} SET cents = cents - @cents WHERE user_id = @user_id;

-- No row when the reference was used before: the transfer already happened.
-- name: RecordTransfer :one
INSERT INTO {{tables.transfers}} (from_user, to_user, cents, reference)
VALUES (@from_user, @to_user, @cents, sqlc.narg(reference))
ON CONFLICT (reference) DO NOTHING
RETURNING id;

-- name: TransferByReference :one
SELECT id FROM {{tables.transfers}} WHERE reference = @reference;

-- name: ListUsers :many
SELECT u.id, u.email, u.name, b.cents
FROM {{tables.users}} u JOIN {{tables.balances}} b ON b.user_id = u.id
ORDER BY u.id;

-- name: History :many
SELECT t.id, f.email AS from_email, o.email AS to_email, t.cents, t.reference
FROM {{tables.transfers}} t
JOIN {{tables.users}} f ON f.id = t.from_user
JOIN {{tables.users}} o ON o.id = t.to_user
WHERE t.from_user = @user_id OR t.to_user = @user_id
ORDER BY t.id;

-- All the money there is: transfers move it, never create it.
-- name: TotalCents :one
SELECT coalesce(sum(cents), 0)::bigint AS total FROM {{tables.balances}};
