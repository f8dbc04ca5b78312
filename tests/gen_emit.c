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

#include <errno.h>
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

/* pgc generate --no-async, for the next generate() */
static bool no_async;

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
        pgc_emit_options eo = {name, inputs, sizeof inputs / sizeof inputs[0], no_async};
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
                           "INSERT INTO {{tables.numbers}} (note, \"n\") VALUES ($2, $1::int);\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    /* the struct in parameter order, the COPY in column order */
    assert_non_null(strstr(o.header, "    int32_t n;\n    const char *note; /* NULL: SQL NULL */\n"));
    assert_non_null(strstr(o.source, "\"COPY {{tables.numbers}} (\\\"note\\\", \\\"n\\\") FROM STDIN (FORMAT binary)\""));
    assert_non_null(strstr(o.source, "    {\"note\", PGC_T_TEXT, offsetof(store_put_params, note), "
                                     "PGC_NULL_STRING, NULL},\n"
                                     "    PGC_COLUMN(store_put_params, n, PGC_T_INT4, NULL),\n"));
    out_free(&o);
}

/* A catalog-only input (-c) types the queries but is never embedded: the
 * set holds the library's own migrations only. */
static void emit__catalog_input__is_not_embedded(void **state)
{
    (void)state;
    char dir[] = "/tmp/pgc-emit-c-XXXXXX", cat[64], q[64];
    assert_non_null(mkdtemp(dir));
    snprintf(cat, sizeof cat, "%s/billing.sql", dir);
    snprintf(q, sizeof q, "%s/q.sql", dir);
    FILE *f = fopen(cat, "w");
    assert_non_null(f);
    fputs("CREATE SCHEMA billing;\n"
          "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric NOT NULL);\n", f);
    fclose(f);
    f = fopen(q, "w");
    assert_non_null(f);
    fputs("-- name: InvoiceTotal :one\n"
          "SELECT total FROM {{tables.billing.invoices}} WHERE id = @id;\n", f);
    fclose(f);
    out o = {.a = pgc_arena_new()};
    size_t len = 0;
    FILE *df = open_memstream(&o.diag, &len);
    pgc_diags d = {.out = df};
    pgc_program p;
    const char *cats[] = {cat}, *qs[] = {q};
    o.ok = pgc_program_load_with(o.a, &d, cats, 1, migrations, 1, qs, 1, &p);
    if (o.ok) {
        pgc_emit_options eo = {"store", inputs, sizeof inputs / sizeof inputs[0], false};
        o.ok = pgc_emit(o.a, &d, &p, &eo, &o.header, &o.source);
    }
    pgc_program_free(&p);
    fclose(df);
    unlink(cat);
    unlink(q);
    rmdir(dir);
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_non_null(strstr(o.source, "SELECT total FROM {{tables.billing.invoices}} WHERE id = $1"));
    assert_non_null(strstr(o.source, "CREATE TABLE {{tables.items}}"));
    assert_null(strstr(o.source, "CREATE TABLE billing.invoices"));
    assert_null(strstr(o.source, "CREATE SCHEMA billing"));
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

/* ---- hostile text: no input changes the meaning of the C -------------------------------- */

/*
 * Each payload tries to leave the context the emitter copies it into: a
 * comment (comment end, line splice by backslash or by the ??/ trigraph),
 * a string literal (quote, backslash), or the code's look (a bidirectional
 * override).  Each defines a symbol pwnedN if it gets out.
 */
static const char *const hostile[] = {
    "x*\\\n/\nint pwned1;\n/*",
    "x*/\nint pwned2;\n/*",
    "x*?\?/\n/\nint pwned3;\n/*",
    "x\";\nint pwned4;\nstatic const char *y = \"",
    "x\\\nint pwned5; /*",
    "x?\?/\nint pwned6; /*",
    "x\xe2\x80\xae\" int pwned7; //",
    "*/ int pwned8; /*",
};

/* Writes text to path. */
static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* s as a double-quoted SQL identifier or (quote '\'') a string constant. */
static char *sql_quote(char quote, const char *s)
{
    char *quoted = malloc(2 * strlen(s) + 3), *o = quoted;
    *o++ = quote;
    for (; *s; s++) {
        if (*s == quote)
            *o++ = quote;
        *o++ = *s;
    }
    *o++ = quote;
    *o = '\0';
    return quoted;
}

/* mkdir -p path (its names may hold any byte). */
static void make_dirs(const char *path)
{
    char *p = strdup(path);
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        assert_true(mkdir(p, 0700) == 0 || errno == EEXIST);
        if (!s)
            break;
        *s = '/';
    }
    free(p);
}

