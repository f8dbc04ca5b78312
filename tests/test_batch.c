/*
 * test_batch.c - calls queued and sent in pipeline mode (pgc_batch_*), in
 * both modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const pgc_stmt insert_item = {.name = "insert_item",
                                     .sql =
                                         "INSERT INTO {{tables.items}} (id, name) VALUES ($1, $2)",
                                     .nparams = 2};
static const pgc_stmt count_items = {.name = "count_items",
                                     .sql = "SELECT count(*) FROM {{tables.items}}"};

/* The items table, empty (fixture.c). */
static void create_items(pgc_db *db)
{
    fixture_create_items(db, 0, NULL);
}

#define count fixture_count_items

static int queue_insert(pgc_batch *b, long id, pgc_error *err)
{
    char idbuf[24], name[32];
    snprintf(idbuf, sizeof idbuf, "%ld", id);
    snprintf(name, sizeof name, "item %ld", id);
    const char *values[] = {idbuf, name};
    return pgc_batch_queue(b, &insert_item, values, NULL, NULL, err);
}

static void batch__1000_inserts__then_count(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    for (long i = 1; i <= 1000; i++)
        assert_ok(queue_insert(b, i, &err), &err);
    assert_int_equal(pgc_batch_count(b), 1000);
    pgc_result *res;
    int rc, n = 0;
    while ((rc = pgc_batch_next(b, &res, &err)) == PGC_OK) {
        n++;
        assert_true(pgc_result_affected(res) == 1);
        pgc_result_free(res);
    }
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(err.code, PGC_OK); /* the end is no failure: err untouched */
    assert_int_equal(n, 1000);
    assert_int_equal(queue_insert(b, 1001, &err), PGC_EINVAL); /* sent already */
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_int_equal(count(f->db), 1000);
    char *names = fixture_scalar(f, f->mode == EMBEDDED
                                        ? "SELECT name FROM lib.items WHERE id = 777"
                                        : "SELECT name FROM items WHERE id = 777");
    assert_string_equal(names, "item 777");
    free(names);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.closed, 0);
}

/*
 * The 3rd of 5 calls fails: calls 1-2 reported OK, 3 its error, 4-5 "not
 * run"; on a db the implicit transaction keeps nothing.
 */
static void batch__third_call_fails__rest_not_run_nothing_kept(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    queue_insert(b, 1, &err);
    queue_insert(b, 2, &err);
    queue_insert(b, 1, &err); /* duplicate key */
    queue_insert(b, 4, &err);
    queue_insert(b, 5, &err);
    assert_ok(pgc_batch_next(b, NULL, &err), &err);
    assert_ok(pgc_batch_next(b, NULL, &err), &err);
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "insert_item");
    for (int i = 4; i <= 5; i++) {
        pgc_result *res = (pgc_result *)1;
        assert_int_equal(pgc_batch_next(b, &res, &err), PGC_ESQL);
        assert_null(res);
        assert_string_equal(err.sqlstate, "");
        assert_non_null(strstr(err.message, "not run: call #3"));
    }
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_DONE);
    assert_ok(pgc_batch_end(b, &err), &err); /* every call was read */
    assert_int_equal(count(f->db), 0);       /* calls 1 and 2 rolled back too */

    /* pgc_batch_end alone reports the first failure */
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    queue_insert(b, 7, &err);
    queue_insert(b, 7, &err);
    queue_insert(b, 8, &err);
    assert_int_equal(pgc_batch_end(b, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_int_equal(count(f->db), 0);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.closed, 0);
}

/*
 * Selects come back in order, each with its rows; enough of them that the
 * results outgrow the socket buffers while calls are still being queued.
 */
static void batch__selects__rows_in_order(void **state)
{
    fixture *f = *state;
    static const pgc_stmt rows_of = {
        .name = "rows_of",
        .sql = "SELECT $1::int AS k, g, repeat('x', 20) FROM generate_series(1, 2000) g",
        .nparams = 1};
    pgc_error err = {0};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    for (int k = 0; k < 300; k++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", k);
        const char *values[] = {buf};
        assert_ok(pgc_batch_queue(b, &rows_of, values, NULL, NULL, &err), &err);
    }
    assert_ok(pgc_batch_send(b, &err), &err);
    for (int k = 0; k < 300; k++) {
        pgc_result *res;
        assert_ok(pgc_batch_next(b, &res, &err), &err);
        assert_int_equal(pgc_result_rows(res), 2000);
        assert_int_equal(strtol(pgc_result_value(res, 0, 0), NULL, 10), k);
        assert_int_equal(strtol(pgc_result_value(res, 1999, 1), NULL, 10), 2000);
        pgc_result_free(res);
    }
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_DONE);
    assert_ok(pgc_batch_end(b, &err), &err);
}

