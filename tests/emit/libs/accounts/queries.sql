-- Query names shared with jobs (Create, Get, Count, Remove) on purpose: the
-- two generated libraries are linked into one binary.

-- name: Create :one
INSERT INTO {{tables.users}} (email) VALUES (@email) RETURNING id, state;

-- name: Get :one
SELECT id, email, state FROM {{tables.users}} WHERE id = @id;

-- name: Count :one
SELECT count(*) AS total FROM {{tables.users}};

-- name: Remove :execrows
DELETE FROM {{tables.users}} WHERE id = @id;

-- name: OpenSession :exec
INSERT INTO {{tables.sessions}} (token, user_id, expires_at) VALUES (@token, @user_id, @expires_at);

-- name: SessionsOf :many
SELECT token, expires_at FROM {{tables.sessions}} WHERE user_id = @user_id ORDER BY expires_at;
