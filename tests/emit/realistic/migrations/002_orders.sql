-- shop, version 2: orders and their lines.
CREATE TABLE {{tables.orders}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES {{tables.customers}} (id),
    status {{schema}}.order_status NOT NULL DEFAULT 'pending',
    total numeric(14, 2) NOT NULL,
    placed_at timestamptz NOT NULL,
    shipped_at timestamptz,
    note text
);

CREATE TABLE {{tables.order_lines}} (
    order_id bigint NOT NULL REFERENCES {{tables.orders}} (id) ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES {{tables.products}} (id),
    qty integer NOT NULL CHECK (qty > 0),
    unit_price numeric(12, 2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE {{tables.page_views}} (
    id bigint PRIMARY KEY,
    customer_id uuid,
    product_id bigint NOT NULL,
    viewed_at timestamptz NOT NULL,
    duration_ms integer,
    referrer text
);
