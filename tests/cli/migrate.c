/*
 * migrate.c - `pgc migrate` (and `pgc verify`) as an operator runs it: the
 * pgc binary run as a child process on a fresh database per test, its exit
 * status, stdout and stderr checked, the database looked at over libpq.
 *
 * tests/cli/migrations holds one file of each format the generator reads
 * (plain, goose with a Down section and a StatementBegin block, dbmate,
 * tern, golang-migrate .up/.down, a no-transaction file); the down parts
 * create a table *_down_ran, which must never exist.  The same folder is
 * generated as the library "clilib" (build/emit/clilib.c, linked here), so
 * that the CLI and the embedded set can be checked against each other.
 *
 * Environment: PGC_BIN (default build/pgc), PGC_CLI_FIXTURES (default
 * tests/cli), PGC_CLI_WRAP (a command the pgc runs go under, e.g.
 * valgrind with its options; split at blanks).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "clilib.h"
#include "pgc.h"
#include "pgc_test.h"

static const char *pgc_bin, *fixtures;

/* ---- running pgc ------------------------------------------------------------------- */

typedef struct outcome {
    int status;        /* exit status, or 128 + signal */
    char *out, *err;   /* what it printed, NUL-terminated */
} outcome;

static void outcome_free(outcome *o)
{
    free(o->out);
    free(o->err);
    memset(o, 0, sizeof *o);
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    for (;;) {
        if (n + 1 >= cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        assert_true(got >= 0);
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    close(fd);
    return buf;
}

static int temp_fd(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/pgc-cli-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    return fd;
}

/* Runs pgc with the arguments given (NULL-ended); the child's output in *o. */
static void run_pgc(outcome *o, const char *arg, ...)
{
    const char *argv[64];
    int argc = 0;
    static char wrap[1024];
    const char *w = getenv("PGC_CLI_WRAP");
    if (w && *w) {
        snprintf(wrap, sizeof wrap, "%s", w);
        for (char *tok = strtok(wrap, " "); tok; tok = strtok(NULL, " "))
            argv[argc++] = tok;
    }
    argv[argc++] = pgc_bin;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a; a = va_arg(ap, const char *)) {
        assert_true(argc < 62);
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;

    int out = temp_fd(), err = temp_fd();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid); /* by pid: the server is a child too */
    o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    o->out = slurp_fd(out);
    o->err = slurp_fd(err);
}

/* Fails, showing what pgc printed, unless `needle` is in `hay`. */
#define expect_in(hay, needle, o)                                                       \
    do {                                                                               \
        if (!strstr((hay), (needle))) {                                                \
            print_error("expected \"%s\" in the output\n--- stdout:\n%s--- stderr:\n%s", \
                        (needle), (o)->out, (o)->err);                                 \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#define expect_status(o, want)                                                          \
    do {                                                                               \
        if ((o)->status != (want)) {                                                   \
            print_error("exit status %d, expected %d\n--- stdout:\n%s--- stderr:\n%s",  \
                        (o)->status, (want), (o)->out, (o)->err);                      \
            fail();                                                                    \
        }                                                                              \
    } while (0)

/* How many lines of out have the fields STATE VERSION NAME (then anything). */
static int rows(const char *out, const char *state, const char *version, const char *name)
{
    int found = 0;
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[1024], s[64], v[64], n[512];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        if (sscanf(buf, "%63s %63s %511s", s, v, n) == 3 && strcmp(s, state) == 0
            && (!version || strcmp(v, version) == 0) && (!name || strcmp(n, name) == 0))
            found++;
        line += len + (nl != NULL);
    }
    return found;
}

#define expect_row(o, state, version, name)                                             \
    do {                                                                               \
        if (rows((o)->out, (state), (version), (name)) != 1) {                         \
            print_error("expected the row \"%s %s %s\"\n--- stdout:\n%s--- stderr:\n%s", \
                        (state), (version), (name), (o)->out, (o)->err);               \
            fail();                                                                    \
        }                                                                              \
    } while (0)

/* ---- the database and files ---------------------------------------------------------- */

static const char *db_of(void **state)
{
    return pgc_testdb_conninfo(*state);
}

/* The first value of the first row (malloc'd), or NULL; fails on a server error. */
static char *scalar(void **state, const char *sql)
{
    PGconn *pg = PQconnectdb(db_of(state));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK)
        print_error("%s: %s", sql, PQresultErrorMessage(res));
    assert_int_equal(st, PGRES_TUPLES_OK);
    char *out = NULL;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(pg);
    return out;
}

static void expect_scalar(void **state, const char *sql, const char *want)
{
    char *got = scalar(state, sql);
    if (!got || strcmp(got, want) != 0)
        print_error("%s: got %s, expected %s\n", sql, got ? got : "NULL", want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Whether the relation exists (a qualified or search_path name). */
static bool relation_exists(void **state, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT to_regclass('%s') IS NOT NULL", name);
    char *v = scalar(state, sql);
    bool yes = v && strcmp(v, "t") == 0;
    free(v);
    return yes;
}

static const char *fixture_dir(const char *name)
{
    static char path[2][4096];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", fixtures, name);
    return path[which];
}

/* A fresh folder for migration files written by a test; removed by rm_dir. */
static char *make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/pgc-cli-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(path));
    char *dir = strdup(path);
    assert_non_null(dir);
    return dir;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(unlink(path), 0);
}

/* The folder and the files written in it (no subfolders). */
static void rm_dir(char *dir, const char *const *names)
{
    for (; *names; names++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, *names);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
    free(dir);
}

/* ---- status, dry-run, up ------------------------------------------------------------- */

#define M fixture_dir("migrations")

static void fresh_database__status_lists_every_file_pending(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "pending", "1", "001_init.sql");
    expect_row(&o, "pending", "2", "002_goose_notes.sql");
    expect_row(&o, "pending", "3", "003_dbmate_tags.sql");
    expect_row(&o, "pending", "4", "4_tern_audit.sql");
    expect_row(&o, "pending", "5", "5_golang_flag.up.sql");
    expect_row(&o, "pending", "6", "006_index.sql");
    assert_int_equal(rows(o.out, "pending", NULL, NULL), 6);
    expect_in(o.out, "module clilib, schema public: 0 applied, 6 pending, 0 edited, 0 missing\n",
              &o);
    assert_string_equal(o.err, "");
    outcome_free(&o);

    run_pgc(&o, "migrate", "status", "--check", "-m", M, "-n", "clilib", "--db", db_of(state),
            NULL);
    expect_status(&o, 3);
    outcome_free(&o);
    /* status creates nothing */
    assert_false(relation_exists(state, "public.pgc_migrations"));
}

