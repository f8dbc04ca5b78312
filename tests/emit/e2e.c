/*
 * e2e.c - the emitter end to end: the code `pgc generate` wrote for
 * tests/emit/schema (build/emit/store.[ch], compiled with -std=c11 -Wall
 * -Wextra -Wpedantic -Werror), run against a real server in both dual
 * modes: migrations, every supported type written and read back exactly,
 * NULLs, every command, errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store.h"

/* A non-null string column in embedded mode lives in schema "lib". */
static const char *table(const fixture *f, const char *name)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s%s", f->mode == EMBEDDED ? "lib." : "", name);
    return buf;
}

static void migrate(fixture *f)
{
    pgc_error err = {0};
    assert_ok(store_migrate(f->db, &err), &err);
    assert_ok(store_migrate(f->db, &err), &err); /* again: nothing to do */
}

static const uint8_t bytes_a[] = {0, 1, 2, 0, 255, 0};
static const pgc_uuid uuid_a = {{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb,
                                 0xa9, 0x87, 0x65, 0x43, 0x21}};
static const char code_a[] = "it's \"quoted\" \\ — ünïcødé 🐘";

/* Item A: every column set, extremes where they exist. */
static int create_a(pgc_db *db, int64_t *id, pgc_error *err)
{
    pgc_bytes data = {bytes_a, sizeof bytes_a};
    pgc_date born = {-1};                            /* 1999-12-31 */
    pgc_timestamp seen = {INT64_C(1234567890123456)}; /* microseconds kept */
    pgc_timestamp at = {INT64_MIN};                  /* -infinity */
    int16_t n_small = INT16_MIN;
    int32_t n_medium = INT32_MAX;
    int64_t n_big = INT64_MIN;
    float n_ratio = -0.25f;
    double n_score = 1e300;
    bool n_flag = false;
    pgc_bytes n_data = {NULL, 0};                    /* empty, not NULL */
    pgc_uuid n_ref = {{0}};
    pgc_date n_born = {INT32_MAX};                   /* infinity */
    pgc_timestamp n_seen = {0};                      /* 2000-01-01 00:00 */
    pgc_timestamp n_at = {INT64_MAX};                /* infinity */
    store_mood n_mood = STORE_MOOD_SAD;
    store_create_item_row row;
    int rc = store_create_item(db, code_a, INT16_MAX, INT32_MIN, INT64_MAX, 1.5f, -2.125, true,
                               "label ✓", "ab", data, uuid_a, born, seen, at, "-12345.67",
                               "{\"k\": [1, \"two\"]}", "{\"b\": 2, \"a\": \"é\"}",
                               STORE_MOOD_IT_S_FINE, &n_small, &n_medium, &n_big, &n_ratio,
                               &n_score, &n_flag, "", &n_data, &n_ref, &n_born, &n_seen, &n_at,
                               "123456789012345678901234567890.000000000001", "[]", &n_mood,
                               &row, err);
    if (rc == PGC_OK)
        *id = row.id;
    store_create_item_row_clear(&row);
    store_create_item_row_clear(&row); /* twice is fine */
    return rc;
}

/* Item `code`: every nullable column NULL. */
static int create_plain(pgc_db *db, const char *code, pgc_error *err)
{
    pgc_bytes data = {(const uint8_t *)"x", 1};
    pgc_uuid ref = {{1}};
    pgc_date born = {0};
    pgc_timestamp ts = {0};
    store_create_item_row row;
    int rc = store_create_item(db, code, 0, 0, 0, 0, 0, false, "", "xyz", data, ref, born, ts, ts,
                               "0.05", "null", "null", STORE_MOOD_OK, NULL, NULL, NULL, NULL,
                               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                               &row, err);
    store_create_item_row_clear(&row);
    return rc;
}

