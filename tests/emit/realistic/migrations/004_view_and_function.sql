-- shop, version 4: a reporting view and a SQL function.
CREATE VIEW {{tables.customer_totals}} AS
SELECT c.id AS customer_id, c.email, count(o.id) AS orders,
       coalesce(sum(o.total), 0)::numeric(14, 2) AS spent
FROM {{tables.customers}} c
LEFT JOIN {{tables.orders}} o ON o.customer_id = c.id AND o.status <> 'cancelled'
GROUP BY c.id, c.email;

CREATE FUNCTION {{schema}}.line_total(qty integer, unit_price numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT (qty * unit_price)::numeric(14, 2) $$;
