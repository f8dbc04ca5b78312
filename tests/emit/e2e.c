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
    store_get_item_row_clear(&r); /* twice is fine */

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

    /* the schema changed after generating: a NOT NULL column comes back
       NULL, which is an error, never a NULL pointer or a silent 0 */
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.items}} ALTER COLUMN label DROP NOT NULL;"
                              "UPDATE {{tables.items}} SET label = NULL WHERE code = 'twice'",
                       NULL, &err),
              &err);
    pgc_error_clear(&err);
    assert_int_equal(store_get_item(f->db, "twice", &r, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "column label is NULL, but was generated as NOT NULL"));
    assert_null(r.result);
    store_get_item_row_clear(&r);
}

static void emit__many__zero_one_thousand(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    store_list_items_iter it;
    store_list_items_row row;

    assert_ok(store_list_items_open(f->db, &it, &err), &err);
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_DONE);
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
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_DONE);
    assert_int_equal(store_list_items_next(&it, &row, &err), PGC_DONE);
    store_list_items_close(&it);
    store_list_items_close(&it);

    store_items_by_mood_iter bm;
    store_items_by_mood_row bmr;
    assert_ok(store_items_by_mood_open(f->db, STORE_MOOD_IT_S_FINE, &bm, &err), &err);
    assert_ok(store_items_by_mood_next(&bm, &bmr, &err), &err);
    assert_int_equal(bmr.id, id);
    assert_int_equal(store_items_by_mood_next(&bm, &bmr, &err), PGC_DONE);
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
    assert_int_equal(rc, PGC_DONE);
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
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    assert_ok(store_count_items(f->db, &c, &err), &err);
    assert_int_equal(c.total, 2);

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
    assert_int_equal(set->count, 5);
    pgc_migration_status *st = NULL;
    size_t n = 0;
    assert_ok(pgc_migrate_status(f->db, set, &st, &n, &err), &err);
    assert_int_equal(n, 5);
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

static int64_t count_of(fixture *f, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table(f, name));
    char *v = fixture_scalar(f, sql);
    int64_t n = strtoll(v, NULL, 10);
    free(v);
    return n;
}

enum { NEVENTS = 100000 };

/* Event i: every nullable column NULL when i % 7 == 0. */
static void event(int64_t i, store_copy_events_params *p, char *name, size_t cap)
{
    static const uint8_t blob[] = {0, 0xff, 0x7f, 0};
    snprintf(name, cap, "event %lld é", (long long)i);
    bool null = i % 7 == 0;
    *p = (store_copy_events_params){
        .id = i,
        .name = name,
        .mood = (store_mood)(1 + i % 4), .mood_is_null = null,
        .small = (int16_t)(i % 30000 - 15000), .small_is_null = null,
        .medium = (int32_t)(i * 3), .medium_is_null = null,
        .ratio = (float)i / 4, .ratio_is_null = null,
        .score = (double)i * -1.5, .score_is_null = null,
        .flag = i % 2 == 0, .flag_is_null = null,
        .data = {blob, i % 3 == 0 ? 0 : sizeof blob}, .data_is_null = null,
        .ref = {{(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16)}}, .ref_is_null = null,
        .born = {(int32_t)(i - 50000)}, .born_is_null = null,
        .at = {i * INT64_C(1000000)}, .at_is_null = null,
        .label = null ? NULL : "label",
        .span = {-i, (int32_t)i, (int32_t)(i % 13)}, .span_is_null = null,
    };
}

static void check_event(fixture *f, int64_t i)
{
    pgc_error err = {0};
    store_copy_events_params want;
    char name[64];
    event(i, &want, name, sizeof name);
    store_get_event_row r;
    assert_ok(store_get_event(f->db, i, &r, &err), &err);
    assert_int_equal(r.id, i);
    assert_string_equal(r.name, name);
    bool null = i % 7 == 0;
    assert_int_equal(r.mood_is_null, null);
    assert_int_equal(r.small_is_null, null);
    assert_int_equal(r.medium_is_null, null);
    assert_int_equal(r.ratio_is_null, null);
    assert_int_equal(r.score_is_null, null);
    assert_int_equal(r.flag_is_null, null);
    assert_int_equal(r.data_is_null, null);
    assert_int_equal(r.ref_is_null, null);
    assert_int_equal(r.born_is_null, null);
    assert_int_equal(r.at_is_null, null);
    assert_int_equal(r.label_is_null, null);
    assert_int_equal(r.span_is_null, null);
    if (!null) {
        assert_int_equal(r.mood, want.mood);
        assert_int_equal(r.small, want.small);
        assert_int_equal(r.medium, want.medium);
        assert_true(r.ratio == want.ratio);
        assert_true(r.score == want.score);
        assert_int_equal(r.flag, want.flag);
        assert_int_equal(r.data.len, want.data.len);
        if (want.data.len)
            assert_memory_equal(r.data.data, want.data.data, want.data.len);
        assert_memory_equal(r.ref.b, want.ref.b, 16);
        assert_int_equal(r.born.days, want.born.days);
        assert_true(r.at.usec == want.at.usec);
        assert_string_equal(r.label, "label");
        assert_true(r.span.usec == want.span.usec);
        assert_int_equal(r.span.days, want.span.days);
        assert_int_equal(r.span.months, want.span.months);
    } else {
        assert_null(r.label);
    }
    store_get_event_row_clear(&r);
}

