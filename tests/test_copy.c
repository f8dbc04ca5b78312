/*
 * test_copy.c - COPY FROM STDIN in binary format (pgc_copy_*), in both modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "pgc_gen.h"

static const pgc_stmt copy_all = {
    .name = "copy_all",
    .sql = "COPY {{tables.t}} (id, small, i, f4, f8, b, txt, raw) FROM STDIN (FORMAT binary)"};
static const pgc_stmt count_t = {.name = "count_t", .sql = "SELECT count(*) FROM {{tables.t}}"};

static void create_t(pgc_db *db)
{
    pgc_error err = {0};
    assert_ok(pgc_exec(db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.t}} (id bigint PRIMARY KEY, small smallint,"
                       " i int, f4 real, f8 double precision, b boolean, txt text, raw bytea)",
                       NULL, &err),
              &err);
}

static long count(pgc_db *db)
{
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_query(db, &count_t, NULL, NULL, NULL, &res, &err), &err);
    long n = strtol(pgc_result_value(res, 0, 0), NULL, 10);
    pgc_result_free(res);
    return n;
}

/* Row k of the data set; every 10th field of a kind is NULL. */
static int write_row(pgc_copy *c, int64_t k)
{
    int rc = pgc_copy_row(c, 8, NULL);
    rc |= pgc_copy_int8(c, k, NULL);
    rc |= k % 10 == 1 ? pgc_copy_null(c, NULL) : pgc_copy_int2(c, (int16_t)(k % 30000 - 15000), NULL);
    rc |= pgc_copy_int4(c, (int32_t)(k * -3), NULL);
    rc |= pgc_copy_float4(c, (float)k + 0.5f, NULL);
    rc |= k % 10 == 2 ? pgc_copy_null(c, NULL) : pgc_copy_float8(c, (double)k / 4.0, NULL);
    rc |= pgc_copy_bool(c, k % 2 == 0, NULL);
    char txt[32];
    snprintf(txt, sizeof txt, "name %lld", (long long)k);
    rc |= pgc_copy_text(c, k % 10 == 3 ? NULL : txt, NULL);
    unsigned char raw[3] = {(unsigned char)k, 0, 0xff};
    rc |= pgc_copy_bytes(c, raw, k % 10 == 4 ? 0 : sizeof raw, NULL);
    return rc;
}

