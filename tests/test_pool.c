/*
 * test_pool.c - the pool and the dual-mode lifecycle: sharing, closing,
 * exhaustion, broken connections, recycling, threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "internal.h" /* pgc_fail_pq */

static const pgc_stmt backend_pid = {.name = "backend_pid", .sql = "SELECT pg_backend_pid()"};

static int pid_of(pgc_db *db, pgc_error *err)
{
    pgc_result *res;
    int rc = pgc_query(db, &backend_pid, NULL, NULL, NULL, &res, err);
    if (rc != PGC_OK)
        return -rc;
    int pid = atoi(pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    return pid;
}

/* Idle connections are checked every time they are handed out. */
static pgc_pool *open_pool(const fixture *f, const char *max, const char *timeout_ms)
{
    pgc_config *cfg = fixture_config(f, "max_connections", max, "acquire_timeout_ms",
                                     timeout_ms, "check_after_idle_ms", "0", NULL);
    pgc_pool *pool;
    pgc_error err = {0};
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    return pool;
}

static void pool__close_embedded_db__leaves_pool_and_others_working(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "2", "2000");
    pgc_db *a, *b;
    assert_ok(pgc_db_attach(&a, pool, "a", &err), &err);
    assert_ok(pgc_db_attach(&b, pool, "b", &err), &err);
    assert_true(pid_of(a, &err) > 0);
    assert_int_equal(pgc_db_close(a), PGC_OK);
    assert_true(pid_of(b, &err) > 0);
    pgc_db *c;
    assert_ok(pgc_db_attach(&c, pool, "c", &err), &err);
    assert_true(pid_of(c, &err) > 0);
    assert_int_equal(pgc_pool_close(pool), PGC_EBUSY); /* b and c attached */
    assert_int_equal(pgc_db_close(b), PGC_OK);
    assert_int_equal(pgc_db_close(c), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static void pool__close_with_connection_checked_out__is_busy(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "2", "2000");
    PGconn *pg;
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    assert_int_equal(pgc_pool_close(pool), PGC_EBUSY);
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.in_use, 1);
    pgc_pool_release(pool, pg);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* A connection given back with no thread waiting is parked outside the
 * lock (pool.c's hot slot): it still counts as idle, is handed out by
 * pgc_pool_acquire like any other (and found again by pgc_pool_release),
 * and closes with the pool. */
static void pool__parked_connection__counted_handed_out_and_closed(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "2", "300");
    PGconn *a, *b, *c;
    assert_ok(pgc_pool_acquire(pool, &a, &err), &err);
    assert_ok(pgc_pool_acquire(pool, &b, &err), &err);
    pgc_pool_release(pool, a);
    pgc_pool_release(pool, b);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, NULL, &err), &err);
    int pid = pid_of(db, &err); /* takes one and parks it */
    assert_true(pid > 0);
    assert_true(pid_of(db, &err) == pid); /* the parked one again */
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.total, 2);
    assert_int_equal(st.idle, 2);
    assert_int_equal(st.in_use, 0);
    assert_ok(pgc_pool_acquire(pool, &a, &err), &err);
    assert_ok(pgc_pool_acquire(pool, &b, &err), &err);
    assert_int_equal(pgc_pool_acquire(pool, &c, &err), PGC_ETIMEDOUT);
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.idle, 0);
    assert_int_equal(st.in_use, 2);
    assert_true(PQbackendPID(a) == pid || PQbackendPID(b) == pid);
    pgc_pool_release(pool, a);
    pgc_pool_release(pool, b);
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.idle, 2);
    assert_int_equal(st.in_use, 0);
    assert_true(pid_of(db, &err) > 0); /* parked again */
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pool__exhausted__times_out(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "2", "300");
    PGconn *c1, *c2, *c3 = (PGconn *)1;
    assert_ok(pgc_pool_acquire(pool, &c1, &err), &err);
    assert_ok(pgc_pool_acquire(pool, &c2, &err), &err);
    double t0 = now_s();
    assert_int_equal(pgc_pool_acquire(pool, &c3, &err), PGC_ETIMEDOUT);
    double waited = now_s() - t0;
    assert_null(c3);
    assert_int_equal(err.code, PGC_ETIMEDOUT);
    assert_non_null(strstr(err.message, "300 ms"));
    assert_true(waited >= 0.29); /* it did wait for the timeout, not fail at once */
    /* a db call on the exhausted pool fails the same way */
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, NULL, &err), &err);
    assert_int_equal(pid_of(db, &err), -PGC_ETIMEDOUT);
    pgc_pool_release(pool, c1);
    assert_true(pid_of(db, &err) > 0);
    pgc_pool_release(pool, c2);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* A backend killed by pg_terminate_backend is dropped and replaced. */
