/*
 * gen_source.c - the generator's inputs (generator/source.c): canonical
 * SQL and its map, query annotations and parameters, every migration
 * format, and diagnostics word for word (generator/diag.c), including
 * libpg_query's syntax errors put back on the user's line and column
 * (generator/parse.c).  No database needed.
 *
 * Offsets are counted by hand from the inputs; comments show the count
 * where it is not obvious.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* An arena and diagnostics captured in memory. */
typedef struct env {
    pgc_arena *a;
    pgc_diags d;
    char *buf;
    size_t len;
} env;

static env *env_new(void)
{
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->a = pgc_arena_new();
    e->d.out = open_memstream(&e->buf, &e->len);
    assert_non_null(e->d.out);
    return e;
}

static void env_free(env *e)
{
    fclose(e->d.out);
    free(e->buf);
    pgc_arena_free(e->a);
    free(e);
}

static int setup(void **state)
{
    *state = env_new();
    return 0;
}

static int teardown(void **state)
{
    env_free(*state);
    return 0;
}

/* What was reported so far. */
static const char *diags(env *e)
{
    fflush(e->d.out);
    return e->buf ? e->buf : "";
}

static void assert_no_diags(env *e)
{
    if (e->d.errors || e->d.warnings)
        fail_msg("unexpected diagnostics:\n%s", diags(e));
    assert_string_equal(diags(e), "");
}

/* Reads text as query file `path`, appending to out. */
static bool read_queries(env *e, const char *path, const char *text, pgc_query_srcs *out)
{
    return pgc_read_query_file(e->a, &e->d, pgc_file_from_text(e->a, path, text), out);
}

/* The only query of text, read without error. */
static const pgc_query_src *one_query(env *e, const char *text)
{
    pgc_query_srcs qs = {0};
    bool ok = read_queries(e, "q.sql", text, &qs);
    assert_no_diags(e);
    assert_true(ok);
    assert_int_equal(qs.len, 1);
    return &qs.items[0];
}

/* Reading text as "q.sql" fails with exactly `expected`. */
static void assert_query_error(const char *text, const char *expected)
{
    env *e = env_new();
    pgc_query_srcs qs = {0};
    assert_false(read_queries(e, "q.sql", text, &qs));
    assert_string_equal(diags(e), expected);
    assert_int_equal(e->d.errors, 1);
    env_free(e);
}

static void assert_segs(const pgc_stmt_text *t, const pgc_render_seg *exp, size_t n)
{
    if (t->map.n != n)
        fail_msg("%zu segments, expected %zu, for [%s]", t->map.n, n, t->canon);
    for (size_t i = 0; i < n; i++) {
        const pgc_render_seg *s = &t->map.seg[i];
        if (s->out_off != exp[i].out_off || s->out_len != exp[i].out_len
            || s->src_off != exp[i].src_off || s->src_len != exp[i].src_len)
            fail_msg("segment %zu: {%zu, %zu, %zu, %zu}, expected {%zu, %zu, %zu, %zu}", i,
                     s->out_off, s->out_len, s->src_off, s->src_len, exp[i].out_off,
                     exp[i].out_len, exp[i].src_off, exp[i].src_len);
    }
}

static void assert_param(const pgc_param_src *p, int index, const char *name,
                         pgc_param_kind kind, size_t offset)
{
    assert_int_equal(p->index, index);
    if (name)
        assert_string_equal(p->name, name);
    else
        assert_null(p->name);
    assert_int_equal(p->kind, kind);
    assert_int_equal(p->offset, offset);
}

/* Reads text as migration file `name`; asserts it reads without error. */
static pgc_migration_file read_migration(env *e, const char *name, const char *text)
{
    pgc_migration_file m;
    bool ok = pgc_read_migration_file(e->a, &e->d, pgc_file_from_text(e->a, name, text), &m);
    assert_no_diags(e);
    assert_true(ok);
    return m;
}

/* The migration's statements are exactly these canonical texts. */
static void assert_stmts(const pgc_migration_file *m, const char *const *canon, size_t n)
{
    if (m->stmts.len != n)
        fail_msg("%zu statements, expected %zu", m->stmts.len, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(m->stmts.items[i].canon, canon[i]);
        assert_int_equal(m->stmts.items[i].canon_len, strlen(canon[i]));
    }
}

/* Reading text as migration "001_x.sql" fails with exactly `expected`. */
static void assert_migration_error(const char *text, const char *expected)
{
    env *e = env_new();
    pgc_migration_file m;
    assert_false(
        pgc_read_migration_file(e->a, &e->d, pgc_file_from_text(e->a, "001_x.sql", text), &m));
    assert_string_equal(diags(e), expected);
    assert_int_equal(e->d.errors, 1);
    env_free(e);
}

/* Parsing t must fail with exactly `expected`. */
static void assert_parse_error(env *e, const pgc_stmt_text *t, const char *expected)
{
    assert_null(pgc_parse(&e->d, t));
    assert_string_equal(diags(e), expected);
    assert_int_equal(e->d.errors, 1);
}

#define CMDS ":one, :many, :exec, :execrows, :execresult, :copyfrom, :batchexec, " \
             ":batchone or :batchmany"

/* ------------------------------------------------------------------ */
/* Canonical SQL: templates                                             */
/* ------------------------------------------------------------------ */

static void canon__templates__become_home_schema_names(void **state)
{
    env *e = *state;
    const char *text = "-- name: Q :exec\n"
                       "SELECT * FROM {{tables.t}}, {{ tables.s.u }}, {{schema}}.f()\n";
    const pgc_query_src *q = one_query(e, text);
    const pgc_stmt_text *t = &q->text;
    assert_string_equal(t->canon, "SELECT * FROM \"__pgc_home\".t, \"s\".u, \"__pgc_home\".f()");
    assert_int_equal(t->canon_len, strlen(t->canon));
    assert_int_equal(t->offset, 17);
    assert_int_equal(t->len, 60);
    assert_ptr_equal(t->file, q->text.file);
    assert_string_equal(t->file->path, "q.sql");
    /* source: {{tables.t}} at 14 (12 bytes), {{ tables.s.u }} at 28 (16),
     * {{schema}} at 46 (10); canon: 14 bytes at 14, 5 at 30, 12 at 37 */
    const pgc_render_seg segs[] = {{14, 14, 14, 12}, {30, 5, 28, 16}, {37, 12, 46, 10}};
    assert_segs(t, segs, COUNT(segs));
    assert_int_equal(q->params.len, 0);
    assert_int_equal(q->embeds.len, 0);
}

static void canon__map__leads_back_to_the_file(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(
        e, "-- name: Q :exec\nSELECT * FROM {{tables.t}}, {{ tables.s.u }}, {{schema}}.f()\n");
    const pgc_stmt_text *t = &q->text;
    assert_int_equal(pgc_stmt_text_source(t, 0), 17);       /* S */
    assert_int_equal(pgc_stmt_text_source(t, 13), 17 + 13); /* the space before */
    assert_int_equal(pgc_stmt_text_source(t, 20), 17 + 14); /* inside: the template */
    assert_int_equal(pgc_stmt_text_source(t, 28), 17 + 26); /* "," after it */
    assert_int_equal(pgc_stmt_text_source(t, 49), 17 + 56); /* ".f()" */
    assert_int_equal(pgc_stmt_text_source(t, t->canon_len), 17 + 60);
    assert_int_equal(pgc_stmt_text_source(t, 9999), 17 + 60);
    assert_int_equal(pgc_parse_source_offset(t, -1), 17);
    assert_int_equal(pgc_parse_source_offset(t, 30), 17 + 28);
}

