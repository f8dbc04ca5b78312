/*
 * test_cluster.c - the throwaway cluster and the testdb factory
 * (runtime/pgc_test.c), against real servers.
 *
 * The group starts its own cluster and points PGC_TEST_CONNINFO at it, so
 * that the testdbs of this suite can be checked on a server whose folder
 * and pid are known.  The first test forks a process in which the factory
 * starts a cluster of its own, and must stay first: the factory reads the
 * environment once per process.
 */
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "pgc_test.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static PGconn *connect_to(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        fail_msg("connect %s: %s", conninfo, PQerrorMessage(conn));
    return conn;
}

/* The first value of the first row, malloc'd; NULL when there is no row. */
static char *query_value(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", sql, PQresultErrorMessage(res));
        PQclear(res);
        fail_msg("%s", msg);
    }
    char *v = PQntuples(res) > 0 ? strdup(PQgetvalue(res, 0, 0)) : NULL;
    PQclear(res);
    return v;
}

static void assert_query_value(PGconn *conn, const char *sql, const char *expected)
{
    char *v = query_value(conn, sql);
    assert_non_null(v);
    if (strcmp(v, expected) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s gave '%s', expected '%s'", sql, v, expected);
        free(v);
        fail_msg("%s", msg);
    }
    free(v);
}

static int database_count(PGconn *conn, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'",
             name);
    char *v = query_value(conn, sql);
    int n = atoi(v);
    free(v);
    return n;
}

/* The value of keyword in a conninfo, malloc'd, or NULL. */
static char *conninfo_value(const char *conninfo, const char *keyword)
{
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    char *v = NULL;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0 && o->val)
            v = strdup(o->val);
    PQconninfoFree(opts);
    return v;
}

/* The postmaster's pid as written in <dir>/data/postmaster.pid, or -1. */
static pid_t postmaster_pid(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
    FILE *f = fopen(path, "r");
    long pid = -1;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = -1;
        fclose(f);
    }
    return (pid_t)pid;
}

static int gone(const char *dir, pid_t pid)
{
    struct stat st;
    return stat(dir, &st) != 0 && errno == ENOENT && kill(pid, 0) != 0 && errno == ESRCH;
}

static pgc_test_cluster *cluster_of(void **state)
{
    return *state;
}

/* ------------------------------------------------------------------ */
/* The factory's own cluster (first: see the top of the file)           */
/* ------------------------------------------------------------------ */

/*
 * In a forked process with no PGC_TEST_CONNINFO: create a testdb (starting
 * a cluster), let a grandchild use the cluster and exit, check the cluster
 * survived it, report the folder and pid, exit normally.  No cmocka here.
 */
static _Noreturn void lazy_owner(int report_fd)
{
    unsetenv("PGC_TEST_CONNINFO");
    pgc_error err = {0};
    pgc_testdb *t;
    if (pgc_testdb_create(&t, &err) != PGC_OK) {
        fprintf(stderr, "lazy owner: %s\n", err.message);
        exit(10);
    }
    char *host = conninfo_value(pgc_testdb_conninfo(t), "host");
    if (!host)
        exit(11);
    pid_t server = postmaster_pid(host);

    fflush(NULL);
    pid_t kid = fork();
    if (kid == 0) {
        pgc_testdb *t2;
        int ok = pgc_testdb_create(&t2, NULL) == PGC_OK
                 && strcmp(pgc_testdb_name(t2), pgc_testdb_name(t)) != 0;
        pgc_testdb_drop(t2);
        exit(ok ? 0 : 1); /* runs the atexit handler: must not stop the cluster */
    }
    int status = 0;
    if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status)
        || WEXITSTATUS(status) != 0)
        exit(12);
    if (PQping(pgc_testdb_conninfo(t)) != PQPING_OK)
        exit(13); /* the grandchild's exit stopped the cluster */

    char line[600];
    int n = snprintf(line, sizeof line, "%ld %s\n", (long)server, host);
    if (write(report_fd, line, (size_t)n) != n)
        exit(14);
    close(report_fd);
    pgc_testdb_drop(t);
    free(host);
    exit(0); /* the atexit handler stops the cluster */
}

static void testdb__no_conninfo_env__starts_a_cluster_stopped_at_exit(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t kid = fork();
    assert_true(kid >= 0);
    if (kid == 0) {
        close(fds[0]);
        lazy_owner(fds[1]);
    }
    close(fds[1]);
    char buf[600];
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(kid, &status, 0), kid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(n > 0);
    buf[n] = '\0';
    long pid = 0;
    char dir[600];
    assert_int_equal(sscanf(buf, "%ld %599s", &pid, dir), 2);
    assert_true(pid > 0);
    assert_non_null(strstr(dir, "/pgc-"));
    assert_true(gone(dir, (pid_t)pid));
}

/* ------------------------------------------------------------------ */
/* The cluster                                                          */
/* ------------------------------------------------------------------ */

