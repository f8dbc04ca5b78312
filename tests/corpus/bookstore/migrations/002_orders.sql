-- Customers, orders and reviews: uuid keys, an identity column, a self reference.
CREATE TABLE {{tables.customers}} (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    display_name text,
    referred_by uuid REFERENCES {{tables.customers}} (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE {{tables.order_status}} AS ENUM ('cart', 'placed', 'shipped', 'delivered', 'cancelled');

CREATE TABLE {{tables.orders}} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES {{tables.customers}} (id),
    status {{tables.order_status}} NOT NULL DEFAULT 'cart',
    placed_at timestamptz,
    shipped_at timestamptz,
    note text
);

CREATE TABLE {{tables.order_items}} (
    order_id bigint NOT NULL REFERENCES {{tables.orders}} (id) ON DELETE CASCADE,
    book_id bigint NOT NULL REFERENCES {{tables.books}} (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(10, 2) NOT NULL,
    PRIMARY KEY (order_id, book_id)
);

CREATE TABLE {{tables.reviews}} (
    id bigserial PRIMARY KEY,
    book_id bigint NOT NULL REFERENCES {{tables.books}} (id),
    customer_id uuid REFERENCES {{tables.customers}} (id) ON DELETE SET NULL,
    rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body text,
    created_at timestamptz NOT NULL DEFAULT now()
);
