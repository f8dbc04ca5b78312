/*
 * migrate_cli.c - `pgc migrate status|up|dry-run`: a library's migrations
 * from a shell.
 *
 * The operator must see and change exactly what the library's embedded
 * migrations would, so two things are shared rather than redone:
 *  - the files are read by the generator's reader (source.c: formats,
 *    down parts dropped, version order) and each file's SQL is the text
 *    `pgc generate` embeds (pgc_migration_set_sql), hence the same checksum;
 *  - they are run by the runtime's runner (pgc_migrate, pgc_migrate_status)
 *    under the module name the library was generated with (-n NAME), so
 *    the tracking rows are the ones the library reads.
 *
 * Output: one line per migration, "STATE VERSION NAME APPLIED_AT" in
 * aligned columns (APPLIED_AT is "-" when not applied, and has no blank:
 * "2026-01-02T10:11:12.5+00"), then one line starting with "module".
 * Errors go to stderr as "FILE:LINE:COL: error: MESSAGE (SQLSTATE XXXXX)".
 *
 * Takes: the command line, the migration files (source.h).  Gives: the
 * runtime runner's status or run, printed; the exit status.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "migrate_cli.h"
#include "pgc.h"
#include "source.h"

#define USAGE                                                                                  \
    "usage: pgc migrate status|up|dry-run -m PATH... -n MODULE [--db CONNINFO]\n"              \
    "                   [--schema SCHEMA] [--set NAME=VALUE]... [--check]\n"                   \
    "                   [--allow-out-of-order] [--lock-wait MS]\n"                             \
    "  status                    list each migration: applied, pending, edited or missing\n"   \
    "  up                        apply the pending migrations, each in its own transaction\n"  \
    "  dry-run                   list what up would apply; change nothing\n"                   \
    "  -m, --migrations PATH...  migration files or directories (as given to generate)\n"      \
    "  -n, --module, --name MODULE  the tracking name: the -n NAME the library was\n"          \
    "                            generated with (required)\n"                                  \
    "  --db CONNINFO             libpq connection string or URI (default: $"                   \
    PGC_MIGRATE_DB_ENV ")\n"                                                                   \
    "  --schema SCHEMA           embedded mode: templates rendered for SCHEMA, tracked\n"      \
    "                            in SCHEMA.pgc_migrations (default: standalone, public)\n"     \
    "  --set NAME=VALUE          a pool setting (as pgc_config_set), e.g. statements=unnamed\n" \
    "                            behind a transaction pooler, statement_timeout_ms=60000\n"    \
    "  --check                   status: exit 3 if a migration is pending or edited\n"         \
    "  --allow-out-of-order      up, dry-run: apply a file older than the newest applied\n"    \
    "  --lock-wait MS            up: give up after waiting MS ms for the migration lock\n"     \
    "Exit status: 0 done, 1 refused or failed, 2 usage error, 3 not up to date (--check).\n"

/* "pgc migrate: ... (try pgc migrate --help)"; the exit status of a usage error. */
#define usage_error(...) pgc_cli_usage_error("migrate", __VA_ARGS__)

typedef enum action { ACT_STATUS, ACT_UP, ACT_DRY_RUN } action;

typedef struct options {
    action act;
    pgc_cli_list migrations;
    const char *db, *schema, *module;
    pgc_cli_list settings; /* NAME=VALUE, in order */
    bool check, allow_out_of_order, lock_wait_given;
    int64_t lock_wait_ms;
} options;