static void copy__100k_rows_binary_with_nulls__values_checked(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    pgc_error err = {0};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    for (int64_t k = 1; k <= 100000; k++)
        assert_int_equal(write_row(c, k), PGC_OK);
    /* one field larger than the 64 KiB buffer */
    char *big = malloc(200001);
    assert_non_null(big);
    memset(big, 'z', 200000);
    big[200000] = '\0';
    assert_ok(pgc_copy_row(c, 8, &err), &err);
    pgc_copy_int8(c, 5000000000LL, &err);
    pgc_copy_int2(c, -32768, &err);
    pgc_copy_int4(c, INT32_MIN, &err);
    pgc_copy_float4(c, -1.25f, &err);
    pgc_copy_float8(c, 1e300, &err);
    pgc_copy_bool(c, 1, &err);
    pgc_copy_text(c, big, &err);
    assert_ok(pgc_copy_null(c, &err), &err);
    free(big);
    int64_t rows = -1;
    assert_ok(pgc_copy_end(c, &rows, &err), &err);
    assert_true(rows == 100001);
    assert_int_equal(count(f->db), 100001);

    static const pgc_stmt check = {
        .name = "check_t",
        .sql =
            "SELECT count(*) FILTER (WHERE small IS NULL), count(*) FILTER (WHERE f8 IS NULL),"
            " count(*) FILTER (WHERE txt IS NULL), count(*) FILTER (WHERE raw = ''::bytea),"
            " count(*) FILTER (WHERE raw IS NULL),"
            " count(*) FILTER (WHERE id <= 100000 AND (i <> id * -3 OR f4 <> id + 0.5"
            "   OR b <> (id % 2 = 0) OR (txt IS NOT NULL AND txt <> 'name ' || id)"
            "   OR (small IS NOT NULL AND small <> id % 30000 - 15000)"
            "   OR (f8 IS NOT NULL AND f8 <> id / 4.0::float8)"
            "   OR (length(raw) = 3 AND raw <> set_byte('\\x0000ff'::bytea, 0, (id % 256)::int))))"
            " FROM {{tables.t}}"};
    pgc_result *res;
    assert_ok(pgc_query(f->db, &check, NULL, NULL, NULL, &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "10000");
    assert_string_equal(pgc_result_value(res, 0, 1), "10000");
    assert_string_equal(pgc_result_value(res, 0, 2), "10000");
    assert_string_equal(pgc_result_value(res, 0, 3), "10000");
    assert_string_equal(pgc_result_value(res, 0, 4), "1");
    assert_string_equal(pgc_result_value(res, 0, 5), "0"); /* no row differs */
    pgc_result_free(res);

    static const pgc_stmt last = {
        .name = "last_row",
        .sql = "SELECT small, i, f4, f8, b, length(txt), raw IS NULL FROM {{tables.t}}"
               " WHERE id = 5000000000"};
    assert_ok(pgc_query(f->db, &last, NULL, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_rows(res), 1);
    assert_string_equal(pgc_result_value(res, 0, 0), "-32768");
    assert_string_equal(pgc_result_value(res, 0, 1), "-2147483648");
    assert_string_equal(pgc_result_value(res, 0, 2), "-1.25");
    assert_string_equal(pgc_result_value(res, 0, 3), "1e+300");
    assert_string_equal(pgc_result_value(res, 0, 4), "t");
    assert_string_equal(pgc_result_value(res, 0, 5), "200000");
    assert_string_equal(pgc_result_value(res, 0, 6), "t");
    pgc_result_free(res);
}

static void copy__unique_violation__23505_and_no_rows(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    pgc_error err = {0};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    for (int64_t k = 1; k <= 1000; k++)
        write_row(c, k);
    write_row(c, 500); /* duplicate key */
    for (int64_t k = 1001; k <= 2000; k++)
        write_row(c, k);
    int64_t rows = -1;
    assert_int_equal(pgc_copy_end(c, &rows, &err), PGC_ESQL);
    assert_true(rows == 0);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "copy_all");
    assert_non_null(strstr(err.detail, "(id)=(500)"));
    assert_int_equal(count(f->db), 0);
}

/*
 * The server stops a COPY at a bad row and discards what follows; libpq
 * reads its error only when the COPY ends, which reports it.
 */
static void copy__server_error_mid_copy__reported_at_end(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.t}} (id int CHECK (id <> 10))",
                       NULL, &err),
              &err);
    static const pgc_stmt copy_id = {.name = "copy_id",
                                     .sql = "COPY {{tables.t}} FROM STDIN (FORMAT binary)"};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_id, &c, &err), &err);
    int rc = PGC_OK;
    for (int k = 1; k <= 300000 && rc == PGC_OK; k++) {
        rc = pgc_copy_row(c, 1, &err);
        if (rc == PGC_OK)
            rc = pgc_copy_int4(c, k, &err);
    }
    assert_true(rc == PGC_OK || rc == PGC_ESQL);
    pgc_error end = {0};
    int64_t rows = -1;
    assert_int_equal(pgc_copy_end(c, &rows, &end), PGC_ESQL);
    assert_true(rows == 0);
    assert_string_equal(end.sqlstate, "23514");
    assert_string_equal(end.statement, "copy_id");
    assert_int_equal(count(f->db), 0);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.closed, 0);
}

static void copy__abort__leaves_no_rows(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    pgc_error err = {0};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    for (int64_t k = 1; k <= 20000; k++)
        write_row(c, k);
    pgc_copy_abort(c);
    pgc_copy_abort(NULL);
    assert_int_equal(count(f->db), 0);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.closed, 0); /* the connection was fit to keep */
}

static void copy__wrong_field_count__refused(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    pgc_error err = {0};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    write_row(c, 1);
    assert_int_equal(pgc_copy_row(c, 3, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "column count"));
    assert_int_equal(pgc_copy_int8(c, 2, NULL), PGC_EINVAL); /* sticky */
    assert_int_equal(pgc_copy_end(c, NULL, &err), PGC_EINVAL);
    assert_int_equal(count(f->db), 0);

    /* too few fields in the last row, too many in another */
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    assert_ok(pgc_copy_row(c, 8, &err), &err);
    assert_ok(pgc_copy_int8(c, 1, &err), &err);
    assert_int_equal(pgc_copy_end(c, NULL, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "fewer fields"));
    assert_ok(pgc_copy_begin(f->db, &copy_all, &c, &err), &err);
    write_row(c, 1);
    assert_int_equal(pgc_copy_int8(c, 1, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "more fields"));
    pgc_copy_abort(c);
    assert_int_equal(count(f->db), 0);
}