static void emit__values__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    int64_t id = 0;
    assert_ok(create_a(f->db, &id, &err), &err);
    assert_true(id > 0);
    assert_ok(create_plain(f->db, "plain", &err), &err);

    store_get_item_row r;
    assert_ok(store_get_item(f->db, code_a, &r, &err), &err);
    assert_int_equal(r.id, id);
    assert_string_equal(r.code, code_a);
    assert_int_equal(r.small, INT16_MAX);
    assert_int_equal(r.medium, INT32_MIN);
    assert_true(r.big == INT64_MAX);
    assert_true(r.ratio == 1.5f);
    assert_true(r.score == -2.125);
    assert_true(r.flag);
    assert_string_equal(r.label, "label ✓");
    assert_string_equal(r.initials, "ab "); /* char(3) pads */
    assert_int_equal(r.data.len, sizeof bytes_a);
    assert_memory_equal(r.data.data, bytes_a, sizeof bytes_a);
    assert_memory_equal(r.ref.b, uuid_a.b, 16);
    assert_int_equal(r.born.days, -1);
    assert_true(r.seen.usec == INT64_C(1234567890123456));
    assert_true(r.at.usec == INT64_MIN);
    assert_string_equal(r.price, "-12345.67");
    assert_string_equal(r.doc, "{\"k\": [1, \"two\"]}");
    assert_string_equal(r.docb, "{\"a\": \"é\", \"b\": 2}"); /* jsonb's own order */
    assert_int_equal(r.mood, STORE_MOOD_IT_S_FINE);
    assert_false(r.n_small_is_null);
    assert_int_equal(r.n_small, INT16_MIN);
    assert_false(r.n_medium_is_null);
    assert_int_equal(r.n_medium, INT32_MAX);
    assert_false(r.n_big_is_null);
    assert_true(r.n_big == INT64_MIN);
    assert_false(r.n_ratio_is_null);
    assert_true(r.n_ratio == -0.25f);
    assert_false(r.n_score_is_null);
    assert_true(r.n_score == 1e300);
    assert_false(r.n_flag_is_null);
    assert_false(r.n_flag);
    assert_false(r.n_label_is_null);
    assert_string_equal(r.n_label, "");
    assert_false(r.n_data_is_null);
    assert_int_equal(r.n_data.len, 0);
    assert_false(r.n_ref_is_null);
    assert_false(r.n_born_is_null);
    assert_int_equal(r.n_born.days, INT32_MAX);
    assert_false(r.n_seen_is_null);
    assert_true(r.n_seen.usec == 0);
    assert_false(r.n_at_is_null);
    assert_true(r.n_at.usec == INT64_MAX);
    assert_false(r.n_price_is_null);
    assert_string_equal(r.n_price, "123456789012345678901234567890.000000000001");
    assert_false(r.n_docb_is_null);
    assert_string_equal(r.n_docb, "[]");
    assert_false(r.n_mood_is_null);
    assert_int_equal(r.n_mood, STORE_MOOD_SAD);
    store_get_item_row_clear(&r);

    /* the server agrees with what was sent */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT format('%%s|%%s|%%s|%%s|%%s', born, seen, at, ref, encode(data, 'hex'))"
             " FROM %s WHERE id = %lld", table(f, "items"), (long long)id);
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "1999-12-31|2039-02-13 23:31:30.123456|-infinity|"
                           "12345678-9abc-def0-0fed-cba987654321|00010200ff00");
    free(v);

    assert_ok(store_get_item(f->db, "plain", &r, &err), &err);
    assert_string_equal(r.price, "0.05");
    assert_string_equal(r.doc, "null");
    assert_true(r.n_small_is_null && r.n_medium_is_null && r.n_big_is_null && r.n_ratio_is_null);
    assert_true(r.n_score_is_null && r.n_flag_is_null && r.n_label_is_null && r.n_data_is_null);
    assert_true(r.n_ref_is_null && r.n_born_is_null && r.n_seen_is_null && r.n_at_is_null);
    assert_true(r.n_price_is_null && r.n_docb_is_null && r.n_mood_is_null);
    assert_null(r.n_label);
    assert_null(r.n_price);
    assert_null(r.n_docb);
    assert_null(r.n_data.data);
    assert_int_equal(r.n_small, 0);
    store_get_item_row_clear(&r);

    /* templates in string literals are the user's text, not templates */
    store_item_code_name_row cn;
    assert_ok(store_item_code_name(f->db, id, &cn, &err), &err);
    assert_string_equal(cn.code_name, code_a);
    assert_string_equal(cn.literal, "{{not a template}}");
    store_item_code_name_row_clear(&cn);
}