static void pool__killed_backend__is_replaced(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "1", "2000");
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    int pid = pid_of(db, &err);
    assert_true(pid > 0);

    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 5000)", pid);
    char *ok = fixture_scalar(f, sql);
    assert_string_equal(ok, "t");
    free(ok);

    int next = pid_of(db, &err);
    assert_true(next > 0);
    assert_int_not_equal(next, pid);
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_int_equal(st.total, 1);
    assert_true(st.closed >= 1);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* Within check_after_idle_ms of its last use a connection is handed out
 * unchecked: a backend killed then fails the next call, which retires it,
 * and the call after that gets a new one. */
static void pool__killed_within_check_window__one_call_fails(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "check_after_idle_ms", "600000",
                                     NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    int pid = pid_of(db, &err);
    assert_true(pid > 0);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 5000)", pid);
    free(fixture_scalar(f, sql));

    assert_int_equal(pid_of(db, &err), -PGC_ECONNLOST);
    int next = pid_of(db, &err);
    assert_true(next > 0);
    assert_int_not_equal(next, pid);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* Killed while checked out: the call fails, the pool recovers after it. */
static void pool__backend_killed_in_use__call_fails_then_recovers(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "1", "2000");
    pgc_db *db, *tx;
    assert_ok(pgc_db_attach(&db, pool, NULL, &err), &err);
    assert_ok(pgc_tx_begin(db, &tx, &err), &err);
    int pid = pid_of(tx, &err);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 5000)", pid);
    free(fixture_scalar(f, sql));
    assert_int_equal(pid_of(tx, &err), -PGC_ECONNLOST);
    assert_int_equal(pgc_tx_rollback(tx, &err), PGC_ECONNLOST);
    assert_true(pid_of(db, &err) > 0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static void pool__recycles_after_max_queries(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "max_queries", "3", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, NULL, &err), &err);
    int pids[6];
    for (int i = 0; i < 6; i++)
        assert_true((pids[i] = pid_of(db, &err)) > 0);
    assert_int_equal(pids[0], pids[2]);
    assert_int_not_equal(pids[2], pids[3]);
    assert_int_equal(pids[3], pids[5]);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static void pool__recycles_after_idle_time(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "max_idle_ms", "100", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, NULL, &err), &err);
    int a = pid_of(db, &err), b = pid_of(db, &err);
    assert_int_equal(a, b);
    struct timespec nap = {0, 250 * 1000000L};
    nanosleep(&nap, NULL);
    int c = pid_of(db, &err);
    assert_true(c > 0);
    assert_int_not_equal(b, c);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

typedef struct worker {
    pgc_db *db;
    int calls, ok;
    pgc_error err;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->calls; i++)
        if (pid_of(w->db, &w->err) > 0)
            w->ok++;
    return NULL;
}

/* 8 threads share 3 connections: every call gets one, none is lost. */
static void pool__threads__share_few_connections(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_pool *pool = open_pool(f, "3", "10000");
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    enum { N = 8 };
    pthread_t t[N];
    worker w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){.db = db, .calls = 200};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        if (w[i].ok != w[i].calls)
            print_error("thread %d: %s\n", i, w[i].err.message);
        assert_int_equal(w[i].ok, w[i].calls);
    }
    pgc_pool_stats st;
    pgc_pool_stats_get(pool, &st);
    assert_true(st.total <= 3);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* ---- configuration refused at open -------------------------------------------- */