static void emit__copyfrom__100k_rows_then_a_unique_violation(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    store_copy_events_params *rows = calloc(NEVENTS, sizeof *rows);
    char (*names)[32] = calloc(NEVENTS, sizeof *names);
    assert_non_null(rows);
    assert_non_null(names);
    for (int64_t i = 0; i < NEVENTS; i++)
        event(i + 1, &rows[i], names[i], sizeof names[i]);

    int64_t copied = -1;
    assert_ok(store_copy_events(f->db, rows, NEVENTS, &copied, &err), &err);
    assert_true(copied == NEVENTS);
    store_count_events_row c;
    assert_ok(store_count_events(f->db, &c, &err), &err);
    assert_true(c.total == NEVENTS);
    assert_true(c.with_mood == NEVENTS - NEVENTS / 7);
    static const int64_t sample[] = {1, 2, 3, 7, 14, 999, 50000, 65535, 65536, 99999, NEVENTS};
    for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++)
        check_event(f, sample[i]);
    /* the server agrees on the text of what was sent */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT format('%%s|%%s|%%s|%%s|%%s', mood, born, at, ref, span) "
                              "FROM %s WHERE id = 3", table(f, "events"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "it's \"fine\"|1863-02-11|2000-01-01 00:00:03+00|"
                           "03000000-0000-0000-0000-000000000000|3 mons 3 days -00:00:00.000003");
    free(v);

    /* new rows, the last a duplicate: 23505, and none of them kept */
    for (int64_t i = 0; i < 1000; i++)
        event(NEVENTS + 1 + i, &rows[i], names[i], sizeof names[i]);
    rows[999].id = 5;
    pgc_error_clear(&err);
    assert_int_equal(store_copy_events(f->db, rows, 1000, &copied, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_true(copied == 0);
    assert_true(count_of(f, "events") == NEVENTS);

    /* a NULL where none may be: found before anything is sent */
    rows[1].name = NULL;
    pgc_error_clear(&err);
    assert_int_equal(store_copy_events(f->db, rows, 2, &copied, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "row 1: name is NULL"));
    assert_string_equal(err.statement, "store_copy_events");
    rows[1].name = names[1];
    rows[0].mood = (store_mood)42;
    pgc_error_clear(&err);
    assert_int_equal(store_copy_events(f->db, rows, 2, &copied, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "row 0: mood is not a store_mood value"));
    rows[0].mood = STORE_MOOD_OK;

    /* no rows; and in a transaction scope, rolled back */
    assert_ok(store_copy_events(f->db, NULL, 0, &copied, &err), &err);
    assert_true(copied == 0);
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(store_copy_events(tx, rows, 10, &copied, &err), &err);
    assert_true(copied == 10);
    assert_ok(store_count_events(tx, &c, &err), &err);
    assert_true(c.total == NEVENTS + 10);
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    assert_true(count_of(f, "events") == NEVENTS);
    free(rows);
    free(names);
}

static void emit__batchexec__thousand_inserts_and_a_failure(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    store_add_number_batch b;
    assert_ok(store_add_number_begin(f->db, &b, &err), &err);
    for (int i = 1; i <= 1000; i++)
        assert_ok(store_add_number_queue(&b, i, i % 2 ? "odd" : "even", &err), &err);
    assert_ok(store_add_number_end(&b, &err), &err);
    assert_true(count_of(f, "numbers") == 1000);
    store_number_note_row nn;
    assert_ok(store_number_note(f->db, 999, &nn, &err), &err);
    assert_string_equal(nn.note, "odd");
    store_number_note_row_clear(&nn);

    /* the 3rd call fails: reported by _end, and nothing of the batch kept */
    assert_ok(store_add_number_begin(f->db, &b, &err), &err);
    assert_ok(store_add_number_queue(&b, 2001, "a", &err), &err);
    assert_ok(store_add_number_queue(&b, 2002, "b", &err), &err);
    assert_ok(store_add_number_queue(&b, 500, "taken", &err), &err);
    assert_ok(store_add_number_queue(&b, 2003, "c", &err), &err);
    pgc_error_clear(&err);
    assert_int_equal(store_add_number_end(&b, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "store_add_number");
    assert_true(count_of(f, "numbers") == 1000);
    assert_int_equal(store_number_note(f->db, 2001, &nn, &err), PGC_ENOROW);

    /* _end after a failed begin, and twice */
    assert_ok(store_add_number_end(&b, &err), &err);
    /* a queue refused before sending: not queued, the batch goes on */
    assert_ok(store_add_number_begin(f->db, &b, &err), &err);
    assert_ok(store_add_number_queue(&b, 3001, NULL, &err), &err); /* note may be NULL */
    assert_ok(store_add_number_end(&b, &err), &err);
    assert_ok(store_number_note(f->db, 3001, &nn, &err), &err);
    assert_true(nn.note_is_null);
    store_number_note_row_clear(&nn);
    pgc_error_clear(&err);
    assert_int_equal(store_add_number_queue(&b, 1, "x", &err), PGC_EINVAL); /* not open */
    assert_non_null(strstr(err.message, "the batch is not open"));

    /* in a savepoint scope: the failure rolls back only the savepoint */
    pgc_db *tx, *sp;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(store_add_number_begin(tx, &b, &err), &err);
    assert_ok(store_add_number_queue(&b, 4001, "kept", &err), &err);
    assert_ok(store_add_number_end(&b, &err), &err);
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_ok(store_add_number_begin(sp, &b, &err), &err);
    assert_ok(store_add_number_queue(&b, 4002, "lost", &err), &err);
    assert_ok(store_add_number_queue(&b, 4001, "dup", &err), &err);
    assert_int_equal(store_add_number_end(&b, &err), PGC_ESQL);
    assert_ok(pgc_tx_rollback(sp, &err), &err);
    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_true(count_of(f, "numbers") == 1002);
}

static void emit__batchone_and_batchmany__rows_in_order(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    int64_t n = 0;
    assert_ok(store_fill_numbers(f->db, 20, &n, &err), &err);

    static const int32_t ask[] = {5, 3, 9999, 8, 20};
    store_number_by_n_batch b;
    store_number_by_n_row row;
    assert_ok(store_number_by_n_begin(f->db, &b, &err), &err);
    for (size_t i = 0; i < 5; i++)
        assert_ok(store_number_by_n_queue(&b, ask[i], &err), &err);
    store_number_by_n_row kept;
    for (size_t i = 0; i < 5; i++) {
        int rc = store_number_by_n_next(&b, &row, &err);
        if (ask[i] == 9999) {
            assert_int_equal(rc, PGC_ENOROW);
            continue;
        }
        assert_ok(rc, &err);
        assert_int_equal(row.n, ask[i]);
        assert_int_equal(row.note_is_null, ask[i] % 2 != 0);
        if (i == 3) {
            kept = row; /* a row outlives the batch */
            continue;
        }
        store_number_by_n_row_clear(&row);
    }
    pgc_error_clear(&err);
    assert_int_equal(store_number_by_n_next(&b, &row, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "every call of the batch was read"));
    assert_ok(store_number_by_n_end(&b, &err), &err);
    assert_string_equal(kept.note, "even");
    store_number_by_n_row_clear(&kept);

    /* calls not read are dropped by _end */
    assert_ok(store_number_by_n_begin(f->db, &b, &err), &err);
    assert_ok(store_number_by_n_queue(&b, 1, &err), &err);
    assert_ok(store_number_by_n_queue(&b, 2, &err), &err);
    assert_ok(store_number_by_n_next(&b, &row, &err), &err);
    store_number_by_n_row_clear(&row);
    assert_ok(store_number_by_n_end(&b, &err), &err);

    static const int32_t upto[] = {3, 0, 20, 1};
    store_numbers_up_to_batch m;
    store_numbers_up_to_row mr;
    assert_ok(store_numbers_up_to_begin(f->db, &m, &err), &err);
    for (size_t i = 0; i < 4; i++)
        assert_ok(store_numbers_up_to_queue(&m, upto[i], &err), &err);
    for (size_t i = 0; i < 4; i++) {
        size_t nrows = 99;
        assert_ok(store_numbers_up_to_next(&m, &nrows, &err), &err);
        assert_int_equal(nrows, upto[i]);
        for (size_t r = 0; r < nrows; r++) {
            assert_ok(store_numbers_up_to_get(&m, r, &mr, &err), &err);
            assert_int_equal(mr.n, (int)r + 1);
            if (mr.n % 2 == 0)
                assert_string_equal(mr.note, "even");
            else
                assert_true(mr.note_is_null && !mr.note);
        }
        pgc_error_clear(&err);
        assert_int_equal(store_numbers_up_to_get(&m, nrows, &mr, &err), PGC_EINVAL);
    }
    size_t nrows;
    assert_int_equal(store_numbers_up_to_next(&m, &nrows, &err), PGC_EINVAL);
    assert_ok(store_numbers_up_to_end(&m, &err), &err);
}

static void emit__arrays__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    static const int16_t smalls[] = {INT16_MIN, 0, INT16_MAX};
    static const int32_t ints[] = {1, 0, -7};
    static const bool int_nulls[] = {false, true, false};
    static const int64_t bigs[] = {INT64_MIN, INT64_MAX};
    static const float reals[] = {1.5f, -0.25f};
    static const double doubles[] = {1e300, -2.125};
    static const bool flags[] = {true, false, true};
    static const pgc_uuid refs[] = {{{1, 2, 3}}, {{0xff}}};
    static const pgc_date days[] = {{-1}, {INT32_MAX}};
    static const pgc_timestamp stamps[] = {{INT64_C(1234567890123456)}, {INT64_MIN}};
    static const char *const words[] = {"a", NULL, "", "é 🐘, {\"x\"}"};
    static const char *const labels[] = {"short"};
    pgc_int2_array a_smalls = {smalls, 3, NULL};
    pgc_int4_array a_ints = {ints, 3, int_nulls};
    pgc_int8_array a_bigs = {bigs, 2, NULL};
    pgc_float4_array a_reals = {reals, 2, NULL};
    pgc_float8_array a_doubles = {doubles, 2, NULL};
    pgc_bool_array a_flags = {flags, 3, NULL};
    pgc_uuid_array a_refs = {refs, 2, NULL};
    pgc_date_array a_days = {days, 2, NULL};
    pgc_timestamp_array a_stamps = {stamps, 2, NULL}, a_empty = {NULL, 0, NULL};
    pgc_text_array a_words = {words, 4}, a_labels = {labels, 1};
    assert_ok(store_put_list(f->db, 1, a_smalls, &a_ints, &a_bigs, &a_reals, &a_doubles, &a_flags,
                             &a_refs, &a_days, &a_stamps, &a_empty, &a_words, &a_labels, &err),
              &err);
    pgc_int2_array none = {NULL, 0, NULL};
    assert_ok(store_put_list(f->db, 2, none, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                             NULL, NULL, &err), &err);

    store_get_list_row r;
    assert_ok(store_get_list(f->db, 1, &r, &err), &err);
    assert_int_equal(r.smalls.len, 3);
    assert_memory_equal(r.smalls.items, smalls, sizeof smalls);
    assert_null(r.smalls.nulls);
    assert_false(r.ints_is_null);
    assert_int_equal(r.ints.len, 3);
    assert_non_null(r.ints.nulls);
    assert_false(r.ints.nulls[0]);
    assert_true(r.ints.nulls[1]);
    assert_int_equal(r.ints.items[0], 1);
    assert_int_equal(r.ints.items[2], -7);
    assert_true(r.bigs.items[0] == INT64_MIN && r.bigs.items[1] == INT64_MAX);
    assert_true(r.reals.items[0] == 1.5f && r.reals.items[1] == -0.25f);
    assert_true(r.doubles.items[0] == 1e300 && r.doubles.items[1] == -2.125);
    assert_int_equal(r.flags.len, 3);
    assert_true(r.flags.items[0] && !r.flags.items[1] && r.flags.items[2]);
    assert_memory_equal(r.refs.items, refs, sizeof refs);
    assert_int_equal(r.days.items[0].days, -1);
    assert_int_equal(r.days.items[1].days, INT32_MAX);
    assert_true(r.stamps.items[0].usec == stamps[0].usec);
    assert_true(r.stamps.items[1].usec == INT64_MIN);
    assert_false(r.stampstz_is_null);
    assert_int_equal(r.stampstz.len, 0);
    assert_int_equal(r.words.len, 4);
    assert_string_equal(r.words.items[0], "a");
    assert_null(r.words.items[1]);
    assert_string_equal(r.words.items[2], "");
    assert_string_equal(r.words.items[3], words[3]);
    assert_int_equal(r.labels.len, 1);
    assert_string_equal(r.labels.items[0], "short");
    store_get_list_row_clear(&r);

    assert_ok(store_get_list(f->db, 2, &r, &err), &err);
    assert_int_equal(r.smalls.len, 0);
    assert_true(r.ints_is_null && r.bigs_is_null && r.reals_is_null && r.doubles_is_null);
    assert_true(r.flags_is_null && r.refs_is_null && r.days_is_null && r.stamps_is_null);
    assert_true(r.stampstz_is_null && r.words_is_null && r.labels_is_null);
    assert_int_equal(r.words.len, 0);
    assert_null(r.words.items);
    store_get_list_row_clear(&r);

    /* the server agrees with what was sent */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT format('%%s|%%s|%%s|%%s|%%s', smalls, ints, days, words, "
                              "stamps) FROM %s WHERE id = 1", table(f, "lists"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "{-32768,0,32767}|{1,NULL,-7}|{1999-12-31,infinity}|"
                           "{a,NULL,\"\",\"é 🐘, {\\\"x\\\"}\"}|"
                           "{\"2039-02-13 23:31:30.123456\",-infinity}");
    free(v);

    /* sqlc.slice(ids) is an array parameter: = ANY($1) */
    static const int32_t ids[] = {2, 99, 1};
    store_lists_by_ids_iter it;
    store_lists_by_ids_row lr;
    assert_ok(store_lists_by_ids_open(f->db, (pgc_int4_array){ids, 3, NULL}, &it, &err), &err);
    assert_ok(store_lists_by_ids_next(&it, &lr, &err), &err);
    assert_int_equal(lr.id, 1);
    assert_int_equal(lr.words.len, 4);
    assert_ok(store_lists_by_ids_next(&it, &lr, &err), &err);
    assert_int_equal(lr.id, 2);
    assert_true(lr.words_is_null);
    assert_int_equal(store_lists_by_ids_next(&it, &lr, &err), PGC_DONE);
    store_lists_by_ids_close(&it);

    int64_t n;
    assert_ok(store_fill_numbers(f->db, 10, &n, &err), &err);
    static const int32_t ns[] = {2, 3, 4, 6, 11};
    static const char *const even[] = {"even"};
    pgc_text_array notes = {even, 1};
    store_numbers_in_iter ni;
    store_numbers_in_row nr;
    assert_ok(store_numbers_in_open(f->db, (pgc_int4_array){ns, 5, NULL}, &notes, &ni, &err),
              &err);
    int got = 0, rc;
    while ((rc = store_numbers_in_next(&ni, &nr, &err)) == PGC_OK)
        assert_int_equal(nr.n, (++got) * 2);
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(got, 3);
    store_numbers_in_close(&ni);

    /* a NULL items pointer with items is refused, naming the parameter */
    pgc_int4_array bad = {NULL, 2, NULL};
    pgc_error_clear(&err);
    assert_int_equal(store_put_list(f->db, 3, none, &bad, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL, NULL, NULL, NULL, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "parameter ints: invalid argument"));

    /* a two-dimensional array is refused at run time */
    store_grid_row g;
    pgc_error_clear(&err);
    assert_int_equal(store_grid(f->db, &g, &err), PGC_EINVAL);
    assert_string_equal(err.message, "store_grid: column cells: a 2-dimensional array; only "
                                     "one-dimensional arrays are supported");
    assert_string_equal(err.statement, "store_grid");
    store_grid_row_clear(&g);
}

static void emit__interval__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    pgc_interval span = {INT64_C(3723000004), -2, 14}; /* 1:02:03.000004, -2 days, 1 year 2 mons */
    pgc_timestamp at = {0};
    store_later_by_row r;
    assert_ok(store_later_by(f->db, span, at, NULL, &r, &err), &err);
    assert_true(r.span.usec == span.usec);
    assert_int_equal(r.span.days, -2);
    assert_int_equal(r.span.months, 14);
    assert_true(r.other_is_null);
    /* 2001-03-01 - 2 days + 01:02:03.000004 = 2001-02-27 01:02:03.000004 */
    assert_true(r.later.usec == (INT64_C(423) * 86400 + 3723) * 1000000 + 4);
    pgc_interval other = {-1, 0, 0};
    assert_ok(store_later_by(f->db, span, at, &other, &r, &err), &err);
    assert_false(r.other_is_null);
    assert_true(r.other.usec == -1);
}


/* Composite types: a CREATE TYPE column, a table's row type, sqlc.embed. */
static void emit__composites_and_embeds__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    const char *const tags[] = {"a", NULL, "c \"q\""};
    pgc_text_array tag_list = {tags, 3};
    store_mood mood = STORE_MOOD_IT_S_FINE;
    int32_t zip = 12345;
    pgc_date born = {-7};
    assert_ok(store_add_author(f->db, 1, "Ann", "1 Main St", &zip, &tag_list, &mood, &born, &err),
              &err);
    /* a composite of NULL fields, and a NULL composite's table-row NOT NULL */
    assert_ok(store_add_author(f->db, 2, "Bob", NULL, NULL, NULL, NULL, NULL, &err), &err);

    store_author_home_row h;
    assert_ok(store_author_home(f->db, 1, &h, &err), &err);
    assert_false(h.home_is_null);
    assert_false(h.home.street_is_null);
    assert_string_equal(h.home.street, "1 Main St");
    assert_false(h.home.zip_is_null);
    assert_int_equal(h.home.zip, 12345);
    assert_false(h.home.tags_is_null);
    assert_int_equal(h.home.tags.len, 3);
    assert_string_equal(h.home.tags.items[0], "a");
    assert_null(h.home.tags.items[1]);
    assert_string_equal(h.home.tags.items[2], "c \"q\"");
    assert_false(h.home.mood_is_null);
    assert_int_equal(h.home.mood, STORE_MOOD_IT_S_FINE);
    store_author_home_row_clear(&h);

    assert_ok(store_author_home(f->db, 2, &h, &err), &err);
    assert_false(h.home_is_null); /* ROW(NULL, ...) is a row, not NULL */
    assert_true(h.home.street_is_null && h.home.zip_is_null && h.home.tags_is_null
                && h.home.mood_is_null);
    assert_null(h.home.street);
    store_author_home_row_clear(&h);

    /* the table's row type as a value */
    store_author_row_row a;
    assert_ok(store_author_row(f->db, 1, &a, &err), &err);
    assert_int_equal(a.a.id, 1);
    assert_string_equal(a.a.name, "Ann");
    assert_int_equal(a.a.home.zip, 12345);
    assert_int_equal(a.a.born.days, -7);
    store_author_row_row_clear(&a);

    /* sqlc.embed from both sides of a LEFT JOIN */
    const char *const prices[] = {"1.50", NULL, "-0.000001", "NaN"};
    pgc_text_array price_list = {prices, 4};
    int64_t ann = 1;
    assert_ok(store_put_book(f->db, 10, &ann, "First", &price_list, NULL, NULL, NULL, NULL, &err),
              &err);
    assert_ok(store_put_book(f->db, 11, NULL, "Orphan", NULL, NULL, NULL, NULL, NULL, &err), &err);
    store_books_with_authors_iter it;
    store_books_with_authors_row r;
    assert_ok(store_books_with_authors_open(f->db, &it, &err), &err);
    assert_ok(store_books_with_authors_next(&it, &r, &err), &err);
    assert_int_equal(r.b.id, 10);
    assert_string_equal(r.b.title, "First");
    assert_int_equal(r.b.prices.len, 4);
    assert_string_equal(r.b.prices.items[0], "1.50");
    assert_null(r.b.prices.items[1]);
    assert_string_equal(r.b.prices.items[2], "-0.000001");
    assert_string_equal(r.b.prices.items[3], "NaN");
    assert_false(r.a.id_is_null);
    assert_string_equal(r.a.name, "Ann");
    assert_string_equal(r.a.home.tags.items[0], "a");
    assert_ok(store_books_with_authors_next(&it, &r, &err), &err);
    assert_int_equal(r.b.id, 11);
    assert_true(r.b.author_id_is_null);
    assert_true(r.a.id_is_null && r.a.name_is_null && r.a.home_is_null && r.a.born_is_null);
    assert_null(r.a.name);
    assert_int_equal(store_books_with_authors_next(&it, &r, &err), PGC_DONE);
    store_books_with_authors_close(&it);

    /* a composite whose fields changed under the code is refused, naming it */
    char sql[128];
    snprintf(sql, sizeof sql, "ALTER TYPE %s ADD ATTRIBUTE extra int", table(f, "addr"));
    free(fixture_scalar(f, sql));
    pgc_error_clear(&err);
    assert_int_equal(store_author_home(f->db, 1, &h, &err), PGC_EINVAL);
    assert_string_equal(err.statement, "store_author_home");
    assert_non_null(strstr(err.message, "store_author_home: column home: a composite value of 5 "
                                        "fields, the generated code expects 4"));
    store_author_home_row_clear(&h);
}

