/*
 * test_retry.c - which failures are worth another try (pgc_error_retry),
 * the retry policy (retry_timeout_ms, retry_delay_ms) on blocking calls,
 * and pgc_tx_run.  Failures are made for real: backends terminated from a
 * side connection, a database that refuses connections for a moment,
 * serialization failures and deadlocks between two threads.
 *
 * Each db-level case runs standalone (one db owning its pool) and
 * embedded (a host pool shared by two dbs in schemas "lib" and "lib2",
 * the case run on each).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

/* ---- the dbs a case runs on ------------------------------------------------ */

typedef struct dbs {
    pgc_pool *pool; /* embedded: the host's */
    pgc_db *db[2];
    int n;
} dbs;

/*
 * Opens the case's dbs on the fixture's database with the settings kv
 * (NAME, VALUE pairs, NULL-ended) over these: a dead backend is noticed
 * by the call that uses it, not by the pool's check (check_after_idle_ms).
 */
static void dbs_open(const fixture *f, dbs *d, const char *const *kv)
{
    pgc_config *cfg = fixture_config(f, "check_after_idle_ms", "600000", "max_connections", "4",
                                     NULL);
    pgc_error err = {0};
    for (; kv && *kv; kv += 2)
        assert_ok(pgc_config_set(cfg, kv[0], kv[1], &err), &err);
    memset(d, 0, sizeof *d);
    if (f->mode == STANDALONE) {
        assert_ok(pgc_db_open(&d->db[0], cfg, NULL, &err), &err);
        d->n = 1;
    } else {
        assert_ok(pgc_pool_open(&d->pool, cfg, &err), &err);
        assert_ok(pgc_db_attach(&d->db[0], d->pool, "lib", &err), &err);
        assert_ok(pgc_db_attach(&d->db[1], d->pool, "lib2", &err), &err);
        d->n = 2;
    }
    pgc_config_free(cfg);
}

static void dbs_close(dbs *d)
{
    for (int i = 0; i < d->n; i++)
        assert_int_equal(pgc_db_close(d->db[i]), PGC_OK);
    assert_int_equal(pgc_pool_close(d->pool), PGC_OK);
}

/* The policy on, bounded generously: the cases end by success. */
static const char *const policy_on[] = {"retry_timeout_ms", "20000", "retry_delay_ms", "5",
                                        NULL};

/* ---- statements ------------------------------------------------------------- */

static const pgc_stmt backend_pid_reads = {.name = "backend_pid",
                                           .sql = "SELECT pg_backend_pid()",
                                           .flags = PGC_STMT_READS};
static const pgc_stmt insert_item = {
    .name = "insert_item",
    .sql = "INSERT INTO {{tables.items}} (id, name) VALUES ($1::bigint, $2)",
    .nparams = 2};
static const pgc_stmt slow_insert = {
    .name = "slow_insert",
    .sql = "INSERT INTO {{tables.items}} (id, name) SELECT $1::bigint, 'slow' FROM "
           "pg_sleep(0.4)",
    .nparams = 1}; /* flags 0: a write */
static const pgc_stmt slow_read = {.name = "slow_read",
                                   .sql = "SELECT 7 FROM pg_sleep(0.4)",
                                   .flags = PGC_STMT_READS};
static const pgc_stmt always_conflict = {.name = "always_conflict",
                                         .sql = "SELECT {{schema}}.always_conflict()"};