/* Generates "lib" from one migration and one query file, both under dir/h
 * (h may hold '/': folders), the migration's file name holding h too ('/'
 * as '*'), every input named in the banner.  Returns the generator's
 * output. */
static out generate_hostile(const char *dir, const char *h, const char *migration,
                            const char *query)
{
    char qdir[1024], mpath[4096], qpath[2048];
    snprintf(qdir, sizeof qdir, "%s/%s", dir, h);
    make_dirs(qdir);
    char *base = strdup(h);
    for (char *s = base; *s; s++)
        if (*s == '/')
            *s = '*';
    snprintf(mpath, sizeof mpath, "%s/001_%s.sql", qdir, base);
    free(base);
    snprintf(qpath, sizeof qpath, "%s/q.sql", qdir);
    write_text(mpath, migration);
    write_text(qpath, query);
    const char *m[] = {mpath}, *q[] = {qpath}, *in[] = {mpath, qpath};
    out o = {.a = pgc_arena_new()};
    size_t len = 0;
    FILE *f = open_memstream(&o.diag, &len);
    pgc_diags d = {.out = f};
    pgc_program p;
    o.ok = pgc_program_load(o.a, &d, m, 1, q, 1, &p);
    if (o.ok) {
        pgc_emit_options eo = {"lib", in, 2, false};
        o.ok = pgc_emit(o.a, &d, &p, &eo, &o.header, &o.source);
    }
    pgc_program_free(&p);
    fclose(f);
    return o;
}

/* Compiles dir/NAME.c (and dir/NAME.h) as users compile generated code: strict
 * C11, every warning an error.  Returns the names of the symbols the object
 * defines or needs, one a line (malloc'd), or NULL if it did not compile. */
static char *compile_generated(const char *dir, const char *name, const char *header,
                               const char *source)
{
    char path[4096], cmd[8192];
    snprintf(path, sizeof path, "%s/%s.h", dir, name);
    write_text(path, header);
    snprintf(path, sizeof path, "%s/%s.c", dir, name);
    write_text(path, source);
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes "
             "-Wmissing-prototypes -Wswitch-enum -Woverlength-strings -I runtime "
             "-I \"$(pg_config --includedir)\" -c -o '%s/%s.o' '%s/%s.c' && "
             "nm -P '%s/%s.o' | cut -d' ' -f1 > '%s/syms'", dir, name, dir, name, dir, name, dir);
    if (system(cmd) != 0)
        return NULL;
    snprintf(path, sizeof path, "%s/syms", dir);
    return slurp(path);
}

/* rm -r dir (its names are hostile: no shell). */
static void remove_tree(const char *dir)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Generates from a migration and a query file under a folder named h,
 * compiles the C and checks that no payload's symbol (pwned...) exists. */
static void check_hostile(const char *what, const char *h, const char *migration,
                          const char *query)
{
    char dir[] = "/tmp/pgc-hostile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    out o = generate_hostile(dir, h, migration, query);
    if (!o.ok)
        print_error("%s: %s", what, o.diag);
    assert_true(o.ok);
    char *syms = compile_generated(dir, "lib", o.header, o.source);
    if (!syms)
        print_error("%s: the generated C does not compile (%s)\n", what, dir);
    assert_non_null(syms);
    bool pwned = strncmp(syms, "pwned", 5) == 0 || strstr(syms, "\npwned");
    if (pwned)
        print_error("%s: the generated C defines the payload's symbol:\n%s", what, syms);
    assert_false(pwned);
    free(syms);
    out_free(&o);
    remove_tree(dir);
}