/* Arrays of numeric, jsonb (sent as text), bytea, interval and an enum. */
static void emit__more_arrays__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    const char *const prices[] = {"123456789012345678901234567890.5", "0"};
    const char *const docs[] = {"{\"a\": [1, \"x\\\"y\"]}", NULL, "\"\\\\\""};
    static const uint8_t raw[] = {0, 255, '"', '\\', 0};
    const pgc_bytes blobs[] = {{raw, sizeof raw}, {NULL, 0}, {NULL, 0}};
    const bool blob_nulls[] = {false, false, true};
    const pgc_interval spans[] = {{1, 2, 3}, {INT64_MIN, INT32_MIN, INT32_MAX}};
    const char *const moods[] = {"it's \"fine\"", NULL, "sad"};
    pgc_text_array p = {prices, 2}, d = {docs, 3}, m = {moods, 3};
    pgc_bytes_array b = {blobs, 3, blob_nulls};
    pgc_interval_array s = {spans, 2, NULL};
    assert_ok(store_put_book(f->db, 1, NULL, "Lists", &p, &d, &b, &s, &m, &err), &err);

    store_book_lists_row r;
    assert_ok(store_book_lists(f->db, 1, &r, &err), &err);
    assert_int_equal(r.prices.len, 2);
    assert_string_equal(r.prices.items[0], "123456789012345678901234567890.5");
    assert_string_equal(r.prices.items[1], "0");
    assert_int_equal(r.docs.len, 3);
    assert_string_equal(r.docs.items[0], "{\"a\": [1, \"x\\\"y\"]}");
    assert_null(r.docs.items[1]);
    assert_string_equal(r.docs.items[2], "\"\\\\\"");
    assert_int_equal(r.blobs.len, 3);
    assert_non_null(r.blobs.nulls);
    assert_false(r.blobs.nulls[0] || r.blobs.nulls[1]);
    assert_true(r.blobs.nulls[2]);
    assert_int_equal(r.blobs.items[0].len, sizeof raw);
    assert_memory_equal(r.blobs.items[0].data, raw, sizeof raw);
    assert_int_equal(r.blobs.items[1].len, 0);
    assert_int_equal(r.spans.len, 2);
    assert_null(r.spans.nulls);
    assert_true(r.spans.items[0].usec == 1 && r.spans.items[0].days == 2
                && r.spans.items[0].months == 3);
    assert_true(r.spans.items[1].usec == INT64_MIN && r.spans.items[1].days == INT32_MIN
                && r.spans.items[1].months == INT32_MAX);
    assert_int_equal(r.moods.len, 3);
    assert_string_equal(r.moods.items[0], "it's \"fine\"");
    assert_null(r.moods.items[1]);
    assert_string_equal(r.moods.items[2], "sad");
    store_book_lists_row_clear(&r);

    /* the server agrees */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT format('%%s|%%s|%%s', prices, blobs, spans) FROM %s",
             table(f, "books"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "{123456789012345678901234567890.5,0}|{\"\\\\x00ff225c00\",\"\\\\x\",NULL}|"
                           "{\"3 mons 2 days 00:00:00.000001\",\"178956970 years 7 mons "
                           "-2147483648 days -2562047788:00:54.775808\"}");
    free(v);

    /* a label the code does not know (added after generation) is refused */
    snprintf(sql, sizeof sql, "ALTER TYPE %s ADD VALUE 'new'", table(f, "mood"));
    free(fixture_scalar(f, sql));
    snprintf(sql, sizeof sql, "UPDATE %s SET moods = '{sad,new}'", table(f, "books"));
    free(fixture_scalar(f, sql));
    pgc_error_clear(&err);
    assert_int_equal(store_book_lists(f->db, 1, &r, &err), PGC_EINVAL);
    assert_string_equal(err.message, "store_book_lists: column moods: 'new' is not a store_mood "
                                     "label");
    store_book_lists_row_clear(&r);
}