static int backend_pid(pgc_db *db, pgc_error *err)
{
    pgc_result *res;
    int rc = pgc_query(db, &backend_pid_reads, NULL, NULL, NULL, &res, err);
    if (rc != PGC_OK)
        return -rc;
    int pid = atoi(pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    return pid;
}

static int insert(pgc_db *db, const char *id, const char *name, pgc_error *err)
{
    const char *values[] = {id, name};
    return pgc_query(db, &insert_item, values, NULL, NULL, NULL, err);
}

static void create_conflict_function(pgc_db *db)
{
    pgc_error err = {0};
    assert_ok(pgc_exec(db,
                       "CREATE FUNCTION {{schema}}.always_conflict() RETURNS int"
                       " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'always a conflict'"
                       " USING ERRCODE = '40001'; END $$",
                       NULL, &err),
              &err);
}

/* Counts the tries of statement `name` through the trace hook. */
typedef struct try_count {
    const char *name;
    int tries;
} try_count;

static void count_tries(const pgc_trace_event *ev, void *ud)
{
    try_count *t = ud;
    if (ev->statement && strcmp(ev->statement, t->name) == 0)
        t->tries++;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the side connection: terminating a backend -------------------------- */

static void side_exec(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        print_error("side connection: %s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
}

static void terminate(const fixture *f, int pid)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d, 5000)", pid);
    char *ok = fixture_scalar(f, sql);
    assert_string_equal(ok, "t");
    free(ok);
}

/*
 * A thread that waits (up to 10 s) for a statement whose text is LIKE
 * `pattern` to be running, and terminates its backend once.
 */
typedef struct killer {
    pthread_t thread;
    const char *conninfo;
    const char *pattern;
    int killed;
} killer;

static void *killer_main(void *arg)
{
    killer *k = arg;
    PGconn *pg = PQconnectdb(k->conninfo);
    const char *sql = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                      " WHERE query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()";
    for (int i = 0; i < 2000 && !k->killed && PQstatus(pg) == CONNECTION_OK; i++) {
        PGresult *res = PQexecParams(pg, sql, 1, NULL, &k->pattern, NULL, NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
            k->killed = PQntuples(res);
        PQclear(res);
        if (!k->killed)
            sleep_ms(5);
    }
    PQfinish(pg);
    return NULL;
}

static void killer_start(killer *k, const fixture *f, const char *pattern)
{
    k->conninfo = pgc_testdb_conninfo(f->tdb);
    k->pattern = pattern;
    k->killed = 0;
    assert_int_equal(pthread_create(&k->thread, NULL, killer_main, k), 0);
}

static int killer_join(killer *k)
{
    pthread_join(k->thread, NULL);
    return k->killed;
}

/* ---- pgc_error_retry --------------------------------------------------------- */

static pgc_retry class_of(int code, const char *sqlstate)
{
    pgc_error err = {0};
    err.code = code;
    snprintf(err.sqlstate, sizeof err.sqlstate, "%s", sqlstate);
    return pgc_error_retry(&err);
}

static void error_retry__classes__by_sqlstate_then_code(void **state)
{
    (void)state;
    static const struct {
        int code;
        const char *sqlstate;
        pgc_retry want;
    } cases[] = {
        /* by SQLSTATE, whatever the code */
        {PGC_ESQL, "40001", PGC_RETRY_TRANSACTION},
        {PGC_ESQL, "40P01", PGC_RETRY_TRANSACTION},
        {PGC_ETXSTATE, "40001", PGC_RETRY_TRANSACTION},
        {PGC_ESQL, "25006", PGC_RETRY_RECONNECT},
        {PGC_ECONNLOST, "57P03", PGC_RETRY_RECONNECT},
        {PGC_ECONNLOST, "08001", PGC_RETRY_RECONNECT},
        {PGC_ECONNLOST, "08004", PGC_RETRY_RECONNECT},
        {PGC_ECONNLOST, "08006", PGC_RETRY_UNKNOWN},
        {PGC_ECONNLOST, "08003", PGC_RETRY_UNKNOWN},
        {PGC_ECONNLOST, "08000", PGC_RETRY_UNKNOWN},
        {PGC_ECONNLOST, "08P01", PGC_RETRY_UNKNOWN},
        {PGC_ESQL, "08007", PGC_RETRY_UNKNOWN},
        {PGC_ECONNLOST, "57P01", PGC_RETRY_UNKNOWN},
        {PGC_ECONNLOST, "57P02", PGC_RETRY_UNKNOWN},
        /* by code */
        {PGC_ECONNECT, "", PGC_RETRY_RECONNECT},
        {PGC_ECONNECT, "57P01", PGC_RETRY_RECONNECT}, /* nothing was sent */
        {PGC_ECONNLOST, "", PGC_RETRY_UNKNOWN},
        /* no */
        {PGC_ETIMEDOUT, "", PGC_RETRY_NO},
        {PGC_ECANCELED, "57014", PGC_RETRY_NO},
        {PGC_ESQL, "23505", PGC_RETRY_NO},
        {PGC_ESQL, "42601", PGC_RETRY_NO},
        {PGC_ESQL, "57P04", PGC_RETRY_NO},
        {PGC_ESQL, "40002", PGC_RETRY_NO},
        {PGC_EINVAL, "", PGC_RETRY_NO},
        {PGC_ENOROW, "", PGC_RETRY_NO},
        {PGC_ETXSTATE, "", PGC_RETRY_NO},
        {PGC_OK, "", PGC_RETRY_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pgc_retry got = class_of(cases[i].code, cases[i].sqlstate);
        if (got != cases[i].want)
            print_error("case %zu: %s [%s]: %d, want %d\n", i, pgc_code_name(cases[i].code),
                        cases[i].sqlstate, got, cases[i].want);
        assert_int_equal(got, cases[i].want);
    }
    assert_int_equal(pgc_error_retry(NULL), PGC_RETRY_NO);
}

/*
 * A real connect failure (nothing listens) is PGC_ECONNECT, RECONNECT; the
 * policy tries again until retry_timeout_ms and says how many times.
 */
static void policy__connect_refused__retried_until_the_timeout(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", "host=127.0.0.1 port=1 connect_timeout=2", &err),
              &err);
    assert_ok(pgc_config_set(cfg, "min_connections", "0", &err), &err);
    pgc_db *db;
    assert_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    assert_int_equal(backend_pid(db, &err), -PGC_ECONNECT);
    assert_int_equal(pgc_error_retry(&err), PGC_RETRY_RECONNECT);
    assert_null(strstr(err.message, "tries")); /* the policy is off */
    assert_int_equal(pgc_db_close(db), PGC_OK);

    assert_ok(pgc_config_set(cfg, "retry_timeout_ms", "300", &err), &err);
    assert_ok(pgc_config_set(cfg, "retry_delay_ms", "10", &err), &err);
    assert_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    int64_t t0 = now_ms();
    assert_int_equal(backend_pid(db, &err), -PGC_ECONNECT);
    int64_t took = now_ms() - t0;
    assert_true(took >= 300 && took < 2000);
    int tries = 0;
    const char *at = strstr(err.message, "(after ");
    assert_non_null(at);
    assert_int_equal(sscanf(at, "(after %d tries", &tries), 1);
    assert_true(tries >= 4 && tries < 40); /* 10, 20, 40, 80, 160 ms... */
    assert_int_equal(pgc_db_close(db), PGC_OK);
    pgc_config_free(cfg);
}

/*
 * A connection lost while its session is set up (here an init statement
 * that terminates its own backend) fails the call with PGC_ECONNECT: the
 * call's statement was never sent, so even a write may be retried.
 */
static void connect__lost_during_session_setup__is_econnect(void **state)
{
    fixture *f = *state;
    static const char *const self_killing[] = {
        "min_connections", "0", "init", "SELECT pg_terminate_backend(pg_backend_pid())", NULL};
    dbs d;
    dbs_open(f, &d, self_killing);
    for (int i = 0; i < d.n; i++) {
        pgc_error err = {0};
        assert_int_equal(insert(d.db[i], "1", "never sent", &err), PGC_ECONNECT);
        assert_int_equal(pgc_error_retry(&err), PGC_RETRY_RECONNECT);
        assert_non_null(strstr(err.message, "init"));
    }
    dbs_close(&d);
}

/* ---- the policy on blocking calls ------------------------------------------- */

/* Runs the READS statement on each db after its pooled backend was killed. */
static int read_after_kill(const fixture *f, const char *const *kv, pgc_error *err)
{
    dbs d;
    dbs_open(f, &d, kv);
    int rc = PGC_OK;
    for (int i = 0; i < d.n && rc == PGC_OK; i++) {
        int pid = backend_pid(d.db[i], err);
        assert_true(pid > 0);
        terminate(f, pid);
        int again = backend_pid(d.db[i], err);
        if (again < 0)
            rc = -again;
        else
            assert_int_not_equal(again, pid);
    }
    dbs_close(&d);
    return rc;
}

static void policy__read_on_killed_backend__retried(void **state)
{
    fixture *f = *state;
    static const char *const one_conn[] = {"max_connections", "1", "retry_timeout_ms", "5000",
                                           NULL};
    static const char *const one_conn_off[] = {"max_connections", "1", NULL};
    pgc_error err = {0};
    assert_ok(read_after_kill(f, one_conn, &err), &err);
    assert_int_equal(read_after_kill(f, one_conn_off, &err), PGC_ECONNLOST);
    assert_int_equal(pgc_error_retry(&err), PGC_RETRY_UNKNOWN);
}

/*
 * A write whose backend is killed while it runs has an unknown outcome:
 * returned, not run again.  A read killed the same way is run again.
 */
static void policy__write_killed_mid_call__not_retried(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    for (int i = 0; i < d.n; i++) {
        pgc_db *db = d.db[i];
        fixture_create_items(db, 0, "");
        pgc_error err = {0};
        assert_ok(insert(db, "1", "a", &err), &err);
        assert_ok(insert(db, "2", "b", &err), &err);

        killer k;
        killer_start(&k, f, "INSERT%pg_sleep(0.4)%");
        const char *id[] = {"3"};
        int rc = pgc_query(db, &slow_insert, id, NULL, NULL, NULL, &err);
        assert_int_equal(killer_join(&k), 1);
        assert_int_equal(rc, PGC_ECONNLOST);
        assert_int_equal(pgc_error_retry(&err), PGC_RETRY_UNKNOWN);
        assert_null(strstr(err.message, "tries"));
        assert_int_equal(fixture_count_items(db), 2); /* exactly the acknowledged ones */

        killer_start(&k, f, "SELECT 7 FROM pg_sleep(0.4)");
        pgc_result *res;
        assert_ok(pgc_query(db, &slow_read, NULL, NULL, NULL, &res, &err), &err);
        assert_int_equal(killer_join(&k), 1);
        assert_string_equal(pgc_result_value(res, 0, 0), "7");
        pgc_result_free(res);
    }
    dbs_close(&d);
}

/* Gives connections back to the database after delay_ms (side connection). */
typedef struct reopener {
    pthread_t thread;
    PGconn *pg;
    const char *dbname;
    long delay_ms;
} reopener;

static void *reopener_main(void *arg)
{
    reopener *r = arg;
    sleep_ms(r->delay_ms);
    char sql[256];
    snprintf(sql, sizeof sql, "ALTER DATABASE \"%s\" ALLOW_CONNECTIONS true", r->dbname);
    side_exec(r->pg, sql);
    return NULL;
}

/*
 * A write that could not get a connection (the database refuses them for
 * a moment) never reached the server: retried, it lands once.
 */
static void policy__write_without_connection__retried_and_lands_once(void **state)
{
    fixture *f = *state;
    /* max_queries=1: no connection outlives its call, so each call connects. */
    static const char *const on[] = {"retry_timeout_ms", "20000", "retry_delay_ms", "10",
                                     "max_queries",      "1",     "min_connections", "0",
                                     NULL};
    static const char *const off[] = {"max_queries", "1", "min_connections", "0", NULL};
    dbs d, d_off;
    dbs_open(f, &d, on);
    dbs_open(f, &d_off, off);
    for (int i = 0; i < d.n; i++)
        fixture_create_items(d.db[i], 0, "");

    /* ALTER DATABASE from another database: not on the one it closes */
    char side[1024];
    snprintf(side, sizeof side, "%s dbname=postgres", pgc_testdb_conninfo(f->tdb));
    reopener r = {.pg = PQconnectdb(side),
                  .dbname = pgc_testdb_name(f->tdb),
                  .delay_ms = 300};
    assert_int_equal(PQstatus(r.pg), CONNECTION_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "ALTER DATABASE \"%s\" ALLOW_CONNECTIONS false", r.dbname);
    side_exec(r.pg, sql);

    pgc_error err = {0};
    assert_int_equal(insert(d_off.db[0], "1", "off", &err), PGC_ECONNECT);
    assert_int_equal(pgc_error_retry(&err), PGC_RETRY_RECONNECT);

    assert_int_equal(pthread_create(&r.thread, NULL, reopener_main, &r), 0);
    int64_t t0 = now_ms();
    for (int i = 0; i < d.n; i++)
        assert_ok(insert(d.db[i], "1", "on", &err), &err);
    assert_true(now_ms() - t0 >= 250); /* it waited for the database */
    pthread_join(r.thread, NULL);
    PQfinish(r.pg);
    for (int i = 0; i < d.n; i++)
        assert_int_equal(fixture_count_items(d.db[i]), 1);
    dbs_close(&d_off);
    dbs_close(&d);
}

/*
 * The policy gives up retry_timeout_ms after the first failure and returns
 * the last error, its message saying how many tries were made.
 */
static void policy__always_conflicting__gives_up_at_the_timeout(void **state)
{
    fixture *f = *state;
    static const char *const short_policy[] = {"retry_timeout_ms", "400", "retry_delay_ms", "20",
                                               NULL};
    dbs d;
    dbs_open(f, &d, short_policy);
    for (int i = 0; i < d.n; i++) {
        pgc_error err = {0};
        assert_ok(pgc_exec(d.db[i], "CREATE SCHEMA IF NOT EXISTS {{schema}}", NULL, &err), &err);
        create_conflict_function(d.db[i]);
        try_count t = {"always_conflict", 0};
        pgc_db_set_trace(d.db[i], count_tries, &t);
        int64_t t0 = now_ms();
        assert_int_equal(pgc_query(d.db[i], &always_conflict, NULL, NULL, NULL, NULL, &err),
                         PGC_ESQL);
        int64_t took = now_ms() - t0;
        pgc_db_set_trace(d.db[i], NULL, NULL);
        assert_string_equal(err.sqlstate, "40001");
        assert_true(took >= 400 && took < 3000);
        char want[64];
        snprintf(want, sizeof want, "(after %d tries in ", t.tries);
        if (!strstr(err.message, want))
            print_error("%s: want %s\n", err.message, want);
        assert_non_null(strstr(err.message, want));
        assert_non_null(strstr(err.message, "always a conflict"));
        assert_true(t.tries >= 4 && t.tries <= 12); /* 20, 40, 80, 160, 320 (clipped) */
    }
    dbs_close(&d);
}

/* A scope is not retried: the failure belongs to its transaction. */
static void policy__call_on_a_scope__not_retried(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    pgc_error err = {0};
    assert_ok(pgc_exec(d.db[0], "CREATE SCHEMA IF NOT EXISTS {{schema}}", NULL, &err), &err);
    create_conflict_function(d.db[0]);
    try_count t = {"always_conflict", 0};
    pgc_db_set_trace(d.db[0], count_tries, &t);
    pgc_db *tx;
    assert_ok(pgc_tx_begin(d.db[0], &tx, &err), &err);
    assert_int_equal(pgc_query(tx, &always_conflict, NULL, NULL, NULL, NULL, &err), PGC_ESQL);
    assert_int_equal(t.tries, 1);
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    pgc_db_set_trace(d.db[0], NULL, NULL);
    dbs_close(&d);
}

/* ---- pgc_tx_run ---------------------------------------------------------------- */

/* Write skew under SERIALIZABLE: each reads what the other writes. */
typedef struct skew {
    pgc_db *db;
    pthread_barrier_t *both_read;
    const char *reads, *writes, *id;
    int runs, rc;
    pgc_error err;
} skew;

static const pgc_stmt count_named = {.name = "count_named",
                                     .sql = "SELECT count(*) FROM {{tables.items}} WHERE name = $1",
                                     .nparams = 1,
                                     .flags = PGC_STMT_READS};

static int skew_body(pgc_db *tx, void *ud, pgc_error *err)
{
    skew *s = ud;
    int rc = pgc_exec(tx, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", NULL, err);
    if (rc != PGC_OK)
        return rc;
    if ((rc = pgc_query(tx, &count_named, &s->reads, NULL, NULL, NULL, err)) != PGC_OK)
        return rc;
    if (s->runs++ == 0)
        pthread_barrier_wait(s->both_read);
    return insert(tx, s->id, s->writes, err);
}

static void *skew_main(void *arg)
{
    skew *s = arg;
    s->rc = pgc_tx_run(s->db, skew_body, s, &s->err);
    return NULL;
}

/* Two threads run body(a), body(b) on db through pgc_tx_run; both must end. */
static void run_pair(void *a, void *b, void *(*fn)(void *))
{
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, fn, a), 0);
    assert_int_equal(pthread_create(&tb, NULL, fn, b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
}

static void tx_run__serialization_failure__both_commit(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    for (int i = 0; i < d.n; i++) {
        fixture_create_items(d.db[i], 0, "");
        pthread_barrier_t both;
        pthread_barrier_init(&both, NULL, 2);
        skew a = {.db = d.db[i], .both_read = &both, .reads = "b", .writes = "a", .id = "1"};
        skew b = {.db = d.db[i], .both_read = &both, .reads = "a", .writes = "b", .id = "2"};
        run_pair(&a, &b, skew_main);
        pthread_barrier_destroy(&both);
        assert_ok(a.rc, &a.err);
        assert_ok(b.rc, &b.err);
        assert_true(a.runs + b.runs >= 3); /* one of them ran again */
        assert_int_equal(fixture_count_items(d.db[i]), 2);
    }
    dbs_close(&d);
}

/* A deadlock: each updates one row, then the other's. */
typedef struct crossed {
    pgc_db *db;
    pthread_barrier_t *both_locked;
    const char *first, *second, *mark;
    int runs, rc;
    pgc_error err;
} crossed;

static const pgc_stmt append_mark = {
    .name = "append_mark",
    .sql = "UPDATE {{tables.items}} SET name = name || $2 WHERE id = $1::bigint",
    .nparams = 2};

static int crossed_body(pgc_db *tx, void *ud, pgc_error *err)
{
    crossed *c = ud;
    const char *first[] = {c->first, c->mark}, *second[] = {c->second, c->mark};
    int rc = pgc_query(tx, &append_mark, first, NULL, NULL, NULL, err);
    if (rc != PGC_OK)
        return rc;
    if (c->runs++ == 0)
        pthread_barrier_wait(c->both_locked);
    return pgc_query(tx, &append_mark, second, NULL, NULL, NULL, err);
}

static void *crossed_main(void *arg)
{
    crossed *c = arg;
    c->rc = pgc_tx_run(c->db, crossed_body, c, &c->err);
    return NULL;
}

static void tx_run__deadlock__both_commit(void **state)
{
    fixture *f = *state;
    static const char *const fast_deadlocks[] = {"retry_timeout_ms", "20000", "retry_delay_ms",
                                                 "5", "server.deadlock_timeout", "100ms",
                                                 NULL};
    dbs d;
    dbs_open(f, &d, fast_deadlocks);
    for (int i = 0; i < d.n; i++) {
        fixture_create_items(d.db[i], 2, "row");
        pthread_barrier_t both;
        pthread_barrier_init(&both, NULL, 2);
        crossed a = {.db = d.db[i], .both_locked = &both, .first = "1", .second = "2",
                     .mark = "+a"};
        crossed b = {.db = d.db[i], .both_locked = &both, .first = "2", .second = "1",
                     .mark = "+b"};
        run_pair(&a, &b, crossed_main);
        pthread_barrier_destroy(&both);
        assert_ok(a.rc, &a.err);
        assert_ok(b.rc, &b.err);
        assert_true(a.runs + b.runs >= 3);
        pgc_result *res;
        pgc_error err = {0};
        static const pgc_stmt names = {.name = "names",
                                       .sql = "SELECT string_agg(name, ',' ORDER BY id)"
                                              " FROM {{tables.items}}"};
        assert_ok(pgc_query(d.db[i], &names, NULL, NULL, NULL, &res, &err), &err);
        const char *v = pgc_result_value(res, 0, 0);
        /* both rows got both marks, the loser's last */
        if (strcmp(v, "row 1+a+b,row 2+a+b") != 0 && strcmp(v, "row 1+b+a,row 2+b+a") != 0)
            print_error("rows: %s\n", v);
        assert_true(strcmp(v, "row 1+a+b,row 2+a+b") == 0
                    || strcmp(v, "row 1+b+a,row 2+b+a") == 0);
        pgc_result_free(res);
    }
    dbs_close(&d);
}

/* A body that writes, then fails on its own: rolled back, run once. */
typedef struct counted {
    int runs;
    const char *id;
} counted;

static int refusing_body(pgc_db *tx, void *ud, pgc_error *err)
{
    counted *c = ud;
    c->runs++;
    int rc = insert(tx, c->id, "refused", err);
    if (rc != PGC_OK)
        return rc;
    return pgc_error_set(err, PGC_ENOROW, "body says no (run %d)", c->runs);
}

static void tx_run__body_error__rolled_back_not_retried(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    for (int i = 0; i < d.n; i++) {
        fixture_create_items(d.db[i], 0, "");
        counted c = {0, "1"};
        pgc_error err = {0};
        assert_int_equal(pgc_tx_run(d.db[i], refusing_body, &c, &err), PGC_ENOROW);
        assert_string_equal(err.message, "body says no (run 1)");
        assert_int_equal(c.runs, 1);
        assert_int_equal(fixture_count_items(d.db[i]), 0);
    }
    dbs_close(&d);
}

/* A body whose first run loses its connection before COMMIT. */
typedef struct lost_once {
    const fixture *f;
    int runs;
} lost_once;

static int lost_once_body(pgc_db *tx, void *ud, pgc_error *err)
{
    lost_once *l = ud;
    if (l->runs++ == 0) {
        killer k;
        killer_start(&k, l->f, "SELECT pg_sleep(0.4)");
        int rc = pgc_exec(tx, "SELECT pg_sleep(0.4)", NULL, err);
        killer_join(&k);
        if (rc != PGC_OK)
            return rc;
    }
    return insert(tx, "1", "landed", err);
}

static void tx_run__connection_lost_before_commit__retried(void **state)
{
    fixture *f = *state;
    dbs d, d_off;
    dbs_open(f, &d, policy_on);
    dbs_open(f, &d_off, NULL);
    for (int i = 0; i < d.n; i++) {
        fixture_create_items(d.db[i], 0, "");
        pgc_error err = {0};
        lost_once off = {f, 0};
        assert_int_equal(pgc_tx_run(d_off.db[i], lost_once_body, &off, &err), PGC_ECONNLOST);
        assert_int_equal(off.runs, 1);
        assert_null(strstr(err.message, "outcome"));
        assert_int_equal(fixture_count_items(d.db[i]), 0);

        lost_once on = {f, 0};
        assert_ok(pgc_tx_run(d.db[i], lost_once_body, &on, &err), &err);
        assert_int_equal(on.runs, 2);
        assert_int_equal(fixture_count_items(d.db[i]), 1);
    }
    dbs_close(&d_off);
    dbs_close(&d);
}

static int committing_body(pgc_db *tx, void *ud, pgc_error *err)
{
    counted *c = ud;
    c->runs++;
    return insert(tx, c->id, "committing", err);
}

/*
 * A connection lost while COMMIT runs (a deferred trigger makes it slow):
 * PGC_ECONNLOST, "outcome unknown", never run again.
 */
static void tx_run__connection_lost_during_commit__outcome_unknown(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    for (int i = 0; i < d.n; i++) {
        pgc_db *db = d.db[i];
        fixture_create_items(db, 0, "");
        pgc_error err = {0};
        assert_ok(pgc_exec(db,
                           "CREATE FUNCTION {{schema}}.slow_commit() RETURNS trigger"
                           " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.4); RETURN NULL;"
                           " END $$;"
                           "CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON {{tables.items}}"
                           " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                           " EXECUTE FUNCTION {{schema}}.slow_commit()",
                           NULL, &err),
                  &err);
        counted c = {0, "1"};
        killer k;
        killer_start(&k, f, "COMMIT");
        int rc = pgc_tx_run(db, committing_body, &c, &err);
        assert_int_equal(killer_join(&k), 1);
        assert_int_equal(rc, PGC_ECONNLOST);
        assert_int_equal(c.runs, 1);
        assert_non_null(strstr(err.message, "outcome is unknown"));
        assert_int_equal(fixture_count_items(db), 0); /* killed before it committed */
    }
    dbs_close(&d);
}

/* On a scope: one run in a savepoint; its failure is the caller's. */
static int savepoint_body(pgc_db *sp, void *ud, pgc_error *err)
{
    counted *c = ud;
    c->runs++;
    assert_int_equal(pgc_tx_depth(sp), 2);
    int rc = insert(sp, c->id, "in savepoint", err);
    if (rc != PGC_OK || strcmp(c->id, "2") != 0)
        return rc;
    return pgc_query(sp, &always_conflict, NULL, NULL, NULL, NULL, err); /* 40001 */
}

static void tx_run__on_a_scope__savepoint_no_retry(void **state)
{
    fixture *f = *state;
    dbs d;
    dbs_open(f, &d, policy_on);
    for (int i = 0; i < d.n; i++) {
        fixture_create_items(d.db[i], 0, "");
        create_conflict_function(d.db[i]);
        pgc_error err = {0};
        pgc_db *tx;
        assert_ok(pgc_tx_begin(d.db[i], &tx, &err), &err);
        counted ok = {0, "1"}, failing = {0, "2"};
        assert_ok(pgc_tx_run(tx, savepoint_body, &ok, &err), &err);
        assert_int_equal(pgc_tx_run(tx, savepoint_body, &failing, &err), PGC_ESQL);
        assert_string_equal(err.sqlstate, "40001");
        assert_int_equal(failing.runs, 1);
        assert_int_equal(pgc_tx_depth(tx), 1);
        assert_ok(insert(tx, "3", "after", &err), &err); /* the transaction goes on */
        assert_ok(pgc_tx_commit(tx, &err), &err);
        assert_int_equal(ok.runs, 1);
        assert_int_equal(fixture_count_items(d.db[i]), 2); /* 1 and 3, not 2 */
    }
    dbs_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_retry__classes__by_sqlstate_then_code),
        cmocka_unit_test(policy__connect_refused__retried_until_the_timeout),
        BOTH_MODES(connect__lost_during_session_setup__is_econnect),
        BOTH_MODES(policy__read_on_killed_backend__retried),
        BOTH_MODES(policy__write_killed_mid_call__not_retried),
        BOTH_MODES(policy__write_without_connection__retried_and_lands_once),
        BOTH_MODES(policy__always_conflicting__gives_up_at_the_timeout),
        BOTH_MODES(policy__call_on_a_scope__not_retried),
        BOTH_MODES(tx_run__serialization_failure__both_commit),
        BOTH_MODES(tx_run__deadlock__both_commit),
        BOTH_MODES(tx_run__body_error__rolled_back_not_retried),
        BOTH_MODES(tx_run__connection_lost_before_commit__retried),
        BOTH_MODES(tx_run__connection_lost_during_commit__outcome_unknown),
        BOTH_MODES(tx_run__on_a_scope__savepoint_no_retry),
    };
    return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