static void emit__one__no_row_and_errors(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    store_get_item_row r;
    assert_int_equal(store_get_item(f->db, "nothing", &r, &err), PGC_ENOROW);
    assert_string_equal(err.statement, "store_get_item");
    store_get_item_row_clear(&r);

    pgc_error_clear(&err);
    assert_int_equal(store_get_item(f->db, NULL, &r, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "parameter code is NULL"));

    pgc_error_clear(&err);
    store_items_by_mood_iter it;
    assert_int_equal(store_items_by_mood_open(f->db, (store_mood)99, &it, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "parameter mood is not a store_mood value"));
    store_items_by_mood_close(&it);

    /* a unique violation comes back with its SQLSTATE */
    assert_ok(create_plain(f->db, "twice", &err), &err);
    pgc_error_clear(&err);
    assert_int_equal(create_plain(f->db, "twice", &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "store_create_item");
}

static void emit__many__zero_one_thousand(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    store_list_items_iter it;
    store_list_items_row row;

    assert_ok(store_list_items_open(f->db, &it, &err), &err);
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_ENOROW);
    store_list_items_close(&it);

    int64_t id = 0;
    assert_ok(create_a(f->db, &id, &err), &err);
    assert_ok(store_list_items_open(f->db, &it, &err), &err);
    assert_ok(store_list_items_next(&it, &row, &err), &err);
    assert_int_equal(row.id, id);
    assert_string_equal(row.code, code_a);
    assert_int_equal(row.mood, STORE_MOOD_IT_S_FINE);
    assert_false(row.n_mood_is_null);
    assert_int_equal(row.n_mood, STORE_MOOD_SAD);
    assert_string_equal(row.n_label, "");
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_ENOROW);
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_ENOROW);
    store_list_items_close(&it);
    store_list_items_close(&it);

    store_items_by_mood_iter bm;
    store_items_by_mood_row bmr;
    assert_ok(store_items_by_mood_open(f->db, STORE_MOOD_IT_S_FINE, &bm, &err), &err);
    assert_ok(store_items_by_mood_next(&bm, &bmr, &err), &err);
    assert_int_equal(bmr.id, id);
    assert_int_equal(store_items_by_mood_next(&bm, &bmr, &err), PGC_ENOROW);
    store_items_by_mood_close(&bm);

    int64_t n = 0;
    assert_ok(store_fill_numbers(f->db, 1000, &n, &err), &err);
    assert_int_equal(n, 1000);
    store_list_numbers_iter ln;
    store_list_numbers_row lr;
    assert_ok(store_list_numbers_open(f->db, 1000, &ln, &err), &err);
    int count = 0, rc;
    while ((rc = store_list_numbers_next(&ln, &lr, &err)) == PGC_OK) {
        count++;
        assert_int_equal(lr.n, count);
        assert_int_equal(lr.note_is_null, count % 2 != 0);
        if (count % 2 == 0)
            assert_string_equal(lr.note, "even");
        else
            assert_null(lr.note);
    }
    assert_int_equal(rc, PGC_ENOROW);
    assert_int_equal(count, 1000);
    store_list_numbers_close(&ln);

    /* closed early: the connection goes back to the pool */
    assert_ok(store_list_numbers_open(f->db, 1000, &ln, &err), &err);
    assert_ok(store_list_numbers_next(&ln, &lr, &err), &err);
    store_list_numbers_close(&ln);

    store_number_note_row nn;
    assert_ok(store_number_note(f->db, 3, &nn, &err), &err);
    assert_true(nn.note_is_null);
    store_number_note_row_clear(&nn);
    assert_int_equal(store_number_note(f->db, 5000, &nn, &err), PGC_ENOROW);
}

static void emit__exec__counts(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    assert_ok(create_plain(f->db, "one", &err), &err);   /* flag false */
    assert_ok(create_plain(f->db, "two", &err), &err);
    int64_t id;
    assert_ok(create_a(f->db, &id, &err), &err);         /* flag true */

    int64_t n = -1;
    assert_ok(store_flag_items(f->db, true, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_ok(store_flag_items(f->db, true, &n, &err), &err);
    assert_int_equal(n, 0);
    assert_ok(store_flag_items(f->db, false, NULL, &err), &err);

    assert_ok(store_rename_item(f->db, "uno", "one", &err), &err);
    store_count_items_row c;
    assert_ok(store_count_items(f->db, &c, &err), &err);
    assert_int_equal(c.total, 3);
    store_count_items_row_clear(&c);

    pgc_result *res = NULL;
    assert_ok(store_delete_item(f->db, "uno", &res, &err), &err);
    assert_int_equal(pgc_result_affected(res), 1);
    pgc_result_free(res);
    assert_ok(store_delete_item(f->db, "uno", &res, &err), &err);
    assert_int_equal(pgc_result_affected(res), 0);
    pgc_result_free(res);

    /* in a transaction scope, rolled back */
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(store_delete_item(tx, "two", NULL, &err), &err);
    assert_ok(store_count_items(tx, &c, &err), &err);
    assert_int_equal(c.total, 1);
    store_count_items_row_clear(&c);
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    assert_ok(store_count_items(f->db, &c, &err), &err);
    assert_int_equal(c.total, 2);
    store_count_items_row_clear(&c);

    /* the tables are where the mode puts them */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table(f, "items"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "2");
    free(v);
}

static void emit__migrations__embedded(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    const pgc_migration_set *set = store_migration_set();
    assert_string_equal(set->module, "store");
    assert_int_equal(set->count, 2);
    pgc_migration_status *st = NULL;
    size_t n = 0;
    assert_ok(pgc_migrate_status(f->db, set, &st, &n, &err), &err);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(st[i].state, PGC_MIGRATION_APPLIED);
    free(st);
    /* the embedded checksum is the one the runtime computes */
    for (size_t i = 0; i < set->count; i++) {
        char sum[65];
        assert_ok(pgc_migration_checksum(set->files[i].sql, strlen(set->files[i].sql), sum),
                  &err);
        assert_string_equal(sum, set->files[i].checksum);
    }
    assert_true(strlen(set->files[1].sql) > 4095);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(emit__values__round_trip),
        BOTH_MODES(emit__one__no_row_and_errors),
        BOTH_MODES(emit__many__zero_one_thousand),
        BOTH_MODES(emit__exec__counts),
        BOTH_MODES(emit__migrations__embedded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