static void dry_run__lists_what_up_would_apply_and_changes_nothing(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "dry-run", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "pending", NULL, NULL), 6);
    expect_row(&o, "pending", "4", "4_tern_audit.sql");
    expect_in(o.out, "module clilib, schema public: 6 to apply\n", &o);
    outcome_free(&o);
    assert_false(relation_exists(state, "public.pgc_migrations"));
    assert_false(relation_exists(state, "public.users"));

    /* after up of the first files only, dry-run lists the rest */
    char *dir = make_dir();
    write_file(dir, "1_a.sql", "CREATE TABLE a (x int);\n");
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    write_file(dir, "2_b.sql", "CREATE TABLE b (x int);\n");
    run_pgc(&o, "migrate", "dry-run", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "pending", "2", "2_b.sql");
    assert_int_equal(rows(o.out, "pending", NULL, NULL), 1);
    expect_in(o.out, ": 1 to apply\n", &o);
    outcome_free(&o);
    assert_false(relation_exists(state, "public.b"));
    rm_dir(dir, (const char *const[]){"1_a.sql", "2_b.sql", NULL});
}

static void up__applies_every_format_and_no_down_part(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 6);
    expect_row(&o, "applied", "2", "002_goose_notes.sql");
    expect_row(&o, "applied", "6", "006_index.sql");
    expect_in(o.out, "module clilib, schema public: 6 applied now, 6 of 6 applied\n", &o);
    assert_string_equal(o.err, "");
    outcome_free(&o);

    /* the up parts ran, in order */
    expect_scalar(state, "SELECT next_id(1)", "2");
    expect_scalar(state, "SELECT count(*) FROM notes WHERE tags = '{}'", "0");
    expect_scalar(state, "SELECT count(*) FROM audit", "0");
    expect_scalar(state, "SELECT count(*) FROM users WHERE active", "0");
    expect_scalar(state,
                  "SELECT indisvalid FROM pg_index WHERE indexrelid = 'notes_user_idx'::regclass",
                  "t");
    /* the down parts did not */
    assert_false(relation_exists(state, "goose_down_ran"));
    assert_false(relation_exists(state, "dbmate_down_ran"));
    assert_false(relation_exists(state, "tern_down_ran"));
    assert_false(relation_exists(state, "golang_down_ran"));
    expect_scalar(state, "SELECT count(*) FROM public.pgc_migrations WHERE module = 'clilib'"
                         " AND schema_name = 'public'", "6");

    /* status: all applied, with the time; --check is content */
    run_pgc(&o, "migrate", "status", "--check", "-m", M, "-n", "clilib", "--db", db_of(state),
            NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 6);
    assert_int_equal(rows(o.out, "pending", NULL, NULL), 0);
    expect_in(o.out, ": 6 applied, 0 pending, 0 edited, 0 missing\n", &o);
    char *at = scalar(state, "SELECT replace(applied_at::text, ' ', 'T') FROM public.pgc_migrations"
                             " WHERE version = 3");
    expect_in(o.out, at, &o);
    free(at);
    outcome_free(&o);

    /* again: nothing to do */
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 0);
    expect_in(o.out, "up to date, nothing applied (6 of 6 applied)\n", &o);
    outcome_free(&o);
    expect_scalar(state, "SELECT count(*) FROM public.pgc_migrations", "6");
}

