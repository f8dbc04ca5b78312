/*
 * gen_emit.c - the emitter: golden files, determinism, and the errors it
 * reports.  No server needed.
 *
 * The golden files tests/emit/golden/store.[ch] are pgc generate's output
 * for tests/emit/schema.  After an intended change, rewrite them with
 *     PGC_UPDATE_GOLDEN=1 build/tests/gen_emit
 * and read the diff: it is the change users will see.
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
#include <utime.h>

#include "emit.h"
#include "parse.h"

#define SCHEMA "tests/emit/schema"
#define GOLDEN "tests/emit/golden"

static const char *const migrations[] = {SCHEMA "/migrations"};
static const char *const queries[] = {SCHEMA "/queries.sql"};
static const char *const inputs[] = {SCHEMA "/migrations/001_init.sql",
                                     SCHEMA "/migrations/002_numbers.sql",
                                     SCHEMA "/migrations/003_events.sql",
                                     SCHEMA "/migrations/004_composites.sql",
                                     SCHEMA "/migrations/005_domains.sql",
                                     SCHEMA "/queries.sql"};

typedef struct out {
    pgc_arena *a;
    char *header, *source;
    char *diag;        /* what was reported */
    bool ok;
} out;

static out generate(const char *const *m, size_t nm, const char *const *q, size_t nq,
                    const char *name)
{
    out o = {.a = pgc_arena_new()};
    size_t len = 0;
    FILE *f = open_memstream(&o.diag, &len);
    pgc_diags d = {.out = f};
    pgc_program p;
    o.ok = pgc_program_load(o.a, &d, m, nm, q, nq, &p);
    if (o.ok) {
        pgc_emit_options eo = {name, inputs, sizeof inputs / sizeof inputs[0]};
        o.ok = pgc_emit(o.a, &d, &p, &eo, &o.header, &o.source);
    }
    pgc_program_free(&p);
    fclose(f);
    return o;
}

static void out_free(out *o)
{
    pgc_arena_free(o->a);
    free(o->diag);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static void check_golden(const char *path, const char *text)
{
    if (getenv("PGC_UPDATE_GOLDEN")) {
        pgc_diags d = {.out = stderr};
        assert_true(pgc_emit_write_file(&d, path, text));
        return;
    }
    char *want = slurp(path);
    assert_non_null(want);
    if (strcmp(want, text) != 0) {
        print_error("%s differs from the emitter's output; see the header of tests/gen_emit.c\n",
                    path);
        fail();
    }
    free(want);
}

static void emit__schema__matches_golden_files(void **state)
{
    (void)state;
    out o = generate(migrations, 1, queries, 1, "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    check_golden(GOLDEN "/store.h", o.header);
    check_golden(GOLDEN "/store.c", o.source);
    out_free(&o);
}

static void emit__twice__is_identical_and_not_rewritten(void **state)
{
    (void)state;
    out a = generate(migrations, 1, queries, 1, "store");
    out b = generate(migrations, 1, queries, 1, "store");
    assert_true(a.ok && b.ok);
    assert_string_equal(a.header, b.header);
    assert_string_equal(a.source, b.source);

    char dir[] = "/tmp/pgc-emit-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/store.c", dir);
    pgc_diags d = {.out = stderr};
    assert_true(pgc_emit_write_file(&d, path, a.source));
    struct utimbuf old = {1000000000, 1000000000};
    assert_int_equal(utime(path, &old), 0);
    assert_true(pgc_emit_write_file(&d, path, b.source)); /* same text: untouched */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mtime, 1000000000);
    assert_true(pgc_emit_write_file(&d, path, "changed\n")); /* new text: written */
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_mtime != 1000000000);
    char *back = slurp(path);
    assert_string_equal(back, "changed\n");
    free(back);
    unlink(path);
    rmdir(dir);
    out_free(&a);
    out_free(&b);
}

