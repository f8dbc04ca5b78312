/*
 * gen_cli.c - the generator's command-line reader (generator/cli.c): every
 * form lands in its destination, and every usage error is the one message,
 * compared word for word, with exit status 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define USAGE "usage: pgc demo [-c PATH...] [-m PATH...]\n"

/* What one parse gave. */
typedef struct result {
    pgc_cli_list catalogs, migrations, settings;
    const char *db, *name, *folder;
    bool check;
    int rc;
    char out[512], err[512]; /* what it printed on stdout and stderr */
} result;

/* Reads what fd 'which' received since redirect() into buf and restores it. */
static void restore(int which, int saved, FILE *tmp, char *buf, size_t size)
{
    fflush(which == 1 ? stdout : stderr);
    dup2(saved, which);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, size - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

static int redirect(int which, FILE **tmp)
{
    fflush(which == 1 ? stdout : stderr);
    *tmp = tmpfile();
    assert_non_null(*tmp);
    int saved = dup(which);
    dup2(fileno(*tmp), which);
    return saved;
}

/* Parses args (NULL-terminated, after the command's name) with demo's table. */
static void parse(pgc_arena *a, result *r, const char *const *args)
{
    memset(r, 0, sizeof *r);
    const pgc_cli_opt opts[] = {
        {"-c", "--catalog", NULL, PGC_CLI_PATHS, &r->catalogs, NULL},
        {"-m", "--migrations", NULL, PGC_CLI_PATHS, &r->migrations, NULL},
        {NULL, "--db", NULL, PGC_CLI_VALUE, &r->db, "a connection string"},
        {"-n", "--name", "--module", PGC_CLI_VALUE, &r->name, "a name"},
        {NULL, "--set", NULL, PGC_CLI_VALUES, &r->settings, "NAME=VALUE"},
        {"-o", "--out", NULL, PGC_CLI_TEXT, &r->folder, "a folder"},
        {NULL, "--check", NULL, PGC_CLI_FLAG, &r->check, NULL},
    };
    const pgc_cli cli = {"demo", USAGE, opts, sizeof opts / sizeof *opts};
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"demo";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    FILE *out, *err;
    int saved_out = redirect(1, &out), saved_err = redirect(2, &err);
    r->rc = pgc_cli_parse(&cli, a, argc, argv, 1);
    restore(2, saved_err, err, r->err, sizeof r->err);
    restore(1, saved_out, out, r->out, sizeof r->out);
}

static void expect_usage_error(const char *const *args, const char *message)
{
    pgc_arena *a = pgc_arena_new();
    result r;
    parse(a, &r, args);
    assert_int_equal(r.rc, PGC_CLI_EXIT_USAGE);
    assert_string_equal(r.err, message);
    assert_string_equal(r.out, "");
    pgc_arena_free(a);
}

static void cli__every_form__lands_in_its_destination(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    result r;
    const char *args[] = {"-m", "a", "b", "--db=host=x", "--module", "mod", "--set", "k=1",
                          "--set=j=2", "--check", "-c", "c", "--", "-d", NULL};
    parse(a, &r, args);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(r.migrations.len, 2);
    assert_string_equal(r.migrations.items[0], "a");
    assert_string_equal(r.migrations.items[1], "b");
    assert_int_equal(r.catalogs.len, 2); /* after --, "-d" is an operand */
    assert_string_equal(r.catalogs.items[0], "c");
    assert_string_equal(r.catalogs.items[1], "-d");
    assert_string_equal(r.db, "host=x");
    assert_string_equal(r.name, "mod");
    assert_int_equal(r.settings.len, 2);
    assert_string_equal(r.settings.items[0], "k=1");
    assert_string_equal(r.settings.items[1], "j=2");
    assert_true(r.check);
    pgc_arena_free(a);
}

static void cli__help__prints_the_usage_on_stdout(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    result r;
    const char *args[] = {"-m", "a", "--help", "--bogus", NULL};
    parse(a, &r, args);
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.out, USAGE);
    assert_string_equal(r.err, "");
    pgc_arena_free(a);
}

static void cli__unknown_option__is_named(void **state)
{
    (void)state;
    const char *args[] = {"-m", "a", "--bogus", NULL};
    expect_usage_error(args, "pgc demo: unknown option '--bogus' (try pgc demo --help)\n");
    const char *flag_with_value[] = {"--check=yes", NULL};
    expect_usage_error(flag_with_value,
                       "pgc demo: unknown option '--check=yes' (try pgc demo --help)\n");
}

static void cli__path_option_without_a_path__is_refused(void **state)
{
    (void)state;
    const char *at_end[] = {"-c", NULL};
    expect_usage_error(at_end, "pgc demo: -c needs at least one path (try pgc demo --help)\n");
    const char *before_option[] = {"--migrations", "--check", NULL};
    expect_usage_error(before_option,
                       "pgc demo: --migrations needs at least one path (try pgc demo --help)\n");
}

static void cli__missing_or_empty_value__names_the_long_form(void **state)
{
    (void)state;
    const char *missing[] = {"-m", "a", "-n", NULL};
    expect_usage_error(missing, "pgc demo: --name needs a name (try pgc demo --help)\n");
    const char *empty[] = {"--db=", NULL};
    expect_usage_error(empty,
                       "pgc demo: --db needs a connection string (try pgc demo --help)\n");
}

/* A text option takes "" (its command judges it), but not nothing. */
static void cli__text_option__takes_an_empty_value(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    result r;
    const char *args[] = {"-o", "", NULL};
    parse(a, &r, args);
    assert_int_equal(r.rc, 0);
    assert_non_null(r.folder);
    assert_string_equal(r.folder, "");
    pgc_arena_free(a);
    const char *missing[] = {"--out", NULL};
    expect_usage_error(missing, "pgc demo: --out needs a folder (try pgc demo --help)\n");
}

static void cli__operand_before_a_path_option__names_them(void **state)
{
    (void)state;
    const char *stray[] = {"x", NULL};
    expect_usage_error(stray,
                       "pgc demo: 'x': a path must follow -c or -m (try pgc demo --help)\n");
    const char *after_value[] = {"-m", "a", "--db", "d", "y", NULL};
    expect_usage_error(after_value,
                       "pgc demo: 'y': a path must follow -c or -m (try pgc demo --help)\n");
}

static void cli__usage_error_of_pgc_itself__has_no_command(void **state)
{
    (void)state;
    FILE *err;
    char buf[256];
    int saved = redirect(2, &err);
    int rc = pgc_cli_usage_error(NULL, "unknown command '%s'", "frob");
    restore(2, saved, err, buf, sizeof buf);
    assert_int_equal(rc, PGC_CLI_EXIT_USAGE);
    assert_string_equal(buf, "pgc: unknown command 'frob' (try pgc --help)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli__every_form__lands_in_its_destination),
        cmocka_unit_test(cli__help__prints_the_usage_on_stdout),
        cmocka_unit_test(cli__unknown_option__is_named),
        cmocka_unit_test(cli__path_option_without_a_path__is_refused),
        cmocka_unit_test(cli__missing_or_empty_value__names_the_long_form),
        cmocka_unit_test(cli__text_option__takes_an_empty_value),
        cmocka_unit_test(cli__operand_before_a_path_option__names_them),
        cmocka_unit_test(cli__usage_error_of_pgc_itself__has_no_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
