/*
 * program.c - the generator's front end (program.h): reads the inputs,
 * parses every statement, replays the migrations into a catalog and
 * analyzes every query.
 *
 * Takes: paths (source.h), the parse bridge (parse.h), DDL replay and the
 * analyzer (semantic.h).  Gives: a pgc_program, which describe, verify and
 * generate read.
 */
#include "program.h"

#include <string.h>

/* Parses and replays one migration's statements; *replay turns false at
 * the first error. */
static void replay_migration(pgc_program *p, pgc_arena *a, pgc_diags *d,
                             const pgc_migration_file *m, bool *replay)
{
    for (size_t i = 0; i < m->stmts.len; i++) {
        const pgc_stmt_text *t = &m->stmts.items[i];
        PgQuery__ParseResult *tree = pgc_parse(d, t);
        if (!tree) {
            *replay = false;
            continue;
        }
        PGC_PUSH(a, p->trees, tree);
        for (size_t k = 0; *replay && k < tree->n_stmts; k++)
            if (!pgc_catalog_apply(p->catalog, d, t, tree->stmts[k]->stmt))
                *replay = false;
    }
}

static void analyze_query(pgc_program *p, pgc_arena *a, pgc_diags *d, const pgc_query_src *q,
                          bool analyze)
{
    PgQuery__ParseResult *tree = pgc_parse(d, &q->text);
    if (!tree)
        return;
    PGC_PUSH(a, p->trees, tree);
    if (tree->n_stmts != 1) {
        size_t at = q->text.offset;
        if (tree->n_stmts > 1)
            at = pgc_parse_source_offset(&q->text, tree->stmts[1]->stmt_location);
        pgc_diag_error(d, q->text.file, at, "query %s must be exactly one statement", q->name);
        return;
    }
    if (!analyze)
        return;
    pgc_query_info info;
    memset(&info, 0, sizeof info);
    if (pgc_analyze_query(p->catalog, a, d, q, tree->stmts[0], &info))
        PGC_PUSH(a, p->infos, info);
}

bool pgc_program_load(pgc_arena *a, pgc_diags *d, const char *const *migrations,
                      size_t nmigrations, const char *const *queries, size_t nqueries,
                      pgc_program *p)
{
    return pgc_program_load_with(a, d, NULL, 0, migrations, nmigrations, queries, nqueries, p);
}

/* Does a migration of the set use a template (a dual-mode library's)? */
static bool uses_templates(const pgc_migration_files *ms)
{
    for (size_t i = 0; i < ms->len; i++)
        for (size_t k = 0; k < ms->items[i].stmts.len; k++)
            if (ms->items[i].stmts.items[k].templated)
                return true;
    return false;
}

bool pgc_program_load_with(pgc_arena *a, pgc_diags *d, const char *const *catalogs,
                           size_t ncatalogs, const char *const *migrations, size_t nmigrations,
                           const char *const *queries, size_t nqueries, pgc_program *p)
{
    int errors = d->errors;
    memset(p, 0, sizeof *p);
    p->catalog = pgc_catalog_new(a);

    bool replay = pgc_read_catalog_inputs(a, d, catalogs, ncatalogs, &p->catalogs);
    for (size_t i = 0; i < p->catalogs.len; i++)
        replay_migration(p, a, d, &p->catalogs.items[i], &replay);
    replay = pgc_read_migrations(a, d, migrations, nmigrations, &p->migrations) && replay;
    pgc_catalog_set_templated(p->catalog, uses_templates(&p->migrations));
    for (size_t i = 0; i < p->migrations.len; i++)
        replay_migration(p, a, d, &p->migrations.items[i], &replay);

    bool analyze = d->errors == errors;
    pgc_read_queries(a, d, queries, nqueries, &p->queries);
    for (size_t i = 0; i < p->queries.len; i++)
        analyze_query(p, a, d, &p->queries.items[i], analyze);
    return d->errors == errors;
}

void pgc_program_free(pgc_program *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->trees.len; i++)
        pgc_parse_free(p->trees.items[i]);
    p->trees.len = 0;
}