static void config__server_settings__apply_to_each_connection(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "server.work_mem", "1234kB", "application_name",
                                     "billing", "init", "SET search_path TO pg_catalog",
                                     "statement_timeout_ms", "150", NULL);
    pgc_db *db;
    assert_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    static const pgc_stmt show = {
        .name = "show",
        .sql = "SELECT current_setting('work_mem'), current_setting('application_name'),"
               " current_setting('search_path'), current_setting('statement_timeout')"};
    pgc_result *res;
    assert_ok(pgc_query(db, &show, NULL, NULL, NULL, &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "1234kB");
    assert_string_equal(pgc_result_value(res, 0, 1), "billing");
    assert_string_equal(pgc_result_value(res, 0, 2), "pg_catalog");
    assert_string_equal(pgc_result_value(res, 0, 3), "150ms");
    pgc_result_free(res);
    static const pgc_stmt slow = {.name = "slow", .sql = "SELECT pg_sleep(2)"};
    assert_int_equal(pgc_query(db, &slow, NULL, NULL, NULL, NULL, &err), PGC_ECANCELED);
    assert_string_equal(err.sqlstate, "57014");
    assert_int_equal(pgc_db_close(db), PGC_OK);
}

static void config__bad_server_setting__refused_at_open(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "server.no_such_setting", "1", NULL);
    pgc_pool *pool = (pgc_pool *)1;
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_null(pool);
    assert_non_null(strstr(err.message, "no_such_setting"));
    pgc_config_free(cfg);

    cfg = fixture_config(f, "server.work_mem", "lots", NULL);
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_non_null(strstr(err.message, "work_mem"));
    pgc_config_free(cfg);

    cfg = fixture_config(f, "init", "SELEC 1", NULL);
    assert_int_not_equal(pgc_pool_open(&pool, cfg, &err), PGC_OK);
    assert_non_null(strstr(err.message, "init"));
    pgc_config_free(cfg);
}

static void config__unreachable_server__refused_at_open(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", "host=/nonexistent-pgc port=1", &err), &err);
    pgc_pool *pool;
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONNECT);
    assert_non_null(strstr(err.message, "could not connect"));
    pgc_config_free(cfg);
}

/* ---- what a holder of a raw connection leaves behind -------------------- */

/* What pgc_pool_acquire's user did to the PGconn before giving it back. */
typedef enum leftover {
    LEFT_PIPELINE_IDLE,     /* in pipeline mode, nothing sent */
    LEFT_PIPELINE_PENDING,  /* in pipeline mode, a query and a sync unread */
    LEFT_TRANSACTION,       /* BEGIN and an insert */
    LEFT_FAILED_TRANSACTION,
    LEFT_COPY_IN,           /* COPY ... FROM STDIN begun */
    LEFT_COPY_OUT,          /* COPY ... TO STDOUT begun */
    LEFT_RESULTS_UNREAD,    /* PQsendQuery, nothing read */
    LEFT_NONBLOCKING,
    LEFT_COUNT_
} leftover;

static void leave(PGconn *pg, leftover what)
{
    switch (what) {
    case LEFT_PIPELINE_IDLE:
        assert_int_equal(PQenterPipelineMode(pg), 1);
        break;
    case LEFT_PIPELINE_PENDING:
        assert_int_equal(PQenterPipelineMode(pg), 1);
        assert_int_equal(PQsendQueryParams(pg, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0), 1);
        assert_int_equal(PQpipelineSync(pg), 1);
        break;
    case LEFT_TRANSACTION:
        PQclear(PQexec(pg, "BEGIN"));
        PQclear(PQexec(pg, "INSERT INTO pool_left VALUES (1)"));
        assert_int_equal(PQtransactionStatus(pg), PQTRANS_INTRANS);
        break;
    case LEFT_FAILED_TRANSACTION:
        PQclear(PQexec(pg, "BEGIN"));
        PQclear(PQexec(pg, "INSERT INTO pool_left VALUES (1)"));
        PQclear(PQexec(pg, "SELECT 1 / 0"));
        assert_int_equal(PQtransactionStatus(pg), PQTRANS_INERROR);
        break;
    case LEFT_COPY_IN: {
        PGresult *res = PQexec(pg, "COPY pool_left FROM STDIN");
        assert_int_equal(PQresultStatus(res), PGRES_COPY_IN);
        PQclear(res);
        assert_int_equal(PQputCopyData(pg, "7\n", 2), 1);
        break;
    }
    case LEFT_COPY_OUT: {
        PGresult *res = PQexec(pg, "COPY (SELECT generate_series(1, 100000)) TO STDOUT");
        assert_int_equal(PQresultStatus(res), PGRES_COPY_OUT);
        PQclear(res);
        break;
    }
    case LEFT_RESULTS_UNREAD:
        assert_int_equal(PQsendQuery(pg, "SELECT pg_sleep(0.05); SELECT 2"), 1);
        break;
    case LEFT_NONBLOCKING:
        assert_int_equal(PQsetnonblocking(pg, 1), 0);
        break;
    case LEFT_COUNT_:
        break;
    }
}

