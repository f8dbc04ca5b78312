-- migrate:up
CREATE TYPE {{tables.money_amount}} AS (amount numeric(12, 2), currency char(3));

CREATE TABLE {{tables.invoice}} (
    id bigserial PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES {{tables.tenants}} (id),
    number integer NOT NULL,
    issued_on date NOT NULL DEFAULT current_date,
    due_on date,
    total numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'EUR',
    paid_at timestamptz,
    UNIQUE (tenant_id, number)
);

ALTER TABLE {{tables.invoice}} RENAME TO invoices;

CREATE TABLE {{tables.invoice_lines}} (
    invoice_id bigint NOT NULL REFERENCES {{tables.invoices}} (id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    description text NOT NULL,
    quantity numeric(10, 3) NOT NULL DEFAULT 1,
    unit_price numeric(12, 2) NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);

ALTER TABLE {{tables.users}} ALTER COLUMN display_name SET NOT NULL;

-- migrate:down
DROP TABLE {{tables.invoice_lines}};
DROP TABLE {{tables.invoices}};
DROP TYPE {{tables.money_amount}};