static void canon__strings_comments_and_quotes__are_not_touched(void **state)
{
    env *e = *state;
    const char *stmt = "SELECT /* {{tables.t}} @a */ '{{tables.t}}', \"{{schema}}\", "
                       "$$ {{schema}} @a sqlc.arg(x) $$, E'@a', sqlc.arg, x.sqlc.arg(y)";
    char text[512];
    snprintf(text, sizeof text, "-- name: Q :one\n%s\n", stmt);
    const pgc_query_src *q = one_query(e, text);
    assert_string_equal(q->text.canon, stmt);
    assert_int_equal(q->text.map.n, 0);
    assert_int_equal(q->params.len, 0);
}

static void canon__templates_in_migrations(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(
        e, "001_init.sql",
        "CREATE TABLE {{tables.users}} (id int);\n"
        "CREATE SCHEMA IF NOT EXISTS {{schema}};\n"
        "INSERT INTO {{tables.audit.log}} SELECT @x, sqlc.arg(y), $1;\n");
    const char *canon[] = {
        "CREATE TABLE \"__pgc_home\".users (id int)",
        "CREATE SCHEMA IF NOT EXISTS \"__pgc_home\"",
        /* no parameters in migrations */
        "INSERT INTO \"audit\".log SELECT @x, sqlc.arg(y), $1",
    };
    assert_stmts(&m, canon, COUNT(canon));
    assert_int_equal(m.stmts.items[1].offset, 40);
    const pgc_render_seg segs[] = {{28, 12, 28, 10}};
    assert_segs(&m.stmts.items[1], segs, COUNT(segs));
}

/* ------------------------------------------------------------------ */
/* Canonical SQL: parameters and macros                                 */
/* ------------------------------------------------------------------ */

static void canon__named_parameters__become_numbered(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(
        e, "-- name: Q :one\n"
           "SELECT @a, sqlc.arg(b), sqlc.narg('c'), @a, sqlc.slice(d), SQLC.ARG ( \"e\" ), x=@f\n");
    const pgc_stmt_text *t = &q->text;
    assert_string_equal(t->canon, "SELECT $1, $2, $3, $1, $4, $5, x=$6");
    assert_int_equal(t->offset, 16);
    /* source: @a 7, sqlc.arg(b) 11 (11 bytes), sqlc.narg('c') 24 (14), @a 40,
     * sqlc.slice(d) 44 (13), SQLC.ARG ( "e" ) 59 (16), @f 79 */
    const pgc_render_seg segs[] = {{7, 2, 7, 2},   {11, 2, 11, 11}, {15, 2, 24, 14},
                                   {19, 2, 40, 2}, {23, 2, 44, 13}, {27, 2, 59, 16},
                                   {33, 2, 79, 2}};
    assert_segs(t, segs, COUNT(segs));
    assert_int_equal(q->params.len, 6);
    assert_param(&q->params.items[0], 1, "a", PGC_PARAM_NAMED, 16 + 7);
    assert_param(&q->params.items[1], 2, "b", PGC_PARAM_NAMED, 16 + 11);
    assert_param(&q->params.items[2], 3, "c", PGC_PARAM_NULLABLE, 16 + 24);
    assert_param(&q->params.items[3], 4, "d", PGC_PARAM_SLICE, 16 + 44);
    assert_param(&q->params.items[4], 5, "e", PGC_PARAM_NAMED, 16 + 59);
    assert_param(&q->params.items[5], 6, "f", PGC_PARAM_NAMED, 16 + 79);
    /* an error inside "$3" lands on sqlc.narg */
    assert_int_equal(pgc_stmt_text_source(t, 16), 16 + 24);
}

static void canon__narg__makes_every_use_nullable(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :one\nSELECT @a, sqlc.narg(a), sqlc.arg(a)");
    assert_string_equal(q->text.canon, "SELECT $1, $1, $1");
    assert_int_equal(q->params.len, 1);
    assert_param(&q->params.items[0], 1, "a", PGC_PARAM_NULLABLE, 16 + 7);
}

static void canon__names__are_case_sensitive(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :one\nSELECT @id, @ID, @id");
    assert_string_equal(q->text.canon, "SELECT $1, $2, $1");
    assert_int_equal(q->params.len, 2);
    assert_string_equal(q->params.items[1].name, "ID");
}

static void canon__embed__becomes_star_of_the_table(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(
        e, "-- name: Q :one\nSELECT sqlc.embed(Authors), b.x, sqlc.embed( b ) FROM authors JOIN b ON true");
    assert_string_equal(q->text.canon, "SELECT Authors.*, b.x, b.* FROM authors JOIN b ON true");
    /* sqlc.embed(Authors): 19 bytes at 7; sqlc.embed( b ): 15 at 33 */
    const pgc_render_seg segs[] = {{7, 9, 7, 19}, {23, 3, 33, 15}};
    assert_segs(&q->text, segs, COUNT(segs));
    assert_int_equal(q->embeds.len, 2);
    assert_string_equal(q->embeds.items[0], "authors");
    assert_string_equal(q->embeds.items[1], "b");
    assert_int_equal(q->params.len, 0);
}

static void canon__operators_with_at__are_not_parameters(void **state)
{
    env *e = *state;
    const char *stmt = "SELECT a <@ b, a<@b, x @@ y, x@@y, @ -5, a @> b, sqlc.arg FROM t sqlc";
    char text[256];
    snprintf(text, sizeof text, "-- name: Q :one\n%s", stmt);
    const pgc_query_src *q = one_query(e, text);
    assert_string_equal(q->text.canon, stmt);
    assert_int_equal(q->params.len, 0);
}

static void canon__positional_parameters__are_kept(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :one\nSELECT $2, $1, $2");
    assert_string_equal(q->text.canon, "SELECT $2, $1, $2");
    assert_int_equal(q->text.map.n, 0);
    assert_int_equal(q->params.len, 2);
    assert_param(&q->params.items[0], 1, NULL, PGC_PARAM_POSITIONAL, 16 + 11);
    assert_param(&q->params.items[1], 2, NULL, PGC_PARAM_POSITIONAL, 16 + 7);
}

static void canon__named_and_positional__named_take_the_lowest_free_numbers(void **state)
{
    env *e = *state;
    /* as sqlc 1.31: the $n first, then each new name the lowest number left */
    const pgc_query_src *q = one_query(
        e, "-- name: Q :one\n"
           "SELECT @a, $1, sqlc.narg(b), $3, @a, sqlc.slice(c), $5");
    assert_string_equal(q->text.canon, "SELECT $2, $1, $4, $3, $2, $6, $5");
    assert_int_equal(q->params.len, 6);
    assert_param(&q->params.items[0], 1, NULL, PGC_PARAM_POSITIONAL, 16 + 11);
    assert_param(&q->params.items[1], 2, "a", PGC_PARAM_NAMED, 16 + 7);
    assert_param(&q->params.items[2], 3, NULL, PGC_PARAM_POSITIONAL, 16 + 29);
    assert_param(&q->params.items[3], 4, "b", PGC_PARAM_NULLABLE, 16 + 15);
    assert_param(&q->params.items[4], 5, NULL, PGC_PARAM_POSITIONAL, 16 + 52);
    assert_param(&q->params.items[5], 6, "c", PGC_PARAM_SLICE, 16 + 37);
}

