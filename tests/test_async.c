/*
 * test_async.c - non-blocking calls (pgc_async, pgc_call), their
 * transactions and pipes (pgc_pipe_*), in both modes: standalone, and
 * embedded (schema "lib", and where a test says so a second db in schema
 * "other" on the same pool).
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "pgc_gen.h"

static const pgc_stmt get_item = {
    .name = "get_item",
    .sql = "SELECT id, name, pg_backend_pid() FROM {{tables.items}} WHERE id = $1",
    .nparams = 1};
static const pgc_stmt insert_item = {.name = "insert_item",
                                     .sql =
                                         "INSERT INTO {{tables.items}} (id, name) VALUES ($1, $2)",
                                     .nparams = 2};
static const pgc_stmt count_items = {.name = "count_items",
                                     .sql = "SELECT count(*) FROM {{tables.items}}"};
static const pgc_stmt divide = {.name = "divide", .sql = "SELECT 100 / $1::int", .nparams = 1};
static const pgc_stmt sleep_for = {
    .name = "sleep_for", .sql = "SELECT pg_sleep($1::float8), pg_backend_pid()", .nparams = 1};
static const pgc_stmt backend_pid = {.name = "backend_pid", .sql = "SELECT pg_backend_pid()"};
static const pgc_stmt no_such_table = {
    .name = "no_such_table", .sql = "SELECT x FROM {{tables.nowhere}} WHERE x = $1", .nparams = 1};

#define create_items fixture_create_items

#define count fixture_count_items

static int send1(pgc_async *a, const pgc_stmt *stmt, const char *value, pgc_call **out,
                 pgc_error *err)
{
    const char *values[] = {value};
    return pgc_async_query(a, stmt, value ? values : NULL, NULL, NULL, out, err);
}

static int send_int(pgc_async *a, const pgc_stmt *stmt, long v, pgc_call **out, pgc_error *err)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", v);
    return send1(a, stmt, buf, out, err);
}

static int send_insert(pgc_async *a, long id, pgc_call **out, pgc_error *err)
{
    char idbuf[24], name[32];
    snprintf(idbuf, sizeof idbuf, "%ld", id);
    snprintf(name, sizeof name, "item %ld", id);
    const char *values[] = {idbuf, name};
    return pgc_async_query(a, &insert_item, values, NULL, NULL, out, err);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Completion log: which calls completed, in what order, how many times. */
typedef struct done_log {
    pgc_call *order[512];
    int n;
} done_log;

static void log_done(pgc_call *call, void *ud)
{
    done_log *log = ud;
    assert_true(pgc_call_done(call));
    if (log->n < 512)
        log->order[log->n] = call;
    log->n++;
}

static int times_done(const done_log *log, const pgc_call *call)
{
    int n = 0;
    for (int i = 0; i < log->n && i < 512; i++)
        n += log->order[i] == call;
    return n;
}

static void assert_pool_idle(pgc_db *db)
{
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(db), &st);
    assert_int_equal(st.in_use, 0);
}

/* ---- many calls in flight ------------------------------------------------ */

/*
 * n calls of get_item over `conns` connections of db (rows labelled
 * `label`): every result right, completion in send order per backend.
 */
static void many_calls(pgc_db *db, int conns, int n, const char *label)
{
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = conns};
    assert_ok(pgc_async_open(db, &opt, &a, &err), &err);
    pgc_call **calls = calloc((size_t)n, sizeof *calls);
    done_log *log = calloc(1, sizeof *log);
    assert_non_null(calls);
    assert_non_null(log);
    for (int i = 0; i < n; i++) {
        assert_ok(send_int(a, &get_item, i + 1, &calls[i], &err), &err);
        pgc_call_on_done(calls[i], log_done, log);
    }
    assert_true(pgc_async_pending(a) > 0);
    assert_ok(pgc_async_wait(a, 30000, &err), &err);
    assert_int_equal(pgc_async_pending(a), 0);
    assert_int_equal(log->n, n);
    int pids[16] = {0}, npids = 0;
    int last_on[16];
    for (int i = 0; i < n; i++) {
        assert_int_equal(times_done(log, calls[i]), 1);
        pgc_result *res;
        assert_ok(pgc_call_result(calls[i], &res, &err), &err);
        assert_int_equal(pgc_result_rows(res), 1);
        assert_int_equal(atoi(pgc_result_value(res, 0, 0)), i + 1);
        char name[64];
        snprintf(name, sizeof name, "%s %d", label, i + 1);
        assert_string_equal(pgc_result_value(res, 0, 1), name);
        int pid = atoi(pgc_result_value(res, 0, 2)), k;
        for (k = 0; k < npids && pids[k] != pid; k++)
            ;
        if (k == npids) {
            assert_true(npids < 16);
            pids[npids++] = pid;
            last_on[k] = -1;
        }
        /* in order per connection: position in the completion log grows */
        int pos;
        for (pos = 0; pos < log->n && log->order[pos] != calls[i]; pos++)
            ;
        assert_true(pos > last_on[k]);
        last_on[k] = pos;
        pgc_result_free(res);
        assert_int_equal(pgc_call_result(calls[i], &res, &err), PGC_EINVAL); /* taken */
        pgc_call_free(calls[i]);
    }
    assert_int_equal(npids, conns); /* spread over every connection */
    pgc_async_close(a);
    free(calls);
    free(log);
}

static void async__200_calls_over_1_and_4_connections__in_order(void **state)
{
    fixture *f = *state;
    create_items(f->db, 200, "item");
    many_calls(f->db, 1, 200, "item");
    many_calls(f->db, 4, 200, "item");
    assert_pool_idle(f->db);
    if (f->mode == EMBEDDED) {
        /* a second library on the same pool: its own schema, its own rows */
        pgc_db *other;
        pgc_error err = {0};
        assert_ok(pgc_db_attach(&other, f->pool, "other", &err), &err);
        create_items(other, 50, "other");
        many_calls(other, 2, 50, "other");
        many_calls(f->db, 2, 50, "item");
        assert_int_equal(pgc_db_close(other), PGC_OK);
    }
    assert_pool_idle(f->db);
}

/* ---- failures ------------------------------------------------------------ */

