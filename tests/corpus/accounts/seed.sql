-- Tenants with and without users and invoices, a soft-deleted user, an
-- invoice with no lines, NULLs in every nullable column somewhere.
INSERT INTO {{tables.tenants}} (slug, name, plan) VALUES
    ('acme', 'Acme Corp', 'team'),
    ('globex', 'Globex', NULL),
    ('empty', 'Empty Ltd', 'free');

INSERT INTO {{tables.users}} (tenant_id, full_name, email, is_admin, last_login, display_name,
                              deleted_at) VALUES
    (1, 'Wile E. Coyote', 'wile@acme.example', true, '2024-03-01 08:00+00', 'Wile', NULL),
    (1, 'Road Runner', 'beep@acme.example', false, NULL, 'Beep', NULL),
    (2, 'Hank Scorpio', 'hank@globex.example', false, NULL, 'Hank', '2024-01-01 00:00+00');

INSERT INTO {{tables.invoices}} (tenant_id, number, due_on, total, currency, paid_at) VALUES
    (1, 1, '2024-02-01', 100.00, 'EUR', '2024-01-20 10:00+00'),
    (1, 2, NULL, 250.50, 'USD', NULL),
    (2, 1, '2024-01-15', 80.00, 'EUR', NULL);

INSERT INTO {{tables.invoice_lines}} (invoice_id, line_no, description, quantity, unit_price) VALUES
    (1, 1, 'Anvil', 1, 60.00),
    (1, 2, 'Rocket skates', 2, 20.00),
    (2, 1, 'Giant magnet', 1.5, 167.00);
