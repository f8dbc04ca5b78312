-- name: SetCounter :exec
INSERT INTO {{tables.counters}} (name, value, ratio) VALUES (@name, @value, sqlc.narg(ratio))
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, ratio = EXCLUDED.ratio;

-- name: GetCounter :one
SELECT value, ratio FROM {{tables.counters}} WHERE name = @name;
