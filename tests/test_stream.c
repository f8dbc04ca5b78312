/*
 * test_stream.c - rows one at a time (pgc_stream_*), in both modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-events.h>

#include "fixture.h"

static const pgc_stmt count_items = {.name = "count_items",
                                     .sql = "SELECT count(*) FROM {{tables.items}}"};

/* The items table, empty (fixture.c). */
static void create_items(pgc_db *db)
{
    fixture_create_items(db, 0, NULL);
}

static long scalar_long(pgc_db *db, const pgc_stmt *stmt)
{
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_query(db, stmt, NULL, NULL, NULL, &res, &err), &err);
    long n = strtol(pgc_result_value(res, 0, 0), NULL, 10);
    pgc_result_free(res);
    return n;
}

static int in_use(pgc_db *db)
{
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(db), &st);
    return st.in_use;
}

/* A one-connection pool and a db on it, in the fixture's schema. */
static void one_connection(fixture *f, pgc_pool **pool, pgc_db **db)
{
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "acquire_timeout_ms", "2000",
                                     NULL);
    assert_ok(pgc_pool_open(pool, cfg, &err), &err);
    pgc_config_free(cfg);
    assert_ok(pgc_db_attach(db, *pool, pgc_db_schema(f->db), &err), &err);
}

static void close_one_connection(pgc_pool *pool, pgc_db *db)
{
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static const pgc_stmt series = {
    .name = "series",
    .sql = "SELECT g, 'row ' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 2 END"
           " FROM generate_series(1, $1::int) g ORDER BY g",
    .nparams = 1};

/* ---- counting live PGresults with libpq's event callbacks --------------- */

typedef struct live_count {
    long created, destroyed, peak;
} live_count;

static int count_results(PGEventId id, void *info, void *pass)
{
    (void)info;
    live_count *lc = pass;
    if (id == PGEVT_RESULTCREATE) {
        lc->created++;
        if (lc->created - lc->destroyed > lc->peak)
            lc->peak = lc->created - lc->destroyed;
    } else if (id == PGEVT_RESULTDESTROY) {
        lc->destroyed++;
    }
    return 1;
}

/* ---- tests ---------------------------------------------------------------- */

static void stream__no_rows__ends_at_once(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt all = {.name = "all_items",
                                 .sql = "SELECT id, name FROM {{tables.items}}"};
    pgc_error err = {0};
    pgc_stream *s;
    assert_ok(pgc_stream_open(f->db, &all, NULL, NULL, NULL, &s, &err), &err);
    pgc_result *row = (pgc_result *)1;
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_DONE);
    assert_null(row);
    assert_int_equal(err.code, PGC_OK); /* the end is no failure: err untouched */
    assert_string_equal(err.message, "");
    assert_int_equal(in_use(f->db), 0); /* given back at the end, before close */
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_DONE);
    assert_int_equal(err.code, PGC_OK);
    pgc_stream_close(s);
    pgc_stream_close(NULL);
}

static void stream__one_row__values(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt ins = {.name = "ins",
                                 .sql = "INSERT INTO {{tables.items}} VALUES (5000000000, 'x')"};
    pgc_error err = {0};
    assert_ok(pgc_query(f->db, &ins, NULL, NULL, NULL, NULL, &err), &err);
    /* binary results */
    static const pgc_stmt get = {
        .name = "get_bin", .sql = "SELECT id, name FROM {{tables.items}}", .result_format = 1};
    pgc_stream *s;
    assert_ok(pgc_stream_open(f->db, &get, NULL, NULL, NULL, &s, &err), &err);
    assert_int_equal(in_use(f->db), 1);
    pgc_result *row;
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    assert_int_equal(pgc_result_rows(row), 1);
    assert_int_equal(pgc_result_cols(row), 2);
    assert_string_equal(pgc_result_name(row, 1), "name");
    assert_int_equal(pgc_result_length(row, 0, 0), 8);
    const unsigned char *p = (const unsigned char *)pgc_result_value(row, 0, 0);
    uint64_t id = 0;
    for (int i = 0; i < 8; i++)
        id = id << 8 | p[i];
    assert_true(id == 5000000000ULL);
    assert_memory_equal(pgc_result_value(row, 0, 1), "x", 1);
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_DONE);
    assert_null(row);
    pgc_stream_close(s);
    assert_int_equal(in_use(f->db), 0);
}

