/*
 * rel_faults.c - faults under load, against throwaway clusters:
 *
 *  - backends terminated with pg_terminate_backend() from a side
 *    connection, again and again, while threads make REL_CALLS generated
 *    calls (single statements, reads, batches, transactions): every call
 *    returns (success or an error), every write the runtime acknowledged is
 *    in the database afterwards (a client-side ledger of acknowledged ids
 *    and credits is checked against the tables), and the pool ends with no
 *    connection leaked (its stats, and pg_stat_activity);
 *  - the server stopped and started again under the same load (a fast
 *    shutdown, then a crash: SIGQUIT), on a cluster of the test's own: the
 *    pool recovers once the server is back, with the same ledger check;
 *  - a process killed (SIGKILL) in the middle of applying a migration: the
 *    next run applies it once and cleanly, the lock is free;
 *  - pool exhaustion: acquire times out with PGC_ETIMEDOUT, and the pool
 *    serves again once connections come back;
 *  - a statement timeout is PGC_ECANCELED (SQLSTATE 57014), apart from
 *    other server errors (PGC_ESQL), and the connection stays usable.
 *
 * Sizes: REL_CALLS (default 10000) calls over REL_THREADS (default 4).
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ledger.h"
#include "rel.h"

#define APP "rel-faults"
/* Advisory locks in the test's database (pg_locks spans the cluster). */
#define OUR_ADVISORY_LOCKS                                                                 \
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database ="             \
    " (SELECT oid FROM pg_database WHERE datname = current_database())"
#define ACCOUNTS 100
#define MAX_THREADS 32
#define POOL_SIZE "4"

static int calls, nthreads;

/* ---- a workload of generated calls with a client-side ledger ------------- */

typedef struct workload {
    pgc_db *db;
    int per_thread;            /* calls per thread */
    atomic_int stop;           /* set: threads end early (restart test) */
    atomic_int done_calls;
    /* The ledger.  Entry ids: ((thread * per_thread) + call) * 4 + k. */
    int64_t max_id;
    atomic_uchar *acked;       /* [max_id + 1]: 1 once the runtime said OK */
    atomic_llong credit_tried[ACCOUNTS + 1], credit_acked[ACCOUNTS + 1];
    atomic_llong by_code[PGC_CODE_COUNT_];
    atomic_llong bad_reads;    /* an acknowledged entry read back wrong or missing */
    atomic_llong unexpected;   /* an error code no fault should produce */
    atomic_llong last_ok_ms;   /* for the restart test: when a call last succeeded */
} workload;

typedef struct worker {
    workload *w;
    int index;
} worker;

static int64_t now_ms(void)
{
    return (int64_t)(rel_now() * 1000.0);
}

/* Counts one outcome; an error must carry a code of the faults' kind. */
static void outcome(workload *w, int rc, const pgc_error *err)
{
    if (rc < 0 || rc >= PGC_CODE_COUNT_) {
        w->unexpected++;
        return;
    }
    w->by_code[rc]++;
    if (rc == PGC_OK) {
        w->last_ok_ms = now_ms();
        return;
    }
    switch (rc) {
    case PGC_ECONNLOST: /* the backend went away under the call */
    case PGC_ECONNECT:  /* no server to connect to (restart) */
    case PGC_ESQL:      /* e.g. "not run:" calls of a batch that lost its connection */
    case PGC_ETXSTATE:  /* commit of a transaction whose statement failed */
        if (!err->message[0])
            w->unexpected++;
        return;
    default:
        fprintf(stderr, "unexpected %s: %s [%s]\n", pgc_code_name(rc), err->message,
                err->sqlstate);
        w->unexpected++;
        return;
    }
}