/* ---- the CLI and the generated library agree -------------------------------------- */

static pgc_db *open_db(void **state, const char *schema)
{
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    assert_non_null(cfg);
    assert_int_equal(pgc_config_set(cfg, "conninfo", db_of(state), &err), PGC_OK);
    pgc_db *db = NULL;
    int rc = pgc_db_open(&db, cfg, schema, &err);
    if (rc != PGC_OK)
        print_error("pgc_db_open: %s\n", err.message);
    assert_int_equal(rc, PGC_OK);
    pgc_config_free(cfg);
    return db;
}

/* Every file of the embedded set applied with the embedded checksum. */
static void expect_embedded_applied(pgc_db *db)
{
    const pgc_migration_set *set = clilib_migration_set();
    pgc_migration_status *st = NULL;
    size_t n = 0;
    pgc_error err = {0};
    assert_int_equal(pgc_migrate_status(db, set, &st, &n, &err), PGC_OK);
    assert_int_equal(n, set->count);
    for (size_t i = 0; i < n; i++) {
        if (st[i].state != PGC_MIGRATION_APPLIED)
            print_error("%s: state %d, recorded %s, embedded %s\n", st[i].name, st[i].state,
                        st[i].applied_checksum, set->files[i].checksum);
        assert_int_equal(st[i].state, PGC_MIGRATION_APPLIED);
        assert_string_equal(st[i].name, set->files[i].name);
        assert_string_equal(st[i].applied_checksum, set->files[i].checksum);
    }
    free(st);
    size_t applied = 99;
    assert_int_equal(pgc_migrate(db, set, NULL, &applied, &err), PGC_OK);
    assert_int_equal(applied, 0);
}

static void applied_by_cli__is_applied_for_the_embedded_set(void **state)
{
    /* standalone, then the same files embedded in a schema of the same database */
    const char *schemas[] = {NULL, "Lib"};
    for (int i = 0; i < 2; i++) {
        outcome o;
        if (schemas[i])
            run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--db", db_of(state),
                    "--schema", schemas[i], NULL);
        else
            run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
        expect_status(&o, 0);
        outcome_free(&o);
        pgc_db *db = open_db(state, schemas[i]);
        expect_embedded_applied(db);
        pgc_db_close(db);
    }
}