static void copy__not_a_binary_copy__refused(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    static const pgc_stmt text_copy = {.name = "text_copy",
                                       .sql = "COPY {{tables.t}} (id) FROM STDIN"};
    static const pgc_stmt select = {.name = "not_copy", .sql = "SELECT 1"};
    static const pgc_stmt out = {.name = "copy_out", .sql = "COPY {{tables.t}} TO STDOUT"};
    static const pgc_stmt missing = {.name = "missing",
                                     .sql = "COPY {{tables.nowhere}} FROM STDIN"};
    pgc_error err = {0};
    pgc_copy *c = (pgc_copy *)1;
    assert_int_equal(pgc_copy_begin(f->db, &text_copy, &c, &err), PGC_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.message, "binary"));
    assert_int_equal(pgc_copy_begin(f->db, &select, &c, &err), PGC_EINVAL);
    assert_int_equal(pgc_copy_begin(f->db, &out, &c, &err), PGC_EINVAL);
    assert_int_equal(pgc_copy_begin(f->db, &missing, &c, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "42P01");
    assert_string_equal(err.statement, "missing");
    assert_int_equal(count(f->db), 0);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.in_use, 0);
}

static void copy__in_transaction_scope(void **state)
{
    fixture *f = *state;
    create_t(f->db);
    pgc_error err = {0};
    pgc_db *tx, *sp;
    pgc_copy *c, *other;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_copy_begin(tx, &copy_all, &c, &err), &err);
    assert_int_equal(pgc_query(tx, &count_t, NULL, NULL, NULL, NULL, &err), PGC_ETXSTATE);
    assert_non_null(strstr(err.message, "COPY"));
    assert_int_equal(pgc_copy_begin(tx, &copy_all, &other, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_tx_begin(tx, &sp, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_db_close(f->db), PGC_EBUSY);
    for (int64_t k = 1; k <= 1000; k++)
        write_row(c, k);
    int64_t rows;
    assert_ok(pgc_copy_end(c, &rows, &err), &err);
    assert_true(rows == 1000);
    assert_int_equal(count(tx), 1000);
    assert_int_equal(count(f->db), 0); /* not committed yet */

    /* a failing COPY in a savepoint: rolled back alone */
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_ok(pgc_copy_begin(sp, &copy_all, &c, &err), &err);
    write_row(c, 1); /* duplicate of the first COPY's row */
    assert_int_equal(pgc_copy_end(c, NULL, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_ok(pgc_tx_rollback(sp, &err), &err);

    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_int_equal(count(f->db), 1000);

    /* aborted inside a scope: the scope's transaction has failed */
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_copy_begin(tx, &copy_all, &c, &err), &err);
    write_row(c, 5000);
    pgc_copy_abort(c);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(count(f->db), 1000);
}

/* ---- pgc_copy_rows: rows by a column table, written in place ----------------------------- */

typedef struct all_row {
    int64_t id;
    int16_t small;
    bool small_is_null;
    int32_t i;
    float f4;
    double f8;
    bool f8_is_null;
    bool b;
    const char *txt; /* NULL: SQL NULL */
    pgc_date d;
    pgc_timestamp ts;
} all_row;

static const pgc_column all_columns[] = {
    PGC_COLUMN(all_row, id, PGC_T_INT8, NULL),
    PGC_COLUMN_NULL(all_row, small, PGC_T_INT2, NULL),
    PGC_COLUMN(all_row, i, PGC_T_INT4, NULL),
    PGC_COLUMN(all_row, f4, PGC_T_FLOAT4, NULL),
    PGC_COLUMN_NULL(all_row, f8, PGC_T_FLOAT8, NULL),
    PGC_COLUMN(all_row, b, PGC_T_BOOL, NULL),
    {"txt", PGC_T_TEXT, offsetof(all_row, txt), PGC_NULL_STRING, NULL},
    PGC_COLUMN(all_row, d, PGC_T_DATE, NULL),
    PGC_COLUMN(all_row, ts, PGC_T_TIMESTAMPTZ, NULL),
};
static const pgc_row_type all_row_type = PGC_ROW_TYPE(all_row, all_columns);

/* Every kind pgc_copy_rows writes in place, NULLs by companion and by NULL
 * pointer, 100k rows over many buffers, and in the middle one row larger
 * than the buffer, which goes field by field. */
static void copy_rows__fixed_size_and_text__written_in_place(void **state)
{
    fixture *f = *state;
    static const pgc_stmt copy_t2 = {
        .name = "copy_t2",
        .sql = "COPY {{tables.t2}} (id, small, i, f4, f8, b, txt, d, ts) FROM STDIN (FORMAT binary)"};
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.t2}} (id bigint PRIMARY KEY, small smallint, i int,"
                       " f4 real, f8 double precision, b boolean, txt text, d date,"
                       " ts timestamptz)",
                       NULL, &err),
              &err);
    enum { N = 100000, BIG = 50000 };
    all_row *rows = calloc(N, sizeof *rows);
    char (*txt)[24] = calloc(N, sizeof *txt);
    char *big = malloc(200001);
    assert_true(rows && txt && big);
    memset(big, 'z', 200000);
    big[200000] = '\0';
    for (int64_t k = 1; k <= N; k++) {
        all_row *r = &rows[k - 1];
        snprintf(txt[k - 1], sizeof txt[k - 1], "name %lld", (long long)k);
        *r = (all_row){.id = k, .small = (int16_t)(k % 30000 - 15000),
                       .small_is_null = k % 10 == 1, .i = (int32_t)(k * -3),
                       .f4 = (float)k + 0.5f, .f8 = (double)k / 4.0, .f8_is_null = k % 10 == 2,
                       .b = k % 2 == 0, .txt = k % 10 == 3 ? NULL : txt[k - 1],
                       .d = {(int32_t)(k % 1000)}, .ts = {k * 1000000}};
    }
    rows[BIG - 1].txt = big;
    int64_t copied = -1;
    assert_ok(pgc_copy_rows(f->db, &copy_t2, &all_row_type, rows, N, &copied, &err), &err);
    assert_true(copied == N);
    static const pgc_stmt check = {
        .name = "check_t2",
        .sql = "SELECT count(*), count(*) FILTER (WHERE small IS NULL),"
               " count(*) FILTER (WHERE f8 IS NULL), count(*) FILTER (WHERE txt IS NULL),"
               " count(*) FILTER (WHERE i <> id * -3 OR f4 <> id + 0.5 OR b <> (id % 2 = 0)"
               "   OR (txt IS NOT NULL AND id <> 50000 AND txt <> 'name ' || id)"
               "   OR (small IS NOT NULL AND small <> id % 30000 - 15000)"
               "   OR (f8 IS NOT NULL AND f8 <> id / 4.0::float8)"
               "   OR d <> date '2000-01-01' + (id % 1000)::int"
               "   OR ts <> timestamptz '2000-01-01 00:00:00+00' + id * interval '1 second'),"
               " (SELECT length(txt) FROM {{tables.t2}} WHERE id = 50000)"
               " FROM {{tables.t2}}"};
    pgc_result *res;
    assert_ok(pgc_query(f->db, &check, NULL, NULL, NULL, &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "100000");
    assert_string_equal(pgc_result_value(res, 0, 1), "10000");
    assert_string_equal(pgc_result_value(res, 0, 2), "10000");
    assert_string_equal(pgc_result_value(res, 0, 3), "10000");
    assert_string_equal(pgc_result_value(res, 0, 4), "0"); /* no row differs */
    assert_string_equal(pgc_result_value(res, 0, 5), "200000");
    pgc_result_free(res);
    free(big);
    free(txt);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(copy__100k_rows_binary_with_nulls__values_checked),
        BOTH_MODES(copy__unique_violation__23505_and_no_rows),
        BOTH_MODES(copy__server_error_mid_copy__reported_at_end),
        BOTH_MODES(copy__abort__leaves_no_rows),
        BOTH_MODES(copy__wrong_field_count__refused),
        BOTH_MODES(copy__not_a_binary_copy__refused),
        BOTH_MODES(copy__in_transaction_scope),
        BOTH_MODES(copy_rows__fixed_size_and_text__written_in_place),
    };
    return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