static void *work(void *arg)
{
    worker *me = arg;
    workload *w = me->w;
    pgc_db *db = w->db;
    int64_t last_acked = 0;
    for (int i = 0; i < w->per_thread && !w->stop; i++) {
        int64_t base = ((int64_t)me->index * w->per_thread + i) * 4;
        int64_t account = base / 4 % ACCOUNTS + 1;
        pgc_error err = {0};
        int rc;
        switch (i % 5) {
        case 0: /* a single insert */
            rc = ledger_add_entry(db, base, account, base, "single", &err);
            if (rc == PGC_OK) {
                w->acked[base] = 1;
                last_acked = base;
            }
            break;
        case 1: { /* an update */
            int64_t affected = 0;
            w->credit_tried[account]++;
            rc = ledger_credit(db, 1, account, &affected, &err);
            if (rc == PGC_OK && affected == 1)
                w->credit_acked[account]++;
            break;
        }
        case 2: { /* a read of what this thread wrote last */
            if (!last_acked) {
                ledger_count_entries_row row = {0};
                rc = ledger_count_entries(db, &row, &err);
                break;
            }
            ledger_get_entry_row row = {0};
            rc = ledger_get_entry(db, last_acked, &row, &err);
            if (rc == PGC_OK && (row.id != last_acked || row.amount != last_acked))
                w->bad_reads++;
            if (rc == PGC_ENOROW) { /* acknowledged, then gone */
                w->bad_reads++;
                rc = PGC_EINTERNAL;
            }
            ledger_get_entry_row_clear(&row);
            break;
        }
        case 3: { /* a batch of three inserts: one implicit transaction */
            ledger_queue_entry_batch b;
            rc = ledger_queue_entry_begin(db, &b, &err);
            if (rc == PGC_OK) {
                for (int k = 0; k < 3; k++)
                    ledger_queue_entry_queue(&b, base + k, account, base + k, "batch", NULL);
                rc = ledger_queue_entry_end(&b, &err);
            }
            if (rc == PGC_OK)
                for (int k = 0; k < 3; k++)
                    w->acked[base + k] = 1;
            break;
        }
        default: { /* a transaction: an insert and a credit, all or nothing */
            pgc_db *tx;
            w->credit_tried[account]++;
            rc = pgc_tx_begin(db, &tx, &err);
            if (rc == PGC_OK) {
                int64_t affected = 0;
                rc = ledger_add_entry(tx, base, account, base, "tx", &err);
                if (rc == PGC_OK)
                    rc = ledger_credit(tx, 1, account, &affected, &err);
                if (rc == PGC_OK)
                    rc = pgc_tx_commit(tx, &err);
                else
                    pgc_tx_rollback(tx, NULL);
            }
            if (rc == PGC_OK) {
                w->acked[base] = 1;
                w->credit_acked[account]++;
            }
            break;
        }
        }
        outcome(w, rc, &err);
        w->done_calls++;
        if (rc != PGC_OK && rc != PGC_EINTERNAL)
            rel_sleep_ms(2); /* no busy loop while the server is away */
    }
    return NULL;
}

static void workload_init(workload *w, pgc_db *db)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    w->per_thread = (calls + nthreads - 1) / nthreads;
    w->max_id = ((int64_t)nthreads * w->per_thread) * 4 + 4;
    w->acked = calloc((size_t)w->max_id + 1, 1);
    assert_non_null(w->acked);
}

