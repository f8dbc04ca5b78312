/*
 * threads.c - a randomized multi-threaded workload on one pool, run under
 * ThreadSanitizer by `make tsan-check` (mk/tsan.mk), beside test_pool.
 *
 * test_pool's thread test repeats one call.  Here 8 threads, each with its
 * own random sequence, mix everything that touches shared state at once:
 * queries on one shared db over 40 distinct statements (the db's statement
 * cache grows and rehashes while other threads look statements up),
 * transactions committed or rolled back, raw acquire/release (some released
 * inside an open transaction, which the pool must roll back), dbs attached
 * and closed, and pool statistics read, on a pool of 3 connections recycled
 * every 5 statements, with an acquire timeout (5 ms) short enough that
 * some waits time out, so that path runs concurrently too.  Every call must
 * succeed or time out waiting for a connection; at the end nothing is
 * checked out, nobody waits, and the pool closes.  TSan reports any data
 * race or lock-order inversion on the way.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

enum { THREADS = 8, ROUNDS = 150, STMTS = 40 };

static pgc_stmt stmts[STMTS];
static char stmt_names[STMTS][16], stmt_sql[STMTS][32];

typedef struct worker {
    pgc_pool *pool;
    pgc_db *db;
    unsigned seed;
    int calls, timeouts, failures;
    pgc_error err; /* the first failure */
} worker;

/* Counts a call's outcome: OK, a timeout waiting for a connection, or a
 * failure (kept for the report). */
static void outcome(worker *w, int rc, const pgc_error *err)
{
    w->calls++;
    if (rc == PGC_ETIMEDOUT) {
        w->timeouts++;
    } else if (rc != PGC_OK) {
        if (w->failures++ == 0)
            w->err = *err;
    }
}

static int query(pgc_db *db, int i, pgc_error *err)
{
    pgc_result *res;
    int rc = pgc_query(db, &stmts[i], NULL, NULL, NULL, &res, err);
    if (rc == PGC_OK) {
        if (pgc_result_rows(res) != 1 || atoi(pgc_result_value(res, 0, 0)) != i)
            rc = PGC_EINVAL; /* a wrong answer is a failure too */
        pgc_result_free(res);
    }
    return rc;
}

static void transaction(worker *w)
{
    pgc_error err = {0};
    pgc_db *tx;
    int rc = pgc_tx_begin(w->db, &tx, &err);
    if (rc != PGC_OK) {
        outcome(w, rc, &err);
        return;
    }
    rc = query(tx, rand_r(&w->seed) % STMTS, &err);
    outcome(w, rc, &err);
    if (rc == PGC_OK && rand_r(&w->seed) % 2)
        rc = pgc_tx_commit(tx, &err);
    else
        rc = pgc_tx_rollback(tx, &err);
    outcome(w, rc, &err);
}

static void raw_connection(worker *w)
{
    pgc_error err = {0};
    PGconn *pg;
    int rc = pgc_pool_acquire(w->pool, &pg, &err);
    outcome(w, rc, &err);
    if (rc != PGC_OK)
        return;
    /* Half the time the connection goes back inside a transaction. */
    PGresult *res = PQexec(pg, rand_r(&w->seed) % 2 ? "BEGIN" : "SELECT 1");
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        w->failures++;
    PQclear(res);
    pgc_pool_release(w->pool, pg);
}

static void attached_db(worker *w, int n)
{
    pgc_error err = {0};
    char schema[32];
    snprintf(schema, sizeof schema, "t%d", n);
    pgc_db *db;
    int rc = pgc_db_attach(&db, w->pool, schema, &err);
    outcome(w, rc, &err);
    if (rc != PGC_OK)
        return;
    outcome(w, query(db, rand_r(&w->seed) % STMTS, &err), &err);
    outcome(w, pgc_db_close(db), &err);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        pgc_error err = {0};
        pgc_pool_stats st;
        switch (rand_r(&w->seed) % 6) {
        case 0:
        case 1:
            outcome(w, query(w->db, rand_r(&w->seed) % STMTS, &err), &err);
            break;
        case 2:
            transaction(w);
            break;
        case 3:
            raw_connection(w);
            break;
        case 4:
            attached_db(w, round);
            break;
        default:
            pgc_pool_stats_get(w->pool, &st);
            if (st.in_use < 0 || st.in_use > 3 || st.total > 3 || st.waiting < 0)
                w->failures++;
            break;
        }
    }
    return NULL;
}

static void threads__random_workload__no_failure(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < STMTS; i++) {
        snprintf(stmt_names[i], sizeof stmt_names[i], "s%d", i);
        snprintf(stmt_sql[i], sizeof stmt_sql[i], "SELECT %d", i);
        stmts[i] = (pgc_stmt){.name = stmt_names[i], .sql = stmt_sql[i]};
    }
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "3", "acquire_timeout_ms", "5",
                                     "max_queries", "5", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, "shared", &err), &err);

    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.pool = pool, .db = db, .seed = 1234u + (unsigned)i};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int calls = 0, timeouts = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        if (w[i].failures)
            print_error("thread %d: %d failures, first: %s\n", i, w[i].failures,
                        w[i].err.message);
        assert_int_equal(w[i].failures, 0);
        calls += w[i].calls;
        timeouts += w[i].timeouts;
    }
    print_message("%d calls, %d acquire timeouts\n", calls, timeouts);
    assert_true(calls > THREADS * ROUNDS / 2);

    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(st.attached, 1);
    assert_true(st.total <= 3);
    assert_true(st.closed > 0); /* max_queries recycled some */
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(threads__random_workload__no_failure,
                                                 fixture_setup, fixture_teardown,
                                                 (void *)&fixture_embedded),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
