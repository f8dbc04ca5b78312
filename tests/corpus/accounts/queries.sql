-- Multi-tenant account queries: templates, sqlc.arg/sqlc.narg and @name.

-- name: GetTenantBySlug :one
-- verify-params: acme
SELECT * FROM {{tables.tenants}} WHERE slug = sqlc.arg(slug);

-- name: ListTenants :many
SELECT id, slug, name, plan FROM {{tables.tenants}} ORDER BY slug;

-- name: CreateTenant :one
-- verify-params: new | New Inc | NULL
INSERT INTO {{tables.tenants}} (slug, name, plan) VALUES (@slug, @name, sqlc.narg(plan))
RETURNING *;

-- name: RenameTenant :one
-- verify-params: Acme Inc | 1
UPDATE {{tables.tenants}} SET name = @name WHERE id = @id RETURNING id, name;

-- name: SetPlan :execrows
UPDATE {{tables.tenants}} SET plan = sqlc.narg(plan) WHERE slug = @slug;

-- name: DeleteTenant :exec
DELETE FROM {{tables.tenants}} WHERE id = @id;

-- name: CreateUser :one
-- verify-params: 3 | New Person | new@empty.example | Newbie
INSERT INTO {{tables.users}} (tenant_id, full_name, email, display_name)
VALUES (@tenant_id, @full_name, @email, @display_name)
RETURNING id, full_name, display_name, deleted_at, last_login;

-- name: GetUser :one
-- verify-params: 1 | 2
SELECT * FROM {{tables.users}} WHERE tenant_id = @tenant_id AND id = @id;

-- name: GetUserByEmail :one
-- verify-params: 1 | WILE@acme.example
SELECT id, full_name, email, last_login
FROM {{tables.users}}
WHERE tenant_id = @tenant_id AND lower(email) = lower(@email);

-- name: ListUsers :many
SELECT u.* FROM {{tables.users}} u
WHERE u.tenant_id = @tenant_id AND u.deleted_at IS NULL
ORDER BY u.full_name;

-- name: ListUsersWithTenant :many
SELECT u.id, u.full_name, t.slug, t.plan
FROM {{tables.users}} u
JOIN {{tables.tenants}} t ON t.id = u.tenant_id;

-- name: TenantsWithUserCounts :many
SELECT t.slug, count(u.id) AS users, count(u.last_login) AS logged_in
FROM {{tables.tenants}} t
LEFT JOIN {{tables.users}} u ON u.tenant_id = t.id
GROUP BY t.slug
ORDER BY t.slug;

-- name: TenantAdmins :many
SELECT t.slug, u.email AS admin_email
FROM {{tables.tenants}} t
LEFT JOIN {{tables.users}} u ON u.tenant_id = t.id AND u.is_admin;

-- name: SoftDeleteUser :one
-- verify-params: 1
UPDATE {{tables.users}} SET deleted_at = now()
WHERE id = @id AND deleted_at IS NULL
RETURNING id, deleted_at;

-- name: RestoreUser :one
-- verify-params: 3
UPDATE {{tables.users}} SET deleted_at = NULL WHERE id = @id RETURNING id, deleted_at;

-- name: TouchLogin :exec
UPDATE {{tables.users}} SET last_login = @at WHERE id = @id;

-- name: UsersLoggedInSince :many
-- verify-params: 2000-01-01
SELECT id, email, last_login FROM {{tables.users}} WHERE last_login >= @since;

-- name: PromoteUsers :execrows
UPDATE {{tables.users}} SET is_admin = true WHERE id = ANY(@ids::bigint[]);

-- name: ActiveUsers :many
SELECT * FROM {{tables.active_users}} WHERE tenant_id = @tenant_id;

-- name: ActiveTenantSlugs :many
SELECT DISTINCT tenant_slug FROM {{tables.active_users}};

-- name: TenantBalance :one
SELECT {{tables.tenant_balance}}(@tenant_id) AS balance;