/* The report's case: an enum's name, and the query file's path. */
static void emit__hostile_enum_name_and_path__defines_nothing(void **state)
{
    (void)state;
    check_hostile("enum", hostile[0],
                  "CREATE TYPE {{schema}}.\"x*\\\n/\nint pwned1;\n/*\" AS ENUM ('a');\n"
                  "CREATE TABLE {{schema}}.t (id int PRIMARY KEY,\n"
                  "  m {{schema}}.\"x*\\\n/\nint pwned1;\n/*\");\n",
                  "-- name: GetT :one\nSELECT id, m FROM {{tables.t}} WHERE id = @id;\n");
}

/* Every payload as every name the C shows: enum, label, composite type
 * and field, table, column, the file paths and the migration's name. */
static void emit__hostile_names_and_paths__do_not_change_the_c(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const char *h = hostile[i];
        char *id = sql_quote('"', h), *label = sql_quote('\'', h);
        char *tname = malloc(strlen(h) + 2), *cname = malloc(strlen(h) + 2);
        sprintf(tname, "%st", h);
        sprintf(cname, "%sc", h);
        char *table = sql_quote('"', tname), *ctype = sql_quote('"', cname);
        char mig[8192], qry[8192], what[32];
        snprintf(mig, sizeof mig,
                 "CREATE TYPE {{schema}}.%s AS ENUM (%s, 'plain');\n"
                 "CREATE TYPE {{schema}}.%s AS (%s int, b text);\n"
                 "CREATE TABLE {{schema}}.%s (id int PRIMARY KEY, %s {{schema}}.%s,\n"
                 "  c {{schema}}.%s);\n",
                 id, label, ctype, id, table, id, id, ctype);
        snprintf(qry, sizeof qry,
                 "-- name: GetT :one\n"
                 "SELECT id, %s, c, %s AS lit FROM {{schema}}.%s WHERE id = @id;\n"
                 "-- name: Embed :many\n"
                 "SELECT sqlc.embed(t) FROM {{schema}}.%s t;\n"
                 "-- name: Put :copyfrom\n"
                 "INSERT INTO {{schema}}.%s (id, %s) VALUES (@id, @m);\n",
                 id, label, table, table, table, id);
        snprintf(what, sizeof what, "payload %zu", i);
        check_hostile(what, h, mig, qry);
        free(id);
        free(label);
        free(tname);
        free(cname);
        free(table);
        free(ctype);
    }
}

/* ---- names: one registry, no clash ------------------------------------------------------ */

/* o's C compiles with the strict flags. */
static void assert_compiles(const out *o)
{
    char dir[] = "/tmp/pgc-emit-cc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *syms = compile_generated(dir, "store", o->header, o->source);
    if (!syms)
        print_error("the generated C does not compile (%s)\n", dir);
    assert_non_null(syms);
    free(syms);
    remove_tree(dir);
}