static void canon__slice_in_a_list__becomes_any_of_an_array(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(
        e, "-- name: Q :many\n"
           "SELECT 1 WHERE a IN (sqlc.slice(ids)) AND b NOT IN ( sqlc.slice('xs') ) "
           "AND c IN (sqlc.slice(ids), 1) AND d = ANY(sqlc.slice(ys))");
    assert_string_equal(q->text.canon, "SELECT 1 WHERE a = ANY($1) AND b <> ALL($2) "
                                       "AND c IN ($1, 1) AND d = ANY($3)");
    /* IN (sqlc.slice(ids)): 20 bytes at 17; NOT IN ( sqlc.slice('xs') ): 27 at 44;
     * sqlc.slice(ids) alone: 15 at 82; sqlc.slice(ys): 14 at 114 */
    const pgc_render_seg segs[] = {{17, 9, 17, 20}, {33, 10, 44, 27}, {54, 2, 82, 15},
                                   {73, 2, 114, 14}};
    assert_segs(&q->text, segs, COUNT(segs));
    assert_int_equal(q->params.len, 3);
    assert_param(&q->params.items[0], 1, "ids", PGC_PARAM_SLICE, 17 + 21);
    assert_param(&q->params.items[1], 2, "xs", PGC_PARAM_SLICE, 17 + 53);
}

static void canon__parameter_errors__are_reported_where_they_are(void **state)
{
    (void)state;
    assert_query_error(
        "-- name: Q :one\nSELECT @a, $3",
        "q.sql:2:12: error: parameter $3 is used but $2 is not: number parameters from $1 with "
        "no gaps\n"
        "    2 | SELECT @a, $3\n"
        "      |            ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT $1, $3",
        "q.sql:2:12: error: parameter $3 is used but $2 is not: number parameters from $1 with "
        "no gaps\n"
        "    2 | SELECT $1, $3\n"
        "      |            ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT $0",
        "q.sql:2:8: error: there is no parameter $0 (parameters are $1 to $65535)\n"
        "    2 | SELECT $0\n"
        "      |        ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT $65536",
        "q.sql:2:8: error: there is no parameter $65536 (parameters are $1 to $65535)\n"
        "    2 | SELECT $65536\n"
        "      |        ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.argh(x)",
        "q.sql:2:13: error: unknown macro \"sqlc.argh\"; expected sqlc.arg, sqlc.narg, sqlc.slice "
        "or sqlc.embed\n"
        "    2 | SELECT sqlc.argh(x)\n"
        "      |             ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.narg(a, b)",
        "q.sql:2:8: error: sqlc.narg takes one parameter name, as in sqlc.narg(id)\n"
        "    2 | SELECT sqlc.narg(a, b)\n"
        "      |        ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.arg()",
        "q.sql:2:8: error: sqlc.arg takes one parameter name, as in sqlc.arg(id)\n"
        "    2 | SELECT sqlc.arg()\n"
        "      |        ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.embed('t')",
        "q.sql:2:8: error: sqlc.embed takes one table name, as in sqlc.embed(authors)\n"
        "    2 | SELECT sqlc.embed('t')\n"
        "      |        ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.slice(ids), @ids",
        "q.sql:2:25: error: parameter \"ids\" is used both as sqlc.slice(ids) and as a single "
        "value\n"
        "    2 | SELECT sqlc.slice(ids), @ids\n"
        "      |                         ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT sqlc.arg('a b')",
        "q.sql:2:17: error: parameter name \"a b\" is not a C identifier\n"
        "    2 | SELECT sqlc.arg('a b')\n"
        "      |                 ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT @été",
        "q.sql:2:9: error: parameter name \"été\" is not a C identifier\n"
        "    2 | SELECT @été\n"
        "      |         ^\n");
}

static void canon__template_errors__are_the_runtimes(void **state)
{
    (void)state;
    assert_query_error(
        "-- name: Q :one\nSELECT * FROM {{tables}}",
        "q.sql:2:15: error: unknown template \"{{tables}}\"; expected {{schema}}, "
        "{{tables.NAME}} or {{tables.SCHEMA.NAME}}\n"
        "    2 | SELECT * FROM {{tables}}\n"
        "      |               ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT * FROM {{tables.1x}}",
        "q.sql:2:15: error: table name \"1x\" in template \"{{tables.1x}}\" is not a valid "
        "identifier: it begins with \"1\"; it must begin with a letter or \"_\"\n"
        "    2 | SELECT * FROM {{tables.1x}}\n"
        "      |               ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT * FROM {{tables.t",
        "q.sql:2:15: error: unterminated template: \"{{\" without \"}}\" on the same line\n"
        "    2 | SELECT * FROM {{tables.t\n"
        "      |               ^\n");
    assert_query_error(
        "-- name: Q :one\nSELECT 'abc\n",
        "q.sql:2:8: error: unterminated quoted string\n"
        "    2 | SELECT 'abc\n"
        "      |        ^\n");
}

/* ------------------------------------------------------------------ */
/* Queries: annotations                                                 */
/* ------------------------------------------------------------------ */

static void query__annotations__name_each_statement(void **state)
{
    env *e = *state;
    pgc_query_srcs qs = {0};
    const char *text = "-- Authors.\n"
                       "\n"
                       "-- name: GetAuthor :one\n"
                       "-- The author with this id.\n"
                       "SELECT * FROM authors WHERE id = @id;\n"
                       "\n"
                       "--name: ListAuthors :many\n"
                       "SELECT * FROM authors\n"
                       "--   name:   DeleteAuthor   :exec   \n"
                       "DELETE FROM authors WHERE id = $1;\n";
    assert_true(read_queries(e, "q.sql", text, &qs));
    assert_no_diags(e);
    assert_int_equal(qs.len, 3);
    assert_string_equal(qs.items[0].name, "GetAuthor");
    assert_int_equal(qs.items[0].cmd, PGC_CMD_ONE);
    assert_int_equal(qs.items[0].annotation_offset, 13);
    assert_string_equal(qs.items[0].text.canon, "SELECT * FROM authors WHERE id = $1");
    assert_int_equal(qs.items[0].text.offset, 65); /* 13 + 24 + 28 */
    assert_string_equal(qs.items[1].name, "ListAuthors");
    assert_int_equal(qs.items[1].cmd, PGC_CMD_MANY);
    /* the next annotation ends a statement that lacks its semicolon */
    assert_string_equal(qs.items[1].text.canon, "SELECT * FROM authors");
    assert_string_equal(qs.items[2].name, "DeleteAuthor");
    assert_int_equal(qs.items[2].cmd, PGC_CMD_EXEC);
    assert_string_equal(qs.items[2].text.canon, "DELETE FROM authors WHERE id = $1");
}

static void query__block_comment_annotations__name_statements_as_in_sqlc(void **state)
{
    env *e = *state;
    pgc_query_srcs qs = {0};
    const char *text = "/* name: GetAuthor :one */\n"
                       "SELECT 1;\n"
                       "/* name: ListAuthors :many */ SELECT 2;\n"
                       "/*\n"
                       "  Every author.\n"
                       "  name: CountAuthors :one\n"
                       "*/\n"
                       "SELECT 3;\n"
                       "/*name:Drop :exec*/DELETE FROM t;\n"
                       "/* an ordinary comment */ -- name: Last :exec\n"
                       "SELECT /* name is: not a note */ 4;\n";
    assert_true(read_queries(e, "q.sql", text, &qs));
    assert_no_diags(e);
    assert_int_equal(qs.len, 5);
    assert_string_equal(qs.items[0].name, "GetAuthor");
    assert_int_equal(qs.items[0].cmd, PGC_CMD_ONE);
    assert_int_equal(qs.items[0].annotation_offset, 0);
    assert_string_equal(qs.items[0].text.canon, "SELECT 1");
    assert_string_equal(qs.items[1].name, "ListAuthors");
    assert_int_equal(qs.items[1].cmd, PGC_CMD_MANY);
    assert_string_equal(qs.items[1].text.canon, "SELECT 2");
    assert_int_equal(qs.items[1].text.offset, 37 + 30); /* on the annotation's line */
    assert_string_equal(qs.items[2].name, "CountAuthors");
    assert_string_equal(qs.items[2].text.canon, "SELECT 3");
    assert_string_equal(qs.items[3].name, "Drop");
    assert_int_equal(qs.items[3].cmd, PGC_CMD_EXEC);
    assert_string_equal(qs.items[3].text.canon, "DELETE FROM t");
    assert_string_equal(qs.items[4].name, "Last");
    assert_string_equal(qs.items[4].text.canon, "SELECT /* name is: not a note */ 4");
}

