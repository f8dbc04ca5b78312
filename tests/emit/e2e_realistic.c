/*
 * e2e_realistic.c - `pgc generate` on a realistic schema
 * (tests/emit/realistic: four migrations with enums, arrays, uuid,
 * timestamptz, numeric, jsonb, bytea, nullable columns, a column renamed
 * and one dropped later, a view and a SQL function), generated as "shop"
 * into build/emit/shop.[ch] and compiled with the strict flags, run against
 * a real server in both dual modes: values and NULLs round-trip exactly
 * through every kind of generated function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "shop.h"

/* A table as seen from a separate connection: in schema "lib" when embedded. */
static const char *table(const fixture *f, const char *name)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s%s", f->mode == EMBEDDED ? "lib." : "public.", name);
    return buf;
}

static char *scalarf(const fixture *f, const char *fmt, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql, fmt, table(f, name));
    return fixture_scalar(f, sql);
}

static void migrate(fixture *f)
{
    pgc_error err = {0};
    assert_ok(shop_migrate(f->db, &err), &err);
    assert_ok(shop_migrate(f->db, &err), &err); /* again: nothing to do */
}

static const pgc_uuid alice_id = {{0xa1, 0x1c, 0xe0, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                   0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc}};
static const pgc_uuid bob_id = {{0xb0, 0xb0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
static const char alice_email[] = "alice+shop@exämple.org";
static const char alice_name[] = "Alice O'Hara \"the first\" 🛒";

static void create_customers(fixture *f)
{
    pgc_error err = {0};
    shop_create_customer_row r;
    assert_ok(shop_create_customer(f->db, alice_id, alice_email, alice_name, "ali", &r, &err),
              &err);
    assert_memory_equal(r.id.b, alice_id.b, 16);
    assert_string_equal(r.email, alice_email);
    assert_string_equal(r.display_name, alice_name);
    assert_false(r.nickname_is_null);
    assert_string_equal(r.nickname, "ali");
    assert_true(r.created_at.usec > 0);
    shop_create_customer_row_clear(&r);
    assert_ok(shop_create_customer(f->db, bob_id, "bob@example.org", "Bob", NULL, &r, &err),
              &err);
    assert_true(r.nickname_is_null);
    assert_null(r.nickname);
    shop_create_customer_row_clear(&r);
}

static void shop__migrations__rename_drop_view_function(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    const pgc_migration_set *set = shop_migration_set();
    assert_string_equal(set->module, "shop");
    assert_int_equal(set->count, 4);
    pgc_migration_status *st = NULL;
    size_t n = 0;
    assert_ok(pgc_migrate_status(f->db, set, &st, &n, &err), &err);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(st[i].state, PGC_MIGRATION_APPLIED);
        assert_int_equal(st[i].version, i + 1);
    }
    free(st);

    /* the server's columns are the last migration's: renamed, dropped, added */
    const char *schema = f->mode == EMBEDDED ? "lib" : "public";
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
             "information_schema.columns WHERE table_schema = '%s' AND table_name = 'customers'",
             schema);
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "id,email,display_name,nickname,created_at");
    free(v);
    snprintf(sql, sizeof sql,
             "SELECT format('%%s|%%s|%%s', (SELECT count(*) FROM pg_views WHERE schemaname = '%s' "
             "AND viewname = 'customer_totals'), (SELECT count(*) FROM pg_proc p JOIN "
             "pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '%s' AND "
             "p.proname = 'line_total'), (SELECT count(*) FROM %s.pgc_migrations WHERE "
             "module = 'shop'))", schema, schema, schema);
    v = fixture_scalar(f, sql);
    assert_string_equal(v, "1|1|4");
    free(v);
}