static void applied_embedded__is_applied_for_the_cli(void **state)
{
    pgc_db *db = open_db(state, "emb");
    pgc_error err = {0};
    assert_int_equal(clilib_migrate(db, &err), PGC_OK);
    pgc_db_close(db);
    outcome o;
    run_pgc(&o, "migrate", "status", "--check", "-m", M, "-n", "clilib", "--schema", "emb",
            "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 6);
    expect_in(o.out, "module clilib, schema emb: 6 applied, 0 pending", &o);
    outcome_free(&o);
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--schema", "emb", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "nothing applied", &o);
    outcome_free(&o);
}

/* ---- refusals and failures --------------------------------------------------------------- */

static void edited_file__is_refused_naming_it(void **state)
{
    char *dir = make_dir();
    write_file(dir, "001_a.sql", "CREATE TABLE a (x int);\n");
    write_file(dir, "002_b.sql", "CREATE TABLE b (x int);\n");
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);

    write_file(dir, "001_a.sql", "CREATE TABLE a (x bigint);\n");
    write_file(dir, "003_c.sql", "CREATE TABLE c (x int);\n");
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/001_a.sql: error: 001_a.sql was edited after it was applied",
             dir);
    expect_in(o.err, want, &o);
    outcome_free(&o);
    assert_false(relation_exists(state, "c")); /* refused before anything ran */

    run_pgc(&o, "migrate", "dry-run", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    expect_in(o.err, want, &o);
    outcome_free(&o);

    run_pgc(&o, "migrate", "status", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "edited", "1", "001_a.sql");
    expect_row(&o, "applied", "2", "002_b.sql");
    expect_row(&o, "pending", "3", "003_c.sql");
    expect_in(o.out, ": 1 applied, 1 pending, 1 edited, 0 missing\n", &o);
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "--check", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 3);
    outcome_free(&o);

    /* a file taken away is "missing" */
    write_file(dir, "001_a.sql", "CREATE TABLE a (x int);\n");
    remove_file(dir, "002_b.sql");
    run_pgc(&o, "migrate", "status", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "applied", "1", "001_a.sql");
    expect_row(&o, "missing", "2", "002_b.sql");
    outcome_free(&o);
    /* --check holds pending and edited files against the set, not missing
     * ones: after `up`, a set without 002 is current */
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "--check", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "missing", "2", "002_b.sql");
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){"001_a.sql", "003_c.sql", NULL});
}

static void failing_migration__names_file_line_column_sqlstate(void **state)
{
    char *dir = make_dir();
    write_file(dir, "001_ok.sql", "CREATE TABLE ok (x int);\n");
    write_file(dir, "002_bad.sql",
               "CREATE TABLE half (x int);\n"
               "INSERT INTO half VALUES (1);\n"
               "SELECT x, nope\n"
               "  FROM half;\n");
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    char want[4200];
    snprintf(want, sizeof want,
             "%s/002_bad.sql:3:11: error: column \"nope\" does not exist (SQLSTATE 42703)\n",
             dir);
    expect_in(o.err, want, &o);
    expect_row(&o, "applied", "1", "001_ok.sql");
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 1);
    expect_in(o.out, "1 applied now, then stopped by the error below\n", &o);
    outcome_free(&o);
    /* the failing file left nothing: no table, no record */
    assert_true(relation_exists(state, "ok"));
    assert_false(relation_exists(state, "half"));
    expect_scalar(state, "SELECT string_agg(name, ',') FROM pgc_migrations", "001_ok.sql");

    run_pgc(&o, "migrate", "status", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "pending", "2", "002_bad.sql");
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){"001_ok.sql", "002_bad.sql", NULL});
}

static void failing_first_migration__leaves_nothing_applied(void **state)
{
    char *dir = make_dir();
    write_file(dir, "1_bad.sql",
               "-- +goose Up\n"
               "CREATE TABLE t (x int);\n"
               "INSERT INTO t VALUES ('not a number');\n"
               "-- +goose Down\n"
               "DROP TABLE t;\n");
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--schema", "s", "--db", db_of(state),
            NULL);
    expect_status(&o, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/1_bad.sql:3:23: error: invalid input syntax for type integer",
             dir);
    expect_in(o.err, want, &o);
    expect_in(o.err, "(SQLSTATE 22P02)\n", &o);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 0);
    outcome_free(&o);
    assert_false(relation_exists(state, "s.t"));
    expect_scalar(state, "SELECT count(*) FROM s.pgc_migrations", "0");
    rm_dir(dir, (const char *const[]){"1_bad.sql", NULL});
}

static void bad_input_files__exit_1_naming_the_file(void **state)
{
    char *dir = make_dir();
    write_file(dir, "001_a.sql", "CREATE TABLE a (x int);\n");
    write_file(dir, "1_again.sql", "CREATE TABLE b (x int);\n");
    outcome o;
    run_pgc(&o, "migrate", "status", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    expect_in(o.err, "have the same version 1", &o);
    outcome_free(&o);
    remove_file(dir, "1_again.sql");

    /* a template error is the runner's, before anything is applied */
    write_file(dir, "002_t.sql", "CREATE TABLE {{tables.bad name}} (x int);\n");
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s/002_t.sql:1:", dir);
    expect_in(o.err, want, &o);
    outcome_free(&o);
    assert_false(relation_exists(state, "a"));

    /* a directory with no migration in it */
    remove_file(dir, "001_a.sql");
    remove_file(dir, "002_t.sql");
    run_pgc(&o, "migrate", "status", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    expect_in(o.err, "no migration files", &o);
    outcome_free(&o);

    /* a server that is not there */
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "m", "--db",
            "host=/nonexistent-pgc-test port=1", NULL);
    expect_status(&o, 1);
    expect_in(o.err, "pgc migrate: error: could not connect", &o);
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){NULL});
}