static void workload_run(workload *w, pthread_t *threads, worker *workers)
{
    for (int t = 0; t < nthreads; t++) {
        workers[t] = (worker){w, t};
        assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
}

static void workload_join(pthread_t *threads)
{
    for (int t = 0; t < nthreads; t++)
        pthread_join(threads[t], NULL);
}

/*
 * The ledger against the tables: every acknowledged entry is there, and
 * each account's balance lies between its acknowledged and attempted
 * credits (a commit whose reply was lost counts as attempted).
 */
static void workload_check(workload *w, const char *ci, const char *what)
{
    assert_int_equal(w->unexpected, 0);
    assert_int_equal(w->bad_reads, 0);
    PGconn *conn = PQconnectdb(ci);
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *res = PQexec(conn, "SELECT id FROM entries");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    unsigned char *present = calloc((size_t)w->max_id + 1, 1);
    assert_non_null(present);
    for (int r = 0; r < PQntuples(res); r++) {
        long long id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        assert_true(id >= 0 && id <= w->max_id);
        present[id] = 1;
    }
    long long acked = 0, missing = 0, unacked_present = 0;
    for (int64_t id = 0; id <= w->max_id; id++) {
        acked += w->acked[id];
        if (w->acked[id] && !present[id]) {
            if (missing++ < 5)
                print_error("%s: entry %lld acknowledged, not in the table\n", what,
                            (long long)id);
        }
        unacked_present += !w->acked[id] && present[id];
    }
    PQclear(res);
    free(present);
    res = PQexec(conn, "SELECT id, balance FROM accounts ORDER BY id");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(res), ACCOUNTS);
    long long off = 0;
    for (int r = 0; r < ACCOUNTS; r++) {
        long long id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        long long bal = strtoll(PQgetvalue(res, r, 1), NULL, 10);
        if (bal < w->credit_acked[id] || bal > w->credit_tried[id]) {
            print_error("%s: account %lld balance %lld outside [%lld, %lld]\n", what, id, bal,
                        (long long)w->credit_acked[id], (long long)w->credit_tried[id]);
            off++;
        }
    }
    PQclear(res);
    PQfinish(conn);
    assert_int_equal(missing, 0);
    assert_int_equal(off, 0);
    long long errors = 0;
    for (int c = 1; c < PGC_CODE_COUNT_; c++)
        errors += w->by_code[c];
    rel_report("%s: %d calls (%lld ok, %lld errors: %lld ECONNLOST, %lld ECONNECT, "
               "%lld ESQL, %lld ETXSTATE); %lld entries acknowledged, all present; "
               "%lld present without acknowledgement (reply lost)",
               what, (int)w->done_calls, (long long)w->by_code[PGC_OK], errors,
               (long long)w->by_code[PGC_ECONNLOST], (long long)w->by_code[PGC_ECONNECT],
               (long long)w->by_code[PGC_ESQL], (long long)w->by_code[PGC_ETXSTATE], acked,
               unacked_present);
    free(w->acked);
    w->acked = NULL;
}

/* The pool has nothing checked out, and the server agrees on its size. */
static void check_no_leak(pgc_db *db, const char *ci, const char *what)
{
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(st.total, st.idle);
    assert_true(st.total <= atoi(POOL_SIZE));
    long long backends = rel_count(ci, "SELECT count(*) FROM pg_stat_activity"
                                       " WHERE application_name = '" APP "'");
    /* Terminated backends leave idle slots the pool finds dead on next use. */
    assert_true(backends <= st.total);
    rel_report("%s: pool after the run: %d open (%d idle, 0 in use), %d server backends; "
               "%llu opened, %llu closed over the run",
               what, st.total, st.idle, (int)backends, (unsigned long long)st.opened,
               (unsigned long long)st.closed);
}

/* After the db closed its pool, no backend of ours may remain. */
static void check_all_closed(const char *ci)
{
    long long backends = -1;
    for (int i = 0; i < 100; i++) { /* backends exit a moment after the client */
        backends = rel_count(ci, "SELECT count(*) FROM pg_stat_activity"
                                 " WHERE application_name = '" APP "'");
        if (backends == 0)
            break;
        rel_sleep_ms(50);
    }
    assert_int_equal(backends, 0);
}