static void async__failure_in_the_middle__others_fine(void **state)
{
    fixture *f = *state;
    create_items(f->db, 10, "item");
    pgc_error err = {0};
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    /* 100/1, 100/2, 100/0 (fails), 100/4, 100/5 */
    pgc_call *calls[5];
    for (int i = 0; i < 5; i++)
        assert_ok(send_int(a, &divide, i == 2 ? 0 : i + 1, &calls[i], &err), &err);
    /* a statement that cannot be prepared, twice (the second relies on the
       first's Parse), between good calls */
    pgc_call *bad1, *bad2, *good;
    assert_ok(send_int(a, &no_such_table, 1, &bad1, &err), &err);
    assert_ok(send_int(a, &no_such_table, 2, &bad2, &err), &err);
    assert_ok(send_int(a, &get_item, 7, &good, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    for (int i = 0; i < 5; i++) {
        pgc_error e = {0};
        if (i == 2) {
            assert_int_equal(pgc_call_status(calls[i], &e), PGC_ESQL);
            assert_string_equal(e.sqlstate, "22012");
            assert_string_equal(e.statement, "divide");
        } else {
            assert_ok(pgc_call_status(calls[i], &e), &e);
            pgc_result *res;
            assert_ok(pgc_call_result(calls[i], &res, &e), &e);
            assert_int_equal(atoi(pgc_result_value(res, 0, 0)), 100 / (i + 1));
            pgc_result_free(res);
        }
        pgc_call_free(calls[i]);
    }
    assert_int_equal(pgc_call_status(bad1, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "42P01");
    assert_int_equal(pgc_call_status(bad2, &err), PGC_ESQL);
    assert_ok(pgc_call_status(good, &err), &err);
    pgc_call_free(bad1);
    pgc_call_free(bad2);
    pgc_call_free(good);
    /* the connection still knows what it prepared: more calls work */
    for (int i = 0; i < 3; i++)
        assert_ok(send_int(a, &get_item, i + 1, &calls[i], &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    for (int i = 0; i < 3; i++) {
        assert_ok(pgc_call_status(calls[i], &err), &err);
        pgc_call_free(calls[i]);
    }
    /* a statement that cannot be rendered fails at send: nothing sent */
    static const pgc_stmt bad_template = {.name = "bad_template",
                                          .sql = "SELECT * FROM {{tables.}}"};
    pgc_call *none = (pgc_call *)1;
    assert_int_not_equal(pgc_async_query(a, &bad_template, NULL, NULL, NULL, &none, &err), PGC_OK);
    assert_null(none);
    assert_int_equal(pgc_async_pending(a), 0);
    pgc_async_close(a);
    assert_pool_idle(f->db);
}

/* ---- cancel and timeout ------------------------------------------------------ */

static void async__cancel_running_and_queued(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    done_log log = {0};
    pgc_call *slow, *after;
    int64_t t0 = now_ms();
    assert_ok(send1(a, &sleep_for, "30", &slow, &err), &err);
    assert_ok(send1(a, &backend_pid, NULL, &after, &err), &err);
    pgc_call_on_done(slow, log_done, &log);
    pgc_call_on_done(after, log_done, &log);
    /* let the server start the sleep */
    assert_int_equal(pgc_async_wait(a, 300, &err), PGC_ETIMEDOUT);
    assert_false(pgc_call_done(slow));
    assert_int_equal(pgc_call_status(slow, &err), PGC_EBUSY);
    pgc_call_cancel(slow);
    assert_true(pgc_call_done(slow)); /* completes at once */
    assert_int_equal(times_done(&log, slow), 1);
    assert_int_equal(pgc_call_status(slow, &err), PGC_ECANCELED);
    pgc_call_cancel(slow); /* nothing more */
    assert_int_equal(times_done(&log, slow), 1);
    /* the server stopped it: the call queued behind runs at once */
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_true(now_ms() - t0 < 10000);
    assert_ok(pgc_call_status(after, &err), &err);
    assert_int_equal(times_done(&log, after), 1);
    pgc_call_free(slow);
    pgc_call_free(after);
    log.n = 0; /* the freed calls' addresses may come back */

    /* a queued call: completes now, the one running goes on */
    pgc_call *running, *queued, *freed;
    assert_ok(send1(a, &sleep_for, "0.5", &running, &err), &err);
    assert_ok(send1(a, &backend_pid, NULL, &queued, &err), &err);
    assert_ok(send1(a, &backend_pid, NULL, &freed, &err), &err);
    pgc_call_on_done(queued, log_done, &log);
    pgc_call_on_done(freed, log_done, &log);
    pgc_call_cancel(queued);
    assert_int_equal(pgc_call_status(queued, &err), PGC_ECANCELED);
    pgc_call_free(freed); /* cancelled silently: no done function */
    assert_int_equal(times_done(&log, freed), 0);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(running, &err), &err);
    assert_int_equal(times_done(&log, queued), 1);
    pgc_call_free(running);
    pgc_call_free(queued);
    /* the race the cancel request has: a call that ended on the server but
       whose result is not read yet; the request hits the call after it */
    pgc_call *ended, *victim;
    pgc_result *res;
    assert_ok(send1(a, &backend_pid, NULL, &ended, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_result(ended, &res, &err), &err);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND state = 'active' "
             "AND query LIKE '%%pg_sleep%%'", pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    pgc_call_free(ended);
    assert_ok(send1(a, &backend_pid, NULL, &ended, &err), &err);
    assert_ok(send1(a, &sleep_for, "5", &victim, &err), &err);
    /* nothing processed: ended's result waits unread while the server sleeps */
    char *running_now = NULL;
    for (int64_t t2 = now_ms(); now_ms() - t2 < 5000; ) {
        free(running_now);
        running_now = fixture_scalar(f, sql);
        if (strcmp(running_now, "1") == 0)
            break;
    }
    assert_string_equal(running_now, "1");
    free(running_now);
    pgc_call_cancel(ended);
    int64_t t1 = now_ms();
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_true(now_ms() - t1 < 4000);
    assert_int_equal(pgc_call_status(victim, &err), PGC_ECANCELED);
    assert_non_null(strstr(err.message, "arrived after that call ended"));
    pgc_call_free(ended);
    pgc_call_free(victim);
    /* the connection is fine */
    pgc_call *c;
    assert_ok(send1(a, &backend_pid, NULL, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(c, &err), &err);
    pgc_call_free(c);
    pgc_async_close(a);
    assert_pool_idle(f->db);
}

static void async__timeout__call_completes_and_connection_serves_on(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 1, .timeout_ms = 200};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *slow, *fast;
    int64_t t0 = now_ms();
    assert_ok(send1(a, &sleep_for, "30", &slow, &err), &err);
    int64_t t = pgc_async_timeout(a);
    assert_true(t > 0 && t <= 200);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(pgc_call_status(slow, &err), PGC_ETIMEDOUT);
    assert_true(now_ms() - t0 < 5000);
    assert_int_equal(pgc_async_timeout(a), -1);
    assert_ok(send1(a, &backend_pid, NULL, &fast, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(fast, &err), &err);
    pgc_call_free(slow);
    pgc_call_free(fast);
    pgc_async_close(a);

    /* pgc_call_set_timeout on an async without one */
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    assert_ok(send1(a, &sleep_for, "30", &slow, &err), &err);
    assert_int_equal(pgc_async_timeout(a), -1);
    pgc_call_set_timeout(slow, 100);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(pgc_call_status(slow, &err), PGC_ETIMEDOUT);
    pgc_call_free(slow);
    pgc_async_close(a);
    assert_pool_idle(f->db);
}

/* ---- a backend killed mid-flight ---------------------------------------------- */

static char *terminate(const fixture *f, int pid)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", pid);
    return fixture_scalar(f, sql);
}

static void async__backend_killed__its_calls_lost_others_fine(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 2};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *calls[20];
    done_log log = {0};
    for (int i = 0; i < 20; i++) {
        assert_ok(send1(a, &sleep_for, "0.1", &calls[i], &err), &err);
        pgc_call_on_done(calls[i], log_done, &log);
    }
    /* the first call's backend, once it has answered */
    for (int64_t t0 = now_ms(); !pgc_call_done(calls[0]) && now_ms() - t0 < 10000;)
        pgc_async_wait(a, 50, NULL);
    pgc_result *res;
    assert_ok(pgc_call_result(calls[0], &res, &err), &err);
    int victim = atoi(pgc_result_value(res, 0, 1));
    pgc_result_free(res);
    char *t = terminate(f, victim);
    assert_string_equal(t, "t");
    free(t);
    assert_ok(pgc_async_wait(a, 20000, &err), &err);
    /* Each completed once, fine or lost; a call that ended on the victim
       before it died is fine, so on it successes precede the first loss. */
    int lost = 0, fine = 0, first_lost = 1 << 30, last_fine_on_victim = -1;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(times_done(&log, calls[i]), 1);
        int pos;
        for (pos = 0; log.order[pos] != calls[i]; pos++)
            ;
        int rc = pgc_call_status(calls[i], &err);
        if (rc == PGC_OK) {
            if (i > 0) {
                assert_ok(pgc_call_result(calls[i], &res, &err), &err);
                if (atoi(pgc_result_value(res, 0, 1)) == victim && pos > last_fine_on_victim)
                    last_fine_on_victim = pos;
                pgc_result_free(res);
            }
            fine++;
        } else {
            assert_int_equal(rc, PGC_ECONNLOST);
            if (pos < first_lost)
                first_lost = pos;
            lost++;
        }
        pgc_call_free(calls[i]);
    }
    assert_true(last_fine_on_victim < first_lost);
    assert_true(lost > 0);
    assert_true(fine > 1);
    assert_int_equal(pgc_async_watches(a, NULL, 0), 1);
    /* the other connection serves on */
    pgc_call *c;
    assert_ok(send1(a, &backend_pid, NULL, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_result(c, &res, &err), &err);
    int survivor = atoi(pgc_result_value(res, 0, 0));
    assert_int_not_equal(survivor, victim);
    pgc_result_free(res);
    pgc_call_free(c);
    /* an idle connection killed: found by its read readiness */
    t = terminate(f, survivor);
    free(t);
    int64_t t0 = now_ms();
    while (pgc_async_watches(a, NULL, 0) > 0 && now_ms() - t0 < 10000) {
        pgc_watch w;
        pgc_async_watches(a, &w, 1);
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0)
            assert_ok(pgc_async_process(a, w.fd, PGC_WANT_READ, &err), &err);
    }
    assert_int_equal(pgc_async_watches(a, NULL, 0), 0);
    pgc_call *none = (pgc_call *)1;
    assert_int_equal(send1(a, &backend_pid, NULL, &none, &err), PGC_ECONNLOST);
    assert_null(none);
    pgc_async_close(a);
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(f->db), &st);
    assert_int_equal(st.in_use, 0);
    assert_true(st.closed >= 2);
    /* the pool gives new connections */
    assert_ok(pgc_query(f->db, &backend_pid, NULL, NULL, NULL, NULL, &err), &err);
}

/* ---- closing with calls in flight ----------------------------------------------- */

static void async__close_with_calls_in_flight__each_closed_once(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 2};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *calls[6];
    done_log log = {0};
    for (int i = 0; i < 6; i++) {
        assert_ok(send1(a, &sleep_for, "10", &calls[i], &err), &err);
        pgc_call_on_done(calls[i], log_done, &log);
    }
    pgc_call_cancel(calls[5]); /* completed before: not again */
    pgc_pool_stats before;
    pgc_pool_stats_get(pgc_db_pool(f->db), &before);
    int64_t t0 = now_ms();
    pgc_async_close(a);
    assert_true(now_ms() - t0 < 5000);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(times_done(&log, calls[i]), 1);
        pgc_error e = {0};
        assert_int_equal(pgc_call_status(calls[i], &e), i == 5 ? PGC_ECANCELED : PGC_ECLOSED);
        if (i < 5)
            assert_string_equal(e.statement, "sleep_for");
        pgc_call_free(calls[i]);
    }
    pgc_pool_stats after;
    pgc_pool_stats_get(pgc_db_pool(f->db), &after);
    assert_int_equal(after.in_use, 0);
    assert_int_equal(after.closed, before.closed + 2); /* busy connections are not reused */
    /* closing an idle one gives its connections back */
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_async_close(a);
    pgc_pool_stats_get(pgc_db_pool(f->db), &before);
    assert_int_equal(before.closed, after.closed);
    assert_int_equal(before.in_use, 0);
}