/* Each pair of queries whose names would clash in C: the error names both. */
static void emit__query_names_clash__is_an_error_naming_both(void **state)
{
    (void)state;
    static const struct {
        const char *sql, *error, *note;
    } cases[] = {
        {"-- name: GetItem :one\nSELECT id FROM {{tables.items}} WHERE id = @id;\n"
         "-- name: GetItemRow :one\nSELECT id FROM {{tables.items}} WHERE id = @id;\n",
         "3:1: error: query GetItemRow: its function store_get_item_row is also the row type of "
         "query GetItem; rename one of them\n",
         "q.sql:1:1: note: GetItem is defined here\n"},
        {"-- name: GetItem :one\nSELECT id FROM {{tables.items}} WHERE id = @id;\n"
         "-- name: GetItemRowClear :exec\nDELETE FROM {{tables.items}};\n",
         "3:1: error: query GetItemRowClear: its function store_get_item_row_clear is also the "
         "function of query GetItem; rename one of them\n",
         "q.sql:1:1: note: GetItem is defined here\n"},
        {"-- name: ListItems :many\nSELECT id FROM {{tables.items}};\n\n"
         "-- name: ListItemsNext :exec\nDELETE FROM {{tables.items}};\n",
         "4:1: error: query ListItemsNext: its function store_list_items_next is also the "
         "function of query ListItems; rename one of them\n",
         "q.sql:1:1: note: ListItems is defined here\n"},
        {"-- name: ListItems :many\nSELECT id FROM {{tables.items}};\n"
         "-- name: ListItemsIter :exec\nDELETE FROM {{tables.items}};\n",
         "3:1: error: query ListItemsIter: its function store_list_items_iter is also the "
         "iterator type of query ListItems; rename one of them\n",
         "q.sql:1:1: note: ListItems is defined here\n"},
        {"-- name: Put :batchexec\nDELETE FROM {{tables.items}} WHERE id = @id;\n"
         "-- name: PutBegin :exec\nDELETE FROM {{tables.items}};\n",
         "3:1: error: query PutBegin: its function store_put_begin is also the function of "
         "query Put; rename one of them\n",
         "q.sql:1:1: note: Put is defined here\n"},
        {"-- name: PutBegin :exec\nDELETE FROM {{tables.items}};\n"
         "-- name: Put :batchexec\nDELETE FROM {{tables.items}} WHERE id = @id;\n",
         "3:1: error: query Put: its function store_put_begin is also the function of query "
         "PutBegin; rename one of them\n",
         "q.sql:1:1: note: PutBegin is defined here\n"},
        {"-- name: get_item :exec\nDELETE FROM {{tables.items}};\n"
         "-- name: GetItem :exec\nDELETE FROM {{tables.items}};\n",
         "3:1: error: query GetItem: its function store_get_item is also the function of query "
         "get_item; rename one of them\n",
         "q.sql:1:1: note: get_item is defined here\n"},
        {"-- name: GetItem :one\nSELECT id FROM {{tables.items}} WHERE id = @id;\n"
         "-- name: GetItemSend :exec\nDELETE FROM {{tables.items}};\n",
         "3:1: error: query GetItemSend: its function store_get_item_send is also the function "
         "of query GetItem; rename one of them\n",
         "q.sql:1:1: note: GetItem is defined here\n"},
        {"-- name: Migrate :exec\nDELETE FROM {{tables.items}};\n",
         "1:1: error: query Migrate: its function store_migrate is also the migrations' "
         "function; rename the query\n",
         ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        out o = generate_query(cases[i].sql, "store");
        assert_false(o.ok);
        if (strncmp(o.diag, cases[i].error, strlen(cases[i].error)) != 0
            || !strstr(o.diag, cases[i].note))
            print_error("case %zu: %s", i, o.diag);
        assert_int_equal(strncmp(o.diag, cases[i].error, strlen(cases[i].error)), 0);
        assert_non_null(strstr(o.diag, cases[i].note));
        out_free(&o);
    }
}

/* An enum whose functions' names a query has gives way (NAME_TYPE_type). */
static void emit__enum_beside_query_named_like_its_function__gives_way(void **state)
{
    (void)state;
    out o = generate_query("-- name: MoodToText :one\n"
                           "SELECT mood FROM {{tables.items}} WHERE id = @id;\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_non_null(strstr(o.header, "typedef enum store_mood_type {\n"
                                     "    STORE_MOOD_TYPE_SAD = 1,\n"));
    assert_non_null(strstr(o.header, "const char *store_mood_type_to_text(store_mood_type v);"));
    assert_non_null(strstr(o.header, "int store_mood_to_text(pgc_db *db, int64_t id, "
                                     "store_mood_to_text_row *row, pgc_error *err);"));
    assert_compiles(&o);
    out_free(&o);
}

/* A parameter named like a type or function its function uses does not
 * hide it: arg_ in front. */
static void emit__param_named_like_a_type__does_not_hide_it(void **state)
{
    (void)state;
    out o = generate_query("-- name: ByMood :many\n"
                           "SELECT id FROM {{tables.items}} WHERE mood = @store_mood\n"
                           "  OR mood = @other::{{schema}}.mood OR id = @pgc_result\n"
                           "  OR id = @int64_t OR id = @free_arrays;\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_non_null(strstr(o.header,
                           "int store_by_mood_open(pgc_db *db, store_mood arg_store_mood, "
                           "store_mood other,\n"
                           "                       int64_t arg_pgc_result, int64_t int64_t_2, "
                           "int64_t arg_free_arrays,\n"));
    assert_compiles(&o);
    out_free(&o);
}