static pgc_db *open_ledger(const char *ci, const char *extra_key, const char *extra_value)
{
    pgc_config *cfg = rel_config(ci, "max_connections", POOL_SIZE, "application_name", APP,
                                 "acquire_timeout_ms", "10000", extra_key, extra_value,
                                 (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    rel_ok(ledger_migrate(db, &err), &err);
    return db;
}

/* ---- backends terminated under load ---------------------------------------- */

typedef struct killer {
    const char *ci;
    workload *w;
    atomic_int stop;
    long long kills;
    int failed;
} killer;

/* Terminates one of the workload's backends every few milliseconds. */
static void *kill_loop(void *arg)
{
    killer *k = arg;
    PGconn *conn = PQconnectdb(k->ci);
    if (PQstatus(conn) != CONNECTION_OK) {
        k->failed = 1;
        PQfinish(conn);
        return NULL;
    }
    unsigned seed = 42;
    while (!k->stop) {
        rel_sleep_ms(3 + (long)(rand_r(&seed) % 12));
        PGresult *res = PQexec(conn, "SELECT count(pg_terminate_backend(pid)) FROM"
                                     " (SELECT pid FROM pg_stat_activity WHERE"
                                     " application_name = '" APP "' ORDER BY random()"
                                     " LIMIT 1) AS victim");
        if (PQresultStatus(res) == PGRES_TUPLES_OK)
            k->kills += strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        else
            k->failed = 1;
        PQclear(res);
    }
    PQfinish(conn);
    return NULL;
}

static void faults__terminated_backends__acknowledged_writes_kept_no_leak(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_db *db = open_ledger(ci, "min_connections", "0");
    static workload w;
    workload_init(&w, db);
    killer k = {.ci = ci, .w = &w};
    pthread_t kt, threads[MAX_THREADS];
    worker workers[MAX_THREADS];
    double t0 = rel_now();
    assert_int_equal(pthread_create(&kt, NULL, kill_loop, &k), 0);
    workload_run(&w, threads, workers);
    workload_join(threads);
    k.stop = 1;
    pthread_join(kt, NULL);
    double secs = rel_now() - t0;
    assert_int_equal(k.failed, 0);
    assert_int_equal(w.done_calls, nthreads * w.per_thread);
    assert_true(k.kills >= 5); /* the faults did happen */
    assert_true(w.by_code[PGC_OK] > 0);
    char what[128];
    snprintf(what, sizeof what, "pg_terminate_backend x %lld, %d threads, %.1f s", k.kills,
             nthreads, secs);
    check_no_leak(db, ci, what);
    workload_check(&w, ci, what);
    /* The pool still works, then closes everything it opened.  A backend
     * killed in the last moments, within check_after_idle_ms of its last
     * use, is found by the call that gets it (PGC_ECONNLOST, nothing else);
     * the pool holds at most POOL_SIZE (4), so the fifth call at the latest
     * succeeds. */
    pgc_error err = {0};
    ledger_count_entries_row row = {0};
    int rc = PGC_ECONNLOST;
    for (int attempt = 0; attempt < 5 && rc == PGC_ECONNLOST; attempt++)
        rc = ledger_count_entries(db, &row, &err);
    rel_ok(rc, &err);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    check_all_closed(ci);
}

/* ---- the server restarted under load -------------------------------------------- */

static void faults__server_restarted__pool_recovers(void **state)
{
    (void)state;
    pgc_error err = {0};
    pgc_test_cluster *c;
    rel_ok(pgc_test_cluster_start(&c, &err), &err);
    const char *ci = pgc_test_cluster_conninfo(c);
    /* Durable commits: a crash (immediate stop) must not lose what was
       acknowledged.  The test cluster has synchronous_commit off. */
    pgc_db *db = open_ledger(ci, "server.synchronous_commit", "on");
    static workload w;
    int saved = calls;
    calls = 4000000; /* more than the run needs: it ends when told to stop */
    workload_init(&w, db);
    calls = saved;
    pthread_t threads[MAX_THREADS];
    worker workers[MAX_THREADS];
    double t0 = rel_now();
    workload_run(&w, threads, workers);
    double recovery[2];
    for (int round = 0; round < 2; round++) {
        /* Load before each fault: calls have succeeded since the last one.
           Not a fixed sleep: on a loaded machine (other suites, sanitizers)
           the first call (connect, prepare) took over the 300 ms once. */
        int64_t at_start = w.by_code[PGC_OK];
        double wait0 = rel_now();
        rel_sleep_ms(300);
        while (w.by_code[PGC_OK] <= at_start && rel_now() - wait0 < 30)
            rel_sleep_ms(10);
        int64_t before = w.by_code[PGC_OK];
        if (before <= at_start)
            print_error("round %d: no call succeeded in 30 s (%lld ECONNECT, %lld ECONNLOST)\n",
                        round, (long long)w.by_code[PGC_ECONNECT],
                        (long long)w.by_code[PGC_ECONNLOST]);
        assert_true(before > at_start);
        rel_ok(pgc_test_cluster_halt(c, round == 1, &err), &err); /* fast, then a crash */
        rel_sleep_ms(300);
        rel_ok(pgc_test_cluster_resume(c, &err), &err);
        double back = rel_now();
        int64_t up_ms = now_ms();
        /* Recovered: calls succeed again (within 10 s of the server's return). */
        while (w.last_ok_ms < up_ms && rel_now() - back < 10)
            rel_sleep_ms(5);
        recovery[round] = rel_now() - back;
        assert_true(w.last_ok_ms >= up_ms);
    }
    rel_sleep_ms(200);
    w.stop = 1;
    workload_join(threads);
    double secs = rel_now() - t0;
    assert_true(w.by_code[PGC_ECONNLOST] + w.by_code[PGC_ECONNECT] > 0);
    char what[160];
    snprintf(what, sizeof what, "server restarted (fast stop, then crash) under %d threads,"
             " first success %.3f s / %.3f s after the server was back, %.1f s", nthreads,
             recovery[0], recovery[1], secs);
    check_no_leak(db, ci, what);
    workload_check(&w, ci, what);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    check_all_closed(ci);
    pgc_test_cluster_stop(c);
}

/* ---- a process killed while it applies a migration -------------------------------- */

/* 002 sleeps a minute in the victim only (its application_name), so that
 * the next run applies the same file (same checksum) without waiting. */
static const pgc_migration slow_files[] = {
    {1, "001_first.sql", "CREATE TABLE {{tables.marks}} (file integer NOT NULL);\n"
                         "INSERT INTO {{tables.marks}} VALUES (1);\n", NULL},
    {2, "002_slow.sql",
     "CREATE TABLE {{tables.half}} (n integer);\n"
     "INSERT INTO {{tables.half}} SELECT generate_series(1, 1000);\n"
     "SELECT pg_sleep(CASE current_setting('application_name')"
     " WHEN 'rel-victim' THEN 60 ELSE 0 END);\n"
     "INSERT INTO {{tables.marks}} VALUES (2);\n", NULL},
    {3, "003_after.sql", "INSERT INTO {{tables.marks}} VALUES (3);\n", NULL},
};

static void faults__killed_while_migrating__next_run_applies_cleanly(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_migration_set set = {"slow", REL_COUNT_OF(slow_files), slow_files};
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* The victim.  client_connection_check_interval lets the server
           notice its death within 100 ms rather than after the sleep. */
        pgc_config *cfg = pgc_config_new();
        pgc_db *db;
        pgc_error err = {0};
        if (pgc_config_set(cfg, "conninfo", ci, &err) != PGC_OK
            || pgc_config_set(cfg, "application_name", "rel-victim", &err) != PGC_OK
            || pgc_config_set(cfg, "server.client_connection_check_interval", "100", &err)
                   != PGC_OK
            || pgc_db_open(&db, cfg, NULL, &err) != PGC_OK)
            _exit(3);
        pgc_migrate(db, &set, NULL, NULL, &err);
        _exit(4); /* not reached: killed inside 002_slow.sql */
    }
    assert_true(pid > 0);
    long long sleeping = 0;
    for (int i = 0; i < 400 && sleeping == 0; i++) {
        rel_sleep_ms(25);
        sleeping = rel_count(ci, "SELECT count(*) FROM pg_stat_activity WHERE"
                                 " application_name = 'rel-victim' AND wait_event = 'PgSleep'");
    }
    assert_int_equal(sleeping, 1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* The next start applies 002 and 003, each once. */
    double t0 = rel_now();
    pgc_config *cfg = rel_config(ci, (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    size_t applied = 0;
    pgc_migrate_options opts = {.lock_wait_ms = 20000};
    rel_ok(pgc_migrate(db, &set, &opts, &applied, &err), &err);
    double secs = rel_now() - t0;
    assert_int_equal(applied, 2);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pgc_migrations WHERE module = 'slow'"),
                     3);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM marks"), 3);
    assert_int_equal(rel_count(ci, "SELECT count(DISTINCT file) FROM marks"), 3);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM half"), 1000); /* not 2000 */
    assert_int_equal(rel_count(ci, OUR_ADVISORY_LOCKS),
                     0);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_stat_activity"
                                   " WHERE application_name = 'rel-victim'"), 0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("SIGKILL during a migration (in 002's transaction): next run applied 002 and "
               "003 once in %.2f s, nothing of the killed run kept, no lock left", secs);
}

/* A no-transaction file killed half-way: written idempotently, as
 * RELIABILITY.md advises, the next run completes it. */
static const pgc_migration notx_files[] = {
    {1, "001_table.sql", "CREATE TABLE {{tables.things}} (n integer);\n"
                         "INSERT INTO {{tables.things}} SELECT generate_series(1, 1000);\n", NULL},
    {2, "002_index.sql",
     "-- pgc:no-transaction\n"
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS things_n ON {{tables.things}} (n);\n"
     "SELECT pg_sleep(CASE current_setting('application_name')"
     " WHEN 'rel-victim' THEN 60 ELSE 0 END);\n"
     "CREATE INDEX CONCURRENTLY IF NOT EXISTS things_n2 ON {{tables.things}} (n);\n", NULL},
};

static void faults__killed_in_no_transaction_file__session_lock_released(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_migration_set set = {"notx", REL_COUNT_OF(notx_files), notx_files};
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        pgc_config *cfg = pgc_config_new();
        pgc_db *db;
        pgc_error err = {0};
        if (pgc_config_set(cfg, "conninfo", ci, &err) != PGC_OK
            || pgc_config_set(cfg, "application_name", "rel-victim", &err) != PGC_OK
            || pgc_config_set(cfg, "server.client_connection_check_interval", "100", &err)
                   != PGC_OK
            || pgc_db_open(&db, cfg, NULL, &err) != PGC_OK)
            _exit(3);
        pgc_migrate(db, &set, NULL, NULL, &err);
        _exit(4);
    }
    assert_true(pid > 0);
    long long sleeping = 0;
    for (int i = 0; i < 400 && sleeping == 0; i++) {
        rel_sleep_ms(25);
        sleeping = rel_count(ci, "SELECT count(*) FROM pg_stat_activity WHERE"
                                 " application_name = 'rel-victim' AND wait_event = 'PgSleep'");
    }
    assert_int_equal(sleeping, 1);
    /* Half-way: the first index made, the session lock held. */
    assert_int_equal(rel_count(ci, OUR_ADVISORY_LOCKS),
                     1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    double t0 = rel_now();
    pgc_config *cfg = rel_config(ci, (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    size_t applied = 0;
    pgc_migrate_options opts = {.lock_wait_ms = 20000};
    rel_ok(pgc_migrate(db, &set, &opts, &applied, &err), &err);
    double secs = rel_now() - t0;
    assert_int_equal(applied, 1);
    assert_true(secs < 10); /* the dead session's lock went with it */
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pgc_migrations WHERE module = 'notx'"),
                     2);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid ="
                                   " i.indexrelid WHERE c.relname IN ('things_n', 'things_n2')"
                                   " AND i.indisvalid"), 2);
    assert_int_equal(rel_count(ci, OUR_ADVISORY_LOCKS),
                     0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("SIGKILL inside a no-transaction file (after its first CREATE INDEX "
               "CONCURRENTLY): session lock released with the backend, the idempotent file "
               "completed by the next run in %.2f s", secs);
}

/* ---- pool exhaustion ------------------------------------------------------------------ */

typedef struct holder {
    pgc_db *db;
    int rc;
    double waited;
} holder;

static void *try_call(void *arg)
{
    holder *h = arg;
    pgc_error err = {0};
    ledger_count_entries_row row = {0};
    double t0 = rel_now();
    h->rc = ledger_count_entries(h->db, &row, &err);
    h->waited = rel_now() - t0;
    return NULL;
}

static void faults__pool_exhausted__acquire_times_out(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_config *cfg = rel_config(ci, "max_connections", "2", "acquire_timeout_ms", "200",
                                 (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    rel_ok(ledger_migrate(db, &err), &err);

    /* Both connections held in transactions: every other call waits 200 ms
       and gets PGC_ETIMEDOUT, never anything else. */
    pgc_db *tx1, *tx2;
    rel_ok(pgc_tx_begin(db, &tx1, &err), &err);
    rel_ok(pgc_tx_begin(db, &tx2, &err), &err);
    enum { WAITERS = 8 };
    pthread_t th[WAITERS];
    holder h[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        h[i] = (holder){db, -1, 0};
        assert_int_equal(pthread_create(&th[i], NULL, try_call, &h[i]), 0);
    }
    double max_wait = 0;
    for (int i = 0; i < WAITERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(h[i].rc, PGC_ETIMEDOUT);
        assert_true(h[i].waited >= 0.19 && h[i].waited < 5.0);
        if (h[i].waited > max_wait)
            max_wait = h[i].waited;
    }
    pgc_error terr = {0};
    ledger_count_entries_row row = {0};
    rel_fails(ledger_count_entries(db, &row, &terr), PGC_ETIMEDOUT, &terr);
    assert_non_null(strstr(terr.message, "max_connections=2"));
    /* Back: the pool serves again, and nothing is left waiting. */
    rel_ok(pgc_tx_commit(tx1, &err), &err);
    rel_ok(pgc_tx_rollback(tx2, &err), &err);
    for (int i = 0; i < WAITERS; i++) {
        h[i] = (holder){db, -1, 0};
        assert_int_equal(pthread_create(&th[i], NULL, try_call, &h[i]), 0);
    }
    for (int i = 0; i < WAITERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(h[i].rc, PGC_OK);
    }
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_true(st.total <= 2);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("pool exhaustion (2 of 2 held, %d waiters, acquire_timeout_ms=200): all "
               "PGC_ETIMEDOUT after %.3f s at most, then all served", WAITERS, max_wait);
}

/* ---- statement timeout ------------------------------------------------------------------ */

static void faults__statement_timeout__is_its_own_error(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_error err = {0};
    /* Migrated without the timeout: on a loaded machine (load 21 on 2 CPUs)
       creating the tracking table once took over 100 ms. */
    pgc_config *cfg = rel_config(ci, "max_connections", "1", (const char *)NULL);
    pgc_db *db;
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    rel_ok(ledger_migrate(db, &err), &err);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    cfg = rel_config(ci, "max_connections", "1", "statement_timeout_ms", "100",
                     (const char *)NULL);
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);

    ledger_sleep_row row = {0};
    pgc_error terr = {0};
    double t0 = rel_now();
    rel_fails(ledger_sleep(db, 2.0, &row, &terr), PGC_ECANCELED, &terr);
    double took = rel_now() - t0;
    assert_string_equal(terr.sqlstate, "57014");
    assert_string_equal(terr.statement, "ledger_sleep");
    assert_true(took < 1.5);
    /* Told apart from an ordinary server error. */
    pgc_error serr = {0};
    rel_fails(ledger_add_entry(db, 1, 999999, 1, "no such account", &serr), PGC_ESQL, &serr);
    assert_string_equal(serr.sqlstate, "23503");
    /* The connection is fine afterwards (the only one: max_connections=1). */
    rel_ok(ledger_sleep(db, 0.01, &row, &err), &err);
    /* Inside a transaction: the same code, and the transaction must be
       rolled back. */
    pgc_db *tx;
    rel_ok(pgc_tx_begin(db, &tx, &err), &err);
    rel_fails(ledger_sleep(tx, 2.0, &row, &terr), PGC_ECANCELED, &terr);
    rel_fails(pgc_tx_commit(tx, &terr), PGC_ETXSTATE, &terr);
    rel_ok(ledger_sleep(db, 0, &row, &err), &err);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("statement_timeout_ms=100 on a 2 s statement: PGC_ECANCELED (57014) after "
               "%.3f s, distinct from PGC_ESQL; the connection stays usable", took);
}

int main(void)
{
    calls = rel_size("REL_CALLS", 10000, 10000000);
    nthreads = rel_size("REL_THREADS", 4, MAX_THREADS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            faults__terminated_backends__acknowledged_writes_kept_no_leak, pgc_testdb_setup,
            pgc_testdb_teardown),
        cmocka_unit_test(faults__server_restarted__pool_recovers),
        cmocka_unit_test_setup_teardown(faults__killed_while_migrating__next_run_applies_cleanly,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(
            faults__killed_in_no_transaction_file__session_lock_released, pgc_testdb_setup,
            pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(faults__pool_exhausted__acquire_times_out,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(faults__statement_timeout__is_its_own_error,
                                        pgc_testdb_setup, pgc_testdb_teardown),
    };
    if (getenv("REL_ONLY")) /* one test by name (a glob), e.g. to repeat it */
        cmocka_set_test_filter(getenv("REL_ONLY"));
    return cmocka_run_group_tests_name("rel_faults", tests, NULL, NULL);
}
