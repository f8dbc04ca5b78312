/*
 * rel_hostile.c - hostile input to the runtime: each is refused with a clear
 * error or handled as data, never run as SQL, never a crash.
 *
 *  - schema names with quotes, semicolons, spaces, invalid UTF-8, 64 bytes,
 *    empty: refused (PGC_EIDENT) before any SQL, nothing created; unicode
 *    and 63 bytes: accepted and used, case kept;
 *  - table names in templates ({{tables.a;b}} ...): refused;
 *  - parameters carrying SQL, templates, quotes, 1 MB: stored as data and
 *    read back byte for byte (named and unnamed statements);
 *  - bytea parameters with NUL bytes and invalid UTF-8: stored exactly;
 *    text parameters with invalid UTF-8: the server refuses (22021), the
 *    connection goes on;
 *  - migration files with BEGIN/COMMIT, invalid UTF-8, unterminated
 *    quotes, bad templates, NUL bytes: refused naming the file, nothing
 *    applied; a hostile module name is data in the tracking table;
 *  - an enormous migration file (REL_BIG_MB, default 50 MB) loaded from a
 *    folder and applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ledger.h"
#include "rel.h"

static int big_mb;

static pgc_db *open_db(const char *ci, const char *schema, const char *statements)
{
    pgc_config *cfg = rel_config(ci, "statements", statements, (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    rel_ok(pgc_db_open(&db, cfg, schema, &err), &err);
    pgc_config_free(cfg);
    return db;
}

/* ---- names ------------------------------------------------------------------- */

