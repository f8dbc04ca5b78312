-- name: AddTask :one
INSERT INTO {{tables.tasks}} (title) VALUES (@title) RETURNING id, done;

-- name: FinishTask :execrows
UPDATE {{tables.tasks}} SET done = true WHERE id = @id;

-- name: GetTask :one
SELECT title, done FROM {{tables.tasks}} WHERE id = @id;