-- name: TenantBalances :many
SELECT t.slug, {{tables.tenant_balance}}(t.id) AS balance FROM {{tables.tenants}} t;

-- name: TenantUsersFromFunction :many
SELECT * FROM {{tables.tenant_users}}(@tenant_id);

-- name: TenantUsersLateral :many
SELECT t.slug, tu.email, tu.admin
FROM {{tables.tenants}} t
CROSS JOIN LATERAL {{tables.tenant_users}}(t.id) tu;

-- name: CreateInvoice :one
-- verify-params: 3 | 1 | NULL | 10.00 | EUR
INSERT INTO {{tables.invoices}} (tenant_id, number, due_on, total, currency)
VALUES (@tenant_id, @number, @due_on, @total, @currency)
RETURNING id, issued_on, currency, paid_at;

-- name: NextInvoiceNumber :one
SELECT coalesce(max(number), 0) + 1 AS next FROM {{tables.invoices}} WHERE tenant_id = @tenant_id;

-- name: AddInvoiceLines :exec
INSERT INTO {{tables.invoice_lines}} (invoice_id, line_no, description, quantity, unit_price)
VALUES (@invoice_id, 1, @d1, @q1, @p1), (@invoice_id, 2, @d2, @q2, @p2);

-- name: InvoiceWithLines :many
-- verify-params: 3
SELECT i.id, i.number, l.line_no, l.description, l.quantity * l.unit_price AS amount
FROM {{tables.invoices}} i
LEFT JOIN {{tables.invoice_lines}} l ON l.invoice_id = i.id
WHERE i.id = @id
ORDER BY l.line_no;

-- name: InvoiceTotals :many
SELECT i.id, i.total, sum(l.quantity * l.unit_price) AS lines_total,
       i.total - coalesce(sum(l.quantity * l.unit_price), 0) AS difference
FROM {{tables.invoices}} i
LEFT JOIN {{tables.invoice_lines}} l ON l.invoice_id = i.id
GROUP BY i.id
ORDER BY i.id;

-- name: UnpaidOverdue :many
SELECT id, tenant_id, due_on FROM {{tables.invoices}}
WHERE paid_at IS NULL AND due_on < current_date;

-- name: DaysOverdue :many
SELECT id, current_date - due_on AS days_overdue FROM {{tables.invoices}} WHERE due_on IS NOT NULL;

-- name: MarkPaid :one
-- verify-params: NULL | 2
UPDATE {{tables.invoices}} SET paid_at = coalesce(sqlc.narg(paid_at), now())
WHERE id = @id
RETURNING paid_at;

-- name: InvoiceAmounts :many
SELECT id, ROW(total, currency)::{{tables.money_amount}} AS amount FROM {{tables.invoices}};

-- name: InvoiceAmountField :many
SELECT id, (ROW(total, currency)::{{tables.money_amount}}).amount AS amount FROM {{tables.invoices}};

-- name: RevenueByMonth :many
SELECT date_trunc('month', issued_on) AS month, currency, sum(total) AS revenue
FROM {{tables.invoices}}
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: TenantsAndInvoices :many
SELECT t.slug, i.number, i.total
FROM {{tables.tenants}} t
FULL JOIN {{tables.invoices}} i ON i.tenant_id = t.id;

-- name: UsersWithInvoiceCount :many
SELECT u.id,
       (SELECT count(*) FROM {{tables.invoices}} i WHERE i.tenant_id = u.tenant_id) AS invoices
FROM {{tables.users}} u;

-- name: TenantOverview :many
WITH u AS (
    SELECT tenant_id, count(*) AS users FROM {{tables.users}} GROUP BY tenant_id
), i AS (
    SELECT tenant_id, count(*) AS invoices, sum(total) AS billed
    FROM {{tables.invoices}} GROUP BY tenant_id
)
SELECT t.slug, coalesce(u.users, 0) AS users, i.invoices, i.billed
FROM {{tables.tenants}} t
LEFT JOIN u ON u.tenant_id = t.id
LEFT JOIN i ON i.tenant_id = t.id
ORDER BY t.slug;

