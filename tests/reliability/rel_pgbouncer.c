/*
 * rel_pgbouncer.c - pgc behind PgBouncer in transaction pooling mode.
 *
 * The suite starts pgbouncer (the Debian package; as the `postgres` user
 * when run as root, since it refuses root) in a private folder, listening
 * on a Unix socket there only, in front of the test cluster, with
 * pool_mode=transaction and default_pool_size=2: every transaction may
 * land on another server connection, and the clients (up to 8) share two.
 * PgBouncer before 1.21 does not track named prepared statements, so the
 * pools here use statements=unnamed (pgc.h).  Checked through it:
 * generated calls of every kind from several threads (single statements,
 * reads, streams, batches, transactions committed and rolled back), the
 * results checked against the tables over a direct connection; migrations
 * (transactional files from several processes at once, each applied once;
 * a pending no-transaction file refused before anything is applied, and
 * fine once applied over a direct connection).
 *
 * Sizes: REL_CALLS (default 10000) calls over 4 threads.
 */
#define _GNU_SOURCE /* initgroups, prctl */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libpq-fe.h>

#include "ledger.h"
#include "rel.h"

#define THREADS 4

static int calls;

/* The bouncer in front of this suite's database. */
static struct {
    pgc_testdb *tdb;
    char dir[64];
    pid_t pid;
    int port;
    char direct[512];   /* the database, directly */
    char bounced[512];  /* the database, through pgbouncer */
} bx;

static int free_port(void)
{
    int port = 0, fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0
        && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port ? port : 16432;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* The value of `key` in a conninfo, or "" (static storage per key). */
static void conninfo_get(const char *conninfo, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val)
            snprintf(out, size, "%s", o->val);
    PQconninfoFree(opts);
}