/* Returns 0 to go on, an exit status on a usage error, or -1 after --help. */
static int parse_options(pgc_arena *a, int argc, char **argv, options *o)
{
    if (argc < 2)
        return usage_error("%s", "give an action: status, up or dry-run");
    const char *act = argv[1];
    if (strcmp(act, "-h") == 0 || strcmp(act, "--help") == 0) {
        fputs(USAGE, stdout);
        return -1;
    }
    if (strcmp(act, "status") == 0)
        o->act = ACT_STATUS;
    else if (strcmp(act, "up") == 0)
        o->act = ACT_UP;
    else if (strcmp(act, "dry-run") == 0)
        o->act = ACT_DRY_RUN;
    else
        return usage_error("unknown action '%s' (status, up or dry-run)", act);

    const char *lock_wait = NULL;
    const pgc_cli_opt opts[] = {
        {"-m", "--migrations", NULL, PGC_CLI_PATHS, &o->migrations, NULL},
        {"-n", "--module", "--name", PGC_CLI_VALUE, &o->module, "a module name"},
        {NULL, "--db", NULL, PGC_CLI_VALUE, &o->db, "a connection string"},
        {NULL, "--schema", NULL, PGC_CLI_VALUE, &o->schema, "a schema name"},
        {NULL, "--set", NULL, PGC_CLI_VALUES, &o->settings, "NAME=VALUE"},
        {NULL, "--lock-wait", NULL, PGC_CLI_VALUE, &lock_wait, "a number of milliseconds"},
        {NULL, "--check", NULL, PGC_CLI_FLAG, &o->check, NULL},
        {NULL, "--allow-out-of-order", NULL, PGC_CLI_FLAG, &o->allow_out_of_order, NULL},
    };
    const pgc_cli cli = {"migrate", USAGE, opts, sizeof opts / sizeof *opts};
    int rc = pgc_cli_parse(&cli, a, argc, argv, 2);
    if (rc != 0)
        return rc;
    if (o->module && strlen(o->module) > 200)
        return usage_error("%s: a module name has at most 200 bytes", "--module");
    if (lock_wait) {
        char *end = NULL;
        errno = 0;
        long long ms = strtoll(lock_wait, &end, 10);
        if (*end || errno || ms < 0)
            return usage_error("%s needs a number of milliseconds", "--lock-wait");
        o->lock_wait_ms = ms;
        o->lock_wait_given = true;
    }
    for (size_t i = 0; i < o->settings.len; i++)
        if (!strchr(o->settings.items[i], '=') || o->settings.items[i][0] == '=')
            return usage_error("%s needs NAME=VALUE", "--set");
    if (o->migrations.len == 0)
        return usage_error("%s", "no migrations: give -m PATH...");
    if (!o->module)
        return usage_error("%s", "no module: give -n MODULE, the name the library was "
                                 "generated with");
    if (o->check && o->act != ACT_STATUS)
        return usage_error("%s is for status only", "--check");
    if (o->allow_out_of_order && o->act == ACT_STATUS)
        return usage_error("%s is for up and dry-run", "--allow-out-of-order");
    if (o->lock_wait_given && o->act != ACT_UP)
        return usage_error("%s is for up only", "--lock-wait");
    if (!o->db) {
        const char *env = getenv(PGC_MIGRATE_DB_ENV);
        if (!env || !*env)
            return usage_error("%s", "no database: give --db CONNINFO or set "
                                     PGC_MIGRATE_DB_ENV);
        o->db = env;
    }
    return 0;
}

/* ---- the set, as `pgc generate` embeds it ----------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

typedef struct cli_set {
    pgc_migration_set set;
    pgc_migration *files;
    const char **paths;   /* files[i] came from paths[i], as given */
} cli_set;

static bool load_set(pgc_arena *a, const options *o, cli_set *s)
{
    pgc_diags d = {.out = stderr};
    pgc_migration_files mf = {0};
    if (!pgc_read_migrations(a, &d, o->migrations.items, o->migrations.len, &mf))
        return false;
    if (mf.len == 0) {
        fprintf(stderr, "pgc migrate: error: no migration files (*.sql) in the paths given\n");
        return false;
    }
    s->files = pgc_arena_alloc(a, mf.len * sizeof *s->files);
    s->paths = pgc_arena_alloc(a, mf.len * sizeof *s->paths);
    for (size_t i = 0; i < mf.len; i++) {
        s->files[i] = (pgc_migration){.version = mf.items[i].version,
                                      .name = base_name(mf.items[i].file->path),
                                      .sql = pgc_migration_set_sql(&mf.items[i])};
        s->paths[i] = mf.items[i].file->path;
    }
    s->set = (pgc_migration_set){.module = o->module, .count = mf.len, .files = s->files};
    return true;
}