static void query__block_comment_annotation_errors__are_reported(void **state)
{
    (void)state;
    assert_query_error("/* name: Q :all */\nSELECT 1",
                       "q.sql:1:12: error: unknown command \":all\"; expected one of " CMDS "\n"
                       "    1 | /* name: Q :all */\n"
                       "      |            ^\n");
    assert_query_error("/*\n name: Q\n*/ SELECT 1",
                       "q.sql:2:9: error: query Q has no command; expected one of " CMDS "\n"
                       "    2 |  name: Q\n"
                       "      |         ^\n");
    assert_query_error("/* name: Q :one x */ SELECT 1",
                       "q.sql:1:17: error: unexpected \"x\" after the command\n"
                       "    1 | /* name: Q :one x */ SELECT 1\n"
                       "      |                 ^\n");
}

static void query__every_command__is_known(void **state)
{
    env *e = *state;
    static const struct {
        const char *name;
        pgc_cmd cmd;
    } cmds[] = {
        {":one", PGC_CMD_ONE},           {":many", PGC_CMD_MANY},
        {":exec", PGC_CMD_EXEC},         {":execrows", PGC_CMD_EXECROWS},
        {":execresult", PGC_CMD_EXECRESULT}, {":copyfrom", PGC_CMD_COPYFROM},
        {":batchexec", PGC_CMD_BATCHEXEC}, {":batchone", PGC_CMD_BATCHONE},
        {":batchmany", PGC_CMD_BATCHMANY},
    };
    for (size_t i = 0; i < COUNT(cmds); i++) {
        char text[64];
        snprintf(text, sizeof text, "-- name: Q%zu %s\nSELECT 1", i, cmds[i].name);
        pgc_query_srcs qs = {0};
        assert_true(read_queries(e, "q.sql", text, &qs));
        assert_int_equal(qs.len, 1);
        assert_int_equal(qs.items[0].cmd, cmds[i].cmd);
        assert_string_equal(pgc_cmd_name(cmds[i].cmd), cmds[i].name);
    }
    assert_no_diags(e);
}

static void query__annotation_errors__are_reported(void **state)
{
    (void)state;
    assert_query_error("SELECT 1;\n-- name: Q :one\nSELECT 2",
                       "q.sql:1:1: error: statement has no \"-- name: Name :cmd\" annotation\n"
                       "    1 | SELECT 1;\n"
                       "      | ^\n");
    assert_query_error("-- name: Q :one\nSELECT 1; SELECT 2",
                       "q.sql:2:11: error: statement has no \"-- name: Name :cmd\" annotation\n"
                       "    2 | SELECT 1; SELECT 2\n"
                       "      |           ^\n");
    assert_query_error("-- name: Q :one\n-- name: R :one\nSELECT 1",
                       "q.sql:1:1: error: query Q has no statement\n"
                       "    1 | -- name: Q :one\n"
                       "      | ^\n");
    assert_query_error("-- name: Q :all\nSELECT 1",
                       "q.sql:1:12: error: unknown command \":all\"; expected one of " CMDS "\n"
                       "    1 | -- name: Q :all\n"
                       "      |            ^\n");
    assert_query_error("-- name: Q one\nSELECT 1",
                       "q.sql:1:12: error: unknown command \"one\"; expected one of " CMDS "\n"
                       "    1 | -- name: Q one\n"
                       "      |            ^\n");
    assert_query_error("-- name: Q\nSELECT 1",
                       "q.sql:1:11: error: query Q has no command; expected one of " CMDS "\n"
                       "    1 | -- name: Q\n"
                       "      |           ^\n");
    assert_query_error("-- name:\nSELECT 1",
                       "q.sql:1:1: error: annotation has no query name; expected \"-- name: "
                       "Name :cmd\"\n"
                       "    1 | -- name:\n"
                       "      | ^\n");
    assert_query_error("-- name: get-author :one\nSELECT 1",
                       "q.sql:1:10: error: query name \"get-author\" is not a C identifier\n"
                       "    1 | -- name: get-author :one\n"
                       "      |          ^\n");
    assert_query_error("-- name: Q :one extra\nSELECT 1",
                       "q.sql:1:17: error: unexpected \"extra\" after the command\n"
                       "    1 | -- name: Q :one extra\n"
                       "      |                 ^\n");
}

/* -- pgc:reads and -- pgc:primary, in the comments between the name line and
 * the statement (other comments beside them stay the user's). */
static void query__route_directives__are_read_after_the_name_line(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :many\nSELECT 1");
    assert_int_equal(q->route, PGC_ROUTE_AUTO);
    q = one_query(e, "-- name: Q :many\n-- pgc:reads\nSELECT f()");
    assert_int_equal(q->route, PGC_ROUTE_READS);
    assert_int_equal(q->route_offset, 20); /* "pgc:reads" after "-- name: Q :many\n-- " */
    q = one_query(e, "-- name: Q :many\n-- the latest balance\n--   pgc:primary\n"
                     "SELECT 1 -- pgc:reads here is part of the statement");
    assert_int_equal(q->route, PGC_ROUTE_PRIMARY);
    q = one_query(e, "/* name: Q :many */\n-- pgc:reads\nSELECT 1");
    assert_int_equal(q->route, PGC_ROUTE_READS);
    /* CRLF line ends, a tab after it, no blank before it */
    q = one_query(e, "-- name: Q :many\r\n-- pgc:primary\r\nSELECT 1\r\n");
    assert_int_equal(q->route, PGC_ROUTE_PRIMARY);
    q = one_query(e, "-- name: Q :many\r\n--pgc:reads\t\r\nSELECT 1");
    assert_int_equal(q->route, PGC_ROUTE_READS);
    /* a block comment, as sqlc allows for the name line (silently left out, a
     * -- pgc:primary read would go to a standby) */
    q = one_query(e, "-- name: Q :many\n/* pgc:primary */\nSELECT 1");
    assert_int_equal(q->route, PGC_ROUTE_PRIMARY);
    assert_int_equal(q->route_offset, 20);
    q = one_query(e, "-- name: Q :many\n/*\n * pgc:reads\n */\nSELECT 1");
    assert_int_equal(q->route, PGC_ROUTE_READS);
}