/*
 * 100k rows: each value checked, and never more than one row result alive
 * (libpq's result events count them on the one connection).
 */
static void stream__100k_rows__memory_flat(void **state)
{
    fixture *f = *state;
    pgc_pool *pool;
    pgc_db *db;
    one_connection(f, &pool, &db);
    pgc_error err = {0};
    live_count lc = {0, 0, 0};
    PGconn *pg;
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    assert_true(PQregisterEventProc(pg, count_results, "live_count", &lc));
    pgc_pool_release(pool, pg);

    const char *n[] = {"100000"};
    pgc_stream *s;
    assert_ok(pgc_stream_open(db, &series, n, NULL, NULL, &s, &err), &err);
    pgc_result *row;
    int rc;
    long g = 0;
    char want[32];
    while ((rc = pgc_stream_next(s, &row, &err)) == PGC_OK) {
        g++;
        assert_int_equal(pgc_result_rows(row), 1);
        assert_int_equal(strtol(pgc_result_value(row, 0, 0), NULL, 10), g);
        snprintf(want, sizeof want, "row %ld", g);
        assert_string_equal(pgc_result_value(row, 0, 1), want);
        if (g % 7 == 0) {
            assert_true(pgc_result_is_null(row, 0, 2));
        } else {
            assert_false(pgc_result_is_null(row, 0, 2));
            assert_int_equal(strtol(pgc_result_value(row, 0, 2), NULL, 10), 2 * g);
        }
        assert_true(lc.created - lc.destroyed <= 1);
    }
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(g, 100000);
    pgc_stream_close(s);
    assert_true(lc.created >= 100000); /* the events did see the rows */
    assert_true(lc.peak <= 2);         /* a row, and at most the final result */
    assert_int_equal(lc.created, lc.destroyed);
    close_one_connection(pool, db);
}

/*
 * Closing a stream with rows left: on a one-connection pool the same
 * connection serves the next call (not retired), quickly (the statement
 * was canceled, not read to its end).
 */