/* ---- errors ------------------------------------------------------------------------ */

/*
 * The runtime names a file by its base name at the start of the message
 * ("002_x.sql:3:8: relation ...", "002_x.sql was edited ...").  Printed
 * with the path as given instead, so that editors and people find it.
 */
static void report(const cli_set *s, const pgc_error *err)
{
    const char *msg = err->message, *path = NULL;
    for (size_t i = 0; i < s->set.count && !path; i++) {
        size_t n = strlen(s->files[i].name);
        if (strncmp(msg, s->files[i].name, n) == 0 && (msg[n] == ':' || msg[n] == ' ')) {
            path = s->paths[i];
            msg += n;
        }
    }
    if (path && *msg == ':') {
        /* "NAME:L:C: text" or "NAME: text": the path, the position, "error:" */
        const char *end = msg; /* of ":L:C" */
        while (*end == ':' && isdigit((unsigned char)end[1])) {
            const char *q = end + 1;
            while (isdigit((unsigned char)*q))
                q++;
            if (*q != ':')
                break;
            end = q;
        }
        const char *text = end + 1;
        while (*text == ' ')
            text++;
        fprintf(stderr, "%s%.*s: error: %s", path, (int)(end - msg), msg, text);
    } else if (path) {
        fprintf(stderr, "%s: error: %s%s", path, base_name(path), msg);
    } else {
        fprintf(stderr, "pgc migrate: error: %s", msg);
    }
    if (err->sqlstate[0])
        fprintf(stderr, " (SQLSTATE %s)", err->sqlstate);
    fputc('\n', stderr);
    if (err->detail[0])
        fprintf(stderr, "  DETAIL: %s\n", err->detail);
    if (err->hint[0])
        fprintf(stderr, "  HINT: %s\n", err->hint);
}

/* ---- output ------------------------------------------------------------------------ */

static const char *state_name(pgc_migration_state st)
{
    switch (st) {
    case PGC_MIGRATION_PENDING: return "pending";
    case PGC_MIGRATION_APPLIED: return "applied";
    case PGC_MIGRATION_EDITED: return "edited";
    case PGC_MIGRATION_MISSING: return "missing";
    }
    return "?";
}

/* A row to print: the state shown may differ from the status's (up). */
typedef struct row {
    const char *state;
    const pgc_migration_status *st;
} row;

/* The rows in aligned columns; the time's blank becomes 'T' (ISO 8601). */
static void print_rows(const row *rows, size_t n)
{
    int wstate = 0, wversion = 0, wname = 0;
    for (size_t i = 0; i < n; i++) {
        char v[24];
        int len = snprintf(v, sizeof v, "%llu", (unsigned long long)rows[i].st->version);
        if ((int)strlen(rows[i].state) > wstate)
            wstate = (int)strlen(rows[i].state);
        if (len > wversion)
            wversion = len;
        if ((int)strlen(rows[i].st->name) > wname)
            wname = (int)strlen(rows[i].st->name);
    }
    for (size_t i = 0; i < n; i++) {
        char at[sizeof rows[i].st->applied_at];
        memcpy(at, rows[i].st->applied_at, sizeof at);
        for (char *p = at; *p; p++)
            if (*p == ' ')
                *p = 'T';
        printf("%-*s  %*llu  %-*s  %s\n", wstate, rows[i].state, wversion,
               (unsigned long long)rows[i].st->version, wname, rows[i].st->name,
               at[0] ? at : "-");
    }
}

static void print_where(const options *o)
{
    printf("module %s, schema %s:", o->module, o->schema ? o->schema : "public");
}

/* ---- the actions --------------------------------------------------------------------- */

/*
 * For a module with no history in the schema (a mistyped -n, say): the
 * modules that have one there, so that the operator sees the names the
 * database knows.  Quiet when there is no tracking table or no other module.
 */