/* :copyfrom of numeric (encoded in binary from its text), jsonb and arrays. */
static void emit__copyfrom__numeric_jsonb_and_arrays(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    static const char *const amounts[] = {
        "0", "-0.000", "12.50", "1e3", "-123456789012345678901234567890.000000000001", "NaN",
        "-Infinity", "0.0001", "99999999", "1.5E-7", "10000", "0.10",
    };
    enum { N = sizeof amounts / sizeof amounts[0] };
    const int32_t nums[] = {1, 0, -3};
    const bool num_nulls[] = {false, true, false};
    static const uint8_t raw[] = {0, 1, 255};
    const pgc_bytes blobs[] = {{raw, sizeof raw}, {NULL, 0}};
    const pgc_interval spans[] = {{-1, 2, 3}};
    const char *const words[] = {"x", NULL, "{\"}"};
    store_copy_ledger_params rows[N];
    memset(rows, 0, sizeof rows);
    for (size_t i = 0; i < N; i++) {
        rows[i].id = (int64_t)i + 1;
        rows[i].amount = amounts[i];
        rows[i].blobs_is_null = rows[i].spans_is_null = rows[i].words_is_null = i > 0;
    }
    rows[0].note = "{\"k\": \"é\"}";
    rows[0].nums = (pgc_int4_array){nums, 3, num_nulls};
    rows[0].blobs = (pgc_bytes_array){blobs, 2, NULL};
    rows[0].spans = (pgc_interval_array){spans, 1, NULL};
    rows[0].words = (pgc_text_array){words, 3};
    int64_t copied = 0;
    assert_ok(store_copy_ledger(f->db, rows, N, &copied, &err), &err);
    assert_true(copied == N);

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT string_agg(amount::text, '|' ORDER BY id) FROM %s",
             table(f, "ledger"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "0|0.000|12.50|1000|-123456789012345678901234567890.000000000001|NaN|"
                           "-Infinity|0.0001|99999999|0.00000015|10000|0.10");
    free(v);
    snprintf(sql, sizeof sql, "SELECT format('%%s|%%s|%%s|%%s|%%s', note, nums, blobs, spans, "
                              "words) FROM %s WHERE id = 1", table(f, "ledger"));
    v = fixture_scalar(f, sql);
    assert_string_equal(v, "{\"k\": \"é\"}|{1,NULL,-3}|{\"\\\\x0001ff\",\"\\\\x\"}|"
                           "{\"3 mons 2 days -00:00:00.000001\"}|{x,NULL,\"{\\\"}\"}");
    free(v);

    /* read back in binary: the numeric decoder writes what the server would */
    for (size_t i = 0; i < N; i++) {
        store_get_ledger_row r;
        assert_ok(store_get_ledger(f->db, (int64_t)i + 1, &r, &err), &err);
        snprintf(sql, sizeof sql, "SELECT amount::text FROM %s WHERE id = %zu",
                 table(f, "ledger"), i + 1);
        v = fixture_scalar(f, sql);
        assert_string_equal(r.amount, v);
        free(v);
        if (i == 0) {
            assert_string_equal(r.note, "{\"k\": \"é\"}");
            assert_int_equal(r.nums.len, 3);
            assert_true(r.nums.nulls[1]);
            assert_int_equal(r.nums.items[2], -3);
            assert_int_equal(r.words.len, 3);
            assert_string_equal(r.words.items[2], "{\"}");
        } else {
            assert_true(r.note_is_null && r.blobs_is_null && r.spans_is_null && r.words_is_null);
            assert_int_equal(r.nums.len, 0);
        }
        store_get_ledger_row_clear(&r);
    }

    /* a number that is not one: the COPY fails, nothing is kept */
    rows[0].id = 100;
    rows[1].id = 101;
    rows[1].amount = "12a";
    pgc_error_clear(&err);
    assert_int_equal(store_copy_ledger(f->db, rows, 2, &copied, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "a value that cannot be encoded"));
    assert_true(count_of(f, "ledger") == N);
    /* an array with a length and no items: found before anything is sent */
    rows[1].amount = "1";
    rows[1].nums = (pgc_int4_array){NULL, 2, NULL};
    pgc_error_clear(&err);
    assert_int_equal(store_copy_ledger(f->db, rows, 2, &copied, &err), PGC_EINVAL);
    assert_string_equal(err.message, "store_copy_ledger: row 1: nums has no items");
}

