/*
 * describe.c - `pgc describe` (describe.h): a loaded program (program.h)
 * as JSON, and the command around it.
 *
 * Takes: the front end's pgc_program.  Gives: pgc_describe_write() and
 * pgc_describe_main().
 */
#include "describe.h"

#include <string.h>

#include "cli.h"

#define USAGE                                                                         \
    "usage: pgc describe [-c CATALOG...] [-m MIGRATION...] [-q QUERY...]\n"           \
    "  -c, --catalog PATH...     catalog-only DDL (objects the library uses but does\n" \
    "                            not own: another library's tables, the host's)\n"   \
    "  -m, --migrations PATH...  migration files or directories, in any order\n"      \
    "  -q, --queries PATH...     annotated query files or directories\n"              \
    "Prints every query's parameters and result columns, and the catalog, as JSON.\n"

/* ---- the JSON ------------------------------------------------------------------------------ */

/* Where the previous query's line was found: queries come in file order,
 * so counting on from there keeps a file's lines linear, not quadratic. */
typedef struct line_cursor {
    const pgc_file *file;
    size_t offset;
    int line;
} line_cursor;

/* The line of offset in file (what pgc_text_position gives). */
static int line_at(line_cursor *lc, const pgc_file *file, size_t offset)
{
    if (offset > file->len)
        offset = file->len;
    if (file != lc->file || offset < lc->offset)
        *lc = (line_cursor){file, 0, 1};
    for (size_t i = lc->offset; i < offset; i++)
        if (file->text[i] == '\n')
            lc->line++;
    lc->offset = offset;
    return lc->line;
}

static void write_query(pgc_program *p, pgc_json *j, line_cursor *lc, const pgc_query_info *info)
{
    const pgc_query_src *q = info->src;
    const pgc_file *file = q->text.file;
    int line = line_at(lc, file, q->annotation_offset);

    pgc_json_begin_object(j);
    pgc_json_key(j, "name");
    pgc_json_string(j, q->name);
    pgc_json_key(j, "cmd");
    pgc_json_string(j, pgc_cmd_name(q->cmd));
    pgc_json_key(j, "file");
    pgc_json_string(j, file->path);
    pgc_json_key(j, "line");
    pgc_json_int(j, line);
    pgc_json_key(j, "sql");
    pgc_json_string(j, q->text.canon);
    pgc_json_key(j, "reads_only");
    pgc_json_bool(j, info->reads_only);
    pgc_json_key(j, "route");
    pgc_json_string(j, info->reads_only && !info->primary ? "read" : "primary");

    pgc_json_key(j, "params");
    pgc_json_begin_array(j);
    for (size_t i = 0; i < info->params.len; i++) {
        const pgc_param_info *pi = &info->params.items[i];
        pgc_json_begin_object(j);
        pgc_json_key(j, "index");
        pgc_json_int(j, pi->index);
        pgc_json_key(j, "name");
        pgc_json_string(j, pi->name);
        pgc_json_key(j, "type");
        pgc_json_string(j, pgc_catalog_type_name(p->catalog, pi->type, -1));
        pgc_json_key(j, "nullable");
        pgc_json_bool(j, pi->nullable);
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);

    pgc_json_key(j, "columns");
    pgc_json_begin_array(j);
    for (size_t i = 0; i < info->columns.len; i++) {
        const pgc_column_info *ci = &info->columns.items[i];
        pgc_json_begin_object(j);
        pgc_json_key(j, "name");
        pgc_json_string(j, ci->name);
        pgc_json_key(j, "type");
        pgc_json_string(j, pgc_catalog_type_name(p->catalog, ci->type, ci->typmod));
        pgc_json_key(j, "nullable");
        pgc_json_bool(j, ci->nullable);
        pgc_json_key(j, "table");
        pgc_json_string(j, ci->table);
        pgc_json_key(j, "column");
        pgc_json_string(j, ci->column);
        if (ci->embed) {
            pgc_json_key(j, "embed");
            pgc_json_string(j, ci->embed);
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);
    pgc_json_end_object(j);
}

void pgc_describe_write(pgc_program *p, FILE *out)
{
    pgc_json j;
    pgc_json_init(&j, out);
    pgc_json_begin_object(&j);
    pgc_json_key(&j, "queries");
    pgc_json_begin_array(&j);
    line_cursor lc = {0};
    for (size_t i = 0; i < p->infos.len; i++)
        write_query(p, &j, &lc, &p->infos.items[i]);
    pgc_json_end_array(&j);
    pgc_json_key(&j, "catalog");
    pgc_catalog_write_json(p->catalog, &j);
    pgc_json_end_object(&j);
    pgc_json_finish(&j);
}

/* ---- the command --------------------------------------------------------------------------- */

/* Returns 0 to go on, 2 on a usage error, -1 after --help. */
static int parse_options(pgc_arena *a, int argc, char **argv, pgc_cli_list *catalogs,
                         pgc_cli_list *migrations, pgc_cli_list *queries)
{
    const pgc_cli_opt opts[] = {
        {"-c", "--catalog", NULL, PGC_CLI_PATHS, catalogs, NULL},
        {"-m", "--migrations", NULL, PGC_CLI_PATHS, migrations, NULL},
        {"-q", "--queries", NULL, PGC_CLI_PATHS, queries, NULL},
    };
    const pgc_cli cli = {"describe", USAGE, opts, sizeof opts / sizeof *opts};
    int rc = pgc_cli_parse(&cli, a, argc, argv, 1);
    if (rc == 0 && migrations->len == 0 && queries->len == 0)
        return pgc_cli_usage_error(cli.command, "%s",
                                   "no input: give -m MIGRATION... and/or -q QUERY...");
    return rc;
}

int pgc_describe_main(int argc, char **argv)
{
    pgc_arena *a = pgc_arena_new();
    pgc_cli_list catalogs = {0}, migrations = {0}, queries = {0};
    int rc = parse_options(a, argc, argv, &catalogs, &migrations, &queries);
    if (rc == 0) {
        pgc_diags d = {.out = stderr};
        pgc_program p;
        if (pgc_program_load_with(a, &d, catalogs.items, catalogs.len, migrations.items,
                                  migrations.len, queries.items, queries.len, &p))
            pgc_describe_write(&p, stdout);
        else
            rc = 1;
        pgc_program_free(&p);
    } else if (rc < 0) {
        rc = 0;
    }
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "pgc describe: cannot write the output\n");
        rc = 1;
    }
    pgc_arena_free(a);
    return rc;
}