static void note_other_modules(pgc_db *db, const options *o)
{
    static const pgc_stmt modules = {
        .name = "pgc_migrate_modules",
        .sql = "SELECT string_agg(DISTINCT module, ', ' ORDER BY module) "
               "FROM {{schema}}.pgc_migrations"};
    pgc_error err = {0};
    pgc_result *res = NULL;
    int rc = pgc_query(db, &modules, NULL, NULL, NULL, &res, &err);
    if (rc != PGC_OK) {
        if (strcmp(err.sqlstate, "42P01") != 0) /* undefined_table: nothing applied yet */
            fprintf(stderr, "pgc migrate: warning: cannot list the modules applied: %s\n",
                    err.message);
        return;
    }
    if (pgc_result_rows(res) == 1 && !pgc_result_is_null(res, 0, 0))
        fprintf(stderr,
                "pgc migrate: note: module %s has no migration applied in schema %s; "
                "modules applied there: %s\n",
                o->module, o->schema ? o->schema : "public", pgc_result_value(res, 0, 0));
    pgc_result_free(res);
}

static int do_status(pgc_arena *a, pgc_db *db, const cli_set *s, const options *o)
{
    pgc_error err = {0};
    pgc_migration_status *st = NULL;
    size_t n = 0;
    if (pgc_migrate_status(db, &s->set, &st, &n, &err) != PGC_OK) {
        report(s, &err);
        return PGC_MIGRATE_EXIT_FAILED;
    }
    row *rows = pgc_arena_alloc(a, (n + 1) * sizeof *rows);
    size_t count[4] = {0};
    for (size_t i = 0; i < n; i++) {
        rows[i] = (row){state_name(st[i].state), &st[i]};
        count[st[i].state]++;
    }
    print_rows(rows, n);
    print_where(o);
    printf(" %zu applied, %zu pending, %zu edited, %zu missing\n",
           count[PGC_MIGRATION_APPLIED], count[PGC_MIGRATION_PENDING],
           count[PGC_MIGRATION_EDITED], count[PGC_MIGRATION_MISSING]);
    free(st);
    if (count[PGC_MIGRATION_PENDING] == n) {
        fflush(stdout); /* after the summary, when both go to one terminal */
        note_other_modules(db, o);
    }
    /* A file applied but no longer in the set (squashed, deleted) is shown,
     * not held against the set: `up` has nothing to do about it either. */
    if (o->check && (count[PGC_MIGRATION_PENDING] || count[PGC_MIGRATION_EDITED]))
        return PGC_MIGRATE_EXIT_NOT_CURRENT;
    return PGC_MIGRATE_EXIT_OK;
}

/* The runner's own checks (edited, order) with nothing changed, then the pending list. */
static int do_dry_run(pgc_arena *a, pgc_db *db, const cli_set *s, const options *o)
{
    pgc_error err = {0};
    pgc_migrate_options opts = {.allow_out_of_order = o->allow_out_of_order, .dry_run = 1};
    size_t would = 0;
    pgc_migration_status *st = NULL;
    size_t n = 0;
    if (pgc_migrate(db, &s->set, &opts, &would, &err) != PGC_OK
        || pgc_migrate_status(db, &s->set, &st, &n, &err) != PGC_OK) {
        report(s, &err);
        return PGC_MIGRATE_EXIT_FAILED;
    }
    row *rows = pgc_arena_alloc(a, (n + 1) * sizeof *rows);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (st[i].state == PGC_MIGRATION_PENDING)
            rows[k++] = (row){"pending", &st[i]};
    print_rows(rows, k);
    print_where(o);
    printf(" %zu to apply\n", would);
    free(st);
    return PGC_MIGRATE_EXIT_OK;
}

/*
 * The runner reports no per-file progress, so the files it applied are
 * those pending before the run and applied after it (a concurrent run of
 * the same module and schema may have applied some of them: the runner
 * applies each file once, whoever runs it).  Printed after a failure too.
 */