/* Ranges as parameters, columns and :copyfrom fields. */
static void emit__ranges__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    pgc_int4_range ints = {1, 5, {.lower_inc = true, .upper_inc = true}};         /* [1,5] */
    pgc_int8_range bigs = {0, INT64_C(9000000000), {.lower_inf = true}};          /* (,9e9) */
    pgc_numeric_range nums = {"-1.50", "2", {.lower_inc = true}};                 /* [-1.50,2) */
    pgc_date_range days = {{0}, {0}, {.empty = true}};                            /* empty */
    pgc_timestamp_range stamps = {{0}, {INT64_C(86400000000)}, {.upper_inc = true}};
    pgc_timestamp_range stampstz = {{-1}, {0}, {.lower_inc = true, .upper_inf = true}};
    assert_ok(store_put_spans(f->db, 1, ints, &bigs, &nums, &days, &stamps, &stampstz, &err),
              &err);
    assert_ok(store_put_spans(f->db, 2, ints, NULL, NULL, NULL, NULL, NULL, &err), &err);

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT format('%%s|%%s|%%s|%%s|%%s|%%s', ints, bigs, nums, days, "
                              "stamps, stampstz) FROM %s WHERE id = 1", table(f, "spans"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "[1,6)|(,9000000000)|[-1.50,2)|empty|"
                           "(\"2000-01-01 00:00:00\",\"2000-01-02 00:00:00\"]|"
                           "[\"1999-12-31 23:59:59.999999+00\",)");
    free(v);

    store_get_spans_row r;
    assert_ok(store_get_spans(f->db, 1, &r, &err), &err);
    assert_int_equal(r.ints.lower, 1);
    assert_int_equal(r.ints.upper, 6); /* canonical: [1,6) */
    assert_true(r.ints.b.lower_inc && !r.ints.b.upper_inc && !r.ints.b.empty);
    assert_true(r.bigs.b.lower_inf && !r.bigs.b.upper_inf);
    assert_true(r.bigs.upper == INT64_C(9000000000));
    assert_string_equal(r.nums.lower, "-1.50");
    assert_string_equal(r.nums.upper, "2");
    assert_true(r.nums.b.lower_inc && !r.nums.b.upper_inc);
    assert_true(r.days.b.empty);
    assert_true(r.stamps.upper.usec == INT64_C(86400000000) && r.stamps.b.upper_inc);
    assert_true(r.stampstz.lower.usec == -1 && r.stampstz.b.upper_inf);
    store_get_spans_row_clear(&r);
    assert_ok(store_get_spans(f->db, 2, &r, &err), &err);
    assert_true(r.bigs_is_null && r.nums_is_null && r.days_is_null && r.stamps_is_null
                && r.stampstz_is_null);
    store_get_spans_row_clear(&r);

    /* :copyfrom, and a bound that is not a number */
    store_copy_spans_params rows[2] = {{3, ints, nums, false}, {4, ints, nums, true}};
    int64_t copied = 0;
    assert_ok(store_copy_spans(f->db, rows, 2, &copied, &err), &err);
    assert_true(copied == 2);
    snprintf(sql, sizeof sql, "SELECT string_agg(format('%%s %%s', ints, nums), '|' ORDER BY id) "
                              "FROM %s WHERE id > 2", table(f, "spans"));
    v = fixture_scalar(f, sql);
    assert_string_equal(v, "[1,6) [-1.50,2)|[1,6) ");
    free(v);
    nums.upper = "two";
    pgc_error_clear(&err);
    assert_int_equal(store_put_spans(f->db, 5, ints, NULL, &nums, NULL, NULL, NULL, &err),
                     PGC_EINVAL);
    assert_string_equal(err.message, "store_put_spans: parameter nums: invalid argument");
}