static void out_of_order__refused_unless_allowed(void **state)
{
    char *dir = make_dir();
    write_file(dir, "1_a.sql", "CREATE TABLE a (x int);\n");
    write_file(dir, "3_c.sql", "CREATE TABLE c (x int);\n");
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    write_file(dir, "2_b.sql", "CREATE TABLE b (x int);\n");
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 1);
    expect_in(o.err, "/2_b.sql: error: 2_b.sql (version 2) is not applied but version 3 is", &o);
    outcome_free(&o);
    run_pgc(&o, "migrate", "dry-run", "--allow-out-of-order", "-m", dir, "-n", "m", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "pending", "2", "2_b.sql");
    outcome_free(&o);
    run_pgc(&o, "migrate", "up", "--allow-out-of-order", "-m", dir, "-n", "m", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "applied", "2", "2_b.sql");
    outcome_free(&o);
    assert_true(relation_exists(state, "b"));
    rm_dir(dir, (const char *const[]){"1_a.sql", "2_b.sql", "3_c.sql", NULL});
}

/* Another run holds the lock (its key is runtime/migrate.c's: module@schema). */
static void lock_wait__gives_up_while_another_run_holds_the_lock(void **state)
{
    PGconn *holder = PQconnectdb(db_of(state));
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    PGresult *res = PQexec(holder, "SELECT pg_advisory_lock(hashtextextended("
                                   "'pgc.migrate:jobs@public', 0))");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    outcome o;
    run_pgc(&o, "migrate", "up", "--lock-wait", "300", "-m", fixture_dir("other"), "-n", "jobs",
            "--db", db_of(state), NULL);
    expect_status(&o, 1);
    expect_in(o.err, "pgc migrate: error: migrations of module \"jobs\" in schema \"public\": "
                     "another process held the lock for more than 300 ms\n", &o);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 0);
    outcome_free(&o);
    assert_false(relation_exists(state, "public.jobs"));
    PQfinish(holder); /* the lock goes with the session */
    run_pgc(&o, "migrate", "up", "--lock-wait=5000", "-m", fixture_dir("other"), "-n", "jobs",
            "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "2 applied now", &o);
    outcome_free(&o);
}

/* A no-transaction file whose lock is never taken is not counted: "0
 * applied now", not "1". */
static void lock_wait__no_transaction_file_not_locked__counts_nothing(void **state)
{
    PGconn *holder = PQconnectdb(db_of(state));
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    PGresult *res = PQexec(holder, "SELECT pg_advisory_lock(hashtextextended("
                                   "'pgc.migrate:m@public', 0))");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    char *dir = make_dir();
    write_file(dir, "1_idx.sql", "-- pgc:no-transaction\nCREATE TABLE idx (x int);\n");
    outcome o;
    run_pgc(&o, "migrate", "up", "--lock-wait", "200", "-m", dir, "-n", "m", "--db",
            db_of(state), NULL);
    expect_status(&o, 1);
    assert_string_equal(o.out, "module m, schema public: 0 applied now, then stopped by the "
                               "error below\n");
    assert_string_equal(o.err, "pgc migrate: error: migrations of module \"m\" in schema "
                               "\"public\": another process held the lock for more than "
                               "200 ms\n");
    outcome_free(&o);
    assert_false(relation_exists(state, "public.idx"));
    PQfinish(holder);
    run_pgc(&o, "migrate", "up", "-m", dir, "-n", "m", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "module m, schema public: 1 applied now, 1 of 1 applied\n", &o);
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){"1_idx.sql", NULL});
}

/* A module name the database has not seen (a typo): the names it has. */
static void status__unknown_module__lists_the_modules_there(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    run_pgc(&o, "migrate", "up", "-m", fixture_dir("other"), "-n", "jobs", "--db", db_of(state),
            NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "clilb", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "module clilb, schema public: 0 applied, 6 pending, 0 edited, 0 missing\n",
              &o);
    assert_string_equal(o.err, "pgc migrate: note: module clilb has no migration applied in "
                               "schema public; modules applied there: clilib, jobs\n");
    outcome_free(&o);
    /* a known module, or a schema with no tracking table: no note */
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "clilib", "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_string_equal(o.err, "");
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "clilb", "--schema", "empty", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    assert_string_equal(o.err, "");
    outcome_free(&o);
}