static void batch__in_transaction_scope(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_db *tx, *sp;
    pgc_batch *b, *other;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_batch_begin(tx, &b, &err), &err);
    assert_int_equal(pgc_query(tx, &count_items, NULL, NULL, NULL, NULL, &err), PGC_ETXSTATE);
    assert_non_null(strstr(err.message, "batch"));
    assert_int_equal(pgc_batch_begin(tx, &other, &err), PGC_ETXSTATE);
    assert_null(other);
    assert_int_equal(pgc_tx_begin(tx, &sp, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_tx_rollback(tx, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_db_close(f->db), PGC_EBUSY);
    for (long i = 1; i <= 100; i++)
        queue_insert(b, i, &err);
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_int_equal(count(tx), 100);
    assert_int_equal(count(f->db), 0); /* not committed: the scope's transaction */

    /* a failing batch in a savepoint: rolled back alone */
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_ok(pgc_batch_begin(sp, &b, &err), &err);
    queue_insert(b, 101, &err);
    queue_insert(b, 1, &err); /* duplicate */
    queue_insert(b, 102, &err);
    assert_int_equal(pgc_batch_end(b, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_ok(pgc_tx_rollback(sp, &err), &err);
    assert_int_equal(count(tx), 100);
    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_int_equal(count(f->db), 100);

    /* a failing batch in the transaction itself: the scope has failed */
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_batch_begin(tx, &b, &err), &err);
    queue_insert(b, 200, &err);
    queue_insert(b, 1, &err);
    assert_int_equal(pgc_batch_end(b, &err), PGC_ESQL);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(count(f->db), 100);
}

/*
 * Statements are prepared once per connection, inside the pipeline: two
 * batches and a pgc_query on a one-connection pool leave one prepared
 * statement.  A statement the server refuses fails its call, with the
 * position in the source, and the calls after it are not run.
 */
static void batch__prepared_once_and_bad_statement(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    for (int round = 0; round < 2; round++) {
        pgc_batch *b;
        assert_ok(pgc_batch_begin(db, &b, &err), &err);
        for (long i = 1; i <= 3; i++)
            queue_insert(b, round * 10 + i, &err);
        assert_ok(pgc_batch_end(b, &err), &err);
    }
    assert_int_equal(count(db), 6);
    static const pgc_stmt prepared = {
        .name = "list_prepared",
        .sql = "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'pgc_insert_item_%'"};
    pgc_result *res;
    assert_ok(pgc_query(db, &prepared, NULL, NULL, NULL, &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "1");
    pgc_result_free(res);

    static const pgc_stmt bad = {
        .name = "bad", .sql = "SELECT id\nFROM {{tables.items}}\nWHERE id = = $1", .nparams = 1};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(db, &b, &err), &err);
    queue_insert(b, 100, &err);
    const char *one[] = {"1"};
    assert_ok(pgc_batch_queue(b, &bad, one, NULL, NULL, &err), &err);
    queue_insert(b, 101, &err);
    assert_ok(pgc_batch_next(b, NULL, &err), &err);
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "42601");
    assert_string_equal(err.statement, "bad");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 12);
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_ESQL);
    assert_non_null(strstr(err.message, "not run: call #2 (\"bad\")"));
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_int_equal(count(db), 6);

    /* the connection survived all of it */
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.opened, 1);
    assert_int_equal(st.closed, 0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* After ALTER TABLE, a statement's plan is stale: its call in a batch
 * fails once, and the next batch prepares it again. */
static void batch__stale_statement__fails_once_then_prepared_again(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    static const pgc_stmt star = {.name = "star", .sql = "SELECT * FROM {{tables.items}}"};
    pgc_batch *b;
    pgc_result *res;
    assert_ok(pgc_batch_begin(db, &b, &err), &err);
    assert_ok(pgc_batch_queue(b, &star, NULL, NULL, NULL, &err), &err);
    assert_ok(pgc_batch_next(b, &res, &err), &err);
    assert_int_equal(pgc_result_cols(res), 2);
    pgc_result_free(res);
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_ok(pgc_exec(db, "ALTER TABLE {{tables.items}} ADD COLUMN extra int", NULL, &err),
              &err);
    assert_ok(pgc_batch_begin(db, &b, &err), &err);
    assert_ok(pgc_batch_queue(b, &star, NULL, NULL, NULL, &err), &err);
    assert_int_equal(pgc_batch_end(b, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "0A000");
    for (int round = 0; round < 2; round++) {
        assert_ok(pgc_batch_begin(db, &b, &err), &err);
        assert_ok(pgc_batch_queue(b, &star, NULL, NULL, NULL, &err), &err);
        assert_ok(pgc_batch_queue(b, &star, NULL, NULL, NULL, &err), &err);
        for (int i = 0; i < 2; i++) {
            assert_ok(pgc_batch_next(b, &res, &err), &err);
            assert_int_equal(pgc_result_cols(res), 3);
            pgc_result_free(res);
        }
        assert_ok(pgc_batch_end(b, &err), &err);
    }
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static void batch__empty_and_null(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    assert_int_equal(pgc_batch_next(b, NULL, &err), PGC_DONE);
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    assert_ok(pgc_batch_end(b, &err), &err);
    assert_int_equal(pgc_batch_end(NULL, &err), PGC_OK);
    assert_int_equal(pgc_batch_begin(NULL, &b, &err), PGC_EINVAL);
    assert_null(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(batch__1000_inserts__then_count),
        BOTH_MODES(batch__third_call_fails__rest_not_run_nothing_kept),
        BOTH_MODES(batch__selects__rows_in_order),
        BOTH_MODES(batch__in_transaction_scope),
        BOTH_MODES(batch__prepared_once_and_bad_statement),
        BOTH_MODES(batch__stale_statement__fails_once_then_prepared_again),
        BOTH_MODES(batch__empty_and_null),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