static void query__route_directive_errors__are_reported(void **state)
{
    (void)state;
    assert_query_error("-- name: Q :many\n-- pgc:read\nSELECT 1",
                       "q.sql:2:4: error: unknown directive \"pgc:read\" for query Q; expected "
                       "-- pgc:reads or -- pgc:primary\n"
                       "    2 | -- pgc:read\n"
                       "      |    ^\n");
    assert_query_error("-- name: Q :many\n-- pgc:no-transaction\nSELECT 1",
                       "q.sql:2:4: error: unknown directive \"pgc:no-transaction\" for query Q; "
                       "expected -- pgc:reads or -- pgc:primary\n"
                       "    2 | -- pgc:no-transaction\n"
                       "      |    ^\n");
    assert_query_error("-- name: Q :many\n-- pgc:reads\n-- pgc:primary\nSELECT 1",
                       "q.sql:3:4: error: query Q cannot be both -- pgc:reads and -- pgc:primary\n"
                       "    3 | -- pgc:primary\n"
                       "      |    ^\n");
    assert_query_error("-- name: Q :many\n-- pgc:primary\n-- pgc:primary\nSELECT 1",
                       "q.sql:3:4: error: query Q has -- pgc:primary twice\n"
                       "    3 | -- pgc:primary\n"
                       "      |    ^\n");
    /* any case: a misspelt -- PGC:PRIMARY must not leave a read on a standby unsaid */
    assert_query_error("-- name: Q :many\n-- PGC:Primary\nSELECT 1",
                       "q.sql:2:4: error: unknown directive \"PGC:Primary\" for query Q; expected "
                       "-- pgc:reads or -- pgc:primary\n"
                       "    2 | -- PGC:Primary\n"
                       "      |    ^\n");
    assert_query_error("-- name: Q :many\n/* pgc:primary, it must see the latest balance */\n"
                       "SELECT 1",
                       "q.sql:2:4: error: unknown directive \"pgc:primary,\" for query Q; "
                       "expected -- pgc:reads or -- pgc:primary\n"
                       "    2 | /* pgc:primary, it must see the latest balance */\n"
                       "      |    ^\n");
    /* a directive before the name line, or after a statement, applies to no
     * query (left alone, a -- pgc:primary read would go to a standby) */
    assert_query_error("-- pgc:primary\n-- name: Q :many\nSELECT 1",
                       "q.sql:1:4: error: -- pgc:primary here applies to no query; write it on "
                       "a line after the name line of the query it is for, before the "
                       "statement\n"
                       "    1 | -- pgc:primary\n"
                       "      |    ^\n");
    assert_query_error("-- name: P :many\nSELECT 1;\n\n  -- pgc:primary\n"
                       "-- name: Q :many\nSELECT 2",
                       "q.sql:4:6: error: -- pgc:primary here applies to no query; write it on "
                       "a line after the name line of the query it is for, before the "
                       "statement\n"
                       "    4 |   -- pgc:primary\n"
                       "      |      ^\n");
    assert_query_error("-- name: P :many\nSELECT 1\n/* pgc:reads */\n",
                       "q.sql:3:4: error: -- pgc:reads here applies to no query; write it on "
                       "a line after the name line of the query it is for, before the "
                       "statement\n"
                       "    3 | /* pgc:reads */\n"
                       "      |    ^\n");
    assert_query_error("-- name: Q :many\n-- pgc:reads please\nSELECT 1",
                       "q.sql:2:14: error: unexpected \"please\" after -- pgc:reads\n"
                       "    2 | -- pgc:reads please\n"
                       "      |              ^\n");
}

static void query__duplicate_names__across_files__are_refused(void **state)
{
    env *e = *state;
    pgc_query_srcs qs = {0};
    assert_true(read_queries(e, "a.sql", "-- name: Q :one\nSELECT 1", &qs));
    assert_false(read_queries(e, "b.sql", "\n-- name: R :one\nSELECT 2;\n-- name: Q :one\nSELECT 3",
                              &qs));
    assert_string_equal(diags(e), "b.sql:4:1: error: query Q is defined twice\n"
                                  "    4 | -- name: Q :one\n"
                                  "      | ^\n"
                                  "a.sql:1:1: note: Q was first defined here\n"
                                  "    1 | -- name: Q :one\n"
                                  "      | ^\n");
    assert_int_equal(e->d.errors, 1);
    assert_int_equal(qs.len, 2); /* Q from a.sql and R */
    assert_string_equal(qs.items[1].name, "R");
}

static void query__an_error__does_not_stop_the_others(void **state)
{
    env *e = *state;
    pgc_query_srcs qs = {0};
    assert_false(read_queries(e, "q.sql",
                              "-- name: A :one\nSELECT @a;\n"
                              "-- name: B :one\nSELECT $3, @b;\n"
                              "-- name: C :one\nSELECT sqlc.arg(c);\n",
                              &qs));
    assert_int_equal(e->d.errors, 1);
    assert_int_equal(qs.len, 2);
    assert_string_equal(qs.items[0].name, "A");
    assert_string_equal(qs.items[1].name, "C");
    assert_string_equal(qs.items[1].text.canon, "SELECT $1");
}

/* ------------------------------------------------------------------ */
/* Migrations: formats                                                  */
/* ------------------------------------------------------------------ */

static void migration__plain_file__is_read_whole(void **state)
{
    env *e = *state;
    const char *text = "-- pgdbm style\n"
                       "CREATE TABLE {{tables.users}} (id int);\n"
                       "INSERT INTO {{tables.users}} VALUES (1);\n"
                       "\n\n";
    pgc_migration_file m = read_migration(e, "001_init.sql", text);
    assert_int_equal(m.version, 1);
    assert_false(m.no_transaction);
    assert_string_equal(m.up_sql, text); /* byte for byte: the runtime's checksum */
    assert_string_equal(m.file->path, "001_init.sql");
    const char *canon[] = {"CREATE TABLE \"__pgc_home\".users (id int)",
                           "INSERT INTO \"__pgc_home\".users VALUES (1)"};
    assert_stmts(&m, canon, COUNT(canon));
    assert_int_equal(m.stmts.items[0].offset, 15);
    assert_int_equal(m.stmts.items[1].offset, 55);
}

static void migration__goose__down_part_is_dropped(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "20230101_x.sql",
                                          "-- +goose Up\n"
                                          "-- +goose NO TRANSACTION\n"
                                          "CREATE INDEX CONCURRENTLY i ON t (x);\n"
                                          "\n"
                                          "-- +goose Down\n"
                                          "DROP INDEX i;\n");
    assert_int_equal(m.version, 20230101);
    assert_true(m.no_transaction);
    assert_string_equal(m.up_sql, "-- +goose Up\n"
                                  "-- +goose NO TRANSACTION\n"
                                  "CREATE INDEX CONCURRENTLY i ON t (x);\n");
    const char *canon[] = {"CREATE INDEX CONCURRENTLY i ON t (x)"};
    assert_stmts(&m, canon, COUNT(canon));
}

static void migration__goose__statement_blocks__are_one_statement(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "002_f.sql",
                                          "-- +goose Up\n"
                                          "-- +goose StatementBegin\n"
                                          "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
                                          "BEGIN\n"
                                          "  PERFORM 1;\n"
                                          "  RETURN 1;\n"
                                          "END;\n"
                                          "$body$;\n"
                                          "-- +goose StatementEnd\n"
                                          "SELECT 1;\n"
                                          "-- +goose StatementBegin\n"
                                          "SELECT 2; SELECT 3;\n"
                                          "-- +goose StatementEnd\n"
                                          "-- +goose Down\n"
                                          "-- +goose StatementBegin\n"
                                          "DROP FUNCTION f();\n"
                                          "-- +goose StatementEnd\n");
    const char *canon[] = {
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n"
        "  PERFORM 1;\n"
        "  RETURN 1;\n"
        "END;\n"
        "$body$",
        "SELECT 1",
        "SELECT 2; SELECT 3",
    };
    assert_stmts(&m, canon, COUNT(canon));
    assert_int_equal(m.stmts.items[0].offset, 38); /* 13 + 25 */

    PgQuery__ParseResult *tree = pgc_parse(&e->d, &m.stmts.items[0]);
    assert_non_null(tree);
    assert_int_equal(tree->n_stmts, 1);
    assert_int_equal(tree->stmts[0]->stmt->node_case, PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT);
    pgc_parse_free(tree);
    tree = pgc_parse(&e->d, &m.stmts.items[2]);
    assert_non_null(tree);
    assert_int_equal(tree->n_stmts, 2); /* a block is sent as it is */
    pgc_parse_free(tree);
    assert_no_diags(e);
}

