-- migrate:up
ALTER TABLE {{tables.users}} RENAME COLUMN name TO full_name;
ALTER TABLE {{tables.users}} DROP COLUMN legacy_flag;
ALTER TABLE {{tables.tenants}} DROP COLUMN legacy_code;
ALTER TABLE {{tables.users}} ALTER COLUMN full_name TYPE text;
ALTER TABLE {{tables.users}} ALTER COLUMN last_login TYPE timestamptz;
ALTER TABLE {{tables.users}} ADD COLUMN display_name text;
ALTER TABLE {{tables.users}} ADD COLUMN deleted_at timestamptz;
ALTER TABLE {{tables.tenants}} ALTER COLUMN plan DROP NOT NULL;

-- migrate:down
ALTER TABLE {{tables.tenants}} ALTER COLUMN plan SET NOT NULL;
ALTER TABLE {{tables.users}} DROP COLUMN deleted_at;
ALTER TABLE {{tables.users}} DROP COLUMN display_name;
ALTER TABLE {{tables.users}} RENAME COLUMN full_name TO name;