static void hostile__schema_names__refused_or_used_safely(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    char n64[65], n63[64];
    memset(n64, 'a', 64);
    n64[64] = '\0';
    memset(n63, 'b', 63);
    n63[63] = '\0';
    const char *refused[] = {
        "a\"b", "x; DROP TABLE t", "x\"; DROP SCHEMA public CASCADE; --", "", n64, "a b",
        "a.b", "1abc", "\xff\xfe", "caf\xc3", "tab\tname", "new\nline", "--", "$x", "a'b",
    };
    long long before = rel_count(ci, "SELECT count(*) FROM pg_namespace");
    pgc_config *cfg = rel_config(ci, (const char *)NULL);
    pgc_pool *pool;
    pgc_error err = {0};
    rel_ok(pgc_pool_open(&pool, cfg, &err), &err);
    for (size_t i = 0; i < REL_COUNT_OF(refused); i++) {
        pgc_db *db = NULL;
        pgc_error e = {0};
        rel_fails(pgc_db_attach(&db, pool, refused[i], &e), PGC_EIDENT, &e);
        assert_null(db);
        assert_true(e.message[0] != '\0');
        rel_fails(pgc_db_open(&db, cfg, refused[i], &e), PGC_EIDENT, &e);
        assert_null(db);
    }
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_namespace"), before);

    /* Accepted: used as given (quoted, case kept), tables and all. */
    const char *accepted[] = {n63, "sch\xc3\xa9ma_\xe6\x97\xa5\xe6\x9c\xac", "Mixed_Case$1"};
    for (size_t i = 0; i < REL_COUNT_OF(accepted); i++) {
        pgc_db *db;
        rel_ok(pgc_db_attach(&db, pool, accepted[i], &err), &err);
        rel_ok(ledger_migrate(db, &err), &err);
        rel_ok(ledger_add_entry(db, 7, 1, 70, "in a hostile-looking schema", &err), &err);
        ledger_get_entry_row row = {0};
        rel_ok(ledger_get_entry(db, 7, &row, &err), &err);
        assert_int_equal(row.amount, 70);
        ledger_get_entry_row_clear(&row);
        assert_int_equal(pgc_db_close(db), PGC_OK);
        /* The schema exists under exactly that name. */
        PGconn *conn = PQconnectdb(ci);
        const char *v[] = {accepted[i]};
        PGresult *res = PQexecParams(conn, "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                                     1, NULL, v, NULL, NULL, 0);
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        assert_string_equal(PQgetvalue(res, 0, 0), "1");
        PQclear(res);
        PQfinish(conn);
    }
    pgc_config_free(cfg);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
    rel_report("hostile schema names: %zu refused with PGC_EIDENT (no schema created), %zu "
               "accepted and used (63 bytes, unicode, mixed case)",
               REL_COUNT_OF(refused), REL_COUNT_OF(accepted));
}

static void hostile__template_table_names__refused(void **state)
{
    pgc_testdb *t = *state;
    pgc_db *db = open_db(pgc_testdb_conninfo(t), "lib", "named");
    char long_name[128];
    snprintf(long_name, sizeof long_name, "SELECT 1 FROM {{tables.%064d}}", 0);
    const char *sql[] = {
        "SELECT 1 FROM {{tables.a;b}}", "SELECT 1 FROM {{tables.a\"b}}",
        "SELECT 1 FROM {{tables.}}", "SELECT 1 FROM {{tables.a b}}", long_name,
        "SELECT 1 FROM {{tables.x; DROP TABLE y}}", "SELECT 1 FROM {{tables.t", "{{nope}}",
        "SELECT 1 FROM {{tables.\xff}}",
    };
    for (size_t i = 0; i < REL_COUNT_OF(sql); i++) {
        pgc_error e = {0};
        int rc = pgc_exec(db, sql[i], NULL, &e);
        if (rc != PGC_ETEMPLATE && rc != PGC_EIDENT && rc != PGC_ESYNTAX)
            print_error("%s: got %s: %s\n", sql[i], pgc_code_name(rc), e.message);
        assert_true(rc == PGC_ETEMPLATE || rc == PGC_EIDENT || rc == PGC_ESYNTAX);
        assert_true(e.line >= 1 && e.column >= 1);
        pgc_stmt st = {.name = "hostile", .sql = sql[i]};
        rc = pgc_query(db, &st, NULL, NULL, NULL, NULL, &e);
        assert_true(rc == PGC_ETEMPLATE || rc == PGC_EIDENT || rc == PGC_ESYNTAX);
    }
    assert_int_equal(pgc_db_close(db), PGC_OK);
}

/* ---- configuration values ------------------------------------------------------- */

static void hostile__config_values__refused_or_data(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    pgc_config *cfg = pgc_config_new();
    pgc_error e = {0};
    rel_fails(pgc_config_set(cfg, "statements", "named; DROP TABLE x", &e), PGC_ECONFIG, &e);
    assert_non_null(strstr(e.message, "statements"));
    rel_fails(pgc_config_set(cfg, "statements", "", &e), PGC_ECONFIG, &e);
    rel_fails(pgc_config_set(cfg, "server.a;b", "1", &e), PGC_ECONFIG, &e);
    rel_fails(pgc_config_set(cfg, "server.x' = 1; DROP TABLE t; --", "1", &e), PGC_ECONFIG, &e);
    pgc_config_free(cfg);

    /* Values reach the server as parameters: data, whatever they hold. */
    static const char app[] = "app'); DROP TABLE entries; --";
    cfg = rel_config(ci, "application_name", app, "statements", "unnamed",
                     "server.search_path", "public\", \"x; DROP TABLE y", (const char *)NULL);
    pgc_db *db;
    pgc_error err = {0};
    int rc = pgc_db_open(&db, cfg, NULL, &e);
    /* The server may refuse that search_path (PGC_ECONFIG) or keep it as a
       list of odd names; either way nothing ran. */
    if (rc == PGC_OK) {
        assert_int_equal(pgc_db_close(db), PGC_OK);
    } else {
        rel_fails(rc, PGC_ECONFIG, &e);
    }
    pgc_config_free(cfg);
    cfg = rel_config(ci, "application_name", app, "statements", "unnamed", (const char *)NULL);
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    pgc_result *res;
    static const pgc_stmt who = {.name = "who",
                                 .sql = "SELECT current_setting('application_name')"};
    rel_ok(pgc_query(db, &who, NULL, NULL, NULL, &res, &err), &err);
    assert_string_equal(pgc_result_value(res, 0, 0), app);
    pgc_result_free(res);
    assert_int_equal(pgc_db_close(db), PGC_OK);
}

/* ---- parameters -------------------------------------------------------------- */

static void put_get(pgc_db *db, int64_t id, const char *body, const pgc_bytes *blob)
{
    pgc_error err = {0};
    rel_ok(ledger_put_note(db, id, body, blob, &err), &err);
    ledger_get_note_row row = {0};
    rel_ok(ledger_get_note(db, id, &row, &err), &err);
    if (body) {
        assert_false(row.body_is_null);
        assert_string_equal(row.body, body);
    }
    if (blob) {
        assert_false(row.blob_is_null);
        assert_int_equal(row.blob.len, blob->len);
        assert_memory_equal(row.blob.data, blob->data, blob->len);
    }
    ledger_get_note_row_clear(&row);
}

static void hostile__parameters__stored_as_data(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    char *mega = malloc(1 << 20);
    assert_non_null(mega);
    for (size_t i = 0; i < (1 << 20) - 1; i++)
        mega[i] = "';--\"$\\{}"[i % 10];
    mega[(1 << 20) - 1] = '\0';
    const char *bodies[] = {
        "'); DROP TABLE notes; --",
        "x'; DROP TABLE entries; SELECT '",
        "$1", "$2::text", "{{tables.entries}}", "{{schema}}",
        "\\'; SELECT pg_sleep(10); --",
        "$$; DROP TABLE notes; $$",
        "\"; DROP TABLE \"notes",
        "/* unterminated comment",
        "E'\\x00'",
        "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x98",
        "",
        mega,
    };
    static const unsigned char raw[] = {0, 'a', 0, 0xff, 0xfe, '\'', ';', 0x80, 0};
    pgc_bytes blob = {raw, sizeof raw};
    const char *modes[] = {"named", "unnamed"};
    int64_t id = 1;
    for (size_t m = 0; m < 2; m++) {
        /* Migrated over named statements: with "unnamed" the runner refuses
           ledger's no-transaction file (pgc.h). */
        pgc_db *db = open_db(ci, m ? "two" : "one", "named");
        pgc_error err = {0};
        rel_ok(ledger_migrate(db, &err), &err);
        assert_int_equal(pgc_db_close(db), PGC_OK);
        db = open_db(ci, m ? "two" : "one", modes[m]);
        for (size_t i = 0; i < REL_COUNT_OF(bodies); i++)
            put_get(db, id++, bodies[i], &blob);
        /* Invalid UTF-8 in a text parameter: refused by the server, as data. */
        pgc_error e = {0};
        rel_fails(ledger_put_note(db, 999, "bad \xff\xfe utf-8", NULL, &e), PGC_ESQL, &e);
        assert_string_equal(e.sqlstate, "22021");
        rel_fails(ledger_put_note(db, 998, "caf\xc3", NULL, &e), PGC_ESQL, &e);
        ledger_get_note_row row = {0};
        rel_fails(ledger_get_note(db, 999, &row, &e), PGC_ENOROW, &e);
        assert_int_equal(pgc_db_close(db), PGC_OK);
    }
    /* Nothing ran as SQL: every table is there, with what was put in it. */
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM one.notes"), REL_COUNT_OF(bodies));
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM two.notes"), REL_COUNT_OF(bodies));
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM one.entries"), 0);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM one.notes WHERE blob ="
                                   " '\\x000061000000fffe273b8000'::bytea"), 0);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM one.notes WHERE blob ="
                                   " '\\x006100fffe273b8000'::bytea"),
                     REL_COUNT_OF(bodies));
    free(mega);
    rel_report("hostile parameters: %zu SQL-carrying text values (1 MB included) and a bytea "
               "with NULs and invalid UTF-8 stored and read back exactly, named and unnamed "
               "statements; invalid UTF-8 text refused by the server (22021)",
               REL_COUNT_OF(bodies));
}

