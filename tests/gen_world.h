/*
 * gen_world.h - a small harness for the catalog and analyzer suites
 * (gen_catalog.c, gen_analyze.c): migrations replayed from SQL text into a
 * catalog, queries analyzed against it, results and diagnostics rendered
 * as short strings to compare with what PostgreSQL 15 reports (every
 * expectation in these suites was checked against a real server with
 * PREPARE / pgc verify).
 *
 * Rendering: a column is "name type!" (NOT NULL) or "name type?"
 * (nullable), a parameter "name type" or "name type?" (nullable), joined
 * by ", ".  Static functions in a header: each suite is one translation
 * unit and uses what it needs.
 */
#ifndef PGC_TEST_GEN_WORLD_H
#define PGC_TEST_GEN_WORLD_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog_internal.h"
#include "semantic.h"

typedef struct world {
    pgc_arena *a;
    pgc_catalog *cat;
    pgc_diags d;
    char *err;            /* diagnostics so far (memory stream) */
    size_t errlen;
    PGC_VEC(PgQuery__ParseResult *) trees;
    pgc_query_info info;  /* the last query's */
} world;

static inline world *world_new(void)
{
    world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->a = pgc_arena_new();
    w->cat = pgc_catalog_new(w->a);
    w->d.out = open_memstream(&w->err, &w->errlen);
    assert_non_null(w->d.out);
    return w;
}

static inline void world_free(world *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->trees.len; i++)
        pgc_parse_free(w->trees.items[i]);
    fclose(w->d.out);
    free(w->err);
    pgc_arena_free(w->a);
    free(w);
}

/* The diagnostics written so far ("" if none). */
static inline const char *world_errors(world *w)
{
    fflush(w->d.out);
    return w->err ? w->err : "";
}

static inline pgc_stmt_text world_text(world *w, const char *sql)
{
    pgc_stmt_text t = {0};
    t.file = pgc_file_from_text(w->a, "test.sql", sql);
    t.offset = 0;
    t.len = strlen(sql);
    t.canon = t.file->text;
    t.canon_len = t.len;
    return t;
}

/* Replays every statement of sql; false at the first one that fails. */
static inline bool world_migrate(world *w, const char *sql)
{
    pgc_stmt_text *t = pgc_arena_alloc(w->a, sizeof *t);
    *t = world_text(w, sql);
    PgQuery__ParseResult *tree = pgc_parse(&w->d, t);
    if (!tree)
        return false;
    PGC_PUSH(w->a, w->trees, tree);
    for (size_t i = 0; i < tree->n_stmts; i++)
        if (!pgc_catalog_apply(w->cat, &w->d, t, tree->stmts[i]->stmt))
            return false;
    return true;
}

/* As world_migrate(), failing the test on an error. */
static inline void world_ok(world *w, const char *sql)
{
    if (!world_migrate(w, sql))
        fail_msg("migration failed: %s", world_errors(w));
}

/* Analyzes one query with $n parameters; false after an error. */
static inline bool world_query(world *w, const char *sql)
{
    pgc_query_src *q = pgc_arena_alloc(w->a, sizeof *q);
    q->name = "Q";
    q->cmd = PGC_CMD_MANY;
    q->text = world_text(w, sql);
    PgQuery__ParseResult *tree = pgc_parse(&w->d, &q->text);
    if (!tree)
        return false;
    PGC_PUSH(w->a, w->trees, tree);
    assert_int_equal(tree->n_stmts, 1);
    return pgc_analyze_query(w->cat, w->a, &w->d, q, tree->stmts[0], &w->info);
}

/* A named parameter for world_query_named(): index, name, kind. */
typedef struct world_param {
    int index;
    const char *name;
    pgc_param_kind kind;
} world_param;

static inline bool world_query_named(world *w, const char *sql, const world_param *ps, size_t n,
                                     const char *embed)
{
    pgc_query_src *q = pgc_arena_alloc(w->a, sizeof *q);
    q->name = "Q";
    q->cmd = PGC_CMD_MANY;
    q->text = world_text(w, sql);
    for (size_t i = 0; i < n; i++) {
        pgc_param_src p = {ps[i].index, ps[i].name, ps[i].kind, 0};
        PGC_PUSH(w->a, q->params, p);
    }
    if (embed)
        PGC_PUSH(w->a, q->embeds, embed);
    PgQuery__ParseResult *tree = pgc_parse(&w->d, &q->text);
    if (!tree)
        return false;
    PGC_PUSH(w->a, w->trees, tree);
    return pgc_analyze_query(w->cat, w->a, &w->d, q, tree->stmts[0], &w->info);
}

/* "name type!, name type?" for the last query's columns. */
static inline const char *world_columns(world *w)
{
    const char *s = "";
    for (size_t i = 0; i < w->info.columns.len; i++) {
        const pgc_column_info *c = &w->info.columns.items[i];
        s = pgc_arena_printf(w->a, "%s%s%s %s%s", s, i ? ", " : "", c->name,
                             pgc_catalog_type_name(w->cat, c->type, c->typmod),
                             c->nullable ? "?" : "!");
    }
    return s;
}

/* "name type, name type?" for the last query's parameters. */
static inline const char *world_params(world *w)
{
    const char *s = "";
    for (size_t i = 0; i < w->info.params.len; i++) {
        const pgc_param_info *p = &w->info.params.items[i];
        s = pgc_arena_printf(w->a, "%s%s%s %s%s", s, i ? ", " : "", p->name,
                             pgc_catalog_type_name(w->cat, p->type, -1),
                             p->nullable ? "?" : "");
    }
    return s;
}

/* Analyzes sql and compares its parameters and columns. */
#define assert_query(w, sql, params, columns)                                          \
    do {                                                                               \
        if (!world_query((w), (sql)))                                                  \
            fail_msg("analysis failed: %s", world_errors(w));                          \
        assert_string_equal(world_params(w), (params));                                \
        assert_string_equal(world_columns(w), (columns));                              \
    } while (0)

/* Analyzes sql, expects an error containing `message`. */
#define assert_query_error(w, sql, message)                                            \
    do {                                                                               \
        assert_false(world_query((w), (sql)));                                         \
        if (!strstr(world_errors(w), (message)))                                       \
            fail_msg("expected \"%s\" in: %s", (message), world_errors(w));            \
    } while (0)

#endif
