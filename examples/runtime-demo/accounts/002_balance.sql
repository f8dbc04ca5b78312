ALTER TABLE {{tables.accounts}} ADD COLUMN balance_cents bigint NOT NULL DEFAULT 0;
