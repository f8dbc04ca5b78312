-- name: CreateCustomer :one
INSERT INTO {{tables.customers}} (id, email, display_name, nickname)
VALUES (@id, @email, @display_name, sqlc.narg(nickname))
RETURNING *;

-- name: GetCustomerByEmail :one
SELECT * FROM {{tables.customers}} WHERE email = @email;

-- name: ListCustomers :many
SELECT id, email, display_name, nickname FROM {{tables.customers}} ORDER BY email;

-- name: RenameCustomer :exec
UPDATE {{tables.customers}} SET display_name = @display_name, nickname = sqlc.narg(nickname)
WHERE id = @id;

-- name: CreateProduct :one
INSERT INTO {{tables.products}} (sku, title, price, tags, attrs, image)
VALUES (@sku, @title, @price, @tags, sqlc.narg(attrs), sqlc.narg(image))
RETURNING id, discontinued;

-- name: GetProduct :one
SELECT * FROM {{tables.products}} WHERE id = @id;

-- name: DiscontinueProducts :execrows
UPDATE {{tables.products}} SET discontinued = true
WHERE sku = ANY(sqlc.slice(skus)) AND NOT discontinued;

-- name: ProductsInSlices :many
SELECT id FROM {{tables.products}}
WHERE id IN (sqlc.slice(ids)) AND sku NOT IN (sqlc.slice(skip_skus))
ORDER BY id;

-- name: CreateOrder :one
INSERT INTO {{tables.orders}} (customer_id, total, placed_at, note)
VALUES (@customer_id, @total, @placed_at, sqlc.narg(note))
RETURNING id, status;

-- name: GetOrder :one
SELECT * FROM {{tables.orders}} WHERE id = @id;

-- name: SetOrderStatus :exec
UPDATE {{tables.orders}} SET status = @status, shipped_at = sqlc.narg(shipped_at) WHERE id = @id;

-- name: CancelStaleOrders :execrows
UPDATE {{tables.orders}} SET status = 'cancelled'
WHERE status = 'pending' AND placed_at < @before;

-- name: DeleteOrder :execresult
DELETE FROM {{tables.orders}} WHERE id = @id;

-- name: AddOrderLine :batchexec
INSERT INTO {{tables.order_lines}} (order_id, product_id, qty, unit_price)
VALUES (@order_id, @product_id, @qty, @unit_price);

-- name: OrderLine :batchone
SELECT l.qty, l.unit_price, {{schema}}.line_total(l.qty, l.unit_price) AS line_total, p.sku
FROM {{tables.order_lines}} l JOIN {{tables.products}} p ON p.id = l.product_id
WHERE l.order_id = @order_id AND l.product_id = @product_id;

-- name: OrderLines :batchmany
SELECT l.product_id, l.qty, l.unit_price FROM {{tables.order_lines}} l
WHERE l.order_id = @order_id ORDER BY l.product_id;

-- name: CustomerTotals :many
SELECT customer_id, email, orders, spent FROM {{tables.customer_totals}} ORDER BY email;

-- name: LineTotal :one
SELECT {{schema}}.line_total(@qty::integer, @unit_price::numeric) AS total;

-- name: RecordViews :copyfrom
INSERT INTO {{tables.page_views}} (id, customer_id, product_id, viewed_at, duration_ms, referrer)
VALUES (@id, @customer_id, @product_id, @viewed_at, @duration_ms, @referrer);

-- name: ListViews :many
SELECT id, customer_id, product_id, viewed_at, duration_ms, referrer
FROM {{tables.page_views}} WHERE id >= @from_id ORDER BY id;

-- name: ViewStats :one
SELECT count(*) AS views, count(duration_ms) AS timed, sum(duration_ms) AS total_ms
FROM {{tables.page_views}};