static void migration__dbmate__down_part_is_dropped(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "20240102030405_idx.sql",
                                          "-- migrate:up transaction:false\n"
                                          "CREATE INDEX CONCURRENTLY i ON t (x);\n"
                                          "\n"
                                          "-- migrate:down\n"
                                          "DROP INDEX i;\n");
    assert_int_equal(m.version, 20240102030405ULL);
    assert_true(m.no_transaction);
    assert_string_equal(m.up_sql, "-- migrate:up transaction:false\n"
                                  "CREATE INDEX CONCURRENTLY i ON t (x);\n");
    const char *canon[] = {"CREATE INDEX CONCURRENTLY i ON t (x)"};
    assert_stmts(&m, canon, COUNT(canon));
}

static void migration__golang_migrate__up_file_is_read(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "000003_init.up.sql", "CREATE TABLE a (x int);\n");
    assert_int_equal(m.version, 3);
    const char *canon[] = {"CREATE TABLE a (x int)"};
    assert_stmts(&m, canon, COUNT(canon));
}

static void migration__sql_migrate__down_part_is_dropped(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(
        e, "4_x.sql",
        "-- +migrate Up notransaction\n"
        "CREATE TABLE a (x int);\n"
        "-- +migrate StatementBegin\n"
        "CREATE FUNCTION g() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql;\n"
        "-- +migrate StatementEnd\n"
        "\n"
        "-- +migrate Down\n"
        "DROP TABLE a;\n");
    assert_true(m.no_transaction);
    const char *canon[] = {
        "CREATE TABLE a (x int)",
        "CREATE FUNCTION g() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql",
    };
    assert_stmts(&m, canon, COUNT(canon));
    assert_null(strstr(m.up_sql, "DROP"));
}

static void migration__tern__drop_below_is_dropped(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "005_t.sql",
                                          "CREATE TABLE a (x int);\n"
                                          "\n"
                                          "---- create above / drop below ----\n"
                                          "\n"
                                          "DROP TABLE a;\n");
    assert_false(m.no_transaction);
    assert_string_equal(m.up_sql, "CREATE TABLE a (x int);\n");
    const char *canon[] = {"CREATE TABLE a (x int)"};
    assert_stmts(&m, canon, COUNT(canon));
}

static void migration__down_before_up__keeps_offsets(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "006_d.sql",
                                          "-- +goose Down\n"
                                          "DROP TABLE a;\n"
                                          "-- +goose Up\n"
                                          "CREATE TABLE a (x int);\n");
    /* dropped bytes become spaces, line ends stay: offsets are the file's */
    assert_string_equal(m.up_sql, "              \n"
                                  "             \n"
                                  "-- +goose Up\n"
                                  "CREATE TABLE a (x int);\n");
    const char *canon[] = {"CREATE TABLE a (x int)"};
    assert_stmts(&m, canon, COUNT(canon));
    assert_int_equal(m.stmts.items[0].offset, 42);
}

static void migration__pg_dump__meta_commands_and_copy_data_are_skipped(void **state)
{
    env *e = *state;
    const char *text = "--\n"
                       "-- PostgreSQL database dump\n"
                       "--\n"
                       "\n"
                       "\\restrict AbC123\n"
                       "\n"
                       "SET statement_timeout = 0;\n"
                       "SELECT pg_catalog.set_config('search_path', '', false);\n"
                       "\n"
                       "CREATE TABLE public.t (\n"
                       "    id integer NOT NULL,\n"
                       "    s text\n"
                       ");\n"
                       "\n"
                       "COPY public.t (id, s) FROM stdin;\n"
                       "1\tit's; here\n"
                       "2\t\\N\n"
                       "\\.\n"
                       "\n"
                       "  \\connect other \"dbname'x\n"
                       "ALTER TABLE ONLY public.t\n"
                       "    ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"
                       "\n"
                       "\\unrestrict AbC123\n";
    pgc_migration_file m = read_migration(e, "001_dump.sql", text);
    const char *canon[] = {
        "SET statement_timeout = 0",
        "SELECT pg_catalog.set_config('search_path', '', false)",
        "CREATE TABLE public.t (\n    id integer NOT NULL,\n    s text\n)",
        "COPY public.t (id, s) FROM stdin",
        "ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id)",
    };
    assert_stmts(&m, canon, COUNT(canon));
    assert_int_equal(m.stmts.items[4].offset, (size_t)(strstr(text, "ALTER") - text));
    assert_null(strchr(m.up_sql, '\\'));
    assert_null(strstr(m.up_sql, "here"));
    assert_int_equal(strlen(m.up_sql), (size_t)(strstr(text, "\n\n\\unrestrict") - text) + 1);
    for (size_t i = 0; i < m.stmts.len; i++) {
        PgQuery__ParseResult *tree = pgc_parse(&e->d, &m.stmts.items[i]);
        assert_non_null(tree);
        pgc_parse_free(tree);
    }
    assert_no_diags(e);
}

/* The no-transaction directive counts only in the leading comments, as in
 * the runtime's reader (runtime/sqltext.c: the same function). */
static void migration__no_transaction_directive__counts_only_before_the_first_statement(
    void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(e, "001_late.sql",
                                          "/* first */\n"
                                          "CREATE TABLE t (x int);\n"
                                          "-- pgc:no-transaction\n"
                                          "CREATE INDEX i ON t (x);\n");
    assert_false(m.no_transaction);
    m = read_migration(e, "002_early.sql",
                       "/* first */\n"
                       "-- pgc:no-transaction\n"
                       "CREATE INDEX CONCURRENTLY j ON t (x);\n");
    assert_true(m.no_transaction);
    assert_int_equal(pgc_sql_no_transaction(m.up_sql, strlen(m.up_sql)), 1);
    /* a query file's directives are not a migration's */
    m = read_migration(e, "003_reads.sql", "-- pgc:reads\nCREATE INDEX k ON t (x);\n");
    assert_false(m.no_transaction);
    assert_no_diags(e);
}

/* Transaction control is refused in either kind of file, where it is. */
static void migration__transaction_control__is_refused_in_either_kind(void **state)
{
    (void)state;
    assert_migration_error("CREATE TABLE t (x int);\nCOMMIT;\n",
                           "001_x.sql:2:1: error: transaction control statement in a migration "
                           "that runs in a transaction; remove it or mark the file "
                           "\"-- pgc:no-transaction\"\n"
                           "    2 | COMMIT;\n"
                           "      | ^\n");
    assert_migration_error("-- pgc:no-transaction\nCREATE TABLE t (x int);\n  BEGIN;\n",
                           "001_x.sql:3:3: error: transaction control statement in a "
                           "no-transaction migration; remove it (each statement of the file "
                           "runs on its own, outside a transaction)\n"
                           "    3 |   BEGIN;\n"
                           "      |   ^\n");
    assert_migration_error("-- pgc:no-transaction\nSAVEPOINT s;\nCOMMIT;\n",
                           "001_x.sql:2:1: error: transaction control statement in a "
                           "no-transaction migration; remove it (each statement of the file "
                           "runs on its own, outside a transaction)\n"
                           "    2 | SAVEPOINT s;\n"
                           "      | ^\n");
}