/* Every kind but :copyfrom gets NAME_send (the blocking function's
 * parameters after a pgc_async; one named a or call is renamed a_2, call_2) and
 * NAME_recv (the kind's own result); --no-async leaves both out. */
static const char async_queries[] =
    "-- name: One :one\nSELECT code FROM {{tables.items}} WHERE id = @a AND code = @call;\n"
    "-- name: Fixed :one\nSELECT id FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Many :many\nSELECT id, code FROM {{tables.items}};\n"
    "-- name: Exec :exec\nDELETE FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Rows :execrows\nDELETE FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Res :execresult\nDELETE FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Bexec :batchexec\nDELETE FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Bone :batchone\nSELECT code FROM {{tables.items}} WHERE id = @id;\n"
    "-- name: Bmany :batchmany\nSELECT code FROM {{tables.items}} WHERE id > @id;\n"
    "-- name: Copy :copyfrom\nINSERT INTO {{tables.numbers}} (n, note) VALUES (@n, @note);\n";

static void emit__async_forms__for_every_kind_but_copyfrom(void **state)
{
    (void)state;
    out o = generate_query(async_queries, "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    static const char *const decls[] = {
        "int store_one_send(pgc_async *a, int64_t a_2, const char *call_2, pgc_call **call, "
        "pgc_error *err);\n"
        "int store_one_recv(pgc_call *call, store_one_row *row, pgc_error *err);\n"
        "void store_one_row_clear(store_one_row *row);\n",
        "int store_fixed_recv(pgc_call *call, store_fixed_row *row, pgc_error *err);\n",
        "int store_many_send(pgc_async *a, pgc_call **call, pgc_error *err);\n"
        "int store_many_recv(pgc_call *call, int i, store_many_row *row, pgc_error *err);\n",
        "int store_exec_send(pgc_async *a, int64_t id, pgc_call **call, pgc_error *err);\n"
        "int store_exec_recv(pgc_call *call, pgc_error *err);\n",
        "int store_rows_recv(pgc_call *call, int64_t *affected, pgc_error *err);\n",
        "int store_res_recv(pgc_call *call, pgc_result **res, pgc_error *err);\n",
        "int store_bexec_send(pgc_async *a, int64_t id, pgc_call **call, pgc_error *err);\n"
        "int store_bexec_recv(pgc_call *call, pgc_error *err);\n",
        "int store_bone_recv(pgc_call *call, store_bone_row *row, pgc_error *err);\n",
        "int store_bmany_recv(pgc_call *call, int i, store_bmany_row *row, pgc_error *err);\n",
    };
    for (size_t i = 0; i < sizeof decls / sizeof decls[0]; i++) {
        if (!strstr(o.header, decls[i]))
            print_error("not in the header:\n%s", decls[i]);
        assert_non_null(strstr(o.header, decls[i]));
    }
    /* a row of fixed-size values leaves the result with the call */
    assert_non_null(strstr(o.source, "return pgc_call_row(call, &store_fixed_stmt, "
                                     "&store_fixed_row_type, row, NULL, err);"));
    assert_non_null(strstr(o.source, "&store_one_row_type, row, &row->result,"));
    assert_null(strstr(o.header, "store_copy_send"));
    assert_null(strstr(o.header, "store_copy_recv"));
    assert_compiles(&o);
    out_free(&o);

    no_async = true;
    o = generate_query(async_queries, "store");
    no_async = false;
    assert_true(o.ok);
    assert_null(strstr(o.header, "_send("));
    assert_null(strstr(o.header, "_recv("));
    assert_null(strstr(o.source, "_send("));
    assert_null(strstr(o.source, "pgc_call"));
    assert_non_null(strstr(o.header, "int store_one(pgc_db *db, int64_t a_2, "));
    assert_compiles(&o);
    out_free(&o);
}

