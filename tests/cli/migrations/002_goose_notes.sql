-- +goose Up
CREATE TABLE {{tables.notes}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES {{tables.users}} (id),
    body text NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION {{schema}}.next_id(id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    -- {{tables.x}} in a dollar quote stays as written
    RETURN id + 1;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- Must never run: up does not run down parts.
CREATE TABLE {{tables.goose_down_ran}} (x int);
DROP TABLE {{tables.notes}};
