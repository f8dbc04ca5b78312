-- name: AddNote :one
INSERT INTO {{tables.notes}} (body, stars) VALUES (@body, sqlc.narg(stars)) RETURNING id;

-- name: GetNote :one
SELECT body, stars FROM {{tables.notes}} WHERE id = @id;
