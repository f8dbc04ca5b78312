-- shop, version 3: full_name becomes display_name, legacy_code goes, a flag arrives.
ALTER TABLE {{tables.customers}} RENAME COLUMN full_name TO display_name;
ALTER TABLE {{tables.customers}} DROP COLUMN legacy_code;
ALTER TABLE {{tables.products}} ADD COLUMN discontinued boolean NOT NULL DEFAULT false;