/* A composite of built-in types as a parameter, a column and a :copyfrom field. */
static void emit__composite_parameters__round_trip(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    const char *const tags[] = {"a,b", NULL, "\"q\""};
    static const uint8_t raw[] = {0, 1, 2};
    store_payment p = {
        .amount = "-12.50",
        .at = {1000000},
        .tags = {tags, 3},
        .span = {1, 5, {.lower_inc = true}},
        .doc = "{\"k\": [1, 2]}",
        .data = {raw, sizeof raw},
        .n_is_null = true,
    };
    assert_ok(store_put_payment(f->db, 1, p, &err), &err);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT p::text FROM %s WHERE id = 1", table(f, "payments"));
    char *v = fixture_scalar(f, sql);
    assert_string_equal(v, "(-12.50,\"2000-01-01 00:00:01+00\",\"{\"\"a,b\"\",NULL,\"\"\\\\\"\"q\\\\\"\""
                           "\"\"}\",\"[1,5)\",\"{\"\"k\"\": [1, 2]}\",\"\\\\x000102\",)");
    free(v);

    store_get_payment_row r;
    assert_ok(store_get_payment(f->db, 1, &r, &err), &err);
    assert_string_equal(r.p.amount, "-12.50");
    assert_true(r.p.at.usec == 1000000);
    assert_int_equal(r.p.tags.len, 3);
    assert_string_equal(r.p.tags.items[0], "a,b");
    assert_null(r.p.tags.items[1]);
    assert_string_equal(r.p.tags.items[2], "\"q\"");
    assert_true(r.p.span.lower == 1 && r.p.span.upper == 5);
    assert_string_equal(r.p.doc, "{\"k\": [1, 2]}");
    assert_int_equal(r.p.data.len, sizeof raw);
    assert_memory_equal(r.p.data.data, raw, sizeof raw);
    assert_true(r.p.n_is_null);
    store_get_payment_row_clear(&r);

    /* every field NULL (strings by NULL pointers too), through COPY */
    store_copy_payments_params rows[2] = {{2, p}, {3, {0}}};
    rows[1].p.at_is_null = rows[1].p.tags_is_null = rows[1].p.span_is_null = true;
    rows[1].p.data_is_null = rows[1].p.n_is_null = true;
    int64_t copied = 0;
    assert_ok(store_copy_payments(f->db, rows, 2, &copied, &err), &err);
    assert_true(copied == 2);
    snprintf(sql, sizeof sql, "SELECT string_agg(p::text, '|' ORDER BY id) FROM %s WHERE id > 1",
             table(f, "payments"));
    v = fixture_scalar(f, sql);
    assert_non_null(strstr(v, "|(,,,,,,)"));
    free(v);

    /* a field that cannot be encoded fails the call, naming the parameter */
    p.amount = "lots";
    pgc_error_clear(&err);
    assert_int_equal(store_put_payment(f->db, 4, p, &err), PGC_EINVAL);
    assert_string_equal(err.message, "store_put_payment: parameter p: invalid argument");
}

