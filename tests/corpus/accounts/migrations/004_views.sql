-- migrate:up
CREATE VIEW {{tables.active_users}} AS
    SELECT u.id, u.tenant_id, u.full_name, u.email, t.slug AS tenant_slug
    FROM {{tables.users}} u
    JOIN {{tables.tenants}} t ON t.id = u.tenant_id
    WHERE u.deleted_at IS NULL;

CREATE FUNCTION {{tables.tenant_balance}}(tid integer) RETURNS numeric
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT coalesce(sum(total), 0) FROM {{tables.invoices}} WHERE tenant_id = tid AND paid_at IS NULL;
END;

CREATE FUNCTION {{tables.tenant_users}}(tid integer)
RETURNS TABLE (user_id bigint, email varchar, admin boolean)
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT id, email, is_admin FROM {{tables.users}} WHERE tenant_id = tid;
END;

-- migrate:down
DROP FUNCTION {{tables.tenant_users}}(integer);
DROP FUNCTION {{tables.tenant_balance}}(integer);
DROP VIEW {{tables.active_users}};