/* ---- migrations ------------------------------------------------------------------ */

typedef struct bad_file {
    const char *sql;
    int code;        /* expected */
    const char *in;  /* expected in the message */
} bad_file;

static void hostile__migration_files__refused_naming_the_file(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    const bad_file bad[] = {
        {"BEGIN;\nCREATE TABLE {{tables.evil}} (n int);\nCOMMIT;\n", PGC_EMIGRATION, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\ncommit;\n", PGC_EMIGRATION, "002_bad.sql"},
        {"START TRANSACTION;\nCREATE TABLE {{tables.evil}} (n int);\n", PGC_EMIGRATION,
         "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\nROLLBACK;\n", PGC_EMIGRATION, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\nSELECT '\xff\xfe';\n", PGC_ESQL, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\nSELECT 'unterminated;\n", -1, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\nSELECT $q$ never closed;\n", -1, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int); /* never closed\n", -1, "002_bad.sql"},
        {"CREATE TABLE {{tables.ev;il}} (n int);\n", -1, "002_bad.sql"},
        {"CREATE TABLE {{tables.evil}} (n int);\nSELECT 1/0;\n", PGC_ESQL, "002_bad.sql"},
    };
    pgc_db *db = open_db(ci, "lib", "named");
    pgc_migration first[] = {
        {1, "001_ok.sql", "CREATE TABLE IF NOT EXISTS {{tables.fine}} (n int);\n", NULL},
    };
    pgc_migration_set first_set = {"hostile", 1, first};
    pgc_error err = {0};
    rel_ok(pgc_migrate(db, &first_set, NULL, NULL, &err), &err);
    for (size_t i = 0; i < REL_COUNT_OF(bad); i++) {
        pgc_migration files[] = {
            {1, "001_ok.sql", "CREATE TABLE IF NOT EXISTS {{tables.fine}} (n int);\n", NULL},
            {2, "002_bad.sql", bad[i].sql, NULL},
        };
        pgc_migration_set set = {"hostile", 2, files};
        pgc_error e = {0};
        size_t applied = 99;
        int rc = pgc_migrate(db, &set, NULL, &applied, &e);
        if (rc == PGC_OK || (bad[i].code >= 0 && rc != bad[i].code)
            || !strstr(e.message, bad[i].in))
            print_error("file %zu: %s: %s\n", i, pgc_code_name(rc), e.message);
        assert_int_not_equal(rc, PGC_OK);
        if (bad[i].code >= 0)
            assert_int_equal(rc, bad[i].code);
        assert_non_null(strstr(e.message, bad[i].in));
        assert_int_equal(rel_count(ci, "SELECT count(*) FROM pg_tables WHERE tablename = 'evil'"),
                         0);
        assert_int_equal(rel_count(ci, "SELECT count(*) FROM lib.pgc_migrations"
                                       " WHERE version = 2"), 0);
    }
    /* A hostile module name is data: recorded as given. */
    static const char module[] = "m'); DROP TABLE lib.fine; --";
    pgc_migration ok[] = {{1, "001_ok.sql", "SELECT 1;\n", NULL}};
    pgc_migration_set set = {module, 1, ok};
    rel_ok(pgc_migrate(db, &set, NULL, NULL, &err), &err);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM lib.pgc_migrations WHERE module ="
                                   " 'm''); DROP TABLE lib.fine; --'"), 1);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM lib.fine"), 0); /* still there */
    assert_int_equal(pgc_db_close(db), PGC_OK);

    /* A file with a NUL byte, loaded from a folder: refused naming it. */
    char dir[] = "/tmp/pgc-rel-nul-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/001_nul.sql", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("SELECT 1;\0DROP TABLE lib.fine;\n", 1, 31, f);
    fclose(f);
    pgc_migration_set *loaded = NULL;
    pgc_error e = {0};
    int rc = pgc_migration_set_load(&loaded, "nul", dir, &e);
    assert_int_not_equal(rc, PGC_OK);
    assert_null(loaded);
    assert_non_null(strstr(e.message, "001_nul.sql"));
    unlink(path);
    rmdir(dir);
    rel_report("hostile migration files: %zu (BEGIN/COMMIT, ROLLBACK, invalid UTF-8, "
               "unterminated quotes and comments, bad templates, errors) refused naming the "
               "file, nothing applied; NUL byte refused at load; hostile module name stored "
               "as data", REL_COUNT_OF(bad));
}