static void stream__closed_early__connection_reused(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_pool *pool;
    pgc_db *db;
    one_connection(f, &pool, &db);
    static const pgc_stmt huge = {.name = "huge",
                                  .sql = "SELECT generate_series(1, 200000000) AS g"};
    static const pgc_stmt pid = {.name = "pid", .sql = "SELECT pg_backend_pid()"};
    long before = scalar_long(db, &pid);
    pgc_error err = {0};
    pgc_stream *s;
    time_t t0 = time(NULL);
    assert_ok(pgc_stream_open(db, &huge, NULL, NULL, NULL, &s, &err), &err);
    pgc_result *row;
    for (long i = 1; i <= 10; i++) {
        assert_ok(pgc_stream_next(s, &row, &err), &err);
        assert_int_equal(strtol(pgc_result_value(row, 0, 0), NULL, 10), i);
    }
    pgc_stream_close(s);
    assert_true(time(NULL) - t0 < 30); /* reading 200M rows would take minutes */
    assert_int_equal(scalar_long(db, &pid), before);
    assert_int_equal(scalar_long(db, &count_items), 0);
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.opened, 1);
    assert_int_equal(st.closed, 0);

    /* and on the fixture's db: closed after one row, then used again */
    assert_ok(pgc_stream_open(f->db, &huge, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    pgc_stream_close(s);
    assert_int_equal(in_use(f->db), 0);
    assert_int_equal(scalar_long(f->db, &count_items), 0);

    /* closed right after open, without reading a row */
    assert_ok(pgc_stream_open(db, &huge, NULL, NULL, NULL, &s, &err), &err);
    pgc_stream_close(s);
    assert_int_equal(scalar_long(db, &pid), before);
    close_one_connection(pool, db);
}

static void stream__in_transaction_scope(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt fill = {
        .name = "fill",
        .sql = "INSERT INTO {{tables.items}} SELECT g, 'n' || g FROM generate_series(1, 1000) g"};
    static const pgc_stmt ids = {.name = "ids",
                                 .sql = "SELECT id FROM {{tables.items}} ORDER BY id"};
    pgc_error err = {0};
    pgc_db *tx, *sp = NULL;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_query(tx, &fill, NULL, NULL, NULL, NULL, &err), &err);

    pgc_stream *s, *other;
    assert_ok(pgc_stream_open(tx, &ids, NULL, NULL, NULL, &s, &err), &err);
    /* the scope refuses everything else while the stream is open */
    assert_int_equal(pgc_query(tx, &count_items, NULL, NULL, NULL, NULL, &err), PGC_ETXSTATE);
    assert_non_null(strstr(err.message, "stream"));
    assert_int_equal(pgc_exec(tx, "SELECT 1", NULL, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_stream_open(tx, &ids, NULL, NULL, NULL, &other, &err), PGC_ETXSTATE);
    assert_null(other);
    assert_int_equal(pgc_tx_begin(tx, &sp, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_db_close(f->db), PGC_EBUSY);

    pgc_result *row;
    long n = 0;
    int rc;
    while ((rc = pgc_stream_next(s, &row, &err)) == PGC_OK)
        assert_int_equal(strtol(pgc_result_value(row, 0, 0), NULL, 10), ++n);
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(n, 1000); /* the scope's uncommitted rows */
    /* ended: the scope works again, even before the stream is closed */
    assert_int_equal(scalar_long(tx, &count_items), 1000);
    pgc_stream_close(s);

    /* closed early inside the scope: the rest is read, the transaction goes on */
    assert_ok(pgc_stream_open(tx, &ids, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    pgc_stream_close(s);
    assert_int_equal(scalar_long(tx, &count_items), 1000);

    /* a stream on a savepoint scope */
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_ok(pgc_stream_open(sp, &ids, NULL, NULL, NULL, &s, &err), &err);
    assert_int_equal(pgc_tx_commit(sp, &err), PGC_ETXSTATE);
    pgc_stream_close(s);
    assert_ok(pgc_tx_commit(sp, &err), &err);

    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_int_equal(scalar_long(f->db, &count_items), 1000);
}

/* A division by zero at row 50 000: 49 999 rows, then the error. */
static void stream__error_mid_stream__reported_then_usable(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt div = {
        .name = "div_at_50k", .sql = "SELECT g, 1 / (50000 - g) FROM generate_series(1, 100000) g"};
    pgc_error err = {0};
    pgc_stream *s;
    assert_ok(pgc_stream_open(f->db, &div, NULL, NULL, NULL, &s, &err), &err);
    pgc_result *row;
    long n = 0;
    int rc;
    while ((rc = pgc_stream_next(s, &row, &err)) == PGC_OK)
        n++;
    assert_int_equal(rc, PGC_ESQL);
    assert_int_equal(n, 49999);
    assert_string_equal(err.sqlstate, "22012");
    assert_string_equal(err.statement, "div_at_50k");
    assert_null(row);
    assert_int_equal(in_use(f->db), 0);
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_DONE);
    pgc_stream_close(s);
    assert_int_equal(scalar_long(f->db, &count_items), 0);

    /* inside a scope: the transaction is failed, commit rolls back */
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_stream_open(tx, &div, NULL, NULL, NULL, &s, &err), &err);
    while ((rc = pgc_stream_next(s, &row, &err)) == PGC_OK)
        ;
    assert_string_equal(err.sqlstate, "22012");
    pgc_stream_close(s);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(scalar_long(f->db, &count_items), 0);
}

static void stream__open_error__reported_with_position(void **state)
{
    fixture *f = *state;
    static const pgc_stmt bad = {.name = "missing", .sql = "SELECT x\nFROM {{tables.nowhere}}"};
    pgc_error err = {0};
    pgc_stream *s = (pgc_stream *)1;
    assert_int_equal(pgc_stream_open(f->db, &bad, NULL, NULL, NULL, &s, &err), PGC_ESQL);
    assert_null(s);
    assert_string_equal(err.sqlstate, "42P01");
    assert_string_equal(err.statement, "missing");
    assert_int_equal(err.line, 2);
    assert_int_equal(in_use(f->db), 0);
    assert_int_equal(pgc_stream_open(f->db, NULL, NULL, NULL, NULL, &s, &err), PGC_EINVAL);
    assert_int_equal(pgc_stream_open(f->db, &series, NULL, NULL, NULL, &s, &err), PGC_EINVAL);
}

/* A plan gone stale after ALTER TABLE: open prepares again and retries. */
static void stream__stale_statement__prepared_again(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_pool *pool;
    pgc_db *db;
    one_connection(f, &pool, &db);
    static const pgc_stmt star = {.name = "star", .sql = "SELECT * FROM {{tables.items}}"};
    static const pgc_stmt ins = {.name = "ins1",
                                 .sql = "INSERT INTO {{tables.items}} VALUES (1, 'a')"};
    pgc_error err = {0};
    assert_ok(pgc_query(db, &ins, NULL, NULL, NULL, NULL, &err), &err);
    pgc_stream *s;
    pgc_result *row;
    assert_ok(pgc_stream_open(db, &star, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    assert_int_equal(pgc_result_cols(row), 2);
    pgc_stream_close(s);
    assert_ok(pgc_exec(db, "ALTER TABLE {{tables.items}} ADD COLUMN extra int", NULL, &err),
              &err);
    assert_ok(pgc_stream_open(db, &star, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    assert_int_equal(pgc_result_cols(row), 3);
    pgc_stream_close(s);
    close_one_connection(pool, db);
}

/* ---- streams that change data: closed early, nothing stays ------------- */

/* A statement that changes items, and how to count what it changed. */
typedef struct dml_case {
    pgc_stmt stmt;
    pgc_stmt changed;   /* counts the rows it touched */
    long all;           /* that count once the stream is read to its end */
} dml_case;

static const dml_case dml_cases[] = {
    {{.name = "dml_delete", .sql = "DELETE FROM {{tables.items}} RETURNING id"},
     {.name = "dml_delete_n", .sql = "SELECT 1000 - count(*) FROM {{tables.items}}"},
     1000},
    {{.name = "dml_update", .sql = "UPDATE {{tables.items}} SET name = 'changed' RETURNING id"},
     {.name = "dml_update_n",
      .sql = "SELECT count(*) FROM {{tables.items}} WHERE name = 'changed'"},
     1000},
    {{.name = "dml_insert",
      .sql = "INSERT INTO {{tables.items}} SELECT g, 'new' FROM generate_series(1001, 1500) g"
             " RETURNING id"},
     {.name = "dml_insert_n", .sql = "SELECT count(*) FROM {{tables.items}} WHERE name = 'new'"},
     500},
    {{.name = "dml_cte",
      .sql = "WITH gone AS (DELETE FROM {{tables.items}} WHERE id > 10 RETURNING id)"
             " SELECT id FROM gone ORDER BY id"},
     {.name = "dml_cte_n", .sql = "SELECT 1000 - count(*) FROM {{tables.items}}"},
     990},
};

static void fill_items(pgc_db *db)
{
    pgc_error err = {0};
    assert_ok(pgc_exec(db,
                       "TRUNCATE {{tables.items}};"
                       "INSERT INTO {{tables.items}}"
                       " SELECT g, 'n' || g FROM generate_series(1, 1000) g",
                       NULL, &err),
              &err);
}

/* Opens k's stream on db, reads one row (or all of them) and closes it. */
static void run_dml(pgc_db *db, const dml_case *k, int to_end)
{
    pgc_error err = {0};
    pgc_stream *s;
    pgc_result *row;
    int rc;
    assert_ok(pgc_stream_open(db, &k->stmt, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    long n = 1;
    while (to_end && (rc = pgc_stream_next(s, &row, &err)) == PGC_OK)
        n++;
    if (to_end) {
        assert_int_equal(rc, PGC_DONE);
        assert_int_equal(n, k->all);
    }
    pgc_stream_close(s);
}

/* Every kind on db: closed after one row nothing stays; read to the end all does. */
static void dml_kinds_on(pgc_db *db)
{
    create_items(db);
    for (size_t i = 0; i < sizeof dml_cases / sizeof *dml_cases; i++) {
        const dml_case *k = &dml_cases[i];
        fill_items(db);
        run_dml(db, k, 0);
        assert_int_equal(in_use(db), 0);
        assert_int_equal(scalar_long(db, &k->changed), 0);
        run_dml(db, k, 1);
        assert_int_equal(scalar_long(db, &k->changed), k->all);

        /* in a transaction scope: the close undoes the statement, the scope goes on */
        pgc_error err = {0};
        pgc_db *tx;
        fill_items(db);
        assert_ok(pgc_tx_begin(db, &tx, &err), &err);
        run_dml(tx, k, 0);
        assert_int_equal(scalar_long(tx, &k->changed), 0);
        run_dml(tx, k, 1);
        assert_int_equal(scalar_long(tx, &k->changed), k->all);
        assert_ok(pgc_tx_rollback(tx, &err), &err);
        assert_int_equal(scalar_long(db, &k->changed), 0);
    }
}

/*
 * DELETE/UPDATE/INSERT ... RETURNING and a data-modifying WITH, streamed
 * and closed after the first row: PostgreSQL ran each to completion before
 * sending that row, and the close undoes it.  Embedded: in two schemas on
 * the one pool.
 */
static void stream__dml_closed_early__nothing_stays(void **state)
{
    fixture *f = *state;
    dml_kinds_on(f->db);
    if (f->mode == EMBEDDED) {
        pgc_error err = {0};
        pgc_db *other;
        assert_ok(pgc_db_attach(&other, f->pool, "lib2", &err), &err);
        dml_kinds_on(other);
        assert_int_equal(pgc_db_close(other), PGC_OK);
    }
}

/*
 * A data-changing stream whose COMMIT fails (a deferred unique constraint
 * is checked there): the end is that error, not PGC_DONE, and nothing
 * stays.  Before the guard, the autocommit's failure came after the rows
 * and was dropped: PGC_DONE with nothing stored.
 */
static void stream__dml_commit_fails__reported_at_the_end(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.uniq}} (n int UNIQUE DEFERRABLE INITIALLY DEFERRED)",
                       NULL, &err),
              &err);
    static const pgc_stmt twice = {
        .name = "twice",
        .sql = "INSERT INTO {{tables.uniq}} SELECT 1 FROM generate_series(1, 2) RETURNING n"};
    static const pgc_stmt count_uniq = {.name = "count_uniq",
                                        .sql = "SELECT count(*) FROM {{tables.uniq}}"};
    pgc_stream *s;
    pgc_result *row;
    assert_ok(pgc_stream_open(f->db, &twice, NULL, NULL, NULL, &s, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    assert_ok(pgc_stream_next(s, &row, &err), &err);
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_null(row);
    assert_int_equal(in_use(f->db), 0);
    assert_int_equal(pgc_stream_next(s, &row, &err), PGC_DONE);
    pgc_stream_close(s);
    assert_int_equal(scalar_long(f->db, &count_uniq), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(stream__no_rows__ends_at_once),
        BOTH_MODES(stream__one_row__values),
        BOTH_MODES(stream__100k_rows__memory_flat),
        BOTH_MODES(stream__closed_early__connection_reused),
        BOTH_MODES(stream__in_transaction_scope),
        BOTH_MODES(stream__error_mid_stream__reported_then_usable),
        BOTH_MODES(stream__open_error__reported_with_position),
        BOTH_MODES(stream__stale_statement__prepared_again),
        BOTH_MODES(stream__dml_closed_early__nothing_stays),
        BOTH_MODES(stream__dml_commit_fails__reported_at_the_end),
    };
    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