/* ---- embedded mode: schemas and modules ------------------------------------------------- */

static void schema__renders_templates_and_tracks_there(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--schema", "tenant_1", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "module clilib, schema tenant_1: 6 applied now", &o);
    outcome_free(&o);
    assert_true(relation_exists(state, "tenant_1.users"));
    assert_true(relation_exists(state, "tenant_1.notes"));
    assert_false(relation_exists(state, "public.users"));
    assert_false(relation_exists(state, "public.pgc_migrations"));
    expect_scalar(state, "SELECT tenant_1.next_id(7)", "8");
    /* {{...}} inside a string literal is left alone */
    expect_scalar(state, "SELECT obj_description('tenant_1.users'::regclass)",
                  "in {{schema}}? no: templates in strings stay as written");
    expect_scalar(state, "SELECT count(*) FROM tenant_1.pgc_migrations"
                         " WHERE module = 'clilib' AND schema_name = 'tenant_1'", "6");

    /* the same module in another schema keeps its own history */
    run_pgc(&o, "migrate", "status", "-m", M, "-n", "clilib", "--schema", "tenant_2", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "pending", NULL, NULL), 6);
    outcome_free(&o);
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--schema", "tenant_2", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 6);
    outcome_free(&o);
    assert_true(relation_exists(state, "tenant_2.notes"));
}

static void two_modules__share_one_schema(void **state)
{
    outcome o;
    run_pgc(&o, "migrate", "up", "-m", M, "-n", "clilib", "--schema", "app", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "-m", fixture_dir("other"), "-n", "jobs", "--schema", "app",
            "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_row(&o, "pending", "1", "001_jobs.sql");
    expect_row(&o, "pending", "2", "002_jobs_done.sql");
    assert_int_equal(rows(o.out, "applied", NULL, NULL), 0);
    assert_int_equal(rows(o.out, "missing", NULL, NULL), 0);
    outcome_free(&o);
    run_pgc(&o, "migrate", "up", "-m", fixture_dir("other"), "-n", "jobs", "--schema", "app",
            "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "module jobs, schema app: 2 applied now, 2 of 2 applied\n", &o);
    outcome_free(&o);
    run_pgc(&o, "migrate", "status", "--check", "-m", M, "-n", "clilib", "--schema", "app",
            "--db", db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, ": 6 applied, 0 pending, 0 edited, 0 missing\n", &o);
    outcome_free(&o);
    expect_scalar(state, "SELECT string_agg(module || ':' || count, ',' ORDER BY module) FROM"
                         " (SELECT module, count(*) FROM app.pgc_migrations GROUP BY module) c",
                  "clilib:6,jobs:2");
    expect_scalar(state, "SELECT count(*) FROM app.jobs WHERE NOT done", "0");
}

/* ---- the command line ------------------------------------------------------------------ */

static void database_from_environment(void **state)
{
    outcome o;
    setenv("PGC_DATABASE_URL", db_of(state), 1);
    run_pgc(&o, "migrate", "up", "-m", fixture_dir("other"), "-n", "jobs", NULL);
    unsetenv("PGC_DATABASE_URL");
    expect_status(&o, 0);
    expect_in(o.out, "2 applied now", &o);
    outcome_free(&o);
    assert_true(relation_exists(state, "public.jobs"));

    /* --db wins over the environment */
    setenv("PGC_DATABASE_URL", "host=/nonexistent-pgc-test port=1", 1);
    run_pgc(&o, "migrate", "status", "--check", "-m", fixture_dir("other"), "-n", "jobs", "--db",
            db_of(state), NULL);
    unsetenv("PGC_DATABASE_URL");
    expect_status(&o, 0);
    outcome_free(&o);

    /* --name is --module's other spelling (generate's); --set reaches the
     * pool: with unnamed statements, nothing is prepared by name */
    run_pgc(&o, "migrate", "status", "--check", "-m", fixture_dir("other"), "--name", "jobs",
            "--set", "statements=unnamed", "--set=application_name=deploy", "--db",
            db_of(state), NULL);
    expect_status(&o, 0);
    expect_in(o.out, "2 applied, 0 pending", &o);
    outcome_free(&o);
}

/* Each of these is a usage error: exit 2, a message on stderr, nothing on stdout. */
static void bad_options__exit_2_with_a_usage_message(void **state)
{
    const char *db = db_of(state);
    const char *m = fixture_dir("other");
    static const struct {
        const char *args[12];
        const char *message;
    } cases[] = {
        {{"migrate", NULL}, "give an action"},
        {{"migrate", "sideways", "-m", "x", "-n", "m", NULL}, "unknown action 'sideways'"},
        {{"migrate", "up", "-n", "m", "--db", "@DB", NULL}, "no migrations"},
        {{"migrate", "up", "-m", "@M", "--db", "@DB", NULL}, "no module"},
        {{"migrate", "up", "-m", "@M", "-n", NULL}, "--module needs a module name"},
        {{"migrate", "up", "-m", "-n", "m", NULL}, "-m needs at least one path"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--db", NULL}, "--db needs a connection"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--db=", NULL}, "--db needs a connection"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--bogus", NULL}, "unknown option '--bogus'"},
        {{"migrate", "up", "-n", "m", "stray", NULL}, "'stray': a path must follow -m"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--check", "--db", "@DB", NULL},
         "--check is for status only"},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--allow-out-of-order", "--db", "@DB",
          NULL}, "--allow-out-of-order is for up and dry-run"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--lock-wait", "soon", NULL},
         "--lock-wait needs a number"},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--lock-wait", "0", "--db", "@DB", NULL},
         "--lock-wait is for up only"},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--set", "statements", "--db", "@DB", NULL},
         "--set needs NAME=VALUE"},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--set", "bogus=1", "--db", "@DB", NULL},
         "--set: "},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--set=statements=maybe", "--db", "@DB",
          NULL}, "statements"},
        {{"migrate", "up", "-m", "@M", "-n", "m", NULL}, "no database: give --db CONNINFO or set "
                                                         "PGC_DATABASE_URL"},
        {{"migrate", "up", "-m", "@M", "-n", "m", "--schema", "a;b", "--db", "@DB", NULL},
         "--schema: schema name \"a;b\" is not a valid identifier"},
        {{"migrate", "status", "-m", "@M", "-n", "m", "--schema", "", "--db", "@DB", NULL},
         "--schema needs a schema name"},
        {{"frobnicate", NULL}, "unknown command 'frobnicate'"},
        {{"--frob", NULL}, "unknown option '--frob'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *a[12] = {0};
        for (int k = 0; cases[i].args[k]; k++)
            a[k] = strcmp(cases[i].args[k], "@DB") == 0  ? db
                   : strcmp(cases[i].args[k], "@M") == 0 ? m
                                                        : cases[i].args[k];
        outcome o;
        run_pgc(&o, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], NULL);
        expect_status(&o, 2);
        expect_in(o.err, cases[i].message, &o);
        expect_in(o.err, "--help", &o);
        assert_string_equal(o.out, "");
        outcome_free(&o);
    }
    /* nothing was touched by any of them */
    assert_false(relation_exists(state, "public.pgc_migrations"));
}