static void hostile__enormous_migration__applied(void **state)
{
    pgc_testdb *t = *state;
    const char *ci = pgc_testdb_conninfo(t);
    char dir[] = "/tmp/pgc-rel-big-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/001_big.sql", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    size_t target = (size_t)big_mb << 20, written = 0;
    long long rows = 0;
    written += (size_t)fprintf(f, "CREATE TABLE {{tables.big}} (n integer, note text);\n");
    /* Statements of ~1 KB: a lexer, a renderer and a server parse of it all. */
    char pad[900];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    while (written < target) {
        written += (size_t)fprintf(f, "INSERT INTO {{tables.big}} VALUES (%lld, '%s;'' -- "
                                      "{{tables.not_a_template}}');\n", rows, pad);
        rows++;
    }
    fclose(f);
    double t0 = rel_now();
    pgc_migration_set *set = NULL;
    pgc_error err = {0};
    rel_ok(pgc_migration_set_load(&set, "big", dir, &err), &err);
    pgc_db *db = open_db(ci, "lib", "named");
    size_t applied = 0;
    rel_ok(pgc_migrate(db, set, NULL, &applied, &err), &err);
    double secs = rel_now() - t0;
    assert_int_equal(applied, 1);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM lib.big"), rows);
    assert_int_equal(rel_count(ci, "SELECT count(*) FROM lib.big WHERE note LIKE"
                                   " '%%{{tables.not_a_template}}'"), rows);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    pgc_migration_set_free(set);
    unlink(path);
    rmdir(dir);
    rel_report("enormous migration: %d MB, %lld statements, loaded and applied in %.1f s",
               big_mb, rows, secs);
}

int main(void)
{
    big_mb = rel_size("REL_BIG_MB", 50, 1024);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hostile__schema_names__refused_or_used_safely,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(hostile__template_table_names__refused,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(hostile__config_values__refused_or_data,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(hostile__parameters__stored_as_data, pgc_testdb_setup,
                                        pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(hostile__migration_files__refused_naming_the_file,
                                        pgc_testdb_setup, pgc_testdb_teardown),
        cmocka_unit_test_setup_teardown(hostile__enormous_migration__applied, pgc_testdb_setup,
                                        pgc_testdb_teardown),
    };
    return cmocka_run_group_tests_name("rel_hostile", tests, NULL, NULL);
}