/* Whether the pool may keep the connection (1) or must close it (0). */
static int kept_after(leftover what)
{
    return what == LEFT_PIPELINE_IDLE || what == LEFT_TRANSACTION
           || what == LEFT_FAILED_TRANSACTION || what == LEFT_NONBLOCKING;
}

/*
 * Every state a user of pgc_pool_acquire can leave a connection in: the
 * next call on the one-connection pool works, on a clean connection (the
 * same one when it could be made clean, a new one otherwise), and nothing
 * of the abandoned transaction or COPY stays.
 */
static void pool__released_dirty__next_call_clean(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    free(fixture_scalar(f, "CREATE TABLE pool_left (n int)"));
    for (int what = 0; what < LEFT_COUNT_; what++) {
        pgc_pool *pool = open_pool(f, "1", "2000");
        pgc_db *db;
        assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
        int pid = pid_of(db, &err);
        assert_true(pid > 0);
        PGconn *pg;
        assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
        leave(pg, (leftover)what);
        pgc_pool_release(pool, pg);

        int again = pid_of(db, &err);
        if (again <= 0)
            print_error("leftover %d: %s\n", what, err.message);
        assert_true(again > 0);
        assert_int_equal(again == pid, kept_after((leftover)what));
        assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
        assert_int_equal(PQpipelineStatus(pg), PQ_PIPELINE_OFF);
        assert_int_equal(PQisnonblocking(pg), 0);
        assert_int_equal(PQtransactionStatus(pg), PQTRANS_IDLE);
        pgc_pool_release(pool, pg);
        assert_int_equal(pid_of(db, &err), again);
        char *rows = fixture_scalar(f, "SELECT count(*) FROM pool_left");
        assert_string_equal(rows, "0");
        free(rows);
        pgc_pool_stats st;
        pgc_pool_stats_get(pool, &st);
        assert_int_equal(st.in_use, 0);
        assert_int_equal(st.total, 1);
        assert_int_equal(st.closed, kept_after((leftover)what) ? 0 : 1);
        assert_int_equal(pgc_db_close(db), PGC_OK);
        assert_int_equal(pgc_pool_close(pool), PGC_OK);
    }
}

/* Notifications libpq holds for the connection, read and freed. */
static int notifies_pending(PGconn *pg)
{
    int n = 0;
    PGnotify *nt;
    while ((nt = PQnotifies(pg))) {
        n++;
        PQfreemem(nt);
    }
    return n;
}

/*
 * A LISTEN left on a connection: the notifications its calls read are
 * freed on release, so none are pending at the next acquire (client
 * memory does not grow with them).  The idle check is not what frees
 * them: the connection is reused within check_after_idle_ms.
 */