static void help_and_version(void **state)
{
    (void)state;
    static const char *const commands[] = {"describe", "verify", "generate", "migrate"};
    outcome o;
    for (size_t i = 0; i < 4; i++) {
        run_pgc(&o, commands[i], "--help", NULL);
        expect_status(&o, 0);
        char want[64];
        snprintf(want, sizeof want, "usage: pgc %s ", commands[i]);
        expect_in(o.out, want, &o);
        assert_string_equal(o.err, "");
        outcome_free(&o);
    }
    run_pgc(&o, "migrate", "-h", NULL);
    expect_status(&o, 0);
    expect_in(o.out, "Exit status: 0 done, 1 refused or failed, 2 usage error, 3 not up to date",
              &o);
    outcome_free(&o);
    run_pgc(&o, "--help", NULL);
    expect_status(&o, 0);
    for (size_t i = 0; i < 4; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n  %s ", commands[i]);
        expect_in(o.out, want, &o);
    }
    outcome_free(&o);
    run_pgc(&o, "--version", NULL);
    expect_status(&o, 0);
    expect_in(o.out, "pgc " PGC_VERSION " (PostgreSQL ", &o);
    outcome_free(&o);
    run_pgc(&o, NULL);
    expect_status(&o, 2);
    expect_in(o.err, "usage: pgc COMMAND", &o);
    outcome_free(&o);
}

/* ---- pgc verify: standalone and embedded ----------------------------------------------- */

/* A migration that names its table without a template lands in one place
 * whatever the schema: verify, which applies the migrations standalone and
 * then in two schemas on one pool, says so; --standalone checks only the
 * standalone mode. */
