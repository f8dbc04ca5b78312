/*
 * cli.c - reads a command's argv by its option table (cli.h).
 *
 * Takes: argv and the command's table.  Gives: the options in the
 * command's variables, or one usage error in the form every command
 * shares.
 */
#include <string.h>

#include "cli.h"

int pgc_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pgc%s%s: ", command ? " " : "", command ? command : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try pgc%s%s --help)\n", command ? " " : "", command ? command : "");
    return PGC_CLI_EXIT_USAGE;
}

/* arg is long (or alias) exactly, or long=VALUE: *value then points past '='. */
static bool long_form(const char *arg, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=')
        *value = arg + n + 1;
    return arg[n] == '=' || arg[n] == '\0';
}

/*
 * The option arg names, or NULL.  For a value option, *value is the value
 * given after '=', or NULL when it is the next argument.
 */
static const pgc_cli_opt *find_opt(const pgc_cli *cli, const char *arg, const char **value)
{
    *value = NULL;
    for (size_t i = 0; i < cli->nopts; i++) {
        const pgc_cli_opt *o = &cli->opts[i];
        if (o->flag && strcmp(arg, o->flag) == 0)
            return o;
        if (o->kind == PGC_CLI_VALUE || o->kind == PGC_CLI_TEXT || o->kind == PGC_CLI_VALUES) {
            if (long_form(arg, o->name, value) || (o->alias && long_form(arg, o->alias, value)))
                return o;
        } else if (strcmp(arg, o->name) == 0 || (o->alias && strcmp(arg, o->alias) == 0)) {
            return o;
        }
    }
    return NULL;
}

/* "-c, -m or -q": the short forms of the path options, for messages. */
static const char *path_flags(const pgc_cli *cli, pgc_arena *a)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < cli->nopts; i++)
        n += cli->opts[i].kind == PGC_CLI_PATHS;
    const char *s = "";
    for (size_t i = 0; i < cli->nopts; i++) {
        const pgc_cli_opt *o = &cli->opts[i];
        if (o->kind != PGC_CLI_PATHS)
            continue;
        k++;
        s = pgc_arena_printf(a, "%s%s%s", s, k == 1 ? "" : k == n ? " or " : ", ",
                             o->flag ? o->flag : o->name);
    }
    return s;
}

/* Takes the option at argv[*i] (and its value); returns 0 or a usage error. */
static int take_opt(const pgc_cli *cli, pgc_arena *a, const pgc_cli_opt *o, const char *value,
                    int argc, char **argv, int *i, pgc_cli_list **paths)
{
    const char *arg = argv[*i];
    *paths = NULL;
    switch (o->kind) {
    case PGC_CLI_PATHS:
        if (*i + 1 >= argc || argv[*i + 1][0] == '-')
            return pgc_cli_usage_error(cli->command, "%s needs at least one path", arg);
        *paths = o->dest;
        return 0;
    case PGC_CLI_VALUE:
    case PGC_CLI_TEXT:
    case PGC_CLI_VALUES:
        if (!value && *i + 1 < argc)
            value = argv[++*i];
        if (!value || (!*value && o->kind != PGC_CLI_TEXT))
            return pgc_cli_usage_error(cli->command, "%s needs %s", o->name, o->needs);
        if (o->kind != PGC_CLI_VALUES)
            *(const char **)o->dest = value;
        else
            PGC_PUSH(a, *(pgc_cli_list *)o->dest, value);
        return 0;
    case PGC_CLI_FLAG:
        *(bool *)o->dest = true;
        return 0;
    }
    return 0;
}

int pgc_cli_parse(const pgc_cli *cli, pgc_arena *a, int argc, char **argv, int first)
{
    pgc_cli_list *paths = NULL; /* where operands go, after a path option */
    bool options = true;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i], *value;
        if (options && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--") == 0) {
                options = false;
                continue;
            }
            if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
                fputs(cli->usage, stdout);
                return -1;
            }
            const pgc_cli_opt *o = find_opt(cli, arg, &value);
            if (!o)
                return pgc_cli_usage_error(cli->command, "unknown option '%s'", arg);
            int rc = take_opt(cli, a, o, value, argc, argv, &i, &paths);
            if (rc)
                return rc;
            continue;
        }
        if (!paths)
            return pgc_cli_usage_error(cli->command, "'%s': a path must follow %s", arg,
                                       path_flags(cli, a));
        PGC_PUSH(a, *paths, arg);
    }
    return 0;
}