/* Generates for one extra query file holding `sql`, over the test schema. */
static out generate_query(const char *sql, const char *name)
{
    char dir[] = "/tmp/pgc-emit-q-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/q.sql", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(sql, f);
    fclose(f);
    const char *q[] = {path};
    out o = generate(migrations, 1, q, 1, name);
    unlink(path);
    rmdir(dir);
    /* the path is random: keep what follows it */
    if (o.diag && strstr(o.diag, ".sql:")) {
        char *s = strstr(o.diag, ".sql:") + 5;
        memmove(o.diag, s, strlen(s) + 1);
    }
    return o;
}

static void emit__unsupported_type__is_an_error_naming_it(void **state)
{
    (void)state;
    out o = generate_query("-- name: Ages :many\n"
                           "SELECT born - date '2000-01-01' AS days, point(1, 2) AS p\n"
                           "FROM {{tables.items}};\n",
                           "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "1:1: error: query Ages: column p has type point, "
                                   "which pgc generate does not support yet"));
    out_free(&o);

    o = generate_query("-- name: ByPoints :many\n"
                       "SELECT id FROM {{tables.items}} WHERE cardinality(@ps::point[]) > 0;\n",
                       "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "error: query ByPoints: parameter ps has type point[], "
                                   "which pgc generate does not support yet"));
    out_free(&o);

    o = generate_query("-- name: Spans :one\n"
                       "SELECT int4multirange(int4range(1, medium)) AS r FROM {{tables.items}};\n",
                       "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "error: query Spans: column r has type int4multirange, which "
                                   "pgc generate does not support yet (multiranges, ranges of "
                                   "other types: select lower(x), upper(x) instead)"));
    out_free(&o);

    o = generate_query("-- name: Home :exec\n"
                       "UPDATE {{tables.authors}} SET home = @home WHERE id = @id;\n",
                       "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "error: query Home: parameter home has type addr, whose field "
                                   "mood has type mood, which a composite parameter cannot hold "
                                   "yet (only built-in types with a binary form: the database "
                                   "numbers enums, domains and composites); pass the fields and "
                                   "write ROW(@a, @b)::addr"));
    out_free(&o);

    o = generate_query("-- name: Pair :one\n"
                       "SELECT ROW(1, 'x') AS pair;\n",
                       "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "error: query Pair: column pair has type record, which pgc "
                                   "generate cannot map: an anonymous record has no fields to "
                                   "map; cast it to a composite type (ROW(...)::t)"));
    out_free(&o);
}

static void emit__copyfrom__refuses_other_shapes(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "-- name: C :copyfrom\nUPDATE {{tables.numbers}} SET note = @note WHERE n = @n;\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n, @note)\n"
        "RETURNING n;\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n + 1, @note);\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n, @n::text);\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n, 'x');\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n, @note)\n"
        "ON CONFLICT DO NOTHING;\n",
        "-- name: C :copyfrom\nINSERT INTO {{tables.numbers}} VALUES (@n, @note);\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out o = generate_query(bad[i], "store");
        assert_false(o.ok);
        if (!strstr(o.diag, "query C: a :copyfrom query must be INSERT INTO t (a, b, ...) VALUES "
                            "($1, $2, ...), each column set from its own parameter"))
            print_error("%zu: %s\n", i, o.diag);
        assert_non_null(strstr(o.diag, "a :copyfrom query must be INSERT INTO t"));
        out_free(&o);
    }
    out o = generate_query("-- name: C :copyfrom\n"
                           "INSERT INTO {{tables.books}} (id, title, prices) VALUES (@id, @title, "
                           "@prices);\n",
                           "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "query C: parameter prices has type numeric[], which :copyfrom "
                                   "does not support yet"));
    out_free(&o);
}