/*
 * An error the server places (at prepare: a column changed under the
 * generated code) names the query file and the line and column there, not
 * the statement's: PutSpans starts at queries.sql:127, and its third line
 * holds the value the column no longer takes.
 */
static void emit__server_error__names_the_query_file_line_and_column(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.spans}} ALTER COLUMN stampstz TYPE int "
                              "USING NULL", NULL, &err),
              &err);
    pgc_int4_range ints = {1, 5, {0}};
    assert_int_equal(store_put_spans(f->db, 1, ints, NULL, NULL, NULL, NULL, NULL, &err),
                     PGC_ESQL);
    assert_string_equal(err.sqlstate, "42804");
    assert_string_equal(err.statement, "store_put_spans");
    assert_int_equal(err.line, 129);
    assert_int_equal(err.column, 9);
    assert_string_equal(err.message, "tests/emit/schema/queries.sql:129:9: column \"stampstz\" is "
                                     "of type integer but expression is of type tstzrange");

    /* an error on the statement's first line: the column counts from the file's line */
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.items}} DROP COLUMN n_label", NULL, &err),
              &err);
    store_list_items_iter it;
    int rc = store_list_items_open(f->db, &it, &err);
    store_list_items_row row;
    if (rc == PGC_OK)
        rc = store_list_items_next(&it, &row, &err);
    store_list_items_close(&it);
    assert_int_equal(rc, PGC_ESQL);
    assert_string_equal(err.sqlstate, "42703");
    assert_int_equal(err.line, 21);
    assert_int_equal(err.column, 32);
    assert_string_equal(err.message, "tests/emit/schema/queries.sql:21:32: column \"n_label\" "
                                     "does not exist");
}

/* The dbs of a test: the fixture's, and embedded a second one in schema
 * "lib2" on the same pool (two schemas on one pool), each migrated. */