static void shop__customers__values_nulls_norow_unique(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);

    /* :many with no row */
    shop_list_customers_iter it;
    shop_list_customers_row lr;
    assert_ok(shop_list_customers_open(f->db, &it, &err), &err);
    assert_int_equal(shop_list_customers_next(&it, &lr, &err), PGC_DONE);
    shop_list_customers_close(&it);

    create_customers(f);

    shop_get_customer_by_email_row r;
    assert_ok(shop_get_customer_by_email(f->db, alice_email, &r, &err), &err);
    assert_memory_equal(r.id.b, alice_id.b, 16);
    assert_string_equal(r.display_name, alice_name);
    assert_string_equal(r.nickname, "ali");
    /* created_at (DEFAULT now()) is the server's, to the microsecond */
    char *v = scalarf(f,
                      "SELECT (extract(epoch FROM created_at - '2000-01-01 00:00+00') * 1000000)"
                      "::bigint FROM %s WHERE nickname = 'ali'", "customers");
    assert_true(strtoll(v, NULL, 10) == r.created_at.usec);
    free(v);
    shop_get_customer_by_email_row_clear(&r);

    /* :exec: nickname set to NULL, the renamed column written */
    assert_ok(shop_rename_customer(f->db, "Alice", NULL, alice_id, &err), &err);
    assert_ok(shop_get_customer_by_email(f->db, alice_email, &r, &err), &err);
    assert_string_equal(r.display_name, "Alice");
    assert_true(r.nickname_is_null);
    assert_null(r.nickname);
    shop_get_customer_by_email_row_clear(&r);
    v = scalarf(f, "SELECT id::text FROM %s WHERE display_name = 'Alice'",
                "customers");
    assert_string_equal(v, "a11ce000-1122-3344-5566-778899aabbcc");
    free(v);

    /* :one with no row */
    pgc_error_clear(&err);
    assert_int_equal(shop_get_customer_by_email(f->db, "nobody@example.org", &r, &err),
                     PGC_ENOROW);
    shop_get_customer_by_email_row_clear(&r);

    /* :many with one row per customer, in order */
    assert_ok(shop_list_customers_open(f->db, &it, &err), &err);
    assert_ok(shop_list_customers_next(&it, &lr, &err), &err);
    assert_string_equal(lr.email, alice_email);
    assert_true(lr.nickname_is_null);
    assert_ok(shop_list_customers_next(&it, &lr, &err), &err);
    assert_string_equal(lr.email, "bob@example.org");
    assert_memory_equal(lr.id.b, bob_id.b, 16);
    assert_int_equal(shop_list_customers_next(&it, &lr, &err), PGC_DONE);
    shop_list_customers_close(&it);

    /* a unique violation: the email again, under a new id */
    shop_create_customer_row cr;
    pgc_uuid other = {{9}};
    pgc_error_clear(&err);
    assert_int_equal(shop_create_customer(f->db, other, alice_email, "Eve", NULL, &cr, &err),
                     PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "shop_create_customer");
    shop_create_customer_row_clear(&cr);
    v = scalarf(f, "SELECT count(*) FROM %s", "customers");
    assert_string_equal(v, "2");
    free(v);
}

static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0, 0, 0x0d, 0x0a, 0x1a, 0, 0xff};