static void emit__copyfrom__maps_columns_to_parameters(void **state)
{
    (void)state;
    out o = generate_query("-- name: Put :copyfrom\n"
                           "INSERT INTO numbers (note, \"n\") VALUES ($2, $1::int);\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    /* the struct in parameter order, the COPY in column order */
    assert_non_null(strstr(o.header, "    int32_t n;\n    const char *note; /* NULL: SQL NULL */\n"));
    assert_non_null(strstr(o.source, "\"COPY \\\"numbers\\\" (\\\"note\\\", \\\"n\\\") FROM STDIN (FORMAT binary)\""));
    assert_non_null(strstr(o.source, "        pgc_copy_text(c, r->note, NULL);\n"
                                     "        pgc_copy_int4(c, r->n, NULL);\n"));
    out_free(&o);
}

static void emit__batch__needs_columns_for_rows(void **state)
{
    (void)state;
    out o = generate_query("-- name: Touch :batchone\n"
                           "UPDATE {{tables.numbers}} SET note = 'x' WHERE n = @n;\n",
                           "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "query Touch: :batchone needs a query that returns columns"));
    out_free(&o);
}

static void emit__one_without_columns__is_an_error(void **state)
{
    (void)state;
    out o = generate_query("-- name: Touch :one\n"
                           "UPDATE {{tables.numbers}} SET note = 'x';\n",
                           "store");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "query Touch: :one needs a query that returns columns"));
    out_free(&o);
}

static void emit__bad_name__is_refused(void **state)
{
    (void)state;
    out o = generate(migrations, 1, queries, 1, "my-lib");
    assert_false(o.ok);
    assert_non_null(strstr(o.diag, "the name 'my-lib' must be a C identifier"));
    out_free(&o);
}

static void emit__names__are_c_identifiers(void **state)
{
    (void)state;
    out o = generate_query("-- name: HTTPGetV2 :one\n"
                           "SELECT 1 AS \"int\", 2 AS \"?column?\", 3 AS result, id, id,\n"
                           "  @default::int AS x FROM {{tables.items}};\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_non_null(strstr(o.header, "int store_http_get_v2(pgc_db *db, int32_t default_, "
                                     "store_http_get_v2_row *row,"));
    assert_non_null(strstr(o.header, "    int32_t int_;\n    int32_t column;\n"
                                     "    int32_t result_2;\n    int64_t id;\n"
                                     "    int64_t id_2;\n"));
    out_free(&o);
}