/* A 10,000-character query name: a clear limit, not C over C's limits. */
static void emit__long_query_name__is_refused(void **state)
{
    (void)state;
    char *sql = malloc(10100);
    strcpy(sql, "-- name: ");
    memset(sql + 9, 'A', 10000);
    strcpy(sql + 10009, " :exec\nDELETE FROM {{tables.items}};\n");
    out o = generate_query(sql, "store");
    assert_false(o.ok);
    assert_int_equal(strncmp(o.diag, "1:1: error: query AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...: the "
                                     "name has 10000 characters; pgc generate takes at most 200 "
                                     "(C identifiers and string literals are made from it)\n",
                             150), 0);
    out_free(&o);
    /* 200 is fine, and compiles */
    memset(sql + 9, 'A', 200);
    strcpy(sql + 209, " :exec\nDELETE FROM {{tables.items}};\n");
    o = generate_query(sql, "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    assert_compiles(&o);
    out_free(&o);
    free(sql);
}

/* An enum label past C's 4095 bytes for a string literal still compiles. */
static void emit__long_enum_label__compiles(void **state)
{
    (void)state;
    char *mig = malloc(6000);
    strcpy(mig, "CREATE TYPE {{schema}}.big AS ENUM ('");
    size_t n = strlen(mig);
    memset(mig + n, 'x', 5000);
    strcpy(mig + n + 5000, "');\nCREATE TABLE {{schema}}.b (id int PRIMARY KEY, v {{schema}}.big);\n");
    check_hostile("long label", "long", mig, "-- name: GetB :one\nSELECT v FROM {{schema}}.b;\n");
    free(mig);
}

/* An enum whose only use is a field of a composite read in a result: its
 * pgc_enum_type is written although no column or parameter names it. */
static void emit__enum_only_inside_a_composite__compiles(void **state)
{
    (void)state;
    check_hostile("enum in a composite", "tone",
                  "CREATE TYPE {{schema}}.mood AS ENUM ('happy', 'sad');\n"
                  "CREATE TYPE {{schema}}.person AS (name text, feel {{schema}}.mood);\n"
                  "CREATE TABLE {{schema}}.people (id bigint PRIMARY KEY, p {{schema}}.person);\n",
                  "-- name: GetPerson :one\nSELECT p FROM {{schema}}.people WHERE id = @id;\n"
                  "-- name: ListPeople :many\nSELECT p FROM {{schema}}.people;\n");
}

/* A module name the runtime's names or C's reserved ones could clash with. */
static void emit__module_name_like_the_runtime__is_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"pgc", "pgc_lib", "PGCx", "_lib"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out o = generate(migrations, 1, queries, 1, bad[i]);
        assert_false(o.ok);
        char want[256];
        snprintf(want, sizeof want, "error: the name '%s' cannot be used: it must not start "
                                    "with '_' or 'pgc' (the runtime's names), and have at most "
                                    "200 characters\n", bad[i]);
        if (!strstr(o.diag, want))
            print_error("%s", o.diag);
        assert_non_null(strstr(o.diag, want));
        out_free(&o);
    }
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
    pgc_emit_options eo = {"store", inputs, sizeof inputs / sizeof inputs[0], false};
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

