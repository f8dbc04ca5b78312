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

/*
 * Lifetimes: a statement's parse tree lives until its pass is done (a
 * migration statement's until it is replayed, a query's until it is
 * analyzed): the catalog copies what it keeps into its arena, and a
 * query's analysis works in a scratch arena emptied after each query, its
 * result copied into the program's arena.  Only the catalog, the sources
 * and the results stay, so memory grows with them, not with the trees.
 */

/* Parses and replays one migration's statements; *replay turns false at
 * the first error. */
static void replay_migration(pgc_program *p, pgc_diags *d, const pgc_migration_file *m,
                             bool *replay)
{
    for (size_t i = 0; i < m->stmts.len; i++) {
        const pgc_stmt_text *t = &m->stmts.items[i];
        PgQuery__ParseResult *tree = pgc_parse(d, t);
        if (!tree) {
            *replay = false;
            continue;
        }
        for (size_t k = 0; *replay && k < tree->n_stmts; k++)
            if (!pgc_catalog_apply(p->catalog, d, t, tree->stmts[k]->stmt))
                *replay = false;
        pgc_parse_free(tree);
    }
}

static const char *keep_string(pgc_arena *a, const char *s)
{
    return s ? pgc_arena_strdup(a, s) : NULL;
}

/* A copy of vector field f of from in a, its items copied whole. */
#define KEEP_VEC(a, to, from, f)                                                   \
    do {                                                                          \
        (to)->f.len = (to)->f.cap = (from)->f.len;                                \
        (to)->f.items = NULL;                                                     \
        if ((from)->f.len) {                                                      \
            (to)->f.items = pgc_arena_alloc((a), (from)->f.len * sizeof *(from)->f.items); \
            memcpy((to)->f.items, (from)->f.items, (from)->f.len * sizeof *(from)->f.items); \
        }                                                                         \
    } while (0)

/* A query's analysis, made in a scratch arena (its strings may also point
 * into the parse tree), copied into a. */
static pgc_query_info keep_info(pgc_arena *a, const pgc_query_info *from)
{
    pgc_query_info to = {.src = from->src, .reads_only = from->reads_only,
                         .primary = from->primary};
    KEEP_VEC(a, &to, from, params);
    for (size_t i = 0; i < to.params.len; i++)
        to.params.items[i].name = keep_string(a, to.params.items[i].name);
    KEEP_VEC(a, &to, from, columns);
    for (size_t i = 0; i < to.columns.len; i++) {
        pgc_column_info *c = &to.columns.items[i];
        c->name = keep_string(a, c->name);
        c->table = keep_string(a, c->table);
        c->column = keep_string(a, c->column);
        c->embed = keep_string(a, c->embed);
    }
    KEEP_VEC(a, &to, from, edits);
    for (size_t i = 0; i < to.edits.len; i++)
        to.edits.items[i].text = keep_string(a, to.edits.items[i].text);
    KEEP_VEC(a, &to, from, uses);
    return to;
}

static void analyze_query(pgc_program *p, pgc_arena *a, pgc_arena *scratch, pgc_diags *d,
                          const pgc_query_src *q, bool analyze)
{
    PgQuery__ParseResult *tree = pgc_parse(d, &q->text);
    if (!tree)
        return;
    if (tree->n_stmts != 1) {
        size_t at = q->text.offset;
        if (tree->n_stmts > 1)
            at = pgc_parse_source_offset(&q->text, tree->stmts[1]->stmt_location);
        pgc_diag_error(d, q->text.file, at, "query %s must be exactly one statement", q->name);
    } else if (analyze) {
        pgc_query_info info;
        memset(&info, 0, sizeof info);
        if (pgc_analyze_query(p->catalog, scratch, d, q, tree->stmts[0], &info))
            PGC_PUSH(a, p->infos, keep_info(a, &info));
        pgc_arena_reset(scratch);
    }
    pgc_parse_free(tree);
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
        replay_migration(p, d, &p->catalogs.items[i], &replay);
    replay = pgc_read_migrations(a, d, migrations, nmigrations, &p->migrations) && replay;
    pgc_catalog_set_templated(p->catalog, uses_templates(&p->migrations));
    for (size_t i = 0; i < p->migrations.len; i++)
        replay_migration(p, d, &p->migrations.items[i], &replay);

    bool analyze = d->errors == errors;
    pgc_read_queries(a, d, queries, nqueries, &p->queries);
    pgc_arena *scratch = pgc_arena_new();
    for (size_t i = 0; i < p->queries.len; i++)
        analyze_query(p, a, scratch, d, &p->queries.items[i], analyze);
    pgc_arena_free(scratch);
    return d->errors == errors;
}

void pgc_program_free(pgc_program *p)
{
    (void)p; /* the parse trees are freed as the front end goes */
}