static int do_up(pgc_arena *a, pgc_db *db, const cli_set *s, const options *o)
{
    pgc_error err = {0};
    pgc_migration_status *before = NULL, *after = NULL;
    size_t nbefore = 0, nafter = 0, applied = 0;
    if (pgc_migrate_status(db, &s->set, &before, &nbefore, &err) != PGC_OK) {
        report(s, &err);
        return PGC_MIGRATE_EXIT_FAILED;
    }
    pgc_migrate_options opts = {.allow_out_of_order = o->allow_out_of_order,
                                .lock_wait_ms = o->lock_wait_ms};
    int rc = pgc_migrate(db, &s->set, &opts, &applied, &err);
    pgc_error serr = {0};
    if (pgc_migrate_status(db, &s->set, &after, &nafter, &serr) == PGC_OK) {
        row *rows = pgc_arena_alloc(a, (nafter + 1) * sizeof *rows);
        size_t k = 0;
        for (size_t i = 0; i < nafter; i++) {
            if (after[i].state != PGC_MIGRATION_APPLIED)
                continue;
            for (size_t j = 0; j < nbefore; j++)
                if (before[j].version == after[i].version
                    && before[j].state == PGC_MIGRATION_PENDING)
                    rows[k++] = (row){"applied", &after[i]};
        }
        print_rows(rows, k);
    } else {
        fprintf(stderr, "pgc migrate: warning: cannot list the files applied: %s\n",
                serr.message);
    }
    if (rc == PGC_OK) {
        size_t total = 0;
        for (size_t i = 0; i < nafter; i++)
            total += after[i].state == PGC_MIGRATION_APPLIED;
        print_where(o);
        if (applied)
            printf(" %zu applied now, %zu of %zu applied\n", applied, total, s->set.count);
        else
            printf(" up to date, nothing applied (%zu of %zu applied)\n", total,
                   s->set.count);
    } else {
        print_where(o);
        printf(" %zu applied now, then stopped by the error below\n", applied);
        fflush(stdout); /* before the error, when both go to one terminal */
        report(s, &err);
    }
    free(before);
    free(after);
    return rc == PGC_OK ? PGC_MIGRATE_EXIT_OK : PGC_MIGRATE_EXIT_FAILED;
}

int pgc_migrate_main(int argc, char **argv)
{
    pgc_arena *a = pgc_arena_new();
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(a, argc, argv, &o);
    if (rc != 0) {
        pgc_arena_free(a);
        return rc < 0 ? PGC_MIGRATE_EXIT_OK : rc;
    }
    cli_set s;
    memset(&s, 0, sizeof s);
    if (!load_set(a, &o, &s)) {
        pgc_arena_free(a);
        return PGC_MIGRATE_EXIT_FAILED;
    }

    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    pgc_db *db = NULL;
    rc = cfg ? PGC_OK : PGC_ENOMEM;
    if (rc == PGC_OK)
        rc = pgc_config_set(cfg, "conninfo", o.db, &err);
    if (rc == PGC_OK)
        rc = pgc_config_set(cfg, "application_name", "pgc migrate", &err);
    for (size_t i = 0; rc == PGC_OK && i < o.settings.len; i++) {
        const char *eq = strchr(o.settings.items[i], '=');
        char *name = pgc_arena_printf(a, "%.*s", (int)(eq - o.settings.items[i]),
                                      o.settings.items[i]);
        rc = pgc_config_set(cfg, name, eq + 1, &err);
        if (rc != PGC_OK && rc != PGC_ENOMEM) {
            pgc_config_free(cfg);
            pgc_arena_free(a);
            return usage_error("--set: %s", err.message);
        }
    }
    if (rc == PGC_OK)
        rc = pgc_db_open(&db, cfg, o.schema, &err);
    pgc_config_free(cfg);
    int status;
    if (rc == PGC_EIDENT) {
        status = usage_error("--schema: %s", err.message);
    } else if (rc != PGC_OK) {
        if (rc == PGC_ENOMEM && !err.message[0])
            snprintf(err.message, sizeof err.message, "out of memory");
        report(&s, &err);
        status = PGC_MIGRATE_EXIT_FAILED;
    } else if (o.act == ACT_STATUS) {
        status = do_status(a, db, &s, &o);
    } else if (o.act == ACT_DRY_RUN) {
        status = do_dry_run(a, db, &s, &o);
    } else {
        status = do_up(a, db, &s, &o);
    }
    pgc_db_close(db);
    pgc_arena_free(a);
    return status;
}
