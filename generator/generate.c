/*
 * generate.c - `pgc generate` (generate.h): the front end (program.h), then
 * the emitter (emit.h), then NAME.h and NAME.c written into OUTDIR.
 *
 * Takes: the command line.  Gives: pgc_generate_main().
 */
#include "generate.h"

#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "emit.h"

#define USAGE                                                                         \
    "usage: pgc generate [-c CATALOG...] -m MIGRATION... [-q QUERY...] -n NAME -o OUTDIR\n"   \
    "                    [--no-async]\n"                                           \
    "  -c, --catalog PATH...     catalog-only DDL: objects the queries use that the\n" \
    "                            library does not own and does not embed (another\n"  \
    "                            library's tables, an extension's, the host's),\n"    \
    "                            files or directories, replayed before the migrations\n" \
    "  -m, --migrations PATH...  migration files or directories, in any order\n"      \
    "  -q, --queries PATH...     annotated query files or directories\n"              \
    "  -n, --name NAME           the C prefix and module name (a C identifier)\n"     \
    "  -o, --out OUTDIR          where NAME.h and NAME.c are written\n"               \
    "      --no-async            no non-blocking forms (NAME_send, NAME_recv)\n"      \
    "Writes a typed C function per query and the migrations, embedded.\n"

typedef struct options {
    pgc_cli_list catalogs, migrations, queries, inputs;
    const char *name, *out;
    bool no_async;
} options;

/* Returns 0 to go on, 2 on a usage error, -1 after --help. */
static int parse_options(pgc_arena *a, int argc, char **argv, options *o)
{
    const pgc_cli_opt opts[] = {
        {"-c", "--catalog", NULL, PGC_CLI_PATHS, &o->catalogs, NULL},
        {"-m", "--migrations", NULL, PGC_CLI_PATHS, &o->migrations, NULL},
        {"-q", "--queries", NULL, PGC_CLI_PATHS, &o->queries, NULL},
        /* what the name and the folder may be, the emitter and the writer say */
        {"-n", "--name", NULL, PGC_CLI_TEXT, &o->name, "a name"},
        {"-o", "--out", NULL, PGC_CLI_TEXT, &o->out, "a folder"},
        {NULL, "--no-async", NULL, PGC_CLI_FLAG, &o->no_async, NULL},
    };
    const pgc_cli cli = {"generate", USAGE, opts, sizeof opts / sizeof *opts};
    int rc = pgc_cli_parse(&cli, a, argc, argv, 1);
    if (rc != 0)
        return rc;
    if (o->migrations.len == 0)
        return pgc_cli_usage_error(cli.command, "%s", "no migrations: give -m MIGRATION...");
    if (!o->name || !o->out)
        return pgc_cli_usage_error(cli.command, "%s", "give -n NAME and -o OUTDIR");
    return 0;
}

int pgc_generate_main(int argc, char **argv)
{
    pgc_arena *a = pgc_arena_new();
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(a, argc, argv, &o);
    if (rc != 0) {
        pgc_arena_free(a);
        return rc < 0 ? 0 : rc;
    }
    pgc_diags d = {.out = stderr};
    pgc_program p;
    char *header = NULL, *source = NULL;
    bool ok = pgc_program_load_with(a, &d, o.catalogs.items, o.catalogs.len, o.migrations.items,
                                    o.migrations.len, o.queries.items, o.queries.len, &p);
    if (ok) {
        /* the banner names every input file, as read (directories expanded) */
        for (size_t i = 0; i < p.catalogs.len; i++)
            PGC_PUSH(a, o.inputs, p.catalogs.items[i].file->path);
        for (size_t i = 0; i < p.migrations.len; i++)
            PGC_PUSH(a, o.inputs, p.migrations.items[i].file->path);
        const pgc_file *last = NULL;
        for (size_t i = 0; i < p.queries.len; i++) {
            if (p.queries.items[i].text.file != last) {
                last = p.queries.items[i].text.file;
                PGC_PUSH(a, o.inputs, last->path);
            }
        }
        pgc_emit_options eo = {o.name, o.inputs.items, o.inputs.len, o.no_async};
        ok = pgc_emit(a, &d, &p, &eo, &header, &source);
    }
    if (ok) {
        struct stat st;
        if (stat(o.out, &st) != 0 || !S_ISDIR(st.st_mode)) {
            pgc_diag_error(&d, NULL, 0, "the output folder %s does not exist", o.out);
            ok = false;
        }
    }
    if (ok) {
        char *hpath = pgc_arena_printf(a, "%s/%s.h", o.out, o.name);
        char *cpath = pgc_arena_printf(a, "%s/%s.c", o.out, o.name);
        ok = pgc_emit_write_file(&d, hpath, header) && pgc_emit_write_file(&d, cpath, source);
    }
    pgc_program_free(&p);
    pgc_arena_free(a);
    return ok ? 0 : 1;
}