static size_t both_dbs(fixture *f, pgc_db *dbs[2])
{
    pgc_error err = {0};
    dbs[0] = f->db;
    dbs[1] = NULL;
    if (f->mode == EMBEDDED)
        assert_ok(pgc_db_attach(&dbs[1], f->pool, "lib2", &err), &err);
    size_t n = f->mode == EMBEDDED ? 2 : 1;
    for (size_t i = 0; i < n; i++)
        assert_ok(store_migrate(dbs[i], &err), &err);
    return n;
}

/*
 * Issue 11, case 2: `SELECT *`, `RETURNING *` and sqlc.embed were spelled
 * out at generation, so a column that a newer release adds to the live
 * tables (here by hand, after migrating) changes no deployed call.
 */
static void emit__star__survives_a_column_added_later(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *dbs[2];
    size_t n = both_dbs(f, dbs);
    static const char *const schemas[2][2] = {{"", "lib."}, {"lib2.", "lib2."}};
    for (size_t i = 0; i < n; i++) {
        const char *s = schemas[i][f->mode == EMBEDDED];
        int64_t filled = 0;
        assert_ok(create_plain(dbs[i], "plain", &err), &err);
        assert_ok(store_fill_numbers(dbs[i], 3, &filled, &err), &err);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "ALTER TABLE %sitems ADD COLUMN extra int DEFAULT 7;"
                 "ALTER TABLE %snumbers ADD COLUMN extra text DEFAULT 'x'", s, s);
        free(fixture_scalar(f, sql));

        store_get_item_row r;
        assert_ok(store_get_item(dbs[i], "plain", &r, &err), &err);
        assert_string_equal(r.code, "plain");
        assert_string_equal(r.initials, "xyz");
        store_get_item_row_clear(&r);

        store_all_numbers_iter it;
        store_all_numbers_row row;
        assert_ok(store_all_numbers_open(dbs[i], &it, &err), &err);
        int count = 0, rc;
        while ((rc = store_all_numbers_next(&it, &row, &err)) == PGC_OK)
            assert_int_equal(row.n, ++count);
        assert_int_equal(rc, PGC_DONE);
        assert_int_equal(count, 3);
        store_all_numbers_close(&it);

        store_renote_number_row rn;
        assert_ok(store_renote_number(dbs[i], "two", 2, &rn, &err), &err);
        assert_int_equal(rn.n, 2);
        assert_string_equal(rn.note, "two");
        store_renote_number_row_clear(&rn);
    }
    pgc_db_close(dbs[1]);
}

/*
 * Issue 11, case 3: an enum parameter used twice, once where the server
 * alone would deduce another type: the SQL casts it to the type the
 * analysis gave it, so the first call runs (it failed with 42P08 when the
 * parameter went untyped).
 */
static void emit__enum_parameter__typed_as_analysed(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *dbs[2];
    size_t n = both_dbs(f, dbs);
    for (size_t i = 0; i < n; i++) {
        assert_ok(create_plain(dbs[i], "box", &err), &err);
        int64_t rows = 0;
        assert_ok(store_ship_item(dbs[i], STORE_MOOD_HAPPY, "box", &rows, &err), &err);
        assert_int_equal(rows, 1);
        store_get_item_row r;
        assert_ok(store_get_item(dbs[i], "box", &r, &err), &err);
        assert_int_equal(r.mood, STORE_MOOD_HAPPY);
        assert_false(r.n_at_is_null);
        store_get_item_row_clear(&r);
        assert_ok(store_ship_item(dbs[i], STORE_MOOD_SAD, "box", &rows, &err), &err);
        assert_ok(store_get_item(dbs[i], "box", &r, &err), &err);
        assert_int_equal(r.mood, STORE_MOOD_SAD);
        assert_false(r.n_at_is_null); /* kept */
        store_get_item_row_clear(&r);
    }
    pgc_db_close(dbs[1]);
}

/* Domain-typed parameters go as the domain (a cast in the SQL), their
 * values in the base type's form: binary for integer, text for text; the
 * domain's CHECK applies. */
static void emit__domain_parameters__checked_by_the_server(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f);
    assert_ok(store_put_weight(f->db, 1, 5, "abc", &err), &err);
    assert_ok(store_put_weight(f->db, 2, 9, NULL, &err), &err);
    assert_int_equal(store_put_weight(f->db, 3, -1, NULL, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23514");
    assert_int_equal(store_put_weight(f->db, 3, 1, "toolong", &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23514");
    store_heavier_than_iter it;
    store_heavier_than_row row;
    assert_ok(store_heavier_than_open(f->db, 4, &it, &err), &err);
    assert_ok(store_heavier_than_next(&it, &row, &err), &err);
    assert_int_equal(row.id, 1);
    assert_int_equal(row.w, 5);
    assert_string_equal(row.tag, "abc");
    assert_ok(store_heavier_than_next(&it, &row, &err), &err);
    assert_int_equal(row.id, 2);
    assert_true(row.tag_is_null);
    assert_int_equal(store_heavier_than_next(&it, &row, &err), PGC_DONE);
    store_heavier_than_close(&it);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(emit__values__round_trip),
        BOTH_MODES(emit__one__no_row_and_errors),
        BOTH_MODES(emit__many__zero_one_thousand),
        BOTH_MODES(emit__exec__counts),
        BOTH_MODES(emit__migrations__embedded),
        BOTH_MODES(emit__copyfrom__100k_rows_then_a_unique_violation),
        BOTH_MODES(emit__batchexec__thousand_inserts_and_a_failure),
        BOTH_MODES(emit__batchone_and_batchmany__rows_in_order),
        BOTH_MODES(emit__arrays__round_trip),
        BOTH_MODES(emit__interval__round_trip),
        BOTH_MODES(emit__composites_and_embeds__round_trip),
        BOTH_MODES(emit__more_arrays__round_trip),
        BOTH_MODES(emit__copyfrom__numeric_jsonb_and_arrays),
        BOTH_MODES(emit__ranges__round_trip),
        BOTH_MODES(emit__composite_parameters__round_trip),
        BOTH_MODES(emit__server_error__names_the_query_file_line_and_column),
        BOTH_MODES(emit__star__survives_a_column_added_later),
        BOTH_MODES(emit__enum_parameter__typed_as_analysed),
        BOTH_MODES(emit__domain_parameters__checked_by_the_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