static void cluster__server__listens_on_a_private_unix_socket_only(void **state)
{
    pgc_test_cluster *c = cluster_of(state);
    const char *dir = pgc_test_cluster_dir(c);
    PGconn *conn = connect_to(pgc_test_cluster_conninfo(c));

    assert_query_value(conn, "SHOW unix_socket_directories", dir);
    assert_query_value(conn, "SHOW listen_addresses", "");
    char port[16];
    snprintf(port, sizeof port, "%d", pgc_test_cluster_port(c));
    assert_query_value(conn, "SHOW port", port);
    assert_query_value(conn, "SHOW fsync", "off");
    assert_query_value(conn, "SHOW max_connections", "200");
    assert_query_value(conn, "SELECT current_user", "postgres");
    assert_string_equal(PQhost(conn), dir);
    PQfinish(conn);

    /* The folder: fresh, private, the server's, holding the socket. */
    const char *tmp = getenv("TMPDIR");
    assert_non_null(strstr(dir, "/pgc-"));
    assert_true(strncmp(dir, "/tmp/", 5) == 0
                || (tmp && strncmp(dir, tmp, strlen(tmp)) == 0));
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    uid_t server_uid = geteuid();
    if (server_uid == 0) {
        struct passwd *pw = getpwnam("postgres");
        assert_non_null(pw);
        server_uid = pw->pw_uid;
    }
    assert_int_equal(st.st_uid, server_uid);
    char sock[512];
    snprintf(sock, sizeof sock, "%s/.s.PGSQL.%d", dir, pgc_test_cluster_port(c));
    assert_int_equal(stat(sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));

    assert_int_equal(pgc_test_cluster_pid(c), postmaster_pid(dir));
    assert_int_equal(kill(pgc_test_cluster_pid(c), 0), 0);
    assert_true(strncmp(pgc_test_cluster_version(c), "1", 1) == 0
                || strncmp(pgc_test_cluster_version(c), "9", 1) == 0);
    assert_null(strchr(pgc_test_cluster_version(c), ' '));
}

static void cluster__conninfo__names_folder_port_user_and_database(void **state)
{
    pgc_test_cluster *c = cluster_of(state);
    char expected[512];
    snprintf(expected, sizeof expected, "host=%s port=%d user=postgres dbname=postgres",
             pgc_test_cluster_dir(c), pgc_test_cluster_port(c));
    assert_string_equal(pgc_test_cluster_conninfo(c), expected);
}

static void cluster__stop__removes_folder_and_server(void **state)
{
    (void)state;
    pgc_error err = {0};
    pgc_test_cluster *c = NULL;
    int rc = pgc_test_cluster_start(&c, &err);
    if (rc != PGC_OK)
        fail_msg("start: %s", err.message);
    char dir[256];
    snprintf(dir, sizeof dir, "%s", pgc_test_cluster_dir(c));
    pid_t pid = pgc_test_cluster_pid(c);
    assert_true(pid > 0);
    /* A client still connected does not hold the stop up. */
    PGconn *conn = connect_to(pgc_test_cluster_conninfo(c));
    assert_false(gone(dir, pid));

    pgc_test_cluster_stop(c);

    assert_true(gone(dir, pid));
    PGresult *res = PQexec(conn, "SELECT 1");
    assert_int_not_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    PQfinish(conn);
}

static void cluster__stop__accepts_null(void **state)
{
    (void)state;
    pgc_test_cluster_stop(NULL);
    pgc_testdb_drop(NULL);
}

static void cluster__bad_bindir__is_refused_naming_it(void **state)
{
    (void)state;
    char *saved = getenv("PGC_PG_BINDIR") ? strdup(getenv("PGC_PG_BINDIR")) : NULL;
    setenv("PGC_PG_BINDIR", "/nonexistent/pgc-bin", 1);
    pgc_error err = {0};
    pgc_test_cluster *c = (pgc_test_cluster *)&err; /* must be reset to NULL */
    int rc = pgc_test_cluster_start(&c, &err);
    if (saved)
        setenv("PGC_PG_BINDIR", saved, 1);
    else
        unsetenv("PGC_PG_BINDIR");
    free(saved);
    assert_int_equal(rc, PGC_ECONFIG);
    assert_int_equal(err.code, PGC_ECONFIG);
    assert_null(c);
    assert_non_null(strstr(err.message, "PGC_PG_BINDIR=/nonexistent/pgc-bin"));
}

/* ------------------------------------------------------------------ */
/* The testdb factory on the group's cluster                            */
/* ------------------------------------------------------------------ */

static pgc_testdb *create_testdb(void)
{
    pgc_error err = {0};
    pgc_testdb *t = NULL;
    if (pgc_testdb_create(&t, &err) != PGC_OK)
        fail_msg("pgc_testdb_create: %s", err.message);
    return t;
}

