/*
 * test_migrate.c - the migration runner: versions and checksums, sets
 * loaded from a folder, and runs against a real server in both modes
 * (standalone: no schema, tracking in public.pgc_migrations; embedded:
 * schema "lib", tracking in lib.pgc_migrations).  Server state is read with
 * fixture_scalar(), which does not go through pgc.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define SET(module, files) ((pgc_migration_set){(module), COUNT_OF(files), (files)})

/* SHA-256 test vectors (FIPS 180-2) and digests made with sha256sum(1). */
#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_A_LF_B "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78"
#define SHA256_A_CR_B "af9081672dd5ef3247a30c2db5b0dafcc9bcf981a26aefb3c55d210d43fcc14e"
#define SHA256_CR "9d1e0e2d9459d06523ad13e28a4093c2316baafe7aec5b25f30eba2e113599c4"
#define SHA256_A_CR "961a57df036f6c4f44ca8a054271c45e823f469bcc439f0255c40974c3e3d131"
#define SHA256_CR_LF "7eb70257593da06f682a3ddda54a9d260d4fc514f645237f5ca74b08f8da61a6"
#define LOADED_TEXT "CREATE TABLE t (n int);\nSELECT 1;\n"
#define LOADED_TEXT_CRLF "CREATE TABLE t (n int);\r\nSELECT 1;\r\n"
/* of LOADED_TEXT */
#define SHA256_LOADED_TEXT "074dc0fd533a96db9dfee12920be5b3841ba69fe201f0405e0211eaafd0f1e5c"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* Advisory locks held in the test's database (pg_locks spans the cluster). */
#define ADVISORY_LOCKS_SQL                                                                 \
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"                            \
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"

/* The schema the fixture's objects live in, as the server names it. */
static const char *schema_of(const fixture *f)
{
    return f->mode == EMBEDDED ? "lib" : "public";
}

/* The schema_name the runner records: the db's schema; with none, "public",
   where the tracking table then lives. */
static const char *label_of(const fixture *f)
{
    return f->mode == EMBEDDED ? "lib" : "public";
}

static char *vscalar(const fixture *f, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
static char *vscalar(const fixture *f, const char *fmt, va_list ap)
{
    char sql[4096];
    int n = vsnprintf(sql, sizeof sql, fmt, ap);
    assert_true(n >= 0 && (size_t)n < sizeof sql);
    return fixture_scalar(f, sql);
}

/* The first value of a query (printf-style), malloc'd, or NULL. */
static char *vscalar_of(const fixture *f, const char *fmt, ...) PRINTF_LIKE(2, 3);
static char *vscalar_of(const fixture *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *got = vscalar(f, fmt, ap);
    va_end(ap);
    return got;
}

/* Asserts that the first value of a query is `expected` (NULL: no value). */
static void expect_scalar(const fixture *f, const char *expected, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static void expect_scalar(const fixture *f, const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *got = vscalar(f, fmt, ap);
    va_end(ap);
    if (!expected) {
        if (got)
            print_error("expected no value, got \"%s\"\n", got);
        free(got);
        assert_null(got);
        return;
    }
    if (!got)
        print_error("expected \"%s\", got no value\n", expected);
    assert_non_null(got);
    if (strcmp(got, expected) != 0)
        print_error("for: %s\n", fmt);
    assert_string_equal(got, expected);
    free(got);
}

/* Whether schema.name is a relation (table, index, ...). */
static int relation_exists(const fixture *f, const char *schema, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT to_regclass('%s.%s') IS NOT NULL", schema, name);
    char *v = fixture_scalar(f, sql);
    assert_non_null(v);
    int yes = strcmp(v, "t") == 0;
    free(v);
    return yes;
}

static int schema_exists(const fixture *f, const char *schema)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_namespace WHERE nspname = '%s'", schema);
    char *v = fixture_scalar(f, sql);
    assert_non_null(v);
    int yes = strcmp(v, "1") == 0;
    free(v);
    return yes;
}

static int tracking_exists(const fixture *f)
{
    return relation_exists(f, schema_of(f), "pgc_migrations");
}

/* The versions recorded for module in the fixture's schema, "1,2,3", or
 * "" when none. */
static char *tracked_versions(const fixture *f, const char *module)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(string_agg(version::text, ',' ORDER BY version), '')"
             " FROM %s.pgc_migrations WHERE module = '%s' AND schema_name = '%s'",
             schema_of(f), module, label_of(f));
    char *v = fixture_scalar(f, sql);
    assert_non_null(v);
    return v;
}

static void expect_tracked(const fixture *f, const char *module, const char *versions)
{
    assert_true(tracking_exists(f));
    char *got = tracked_versions(f, module);
    assert_string_equal(got, versions);
    free(got);
}

static void expect_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        print_error("\"%s\" does not contain \"%s\"\n", haystack, needle);
    assert_non_null(strstr(haystack, needle));
}

static void expect_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        print_error("\"%s\" does not begin with \"%s\"\n", s, prefix);
    assert_int_equal(strncmp(s, prefix, strlen(prefix)), 0);
}

static void checksum_of(const char *sql, char out[65])
{
    assert_int_equal(pgc_migration_checksum(sql, strlen(sql), out), PGC_OK);
}

/* Runs pgc_migrate and asserts success; returns how many were applied. */
static size_t migrate_ok(pgc_db *db, const pgc_migration_set *set,
                         const pgc_migrate_options *opts)
{
    pgc_error err = {0};
    size_t applied = 12345;
    assert_ok(pgc_migrate(db, set, opts, &applied, &err), &err);
    return applied;
}

/* Runs pgc_migrate, asserts it fails with `code`, and returns the error. */
static pgc_error migrate_fails(pgc_db *db, const pgc_migration_set *set,
                               const pgc_migrate_options *opts, int code, size_t applied)
{
    pgc_error err = {0};
    size_t n = 12345;
    int rc = pgc_migrate(db, set, opts, &n, &err);
    if (rc != code)
        print_error("expected %s, got %s: %s\n", pgc_code_name(code), pgc_code_name(rc),
                    err.message);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_int_equal(n, applied);
    return err;
}

/*
 * Folders of migration files.  Tests that write files get a fresh private
 * folder `scratch` from their setup, which their teardown removes with
 * everything in it (also when the test failed).
 */
typedef struct folder {
    char path[512];
} folder;

static folder scratch;

/* out = a "/" b; the result must fit. */
static void path_join(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);
    assert_true(n > 0 && (size_t)n < size);
}

static int remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dir))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(sub, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode) ? remove_tree(sub) != 0 : unlink(sub) != 0)
            rc = -1;
    }
    closedir(dir);
    return rmdir(path) == 0 ? rc : -1;
}

static int scratch_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch.path, sizeof scratch.path, "%s/pgc-migrate-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch.path)) {
        print_error("mkdtemp(%s): %s\n", scratch.path, strerror(errno));
        return -1;
    }
    return 0;
}

static int scratch_teardown(void **state)
{
    (void)state;
    if (remove_tree(scratch.path) != 0) {
        print_error("could not remove %s\n", scratch.path);
        return -1;
    }
    return 0;
}

/* A fixture and a scratch folder. */
static int fixture_scratch_setup(void **state)
{
    int rc = fixture_setup(state);
    return rc == 0 ? scratch_setup(NULL) : rc;
}

static int fixture_scratch_teardown(void **state)
{
    int rc = scratch_teardown(NULL);
    int rc2 = fixture_teardown(state);
    return rc ? rc : rc2;
}

/* A folder `name` inside `parent`. */
static folder folder_in(const folder *parent, const char *name)
{
    folder d;
    path_join(d.path, sizeof d.path, parent->path, name);
    assert_int_equal(mkdir(d.path, 0700), 0);
    return d;
}