static int start_bouncer(void **state)
{
    (void)state;
    pgc_error err = {0};
    if (pgc_testdb_create(&bx.tdb, &err) != PGC_OK) {
        fprintf(stderr, "pgc_testdb_create: %s\n", err.message);
        return -1;
    }
    snprintf(bx.direct, sizeof bx.direct, "%s", pgc_testdb_conninfo(bx.tdb));
    char host[256], port[16];
    conninfo_get(bx.direct, "host", host, sizeof host);
    conninfo_get(bx.direct, "port", port, sizeof port);
    snprintf(bx.dir, sizeof bx.dir, "/tmp/pgc-bouncer-XXXXXX");
    if (!mkdtemp(bx.dir))
        return -1;
    uid_t uid = getuid();
    gid_t gid = getgid();
    struct passwd *pw = NULL;
    if (geteuid() == 0) { /* pgbouncer refuses to run as root */
        pw = getpwnam("postgres");
        if (!pw) {
            fprintf(stderr, "running as root and there is no user postgres\n");
            return -1;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
        if (chown(bx.dir, uid, gid) != 0)
            return -1;
    }
    bx.port = free_port();
    char path[128], ini[2048];
    snprintf(ini, sizeof ini,
             "[databases]\n"
             "* = host=%s port=%s\n"
             "[pgbouncer]\n"
             "listen_port = %d\n"
             "unix_socket_dir = %s\n"
             "auth_type = trust\n"
             "auth_file = %s/users.txt\n"
             "pool_mode = transaction\n"
             "default_pool_size = 2\n"
             "max_client_conn = 200\n"
             "logfile = %s/pgbouncer.log\n"
             "pidfile = %s/pgbouncer.pid\n",
             host, port, bx.port, bx.dir, bx.dir, bx.dir, bx.dir);
    snprintf(path, sizeof path, "%s/pgbouncer.ini", bx.dir);
    write_file(path, ini);
    snprintf(path, sizeof path, "%s/users.txt", bx.dir);
    write_file(path, "\"postgres\" \"\"\n");

    fflush(stdout);
    fflush(stderr);
    bx.pid = fork();
    if (bx.pid == 0) {
        if (pw && (initgroups(pw->pw_name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
            _exit(126);
        /* Gone with the suite even if it crashes (set after setuid, which
           clears it). */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        char ini_path[128];
        snprintf(ini_path, sizeof ini_path, "%s/pgbouncer.ini", bx.dir);
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) { /* its log is in the folder */
            dup2(null_fd, 1);
            dup2(null_fd, 2);
        }
        execlp("pgbouncer", "pgbouncer", ini_path, (char *)NULL);
        execl("/usr/sbin/pgbouncer", "pgbouncer", ini_path, (char *)NULL);
        _exit(127);
    }
    if (bx.pid < 0)
        return -1;
    snprintf(bx.bounced, sizeof bx.bounced, "host=%s port=%d user=postgres dbname=%s", bx.dir,
             bx.port, pgc_testdb_name(bx.tdb));
    for (int i = 0; i < 500; i++) {
        if (PQping(bx.bounced) == PQPING_OK)
            return 0;
        int st;
        if (waitpid(bx.pid, &st, WNOHANG) == bx.pid) {
            fprintf(stderr, "pgbouncer did not start (exit status %d; is the Debian package "
                    "pgbouncer installed? see tools/deps.sh); log: %s/pgbouncer.log\n",
                    WIFEXITED(st) ? WEXITSTATUS(st) : -1, bx.dir);
            bx.pid = 0;
            return -1;
        }
        rel_sleep_ms(20);
    }
    fprintf(stderr, "pgbouncer did not accept connections within 10 s\n");
    return -1;
}

static void remove_dir(const char *dir)
{
    const char *names[] = {"pgbouncer.ini", "users.txt", "pgbouncer.log", "pgbouncer.pid"};
    char path[128];
    for (size_t i = 0; i < REL_COUNT_OF(names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int stop_bouncer(void **state)
{
    (void)state;
    if (bx.pid > 0) {
        kill(bx.pid, SIGINT); /* safe shutdown */
        int st;
        for (int i = 0; i < 250 && waitpid(bx.pid, &st, WNOHANG) == 0; i++)
            rel_sleep_ms(20);
        if (kill(bx.pid, 0) == 0) {
            kill(bx.pid, SIGKILL);
            waitpid(bx.pid, &st, 0);
        }
    }
    if (bx.dir[0])
        remove_dir(bx.dir);
    pgc_testdb_drop(bx.tdb);
    return 0;
}

static pgc_db *open_bounced(const char *schema, const char *max)
{
    pgc_config *cfg = rel_config(bx.bounced, "statements", "unnamed", "max_connections", max,
                                 "acquire_timeout_ms", "20000", (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, schema, &err), &err);
    pgc_config_free(cfg);
    return db;
}

/* ---- migrations ------------------------------------------------------------- */

static const pgc_migration plain_files[] = {
    {1, "001_plain.sql",
     "CREATE TABLE {{tables.plain_log}} (file integer NOT NULL);\n"
     "INSERT INTO {{tables.plain_log}} VALUES (1);\n", NULL},
    {2, "002_plain.sql",
     "CREATE TABLE {{tables.items}} (id bigint PRIMARY KEY);\n"
     "INSERT INTO {{tables.items}} SELECT generate_series(1, 10);\n"
     "SELECT pg_sleep(0.01);\n"
     "INSERT INTO {{tables.plain_log}} VALUES (2);\n", NULL},
    {3, "003_plain.sql", "ALTER TABLE {{tables.items}} ADD COLUMN note text;\n"
                         "INSERT INTO {{tables.plain_log}} VALUES (3);\n", NULL},
};

static void pgbouncer__migrations__applied_once_no_transaction_refused(void **state)
{
    (void)state;
    /* Transactional files from 8 processes at once, through the bouncer. */
    enum { PROCS = 8 };
    pgc_migration_set plain = {"plain", REL_COUNT_OF(plain_files), plain_files};
    pid_t pids[PROCS];
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            alarm(120);
            pgc_config *cfg = pgc_config_new();
            pgc_db *db;
            pgc_error err = {0};
            if (pgc_config_set(cfg, "conninfo", bx.bounced, &err) != PGC_OK
                || pgc_config_set(cfg, "statements", "unnamed", &err) != PGC_OK
                || pgc_db_open(&db, cfg, "bounced", &err) != PGC_OK)
                _exit(3);
            int rc = pgc_migrate(db, &plain, NULL, NULL, &err);
            if (rc != PGC_OK)
                fprintf(stderr, "migrate: %s: %s\n", pgc_code_name(rc), err.message);
            pgc_db_close(db);
            pgc_config_free(cfg);
            _exit(rc == PGC_OK ? 0 : 4);
        }
        assert_true(pids[i] > 0);
    }
    for (int i = 0; i < PROCS; i++) {
        int st = 0;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
            ;
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    assert_int_equal(rel_count(bx.direct, "SELECT count(*) FROM bounced.pgc_migrations"), 3);
    assert_int_equal(rel_count(bx.direct, "SELECT count(*) FROM bounced.plain_log"), 3);
    assert_int_equal(rel_count(bx.direct, "SELECT count(*) FROM bounced.items"), 10);

    /* ledger has a no-transaction file (CREATE INDEX CONCURRENTLY): refused
       through the bouncer, nothing applied. */
    pgc_db *db = open_bounced("lib", "2");
    pgc_error err = {0};
    rel_fails(ledger_migrate(db, &err), PGC_EMIGRATION, &err);
    assert_non_null(strstr(err.message, "003_index.sql"));
    assert_int_equal(rel_count(bx.direct, "SELECT count(*) FROM pg_tables WHERE schemaname ="
                                          " 'lib' AND tablename = 'accounts'"), 0);
    /* Applied over a direct connection, it is then fine through the bouncer. */
    pgc_config *cfg = rel_config(bx.direct, (const char *)NULL);
    pgc_db *direct;
    rel_ok(pgc_db_open(&direct, cfg, "lib", &err), &err);
    pgc_config_free(cfg);
    rel_ok(ledger_migrate(direct, &err), &err);
    assert_int_equal(pgc_db_close(direct), PGC_OK);
    rel_ok(ledger_migrate(db, &err), &err);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("pgbouncer (transaction pooling, 2 server connections): %d processes applied 3 "
               "transactional files, each once; a no-transaction file refused "
               "(PGC_EMIGRATION) before anything was applied", PROCS);
}

/* ---- generated calls ----------------------------------------------------------- */

typedef struct job {
    pgc_db *db;
    int index, per_thread;
    int quiet;                /* the control: failures expected, not printed */
    long long ok, failed, entries, credits;
    long long prepared_errors; /* 42P05 already exists, 26000 does not exist */
} job;

static void *work(void *arg)
{
    job *j = arg;
    for (int i = 0; i < j->per_thread; i++) {
        int64_t base = ((int64_t)j->index * j->per_thread + i) * 4 + 1;
        int64_t account = base % 100 + 1;
        pgc_error err = {0};
        int rc = PGC_OK;
        switch (i % 6) {
        case 0:
            rc = ledger_add_entry(j->db, base, account, base, "bounced", &err);
            j->entries += rc == PGC_OK;
            break;
        case 1: {
            int64_t affected = 0;
            rc = ledger_credit(j->db, 1, account, &affected, &err);
            if (rc == PGC_OK && affected != 1)
                rc = PGC_EINTERNAL;
            j->credits += rc == PGC_OK;
            break;
        }
        case 2: { /* read back this thread's last insert */
            int64_t id = base - 8;
            if (i < 6)
                break;
            ledger_get_entry_row row = {0};
            rc = ledger_get_entry(j->db, id, &row, &err);
            if (rc == PGC_OK && (row.amount != id || strcmp(row.memo, "bounced") != 0))
                rc = PGC_EINTERNAL;
            ledger_get_entry_row_clear(&row);
            break;
        }
        case 3: { /* a batch */
            ledger_queue_entry_batch b;
            rc = ledger_queue_entry_begin(j->db, &b, &err);
            if (rc == PGC_OK) {
                for (int k = 0; k < 3; k++)
                    ledger_queue_entry_queue(&b, base + k, account, base + k, "batch", NULL);
                rc = ledger_queue_entry_end(&b, &err);
            }
            j->entries += rc == PGC_OK ? 3 : 0;
            break;
        }
        case 4: { /* a transaction, committed on even calls, rolled back on odd */
            pgc_db *tx;
            rc = pgc_tx_begin(j->db, &tx, &err);
            if (rc != PGC_OK)
                break;
            int64_t affected = 0;
            rc = ledger_add_entry(tx, base, account, base, "tx", &err);
            if (rc == PGC_OK)
                rc = ledger_credit(tx, 1, account, &affected, &err);
            /* Read your own write inside the transaction: same server connection. */
            ledger_get_entry_row row = {0};
            if (rc == PGC_OK)
                rc = ledger_get_entry(tx, base, &row, &err);
            ledger_get_entry_row_clear(&row);
            if (rc != PGC_OK) {
                pgc_tx_rollback(tx, NULL);
            } else if (i / 6 % 2 == 0) {
                rc = pgc_tx_commit(tx, &err);
                j->entries += rc == PGC_OK;
                j->credits += rc == PGC_OK;
            } else {
                rc = pgc_tx_rollback(tx, &err);
            }
            break;
        }
        default: { /* a stream of an account's entries */
            ledger_entries_for_iter it;
            rc = ledger_entries_for_open(j->db, account, &it, &err);
            if (rc == PGC_OK) {
                ledger_entries_for_row row;
                int64_t last = -1;
                while ((rc = ledger_entries_for_next(&it, &row, &err)) == PGC_OK)
                    if (row.id <= last)
                        rc = PGC_EINTERNAL;
                    else
                        last = row.id;
                if (rc == PGC_DONE)
                    rc = PGC_OK;
                ledger_entries_for_close(&it);
            }
            break;
        }
        }
        if (rc == PGC_OK) {
            j->ok++;
        } else {
            j->prepared_errors += strcmp(err.sqlstate, "42P05") == 0
                                  || strcmp(err.sqlstate, "26000") == 0;
            if (j->failed++ < 5 && !j->quiet)
                fprintf(stderr, "call %d: %s: %s [%s]\n", i, pgc_code_name(rc), err.message,
                        err.sqlstate);
        }
    }
    return NULL;
}

static void pgbouncer__generated_calls__work_in_transaction_mode(void **state)
{
    (void)state;
    pgc_db *db = open_bounced("lib", "8");
    pgc_error err = {0};
    rel_ok(ledger_migrate(db, &err), &err); /* applied by the test before */
    long long entries0 = rel_count(bx.direct, "SELECT count(*) FROM lib.entries");
    long long balance0 = rel_count(bx.direct, "SELECT coalesce(sum(balance), 0) FROM lib.accounts");
    pthread_t th[THREADS];
    job jobs[THREADS];
    double t0 = rel_now();
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (job){.db = db, .index = t, .per_thread = calls / THREADS};
        assert_int_equal(pthread_create(&th[t], NULL, work, &jobs[t]), 0);
    }
    long long ok = 0, failed = 0, entries = 0, credits = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        ok += jobs[t].ok;
        failed += jobs[t].failed;
        entries += jobs[t].entries;
        credits += jobs[t].credits;
    }
    double secs = rel_now() - t0;
    assert_int_equal(failed, 0);
    assert_int_equal(rel_count(bx.direct, "SELECT count(*) FROM lib.entries") - entries0, entries);
    assert_int_equal(rel_count(bx.direct, "SELECT coalesce(sum(balance), 0) FROM lib.accounts")
                         - balance0,
                     credits);
    /* The bouncer really pooled: its server connections to the database. */
    long long servers = rel_count(bx.direct, "SELECT count(*) FROM pg_stat_activity WHERE"
                                             " datname = current_database() AND pid <>"
                                             " pg_backend_pid() AND backend_type ="
                                             " 'client backend'");
    assert_true(servers <= 2);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    rel_report("pgbouncer (transaction pooling, 8 clients on %lld server connections): %lld "
               "generated calls (insert, update, read, batch, transaction, stream) from %d "
               "threads, 0 errors, every write present, %.1f s",
               servers, ok, THREADS, secs);
}

/* Control: named statements through the same bouncer, for the record. */
static void pgbouncer__named_statements__are_what_breaks(void **state)
{
    (void)state;
    pgc_config *cfg = rel_config(bx.bounced, "max_connections", "8", (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, "lib", &err), &err);
    pgc_config_free(cfg);
    job jobs[THREADS];
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) {
        /* ids far from the other test's */
        jobs[t] = (job){.db = db, .index = 1000 + t, .per_thread = 300, .quiet = 1};
        assert_int_equal(pthread_create(&th[t], NULL, work, &jobs[t]), 0);
    }
    long long failed = 0, prepared = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        failed += jobs[t].failed;
        prepared += jobs[t].prepared_errors;
    }
    assert_int_equal(pgc_db_close(db), PGC_OK);
    /* 8 clients preparing the same names on 2 server connections: some
       meet a connection where the name exists, or one where it does not. */
    assert_true(prepared > 0);
    rel_report("pgbouncer control: the same workload with statements=named: %lld of %d calls "
               "failed (%lld on a prepared statement name: 42P05/26000)", failed, THREADS * 300,
               prepared);
}

int main(void)
{
    calls = rel_size("REL_CALLS", 10000, 10000000);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pgbouncer__migrations__applied_once_no_transaction_refused),
        cmocka_unit_test(pgbouncer__generated_calls__work_in_transaction_mode),
        cmocka_unit_test(pgbouncer__named_statements__are_what_breaks),
    };
    return cmocka_run_group_tests_name("rel_pgbouncer", tests, start_bouncer, stop_bouncer);
}
