-- migrate:up
-- What a schema-only pg_dump of a real database carries besides tables:
-- a partitioned table and index (ALTER INDEX ... ATTACH PARTITION in the
-- dump), an identity column, a sequence, grants, comments, a table
-- constraint listed before its columns.
CREATE TABLE {{tables.audit_events}} (
    PRIMARY KEY (id, at),
    id bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id integer NOT NULL,
    at timestamp NOT NULL,
    what text NOT NULL,
    detail jsonb
) PARTITION BY RANGE (at);

CREATE TABLE {{tables.audit_events_2024}} PARTITION OF {{tables.audit_events}}
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE {{tables.audit_events_rest}} PARTITION OF {{tables.audit_events}} DEFAULT;
CREATE INDEX audit_events_tenant ON {{tables.audit_events}} (tenant_id, at);

CREATE SEQUENCE {{tables.invoice_numbers}} AS integer START 1000;
ALTER SEQUENCE {{tables.invoice_numbers}} OWNED BY {{tables.invoices}}.id;

COMMENT ON TABLE {{tables.audit_events}} IS 'Who did what, by month';
COMMENT ON COLUMN {{tables.audit_events}}.what IS 'The action';
GRANT SELECT ON {{tables.audit_events}} TO PUBLIC;
GRANT USAGE ON SEQUENCE {{tables.invoice_numbers}} TO PUBLIC;
ALTER TABLE IF EXISTS {{tables.no_such_table}} ADD COLUMN x integer;

-- migrate:down
DROP SEQUENCE {{tables.invoice_numbers}};
DROP TABLE {{tables.audit_events}};