static void verify__untemplated_table__fails_embedded(void **state)
{
    char *dir = make_dir();
    write_file(dir, "001_t.sql", "CREATE TABLE t (id int NOT NULL);\n");
    write_file(dir, "q.sql", "-- name: Ids :many\nSELECT * FROM t;\n");
    char m[4096], q[4096];
    snprintf(m, sizeof m, "%s/001_t.sql", dir);
    snprintf(q, sizeof q, "%s/q.sql", dir);
    outcome o;
    run_pgc(&o, "verify", "-m", m, "-q", q, "--db", db_of(state), NULL);
    expect_status(&o, 1);
    char want[4200];
    snprintf(want, sizeof want,
             "pgc: error: %s: relation \"t\" already exists (SQLSTATE 42P07) (embedded in "
             "schema \"pgc_verify_a\")\n",
             m);
    assert_string_equal(o.err, want);
    assert_string_equal(o.out, "verified 0 of 1 query: the scratch database could not be set up\n");
    outcome_free(&o);
    run_pgc(&o, "verify", "--standalone", "-m", m, "-q", q, "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_string_equal(o.out, "verified 1 query: all agree\n");
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){"001_t.sql", "q.sql", NULL});
}

/* A library written for embedding: every query described as the generated
 * code sends it (stars spelled out, the enum parameter cast) in each mode. */
static void verify__templated_library__agrees_in_every_mode(void **state)
{
    char *dir = make_dir();
    write_file(dir, "001_init.sql",
               "CREATE TYPE {{schema}}.mood AS ENUM ('ok', 'shipped');\n"
               "CREATE TABLE {{tables.orders}} (id bigserial PRIMARY KEY,\n"
               "    status {{schema}}.mood NOT NULL, shipped_at timestamptz);\n");
    write_file(dir, "q.sql",
               "-- name: Ship :exec\n"
               "UPDATE {{tables.orders}} SET status = @status,\n"
               "    shipped_at = CASE WHEN @status = 'shipped' THEN now() ELSE shipped_at END\n"
               "WHERE id = @id;\n"
               "-- name: All :many\n"
               "SELECT * FROM {{tables.orders}} o;\n"
               "-- name: Add :one\n"
               "INSERT INTO {{tables.orders}} (status) VALUES (@status) RETURNING *;\n");
    char m[4096], q[4096];
    snprintf(m, sizeof m, "%s/001_init.sql", dir);
    snprintf(q, sizeof q, "%s/q.sql", dir);
    outcome o;
    run_pgc(&o, "verify", "--status", "-m", m, "-q", q, "--db", db_of(state), NULL);
    expect_status(&o, 0);
    assert_string_equal(o.out, "ok Ship\nok All\nok Add\nverified 3 queries: all agree\n");
    assert_string_equal(o.err, "");
    outcome_free(&o);
    rm_dir(dir, (const char *const[]){"001_init.sql", "q.sql", NULL});
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, pgc_testdb_setup, pgc_testdb_teardown)

int main(void)
{
    pgc_bin = getenv("PGC_BIN") ? getenv("PGC_BIN") : "build/pgc";
    fixtures = getenv("PGC_CLI_FIXTURES") ? getenv("PGC_CLI_FIXTURES") : "tests/cli";
    unsetenv("PGC_DATABASE_URL"); /* the tests say where */
    const struct CMUnitTest tests[] = {
        T(fresh_database__status_lists_every_file_pending),
        T(dry_run__lists_what_up_would_apply_and_changes_nothing),
        T(up__applies_every_format_and_no_down_part),
        T(applied_by_cli__is_applied_for_the_embedded_set),
        T(applied_embedded__is_applied_for_the_cli),
        T(edited_file__is_refused_naming_it),
        T(failing_migration__names_file_line_column_sqlstate),
        T(failing_first_migration__leaves_nothing_applied),
        T(bad_input_files__exit_1_naming_the_file),
        T(out_of_order__refused_unless_allowed),
        T(lock_wait__gives_up_while_another_run_holds_the_lock),
        T(lock_wait__no_transaction_file_not_locked__counts_nothing),
        T(status__unknown_module__lists_the_modules_there),
        T(schema__renders_templates_and_tracks_there),
        T(two_modules__share_one_schema),
        T(database_from_environment),
        T(bad_options__exit_2_with_a_usage_message),
        T(help_and_version),
        T(verify__untemplated_table__fails_embedded),
        T(verify__templated_library__agrees_in_every_mode),
    };
    return cmocka_run_group_tests_name("pgc migrate", tests, NULL, NULL);
}
