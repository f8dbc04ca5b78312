/*
 * rel_concurrency.c - many processes applying one migration set to one
 * database at the same moment, round after round on fresh databases.
 *
 * Every round: REL_PROCS processes are forked, each opens its own pool,
 * and all wait on one pipe; closing it starts them together.  Each applies
 * the generated module `ledger` (tests/reliability/ledger: four files, the
 * third a "-- pgc:no-transaction" CREATE INDEX CONCURRENTLY) through
 * ledger_migrate(), the code `pgc generate` embeds.  Afterwards every file
 * must have been applied exactly once: one row per file in the tracking
 * table, one row per file in rel_log (each file logs itself), the applied
 * counts the processes report add up to the number of files, the index is
 * valid, no advisory lock is left, and no process failed, crashed or hung
 * (each has REL_HANG_S seconds, then SIGALRM ends it: a deadlock fails the
 * round instead of hanging the suite).
 *
 * The second test interleaves two modules in two schemas: half of the
 * processes apply ledger to "alpha" and then `tasks` to "beta", the other
 * half in the opposite order.
 *
 * Sizes: REL_PROCS (default 16), REL_ROUNDS (default 50).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"
#include "rel.h"

#define MAX_PROCS 64
#define LEDGER_FILES 4

static int procs, rounds, hang_s;

/* A second module: its own log, and a no-transaction file of its own. */
static const pgc_migration tasks_files[] = {
    {1, "001_tasks.sql",
     "CREATE TABLE {{tables.tasks}} (id bigint PRIMARY KEY, title text NOT NULL);\n"
     "CREATE TABLE {{tables.tasks_log}} (file integer NOT NULL);\n"
     "INSERT INTO {{tables.tasks_log}} (file) VALUES (1);\n",
     NULL},
    {2, "002_fill.sql",
     "INSERT INTO {{tables.tasks}} SELECT g, 'task ' || g FROM generate_series(1, 50) AS g;\n"
     "SELECT pg_sleep(0.005);\n"
     "INSERT INTO {{tables.tasks_log}} (file) VALUES (2);\n",
     NULL},
    {3, "003_index.sql",
     "-- pgc:no-transaction\n"
     "CREATE INDEX CONCURRENTLY tasks_title ON {{tables.tasks}} (title);\n"
     "INSERT INTO {{tables.tasks_log}} (file) VALUES (3);\n",
     NULL},
};
static const pgc_migration_set tasks_set = {"tasks", REL_COUNT_OF(tasks_files), tasks_files};

typedef struct report {
    int rc;
    long long applied;
} report;

/* ---- the racing process (no cmocka in here: exit codes) ----------------- */

enum plan { LEDGER_ONLY, LEDGER_THEN_TASKS, TASKS_THEN_LEDGER };

static int apply_tasks(pgc_db *db, size_t *applied, pgc_error *err)
{
    return pgc_migrate(db, &tasks_set, NULL, applied, err);
}

/* ledger_migrate() does not say how many files it applied: the status does. */
static int apply_ledger(pgc_db *db, size_t *applied, pgc_error *err)
{
    /* Counted by the runner itself through the set generated code embeds. */
    return pgc_migrate(db, ledger_migration_set(), NULL, applied, err);
}

static int racer(const char *conninfo, enum plan plan, int go_fd, int out_fd)
{
    alarm((unsigned)hang_s); /* a deadlock ends as SIGALRM, seen by the parent */
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    pgc_pool *pool = NULL;
    pgc_db *alpha = NULL, *beta = NULL;
    int status = 0;
    if (!cfg || pgc_config_set(cfg, "conninfo", conninfo, &err) != PGC_OK
        || pgc_config_set(cfg, "max_connections", "2", &err) != PGC_OK
        || pgc_pool_open(&pool, cfg, &err) != PGC_OK
        || pgc_db_attach(&alpha, pool, plan == LEDGER_ONLY ? NULL : "alpha", &err) != PGC_OK
        || (plan != LEDGER_ONLY && pgc_db_attach(&beta, pool, "beta", &err) != PGC_OK)) {
        fprintf(stderr, "racer %d: open: %s\n", (int)getpid(), err.message);
        status = 3;
    }
    char c;
    while (read(go_fd, &c, 1) < 0 && errno == EINTR)
        ;
    report rep = {PGC_OK, 0};
    if (status == 0) {
        size_t a = 0, b = 0;
        int rc;
        switch (plan) {
        case LEDGER_ONLY:
            /* The generated entry point, as a service calls it at start-up. */
            rc = ledger_migrate(alpha, &err);
            break;
        case LEDGER_THEN_TASKS:
            rc = apply_ledger(alpha, &a, &err);
            if (rc == PGC_OK)
                rc = apply_tasks(beta, &b, &err);
            break;
        case TASKS_THEN_LEDGER:
        default:
            rc = apply_tasks(beta, &b, &err);
            if (rc == PGC_OK)
                rc = apply_ledger(alpha, &a, &err);
            break;
        }
        rep.rc = rc;
        rep.applied = (long long)(a + b);
        if (rc != PGC_OK) {
            fprintf(stderr, "racer %d: %s: %s [%s] %s\n", (int)getpid(), pgc_code_name(rc),
                    err.message, err.sqlstate, err.detail);
            status = 4;
        }
        if (write(out_fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
            status = 5;
    }
    if (pgc_db_close(alpha) != PGC_OK || pgc_db_close(beta) != PGC_OK
        || pgc_pool_close(pool) != PGC_OK)
        status = status ? status : 6;
    pgc_config_free(cfg);
    return status;
}

/* ---- the checks ------------------------------------------------------------ */

/* The ledger module applied exactly once in schema s ("public" for none). */
static void check_ledger(const char *ci, const char *s)
{
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".pgc_migrations"
                                   " WHERE module = 'ledger'", s), LEDGER_FILES);
    assert_int_equal(rel_count(ci, "SELECT count(DISTINCT version) FROM \"%s\".pgc_migrations"
                                   " WHERE module = 'ledger'", s), LEDGER_FILES);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".rel_log", s), LEDGER_FILES);
    assert_int_equal(rel_count(ci, "SELECT count(DISTINCT file) FROM \"%s\".rel_log", s),
                     LEDGER_FILES);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".accounts", s), 100);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_index i JOIN pg_class c"
                                   " ON c.oid = i.indexrelid JOIN pg_namespace n"
                                   " ON n.oid = c.relnamespace WHERE c.relname ="
                                   " 'entries_account' AND n.nspname = '%s'"
                                   " AND i.indisvalid AND i.indisready", s), 1);
}

