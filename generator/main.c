/*
 * main.c - the pgc command: dispatches to its subcommands.
 *
 *   pgc describe [-c CATALOG...] -m MIGRATION... -q QUERY...   (describe.h)
 *   pgc verify [-c CATALOG...] -m MIGRATION... -q QUERY...     (verify.h)
 *   pgc generate [-c CATALOG...] -m MIGRATION... -q QUERY... -n NAME -o OUTDIR  (generate.h)
 *   pgc migrate status|up|dry-run -m MIGRATION... -n NAME --db CONNINFO
 *                                                (migrate_cli.h)
 *   pgc --help | --version;  pgc COMMAND --help
 *
 * Exit status: 0 on success, 1 after errors in the inputs, 2 on a usage
 * error (pgc migrate status --check: 3 when not up to date).  man/pgc.1
 * documents all of it.
 *
 * Takes: argv.  Gives: the exit status of the command it names.
 */
#include <stdio.h>
#include <string.h>

#include <pg_query.h> /* PG_VERSION */

#include "cli.h"
#include "describe.h"
#include "generate.h"
#include "migrate_cli.h"
#include "pgc.h"
#include "verify.h"

#define USAGE                                                                         \
    "usage: pgc COMMAND [OPTIONS]\n"                                                  \
    "Commands:\n"                                                                     \
    "  describe -m MIGRATION... [-q QUERY...]\n"                                     \
    "                                        print each query's parameters and\n"    \
    "                                        result columns as JSON\n"                \
    "  verify -m MIGRATION... [-q QUERY...]  check the analysis against a real\n"     \
    "                                        PostgreSQL server\n"                     \
    "  generate -m MIGRATION... [-q QUERY...] -n NAME -o OUTDIR\n"                     \
    "                                        write OUTDIR/NAME.h and NAME.c: typed C\n" \
    "                                        for the queries, migrations embedded\n"   \
    "  migrate status|up|dry-run -m MIGRATION... -n NAME [--db CONNINFO]\n"          \
    "                                        inspect or apply a library's migrations\n" \
    "                                        in a database, as NAME_migrate() would\n" \
    "Options:\n"                                                                      \
    "  -h, --help      this text; pgc COMMAND --help for a command's options\n"       \
    "  --version       pgc's version\n"

typedef struct command {
    const char *name;
    int (*main)(int argc, char **argv);
} command;

static const command commands[] = {
    {"describe", pgc_describe_main},
    {"verify", pgc_verify_main},
    {"generate", pgc_generate_main},
    {"migrate", pgc_migrate_main},
};

int main(int argc, char **argv)
{
    int rc = 2;
    const char *arg = argc > 1 ? argv[1] : NULL;
    if (!arg) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (strcmp(arg, "--version") == 0) {
        printf("pgc %s (PostgreSQL %s grammar)\n", PGC_VERSION, PG_VERSION);
        return 0;
    }
    if (arg[0] == '-')
        return pgc_cli_usage_error(NULL, "unknown option '%s'", arg);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(arg, commands[i].name) == 0) {
            rc = commands[i].main(argc - 1, argv + 1);
            pgc_parse_exit();
            return rc;
        }
    }
    return pgc_cli_usage_error(NULL, "unknown command '%s'", arg);
}