static void shop__products__arrays_jsonb_bytea_numeric(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    static const char *const tags[] = {"red", "", "größe \"XL\"", "a,b {c}"};
    pgc_bytes image = {png, sizeof png};
    shop_create_product_row cp;
    assert_ok(shop_create_product(f->db, "SKU-1", "Mug ☕", "1.005", (pgc_text_array){tags, 4},
                                  "{\"size\": 2, \"colour\": \"red\", \"nested\": {\"a\": null}}",
                                  &image, &cp, &err),
              &err);
    int64_t mug = cp.id;
    assert_false(cp.discontinued); /* the column added by migration 3, its default */
    assert_ok(shop_create_product(f->db, "SKU-2", "Plain", "123456789.99",
                                  (pgc_text_array){NULL, 0}, NULL, NULL, &cp, &err),
              &err);
    int64_t plain = cp.id;
    pgc_bytes empty = {NULL, 0};
    assert_ok(shop_create_product(f->db, "SKU-3", "Empty image", "0", (pgc_text_array){NULL, 0},
                                  "[]", &empty, &cp, &err),
              &err);
    int64_t third = cp.id;

    shop_get_product_row r;
    assert_ok(shop_get_product(f->db, mug, &r, &err), &err);
    assert_string_equal(r.sku, "SKU-1");
    assert_string_equal(r.title, "Mug ☕");
    assert_string_equal(r.price, "1.01"); /* numeric(12, 2) rounds */
    assert_int_equal(r.tags.len, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(r.tags.items[i], tags[i]);
    assert_false(r.attrs_is_null);
    assert_string_equal(r.attrs, "{\"size\": 2, \"colour\": \"red\", \"nested\": {\"a\": null}}");
    assert_false(r.image_is_null);
    assert_int_equal(r.image.len, sizeof png);
    assert_memory_equal(r.image.data, png, sizeof png);
    assert_false(r.discontinued);
    shop_get_product_row_clear(&r);

    assert_ok(shop_get_product(f->db, plain, &r, &err), &err);
    assert_string_equal(r.price, "123456789.99");
    assert_int_equal(r.tags.len, 0);
    assert_true(r.attrs_is_null);
    assert_null(r.attrs);
    assert_true(r.image_is_null);
    assert_null(r.image.data);
    shop_get_product_row_clear(&r);

    assert_ok(shop_get_product(f->db, third, &r, &err), &err);
    assert_string_equal(r.price, "0.00");
    assert_string_equal(r.attrs, "[]");
    assert_false(r.image_is_null); /* empty, not NULL */
    assert_int_equal(r.image.len, 0);
    shop_get_product_row_clear(&r);

    pgc_error_clear(&err);
    assert_int_equal(shop_get_product(f->db, 424242, &r, &err), PGC_ENOROW);
    shop_get_product_row_clear(&r);

    /* the server agrees */
    char *v = scalarf(f, "SELECT format('%%s|%%s|%%s', tags, attrs->'nested', encode(image, 'hex'))"
                         " FROM %s WHERE sku = 'SKU-1'", "products");
    assert_string_equal(v, "{red,\"\",\"größe \\\"XL\\\"\",\"a,b {c}\"}|{\"a\": null}|"
                           "89504e4700000d0a1a00ff");
    free(v);

    /* :execrows with sqlc.slice */
    static const char *const skus[] = {"SKU-1", "SKU-3", "SKU-404"};
    int64_t n = -1;
    assert_ok(shop_discontinue_products(f->db, (pgc_text_array){skus, 3}, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_ok(shop_discontinue_products(f->db, (pgc_text_array){skus, 3}, &n, &err), &err);
    assert_int_equal(n, 0);
    assert_ok(shop_get_product(f->db, third, &r, &err), &err);
    assert_true(r.discontinued);
    shop_get_product_row_clear(&r);

    /* IN (sqlc.slice(x)) takes an array, as = ANY($n); NOT IN as <> ALL($n) */
    const int64_t ids[] = {third, 424242, mug, plain};
    static const char *const skip[] = {"SKU-2"};
    shop_products_in_slices_iter pit;
    shop_products_in_slices_row pr;
    assert_ok(shop_products_in_slices_open(f->db, (pgc_int8_array){ids, 4, NULL},
                                           (pgc_text_array){skip, 1}, &pit, &err),
              &err);
    assert_ok(shop_products_in_slices_next(&pit, &pr, &err), &err);
    assert_int_equal(pr.id, mug);
    assert_ok(shop_products_in_slices_next(&pit, &pr, &err), &err);
    assert_int_equal(pr.id, third);
    assert_int_equal(shop_products_in_slices_next(&pit, &pr, &err), PGC_DONE);
    shop_products_in_slices_close(&pit);

    /* a unique violation on the sku */
    pgc_error_clear(&err);
    assert_int_equal(shop_create_product(f->db, "SKU-2", "again", "1", (pgc_text_array){NULL, 0},
                                         NULL, NULL, &cp, &err),
                     PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
}

/* 2024-05-06 07:08:09.123456 UTC and 2024-05-07 12:00 UTC */
static const pgc_timestamp placed = {INT64_C(768294489123456)};
static const pgc_timestamp shipped = {INT64_C(768398400000000)};

static void shop__orders__enum_exec_batches_view_function(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    create_customers(f);
    static const char *const none[] = {NULL};
    int64_t prod[3];
    for (int i = 0; i < 3; i++) {
        char sku[16];
        snprintf(sku, sizeof sku, "P%d", i);
        shop_create_product_row cp;
        assert_ok(shop_create_product(f->db, sku, sku, "9.99", (pgc_text_array){none, 0}, NULL,
                                      NULL, &cp, &err),
                  &err);
        prod[i] = cp.id;
    }

    shop_create_order_row co;
    assert_ok(shop_create_order(f->db, alice_id, "123.45", placed, NULL, &co, &err), &err);
    int64_t o1 = co.id;
    assert_int_equal(co.status, SHOP_ORDER_STATUS_PENDING); /* the enum's default */
    assert_ok(shop_create_order(f->db, alice_id, "0.55", placed, "leave at the door; ring 'twice'",
                                &co, &err),
              &err);
    int64_t o2 = co.id;
    assert_ok(shop_create_order(f->db, bob_id, "999999999999.99", shipped, "", &co, &err), &err);
    int64_t o3 = co.id;

    /* :exec with an enum and a nullable timestamptz */
    assert_ok(shop_set_order_status(f->db, SHOP_ORDER_STATUS_SHIPPED, &shipped, o1, &err), &err);
    shop_get_order_row r;
    assert_ok(shop_get_order(f->db, o1, &r, &err), &err);
    assert_memory_equal(r.customer_id.b, alice_id.b, 16);
    assert_int_equal(r.status, SHOP_ORDER_STATUS_SHIPPED);
    assert_string_equal(shop_order_status_to_text(r.status), "shipped");
    assert_string_equal(r.total, "123.45");
    assert_true(r.placed_at.usec == placed.usec);
    assert_false(r.shipped_at_is_null);
    assert_true(r.shipped_at.usec == shipped.usec);
    assert_true(r.note_is_null);
    assert_null(r.note);
    shop_get_order_row_clear(&r);
    char *v = scalarf(f, "SELECT format('%%s|%%s|%%s', status, placed_at AT TIME ZONE 'UTC', "
                         "shipped_at AT TIME ZONE 'UTC') FROM %s WHERE total = 123.45", "orders");
    assert_string_equal(v, "shipped|2024-05-06 07:08:09.123456|2024-05-07 12:00:00");
    free(v);

    assert_ok(shop_get_order(f->db, o2, &r, &err), &err);
    assert_string_equal(r.note, "leave at the door; ring 'twice'");
    assert_true(r.shipped_at_is_null);
    assert_int_equal(r.status, SHOP_ORDER_STATUS_PENDING);
    shop_get_order_row_clear(&r);
    assert_ok(shop_get_order(f->db, o3, &r, &err), &err);
    assert_string_equal(r.total, "999999999999.99");
    assert_false(r.note_is_null);
    assert_string_equal(r.note, "");
    shop_get_order_row_clear(&r);

    /* :batchexec: lines of o1 and o3 in one round trip */
    shop_add_order_line_batch ab;
    assert_ok(shop_add_order_line_begin(f->db, &ab, &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o1, prod[0], 3, "19.99", &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o1, prod[2], 1, "0.01", &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o3, prod[1], 1000, "12345.67", &err), &err);
    assert_ok(shop_add_order_line_end(&ab, &err), &err);
    /* a failing batch (a duplicate line): 23505, nothing of it kept */
    assert_ok(shop_add_order_line_begin(f->db, &ab, &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o2, prod[0], 1, "1", &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o1, prod[0], 1, "1", &err), &err);
    pgc_error_clear(&err);
    assert_int_equal(shop_add_order_line_end(&ab, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "shop_add_order_line");
    v = scalarf(f, "SELECT count(*) FROM %s", "order_lines");
    assert_string_equal(v, "3");
    free(v);
    /* a CHECK violation: 23514 */
    assert_ok(shop_add_order_line_begin(f->db, &ab, &err), &err);
    assert_ok(shop_add_order_line_queue(&ab, o2, prod[0], 0, "1", &err), &err);
    pgc_error_clear(&err);
    assert_int_equal(shop_add_order_line_end(&ab, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23514");

    /* :batchone: a join and the SQL function per line; a missing line is ENOROW */
    shop_order_line_batch ob;
    shop_order_line_row ol;
    assert_ok(shop_order_line_begin(f->db, &ob, &err), &err);
    assert_ok(shop_order_line_queue(&ob, o1, prod[0], &err), &err);
    assert_ok(shop_order_line_queue(&ob, o2, prod[0], &err), &err);
    assert_ok(shop_order_line_queue(&ob, o3, prod[1], &err), &err);
    assert_ok(shop_order_line_next(&ob, &ol, &err), &err);
    assert_int_equal(ol.qty, 3);
    assert_string_equal(ol.unit_price, "19.99");
    assert_false(ol.line_total_is_null);
    assert_string_equal(ol.line_total, "59.97");
    assert_string_equal(ol.sku, "P0");
    shop_order_line_row_clear(&ol);
    assert_int_equal(shop_order_line_next(&ob, &ol, &err), PGC_ENOROW);
    assert_ok(shop_order_line_next(&ob, &ol, &err), &err);
    assert_string_equal(ol.line_total, "12345670.00");
    assert_string_equal(ol.sku, "P1");
    assert_ok(shop_order_line_end(&ob, &err), &err);
    assert_string_equal(ol.sku, "P1"); /* the row outlives the batch */
    shop_order_line_row_clear(&ol);

    /* :batchmany: two lines, none, one */
    shop_order_lines_batch mb;
    shop_order_lines_row ml;
    const int64_t orders[] = {o1, o2, o3};
    const size_t want[] = {2, 0, 1};
    assert_ok(shop_order_lines_begin(f->db, &mb, &err), &err);
    for (size_t i = 0; i < 3; i++)
        assert_ok(shop_order_lines_queue(&mb, orders[i], &err), &err);
    for (size_t i = 0; i < 3; i++) {
        size_t nrows = 99;
        assert_ok(shop_order_lines_next(&mb, &nrows, &err), &err);
        assert_int_equal(nrows, want[i]);
    }
    assert_ok(shop_order_lines_end(&mb, &err), &err);
    assert_ok(shop_order_lines_begin(f->db, &mb, &err), &err);
    assert_ok(shop_order_lines_queue(&mb, o1, &err), &err);
    size_t nrows = 0;
    assert_ok(shop_order_lines_next(&mb, &nrows, &err), &err);
    assert_int_equal(nrows, 2);
    assert_ok(shop_order_lines_get(&mb, 0, &ml, &err), &err);
    assert_true(ml.product_id == prod[0]);
    assert_int_equal(ml.qty, 3);
    assert_string_equal(ml.unit_price, "19.99");
    assert_ok(shop_order_lines_get(&mb, 1, &ml, &err), &err);
    assert_true(ml.product_id == prod[2]);
    assert_string_equal(ml.unit_price, "0.01");
    assert_ok(shop_order_lines_end(&mb, &err), &err);

    /* the SQL function called directly */
    shop_line_total_row lt;
    assert_ok(shop_line_total(f->db, 7, "1.10", &lt, &err), &err);
    assert_false(lt.total_is_null);
    assert_string_equal(lt.total, "7.70");
    shop_line_total_row_clear(&lt);

    /* :execrows: o2 is stale and pending, o1 shipped, o3 newer */
    int64_t n = -1;
    pgc_timestamp before = {shipped.usec - 1};
    assert_ok(shop_cancel_stale_orders(f->db, before, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_ok(shop_get_order(f->db, o2, &r, &err), &err);
    assert_int_equal(r.status, SHOP_ORDER_STATUS_CANCELLED);
    shop_get_order_row_clear(&r);

    /* the view: cancelled orders not counted */
    shop_customer_totals_iter ti;
    shop_customer_totals_row tr;
    assert_ok(shop_customer_totals_open(f->db, &ti, &err), &err);
    assert_ok(shop_customer_totals_next(&ti, &tr, &err), &err);
    assert_string_equal(tr.email, alice_email);
    assert_memory_equal(tr.customer_id.b, alice_id.b, 16);
    assert_true(tr.orders == 1);
    assert_string_equal(tr.spent, "123.45");
    assert_ok(shop_customer_totals_next(&ti, &tr, &err), &err);
    assert_string_equal(tr.email, "bob@example.org");
    assert_true(tr.orders == 1);
    assert_string_equal(tr.spent, "999999999999.99");
    assert_int_equal(shop_customer_totals_next(&ti, &tr, &err), PGC_DONE);
    shop_customer_totals_close(&ti);

    /* :execresult, cascading to the lines */
    pgc_result *res = NULL;
    assert_ok(shop_delete_order(f->db, o1, &res, &err), &err);
    assert_int_equal(pgc_result_affected(res), 1);
    pgc_result_free(res);
    assert_ok(shop_delete_order(f->db, o1, &res, &err), &err);
    assert_int_equal(pgc_result_affected(res), 0);
    pgc_result_free(res);
    v = scalarf(f, "SELECT count(*) FROM %s", "order_lines");
    assert_string_equal(v, "1");
    free(v);
    pgc_error_clear(&err);
    assert_int_equal(shop_get_order(f->db, o1, &r, &err), PGC_ENOROW);
    shop_get_order_row_clear(&r);

    /* the view with a customer and no order: count 0, spent 0.00 (coalesce) */
    assert_ok(shop_delete_order(f->db, o3, NULL, &err), &err);
    assert_ok(shop_customer_totals_open(f->db, &ti, &err), &err);
    assert_ok(shop_customer_totals_next(&ti, &tr, &err), &err);
    assert_ok(shop_customer_totals_next(&ti, &tr, &err), &err);
    assert_string_equal(tr.email, "bob@example.org");
    assert_true(tr.orders == 0);
    assert_string_equal(tr.spent, "0.00");
    shop_customer_totals_close(&ti);
}

enum { NVIEWS = 100000 };

/* View i: customer NULL when i % 5 == 0, duration NULL when i % 3 == 0,
 * referrer NULL when i % 4 == 0. */
static void view(int64_t i, shop_record_views_params *p, char *ref, size_t cap)
{
    snprintf(ref, cap, "https://exämple.org/p/%lld?q='x'", (long long)i);
    *p = (shop_record_views_params){
        .id = i,
        .customer_id = {{(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0xcc}},
        .customer_id_is_null = i % 5 == 0,
        .product_id = i % 97,
        .viewed_at = {placed.usec + i * INT64_C(1000)},
        .duration_ms = (int32_t)(i % 1000),
        .duration_ms_is_null = i % 3 == 0,
        .referrer = i % 4 == 0 ? NULL : ref,
    };
}

static void shop__views__copyfrom_100k_then_many(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);

    /* :many with 0 rows */
    shop_list_views_iter it;
    shop_list_views_row r;
    assert_ok(shop_list_views_open(f->db, 1, &it, &err), &err);
    assert_int_equal(shop_list_views_next(&it, &r, &err), PGC_DONE);
    shop_list_views_close(&it);

    shop_record_views_params *rows = calloc(NVIEWS, sizeof *rows);
    char (*refs)[64] = calloc(NVIEWS, sizeof *refs);
    assert_non_null(rows);
    assert_non_null(refs);
    int64_t want_ids = 0, want_ms = 0, want_timed = 0, want_cust = 0, want_ref = 0;
    for (int64_t i = 0; i < NVIEWS; i++) {
        view(i + 1, &rows[i], refs[i], sizeof refs[i]);
        want_ids += i + 1;
        if (!rows[i].duration_ms_is_null) {
            want_ms += rows[i].duration_ms;
            want_timed++;
        }
        want_cust += !rows[i].customer_id_is_null;
        want_ref += rows[i].referrer != NULL;
    }
    int64_t copied = -1;
    assert_ok(shop_record_views(f->db, rows, NVIEWS, &copied, &err), &err);
    assert_true(copied == NVIEWS);

    shop_view_stats_row st;
    assert_ok(shop_view_stats(f->db, &st, &err), &err);
    assert_true(st.views == NVIEWS);
    assert_true(st.timed == want_timed);
    assert_false(st.total_ms_is_null);
    assert_true(st.total_ms == want_ms);

    /* :many over the 100k rows: every value checked, running sums */
    assert_ok(shop_list_views_open(f->db, 1, &it, &err), &err);
    int64_t count = 0, ids = 0, ms = 0, timed = 0, cust = 0, ref = 0;
    int rc;
    while ((rc = shop_list_views_next(&it, &r, &err)) == PGC_OK) {
        count++;
        assert_true(r.id == count);
        shop_record_views_params w;
        char wref[64];
        view(count, &w, wref, sizeof wref);
        assert_true(r.product_id == w.product_id);
        assert_true(r.viewed_at.usec == w.viewed_at.usec);
        assert_int_equal(r.customer_id_is_null, w.customer_id_is_null);
        if (!r.customer_id_is_null) {
            assert_memory_equal(r.customer_id.b, w.customer_id.b, 16);
            cust++;
        }
        assert_int_equal(r.duration_ms_is_null, w.duration_ms_is_null);
        if (!r.duration_ms_is_null) {
            assert_int_equal(r.duration_ms, w.duration_ms);
            ms += r.duration_ms;
            timed++;
        }
        assert_int_equal(r.referrer_is_null, w.referrer == NULL);
        if (w.referrer) {
            assert_string_equal(r.referrer, w.referrer);
            ref++;
        } else {
            assert_null(r.referrer);
        }
        ids += r.id;
    }
    assert_int_equal(rc, PGC_DONE);
    shop_list_views_close(&it);
    assert_true(count == NVIEWS);
    assert_true(ids == want_ids);
    assert_true(ms == want_ms);
    assert_true(timed == want_timed);
    assert_true(cust == want_cust);
    assert_true(ref == want_ref);

    /* :many with one row */
    assert_ok(shop_list_views_open(f->db, NVIEWS, &it, &err), &err);
    assert_ok(shop_list_views_next(&it, &r, &err), &err);
    assert_true(r.id == NVIEWS);
    assert_int_equal(shop_list_views_next(&it, &r, &err), PGC_DONE);
    shop_list_views_close(&it);

    /* the COPY of a duplicate id: 23505 and nothing kept */
    view(NVIEWS + 1, &rows[0], refs[0], sizeof refs[0]);
    view(7, &rows[1], refs[1], sizeof refs[1]);
    pgc_error_clear(&err);
    assert_int_equal(shop_record_views(f->db, rows, 2, &copied, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    char *v = scalarf(f, "SELECT count(*) FROM %s", "page_views");
    assert_string_equal(v, "100000");
    free(v);
    free(rows);
    free(refs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(shop__migrations__rename_drop_view_function),
        BOTH_MODES(shop__customers__values_nulls_norow_unique),
        BOTH_MODES(shop__products__arrays_jsonb_bytea_numeric),
        BOTH_MODES(shop__orders__enum_exec_batches_view_function),
        BOTH_MODES(shop__views__copyfrom_100k_then_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
