-- Query names shared with accounts (Create, Get, Count, Remove) on purpose.

-- name: Create :one
INSERT INTO {{tables.jobs}} (kind, payload) VALUES (@kind, sqlc.narg(payload)) RETURNING id, state;

-- name: Get :one
SELECT id, kind, payload, state, attempts FROM {{tables.jobs}} WHERE id = @id;

-- name: Count :one
SELECT count(*) AS total FROM {{tables.jobs}};

-- name: Remove :execrows
DELETE FROM {{tables.jobs}} WHERE id = @id;

-- name: Claim :one
UPDATE {{tables.jobs}} SET state = 'running', attempts = attempts + 1
WHERE id = (SELECT id FROM {{tables.jobs}} WHERE state = 'queued' ORDER BY run_at, id LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id, kind, attempts;