static void folder_write(const folder *d, const char *name, const char *data, size_t len)
{
    char path[1024];
    path_join(path, sizeof path, d->path, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void folder_put(const folder *d, const char *name, const char *text)
{
    folder_write(d, name, text, strlen(text));
}

/* ------------------------------------------------------------------ */
/* Versions and checksums                                               */
/* ------------------------------------------------------------------ */

static void migrate__version__parses_leading_digits(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint64_t version;
    } cases[] = {
        {"001_init.sql", 1},
        {"9_x.sql", 9},
        {"10_x.sql", 10},
        {"V2__add_users.sql", 2},
        {"v3__lower_case_v.sql", 3},
        {"20240101120000_timestamp.sql", UINT64_C(20240101120000)},
        {"7-dash.sql", 7},
        {"8.sql", 8},
        {"0_zero.sql", 0},
        {"9223372036854775807_max.sql", (uint64_t)INT64_MAX},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        uint64_t v = 424242;
        int rc = pgc_migration_version(cases[i].name, &v);
        if (rc != 0 || v != cases[i].version)
            print_error("%s: rc %d, version %llu\n", cases[i].name, rc, (unsigned long long)v);
        assert_int_equal(rc, 0);
        assert_true(v == cases[i].version);
    }
}

static void migrate__version__refuses_names_without_one(void **state)
{
    (void)state;
    static const char *const names[] = {
        "init.sql",
        "x1_init.sql",
        "1x.sql",
        "V.sql",
        "V_1.sql",
        "_1.sql",
        "",
        "12",                         /* no separator after the digits */
        "9223372036854775808_x.sql",  /* INT64_MAX + 1: not a bigint */
        "18446744073709551616_x.sql", /* 2^64: wraps to 0 in uint64_t */
        "99999999999999999999_x.sql",
    };
    for (size_t i = 0; i < COUNT_OF(names); i++) {
        uint64_t v = 0;
        int rc = pgc_migration_version(names[i], &v);
        if (rc != -1)
            print_error("\"%s\" gave version %llu\n", names[i], (unsigned long long)v);
        assert_int_equal(rc, -1);
    }
}

static void migrate__checksum__is_sha256_with_crlf_as_lf(void **state)
{
    (void)state;
    char sum[65], other[65];

    assert_int_equal(pgc_migration_checksum("abc", 3, sum), PGC_OK);
    assert_string_equal(sum, SHA256_ABC);
    assert_int_equal(pgc_migration_checksum("", 0, sum), PGC_OK);
    assert_string_equal(sum, SHA256_EMPTY);
    /* the length is honoured, not the NUL */
    assert_int_equal(pgc_migration_checksum("abcdef", 3, sum), PGC_OK);
    assert_string_equal(sum, SHA256_ABC);

    /* CRLF counts as LF */
    assert_int_equal(pgc_migration_checksum("a\r\nb", 4, sum), PGC_OK);
    assert_string_equal(sum, SHA256_A_LF_B);
    assert_int_equal(pgc_migration_checksum("a\nb", 3, other), PGC_OK);
    assert_string_equal(sum, other);
    assert_int_equal(pgc_migration_checksum("\r\n", 2, sum), PGC_OK);
    assert_int_equal(pgc_migration_checksum("\n", 1, other), PGC_OK);
    assert_string_equal(sum, other);
    /* "\r\r\n" is a lone CR, then a CRLF: "\r\n" */
    assert_int_equal(pgc_migration_checksum("\r\r\n", 3, sum), PGC_OK);
    assert_string_equal(sum, SHA256_CR_LF);

    /* a lone CR is kept, in the middle and at the end */
    assert_int_equal(pgc_migration_checksum("a\rb", 3, sum), PGC_OK);
    assert_string_equal(sum, SHA256_A_CR_B);
    assert_int_equal(pgc_migration_checksum("\r", 1, sum), PGC_OK);
    assert_string_equal(sum, SHA256_CR);
    assert_int_equal(pgc_migration_checksum("a\r", 2, sum), PGC_OK);
    assert_string_equal(sum, SHA256_A_CR);
}

/* ------------------------------------------------------------------ */
/* Applying and recording                                               */
/* ------------------------------------------------------------------ */

static void migrate__versions__sort_as_numbers_not_text(void **state)
{
    fixture *f = *state;
    /* Given in an order that is neither the versions' nor the names': as
       text, "10_" < "2_" < "9_", and 10 needs 9's column, 9 needs 2's table. */
    pgc_migration files[] = {
        {10, "10_fill.sql", "INSERT INTO {{tables.t}} (n, label) VALUES (10, 'ten');\n", NULL},
        {2, "2_create.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
        {9, "9_label.sql", "ALTER TABLE {{tables.t}} ADD COLUMN label text;\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 3);
    expect_scalar(f, "ten", "SELECT label FROM %s.t WHERE n = 10", schema_of(f));
    expect_tracked(f, "app", "2,9,10");
}

static const char users_sql[] =
    "CREATE TABLE {{tables.users}} (id int PRIMARY KEY, name text NOT NULL);\n";
static const char seed_sql[] = "INSERT INTO {{tables.users}} VALUES (1, 'ada'), (2, 'grace');\n";

static void migrate__pending_files__are_applied_and_recorded(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_users.sql", users_sql, NULL},
        {2, "002_seed.sql", seed_sql, NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);

    expect_scalar(f, "2", "SELECT count(*) FROM %s.users", schema_of(f));
    if (f->mode == EMBEDDED)
        assert_false(relation_exists(f, "public", "users"));

    char sum1[65], sum2[65], expected[1024];
    checksum_of(users_sql, sum1);
    checksum_of(seed_sql, sum2);
    snprintf(expected, sizeof expected, "app|%s|1|001_users.sql|%s;app|%s|2|002_seed.sql|%s",
             label_of(f), sum1, label_of(f), sum2);
    expect_scalar(f, expected,
                  "SELECT string_agg(concat_ws('|', module, schema_name, version, name,"
                  " checksum), ';' ORDER BY version) FROM %s.pgc_migrations",
                  schema_of(f));
    expect_scalar(f, "2",
                  "SELECT count(*) FROM %s.pgc_migrations WHERE applied_at <= now()"
                  " AND applied_at > now() - interval '5 minutes'"
                  " AND applied_by = current_user AND execution_ms >= 0",
                  schema_of(f));

    /* a second run has nothing to do (the seed would fail on its key) */
    assert_int_equal(migrate_ok(f->db, &set, NULL), 0);
    expect_tracked(f, "app", "1,2");
    expect_scalar(f, "2", "SELECT count(*) FROM %s.users", schema_of(f));
}

static void migrate__two_modules_on_one_db__keep_separate_histories(void **state)
{
    fixture *f = *state;
    /* "billing" reaches version 5 first; "audit" starts at 1 and must be
       neither "already applied" nor "out of order" because of billing's. */
    pgc_migration billing_files[] = {
        {1, "001_invoices.sql", "CREATE TABLE {{tables.invoices}} (n int);\n", NULL},
        {5, "005_payments.sql", "CREATE TABLE {{tables.payments}} (n int);\n", NULL},
    };
    pgc_migration audit_files[] = {
        {1, "001_events.sql", "CREATE TABLE {{tables.events}} (n int);\n", NULL},
        {2, "002_seen.sql", "CREATE TABLE {{tables.seen}} (n int);\n", NULL},
    };
    pgc_migration_set billing = SET("billing", billing_files);
    pgc_migration_set audit = SET("audit", audit_files);
    assert_int_equal(migrate_ok(f->db, &billing, NULL), 2);
    assert_int_equal(migrate_ok(f->db, &audit, NULL), 2);
    expect_tracked(f, "billing", "1,5");
    expect_tracked(f, "audit", "1,2");
    assert_true(relation_exists(f, schema_of(f), "events"));
    assert_true(relation_exists(f, schema_of(f), "seen"));
    assert_int_equal(migrate_ok(f->db, &billing, NULL), 0);
    assert_int_equal(migrate_ok(f->db, &audit, NULL), 0);
}

/* ------------------------------------------------------------------ */
/* Refusals                                                             */
/* ------------------------------------------------------------------ */

static void migrate__edited_file__is_refused(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_users.sql", users_sql, NULL},
        {2, "002_seed.sql", seed_sql, NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);

    pgc_migration edited[] = {
        {1, "001_users.sql",
         "CREATE TABLE {{tables.users}} (id int PRIMARY KEY, name text NOT NULL, email text);\n",
         NULL},
        {2, "002_seed.sql", seed_sql, NULL},
        {3, "003_extra.sql", "CREATE TABLE {{tables.extra}} (n int);\n", NULL},
    };
    pgc_migration_set edited_set = SET("app", edited);
    pgc_error err = migrate_fails(f->db, &edited_set, NULL, PGC_EEDITED, 0);
    expect_contains(err.message, "001_users.sql");
    assert_false(relation_exists(f, schema_of(f), "extra"));
    expect_tracked(f, "app", "1,2");
    expect_scalar(f, "0",
                  "SELECT count(*) FROM information_schema.columns WHERE table_schema = '%s'"
                  " AND table_name = 'users' AND column_name = 'email'",
                  schema_of(f));
}

static void migrate__file_resaved_with_crlf__is_not_edited(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\nINSERT INTO {{tables.t}} VALUES (1);\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 1);

    pgc_migration resaved[] = {
        {1, "001_t.sql",
         "CREATE TABLE {{tables.t}} (n int);\r\nINSERT INTO {{tables.t}} VALUES (1);\r\n", NULL},
        {2, "002_u.sql", "CREATE TABLE {{tables.u}} (n int);\r\n", NULL},
    };
    pgc_migration_set resaved_set = SET("app", resaved);
    assert_int_equal(migrate_ok(f->db, &resaved_set, NULL), 1);
    expect_tracked(f, "app", "1,2");
}

/* The error is on line 3, at "nope": column 30, after a template that
   renders shorter (standalone, `b`) or longer (embedded, `"lib".b`) than
   its 12 characters, and after a line with a two-byte character. */
static const char failing_sql[] =
    "-- b: une \xc3\xa9" "bauche\n"
    "CREATE TABLE {{tables.b}} (n int);\n"
    "INSERT INTO {{tables.b}} (n, nope) VALUES (1, 2);\n";

static void migrate__failing_file__leaves_no_trace(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_a.sql", "CREATE TABLE {{tables.a}} (n int);\n", NULL},
        {2, "002_b.sql", failing_sql, NULL},
        {3, "003_c.sql", "CREATE TABLE {{tables.c}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_ESQL, 1);
    assert_string_equal(err.sqlstate, "42703"); /* undefined_column */
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 30);
    assert_string_equal(err.statement, "002_b.sql");
    expect_prefix(err.message, "002_b.sql:3:30: ");
    expect_contains(err.message, "nope");

    assert_true(relation_exists(f, schema_of(f), "a"));
    assert_false(relation_exists(f, schema_of(f), "b"));
    assert_false(relation_exists(f, schema_of(f), "c"));
    expect_tracked(f, "app", "1");

    /* fixed, the file applies, and so does the one after it */
    files[1].sql = "-- b: une \xc3\xa9" "bauche\n"
                   "CREATE TABLE {{tables.b}} (n int);\n"
                   "INSERT INTO {{tables.b}} (n) VALUES (1);\n";
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);
    expect_tracked(f, "app", "1,2,3");
    expect_scalar(f, "1", "SELECT count(*) FROM %s.b", schema_of(f));
}

static void migrate__failing_no_transaction_file__names_line_and_column(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        /* The failing statement is the second one sent; before it, a
           two-byte character; on its line, another one and a template. */
        {1, "001_d.sql",
         "-- pgc:no-transaction\n"
         "-- d: donn\xc3\xa9" "es\n"
         "CREATE TABLE {{tables.d}} (n int);\n"
         "/* \xc3\xa9 */ INSERT INTO {{tables.d}} (n, nope) VALUES (1, 2);\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_ESQL, 0);
    assert_string_equal(err.sqlstate, "42703");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 38);
    assert_string_equal(err.statement, "001_d.sql");
    expect_prefix(err.message, "001_d.sql:4:38: ");
    /* statement by statement: the first one stays, the file is not recorded */
    assert_true(relation_exists(f, schema_of(f), "d"));
    expect_tracked(f, "app", "");
    expect_scalar(f, "0", ADVISORY_LOCKS_SQL);
}

static void migrate__transaction_control__is_refused_before_anything_runs(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *sql;
        int line, column;
    } cases[] = {
        {"CREATE TABLE {{tables.x}} (n int);\n  BEGIN;\nINSERT INTO {{tables.x}} VALUES (1);\n",
         2, 3},
        {"CREATE TABLE {{tables.x}} (n int);\nINSERT INTO {{tables.x}} VALUES (1);\n    commit;\n",
         3, 5},
        /* the column is in the file as written, before the template renders */
        {"CREATE TABLE {{tables.x}} (n int); BEGIN;\n", 1, 36},
        {"CREATE TABLE {{tables.x}} (n int);\nEND;\n", 2, 1},
        {"CREATE TABLE {{tables.x}} (n int);\nROLLBACK;\n", 2, 1},
        {"-- \xc3\xa9t\xc3\xa9\n  /* \xc3\xa9 */ START TRANSACTION;\n", 2, 11},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        pgc_migration files[] = {
            {1, "001_first.sql", "CREATE TABLE {{tables.first}} (n int);\n", NULL},
            {2, "002_tx.sql", cases[i].sql, NULL},
        };
        pgc_migration_set set = SET("app", files);
        pgc_error err = migrate_fails(f->db, &set, NULL, PGC_EMIGRATION, 0);
        if (err.line != cases[i].line || err.column != cases[i].column)
            print_error("case %zu: %s\n", i, err.message);
        assert_int_equal(err.line, cases[i].line);
        assert_int_equal(err.column, cases[i].column);
        assert_string_equal(err.statement, "002_tx.sql");
        char prefix[64];
        snprintf(prefix, sizeof prefix, "002_tx.sql:%d:%d: ", cases[i].line, cases[i].column);
        expect_prefix(err.message, prefix);
        /* refused before the server was touched: no schema, no tracking table */
        assert_false(tracking_exists(f));
        assert_false(relation_exists(f, schema_of(f), "first"));
        if (f->mode == EMBEDDED)
            assert_false(schema_exists(f, "lib"));
    }
}

static void migrate__dollar_quoted_begin__is_not_transaction_control(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_code.sql",
         "DO $$\nBEGIN\n    PERFORM 1;\nEND\n$$;\n"
         "CREATE FUNCTION {{tables.one}}() RETURNS int LANGUAGE plpgsql AS $fn$\n"
         "BEGIN\n    RETURN 1;\nEND\n$fn$;\n"
         "-- BEGIN; COMMIT;\n"
         "/* COMMIT; */\n"
         "CREATE TABLE {{tables.span}} (begin int, commit int, \"end\" int);\n"
         "COMMENT ON TABLE {{tables.span}} IS 'BEGIN; COMMIT;';\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 1);
    expect_scalar(f, "1", "SELECT %s.one()", schema_of(f));
    expect_scalar(f, "BEGIN; COMMIT;", "SELECT obj_description('%s.span'::regclass, 'pg_class')",
                  schema_of(f));
    expect_tracked(f, "app", "1");
}

static void migrate__begin_atomic_body__is_not_transaction_control(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_two.sql",
         "CREATE FUNCTION {{tables.two}}() RETURNS int LANGUAGE sql\n"
         "BEGIN ATOMIC\n"
         "    SELECT 1 + 1;\n"
         "END;\n"
         "CREATE TABLE {{tables.after_two}} (n int);\n",
         NULL},
        /* statement by statement: the body's semicolons do not split it */
        {2, "002_three.sql",
         "-- pgc:no-transaction\n"
         "CREATE FUNCTION {{tables.three}}() RETURNS int LANGUAGE sql\n"
         "BEGIN ATOMIC\n"
         "    SELECT 0;\n"
         "    SELECT CASE WHEN true THEN 3 ELSE 0 END;\n"
         "END;\n"
         "CREATE TABLE {{tables.after_three}} (n int);\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);
    expect_scalar(f, "2", "SELECT %s.two()", schema_of(f));
    expect_scalar(f, "3", "SELECT %s.three()", schema_of(f));
    assert_true(relation_exists(f, schema_of(f), "after_three"));
    expect_tracked(f, "app", "1,2");
}

static void migrate__older_new_file__is_refused_unless_allowed(void **state)
{
    fixture *f = *state;
    pgc_migration first[] = {
        {1, "001_a.sql", "CREATE TABLE {{tables.a}} (n int);\n", NULL},
        {3, "003_c.sql", "CREATE TABLE {{tables.c}} (n int);\n", NULL},
    };
    pgc_migration_set first_set = SET("app", first);
    assert_int_equal(migrate_ok(f->db, &first_set, NULL), 2);

    pgc_migration later[] = {
        {1, "001_a.sql", "CREATE TABLE {{tables.a}} (n int);\n", NULL},
        {2, "002_b.sql", "CREATE TABLE {{tables.b}} (n int);\n", NULL},
        {3, "003_c.sql", "CREATE TABLE {{tables.c}} (n int);\n", NULL},
        {4, "004_d.sql", "CREATE TABLE {{tables.d}} (n int);\n", NULL},
    };
    pgc_migration_set later_set = SET("app", later);
    pgc_error err = migrate_fails(f->db, &later_set, NULL, PGC_EORDER, 0);
    expect_contains(err.message, "002_b.sql");
    assert_false(relation_exists(f, schema_of(f), "b"));
    assert_false(relation_exists(f, schema_of(f), "d"));
    expect_tracked(f, "app", "1,3");

    pgc_migrate_options allow = {.allow_out_of_order = 1};
    assert_int_equal(migrate_ok(f->db, &later_set, &allow), 2);
    assert_true(relation_exists(f, schema_of(f), "b"));
    expect_tracked(f, "app", "1,2,3,4");
    /* once applied, it is history like any other file */
    assert_int_equal(migrate_ok(f->db, &later_set, NULL), 0);
}

static void migrate__duplicate_versions__are_refused(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_a.sql", "CREATE TABLE {{tables.a}} (n int);\n", NULL},
        {2, "002_x.sql", "CREATE TABLE {{tables.x}} (n int);\n", NULL},
        {1, "1_b.sql", "CREATE TABLE {{tables.b}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_EMIGRATION, 0);
    expect_contains(err.message, "001_a.sql");
    expect_contains(err.message, "1_b.sql");
    assert_false(tracking_exists(f));
    assert_false(relation_exists(f, schema_of(f), "a"));
    assert_false(relation_exists(f, schema_of(f), "x"));
}

/* ------------------------------------------------------------------ */
/* Files that run outside a transaction                                 */
/* ------------------------------------------------------------------ */

static const char index_sql[] = "-- pgc:no-transaction\n"
                                "CREATE INDEX CONCURRENTLY t_n ON {{tables.t}} (n);\n"
                                "CREATE INDEX CONCURRENTLY t_m ON {{tables.t}} (m);\n";

static void migrate__no_transaction_file__applies_and_is_recorded(void **state)
{
    fixture *f = *state;
    /* Two CREATE INDEX CONCURRENTLY: either in a transaction block (also the
       implicit one of a multi-statement query) is an error. */
    pgc_migration files[] = {
        {1, "001_t.sql",
         "CREATE TABLE {{tables.t}} (n int, m int);\n"
         "INSERT INTO {{tables.t}} SELECT g, g FROM generate_series(1, 100) g;\n",
         NULL},
        {2, "002_index.sql", index_sql, NULL},
        {3, "003_after.sql", "INSERT INTO {{tables.t}} VALUES (101, 101);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 3);
    expect_scalar(f, "2",
                  "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                  " JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = '%s'"
                  " AND c.relname IN ('t_n', 't_m') AND i.indisvalid",
                  schema_of(f));
    expect_tracked(f, "app", "1,2,3");
    char sum[65];
    checksum_of(index_sql, sum);
    expect_scalar(f, sum, "SELECT checksum FROM %s.pgc_migrations WHERE version = 2",
                  schema_of(f));
    expect_scalar(f, "101", "SELECT count(*) FROM %s.t", schema_of(f));
    /* the session-level lock was let go */
    expect_scalar(f, "0", ADVISORY_LOCKS_SQL);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 0);
}

/* ------------------------------------------------------------------ */
/* Status and dry runs                                                  */
/* ------------------------------------------------------------------ */

static const char status_a[] = "CREATE TABLE {{tables.a}} (n int);\n";
static const char status_b[] = "CREATE TABLE {{tables.b}} (n int);\n";
static const char status_c[] = "CREATE TABLE {{tables.c}} (n int);\n";

static pgc_migration_status *status_of(pgc_db *db, const pgc_migration_set *set, size_t count)
{
    pgc_error err = {0};
    pgc_migration_status *st = NULL;
    size_t n = 12345;
    assert_ok(pgc_migrate_status(db, set, &st, &n, &err), &err);
    assert_int_equal(n, count);
    assert_non_null(st);
    return st;
}

static void expect_pending(const pgc_migration_status *s, uint64_t version, const char *name,
                           const char *sql)
{
    char sum[65];
    checksum_of(sql, sum);
    assert_true(s->version == version);
    assert_string_equal(s->name, name);
    assert_int_equal(s->state, PGC_MIGRATION_PENDING);
    assert_string_equal(s->checksum, sum);
    assert_string_equal(s->applied_checksum, "");
    assert_string_equal(s->applied_at, "");
}

static void expect_applied(const pgc_migration_status *s, uint64_t version, const char *name,
                           const char *sql)
{
    char sum[65];
    checksum_of(sql, sum);
    assert_true(s->version == version);
    assert_string_equal(s->name, name);
    assert_int_equal(s->state, PGC_MIGRATION_APPLIED);
    assert_string_equal(s->checksum, sum);
    assert_string_equal(s->applied_checksum, sum);
    assert_true(strlen(s->applied_at) >= 19); /* "YYYY-MM-DD HH:MM:SS" at least */
    assert_true(s->applied_by[0] != '\0');
    assert_true(s->execution_ms >= 0);
}

static void migrate__status_and_dry_run__report_without_changing(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {2, "002_b.sql", status_b, NULL},
        {1, "001_a.sql", status_a, NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_migrate_options dry = {.dry_run = 1};

    /* before anything: all pending, and a dry run creates nothing at all */
    pgc_migration_status *st = status_of(f->db, &set, 2);
    expect_pending(&st[0], 1, "001_a.sql", status_a);
    expect_pending(&st[1], 2, "002_b.sql", status_b);
    free(st);
    assert_int_equal(migrate_ok(f->db, &set, &dry), 2);
    assert_false(tracking_exists(f));
    assert_false(relation_exists(f, schema_of(f), "a"));
    if (f->mode == EMBEDDED)
        assert_false(schema_exists(f, "lib"));

    /* applied */
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);
    st = status_of(f->db, &set, 2);
    expect_applied(&st[0], 1, "001_a.sql", status_a);
    expect_applied(&st[1], 2, "002_b.sql", status_b);
    free(st);
    assert_int_equal(migrate_ok(f->db, &set, &dry), 0);

    /* a new file: pending, and a dry run does not apply it */
    pgc_migration more[] = {
        {1, "001_a.sql", status_a, NULL},
        {2, "002_b.sql", status_b, NULL},
        {3, "003_c.sql", status_c, NULL},
    };
    pgc_migration_set more_set = SET("app", more);
    st = status_of(f->db, &more_set, 3);
    expect_applied(&st[1], 2, "002_b.sql", status_b);
    expect_pending(&st[2], 3, "003_c.sql", status_c);
    free(st);
    assert_int_equal(migrate_ok(f->db, &more_set, &dry), 1);
    assert_false(relation_exists(f, schema_of(f), "c"));
    expect_tracked(f, "app", "1,2");

    /* edited */
    static const char status_a_edited[] = "CREATE TABLE {{tables.a}} (n bigint);\n";
    pgc_migration edited[] = {
        {1, "001_a.sql", status_a_edited, NULL},
        {2, "002_b.sql", status_b, NULL},
    };
    pgc_migration_set edited_set = SET("app", edited);
    char old_sum[65], new_sum[65];
    checksum_of(status_a, old_sum);
    checksum_of(status_a_edited, new_sum);
    st = status_of(f->db, &edited_set, 2);
    assert_int_equal(st[0].state, PGC_MIGRATION_EDITED);
    assert_string_equal(st[0].checksum, new_sum);
    assert_string_equal(st[0].applied_checksum, old_sum);
    assert_true(st[0].applied_at[0] != '\0');
    assert_int_equal(st[1].state, PGC_MIGRATION_APPLIED);
    free(st);

    /* missing: applied, no longer in the set */
    pgc_migration fewer[] = {
        {2, "002_b.sql", status_b, NULL},
    };
    pgc_migration_set fewer_set = SET("app", fewer);
    st = status_of(f->db, &fewer_set, 2);
    assert_true(st[0].version == 1);
    assert_string_equal(st[0].name, "001_a.sql");
    assert_int_equal(st[0].state, PGC_MIGRATION_MISSING);
    assert_string_equal(st[0].checksum, "");
    assert_string_equal(st[0].applied_checksum, old_sum);
    assert_true(st[0].applied_at[0] != '\0');
    expect_applied(&st[1], 2, "002_b.sql", status_b);
    free(st);

    /* status changed nothing */
    expect_tracked(f, "app", "1,2");
}

/* ------------------------------------------------------------------ */
/* One pool, several libraries                                          */
/* ------------------------------------------------------------------ */

static long long count_in(const fixture *f, const char *fmt, ...) PRINTF_LIKE(2, 3);
static long long count_in(const fixture *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vscalar(f, fmt, ap);
    va_end(ap);
    assert_non_null(v);
    long long n = strtoll(v, NULL, 10);
    free(v);
    return n;
}

static void migrate__two_libraries_in_one_pool__keep_separate_histories(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "4", NULL);
    pgc_pool *pool = NULL;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *accounts = NULL, *jobs = NULL, *q1 = NULL, *q2 = NULL;
    assert_ok(pgc_db_attach(&accounts, pool, "accounts", &err), &err);
    assert_ok(pgc_db_attach(&jobs, pool, "jobs", &err), &err);

    pgc_migration accounts_files[] = {
        {1, "001_init.sql", "CREATE TABLE {{tables.items}} (account_id int);\n", NULL},
        {2, "002_seed.sql", "INSERT INTO {{tables.items}} VALUES (1), (2);\n", NULL},
    };
    pgc_migration jobs_files[] = {
        {1, "001_init.sql", "CREATE TABLE {{tables.items}} (job_id int);\n", NULL},
    };
    pgc_migration_set accounts_set = SET("accounts", accounts_files);
    pgc_migration_set jobs_set = SET("jobs", jobs_files);
    assert_int_equal(migrate_ok(accounts, &accounts_set, NULL), 2);
    assert_int_equal(migrate_ok(jobs, &jobs_set, NULL), 1);
    assert_int_equal(count_in(f, "SELECT count(*) FROM accounts.pgc_migrations"
                                 " WHERE module = 'accounts' AND schema_name = 'accounts'"),
                     2);
    assert_int_equal(count_in(f, "SELECT count(*) FROM accounts.pgc_migrations"
                                 " WHERE module <> 'accounts' OR schema_name <> 'accounts'"),
                     0);
    assert_int_equal(count_in(f, "SELECT count(*) FROM jobs.pgc_migrations"
                                 " WHERE module = 'jobs' AND schema_name = 'jobs'"),
                     1);
    assert_int_equal(count_in(f, "SELECT count(*) FROM jobs.pgc_migrations"
                                 " WHERE module <> 'jobs' OR schema_name <> 'jobs'"),
                     0);
    assert_int_equal(count_in(f, "SELECT count(*) FROM accounts.items"), 2);
    assert_int_equal(count_in(f, "SELECT count(*) FROM information_schema.columns"
                                 " WHERE table_schema = 'jobs' AND table_name = 'items'"
                                 " AND column_name = 'job_id'"),
                     1);
    assert_false(relation_exists(f, "lib", "pgc_migrations"));
    assert_int_equal(migrate_ok(accounts, &accounts_set, NULL), 0);
    assert_int_equal(migrate_ok(jobs, &jobs_set, NULL), 0);

    /* the same library attached twice keeps two histories */
    pgc_migration queue_files[] = {
        {1, "001_queue.sql", "CREATE TABLE {{tables.queue}} (n int);\n", NULL},
        {2, "002_seed.sql", "INSERT INTO {{tables.queue}} VALUES (1);\n", NULL},
    };
    pgc_migration_set queue_set = SET("queue", queue_files);
    assert_ok(pgc_db_attach(&q1, pool, "q1", &err), &err);
    assert_ok(pgc_db_attach(&q2, pool, "q2", &err), &err);
    assert_int_equal(migrate_ok(q1, &queue_set, NULL), 2);
    assert_int_equal(migrate_ok(q2, &queue_set, NULL), 2);
    assert_int_equal(migrate_ok(q1, &queue_set, NULL), 0);
    assert_int_equal(count_in(f, "SELECT count(*) FROM q1.pgc_migrations"
                                 " WHERE module = 'queue' AND schema_name = 'q1'"),
                     2);
    assert_int_equal(count_in(f, "SELECT count(*) FROM q2.pgc_migrations"
                                 " WHERE module = 'queue' AND schema_name = 'q2'"),
                     2);
    assert_int_equal(count_in(f, "SELECT count(*) FROM q1.queue"), 1);
    assert_int_equal(count_in(f, "SELECT count(*) FROM q2.queue"), 1);

    assert_int_equal(pgc_db_close(q1), PGC_OK);
    assert_int_equal(pgc_db_close(q2), PGC_OK);
    assert_int_equal(pgc_db_close(accounts), PGC_OK);
    assert_int_equal(pgc_db_close(jobs), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* ------------------------------------------------------------------ */
/* Several processes at once                                            */
/* ------------------------------------------------------------------ */

#define RACERS 8
#define ROUNDS 5

/* What a racing process reports to the parent through a pipe. */
typedef struct racer_report {
    long long rc;      /* no padding: every byte written is initialised */
    long long applied;
} racer_report;

/*
 * The body of one racing child: opens its own db on `conninfo` (standalone
 * or attached in schema "lib"), waits for the start signal (EOF on go_fd),
 * applies the set and reports.  Uses no cmocka assertion (the child must
 * never return into the runner).  Returns the exit status.
 */
static int racer(const char *conninfo, fixture_mode mode, const pgc_migration_set *set,
                 int go_fd, int out_fd)
{
    pgc_error err = {0};
    pgc_pool *pool = NULL;
    pgc_db *db = NULL;
    racer_report rep = {PGC_OK, 0};
    size_t applied = 0;
    int status = 0;
    pgc_config *cfg = pgc_config_new();
    if (!cfg)
        return 2;
    int rc = pgc_config_set(cfg, "conninfo", conninfo, &err);
    if (rc == PGC_OK)
        rc = pgc_config_set(cfg, "max_connections", "2", &err);
    if (rc == PGC_OK && mode == STANDALONE)
        rc = pgc_db_open(&db, cfg, NULL, &err);
    if (rc == PGC_OK && mode == EMBEDDED) {
        rc = pgc_pool_open(&pool, cfg, &err);
        if (rc == PGC_OK)
            rc = pgc_db_attach(&db, pool, "lib", &err);
    }
    if (rc != PGC_OK) {
        fprintf(stderr, "racer %d: open: %s\n", (int)getpid(), err.message);
        status = 3;
    }

    char c;
    while (read(go_fd, &c, 1) < 0 && errno == EINTR)
        ;

    if (status == 0) {
        rc = pgc_migrate(db, set, NULL, &applied, &err);
        rep.applied = (long long)applied;
        if (rc != PGC_OK) {
            fprintf(stderr, "racer %d: %s: %s [%s] %s\n", (int)getpid(), pgc_code_name(rc),
                    err.message, err.sqlstate, err.detail);
            status = 4;
        }
        rep.rc = rc;
        if (write(out_fd, &rep, sizeof rep) != (ssize_t)sizeof rep)
            status = 5;
    }
    if (pgc_db_close(db) != PGC_OK || pgc_pool_close(pool) != PGC_OK)
        status = status ? status : 6;
    pgc_config_free(cfg);
    return status;
}

/* The database of the current round; the teardown drops it if a failed
 * assertion left it behind. */
static pgc_testdb *round_db;

static int race_teardown(void **state)
{
    pgc_testdb_drop(round_db);
    round_db = NULL;
    return fixture_teardown(state);
}

/* A library in a race: its set, and the table its files log their number in. */
typedef struct racing_lib {
    const pgc_migration_set *set;
    const char *log;
} racing_lib;

/*
 * ROUNDS rounds, each on a fresh database: RACERS processes start at once,
 * racer i applying libs[i % nlibs].  Every file must be applied exactly once
 * over all processes: logged once, recorded once, counted once.
 */
static void race(const fixture *f, const racing_lib *libs, size_t nlibs)
{
    size_t total = 0;
    for (size_t k = 0; k < nlibs; k++)
        total += libs[k].set->count;
    for (int round = 0; round < ROUNDS; round++) {
        pgc_error err = {0};
        fixture g = *f;
        assert_ok(pgc_testdb_create(&round_db, &err), &err);
        g.tdb = round_db;
        const char *conninfo = pgc_testdb_conninfo(g.tdb);
        int go[2], out[2];
        assert_int_equal(pipe(go), 0);
        assert_int_equal(pipe(out), 0);
        fflush(stdout);
        fflush(stderr);
        pid_t pids[RACERS];
        int forked = 0;
        for (; forked < RACERS; forked++) {
            pid_t pid = fork();
            if (pid == 0) {
                close(go[1]);
                close(out[0]);
                _exit(racer(conninfo, f->mode, libs[(size_t)forked % nlibs].set, go[0],
                            out[1]));
            }
            if (pid < 0)
                break;
            pids[forked] = pid;
        }
        close(go[1]); /* start */
        close(go[0]);
        close(out[1]);
        int failed = 0;
        for (int i = 0; i < forked; i++) {
            int st = 0;
            while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                print_error("round %d: racer %d %s %d\n", round, (int)pids[i],
                            WIFEXITED(st) ? "exited with" : "was killed by signal",
                            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
                failed++;
            }
        }
        size_t reports = 0;
        long long applied = 0;
        racer_report rep;
        while (read(out[0], &rep, sizeof rep) == (ssize_t)sizeof rep) {
            reports++;
            applied += rep.applied;
        }
        close(out[0]);
        assert_int_equal(forked, RACERS);
        assert_int_equal(failed, 0);
        assert_int_equal(reports, RACERS);
        assert_int_equal(applied, (long long)total);
        const char *s = schema_of(&g);
        assert_int_equal(count_in(&g, "SELECT count(*) FROM %s.pgc_migrations", s),
                         (long long)total);
        for (size_t k = 0; k < nlibs; k++) {
            const char *module = libs[k].set->module;
            long long count = (long long)libs[k].set->count;
            assert_int_equal(count_in(&g,
                                      "SELECT count(DISTINCT version) FROM %s.pgc_migrations"
                                      " WHERE module = '%s'",
                                      s, module),
                             count);
            assert_int_equal(count_in(&g, "SELECT count(*) FROM %s.%s", s, libs[k].log), count);
            assert_int_equal(count_in(&g, "SELECT count(DISTINCT file) FROM %s.%s", s,
                                      libs[k].log),
                             count);
        }
        assert_int_equal(count_in(&g, ADVISORY_LOCKS_SQL),
                         0);
        pgc_testdb_drop(round_db);
        round_db = NULL;
    }
}

static pgc_migration race_files[] = {
    {1, "001_log.sql",
     "CREATE TABLE {{tables.race_log}} (file int NOT NULL,"
     " pid int NOT NULL DEFAULT pg_backend_pid());\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (1);\n",
     NULL},
    {2, "002_a.sql",
     "CREATE TABLE {{tables.race_a}} (n int);\nSELECT pg_sleep(0.01);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (2);\n",
     NULL},
    {3, "003_b.sql",
     "CREATE TABLE {{tables.race_b}} (n int);\nSELECT pg_sleep(0.01);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (3);\n",
     NULL},
    {4, "004_c.sql",
     "CREATE TABLE {{tables.race_c}} (n int);\nSELECT pg_sleep(0.01);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (4);\n",
     NULL},
    {5, "005_d.sql",
     "ALTER TABLE {{tables.race_a}} ADD COLUMN m int;\nSELECT pg_sleep(0.01);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (5);\n",
     NULL},
    {6, "006_e.sql",
     "INSERT INTO {{tables.race_a}} (n, m) VALUES (1, 1);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (6);\n",
     NULL},
};

static void migrate__concurrent_processes__apply_each_file_once(void **state)
{
    fixture *f = *state;
    pgc_migration_set set = SET("race", race_files);
    racing_lib lib = {&set, "race_log"};
    race(f, &lib, 1);
}

static pgc_migration race_index_files[] = {
    {1, "001_log.sql",
     "CREATE TABLE {{tables.race_log}} (file int NOT NULL,"
     " pid int NOT NULL DEFAULT pg_backend_pid());\n"
     "CREATE TABLE {{tables.race_items}} (n int);\n"
     "INSERT INTO {{tables.race_items}} SELECT generate_series(1, 1000);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (1);\n",
     NULL},
    {2, "002_a.sql",
     "SELECT pg_sleep(0.01);\nINSERT INTO {{tables.race_log}} (file) VALUES (2);\n", NULL},
    {3, "003_index.sql",
     "-- pgc:no-transaction\n"
     "CREATE INDEX CONCURRENTLY race_items_n ON {{tables.race_items}} (n);\n"
     "INSERT INTO {{tables.race_log}} (file) VALUES (3);\n",
     NULL},
    {4, "004_b.sql",
     "SELECT pg_sleep(0.01);\nINSERT INTO {{tables.race_log}} (file) VALUES (4);\n", NULL},
};

static void migrate__concurrent_processes_with_no_transaction_file__apply_each_file_once(
    void **state)
{
    fixture *f = *state;
    pgc_migration_set set = SET("race", race_index_files);
    racing_lib lib = {&set, "race_log"};
    race(f, &lib, 1);
}

static pgc_migration other_race_files[] = {
    {1, "001_other_log.sql",
     "CREATE TABLE {{tables.other_log}} (file int NOT NULL);\n"
     "INSERT INTO {{tables.other_log}} (file) VALUES (1);\n",
     NULL},
    {2, "002_other.sql",
     "SELECT pg_sleep(0.01);\nINSERT INTO {{tables.other_log}} (file) VALUES (2);\n", NULL},
    {3, "003_other.sql",
     "SELECT pg_sleep(0.01);\nINSERT INTO {{tables.other_log}} (file) VALUES (3);\n", NULL},
};

static void migrate__concurrent_modules_in_one_schema__apply_each_file_once(void **state)
{
    fixture *f = *state;
    /* Two libraries in one schema share its tracking table (and, embedded,
       the schema); their first runs at once must not trip over each other
       creating them. */
    pgc_migration_set a = SET("race", race_files);
    pgc_migration_set b = SET("other", other_race_files);
    racing_lib libs[] = {{&a, "race_log"}, {&b, "other_log"}};
    race(f, libs, COUNT_OF(libs));
}

/* ------------------------------------------------------------------ */
/* Sets loaded from a folder                                            */
/* ------------------------------------------------------------------ */

static void migrate__load__orders_by_version_and_skips_down_files(void **state)
{
    (void)state;
    const folder *d = &scratch;
    folder_put(d, "10_c.sql", "SELECT 10;\n");
    folder_put(d, "9_b.sql", "SELECT 9;\n");
    folder_put(d, "001_a.sql", "SELECT 1;\n");
    folder_put(d, "009_b.down.sql", "SELECT -9;\n"); /* version 9 again if not skipped */
    folder_put(d, "002_x.down.sql", "SELECT -2;\n");
    folder_put(d, "README.md", "notes\n");

    pgc_migration_set *set = NULL;
    pgc_error err = {0};
    assert_ok(pgc_migration_set_load(&set, "app", d->path, &err), &err);
    assert_non_null(set);
    assert_string_equal(set->module, "app");
    assert_int_equal(set->count, 3);
    static const struct {
        uint64_t version;
        const char *name, *sql;
    } expected[] = {{1, "001_a.sql", "SELECT 1;\n"}, {9, "9_b.sql", "SELECT 9;\n"},
                    {10, "10_c.sql", "SELECT 10;\n"}};
    for (size_t i = 0; i < COUNT_OF(expected); i++) {
        const pgc_migration *m = &set->files[i];
        char sum[65];
        checksum_of(expected[i].sql, sum);
        assert_true(m->version == expected[i].version);
        assert_string_equal(m->name, expected[i].name);
        assert_string_equal(m->sql, expected[i].sql);
        assert_non_null(m->checksum);
        assert_string_equal(m->checksum, sum);
    }
    pgc_migration_set_free(set);
}

static void migrate__load__normalises_crlf_in_checksums(void **state)
{
    (void)state;
    folder lf = folder_in(&scratch, "lf"), crlf = folder_in(&scratch, "crlf");
    folder_put(&lf, "001_t.sql", LOADED_TEXT);
    folder_put(&crlf, "001_t.sql", LOADED_TEXT_CRLF);
    pgc_migration_set *a = NULL, *b = NULL;
    pgc_error err = {0};
    assert_ok(pgc_migration_set_load(&a, "app", lf.path, &err), &err);
    assert_ok(pgc_migration_set_load(&b, "app", crlf.path, &err), &err);
    assert_int_equal(a->count, 1);
    assert_int_equal(b->count, 1);
    assert_string_equal(a->files[0].checksum, SHA256_LOADED_TEXT);
    assert_string_equal(b->files[0].checksum, SHA256_LOADED_TEXT);
    assert_string_equal(b->files[0].sql, LOADED_TEXT_CRLF); /* the text as read */
    pgc_migration_set_free(a);
    pgc_migration_set_free(b);
}

/* Loads d, expecting `code` with each of needles in the message. */
static void expect_load_refused(const folder *d, int code, const char *needle1,
                                const char *needle2)
{
    static pgc_migration_set sentinel;
    pgc_migration_set *set = &sentinel; /* must come back NULL */
    pgc_error err = {0};
    int rc = pgc_migration_set_load(&set, "app", d->path, &err);
    if (rc != code)
        print_error("expected %s, got %s: %s\n", pgc_code_name(code), pgc_code_name(rc),
                    err.message);
    assert_int_equal(rc, code);
    assert_null(set);
    expect_contains(err.message, needle1);
    if (needle2)
        expect_contains(err.message, needle2);
}

static void migrate__load__refuses_a_name_without_version(void **state)
{
    (void)state;
    folder_put(&scratch, "001_a.sql", "SELECT 1;\n");
    folder_put(&scratch, "init.sql", "SELECT 2;\n");
    expect_load_refused(&scratch, PGC_EMIGRATION, "init.sql", NULL);
}

static void migrate__load__refuses_a_nul_byte(void **state)
{
    (void)state;
    folder_put(&scratch, "001_a.sql", "SELECT 1;\n");
    static const char with_nul[] = "SELECT 2;\nSE\0LECT 3;\n";
    folder_write(&scratch, "002_b.sql", with_nul, sizeof with_nul - 1);
    expect_load_refused(&scratch, PGC_EMIGRATION, "002_b.sql:2:3:", NULL);
}

static void migrate__load__refuses_two_files_of_one_version(void **state)
{
    (void)state;
    folder_put(&scratch, "001_a.sql", "SELECT 1;\n");
    folder_put(&scratch, "1_b.sql", "SELECT 2;\n");
    folder_put(&scratch, "002_c.sql", "SELECT 3;\n");
    expect_load_refused(&scratch, PGC_EMIGRATION, "001_a.sql", "1_b.sql");
}

static void migrate__load__refuses_a_missing_folder(void **state)
{
    (void)state;
    folder missing;
    path_join(missing.path, sizeof missing.path, scratch.path, "not-there");
    expect_load_refused(&missing, PGC_EIO, missing.path, NULL);
}

static void migrate__loaded_set__applies_and_detects_edits(void **state)
{
    fixture *f = *state;
    const folder *d = &scratch;
    folder_put(d, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n");
    folder_put(d, "002_seed.sql", "INSERT INTO {{tables.t}} VALUES (1);\n");
    pgc_migration_set *set = NULL;
    pgc_error err = {0};
    assert_ok(pgc_migration_set_load(&set, "app", d->path, &err), &err);
    assert_int_equal(migrate_ok(f->db, set, NULL), 2);
    pgc_migration_set_free(set);

    /* saved again with CRLF: the same file */
    folder_put(d, "002_seed.sql", "INSERT INTO {{tables.t}} VALUES (1);\r\n");
    assert_ok(pgc_migration_set_load(&set, "app", d->path, &err), &err);
    assert_int_equal(migrate_ok(f->db, set, NULL), 0);
    pgc_migration_set_free(set);

    /* edited */
    folder_put(d, "002_seed.sql", "INSERT INTO {{tables.t}} VALUES (2);\n");
    assert_ok(pgc_migration_set_load(&set, "app", d->path, &err), &err);
    err = migrate_fails(f->db, set, NULL, PGC_EEDITED, 0);
    expect_contains(err.message, "002_seed.sql");
    pgc_migration_set_free(set);
    expect_scalar(f, "1", "SELECT string_agg(n::text, ',') FROM %s.t", schema_of(f));
}

/* ------------------------------------------------------------------ */
/* Files the server accepts as they are                                 */
/* ------------------------------------------------------------------ */

static void migrate__file_that_changes_search_path__is_still_recorded(void **state)
{
    fixture *f = *state;
    /* As in pg_dump output: the file sets search_path for its transaction.
       The tracking table is schema-qualified, so the record still lands. */
    pgc_migration files[] = {
        {1, "001_elsewhere.sql",
         "CREATE SCHEMA elsewhere;\n"
         "SET LOCAL search_path TO elsewhere;\n"
         "CREATE TABLE t_else (n int);\n",
         NULL},
        {2, "002_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 2);
    assert_true(relation_exists(f, "elsewhere", "t_else"));
    assert_false(relation_exists(f, "elsewhere", "pgc_migrations"));
    expect_tracked(f, "app", "1,2");
}

static void migrate__comment_only_file__applies(void **state)
{
    fixture *f = *state;
    /* A placeholder the server runs without error (an empty query). */
    pgc_migration files[] = {
        {1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
        {2, "002_nothing.sql", "-- kept for the numbering; its change was reverted\n", NULL},
        {3, "003_u.sql", "CREATE TABLE {{tables.u}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 3);
    expect_tracked(f, "app", "1,2,3");
}


/* A no-transaction file runs statement by statement, outside a
 * transaction: a statement that controls the transaction (or works only
 * inside one) is refused before any of its statements runs, naming the file
 * and where; the lock is not taken, and the fixed file applies. */
static void migrate__transaction_control_in_no_transaction_file__is_refused_before_it_runs(
    void **state)
{
    fixture *f = *state;
    static const struct {
        const char *stmt;
        int column;
    } cases[] = {
        {"BEGIN;", 1},         {"COMMIT;", 1},           {"  START TRANSACTION;", 3},
        {"END;", 1},           {"ROLLBACK;", 1},         {"SAVEPOINT s;", 1},
        {"RELEASE s;", 1},     {"ROLLBACK TO s;", 1},    {"rollback work to savepoint s;", 1},
        {"ABORT;", 1},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "-- pgc:no-transaction\n"
                 "CREATE TABLE {{tables.t}} (n int);\n"
                 "%s\n"
                 "INSERT INTO {{tables.t}} VALUES (1);\n",
                 cases[i].stmt);
        pgc_migration files[] = {{1, "001_open.sql", sql, NULL}};
        pgc_migration_set set = SET("app", files);
        pgc_error err = migrate_fails(f->db, &set, NULL, PGC_EMIGRATION, 0);
        char expected[512];
        snprintf(expected, sizeof expected,
                 "001_open.sql:3:%d: transaction control statement in a no-transaction "
                 "migration; remove it (each statement of the file runs on its own, outside "
                 "a transaction)",
                 cases[i].column);
        if (strcmp(err.message, expected) != 0)
            print_error("case %zu\n", i);
        assert_string_equal(err.message, expected);
        assert_string_equal(err.statement, "001_open.sql");
        assert_int_equal(err.line, 3);
        assert_int_equal(err.column, cases[i].column);
        assert_false(tracking_exists(f));
        assert_false(relation_exists(f, schema_of(f), "t"));
        expect_scalar(f, "0", ADVISORY_LOCKS_SQL);
    }

    pgc_migration files[] = {{1, "001_open.sql",
                              "-- pgc:no-transaction\n"
                              "CREATE TABLE {{tables.t}} (n int);\n"
                              "INSERT INTO {{tables.t}} VALUES (1);\n",
                              NULL}};
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 1);
    expect_tracked(f, "app", "1");
    expect_scalar(f, "1", "SELECT count(*) FROM %s.t", schema_of(f));
}

/* The directive counts only before the file's first statement: further
 * down, the file runs in a transaction (where CREATE INDEX CONCURRENTLY
 * fails, and the table before it goes with the transaction). */
static void migrate__no_transaction_directive_after_a_statement__does_not_count(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_late.sql",
         "/* leading block comments count as comments */\n"
         "CREATE TABLE {{tables.t}} (n int);\n"
         "-- pgc:no-transaction\n"
         "CREATE INDEX CONCURRENTLY t_n ON {{tables.t}} (n);\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_ESQL, 0);
    assert_string_equal(err.sqlstate, "25001"); /* active_sql_transaction */
    assert_string_equal(err.statement, "001_late.sql");
    assert_string_equal(err.message, "001_late.sql: CREATE INDEX CONCURRENTLY cannot run "
                                     "inside a transaction block");
    assert_false(relation_exists(f, schema_of(f), "t"));
    expect_tracked(f, "app", "");

    files[0].sql = "/* leading block comments count as comments */\n"
                   "-- pgc:no-transaction\n"
                   "CREATE TABLE {{tables.t}} (n int);\n"
                   "CREATE INDEX CONCURRENTLY t_n ON {{tables.t}} (n);\n";
    assert_int_equal(migrate_ok(f->db, &set, NULL), 1);
    assert_true(relation_exists(f, schema_of(f), "t_n"));
}

/* What a migration does to its session stays with it: the connection it
 * ran on is not handed to the pool's other users. */
static void migrate__session_settings__do_not_leak_into_the_pool(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_set.sql",
         "SET work_mem = '777kB';\nCREATE TABLE {{tables.t}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 1);
    static const pgc_stmt show = {.name = "show_work_mem",
                                  .sql = "SELECT current_setting('work_mem')"};
    for (int i = 0; i < 4; i++) { /* every connection the pool holds */
        pgc_error err = {0};
        pgc_result *res;
        assert_ok(pgc_query(f->db, &show, NULL, NULL, NULL, &res, &err), &err);
        assert_string_equal(pgc_result_value(res, 0, 0), "4MB");
        pgc_result_free(res);
    }
}

/* Another process holding the lock past lock_wait_ms: PGC_ETIMEDOUT, and
 * nothing applied. */
static void migrate__lock_held_elsewhere__times_out(void **state)
{
    fixture *f = *state;
    PGconn *holder = PQconnectdb(pgc_testdb_conninfo(f->tdb));
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(hashtextextended('pgc.migrate:app@%s', 0))",
             label_of(f));
    PGresult *res = PQexec(holder, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);

    pgc_migration files[] = {{1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL}};
    pgc_migration_set set = SET("app", files);
    pgc_migrate_options opts = {.lock_wait_ms = 200};
    pgc_error err = migrate_fails(f->db, &set, &opts, PGC_ETIMEDOUT, 0);
    expect_contains(err.message, "200 ms");
    assert_false(relation_exists(f, schema_of(f), "t"));
    PQfinish(holder); /* releases the lock */
    assert_int_equal(migrate_ok(f->db, &set, &opts), 1);
}

static void migrate__version_beyond_bigint__is_refused(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {(uint64_t)INT64_MAX + 1, "big.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_EMIGRATION, 0);
    expect_contains(err.message, "big.sql");
    assert_false(tracking_exists(f));
}

/* A role that owns its schema but may not create schemas in the database
 * can still migrate into it. */
static void migrate__owner_of_an_existing_schema__needs_no_create_privilege(void **state)
{
    fixture *f = *state;
    free(fixture_scalar(f, "CREATE ROLE pgc_app_owner LOGIN"));
    free(fixture_scalar(f, "CREATE SCHEMA owned AUTHORIZATION pgc_app_owner"));
    char conninfo[1024];
    snprintf(conninfo, sizeof conninfo, "%s user=pgc_app_owner", pgc_testdb_conninfo(f->tdb));
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    pgc_db *db;
    assert_ok(pgc_db_open(&db, cfg, "owned", &err), &err);
    pgc_config_free(cfg);
    pgc_migration files[] = {{1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL}};
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(db, &set, NULL), 1);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_true(relation_exists(f, "owned", "t"));
    free(fixture_scalar(f, "DROP SCHEMA owned CASCADE"));
    free(fixture_scalar(f, "DROP ROLE pgc_app_owner"));
}

/* ------------------------------------------------------------------ */
/* Each file in the session state the run began with                    */
/* ------------------------------------------------------------------ */

/* A role for a test (roles are the cluster's: made if missing, dropped by
 * drop_role, with what it owns and was granted in the test's database). */
static void ensure_role(const fixture *f, const char *role)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "DO $$BEGIN CREATE ROLE %s; EXCEPTION WHEN duplicate_object THEN NULL; END$$",
             role);
    free(fixture_scalar(f, sql));
}

static void drop_role(const fixture *f, const char *role)
{
    char sql[256];
    snprintf(sql, sizeof sql, "DROP OWNED BY %s; DROP ROLE %s", role, role);
    free(fixture_scalar(f, sql));
}

/*
 * Four files for module `tag`: 001 (in a transaction) and 003 (without)
 * change the session: search_path, role (003: session authorization), a
 * setting, a temporary table, a prepared statement, a LISTEN; 002
 * and 004 write down the session they find (tables seen_TAG_2, seen_TAG_4)
 * and create an unqualified table (unq_TAG_2, unq_TAG_4).
 */
typedef struct session_files {
    char sql[4][1024];
    pgc_migration files[4];
} session_files;

static void session_files_make(session_files *sf, const char *tag)
{
    static const char *const setter =
        "%sSET search_path TO side;\n%s pgc_mig_setter;\nSET work_mem = '%s';\n"
        "CREATE TEMP TABLE leftover_%d (n int);\nPREPARE leftover_%d AS SELECT 1;\n"
        "LISTEN leftover_%d;\n";
    static const char *const seer =
        "%sCREATE TABLE {{tables.seen_%s_%d}} AS SELECT current_setting('search_path') AS path,"
        " current_user || '/' || session_user AS who, current_setting('work_mem') AS mem,"
        " to_regclass('pg_temp.leftover_1') IS NULL AND to_regclass('pg_temp.leftover_3') IS NULL"
        " AND NOT EXISTS (SELECT FROM pg_prepared_statements WHERE name LIKE 'leftover%%')"
        " AND NOT EXISTS (SELECT FROM pg_listening_channels() c WHERE c LIKE 'leftover%%')"
        " AS clean;\nCREATE TABLE unq_%s_%d (n int);\n";
    static const char notx[] = "-- pgc:no-transaction\n";
    snprintf(sf->sql[0], sizeof sf->sql[0], setter, "", "SET ROLE", "1111kB", 1, 1, 1);
    snprintf(sf->sql[1], sizeof sf->sql[1], seer, "", tag, 2, tag, 2);
    snprintf(sf->sql[2], sizeof sf->sql[2], setter, notx, "SET SESSION AUTHORIZATION",
             "2222kB", 3, 3, 3);
    snprintf(sf->sql[3], sizeof sf->sql[3], seer, notx, tag, 4, tag, 4);
    static const char *const names[] = {"001_set.sql", "002_seen.sql", "003_set.sql",
                                        "004_seen.sql"};
    for (int i = 0; i < 4; i++)
        sf->files[i] = (pgc_migration){(uint64_t)i + 1, names[i], sf->sql[i], NULL};
}

/* What file n of module tag saw, as "path|who|mem|clean|schema of unq". */
static char *seen_by(const fixture *f, const char *tag, int n)
{
    return vscalar_of(f,
                      "SELECT concat_ws('|', path, who, mem, clean,"
                      " (SELECT relnamespace::regnamespace::text FROM pg_class"
                      " WHERE relname = 'unq_%s_%d')) FROM %s.seen_%s_%d",
                      tag, n, schema_of(f), tag, n);
}

/* A SET in one file (search_path, role, a setting, a temporary table) does
 * not reach the next: every file sees what it sees when run on its own. */
static void migrate__session_set_in_a_file__does_not_reach_the_next(void **state)
{
    fixture *f = *state;
    ensure_role(f, "pgc_mig_setter");
    free(fixture_scalar(f, "CREATE SCHEMA side; GRANT ALL ON SCHEMA side, public"
                           " TO pgc_mig_setter"));

    /* module "one": the four files in one run */
    session_files one;
    session_files_make(&one, "one");
    pgc_migration_set one_set = SET("one", one.files);
    assert_int_equal(migrate_ok(f->db, &one_set, NULL), 4);

    /* module "apart": one run per file */
    session_files apart;
    session_files_make(&apart, "apart");
    for (size_t n = 1; n <= 4; n++) {
        pgc_migration_set part = {"apart", n, apart.files};
        assert_int_equal(migrate_ok(f->db, &part, NULL), 1);
    }

    char *me = fixture_scalar(f, "SELECT current_user");
    for (int n = 2; n <= 4; n += 2) {
        char *got_one = seen_by(f, "one", n), *got_apart = seen_by(f, "apart", n);
        char expected[256];
        snprintf(expected, sizeof expected, "\"$user\", public|%s/%s|4MB|t|public", me, me);
        assert_string_equal(got_apart, expected);
        assert_string_equal(got_one, got_apart);
        free(got_one);
        free(got_apart);
    }
    /* the records are the run's, not the role's the files set */
    expect_scalar(f, "8",
                  "SELECT count(*) FROM %s.pgc_migrations WHERE applied_by = current_user",
                  schema_of(f));
    expect_tracked(f, "one", "1,2,3,4");
    expect_tracked(f, "apart", "1,2,3,4");
    free(me);
    free(fixture_scalar(f, "DROP SCHEMA side CASCADE"));
    drop_role(f, "pgc_mig_setter");
}

/* The state a run begins with is the pool's (server.* settings, init
 * statements), not the server's defaults; two libraries on one pool. */
static void migrate__session_state__is_the_pools_in_two_schemas(void **state)
{
    fixture *f = *state;
    free(fixture_scalar(f, "CREATE SCHEMA side"));
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "4", "server.search_path", "side",
                                     "init", "SET work_mem = '3333kB'", NULL);
    pgc_pool *pool = NULL;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *s1 = NULL, *s2 = NULL;
    assert_ok(pgc_db_attach(&s1, pool, "s1", &err), &err);
    assert_ok(pgc_db_attach(&s2, pool, "s2", &err), &err);
    pgc_migration files[] = {
        {1, "001_set.sql", "SET search_path TO {{schema}};\nRESET work_mem;\n", NULL},
        {2, "002_seen.sql",
         "CREATE TABLE {{tables.seen}} AS SELECT current_setting('search_path') AS path,"
         " current_setting('work_mem') AS mem;\n",
         NULL},
    };
    pgc_migration_set set = SET("lib", files);
    assert_int_equal(migrate_ok(s1, &set, NULL), 2);
    assert_int_equal(migrate_ok(s2, &set, NULL), 2);
    expect_scalar(f, "side|3333kB", "SELECT path || '|' || mem FROM s1.seen");
    expect_scalar(f, "side|3333kB", "SELECT path || '|' || mem FROM s2.seen");
    assert_int_equal(pgc_db_close(s1), PGC_OK);
    assert_int_equal(pgc_db_close(s2), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

/* A no-transaction file that sets a role without rights on the tracking
 * table is still recorded (as the run's user), and the file after it runs
 * as the run's user. */
static void migrate__no_transaction_file_setting_a_role__is_recorded(void **state)
{
    fixture *f = *state;
    ensure_role(f, "pgc_mig_weak");
    pgc_migration files[] = {
        {1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
        {2, "002_role.sql",
         "-- pgc:no-transaction\nSET ROLE pgc_mig_weak;\nSELECT 1;\n", NULL},
        {3, "003_u.sql", "CREATE TABLE {{tables.u}} (n int);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(f->db, &set, NULL), 3);
    expect_tracked(f, "app", "1,2,3");
    expect_scalar(f, "3", "SELECT count(*) FROM %s.pgc_migrations WHERE applied_by = current_user",
                  schema_of(f));
    expect_scalar(f, "t", "SELECT tableowner = current_user FROM pg_tables"
                          " WHERE schemaname = '%s' AND tablename = 'u'", schema_of(f));
    drop_role(f, "pgc_mig_weak");
}

/* A failure after a no-transaction file's statements (its record) names
 * the file; nothing counts as applied. */
static void migrate__no_transaction_file_whose_record_fails__names_the_file(void **state)
{
    fixture *f = *state;
    pgc_migration files[] = {
        {1, "001_drop.sql", "-- pgc:no-transaction\nDROP TABLE {{schema}}.pgc_migrations;\n",
         NULL},
    };
    pgc_migration_set set = SET("app", files);
    pgc_error err = migrate_fails(f->db, &set, NULL, PGC_ESQL, 0);
    char expected[256];
    snprintf(expected, sizeof expected,
             "001_drop.sql: relation \"%s.pgc_migrations\" does not exist", schema_of(f));
    assert_string_equal(err.message, expected);
    assert_string_equal(err.statement, "001_drop.sql");
    assert_string_equal(err.sqlstate, "42P01");
    expect_scalar(f, "0", ADVISORY_LOCKS_SQL);
}

/* A no-transaction file whose lock is not taken is not counted. */
static void migrate__no_transaction_file_not_locked__counts_nothing(void **state)
{
    fixture *f = *state;
    PGconn *holder = PQconnectdb(pgc_testdb_conninfo(f->tdb));
    assert_int_equal(PQstatus(holder), CONNECTION_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_lock(hashtextextended('pgc.migrate:app@%s', 0))",
             label_of(f));
    PGresult *res = PQexec(holder, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    pgc_migration files[] = {{1, "001_i.sql", "-- pgc:no-transaction\nSELECT 1;\n", NULL}};
    pgc_migration_set set = SET("app", files);
    pgc_migrate_options opts = {.lock_wait_ms = 100};
    pgc_error err = migrate_fails(f->db, &set, &opts, PGC_ETIMEDOUT, 0);
    expect_contains(err.message, "100 ms");
    expect_tracked(f, "app", "");
    PQfinish(holder);
    assert_int_equal(migrate_ok(f->db, &set, &opts), 1);
}

/* A renamed schema keeps its history under the old name: refused, never
 * applied again, until the history is adopted as the error says; the other
 * library on the pool is not affected. */
static void migrate__renamed_schema__is_refused_not_applied_twice(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *a = NULL, *c = NULL, *b = NULL;
    assert_ok(pgc_db_attach(&a, f->pool, "a", &err), &err);
    assert_ok(pgc_db_attach(&c, f->pool, "c", &err), &err);
    pgc_migration files[] = {
        {1, "001_t.sql", "CREATE TABLE {{tables.t}} (n int);\n", NULL},
        {2, "002_seed.sql", "INSERT INTO {{tables.t}} VALUES (1);\n", NULL},
    };
    pgc_migration_set set = SET("app", files);
    assert_int_equal(migrate_ok(a, &set, NULL), 2);
    assert_int_equal(migrate_ok(c, &set, NULL), 2);
    assert_int_equal(pgc_db_close(a), PGC_OK);
    free(fixture_scalar(f, "ALTER SCHEMA a RENAME TO b"));

    assert_ok(pgc_db_attach(&b, f->pool, "b", &err), &err);
    err = migrate_fails(b, &set, NULL, PGC_EMIGRATION, 0);
    assert_string_equal(err.message,
                        "schema \"b\" holds the migration history of module \"app\" in schema "
                        "\"a\": was the schema renamed? Nothing was applied; if it is the same "
                        "schema, adopt the history with UPDATE \"b\".pgc_migrations SET "
                        "schema_name = 'b' WHERE schema_name = 'a'");
    expect_scalar(f, "1", "SELECT count(*) FROM b.t");
    pgc_migration_status *st = NULL;
    size_t n = 0;
    memset(&err, 0, sizeof err);
    assert_int_equal(pgc_migrate_status(b, &set, &st, &n, &err), PGC_EMIGRATION);
    expect_prefix(err.message, "schema \"b\" holds the migration history");
    assert_int_equal(migrate_ok(c, &set, NULL), 0);

    free(fixture_scalar(f, "UPDATE \"b\".pgc_migrations SET schema_name = 'b'"
                           " WHERE schema_name = 'a'"));
    assert_int_equal(migrate_ok(b, &set, NULL), 0);
    expect_scalar(f, "1", "SELECT count(*) FROM b.t");
    expect_scalar(f, "1", "SELECT count(*) FROM c.t");
    assert_int_equal(pgc_db_close(b), PGC_OK);
    assert_int_equal(pgc_db_close(c), PGC_OK);
}

/* ------------------------------------------------------------------ */

#define RACE_BOTH_MODES(fn)                                                                   \
    {#fn "/standalone", fn, fixture_setup, race_teardown, (void *)&fixture_standalone},       \
    {#fn "/embedded", fn, fixture_setup, race_teardown, (void *)&fixture_embedded}

#define WITH_SCRATCH(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

#define EMBEDDED_ONLY(fn) \
    {#fn "/embedded", fn, fixture_setup, fixture_teardown, (void *)&fixture_embedded}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrate__version__parses_leading_digits),
        cmocka_unit_test(migrate__version__refuses_names_without_one),
        cmocka_unit_test(migrate__checksum__is_sha256_with_crlf_as_lf),
        WITH_SCRATCH(migrate__load__orders_by_version_and_skips_down_files),
        WITH_SCRATCH(migrate__load__normalises_crlf_in_checksums),
        WITH_SCRATCH(migrate__load__refuses_a_name_without_version),
        WITH_SCRATCH(migrate__load__refuses_a_nul_byte),
        WITH_SCRATCH(migrate__load__refuses_two_files_of_one_version),
        WITH_SCRATCH(migrate__load__refuses_a_missing_folder),
        BOTH_MODES(migrate__versions__sort_as_numbers_not_text),
        BOTH_MODES(migrate__transaction_control_in_no_transaction_file__is_refused_before_it_runs),
        BOTH_MODES(migrate__no_transaction_directive_after_a_statement__does_not_count),
        BOTH_MODES(migrate__session_settings__do_not_leak_into_the_pool),
        BOTH_MODES(migrate__lock_held_elsewhere__times_out),
        BOTH_MODES(migrate__version_beyond_bigint__is_refused),
        EMBEDDED_ONLY(migrate__owner_of_an_existing_schema__needs_no_create_privilege),
        BOTH_MODES(migrate__pending_files__are_applied_and_recorded),
        BOTH_MODES(migrate__two_modules_on_one_db__keep_separate_histories),
        BOTH_MODES(migrate__edited_file__is_refused),
        BOTH_MODES(migrate__file_resaved_with_crlf__is_not_edited),
        BOTH_MODES(migrate__failing_file__leaves_no_trace),
        BOTH_MODES(migrate__failing_no_transaction_file__names_line_and_column),
        BOTH_MODES(migrate__transaction_control__is_refused_before_anything_runs),
        BOTH_MODES(migrate__dollar_quoted_begin__is_not_transaction_control),
        BOTH_MODES(migrate__begin_atomic_body__is_not_transaction_control),
        BOTH_MODES(migrate__older_new_file__is_refused_unless_allowed),
        BOTH_MODES(migrate__duplicate_versions__are_refused),
        BOTH_MODES(migrate__no_transaction_file__applies_and_is_recorded),
        BOTH_MODES(migrate__file_that_changes_search_path__is_still_recorded),
        BOTH_MODES(migrate__comment_only_file__applies),
        BOTH_MODES(migrate__session_set_in_a_file__does_not_reach_the_next),
        EMBEDDED_ONLY(migrate__session_state__is_the_pools_in_two_schemas),
        BOTH_MODES(migrate__no_transaction_file_setting_a_role__is_recorded),
        BOTH_MODES(migrate__no_transaction_file_whose_record_fails__names_the_file),
        BOTH_MODES(migrate__no_transaction_file_not_locked__counts_nothing),
        EMBEDDED_ONLY(migrate__renamed_schema__is_refused_not_applied_twice),
        BOTH_MODES(migrate__status_and_dry_run__report_without_changing),
        EMBEDDED_ONLY(migrate__two_libraries_in_one_pool__keep_separate_histories),
        {"migrate__loaded_set__applies_and_detects_edits/standalone",
         migrate__loaded_set__applies_and_detects_edits, fixture_scratch_setup,
         fixture_scratch_teardown, (void *)&fixture_standalone},
        {"migrate__loaded_set__applies_and_detects_edits/embedded",
         migrate__loaded_set__applies_and_detects_edits, fixture_scratch_setup,
         fixture_scratch_teardown, (void *)&fixture_embedded},
        RACE_BOTH_MODES(migrate__concurrent_processes__apply_each_file_once),
        RACE_BOTH_MODES(migrate__concurrent_processes_with_no_transaction_file__apply_each_file_once),
        RACE_BOTH_MODES(migrate__concurrent_modules_in_one_schema__apply_each_file_once),
    };
    return cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
}