static void async__db_close_with_async_open__closes_it_first(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a, *p;
    pgc_async_options opt = {.connections = 2};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_ATOMIC, &p, &err), &err);
    pgc_call *c1, *c2;
    done_log log = {0};
    assert_ok(send1(a, &sleep_for, "10", &c1, &err), &err);
    assert_ok(send1(p, &backend_pid, NULL, &c2, &err), &err);
    pgc_call_on_done(c1, log_done, &log);
    pgc_call_on_done(c2, log_done, &log);
    assert_int_equal(pgc_db_close(f->db), PGC_OK);
    f->db = NULL;
    assert_int_equal(log.n, 2);
    assert_int_equal(pgc_call_status(c1, &err), PGC_ECLOSED);
    assert_int_equal(pgc_call_status(c2, &err), PGC_ECLOSED);
    pgc_call_free(c1);
    pgc_call_free(c2);
}

/* ---- transactions ------------------------------------------------------------------ */

static int run_call(pgc_async *a, pgc_call *call, pgc_error *err)
{
    pgc_error e = {0};
    assert_ok(pgc_async_wait(a, 10000, &e), &e);
    int rc = pgc_call_status(call, err);
    pgc_call_free(call);
    return rc;
}

static void async__transaction__commit_rollback_and_failure(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_async *a, *tx;
    pgc_async_options opt = {.connections = 1};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);

    /* commit keeps */
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    pgc_call *c, *end;
    assert_int_equal(send_insert(a, 9, &c, &err), PGC_EBUSY); /* its one connection is pinned */
    assert_null(c);
    assert_ok(send_insert(tx, 1, &c, &err), &err);
    pgc_call_free(c); /* freed in flight: still runs in the transaction */
    assert_ok(send_insert(tx, 2, &c, &err), &err);
    assert_int_equal(pgc_async_pending(tx), 1);
    assert_ok(pgc_async_commit(tx, &end, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(c, &err), &err);
    pgc_call_free(c);
    assert_ok(pgc_call_status(end, &err), &err);
    pgc_call_free(end);
    assert_int_equal(count(f->db), 2);

    /* rollback drops; the connection serves a's calls after it */
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    assert_ok(send_insert(tx, 3, &c, &err), &err);
    pgc_call_free(c);
    assert_ok(pgc_async_rollback(tx, &end, &err), &err);
    pgc_call *outside;
    assert_ok(send_insert(a, 4, &outside, &err), &err);
    assert_ok(run_call(a, end, &err), &err);
    assert_ok(run_call(a, outside, &err), &err);
    assert_int_equal(count(f->db), 3);

    /* a failure inside: the later calls fail, commit says PGC_ETXSTATE */
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    pgc_call *dup, *later;
    assert_ok(send_insert(tx, 5, &c, &err), &err);
    assert_ok(send_insert(tx, 1, &dup, &err), &err); /* duplicate key */
    assert_ok(send_insert(tx, 6, &later, &err), &err);
    assert_ok(pgc_async_commit(tx, &end, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(c, &err), &err);
    assert_int_equal(pgc_call_status(dup, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_int_equal(pgc_call_status(later, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "25P02");
    assert_int_equal(pgc_call_status(end, &err), PGC_ETXSTATE);
    pgc_call_free(c);
    pgc_call_free(dup);
    pgc_call_free(later);
    pgc_call_free(end);
    assert_int_equal(count(f->db), 3);

    /* closing a ends an open transaction: rolled back */
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    assert_ok(send_insert(tx, 7, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    pgc_call_free(c);
    pgc_async_close(a);
    assert_int_equal(count(f->db), 3);
    assert_pool_idle(f->db);
}

/* A pgc_async on a transaction scope: its calls run in the scope's transaction. */
static void async__on_a_transaction_scope(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_db *scope;
    assert_ok(pgc_tx_begin(f->db, &scope, &err), &err);
    pgc_async *a, *tx;
    assert_ok(pgc_async_open(scope, NULL, &a, &err), &err);
    assert_int_equal(pgc_query(scope, &count_items, NULL, NULL, NULL, NULL, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_async_begin(a, &tx, &err), PGC_ETXSTATE);
    /* the db's close refuses, and says what is open */
    assert_int_equal(pgc_db_close_ex(f->db, &err), PGC_EBUSY);
    assert_string_equal(err.message, "pgc_db_close: still open from this db: 1 transaction scope, "
                                     "1 pgc_async or pipe on a scope, 0 streams, batches or "
                                     "COPYs; end them first");
    pgc_call *c;
    for (int i = 1; i <= 3; i++) {
        assert_ok(send_insert(a, i, &c, &err), &err);
        pgc_call_free(c);
    }
    assert_ok(send1(a, &sleep_for, "0.2", &c, &err), &err);
    pgc_async_close(a); /* waits for the scope's calls: its connection stays */
    assert_int_equal(pgc_call_status(c, &err), PGC_ECLOSED);
    pgc_call_free(c);
    assert_int_equal(count(scope), 3);
    /* closed with nothing in flight: the scope's connection is itself again */
    assert_ok(pgc_async_open(scope, NULL, &a, &err), &err);
    assert_ok(send_insert(a, 4, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    pgc_call_free(c);
    pgc_async_close(a);
    assert_int_equal(count(scope), 4);
    assert_ok(pgc_tx_rollback(scope, &err), &err);
    assert_int_equal(count(f->db), 0);
    assert_pool_idle(f->db);
}

/* ---- pipes ------------------------------------------------------------------------- */

static void pipe_calls(pgc_async *p, long first_id, int fail_third, pgc_call **calls)
{
    pgc_error err = {0};
    assert_ok(send_insert(p, first_id, &calls[0], &err), &err);
    assert_ok(send_int(p, &get_item, 1, &calls[1], &err), &err);
    assert_ok(send_int(p, &divide, fail_third ? 0 : 4, &calls[2], &err), &err);
    assert_ok(send_insert(p, first_id + 1, &calls[3], &err), &err);
    assert_ok(pgc_async_query(p, &count_items, NULL, NULL, NULL, &calls[4], &err), &err);
}

static void free_calls(pgc_call **calls, int n)
{
    for (int i = 0; i < n; i++)
        pgc_call_free(calls[i]);
}

static void pipe__atomic_and_independent__run_twice(void **state)
{
    fixture *f = *state;
    create_items(f->db, 1, "item");
    pgc_error err = {0};
    pgc_async *p;
    pgc_call *calls[5];

    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_ATOMIC, &p, &err), &err);
    pipe_calls(p, 10, 0, calls);
    assert_false(pgc_call_done(calls[0])); /* nothing sent before run */
    assert_int_equal(count(f->db), 1);
    assert_ok(pgc_pipe_run(p, &err), &err);
    for (int i = 0; i < 5; i++)
        assert_ok(pgc_call_status(calls[i], &err), &err);
    pgc_result *res;
    assert_ok(pgc_call_result(calls[4], &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "3"); /* sees the pipe's own inserts */
    pgc_result_free(res);
    free_calls(calls, 5);
    /* again, the third failing: nothing kept, the rest "not run" */
    pipe_calls(p, 20, 1, calls);
    assert_int_equal(pgc_pipe_run(p, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "22012");
    assert_ok(pgc_call_status(calls[0], &err), &err);
    assert_ok(pgc_call_status(calls[1], &err), &err);
    assert_int_equal(pgc_call_status(calls[2], &err), PGC_ESQL);
    for (int i = 3; i < 5; i++) {
        assert_int_equal(pgc_call_status(calls[i], &err), PGC_ESQL);
        assert_string_equal(err.sqlstate, "");
        assert_non_null(strstr(err.message, "not run: call #3 (\"divide\")"));
    }
    free_calls(calls, 5);
    assert_int_equal(count(f->db), 3);
    pgc_async_close(p);

    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_INDEPENDENT, &p, &err), &err);
    pipe_calls(p, 30, 1, calls);
    assert_ok(pgc_pipe_run(p, &err), &err);
    for (int i = 0; i < 5; i++)
        assert_int_equal(pgc_call_status(calls[i], &err), i == 2 ? PGC_ESQL : PGC_OK);
    free_calls(calls, 5);
    assert_int_equal(count(f->db), 5);
    pipe_calls(p, 40, 0, calls);
    pgc_call_cancel(calls[3]); /* not sent: never runs */
    assert_ok(pgc_pipe_run(p, &err), &err);
    assert_int_equal(pgc_call_status(calls[3], &err), PGC_ECANCELED);
    assert_ok(pgc_call_result(calls[4], &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "6");
    pgc_result_free(res);
    free_calls(calls, 5);
    /* calls queued and never run: closed */
    pipe_calls(p, 50, 0, calls);
    pgc_async_close(p);
    for (int i = 0; i < 5; i++)
        assert_int_equal(pgc_call_status(calls[i], &err), PGC_ECLOSED);
    free_calls(calls, 5);
    assert_int_equal(count(f->db), 6);
    assert_pool_idle(f->db);
}

/* On a transaction scope a pipe's calls run in the scope's transaction. */
static void pipe__on_a_transaction_scope(void **state)
{
    fixture *f = *state;
    create_items(f->db, 1, "item");
    pgc_error err = {0};
    pgc_db *scope;
    pgc_async *p;
    pgc_call *calls[5];
    assert_ok(pgc_tx_begin(f->db, &scope, &err), &err);
    assert_ok(pgc_pipe_begin(scope, PGC_PIPE_INDEPENDENT, &p, &err), &err);
    assert_int_equal(pgc_tx_commit(scope, &err), PGC_ETXSTATE); /* held by the pipe */
    pipe_calls(p, 10, 0, calls);
    assert_ok(pgc_pipe_run(p, &err), &err);
    for (int i = 0; i < 5; i++)
        assert_ok(pgc_call_status(calls[i], &err), &err);
    free_calls(calls, 5);
    pgc_async_close(p);
    assert_ok(pgc_tx_rollback(scope, &err), &err); /* nothing of the pipe stays */
    assert_int_equal(count(f->db), 1);

    assert_ok(pgc_tx_begin(f->db, &scope, &err), &err);
    assert_ok(pgc_pipe_begin(scope, PGC_PIPE_ATOMIC, &p, &err), &err);
    pipe_calls(p, 10, 1, calls);
    assert_int_equal(pgc_pipe_run(p, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "22012");
    free_calls(calls, 5);
    pgc_async_close(p);
    assert_int_equal(pgc_tx_commit(scope, &err), PGC_ETXSTATE); /* the scope failed */
    assert_int_equal(count(f->db), 1);
    assert_pool_idle(f->db);
}

/* ---- driving it from a loop ------------------------------------------------------------ */

typedef struct watch_log {
    int fd[64], events[64];
    int n;
} watch_log;

static void record_watch(int fd, int events, void *ud)
{
    watch_log *w = ud;
    assert_true(w->n < 64);
    w->fd[w->n] = fd;
    w->events[w->n] = events;
    w->n++;
}

/* The last events told for fd, or -1. */
static int told(const watch_log *w, int fd)
{
    int ev = -1;
    for (int i = 0; i < w->n; i++)
        if (w->fd[i] == fd)
            ev = w->events[i];
    return ev;
}

static void async__watch_fn_sequence(void **state)
{
    fixture *f = *state;
    create_items(f->db, 5, "item");
    pgc_error err = {0};
    watch_log w = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 3, .watch = record_watch, .watch_ud = &w};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    assert_int_equal(w.n, 3); /* each connection: read, to see it die */
    pgc_watch ws[4];
    assert_int_equal(pgc_async_watches(a, ws, 4), 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(w.events[i], PGC_WANT_READ);
        assert_int_equal(ws[i].fd, w.fd[i]);
        assert_int_equal(ws[i].events, PGC_WANT_READ);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(w.fd[i], w.fd[j]);
    }
    /* an fd that is not a's */
    assert_int_equal(pgc_async_process(a, 0, PGC_WANT_READ, &err), PGC_EINVAL);
    pgc_call *calls[5];
    for (int i = 0; i < 5; i++)
        assert_ok(send_int(a, &get_item, i + 1, &calls[i], &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    for (int i = 0; i < 3; i++)
        assert_int_equal(told(&w, ws[i].fd), PGC_WANT_READ);
    free_calls(calls, 5);
    int before = w.n;
    pgc_async_close(a);
    assert_int_equal(w.n, before + 3); /* each told 0 once */
    for (int i = 0; i < 3; i++)
        assert_int_equal(told(&w, ws[i].fd), 0);
    for (int i = 0; i < w.n; i++)
        assert_true(w.fd[i] == ws[0].fd || w.fd[i] == ws[1].fd || w.fd[i] == ws[2].fd);
}

/* A loop of its own on poll(): watches, timeout, process. */
static void async__poll_loop_with_watches(void **state)
{
    fixture *f = *state;
    create_items(f->db, 100, "item");
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 4, .timeout_ms = 10000};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *calls[100];
    for (int i = 0; i < 100; i++)
        assert_ok(send_int(a, &get_item, i + 1, &calls[i], &err), &err);
    int64_t t0 = now_ms();
    int rounds = 0;
    while (pgc_async_pending(a) > 0 && now_ms() - t0 < 20000) {
        pgc_watch ws[8];
        struct pollfd pfds[8];
        int n = pgc_async_watches(a, ws, 8);
        assert_int_equal(n, 4);
        for (int i = 0; i < n; i++)
            pfds[i] = (struct pollfd){ws[i].fd,
                                      (short)((ws[i].events & PGC_WANT_READ ? POLLIN : 0)
                                              | (ws[i].events & PGC_WANT_WRITE ? POLLOUT : 0)),
                                      0};
        int64_t t = pgc_async_timeout(a);
        assert_true(t > 0 && t <= 10000);
        int r = poll(pfds, (nfds_t)n, (int)t);
        if (r == 0)
            assert_ok(pgc_async_process(a, -1, 0, &err), &err);
        for (int i = 0; i < n && r > 0; i++) {
            if (!pfds[i].revents)
                continue;
            int ev = (pfds[i].revents & (POLLIN | POLLHUP | POLLERR) ? PGC_WANT_READ : 0)
                     | (pfds[i].revents & POLLOUT ? PGC_WANT_WRITE : 0);
            assert_ok(pgc_async_process(a, pfds[i].fd, ev, &err), &err);
        }
        rounds++;
    }
    assert_int_equal(pgc_async_pending(a), 0);
    assert_true(rounds > 0);
    for (int i = 0; i < 100; i++) {
        pgc_result *res;
        assert_ok(pgc_call_result(calls[i], &res, &err), &err);
        assert_int_equal(atoi(pgc_result_value(res, 0, 0)), i + 1);
        pgc_result_free(res);
        pgc_call_free(calls[i]);
    }
    pgc_async_close(a);
}

/* ---- done functions calling back, and tracing ---------------------------------------- */

typedef struct chain {
    pgc_async *a;
    int left, done;
    pgc_call *last;
} chain;

/* Each completion sends the next call and frees its own. */
static void send_next(pgc_call *call, void *ud)
{
    chain *ch = ud;
    ch->done++;
    assert_ok(pgc_call_status(call, NULL), &(pgc_error){0});
    pgc_call_free(call);
    ch->last = NULL;
    if (ch->left-- > 0) {
        pgc_call *next;
        pgc_error err = {0};
        assert_ok(send1(ch->a, &backend_pid, NULL, &next, &err), &err);
        pgc_call_on_done(next, send_next, ch);
        ch->last = next;
        assert_int_equal(pgc_async_process(ch->a, -1, 0, &err), PGC_EINVAL); /* not from here */
    }
}

static void closes_its_async(pgc_call *call, void *ud)
{
    (void)call;
    pgc_async_close(ud);
}

typedef struct traced {
    int n, prepared, named;
} traced;

static void count_trace(const pgc_trace_event *ev, void *ud)
{
    traced *t = ud;
    if (ev->via != PGC_VIA_ASYNC)
        return;
    t->n++;
    t->prepared += ev->prepared_now;

    t->named += ev->statement && strcmp(ev->statement, "backend_pid") == 0;
}

static void async__done_functions_send_free_and_close(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    traced t = {0};
    pgc_db_set_trace(f->db, count_trace, &t);
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    chain ch = {a, 20, 0, NULL};
    pgc_call *first;
    assert_ok(send1(a, &backend_pid, NULL, &first, &err), &err);
    pgc_call_on_done(first, send_next, &ch);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(ch.done, 21);
    assert_int_equal(t.n, 21);
    assert_int_equal(t.named, 21);
    assert_int_equal(t.prepared, 1); /* prepared once on the connection */
    /* on_done after completion runs at once */
    pgc_call *c, *other;
    done_log log = {0};
    assert_ok(send1(a, &backend_pid, NULL, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    pgc_call_on_done(c, log_done, &log);
    assert_int_equal(log.n, 1);
    pgc_call_free(c);
    log.n = 0; /* c's address may come back */
    /* a done function closing the pgc_async: the others complete closed */
    assert_ok(send1(a, &backend_pid, NULL, &c, &err), &err);
    assert_ok(send1(a, &sleep_for, "10", &other, &err), &err);
    pgc_call_on_done(c, closes_its_async, a);
    pgc_call_on_done(other, log_done, &log);
    pgc_async_wait(a, 10000, &err); /* a is gone after it */
    assert_ok(pgc_call_status(c, &err), &err);
    assert_int_equal(pgc_call_status(other, &err), PGC_ECLOSED);
    assert_int_equal(times_done(&log, other), 1);
    pgc_call_free(c);
    pgc_call_free(other);
    pgc_db_set_trace(f->db, NULL, NULL);
    assert_pool_idle(f->db);
}

/* A plan gone stale fails the calls in flight, once each; the next is prepared again. */
static void async__stale_statement__fails_then_prepared_again(void **state)
{
    fixture *f = *state;
    create_items(f->db, 3, "item");
    pgc_error err = {0};
    static const pgc_stmt star = {.name = "star",
                                  .sql = "SELECT * FROM {{tables.items}} ORDER BY id"};
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    pgc_call *c[2];
    pgc_result *res;
    assert_ok(pgc_async_query(a, &star, NULL, NULL, NULL, &c[0], &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_result(c[0], &res, &err), &err);
    assert_int_equal(pgc_result_cols(res), 2);
    pgc_result_free(res);
    pgc_call_free(c[0]);
    /* through another connection of the pool */
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.items}} ADD COLUMN extra int", NULL, &err), &err);
    for (int i = 0; i < 2; i++)
        assert_ok(pgc_async_query(a, &star, NULL, NULL, NULL, &c[i], &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pgc_call_status(c[i], &err), PGC_ESQL);
        assert_string_equal(err.sqlstate, "0A000");
        pgc_call_free(c[i]);
    }
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 2; i++)
            assert_ok(pgc_async_query(a, &star, NULL, NULL, NULL, &c[i], &err), &err);
        assert_ok(pgc_async_wait(a, 10000, &err), &err);
        for (int i = 0; i < 2; i++) {
            assert_ok(pgc_call_result(c[i], &res, &err), &err);
            assert_int_equal(pgc_result_cols(res), 3);
            assert_int_equal(pgc_result_rows(res), 3);
            pgc_result_free(res);
            pgc_call_free(c[i]);
        }
    }
    pgc_async_close(a);
    assert_pool_idle(f->db);
}

/* A COPY cannot run as a non-blocking call: it fails, its connection goes, the rest goes on. */
static void async__copy_call__refused_the_rest_goes_on(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    static const pgc_stmt copy_out = {.name = "copy_out", .sql = "COPY (SELECT 1) TO STDOUT"};
    pgc_async *a;
    pgc_async_options opt = {.connections = 2};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *c, *other;
    assert_ok(pgc_async_query(a, &copy_out, NULL, NULL, NULL, &c, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(pgc_call_status(c, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "COPY"));
    pgc_call_free(c);
    assert_ok(send1(a, &backend_pid, NULL, &other, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(other, &err), &err);
    pgc_call_free(other);
    pgc_async_close(a);
    assert_pool_idle(f->db);
}

/* statements=unnamed: no Parse, every call parsed with its execution. */
static void async__unnamed_statements(void **state)
{
    fixture *f = *state;
    create_items(f->db, 10, "item");
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "statements", "unnamed", NULL);
    pgc_db *db;
    assert_ok(pgc_db_open(&db, cfg, f->mode == EMBEDDED ? "lib" : NULL, &err), &err);
    pgc_config_free(cfg);
    pgc_async *a;
    pgc_async_options opt = {.connections = 2};
    assert_ok(pgc_async_open(db, &opt, &a, &err), &err);
    pgc_call *calls[10];
    for (int i = 0; i < 10; i++)
        assert_ok(send_int(a, &get_item, i + 1, &calls[i], &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    for (int i = 0; i < 10; i++) {
        pgc_result *res;
        assert_ok(pgc_call_result(calls[i], &res, &err), &err);
        assert_int_equal(atoi(pgc_result_value(res, 0, 0)), i + 1);
        pgc_result_free(res);
    }
    free_calls(calls, 10);
    pgc_async_close(a);
    char *n = fixture_scalar(f, "SELECT count(*) FROM pg_prepared_statements");
    assert_string_equal(n, "0");
    free(n);
    assert_int_equal(pgc_db_close(db), PGC_OK);
}

/* Two threads, each with its own pgc_async on one shared db (TSan: make check). */
typedef struct worker {
    pgc_db *db;
    int ok;
} worker;

static void *drive(void *arg)
{
    worker *w = arg;
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 2};
    if (pgc_async_open(w->db, &opt, &a, &err) != PGC_OK)
        return NULL;
    for (int round = 0; round < 5; round++) {
        pgc_call *calls[40];
        int sent = 0;
        for (; sent < 40; sent++)
            if (send_int(a, &get_item, sent + 1, &calls[sent], &err) != PGC_OK)
                break;
        pgc_async_wait(a, 20000, &err);
        for (int i = 0; i < sent; i++) {
            pgc_result *res;
            if (pgc_call_result(calls[i], &res, &err) == PGC_OK) {
                w->ok += atoi(pgc_result_value(res, 0, 0)) == i + 1;
                pgc_result_free(res);
            }
            pgc_call_free(calls[i]);
        }
    }
    pgc_async_close(a);
    return NULL;
}

static void async__two_threads_on_one_db(void **state)
{
    fixture *f = *state;
    create_items(f->db, 40, "item");
    worker w[2] = {{f->db, 0}, {f->db, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, drive, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[0].ok, 200);
    assert_int_equal(w[1].ok, 200);
    assert_pool_idle(f->db);
}

/* ---- defects found in review ------------------------------------------------------- */

typedef struct rchain {
    pgc_async *p;
    pgc_call *next;
    int sent_rc;
} rchain;

static void send_next_from_done(pgc_call *call, void *ud)
{
    (void)call;
    rchain *c = ud;
    pgc_error e = {0};
    if (!c->next)
        c->sent_rc = send_int(c->p, &divide, 5, &c->next, &e);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char m[] = "pgc_pipe_run never returned: a call sent on the pipe "
                            "from a done function is counted pending but never sent\n";
    ssize_t w = write(2, m, sizeof m - 1);
    (void)w;
    _exit(1);
}

/* pgc.h: "A done function may send ... calls".  On a pipe during pgc_pipe_run the
   call goes to the unsent list, npending counts it, and wait_loop polls forever. */
static void async__pipe__send_from_a_done_function_during_run__sent_as_a_new_segment(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *p;
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_INDEPENDENT, &p, &err), &err);
    rchain c = {p, NULL, -1};
    pgc_call *first;
    assert_ok(send_int(p, &divide, 4, &first, &err), &err);
    pgc_call_on_done(first, send_next_from_done, &c);
    signal(SIGALRM, on_alarm);
    alarm(10);
    int rc = pgc_pipe_run(p, &err);
    alarm(0);
    assert_ok(rc, &err);
    assert_ok(c.sent_rc, &err);
    assert_ok(pgc_call_status(c.next, &err), &err);
    pgc_call_free(first);
    pgc_call_free(c.next);
    /* Waiting on a pipe never run does not hang: its calls are not sent until run. */
    pgc_call *unsent;
    assert_ok(send_int(p, &divide, 2, &unsent, &err), &err);
    assert_int_equal(pgc_async_wait(p, -1, &err), PGC_EINVAL);
    assert_false(pgc_call_done(unsent));
    assert_ok(pgc_pipe_run(p, &err), &err);
    assert_ok(pgc_call_status(unsent, &err), &err);
    pgc_call_free(unsent);
    pgc_async_close(p);
}

/* pgc.h on PGC_PIPE_ATOMIC: "if one fails nothing is kept ... pgc_pipe_run returns that
   failure".  A call that times out while queued behind a slow one is completed with
   PGC_ETIMEDOUT (no cancel request: it is not running), run returns PGC_ETIMEDOUT, but
   the call still runs and the sync commits it. */
static void async__atomic_pipe__queued_call_times_out__nothing_committed(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_async *p;
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_ATOMIC, &p, &err), &err);
    pgc_call *slow, *ins;
    assert_ok(send1(p, &sleep_for, "0.5", &slow, &err), &err);
    assert_ok(send_insert(p, 1, &ins, &err), &err);
    pgc_call_set_timeout(ins, 100);
    int rc = pgc_pipe_run(p, &err);
    assert_int_equal(rc, PGC_ETIMEDOUT);
    assert_int_equal(pgc_call_status(ins, &err), PGC_ETIMEDOUT);
    long kept = count(f->db);
    pgc_call_free(slow);
    pgc_call_free(ins);
    pgc_async_close(p);
    assert_int_equal(kept, 0);
}

/* The same in a pgc_async transaction: a queued call cancelled (PGC_ECANCELED) still
   runs in the transaction and the COMMIT reports success with its effects kept. */
static void async__transaction__cancelled_queued_call__commit_fails(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_async *a, *tx;
    pgc_async_options opt = {.connections = 1};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    pgc_call *slow, *ins, *end;
    assert_ok(send1(tx, &sleep_for, "0.3", &slow, &err), &err);
    assert_ok(send_insert(tx, 1, &ins, &err), &err);
    pgc_call_cancel(ins);
    assert_int_equal(pgc_call_status(ins, &err), PGC_ECANCELED);
    assert_ok(pgc_async_commit(tx, &end, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    int commit_rc = pgc_call_status(end, &err);
    long kept = count(f->db);
    pgc_call_free(slow);
    pgc_call_free(ins);
    pgc_call_free(end);
    pgc_async_close(a);
    assert_int_equal(commit_rc, PGC_ETXSTATE);
    assert_int_equal(kept, 0);
}

/* A call that fails marks its transaction failed: once that is known, later sends
   fail at once (PGC_ETXSTATE), COMMIT sends ROLLBACK and reports PGC_ETXSTATE. */
static void async__transaction__failure_known__later_sends_and_commit_fail(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_async *a, *tx;
    pgc_async_options opt = {.connections = 1};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    pgc_call *ok, *bad, *later, *end;
    assert_ok(send_insert(tx, 1, &ok, &err), &err);
    assert_ok(send_int(tx, &divide, 0, &bad, &err), &err); /* division by zero */
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(ok, &err), &err);
    assert_int_equal(pgc_call_status(bad, &err), PGC_ESQL);
    assert_int_equal(send_insert(tx, 2, &later, &err), PGC_ETXSTATE);
    assert_null(later);
    assert_ok(pgc_async_commit(tx, &end, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(pgc_call_status(end, &err), PGC_ETXSTATE);
    assert_int_equal(count(f->db), 0);
    pgc_call_free(ok);
    pgc_call_free(bad);
    pgc_call_free(end);
    /* the connection serves a new transaction after it */
    assert_ok(pgc_async_begin(a, &tx, &err), &err);
    assert_ok(send_insert(tx, 3, &ok, &err), &err);
    assert_ok(pgc_async_commit(tx, &end, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_ok(pgc_call_status(end, &err), &err);
    assert_int_equal(count(f->db), 1);
    pgc_call_free(ok);
    pgc_call_free(end);
    pgc_async_close(a);
}

/* pgc_send checks out before writing it: NULL is PGC_EINVAL, not a crash. */
static void async__pgc_send__null_out_is_einval(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    static const pgc_stmt one = {.name = "one", .sql = "SELECT 1"};
    assert_int_equal(pgc_send(a, &one, NULL, NULL, NULL, &err), PGC_EINVAL);
    pgc_call *call = (pgc_call *)&err;
    assert_int_equal(pgc_send(a, NULL, NULL, NULL, &call, &err), PGC_EINVAL);
    assert_null(call);
    assert_int_equal(pgc_async_pending(a), 0);
    pgc_async_close(a);
}

/* On a transaction scope, a queued call cancelled behind a running one aborts the
   scope's transaction (a cancel request for the running call): the scope cannot commit. */
static void async__scope__cancelled_queued_call__scope_cannot_commit(void **state)
{
    fixture *f = *state;
    create_items(f->db, 0, "item");
    pgc_error err = {0};
    pgc_db *scope;
    assert_ok(pgc_tx_begin(f->db, &scope, &err), &err);
    pgc_async *a;
    assert_ok(pgc_async_open(scope, NULL, &a, &err), &err);
    pgc_call *slow, *ins;
    assert_ok(send1(a, &sleep_for, "2", &slow, &err), &err);
    assert_ok(send_insert(a, 1, &ins, &err), &err);
    pgc_call_cancel(ins);
    assert_int_equal(pgc_call_status(ins, &err), PGC_ECANCELED);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    assert_int_equal(pgc_call_status(slow, &err), PGC_ECANCELED); /* on the server: 57014 */
    pgc_call_free(slow);
    pgc_call_free(ins);
    pgc_async_close(a);
    assert_int_not_equal(pgc_tx_commit(scope, &err), PGC_OK);
    assert_int_equal(count(f->db), 0);
}

typedef struct closer {
    fixture *f;
    int n;
} closer;

static void close_db_on_first(pgc_call *call, void *ud)
{
    (void)call;
    closer *c = ud;
    if (c->n++ == 0) {
        pgc_db_close(c->f->db); /* frees the db; the pgc_async is closed, freed later */
        c->f->db = NULL;
    }
}

/* A connection dies with 3 calls on it: lose() completes them one by one
   (complete_all).  The first one's done function closes the db: the next
   complete() reads a->db (pgc_tracing) after it was freed.  Run under
   valgrind to see the invalid read (async.c complete -> pgc_tracing). */
static void async__db_closed_in_a_done_function_while_a_connection_is_lost__no_use_after_free(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_async *a;
    pgc_async_options opt = {.connections = 1};
    assert_ok(pgc_async_open(f->db, &opt, &a, &err), &err);
    pgc_call *first, *calls[3];
    assert_ok(send1(a, &backend_pid, NULL, &first, &err), &err);
    assert_ok(pgc_async_wait(a, 10000, &err), &err);
    pgc_result *res;
    assert_ok(pgc_call_result(first, &res, &err), &err);
    int pid = atoi(pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    pgc_call_free(first);
    closer cl = {f, 0};
    for (int i = 0; i < 3; i++) {
        assert_ok(send1(a, &sleep_for, "5", &calls[i], &err), &err);
        pgc_call_on_done(calls[i], close_db_on_first, &cl);
    }
    char *t = terminate(f, pid);
    free(t);
    pgc_async_wait(a, 20000, &err); /* a is freed when this returns */
    assert_int_equal(cl.n, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pgc_call_status(calls[i], &err), PGC_ECONNLOST);
        pgc_call_free(calls[i]);
    }
}

int main(void)
{
    /* PGC_TEST_FILTER: a cmocka pattern ("async__pipe*") to run only those tests. */
    if (getenv("PGC_TEST_FILTER"))
        cmocka_set_test_filter(getenv("PGC_TEST_FILTER"));
    const struct CMUnitTest tests[] = {
        BOTH_MODES(async__200_calls_over_1_and_4_connections__in_order),
        BOTH_MODES(async__failure_in_the_middle__others_fine),
        BOTH_MODES(async__cancel_running_and_queued),
        BOTH_MODES(async__timeout__call_completes_and_connection_serves_on),
        BOTH_MODES(async__backend_killed__its_calls_lost_others_fine),
        BOTH_MODES(async__close_with_calls_in_flight__each_closed_once),
        BOTH_MODES(async__db_close_with_async_open__closes_it_first),
        BOTH_MODES(async__transaction__commit_rollback_and_failure),
        BOTH_MODES(async__on_a_transaction_scope),
        BOTH_MODES(pipe__atomic_and_independent__run_twice),
        BOTH_MODES(pipe__on_a_transaction_scope),
        BOTH_MODES(async__watch_fn_sequence),
        BOTH_MODES(async__poll_loop_with_watches),
        BOTH_MODES(async__done_functions_send_free_and_close),
        BOTH_MODES(async__unnamed_statements),
        BOTH_MODES(async__copy_call__refused_the_rest_goes_on),
        BOTH_MODES(async__stale_statement__fails_then_prepared_again),
        BOTH_MODES(async__two_threads_on_one_db),
        BOTH_MODES(async__pipe__send_from_a_done_function_during_run__sent_as_a_new_segment),
        BOTH_MODES(async__atomic_pipe__queued_call_times_out__nothing_committed),
        BOTH_MODES(async__transaction__cancelled_queued_call__commit_fails),
        BOTH_MODES(async__transaction__failure_known__later_sends_and_commit_fail),
        BOTH_MODES(async__pgc_send__null_out_is_einval),
        BOTH_MODES(async__scope__cancelled_queued_call__scope_cannot_commit),
        BOTH_MODES(async__db_closed_in_a_done_function_while_a_connection_is_lost__no_use_after_free),
    };
    return cmocka_run_group_tests_name("async", tests, NULL, NULL);
}