static void migration__errors__are_reported(void **state)
{
    (void)state;
    assert_migration_error("-- +goose Up\n-- +goose StatementEnd\n",
                           "001_x.sql:2:1: error: StatementEnd without StatementBegin\n"
                           "    2 | -- +goose StatementEnd\n"
                           "      | ^\n");
    assert_migration_error("-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n",
                           "001_x.sql:2:1: error: StatementBegin has no StatementEnd\n"
                           "    2 | -- +goose StatementBegin\n"
                           "      | ^\n");
    assert_migration_error("-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n",
                           "001_x.sql:1:1: error: StatementBegin has no StatementEnd\n"
                           "    1 | -- +goose StatementBegin\n"
                           "      | ^\n");
    assert_migration_error("-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementBegin\n",
                           "001_x.sql:3:1: error: StatementBegin inside a StatementBegin block\n"
                           "    3 | -- +goose StatementBegin\n"
                           "      | ^\n");
    assert_migration_error("-- +goose Down\nDROP TABLE t;\n",
                           "001_x.sql:1:1: error: a down section but no up section: mark the "
                           "migration's part with an up directive (e.g. \"-- +goose Up\" or "
                           "\"-- migrate:up\")\n"
                           "    1 | -- +goose Down\n"
                           "      | ^\n");
    assert_migration_error("-- migrate:down\nDROP TABLE t;\n",
                           "001_x.sql:1:1: error: a down section but no up section: mark the "
                           "migration's part with an up directive (e.g. \"-- +goose Up\" or "
                           "\"-- migrate:up\")\n"
                           "    1 | -- migrate:down\n"
                           "      | ^\n");
    assert_migration_error("CREATE TABLE a (x int);\r\nCREATE TABLE b (x text DEFAULT 'oops);\r\n",
                           "001_x.sql:2:32: error: unterminated quoted string\n"
                           "    2 | CREATE TABLE b (x text DEFAULT 'oops);\n"
                           "      |                                ^\n");
    assert_migration_error("CREATE TABLE {{tables.}} (x int);\n",
                           "001_x.sql:1:14: error: table name \"\" in template \"{{tables.}}\" is "
                           "not a valid identifier: it is empty\n"
                           "    1 | CREATE TABLE {{tables.}} (x int);\n"
                           "      |              ^\n");

    env *e = env_new();
    pgc_migration_file m;
    assert_false(pgc_read_migration_file(
        e->a, &e->d, pgc_file_from_text(e->a, "dir/init.sql", "SELECT 1"), &m));
    assert_string_equal(diags(e), "pgc: error: dir/init.sql: no version in the file name "
                                  "(expected e.g. 001_name.sql)\n");
    env_free(e);
}

/* ------------------------------------------------------------------ */
/* Migrations: files and directories                                    */
/* ------------------------------------------------------------------ */

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(unlink(path), 0);
}

#define WRITE(dir, name, lit) write_file(dir, name, lit, sizeof(lit) - 1)

static void migrations__directory__is_read_in_version_order(void **state)
{
    env *e = *state;
    char dir[] = "/tmp/pgc-gen-source-XXXXXX";
    assert_non_null(mkdtemp(dir));
    WRITE(dir, "10_b.sql", "CREATE TABLE b (x int);\n");
    WRITE(dir, "9_a.sql", "CREATE TABLE a (x int);\n");
    WRITE(dir, "2_x.up.sql", "CREATE TABLE x (x int);\n");
    WRITE(dir, "2_x.down.sql", "DROP TABLE x;\n");
    WRITE(dir, "README.md", "not SQL\n");
    WRITE(dir, ".9_hidden.sql", "not SQL\n");

    pgc_migration_files ms = {0};
    const char *paths[] = {dir};
    assert_true(pgc_read_migrations(e->a, &e->d, paths, 1, &ms));
    assert_no_diags(e);
    assert_int_equal(ms.len, 3);
    assert_int_equal(ms.items[0].version, 2);
    assert_int_equal(ms.items[1].version, 9);
    assert_int_equal(ms.items[2].version, 10);
    char expected[512];
    snprintf(expected, sizeof expected, "%s/2_x.up.sql", dir);
    assert_string_equal(ms.items[0].file->path, expected);
    assert_string_equal(ms.items[2].stmts.items[0].canon, "CREATE TABLE b (x int)");

    /* files named one by one: a .down.sql among them is skipped */
    char up[512], down[512], ten[512];
    snprintf(up, sizeof up, "%s/2_x.up.sql", dir);
    snprintf(down, sizeof down, "%s/2_x.down.sql", dir);
    snprintf(ten, sizeof ten, "%s/10_b.sql", dir);
    const char *files[] = {ten, down, up};
    pgc_migration_files ms2 = {0};
    assert_true(pgc_read_migrations(e->a, &e->d, files, 3, &ms2));
    assert_int_equal(ms2.len, 2);
    assert_int_equal(ms2.items[0].version, 2);
    assert_int_equal(ms2.items[1].version, 10);

    /* two files of one version */
    WRITE(dir, "009_c.sql", "SELECT 1;\n");
    pgc_migration_files ms3 = {0};
    assert_false(pgc_read_migrations(e->a, &e->d, paths, 1, &ms3));
    snprintf(expected, sizeof expected,
             "pgc: error: %s/009_c.sql and %s/9_a.sql have the same version 9\n", dir, dir);
    assert_string_equal(diags(e), expected);
    assert_int_equal(ms3.len, 0);

    const char *names[] = {"10_b.sql", "9_a.sql", "2_x.up.sql", "2_x.down.sql",
                           "README.md", ".9_hidden.sql", "009_c.sql"};
    for (size_t i = 0; i < COUNT(names); i++)
        remove_file(dir, names[i]);
    assert_int_equal(rmdir(dir), 0);
}

static void files__missing_and_nul_bytes__are_reported(void **state)
{
    env *e = *state;
    char dir[] = "/tmp/pgc-gen-source-XXXXXX";
    assert_non_null(mkdtemp(dir));
    WRITE(dir, "q.sql", "-- name: Q :one\nSELECT 1\0;\n");
    char path[128], missing[128], expected[1024];
    snprintf(path, sizeof path, "%s/q.sql", dir);
    snprintf(missing, sizeof missing, "%s/missing.sql", dir);
    const char *paths[] = {missing, path};
    pgc_query_srcs qs = {0};
    assert_false(pgc_read_queries(e->a, &e->d, paths, 2, &qs));
    snprintf(expected, sizeof expected,
             "pgc: error: %s: No such file or directory\n"
             "%s:2:9: error: NUL byte in SQL text\n"
             "    2 | SELECT 1\n" /* the line is shown up to the NUL */
             "      |         ^\n",
             missing, path);
    assert_string_equal(diags(e), expected);
    assert_int_equal(e->d.errors, 2);
    remove_file(dir, "q.sql");
    assert_int_equal(rmdir(dir), 0);
}

/* ------------------------------------------------------------------ */
/* Parse errors on the user's line and column                           */
/* ------------------------------------------------------------------ */

static void parse__error_after_a_template__is_on_the_users_column(void **state)
{
    env *e = *state;
    pgc_migration_file m = read_migration(
        e, "001_a.sql",
        "-- +goose Up\n"
        "CREATE TABLE {{tables.authors}} (id bigint PRIMARY KEY,, name text);\n");
    assert_int_equal(m.stmts.len, 1);
    assert_parse_error(
        e, &m.stmts.items[0],
        "001_a.sql:2:56: error: syntax error at or near \",\"\n"
        "    2 | CREATE TABLE {{tables.authors}} (id bigint PRIMARY KEY,, name text);\n"
        "      |                                                        ^\n");
}

static void parse__error_inside_a_template__is_at_its_start(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :many\nSELECT * FROM {{tables.t}} {{tables.u}}");
    assert_string_equal(q->text.canon, "SELECT * FROM \"__pgc_home\".t \"__pgc_home\".u");
    assert_parse_error(e, &q->text,
                       "q.sql:2:28: error: syntax error at or near \".\"\n"
                       "    2 | SELECT * FROM {{tables.t}} {{tables.u}}\n"
                       "      |                            ^\n");
}

static void parse__error_after_parameters_and_utf8__is_on_the_users_column(void **state)
{
    env *e = *state;
    const pgc_query_src *q =
        one_query(e, "-- name: Q :one\nSELECT sqlc.arg(id), '\xC3\xA9t\xC3\xA9'\tFRM t");
    assert_string_equal(q->text.canon, "SELECT $1, '\xC3\xA9t\xC3\xA9'\tFRM t");
    assert_parse_error(e, &q->text,
                       "q.sql:2:32: error: syntax error at or near \"t\"\n"
                       "    2 | SELECT sqlc.arg(id), '\xC3\xA9t\xC3\xA9'\tFRM t\n"
                       "      |                           \t    ^\n");
}