/* A query named like a type keeps its name; the type's struct gives way. */
static void emit__query_named_like_a_type__keeps_its_name(void **state)
{
    (void)state;
    out o = generate_query("-- name: Authors :many\n"
                           "SELECT a FROM {{tables.authors}} a;\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_non_null(strstr(o.header, "typedef struct store_authors_type {"));
    assert_non_null(strstr(o.header, "    store_authors_type a;\n"));
    assert_non_null(strstr(o.header, "int store_authors_open(pgc_db *db, store_authors_iter *it,"));
    out_free(&o);
}

/* The analysis of query `name` in a loaded program. */
static pgc_query_info *info_of(pgc_program *p, const char *name)
{
    for (size_t i = 0; i < p->infos.len; i++)
        if (strcmp(p->infos.items[i].src->name, name) == 0)
            return &p->infos.items[i];
    fail_msg("no query %s", name);
    return NULL;
}

/* The statement as sent: templates kept, an enum parameter cast (its type
 * in the library's schema as a template), a built-in one sent by OID; the
 * self-check's form casts every parameter, canonically, with no typmod. */
static void emit__runtime_statement__casts_user_typed_parameters(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    pgc_diags d = {.out = stderr};
    pgc_program p;
    assert_true(pgc_program_load(a, &d, migrations, 1, queries, 1, &p));
    const pgc_query_info *qi = info_of(&p, "ShipItem");
    pgc_runtime_stmt rs;
    pgc_runtime_statement(a, p.catalog, qi, PGC_STMT_RUNTIME, &rs);
    assert_string_equal(rs.sql, "UPDATE {{tables.items}} SET mood = ($1::{{schema}}.\"mood\"),\n"
                                "    n_at = CASE WHEN ($1::{{schema}}.\"mood\") = 'happy' THEN "
                                "now() ELSE n_at END\nWHERE code = $2");
    assert_int_equal(rs.nparams, 2);
    assert_int_equal(rs.oids[0], 0);
    assert_int_equal(rs.oids[1], 25);
    /* an offset in the SQL sent maps back to the user's text: the second
       cast stands for the second @mood */
    const char *second = strstr(rs.sql, "WHEN (") + 5;
    size_t src = pgc_render_map_source(&rs.map, (size_t)(second - rs.sql));
    const pgc_stmt_text *t = &qi->src->text;
    assert_memory_equal(t->file->text + t->offset + src, "@mood = 'happy'", 15);
    pgc_runtime_statement(a, p.catalog, qi, PGC_STMT_CHECK, &rs);
    assert_string_equal(rs.sql, "UPDATE \"__pgc_home\".items SET mood = "
                                "($1::\"__pgc_home\".\"mood\"),\n"
                                "    n_at = CASE WHEN ($1::\"__pgc_home\".\"mood\") = 'happy' "
                                "THEN now() ELSE n_at END\nWHERE code = ($2::pg_catalog.\"text\")");
    /* a star: spelled out in every form */
    pgc_runtime_statement(a, p.catalog, info_of(&p, "AllNumbers"), PGC_STMT_RUNTIME, &rs);
    assert_string_equal(rs.sql, "SELECT \"numbers\".\"n\", \"numbers\".\"note\" FROM "
                                "{{tables.numbers}} ORDER BY n");
    pgc_program_free(&p);
    pgc_arena_free(a);
}

/* generate re-analyses the statement as sent, each parameter cast to the
 * type it is sent as; what that analysis refuses (or types otherwise) is
 * refused.  An analysis that got a parameter's type wrong is simulated. */
static void emit__self_check__refuses_what_the_server_would_type_otherwise(void **state)
{
    (void)state;
    pgc_arena *a = pgc_arena_new();
    char *diag = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&diag, &len);
    pgc_diags d = {.out = f};
    pgc_program p;
    assert_true(pgc_program_load(a, &d, migrations, 1, queries, 1, &p));
    info_of(&p, "ItemsByMood")->params.items[0].type = 25; /* text, not mood */
    pgc_emit_options eo = {"store", inputs, sizeof inputs / sizeof inputs[0]};
    char *h, *c;
    assert_false(pgc_emit(a, &d, &p, &eo, &h, &c));
    fclose(f);
    assert_string_equal(
        diag,
        "tests/emit/schema/queries.sql:24:50: error: operator does not exist: mood = text\n"
        "   24 | SELECT id, code FROM {{tables.items}} WHERE mood = @mood ORDER BY id;\n"
        "      |                                                  ^\n"
        "tests/emit/schema/queries.sql:24:1: note: query ItemsByMood is checked as the "
        "generated code sends it, each parameter of the type the analysis gave it ($1 text): "
        "pgc generate refuses a query that PostgreSQL would then reject or type otherwise\n"
        "   24 | SELECT id, code FROM {{tables.items}} WHERE mood = @mood ORDER BY id;\n"
        "      | ^\n");
    free(diag);
    pgc_program_free(&p);
    pgc_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emit__schema__matches_golden_files),
        cmocka_unit_test(emit__twice__is_identical_and_not_rewritten),
        cmocka_unit_test(emit__unsupported_type__is_an_error_naming_it),
        cmocka_unit_test(emit__copyfrom__refuses_other_shapes),
        cmocka_unit_test(emit__copyfrom__maps_columns_to_parameters),
        cmocka_unit_test(emit__batch__needs_columns_for_rows),
        cmocka_unit_test(emit__one_without_columns__is_an_error),
        cmocka_unit_test(emit__bad_name__is_refused),
        cmocka_unit_test(emit__names__are_c_identifiers),
        cmocka_unit_test(emit__query_named_like_a_type__keeps_its_name),
        cmocka_unit_test(emit__runtime_statement__casts_user_typed_parameters),
        cmocka_unit_test(emit__self_check__refuses_what_the_server_would_type_otherwise),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit();
    return rc;
}
