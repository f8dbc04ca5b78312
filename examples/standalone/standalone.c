/*
 * standalone.c - the accounts library used alone: it opens its own pool
 * from a connection string and owns it; no host, no shared pool.  The
 * library's code, SQL and migrations are the ones host.c embeds.
 *
 * It checks every result it expects and exits 1 at the first surprise
 * (run it on a database where the accounts library has no users yet).
 *
 *   usage: standalone [CONNINFO [SCHEMA]]
 *          (default: $PGC_TEST_CONNINFO, and no schema: tables in public)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lib.h"

static pgc_error err; /* filled by the call that failed */

/* Stops the program when a call failed (closers take no error record). */
static void ok(int rc, const char *what)
{
    if (rc == PGC_OK)
        return;
    fprintf(stderr, "standalone: %s: %s: %s\n", what, pgc_code_name(rc),
            err.code == rc ? err.message : pgc_strerror(rc));
    exit(1);
}

/* Stops the program when a result is not the one expected. */
static void expect(bool cond, const char *fmt, ...)
{
    if (cond)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("standalone: unexpected: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void section(const char *title)
{
    printf("\n== %s\n", title);
}

/* 12345 -> "123.45", in a temporary that lives through the printf. */
typedef struct money {
    char s[32];
} money;

static money fmt_money(int64_t cents)
{
    money m;
    int64_t units = cents < 0 ? -cents : cents;
    snprintf(m.s, sizeof m.s, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", units / 100,
             units % 100);
    return m;
}

/* The tables in one schema, by a statement of this program's own. */
static const pgc_stmt tables_in = {
    .name = "tables_in",
    .sql = "SELECT string_agg(c.relname, ', ' ORDER BY c.relname)"
           "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
           " WHERE n.nspname = $1 AND c.relkind = 'r'",
    .nparams = 1,
};

static void show_balances(accounts_lib *lib, const int64_t *ids, const char *const *emails,
                          const int64_t *expected)
{
    for (int i = 0; i < 2; i++) {
        int64_t cents;
        ok(accounts_lib_balance(lib, ids[i], &cents, &err), "balance");
        printf("  %-17s %7s\n", emails[i], fmt_money(cents).s);
        expect(cents == expected[i], "%s has %s", emails[i], fmt_money(cents).s);
    }
}

int main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : getenv("PGC_TEST_CONNINFO");
    const char *schema = argc > 2 ? argv[2] : NULL;
    if (!conninfo) {
        fprintf(stderr, "usage: standalone CONNINFO [SCHEMA]  (or set PGC_TEST_CONNINFO)\n");
        return 2;
    }
    puts("pgc example: the accounts library standalone, from a connection string");

    section("1. The library opens and owns its pool");
    accounts_lib *lib;
    ok(accounts_lib_open(&lib, conninfo, schema, &err), "open accounts");
    pgc_db *db = accounts_lib_db(lib);
    const char *where = schema ? schema : "public";
    printf("  accounts   standalone, schema %s\n",
           schema ? schema : "none given: the server's search_path, so public");

    section("2. Its migrations, tracked in its schema");
    size_t applied;
    ok(accounts_lib_migrate(lib, &applied, &err), "migrate");
    printf("  %zu files applied\n", applied);
    expect(applied == 2, "2 migrations applied");
    pgc_result *res;
    /* {{tables.x}} in the program's own SQL renders for the library's db too. */
    ok(pgc_exec(db,
                "SELECT schema_name, module, version, name"
                "  FROM {{tables.pgc_migrations}} ORDER BY version",
                &res, &err),
       "tracking rows");
    for (int r = 0; r < pgc_result_rows(res); r++)
        printf("  tracking: %-7s %-9s %-3s %s\n", pgc_result_value(res, r, 0),
               pgc_result_value(res, r, 1), pgc_result_value(res, r, 2),
               pgc_result_value(res, r, 3));
    expect(pgc_result_rows(res) == 2 && strcmp(pgc_result_value(res, 0, 0), where) == 0 &&
               strcmp(pgc_result_value(res, 0, 1), "accounts") == 0,
           "tracked as module accounts in %s", where);
    pgc_result_free(res);
    const char *const params[] = {where};
    ok(pgc_query(db, &tables_in, params, NULL, NULL, &res, &err), "tables");
    printf("  tables in %s: %s\n", where, pgc_result_value(res, 0, 0));
    expect(strcmp(pgc_result_value(res, 0, 0), "balances, pgc_migrations, transfers, users") == 0,
           "the library's tables in %s", where);
    pgc_result_free(res);

    section("3. Two users and a transfer");
    const char *const emails[2] = {"dave@example.com", "erin@example.com"};
    int64_t ids[2], transfer;
    ok(accounts_lib_add_user(lib, emails[0], "Dave", 5000, &ids[0], &err), "add dave");
    ok(accounts_lib_add_user(lib, emails[1], "Erin", 1000, &ids[1], &err), "add erin");
    show_balances(lib, ids, emails, (const int64_t[]){5000, 1000});
    ok(accounts_lib_transfer(lib, ids[0], ids[1], 1250, NULL, &transfer, &err), "transfer");
    printf("  transfer %" PRId64 ": %s -> %s %s\n", transfer, emails[0], emails[1],
           fmt_money(1250).s);
    show_balances(lib, ids, emails, (const int64_t[]){3750, 2250});

    section("4. Overdrawing is refused, and nothing of it is kept");
    int rc = accounts_lib_transfer(lib, ids[1], ids[0], 10000, NULL, &transfer, &err);
    printf("  %s -> %s %s: %s, SQLSTATE %s\n  server: %s\n", emails[1], emails[0],
           fmt_money(10000).s, pgc_code_name(rc), err.sqlstate, err.message);
    expect(accounts_lib_is_overdraft(&err), "an overdraft refused by the balance's CHECK");
    /* Another CHECK (a transfer of nothing) is 23514 too, but no overdraft. */
    rc = accounts_lib_transfer(lib, ids[1], ids[0], 0, NULL, &transfer, &err);
    expect(rc == PGC_ESQL && strcmp(err.sqlstate, "23514") == 0 && !accounts_lib_is_overdraft(&err),
           "a transfer of 0 refused by its own CHECK, not as an overdraft");
    show_balances(lib, ids, emails, (const int64_t[]){3750, 2250});

    section("5. Erin's history (a generated :many query, streamed)");
    accounts_history_iter it;
    accounts_history_row row;
    int n = 0;
    ok(accounts_history_open(db, ids[1], &it, &err), "history");
    while ((rc = accounts_history_next(&it, &row, &err)) == PGC_OK) {
        printf("  transfer %" PRId64 "  %s -> %s  %s  reference %s\n", row.id, row.from_email,
               row.to_email, fmt_money(row.cents).s,
               row.reference_is_null ? "(none)" : row.reference);
        n++;
    }
    accounts_history_close(&it);
    expect(rc == PGC_DONE && n == 1, "one transfer in the history: %s", err.message);

    section("6. Closing the library closes its own pool");
    pgc_pool_stats stats;
    pgc_pool_stats_get(pgc_db_pool(db), &stats);
    printf("  its pool: %d connection(s) open, %d db attached (the library's)\n", stats.total,
           stats.attached);
    expect(stats.attached == 1, "only the library on its pool");
    ok(accounts_lib_close(lib), "close");
    puts("  closed: library and pool");

    puts("\nstandalone: all checks passed");
    return 0;
}