static void pool__leftover_listen__notifications_not_kept(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "check_after_idle_ms", "60000",
                                     NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    PGconn *pg;
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    PQclear(PQexec(pg, "LISTEN pgc_left"));
    pgc_pool_release(pool, pg);
    for (int round = 0; round < 3; round++) {
        free(fixture_scalar(f, "SELECT count(pg_notify('pgc_left', g::text))"
                               " FROM generate_series(1, 1000) g"));
        assert_true(pid_of(db, &err) > 0); /* reads the 1000 notifications */
        assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
        assert_int_equal(notifies_pending(pg), 0);
        pgc_pool_release(pool, pg);
    }
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/*
 * reset=discard_all: what a connection's user changed in the session
 * (LISTEN, SET, a temporary table) is gone at the next acquire, while the
 * configured server settings stay and statements are prepared again.
 */
static void pool__reset_discard_all__session_clean(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", "reset", "discard_all",
                                     "server.work_mem", "7MB", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    int pid = pid_of(db, &err);
    PGconn *pg;
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    PQclear(PQexec(pg, "LISTEN pgc_left; SET statement_timeout = 1234;"
                       " CREATE TEMP TABLE pgc_tmp (n int)"));
    pgc_pool_release(pool, pg);
    assert_int_equal(pid_of(db, &err), pid); /* prepared again after the reset */
    assert_int_equal(pid_of(db, &err), pid);
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    PGresult *res = PQexec(pg, "SELECT (SELECT count(*) FROM pg_listening_channels()),"
                     " current_setting('statement_timeout'), current_setting('work_mem'),"
                     " to_regclass('pg_temp.pgc_tmp') IS NULL");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_string_equal(PQgetvalue(res, 0, 0), "0");
    assert_string_equal(PQgetvalue(res, 0, 1), "0");
    assert_string_equal(PQgetvalue(res, 0, 2), "7MB");
    assert_string_equal(PQgetvalue(res, 0, 3), "t");
    PQclear(res);
    pgc_pool_release(pool, pg);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* ---- a backend terminated while connecting ------------------------------ */

/*
 * A fake server on a Unix socket that accepts one connection, says
 * "authenticated, ready", then at once "FATAL: terminating connection"
 * and hangs up, as a backend terminated right after start-up does.
 */
typedef struct fake_server {
    int fd;
    char dir[64];
    pthread_t thread;
} fake_server;

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void *fake_serve(void *arg)
{
    fake_server *fs = arg;
    int c = accept(fs->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    unsigned char head[4], body[1024];
    if (read(c, head, 4) == 4) {
        uint32_t len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16
                       | (uint32_t)head[2] << 8 | head[3];
        size_t got = 0;
        while (len > 4 && got < len - 4 && got < sizeof body) {
            ssize_t r = read(c, body + got, len - 4 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
    }
    static const char fields[] = "SFATAL\0VFATAL\0C57P01\0"
                                 "Mterminating connection due to administrator command\0";
    unsigned char out[256];
    size_t n = 0;
    out[n++] = 'R';
    put32(out + n, 8);
    put32(out + n + 4, 0); /* AuthenticationOk */
    n += 8;
    out[n++] = 'Z';
    put32(out + n, 5);
    n += 4;
    out[n++] = 'I';
    out[n++] = 'E';
    put32(out + n, (uint32_t)(4 + sizeof fields)); /* fields, then the final NUL */
    n += 4;
    memcpy(out + n, fields, sizeof fields);
    n += sizeof fields;
    if (write(c, out, n) != (ssize_t)n)
        print_error("fake server: short write\n");
    close(c);
    return NULL;
}

static void fake_start(fake_server *fs, int port)
{
    snprintf(fs->dir, sizeof fs->dir, "/tmp/pgc-fake-XXXXXX");
    assert_non_null(mkdtemp(fs->dir));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/.s.PGSQL.%d", fs->dir, port);
    fs->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fs->fd >= 0);
    assert_int_equal(bind(fs->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fs->fd, 4), 0);
    assert_int_equal(pthread_create(&fs->thread, NULL, fake_serve, fs), 0);
}

static void fake_stop(fake_server *fs, int port)
{
    pthread_join(fs->thread, NULL);
    close(fs->fd);
    char path[128];
    snprintf(path, sizeof path, "%s/.s.PGSQL.%d", fs->dir, port);
    unlink(path);
    rmdir(fs->dir);
}

/*
 * libpq reads the FATAL after ReadyForQuery while still connecting and
 * hands it to the notice processor: the pool's must be in place by then,
 * so nothing reaches stderr.  Standalone (pgc_db_open) and embedded
 * (pgc_pool_open).
 */
static void connect__backend_terminated__nothing_on_stderr(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        fake_server fs;
        fake_start(&fs, 5999);
        char conninfo[160];
        snprintf(conninfo, sizeof conninfo, "host=%s port=5999 user=u dbname=d", fs.dir);
        pgc_config *cfg = pgc_config_new();
        pgc_error err = {0};
        assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);

        char path[] = "/tmp/pgc-stderr-XXXXXX";
        int tmp = mkstemp(path);
        assert_true(tmp >= 0);
        unlink(path);
        fflush(stderr);
        int saved = dup(2);
        dup2(tmp, 2);
        pgc_pool *pool = NULL;
        pgc_db *db = NULL;
        int rc = mode == 0 ? pgc_db_open(&db, cfg, NULL, &err)
                           : pgc_pool_open(&pool, cfg, &err);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        char printed[512] = "";
        ssize_t n = pread(tmp, printed, sizeof printed - 1, 0);
        close(tmp);
        if (n > 0)
            printed[n] = '\0';
        assert_string_equal(printed, "");
        /* the connection looked made; its first use finds it gone */
        assert_int_equal(rc, PGC_OK);
        assert_int_equal(pgc_db_close(db), PGC_OK);
        assert_int_equal(pgc_pool_close(pool), PGC_OK);
        pgc_config_free(cfg);
        fake_stop(&fs, 5999);
    }
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/*
 * An error result without SQLSTATE on a connection libpq still calls good
 * (as after a failed write, which libpq notes only in its message) whose
 * server is gone: pgc_fail_pq probes the connection and says PGC_ECONNLOST,
 * not PGC_EINVAL ("libpq refused the call").  The fake server hangs up
 * right after start-up.
 */
static void fail_pq__no_sqlstate_on_a_closed_connection__is_connlost(void **state)
{
    (void)state;
    fake_server fs;
    fake_start(&fs, 5998);
    char conninfo[160];
    snprintf(conninfo, sizeof conninfo, "host=%s port=5998 user=u dbname=d", fs.dir);
    PGconn *pg = PQconnectdb(conninfo);
    assert_non_null(pg);
    PQsetNoticeProcessor(pg, quiet_notice, NULL);
    fake_stop(&fs, 5998); /* the server has written and hung up */
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PGresult *res = PQmakeEmptyPGresult(pg, PGRES_FATAL_ERROR);
    pgc_error err = {0};
    assert_int_equal(pgc_fail_pq(&err, pg, res, "probe"), PGC_ECONNLOST);
    assert_int_equal(err.code, PGC_ECONNLOST);
    assert_int_equal(PQstatus(pg), CONNECTION_BAD);
    PQclear(res);
    PQfinish(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(pool__close_embedded_db__leaves_pool_and_others_working),
        BOTH_MODES(pool__close_with_connection_checked_out__is_busy),
        BOTH_MODES(pool__parked_connection__counted_handed_out_and_closed),
        BOTH_MODES(pool__exhausted__times_out),
        BOTH_MODES(pool__killed_backend__is_replaced),
        BOTH_MODES(pool__backend_killed_in_use__call_fails_then_recovers),
        BOTH_MODES(pool__killed_within_check_window__one_call_fails),
        BOTH_MODES(pool__recycles_after_max_queries),
        BOTH_MODES(pool__recycles_after_idle_time),
        BOTH_MODES(pool__threads__share_few_connections),
        BOTH_MODES(pool__released_dirty__next_call_clean),
        BOTH_MODES(pool__leftover_listen__notifications_not_kept),
        BOTH_MODES(pool__reset_discard_all__session_clean),
        BOTH_MODES(config__server_settings__apply_to_each_connection),
        BOTH_MODES(config__bad_server_setting__refused_at_open),
        cmocka_unit_test(config__unreachable_server__refused_at_open),
        cmocka_unit_test(connect__backend_terminated__nothing_on_stderr),
        cmocka_unit_test(fail_pq__no_sqlstate_on_a_closed_connection__is_connlost),
    };
    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