-- name: MoveUser :many
-- verify-params: 3 | 2
WITH moved AS (
    UPDATE {{tables.users}} SET tenant_id = @to_tenant WHERE id = @id RETURNING id, tenant_id
)
SELECT m.id, t.slug FROM moved m JOIN {{tables.tenants}} t ON t.id = m.tenant_id;

-- name: DeleteEmptyTenant :one
-- verify-params: 3
WITH del_users AS (
    DELETE FROM {{tables.users}} WHERE tenant_id = @id RETURNING id
), del_tenant AS (
    DELETE FROM {{tables.tenants}} WHERE id = @id RETURNING slug
)
SELECT (SELECT count(*) FROM del_users) AS users_deleted, (SELECT slug FROM del_tenant) AS slug;

-- name: AllAddresses :many
SELECT email FROM {{tables.users}}
UNION
SELECT slug || '@tenant.example' FROM {{tables.tenants}};

-- name: UserRoles :many
SELECT id, CASE WHEN is_admin THEN 'admin' END AS role FROM {{tables.users}};

-- name: UserRolesWithElse :many
SELECT id, CASE WHEN is_admin THEN 'admin' ELSE 'member' END AS role FROM {{tables.users}};

-- name: PlanOrDefault :many
SELECT slug, coalesce(plan, 'free') AS plan FROM {{tables.tenants}};

-- name: PaidPlans :many
SELECT slug, nullif(plan, 'free') AS paid_plan FROM {{tables.tenants}};

-- name: TenantAges :many
SELECT slug, created_at, now() - created_at AS age, created_at::date AS created_on,
       to_char(created_at, 'YYYY-MM') AS month
FROM {{tables.tenants}};

-- name: UserNameParts :many
SELECT split_part(full_name, ' ', 1) AS first_name,
       left(email, position('@' IN email) - 1) AS local_part,
       substring(email FROM '@(.*)$') AS domain
FROM {{tables.users}};

-- name: SearchUsers :many
-- verify-params: %o%
SELECT id, full_name FROM {{tables.users}} WHERE full_name ILIKE @pattern OR email ILIKE @pattern;

-- name: UsersOfTenants :many
-- verify-params: acme | globex
SELECT u.id, t.slug
FROM {{tables.users}} u
JOIN {{tables.tenants}} t ON t.id = u.tenant_id
WHERE t.slug IN (@first_slug, @second_slug);

-- name: EmailTaken :one
-- verify-params: 1 | wile@acme.example
SELECT EXISTS (
    SELECT 1 FROM {{tables.users}} WHERE tenant_id = @tenant_id AND email = @email
) AS taken;

-- name: CountUsersByAdmin :many
SELECT is_admin, count(*) FROM {{tables.users}} GROUP BY is_admin;

-- name: FirstTenants :many
-- verify-params: 2
SELECT slug FROM {{tables.tenants}} ORDER BY slug LIMIT sqlc.arg(max_rows)::int;

-- name: UpsertUser :one
-- verify-params: 1 | Wile E. Coyote Jr | wile@acme.example | Junior
INSERT INTO {{tables.users}} (tenant_id, full_name, email, display_name)
VALUES (@tenant_id, @full_name, @email, @display_name)
ON CONFLICT (tenant_id, email) DO UPDATE SET full_name = EXCLUDED.full_name
RETURNING id, (xmax = 0) AS inserted;

-- name: InvoicesPage :many
-- verify-params: 10 | 0
SELECT id, number, issued_on FROM {{tables.invoices}}
ORDER BY issued_on DESC, id DESC
LIMIT @page_size OFFSET @page_offset;