static void parse__error_at_end_of_input__is_at_the_statements_end(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :one\nSELECT * FROM\n\n-- trailing\n");
    assert_parse_error(e, &q->text,
                       "q.sql:2:14: error: syntax error at end of input\n"
                       "    2 | SELECT * FROM\n"
                       "      |              ^\n");
}

static void parse__good_sql__gives_a_tree(void **state)
{
    env *e = *state;
    const pgc_query_src *q = one_query(e, "-- name: Q :one\nSELECT id FROM {{tables.t}} WHERE id = @id");
    PgQuery__ParseResult *tree = pgc_parse(&e->d, &q->text);
    assert_non_null(tree);
    assert_int_equal(tree->n_stmts, 1);
    PgQuery__SelectStmt *sel = tree->stmts[0]->stmt->select_stmt;
    assert_non_null(sel);
    PgQuery__RangeVar *rv = sel->from_clause[0]->range_var;
    assert_string_equal(rv->schemaname, PGC_HOME_SCHEMA);
    assert_string_equal(rv->relname, "t");
    assert_int_equal(pgc_parse_source_offset(&q->text, rv->location), 16 + 15);
    pgc_parse_free(tree);
    pgc_parse_free(NULL);
    assert_no_diags(e);
}

/* Two trees live apart: freeing one leaves the other whole (each is
 * unpacked into an arena of its own; ASan and valgrind see any overlap). */
static void parse__trees__are_freed_apart(void **state)
{
    env *e = *state;
    const pgc_query_src *q1 = one_query(e, "-- name: A :one\nSELECT a FROM t1 WHERE id = @id");
    const pgc_query_src *q2 = one_query(e, "-- name: B :one\nSELECT b, c FROM t2");
    PgQuery__ParseResult *first = pgc_parse(&e->d, &q1->text);
    PgQuery__ParseResult *second = pgc_parse(&e->d, &q2->text);
    assert_non_null(first);
    assert_non_null(second);
    pgc_parse_free(first);
    PgQuery__SelectStmt *sel = second->stmts[0]->stmt->select_stmt;
    assert_int_equal(sel->n_target_list, 2);
    assert_string_equal(sel->from_clause[0]->range_var->relname, "t2");
    pgc_parse_free(second);
    assert_no_diags(e);
}

/* ------------------------------------------------------------------ */
/* Arenas                                                               */
/* ------------------------------------------------------------------ */

/* A text grown far past a block, with other allocations (small and large)
 * between its growths, keeps every byte; released, it is empty. */
static void arena__long_text__grows_whole_between_other_allocations(void **state)
{
    env *e = *state;
    pgc_strbuf b = {.a = e->a};
    char *smalls[50]; /* one every 4,000 texts */
    void *large = NULL;
    for (int i = 0; i < 200000; i++) {
        pgc_sb_printf(&b, "%05d;", i % 100000);
        if (i % 4000 == 0)
            smalls[i / 4000] = pgc_arena_printf(e->a, "small %d", i);
        if (i == 100000)
            large = pgc_arena_alloc(e->a, 100000); /* a block of its own too */
    }
    assert_true(b.alone);
    assert_int_equal(b.len, 200000 * 6);
    for (int i = 0; i < 200000; i += 997) {
        char want[8];
        snprintf(want, sizeof want, "%05d;", i % 100000);
        assert_memory_equal(b.p + (size_t)i * 6, want, 6);
    }
    assert_string_equal(smalls[0], "small 0");
    assert_string_equal(smalls[49], "small 196000");
    assert_int_equal(((unsigned char *)large)[99999], 0);
    pgc_sb_release(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_false(b.alone);
    pgc_sb_puts(&b, "again");
    assert_string_equal(pgc_sb_take(&b), "again");
}

/* A reset arena is empty and gives zeroed memory again. */
static void arena__reset__empties_it_for_reuse(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 1000; i++) {
            unsigned char *p = pgc_arena_alloc(a, 100);
            for (int k = 0; k < 100; k++)
                assert_int_equal(p[k], 0);
            memset(p, 0xff, 100);
        }
        pgc_strbuf b = {.a = a};
        for (int i = 0; i < 10000; i++)
            pgc_sb_puts(&b, "0123456789");
        assert_true(b.alone);
        pgc_arena_reset(a);
    }
    pgc_arena_reset(a);
    pgc_arena_free(a);
}

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */
/* ------------------------------------------------------------------ */

static void diag__forms__are_gccs(void **state)
{
    env *e = *state;
    const pgc_file *f = pgc_file_from_text(e->a, "x.sql", "a\n\tb\r\nc");
    pgc_diag_error(&e->d, NULL, 0, "plain %d", 1);
    pgc_diag_warning(&e->d, f, 3, "tab %s", "before");
    pgc_diag_note(&e->d, f, 99, "past the end");
    assert_string_equal(diags(e), "pgc: error: plain 1\n"
                                  "x.sql:2:2: warning: tab before\n"
                                  "    2 | \tb\n"
                                  "      | \t^\n"
                                  "x.sql:3:2: note: past the end\n"
                                  "    3 | c\n"
                                  "      |  ^\n");
    assert_int_equal(e->d.errors, 1);
    assert_int_equal(e->d.warnings, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(canon__templates__become_home_schema_names, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__map__leads_back_to_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__strings_comments_and_quotes__are_not_touched, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__templates_in_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__named_parameters__become_numbered, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__narg__makes_every_use_nullable, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__names__are_case_sensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__embed__becomes_star_of_the_table, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__operators_with_at__are_not_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__positional_parameters__are_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__named_and_positional__named_take_the_lowest_free_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__slice_in_a_list__becomes_any_of_an_array, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__parameter_errors__are_reported_where_they_are, setup, teardown),
        cmocka_unit_test_setup_teardown(canon__template_errors__are_the_runtimes, setup, teardown),
        cmocka_unit_test_setup_teardown(query__annotations__name_each_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(query__block_comment_annotations__name_statements_as_in_sqlc, setup, teardown),
        cmocka_unit_test_setup_teardown(query__block_comment_annotation_errors__are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(query__every_command__is_known, setup, teardown),
        cmocka_unit_test_setup_teardown(query__annotation_errors__are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(query__route_directives__are_read_after_the_name_line,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(query__route_directive_errors__are_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(query__duplicate_names__across_files__are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(query__an_error__does_not_stop_the_others, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__plain_file__is_read_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__goose__down_part_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__goose__statement_blocks__are_one_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__dbmate__down_part_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__golang_migrate__up_file_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__sql_migrate__down_part_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__tern__drop_below_is_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__down_before_up__keeps_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__pg_dump__meta_commands_and_copy_data_are_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__errors__are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__no_transaction_directive__counts_only_before_the_first_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(migration__transaction_control__is_refused_in_either_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(migrations__directory__is_read_in_version_order, setup, teardown),
        cmocka_unit_test_setup_teardown(files__missing_and_nul_bytes__are_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__error_after_a_template__is_on_the_users_column, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__error_inside_a_template__is_at_its_start, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__error_after_parameters_and_utf8__is_on_the_users_column, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__error_at_end_of_input__is_at_the_statements_end, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__good_sql__gives_a_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(parse__trees__are_freed_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(arena__long_text__grows_whole_between_other_allocations,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(arena__reset__empties_it_for_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(diag__forms__are_gccs, setup, teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit(); /* once: libpg_query cannot parse after it */
    return failed;
}