/* The text of statement fn_stmt's initializer in o's source ("" if none). */
static char *stmt_initializer(const out *o, const char *fn)
{
    char head[128];
    snprintf(head, sizeof head, "static const pgc_stmt %s_stmt = {", fn);
    const char *s = strstr(o->source, head);
    if (!s)
        return strdup("");
    const char *end = strstr(s, "\n};\n");
    assert_non_null(end);
    return strndup(s, (size_t)(end - s) + 1); /* with its last newline */
}

/* Read routing: a query that only reads gets .flags = PGC_STMT_READS, one
 * annotated -- pgc:primary READS | PRIMARY, -- pgc:reads forces READS on a
 * volatile call; a write gets no flags (0). */
static void emit__flags__say_what_only_reads(void **state)
{
    (void)state;
    out o = generate_query("-- name: Count :one\n"
                           "SELECT count(*) AS n FROM {{tables.numbers}};\n"
                           "-- name: Fresh :one\n"
                           "-- pgc:primary\n"
                           "SELECT count(*) AS n FROM {{tables.numbers}};\n"
                           "-- name: Next :one\n"
                           "SELECT nextval('s') AS n;\n"
                           "-- name: Forced :one\n"
                           "-- pgc:reads\n"
                           "SELECT nextval('s') AS n;\n"
                           "-- name: Put :exec\n"
                           "INSERT INTO {{tables.numbers}} (n) VALUES ($1);\n",
                           "store");
    if (!o.ok)
        print_error("%s", o.diag);
    assert_true(o.ok);
    static const struct {
        const char *fn, *flags;
    } want[] = {
        {"store_count", "    .flags = PGC_STMT_READS,\n"},
        {"store_fresh", "    .flags = PGC_STMT_READS | PGC_STMT_PRIMARY,\n"},
        {"store_next", NULL},
        {"store_forced", "    .flags = PGC_STMT_READS,\n"},
        {"store_put", NULL},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char *init = stmt_initializer(&o, want[i].fn);
        assert_true(*init);
        if (want[i].flags)
            assert_non_null(strstr(init, want[i].flags));
        else
            assert_null(strstr(init, ".flags"));
        free(init);
    }
    assert_compiles(&o);
    out_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emit__schema__matches_golden_files),
        cmocka_unit_test(emit__twice__is_identical_and_not_rewritten),
        cmocka_unit_test(emit__unsupported_type__is_an_error_naming_it),
        cmocka_unit_test(emit__copyfrom__refuses_other_shapes),
        cmocka_unit_test(emit__copyfrom__maps_columns_to_parameters),
        cmocka_unit_test(emit__catalog_input__is_not_embedded),
        cmocka_unit_test(emit__batch__needs_columns_for_rows),
        cmocka_unit_test(emit__one_without_columns__is_an_error),
        cmocka_unit_test(emit__bad_name__is_refused),
        cmocka_unit_test(emit__names__are_c_identifiers),
        cmocka_unit_test(emit__query_named_like_a_type__keeps_its_name),
        cmocka_unit_test(emit__hostile_enum_name_and_path__defines_nothing),
        cmocka_unit_test(emit__hostile_names_and_paths__do_not_change_the_c),
        cmocka_unit_test(emit__query_names_clash__is_an_error_naming_both),
        cmocka_unit_test(emit__enum_beside_query_named_like_its_function__gives_way),
        cmocka_unit_test(emit__param_named_like_a_type__does_not_hide_it),
        cmocka_unit_test(emit__long_query_name__is_refused),
        cmocka_unit_test(emit__module_name_like_the_runtime__is_refused),
        cmocka_unit_test(emit__long_enum_label__compiles),
        cmocka_unit_test(emit__enum_only_inside_a_composite__compiles),
        cmocka_unit_test(emit__runtime_statement__casts_user_typed_parameters),
        cmocka_unit_test(emit__self_check__refuses_what_the_server_would_type_otherwise),
        cmocka_unit_test(emit__async_forms__for_every_kind_but_copyfrom),
        cmocka_unit_test(emit__flags__say_what_only_reads),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit();
    return rc;
}