-- name: InvoiceLineSummary :many
SELECT invoice_id, max(line_no) AS last_line, bool_and(quantity > 0) AS all_positive,
       array_agg(description ORDER BY line_no) AS descriptions
FROM {{tables.invoice_lines}}
GROUP BY invoice_id;

-- name: UsersWithTenants :many
SELECT sqlc.embed(u), sqlc.embed(t)
FROM {{tables.users}} u
JOIN {{tables.tenants}} t ON t.id = u.tenant_id;

-- name: InvoiceCurrencies :many
SELECT DISTINCT currency FROM {{tables.invoices}} ORDER BY currency;

-- name: InvoicesInCurrency :many
-- verify-params: EUR
SELECT id, total FROM {{tables.invoices}} WHERE currency = @currency;

-- name: UserCasts :many
SELECT email::varchar(20) AS short_email, full_name::varchar AS name_varchar, id::text AS id_text
FROM {{tables.users}};

-- name: InvoiceArithmetic :many
SELECT id, round(total, 0) AS rounded, total::int AS whole, total / 3 AS third,
       total * 1.2 AS with_tax, trunc(total) AS truncated, total % 7 AS remainder
FROM {{tables.invoices}};

-- name: UserLastSeen :many
SELECT id, greatest(last_login, deleted_at) AS last_seen FROM {{tables.users}};

-- name: AnyAdmin :one
-- verify-params: 3
SELECT bool_or(is_admin) AS any_admin FROM {{tables.users}} WHERE tenant_id = @tenant_id;

-- name: AboveAverageInvoices :many
SELECT id, total FROM {{tables.invoices}}
WHERE total > (SELECT avg(total) FROM {{tables.invoices}});

-- name: BiggestInvoicePerTenant :many
SELECT t.slug,
       (SELECT max(i.total) FROM {{tables.invoices}} i WHERE i.tenant_id = t.id) AS biggest
FROM {{tables.tenants}} t;

-- name: UserCountsArray :one
SELECT ARRAY[count(*), count(last_login)] AS counts FROM {{tables.users}};

-- name: InactiveUserIds :many
SELECT id FROM {{tables.users}}
EXCEPT
SELECT id FROM {{tables.active_users}};

-- name: UsersAsJson :one
SELECT json_agg(json_build_object('id', id, 'email', email) ORDER BY id) AS users
FROM {{tables.users}};

-- name: UpgradeBigTenants :many
-- verify-params: 1
UPDATE {{tables.tenants}} t SET plan = 'team'
FROM (
    SELECT tenant_id FROM {{tables.users}} GROUP BY tenant_id HAVING count(*) > @min_users
) big
WHERE big.tenant_id = t.id
RETURNING t.slug, t.plan;

-- name: CreateTenantDefaults :one
-- verify-params: fresh | Fresh
INSERT INTO {{tables.tenants}} (slug, name) VALUES (@slug, @name) RETURNING plan, created_at;

-- name: DeleteInvoiceLines :many
-- verify-params: 1
DELETE FROM {{tables.invoice_lines}} WHERE invoice_id = @invoice_id
RETURNING line_no, description, quantity;

-- name: TenantUsersOuter :many
SELECT t.slug, tu.user_id
FROM {{tables.tenants}} t
LEFT JOIN LATERAL {{tables.tenant_users}}(t.id) tu ON true;

-- name: UserDisplay :many
SELECT id, coalesce(display_name, full_name) AS shown, length(display_name) AS display_length
FROM {{tables.users}};

-- name: InvoiceNumberState :one
SELECT last_value, is_called, log_cnt FROM {{tables.invoice_numbers}};

-- name: SerialState :one
SELECT s.last_value, t.slug FROM {{tables.tenants_id_seq}} s, {{tables.tenants}} t
ORDER BY t.id LIMIT 1;

-- name: AuditOfTenant :many
-- verify-params: 1
SELECT id, at, what FROM {{tables.audit_events}} WHERE tenant_id = @tenant_id ORDER BY id;