static void check_tasks(const char *ci, const char *s)
{
    long long n = (long long)tasks_set.count;
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".pgc_migrations"
                                   " WHERE module = 'tasks'", s), n);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".tasks_log", s), n);
    assert_int_equal(rel_count(ci, "SELECT count(DISTINCT file) FROM \"%s\".tasks_log", s), n);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM \"%s\".tasks", s), 50);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_index i JOIN pg_class c"
                                   " ON c.oid = i.indexrelid WHERE c.relname = 'tasks_title'"
                                   " AND i.indisvalid"), 1);
}

#define ADVISORY_LOCKS_SQL                                                                 \
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"                            \
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"

static pgc_testdb *round_db; /* dropped by the teardown if an assertion left it */

static int drop_round_db(void **state)
{
    (void)state;
    pgc_testdb_drop(round_db);
    round_db = NULL;
    return 0;
}

/* Forks `procs` racers on a fresh database; returns how many files they
 * applied in all, after checking every racer ended well. */
static long long one_round(int round, int two_modules, const char **ci_out)
{
    pgc_error err = {0};
    rel_ok(pgc_testdb_create(&round_db, &err), &err);
    const char *ci = pgc_testdb_conninfo(round_db);
    *ci_out = ci;
    int go[2], out[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(out), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pids[MAX_PROCS];
    int forked = 0;
    for (; forked < procs; forked++) {
        enum plan plan = !two_modules ? LEDGER_ONLY
                         : forked % 2 ? TASKS_THEN_LEDGER : LEDGER_THEN_TASKS;
        pid_t pid = fork();
        if (pid == 0) {
            close(go[1]);
            close(out[0]);
            _exit(racer(ci, plan, go[0], out[1]));
        }
        if (pid < 0)
            break;
        pids[forked] = pid;
    }
    close(go[1]); /* all start now */
    close(go[0]);
    close(out[1]);
    int failed = 0;
    for (int i = 0; i < forked; i++) {
        int st = 0;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            print_error("round %d: racer %d %s %d%s\n", round, (int)pids[i],
                        WIFEXITED(st) ? "exited with" : "was killed by signal",
                        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
                        WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ? " (hung: deadlock?)" : "");
            failed++;
        }
    }
    long long applied = 0;
    int reports = 0;
    report rep;
    while (read(out[0], &rep, sizeof rep) == (ssize_t)sizeof rep) {
        reports++;
        applied += rep.applied;
        assert_int_equal(rep.rc, PGC_OK);
    }
    close(out[0]);
    assert_int_equal(forked, procs);
    assert_int_equal(failed, 0);
    assert_int_equal(reports, procs);
    return applied;
}

static void concurrency__generated_migrations__each_file_applied_once(void **state)
{
    (void)state;
    double t0 = rel_now();
    for (int round = 0; round < rounds; round++) {
        const char *ci;
        one_round(round, 0, &ci);
        /* ledger_migrate() reports no count: the tables tell. */
        check_ledger(ci, "public");
        assert_int_equal(rel_count(ci, ADVISORY_LOCKS_SQL), 0);
        drop_round_db(NULL);
    }
    rel_report("concurrency: %d processes x %d rounds, generated ledger_migrate (4 files, "
               "1 CREATE INDEX CONCURRENTLY): each file once, 0 errors, 0 hangs, %.1f s",
               procs, rounds, rel_now() - t0);
}

static void concurrency__two_modules_two_schemas__each_file_applied_once(void **state)
{
    (void)state;
    double t0 = rel_now();
    for (int round = 0; round < rounds; round++) {
        const char *ci;
        long long applied = one_round(round, 1, &ci);
        assert_int_equal(applied, (long long)(LEDGER_FILES + tasks_set.count));
        check_ledger(ci, "alpha");
        check_tasks(ci, "beta");
        assert_int_equal(rel_count(ci, ADVISORY_LOCKS_SQL), 0);
        drop_round_db(NULL);
    }
    rel_report("concurrency: %d processes x %d rounds, modules ledger@alpha + tasks@beta "
               "interleaved: each file once, 0 errors, 0 hangs, %.1f s",
               procs, rounds, rel_now() - t0);
}

int main(void)
{
    procs = rel_size("REL_PROCS", 16, MAX_PROCS);
    rounds = rel_size("REL_ROUNDS", 50, 10000);
    hang_s = rel_size("REL_HANG_S", 120, 3600);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(concurrency__generated_migrations__each_file_applied_once,
                                  drop_round_db),
        cmocka_unit_test_teardown(concurrency__two_modules_two_schemas__each_file_applied_once,
                                  drop_round_db),
    };
    return cmocka_run_group_tests_name("rel_concurrency", tests, NULL, NULL);
}
