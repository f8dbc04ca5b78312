/*
 * cli.h - the command line of pgc's commands.  Each command describes its
 * options in a table; pgc_cli_parse() reads argv by it, with the same forms
 * and the same messages for every command:
 *
 *   -m PATH...  --migrations PATH...   the operands that follow (at least one)
 *   -n VALUE  --name VALUE  --name=VALUE
 *   --flag;  -h, --help;  --  (what follows is an operand, even "-x")
 *
 *   pgc CMD: unknown option '--x' (try pgc CMD --help)
 *   pgc CMD: -m needs at least one path (try pgc CMD --help)
 *   pgc CMD: --db needs a connection string (try pgc CMD --help)
 *   pgc CMD: 'x': a path must follow -c, -m or -q (try pgc CMD --help)
 *
 * Takes: argv.  Gives: the options in the command's own variables; usage
 * errors reported on stderr (exit status 2), --help's text on stdout.
 */
#ifndef PGC_CLI_H
#define PGC_CLI_H

#include "gen.h"

/* Exit status of a usage error, for every command. */
#define PGC_CLI_EXIT_USAGE 2

typedef PGC_VEC(const char *) pgc_cli_list;

typedef enum pgc_cli_kind {
    PGC_CLI_PATHS,   /* dest pgc_cli_list *: the operands that follow, at least one */
    PGC_CLI_VALUE,   /* dest const char **: one non-empty value; the last one given wins */
    PGC_CLI_TEXT,    /* as VALUE, but "" too: the command checks it (generate -n '') */
    PGC_CLI_VALUES,  /* dest pgc_cli_list *: one value each time the option is given */
    PGC_CLI_FLAG     /* dest bool *: set when given */
} pgc_cli_kind;

typedef struct pgc_cli_opt {
    const char *flag;    /* the short form, "-m", or NULL */
    const char *name;    /* the long form, "--migrations": messages name it */
    const char *alias;   /* another long form ("--name" for --module), or NULL */
    pgc_cli_kind kind;
    void *dest;
    const char *needs;   /* VALUE(S), TEXT: what a missing value is, "a connection string" */
} pgc_cli_opt;

typedef struct pgc_cli {
    const char *command; /* "describe": messages begin "pgc describe: "; NULL for pgc */
    const char *usage;   /* printed on stdout for -h and --help */
    const pgc_cli_opt *opts;
    size_t nopts;
} pgc_cli;

/*
 * Reads argv[first..argc) by cli's table into the options' destinations
 * (lists grow in a).  Returns 0 to go on, PGC_CLI_EXIT_USAGE after
 * reporting a usage error, or -1 after printing the usage for --help.
 */
int pgc_cli_parse(const pgc_cli *cli, pgc_arena *a, int argc, char **argv, int first);

/* Reports "pgc COMMAND: " message " (try pgc COMMAND --help)" on stderr
 * (command NULL: "pgc: ", "try pgc --help").  Returns PGC_CLI_EXIT_USAGE. */
int pgc_cli_usage_error(const char *command, const char *fmt, ...) PGC_PRINTF(2, 3);

#endif /* PGC_CLI_H */