static void testdb__two__are_distinct_databases(void **state)
{
    pgc_test_cluster *c = cluster_of(state);
    pgc_testdb *a = create_testdb(), *b = create_testdb();
    char prefix[64];
    snprintf(prefix, sizeof prefix, "pgc_test_%ld_", (long)getpid());
    assert_true(strncmp(pgc_testdb_name(a), prefix, strlen(prefix)) == 0);
    assert_true(strncmp(pgc_testdb_name(b), prefix, strlen(prefix)) == 0);
    assert_string_not_equal(pgc_testdb_name(a), pgc_testdb_name(b));

    PGconn *server = connect_to(pgc_test_cluster_conninfo(c));
    assert_int_equal(database_count(server, pgc_testdb_name(a)), 1);
    assert_int_equal(database_count(server, pgc_testdb_name(b)), 1);

    PGconn *ca = connect_to(pgc_testdb_conninfo(a));
    PGconn *cb = connect_to(pgc_testdb_conninfo(b));
    assert_string_equal(PQdb(ca), pgc_testdb_name(a));
    assert_string_equal(PQhost(ca), pgc_test_cluster_dir(c));
    assert_query_value(ca, "SELECT current_database()", pgc_testdb_name(a));
    assert_query_value(cb, "SELECT current_database()", pgc_testdb_name(b));
    PQclear(PQexec(ca, "CREATE TABLE only_in_a (x int)"));
    assert_query_value(ca, "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'",
                       "1");
    assert_query_value(cb, "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'",
                       "0");
    PQfinish(ca);
    PQfinish(cb);

    pgc_testdb_drop(a);
    pgc_testdb_drop(b);
    PQfinish(server);
}

static void testdb__dropped__is_gone_even_with_a_client_connected(void **state)
{
    pgc_test_cluster *c = cluster_of(state);
    pgc_testdb *t = create_testdb();
    char name[64];
    snprintf(name, sizeof name, "%s", pgc_testdb_name(t));
    PGconn *client = connect_to(pgc_testdb_conninfo(t));
    PGconn *server = connect_to(pgc_test_cluster_conninfo(c));
    assert_int_equal(database_count(server, name), 1);

    pgc_testdb_drop(t);

    assert_int_equal(database_count(server, name), 0);
    PGresult *res = PQexec(client, "SELECT 1");
    assert_int_not_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    PQfinish(client);
    PQfinish(server);
}

static void testdb__conninfo__is_the_cluster_with_its_dbname(void **state)
{
    pgc_test_cluster *c = cluster_of(state);
    pgc_testdb *t = create_testdb();
    const char *ci = pgc_testdb_conninfo(t);
    char *host = conninfo_value(ci, "host"), *port = conninfo_value(ci, "port");
    char *user = conninfo_value(ci, "user"), *db = conninfo_value(ci, "dbname");
    char want_port[16];
    snprintf(want_port, sizeof want_port, "%d", pgc_test_cluster_port(c));
    assert_non_null(host);
    assert_non_null(port);
    assert_non_null(user);
    assert_non_null(db);
    assert_string_equal(host, pgc_test_cluster_dir(c));
    assert_string_equal(port, want_port);
    assert_string_equal(user, "postgres");
    assert_string_equal(db, pgc_testdb_name(t));
    free(host);
    free(port);
    free(user);
    free(db);
    pgc_testdb_drop(t);
}

/* Runs between pgc_testdb_setup and pgc_testdb_teardown. */
static void testdb__setup__gives_a_fresh_database(void **state)
{
    pgc_testdb *t = *state;
    assert_non_null(t);
    PGconn *conn = connect_to(pgc_testdb_conninfo(t));
    assert_query_value(conn, "SELECT count(*) FROM pg_class WHERE relnamespace = "
                             "'public'::regnamespace", "0");
    PQfinish(conn);
}

/* ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    pgc_error err = {0};
    pgc_test_cluster *c;
    if (pgc_test_cluster_start(&c, &err) != PGC_OK) {
        fprintf(stderr, "test_cluster: %s (%s)\n", err.message, pgc_code_name(err.code));
        return -1;
    }
    setenv("PGC_TEST_CONNINFO", pgc_test_cluster_conninfo(c), 1);
    *state = c;
    return 0;
}

static int group_teardown(void **state)
{
    pgc_test_cluster_stop(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(testdb__no_conninfo_env__starts_a_cluster_stopped_at_exit),
        cmocka_unit_test(cluster__server__listens_on_a_private_unix_socket_only),
        cmocka_unit_test(cluster__conninfo__names_folder_port_user_and_database),
        cmocka_unit_test(cluster__stop__removes_folder_and_server),
        cmocka_unit_test(cluster__stop__accepts_null),
        cmocka_unit_test(cluster__bad_bindir__is_refused_naming_it),
        cmocka_unit_test(testdb__two__are_distinct_databases),
        cmocka_unit_test(testdb__dropped__is_gone_even_with_a_client_connected),
        cmocka_unit_test(testdb__conninfo__is_the_cluster_with_its_dbname),
        cmocka_unit_test_setup_teardown(testdb__setup__gives_a_fresh_database,
                                        pgc_testdb_setup, pgc_testdb_teardown),
    };
    return cmocka_run_group_tests_name("cluster", tests, group_setup, group_teardown);
}
