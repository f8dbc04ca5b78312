/*
 * migrate.c - the migration runner.
 *
 * A run, for a db with schema S and a set of module M:
 *  1. Everything that can be checked without the server is checked first:
 *     versions unique, checksums, no BEGIN/COMMIT in transactional files,
 *     templates render.  Nothing is touched if any of it fails.
 *  2. Under the advisory lock for (M, S), held by a transaction so that it
 *     also works through PgBouncer's transaction pooling: create S and the
 *     tracking table S.pgc_migrations if missing, read what was applied,
 *     refuse edited files and (unless allowed) new files older than the
 *     newest applied one.
 *  3. Each pending file in version order, in its own transaction that
 *     takes the lock first and then looks again (another process may have
 *     applied it meanwhile: the read comes after the lock, in a statement
 *     of its own, so its snapshot sees that process's commit), runs the
 *     file and records it.  A file with a no-transaction directive runs
 *     statement by statement under the session-level form of the same
 *     lock, and is recorded after its last statement.
 *  4. Every file starts from the session state the run began with: the
 *     statement that records a file first puts back the session's
 *     authorization, role and settings as they were when the run began
 *     (captured before the first file), and drops what a file may have left
 *     behind (temporary tables, cursors, prepared statements, LISTENs), so
 *     that a `SET search_path` or `SET ROLE` in one file reaches neither
 *     the record nor the next file, as when each file runs on its own.
 *     Session-level advisory locks are kept (no DISCARD ALL).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "internal.h"
#include "sqltext.h"

#define TRACKING_TABLE "pgc_migrations"

/* ---- versions, checksums, sets ------------------------------------------ */

int pgc_migration_version(const char *name, uint64_t *out)
{
    const char *p = name;
    if (*p == 'V' || *p == 'v')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    uint64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10)
            return -1;  /* the tracking table keeps versions as bigint */
        v = v * 10 + d;
    }
    if (*p != '_' && *p != '-' && *p != '.')
        return -1;
    *out = v;
    return 0;
}

int pgc_migration_checksum(const char *sql, size_t len, char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        return PGC_ENOMEM;
    }
    /* Feed runs of text between the '\r' of each CRLF. */
    size_t start = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (sql[i] == '\r' && sql[i + 1] == '\n') {
            EVP_DigestUpdate(ctx, sql + start, i - start);
            start = i + 1;
        }
    }
    EVP_DigestUpdate(ctx, sql + start, len - start);
    unsigned char md[32];
    unsigned int mdlen = 0;
    int ok = EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (!ok || mdlen != 32)
        return PGC_EINTERNAL;
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return PGC_OK;
}

/* A loaded set owns its strings; `set` comes first so the cast is valid. */
typedef struct loaded_set {
    pgc_migration_set set;
    char *module;
    pgc_migration *files;
    size_t count;
} loaded_set;

void pgc_migration_set_free(pgc_migration_set *set)
{
    if (!set)
        return;
    loaded_set *ls = (loaded_set *)set;
    for (size_t i = 0; i < ls->count; i++) {
        free((char *)ls->files[i].name);
        free((char *)ls->files[i].sql);
        free((char *)ls->files[i].checksum);
    }
    free(ls->files);
    free(ls->module);
    free(ls);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads path whole; refuses NUL bytes.  *out is malloc'd. */
static int read_file(const char *path, char **out, size_t *len, pgc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pgc_fail(err, PGC_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int io_error = ferror(f);
    fclose(f);
    if (!buf)
        return pgc_fail(err, PGC_ENOMEM, "%s: out of memory", path);
    if (io_error) {
        free(buf);
        return pgc_fail(err, PGC_EIO, "%s: read error", path);
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        size_t at = (size_t)((char *)memchr(buf, '\0', n) - buf);
        int line, col;
        pgc_text_position(buf, n, at, &line, &col);
        free(buf);
        return pgc_fail(err, PGC_EMIGRATION, "%s:%d:%d: NUL byte in a migration file", path,
                        line, col);
    }
    *out = buf;
    *len = n;
    return PGC_OK;
}

static int by_version(const void *a, const void *b)
{
    const pgc_migration *x = a, *y = b;
    if (x->version != y->version)
        return x->version < y->version ? -1 : 1;
    return strcmp(x->name, y->name);
}

int pgc_migration_set_load(pgc_migration_set **out, const char *module, const char *dir,
                           pgc_error *err)
{
    if (!out || !module || !dir)
        return pgc_fail(err, PGC_EINVAL, "pgc_migration_set_load: NULL argument");
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return pgc_fail(err, PGC_EIO, "%s: %s", dir, strerror(errno));
    loaded_set *ls = calloc(1, sizeof *ls);
    int rc = PGC_OK;
    size_t cap = 0;
    if (!ls || !(ls->module = pgc_strdup(module))) {
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
        goto done;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (name[0] == '.' || !ends_with(name, ".sql") || ends_with(name, ".down.sql"))
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
            rc = pgc_fail(err, PGC_EIO, "%s/%s: path too long", dir, name);
            goto done;
        }
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        uint64_t version;
        if (pgc_migration_version(name, &version) != 0) {
            rc = pgc_fail(err, PGC_EMIGRATION,
                          "%s: no version in the file name (expected e.g. 001_name.sql)", path);
            goto done;
        }
        if (ls->count == cap) {
            cap = cap ? cap * 2 : 16;
            pgc_migration *grown = realloc(ls->files, cap * sizeof *grown);
            if (!grown) {
                rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
                goto done;
            }
            ls->files = grown;
        }
        pgc_migration *m = &ls->files[ls->count];
        memset(m, 0, sizeof *m);
        char *sql = NULL, *sum = NULL, *copy = NULL;
        size_t len = 0;
        if ((rc = read_file(path, &sql, &len, err)) != PGC_OK)
            goto done;
        if (!(copy = pgc_strdup(name)) || !(sum = malloc(65))
            || pgc_migration_checksum(sql, len, sum) != PGC_OK) {
            free(sql);
            free(copy);
            free(sum);
            rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
            goto done;
        }
        *m = (pgc_migration){version, copy, sql, sum};
        ls->count++;
    }
    qsort(ls->files, ls->count, sizeof *ls->files, by_version);
    for (size_t i = 1; i < ls->count; i++) {
        if (ls->files[i].version == ls->files[i - 1].version) {
            rc = pgc_fail(err, PGC_EMIGRATION, "%s/%s and %s/%s have the same version %llu",
                          dir, ls->files[i - 1].name, dir, ls->files[i].name,
                          (unsigned long long)ls->files[i].version);
            goto done;
        }
    }
    ls->set.module = ls->module;
    ls->set.files = ls->files;
    ls->set.count = ls->count;
done:
    closedir(d);
    if (rc != PGC_OK) {
        pgc_migration_set_free(ls ? &ls->set : NULL);
        return rc;
    }
    *out = &ls->set;
    return PGC_OK;
}

/* ---- a run's plan: the set checked and rendered, before any I/O --------- */

typedef struct planned {
    const pgc_migration *m;
    char checksum[65];
    char *sql;                 /* rendered for the db's schema */
    size_t sql_len;
    pgc_render_map map;
    int no_transaction;
} planned;

typedef struct plan {
    planned *files;            /* by version */
    size_t count;
} plan;

static void plan_free(plan *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->files[i].sql);
        pgc_render_map_free(&p->files[i].map);
    }
    free(p->files);
    memset(p, 0, sizeof *p);
}

static int by_planned_version(const void *a, const void *b)
{
    return by_version(((const planned *)a)->m, ((const planned *)b)->m);
}

/* Prefixes err's message with the file's name and sets statement to it. */
static int in_file(pgc_error *err, int rc, const char *file)
{
    if (!err)
        return rc;
    if (err->line)
        pgc_error_prefix(err, "%s:%d:%d: ", file, err->line, err->column);
    else
        pgc_error_prefix(err, "%s: ", file);
    pgc_strlcpy(err->statement, file, sizeof err->statement);
    return rc;
}

/*
 * Refuses, before anything runs, a statement that controls the transaction:
 * in a file the runner wraps in a transaction (BEGIN, COMMIT, ...), and in
 * a no-transaction file, where each statement runs on its own (those, and
 * SAVEPOINT, RELEASE, ROLLBACK TO).  Such a file would otherwise stop half
 * applied, or commit part of itself.  A lexer error is left to rendering,
 * which words it with its position.
 */
static int check_transaction_control(const pgc_migration *m, size_t len, int no_transaction,
                                     pgc_error *err)
{
    size_t at = 0, at_savepoint = 0;
    int found = pgc_find_transaction_control(m->sql, len, &at);
    int savepoint = no_transaction ? pgc_find_savepoint_control(m->sql, len, &at_savepoint) : 0;
    if (found < 0 || savepoint < 0 || (!found && !savepoint))
        return PGC_OK;
    if (savepoint == 1 && (!found || at_savepoint < at))
        at = at_savepoint;
    int line, col;
    pgc_text_position(m->sql, len, at, &line, &col);
    if (no_transaction)
        pgc_fail(err, PGC_EMIGRATION,
                 "transaction control statement in a no-transaction migration; remove it "
                 "(each statement of the file runs on its own, outside a transaction)");
    else
        pgc_fail(err, PGC_EMIGRATION,
                 "transaction control statement in a migration that runs in a "
                 "transaction; remove it (each file gets its own transaction) or mark "
                 "the file \"-- pgc:no-transaction\"");
    if (err) {
        err->line = line;
        err->column = col;
    }
    return in_file(err, PGC_EMIGRATION, m->name);
}

static int plan_make(plan *p, const pgc_migration_set *set, const char *schema,
                     pgc_error *err)
{
    memset(p, 0, sizeof *p);
    if (!set->count)
        return PGC_OK;
    if (!set->files)
        return pgc_fail(err, PGC_EINVAL, "migration set \"%s\" has no files array", set->module);
    if (!(p->files = calloc(set->count, sizeof *p->files)))
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    for (size_t i = 0; i < set->count; i++) {
        const pgc_migration *m = &set->files[i];
        planned *f = &p->files[p->count++];
        f->m = m;
        if (!m->name || !m->sql)
            return pgc_fail(err, PGC_EINVAL, "migration #%zu of \"%s\" has no name or SQL",
                            i + 1, set->module);
        if (m->version > (uint64_t)INT64_MAX)
            return pgc_fail(err, PGC_EMIGRATION, "%s: version %llu is above %lld", m->name,
                            (unsigned long long)m->version, (long long)INT64_MAX);
        size_t len = strlen(m->sql);
        if (pgc_migration_checksum(m->sql, len, f->checksum) != PGC_OK)
            return pgc_fail(err, PGC_ENOMEM, "out of memory");
        if (m->checksum && strcmp(m->checksum, f->checksum) != 0)
            return pgc_fail(err, PGC_EMIGRATION,
                            "%s: the embedded checksum %.12s... does not match its SQL "
                            "(%.12s...)", m->name, m->checksum, f->checksum);
        f->no_transaction = pgc_sql_no_transaction(m->sql, len) == 1;
        int rc = check_transaction_control(m, len, f->no_transaction, err);
        if (rc != PGC_OK)
            return rc;
        rc = pgc_render_ex(m->sql, len, schema, &f->sql, &f->sql_len, &f->map, err);
        if (rc != PGC_OK)
            return in_file(err, rc, m->name);
    }
    qsort(p->files, p->count, sizeof *p->files, by_planned_version);
    for (size_t i = 1; i < p->count; i++)
        if (p->files[i].m->version == p->files[i - 1].m->version)
            return pgc_fail(err, PGC_EMIGRATION, "%s and %s have the same version %llu",
                            p->files[i - 1].m->name, p->files[i].m->name,
                            (unsigned long long)p->files[i].m->version);
    return PGC_OK;
}

/* ---- talking to the server -------------------------------------------------- */

/* What a run needs to talk about its module and schema. */
typedef struct run {
    pgc_db *db;
    pgc_pconn *c;
    const char *module;
    const char *schema;        /* the db's, or NULL */
    const char *schema_label;  /* the schema tracked: the db's, or "public" */
    int64_t lock_wait_ms;      /* 0: wait for the lock as long as it takes */
    char lock_key[512];        /* hashed into the lock's key: (module, schema) */
    char schema_key[256];      /* the lock for creating the schema and table */
    char *table;               /* the tracking table, rendered: "s".pgc_migrations */
    char *restore;             /* puts the session back as the run found it, or NULL */
} run;

static int exec_params(run *r, const char *sql, int n, const char *const *values,
                       PGresult **out, pgc_error *err)
{
    PGresult *res = PQexecParams(r->c->pg, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        int rc = pgc_fail_conn(err, r->c, res, NULL);
        PQclear(res);
        return rc;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return PGC_OK;
}

/* Runs `fmt` with the tracking table's name in place of %s. */
static int exec_on_table(run *r, const char *fmt, int n, const char *const *values,
                         PGresult **out, pgc_error *err)
{
    size_t len = strlen(fmt) + strlen(r->table) + 1;
    char *sql = malloc(len);
    if (!sql)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    snprintf(sql, len, fmt, r->table);
    int rc = exec_params(r, sql, n, values, out, err);
    free(sql);
    return rc;
}

static void rollback_quietly(run *r)
{
    if (PQtransactionStatus(r->c->pg) != PQTRANS_IDLE)
        PQclear(PQexec(r->c->pg, "ROLLBACK"));
}

/*
 * Tries the advisory lock on `key` with `fn` (a pg_try_advisory_* function),
 * after BEGIN when `begin` is set: both in one round trip (a file is
 * applied in few round trips, which count when the server shares a busy
 * CPU).  The key goes in as a literal: the simple query protocol has no
 * parameters.
 */
static int try_lock(run *r, const char *fn, const char *key, int begin, int *got,
                    pgc_error *err)
{
    char *lit = PQescapeLiteral(r->c->pg, key, strlen(key));
    if (!lit)
        return pgc_fail_pq(err, r->c->pg, NULL, NULL);
    size_t len = strlen(lit) + 128;
    char *sql = malloc(len);
    if (!sql) {
        PQfreemem(lit);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    snprintf(sql, len, "%sSELECT %s(hashtextextended(%s, 0))",
             begin ? "BEGIN ISOLATION LEVEL READ COMMITTED; " : "", fn, lit);
    PQfreemem(lit);
    PGresult *res = PQexec(r->c->pg, sql);
    free(sql);
    int rc = pgc_conn_check_exec(r->c, res, err);
    if (rc == PGC_OK)
        *got = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return rc;
}

/*
 * Takes the advisory lock on `key`, in a new transaction (xact) or for the
 * session.  Waiting happens between transactions, never inside a
 * statement: a statement blocked on the lock holds a snapshot, and CREATE
 * INDEX CONCURRENTLY, run by the lock's holder in a no-transaction file,
 * waits for every older snapshot to go: the two would wait for each
 * other.  The transaction is READ COMMITTED whatever the server's default,
 * so that the reads after the lock see what the lock's last holder
 * committed.
 */
static int take_lock(run *r, const char *key, int xact, pgc_error *err)
{
    int64_t deadline = r->lock_wait_ms ? pgc_now_ms() + r->lock_wait_ms : 0;
    for (int64_t pause = 1;; pause = pause < 64 ? pause * 2 : 100) {
        int got = 0;
        int rc = try_lock(r, xact ? "pg_try_advisory_xact_lock" : "pg_try_advisory_lock", key,
                          xact, &got, err);
        if (rc == PGC_OK && got)
            return PGC_OK;
        rollback_quietly(r);
        if (rc != PGC_OK)
            return rc;
        if (deadline && pgc_now_ms() >= deadline)
            return pgc_fail(err, PGC_ETIMEDOUT,
                            "migrations of module \"%s\" in schema \"%s\": another process "
                            "held the lock for more than %lld ms",
                            r->module, r->schema_label, (long long)r->lock_wait_ms);
        struct timespec ts = {0, (long)pause * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int unlock_session(run *r, pgc_error *err)
{
    const char *v[] = {r->lock_key};
    return exec_params(r, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, v, NULL,
                       err);
}

/*
 * Builds, on the server, the statements that put the session back as it is
 * now: the session authorization and role, every setting made in the
 * session (the pool's server.* settings and init statements among them)
 * after a RESET ALL, and nothing a file may leave behind.  What RESET ALL
 * does not touch (role, session_authorization) is set explicitly.
 * Session-level advisory locks stay (pg_advisory_unlock_all is not run).
 */
static const char capture_sql[] =
    "SELECT format('SET SESSION AUTHORIZATION %I; RESET ALL; ', session_user)"
    " || coalesce((SELECT 'SELECT ' || string_agg(format('set_config(%L, %L, false)',"
    " name, current_setting(name)), ', ' ORDER BY name) || '; ' FROM pg_settings"
    " WHERE source = 'session' AND name NOT LIKE 'transaction\\_%'), '')"
    " || CASE current_setting('role') WHEN 'none' THEN ''"
    " ELSE format('SET ROLE %I; ', current_setting('role')) END";

/*
 * Captures r->restore (once a run, before its first file).  Behind a
 * transaction pooler (statements=unnamed) the server connection is shared:
 * DEALLOCATE ALL would drop the prepared statements the pooler tracks for
 * its other clients, so it is left out there.
 */
static int capture_session(run *r, pgc_error *err)
{
    if (r->restore)
        return PGC_OK;
    PGresult *res = NULL;
    int rc = exec_params(r, capture_sql, 0, NULL, &res, err);
    if (rc != PGC_OK)
        return rc;
    const char *tail = r->c->unnamed
                           ? "CLOSE ALL; UNLISTEN *; DISCARD TEMP; DISCARD SEQUENCES; "
                           : "CLOSE ALL; DEALLOCATE ALL; UNLISTEN *; DISCARD TEMP; "
                             "DISCARD SEQUENCES; ";
    const char *head = PQgetvalue(res, 0, 0);
    size_t len = strlen(head) + strlen(tail) + 1;
    if ((r->restore = malloc(len)) != NULL)
        snprintf(r->restore, len, "%s%s", head, tail);
    else
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
    PQclear(res);
    return rc;
}

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS %s (\n"
    "    module text NOT NULL,\n"
    "    schema_name text NOT NULL,\n"
    "    version bigint NOT NULL,\n"
    "    name text NOT NULL,\n"
    "    checksum text NOT NULL,\n"
    "    applied_at timestamptz NOT NULL DEFAULT now(),\n"
    "    applied_by text NOT NULL DEFAULT current_user,\n"
    "    execution_ms double precision NOT NULL,\n"
    "    PRIMARY KEY (module, schema_name, version)\n"
    ")";

/* Whether the tracking table exists (without creating anything). */
static int table_exists(run *r, int *exists, pgc_error *err)
{
    const char *v[] = {r->table};
    PGresult *res = NULL;
    int rc = exec_params(r, "SELECT to_regclass($1) IS NOT NULL", 1, v, &res, err);
    if (rc == PGC_OK) {
        *exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
    }
    return rc;
}

/*
 * Creates the schema (only if missing: CREATE SCHEMA IF NOT EXISTS needs
 * the CREATE privilege on the database even when the schema is there) and
 * the tracking table, under a lock of their own so that modules sharing a
 * schema do not race to create them.
 */
static int ensure_table(run *r, pgc_error *err)
{
    int rc = take_lock(r, r->schema_key, 1, err);
    if (rc == PGC_OK && r->schema) {
        const char *v[] = {r->schema};
        PGresult *res = NULL;
        if ((rc = exec_params(r, "SELECT to_regnamespace(quote_ident($1)) IS NULL", 1, v, &res,
                              err)) == PGC_OK) {
            int missing = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
            PQclear(res);
            if (missing) {
                char sql[160];
                snprintf(sql, sizeof sql, "CREATE SCHEMA \"%s\"", r->schema);
                rc = pgc_conn_command(r->c, sql, err);
                pgc_error_prefix(rc == PGC_OK ? NULL : err, "creating schema \"%s\": ",
                                 r->schema);
            }
        }
    }
    if (rc == PGC_OK) {
        rc = exec_on_table(r, create_table_sql, 0, NULL, NULL, err);
        pgc_error_prefix(rc == PGC_OK ? NULL : err, "creating the tracking table %s: ",
                         r->table);
    }
    if (rc == PGC_OK)
        rc = pgc_conn_command(r->c, "COMMIT", err);
    rollback_quietly(r);
    return rc;
}

/* ---- what was applied ------------------------------------------------------------ */

typedef struct applied_row {
    uint64_t version;
    int row;                   /* in the result it came from */
} applied_row;

/* The tracking table's rows for this run's (module, schema), by version. */
typedef struct applied {
    PGresult *res;             /* version, name, checksum, applied_at, by, ms */
    applied_row *rows;
    size_t count;
} applied_set;

static void applied_free(applied_set *a)
{
    PQclear(a->res);
    free(a->rows);
    memset(a, 0, sizeof *a);
}

/*
 * The tracking table lives in the schema it tracks, so its rows all name
 * that schema.  A row naming another one means the schema was renamed (or
 * restored under another name): its history is keyed by the old name, and
 * the files would all run again.  Refused, saying how to adopt the history.
 */
static int check_schema_name(run *r, const applied_set *a, pgc_error *err)
{
    for (size_t i = 0; i < a->count; i++) {
        const char *recorded = PQgetvalue(a->res, a->rows[i].row, 6);
        if (strcmp(recorded, r->schema_label) == 0)
            continue;
        return pgc_fail(err, PGC_EMIGRATION,
                        "schema \"%s\" holds the migration history of module \"%s\" in "
                        "schema \"%s\": was the schema renamed? Nothing was applied; if it "
                        "is the same schema, adopt the history with UPDATE %s SET "
                        "schema_name = '%s' WHERE schema_name = '%s'",
                        r->schema_label, r->module, recorded, r->table, r->schema_label,
                        recorded);
    }
    return PGC_OK;
}

static int read_applied(run *r, applied_set *a, pgc_error *err)
{
    memset(a, 0, sizeof *a);
    const char *v[] = {r->module};
    int rc = exec_on_table(r,
                           "SELECT version, name, checksum, applied_at::text, applied_by,"
                           " execution_ms, schema_name FROM %s WHERE module = $1"
                           " ORDER BY version, schema_name",
                           1, v, &a->res, err);
    if (rc != PGC_OK)
        return rc;
    size_t n = (size_t)PQntuples(a->res);
    if (n && !(a->rows = malloc(n * sizeof *a->rows))) {
        applied_free(a);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        a->rows[i] = (applied_row){strtoull(PQgetvalue(a->res, (int)i, 0), NULL, 10), (int)i};
    a->count = n;
    if ((rc = check_schema_name(r, a, err)) != PGC_OK)
        applied_free(a);
    return rc;
}

/* The row of `version` in the result, or -1. */
static int applied_find(const applied_set *a, uint64_t version)
{
    size_t lo = 0, hi = a->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->rows[mid].version == version)
            return a->rows[mid].row;
        if (a->rows[mid].version < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static const planned *find_planned(const plan *p, uint64_t version)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->files[mid].m->version == version)
            return &p->files[mid];
        if (p->files[mid].m->version < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int fail_edited(pgc_error *err, const planned *f, const char *recorded)
{
    return pgc_fail(err, PGC_EEDITED,
                    "%s was edited after it was applied (checksum %.12s... recorded, "
                    "%.12s... now); add a new migration instead",
                    f->m->name, recorded, f->checksum);
}

static int fail_order(pgc_error *err, const planned *f, uint64_t newest)
{
    return pgc_fail(err, PGC_EORDER,
                    "%s (version %llu) is not applied but version %llu is; renumber it, or "
                    "allow out-of-order migrations",
                    f->m->name, (unsigned long long)f->m->version,
                    (unsigned long long)newest);
}

/*
 * Checks what was applied against the plan: an applied file must be
 * unchanged, and (unless allowed) a pending file must be newer than the
 * newest applied one.
 */
static int check_applied(const plan *p, const applied_set *a, int allow_out_of_order,
                         pgc_error *err)
{
    for (size_t i = 0; i < a->count; i++) {
        const planned *f = find_planned(p, a->rows[i].version);
        const char *recorded = PQgetvalue(a->res, a->rows[i].row, 2);
        if (f && strcmp(f->checksum, recorded) != 0)
            return fail_edited(err, f, recorded);
    }
    if (allow_out_of_order || !a->count)
        return PGC_OK;
    uint64_t newest = a->rows[a->count - 1].version;
    for (size_t i = 0; i < p->count && p->files[i].m->version < newest; i++)
        if (applied_find(a, p->files[i].m->version) < 0)
            return fail_order(err, &p->files[i], newest);
    return PGC_OK;
}

/*
 * Under the lock: whether f is still pending (another process may have
 * applied it since the run began), and still in order.
 */
static int still_pending(run *r, const planned *f, int allow_out_of_order, int *pending,
                         pgc_error *err)
{
    char version[24];
    snprintf(version, sizeof version, "%llu", (unsigned long long)f->m->version);
    const char *v[] = {r->module, r->schema_label, version};
    PGresult *res = NULL;
    static const char fmt[] =
        "SELECT (SELECT checksum FROM %s WHERE module = $1 AND schema_name = $2"
        " AND version = $3), (SELECT max(version) FROM %s"
        " WHERE module = $1 AND schema_name = $2)";
    size_t len = sizeof fmt + 2 * strlen(r->table);
    char *sql = malloc(len);
    if (!sql)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    snprintf(sql, len, fmt, r->table, r->table);
    int rc = exec_params(r, sql, 3, v, &res, err);
    free(sql);
    if (rc != PGC_OK)
        return rc;
    *pending = PQgetisnull(res, 0, 0);
    if (!*pending && strcmp(PQgetvalue(res, 0, 0), f->checksum) != 0)
        rc = fail_edited(err, f, PQgetvalue(res, 0, 0));
    if (*pending && !allow_out_of_order && !PQgetisnull(res, 0, 1)) {
        uint64_t newest = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
        if (newest > f->m->version)
            rc = fail_order(err, f, newest);
    }
    PQclear(res);
    return rc;
}

/*
 * Records f as applied and, with `commit`, commits in the same round trip
 * (the values go in as literals).  A failure of either (a deferred
 * constraint fails the COMMIT) leaves the transaction to be rolled back.
 * The session is put back first (r->restore), in the same round trip: the
 * record is written as the run's user whatever role the file set, and the
 * next file starts where the run began.
 */
static int record(run *r, const planned *f, int64_t since, int commit, pgc_error *err)
{
    const char *text[] = {r->module, r->schema_label, f->m->name, f->checksum};
    char *lit[4] = {NULL, NULL, NULL, NULL};
    int rc = PGC_OK;
    for (int i = 0; i < 4 && rc == PGC_OK; i++)
        if (!(lit[i] = PQescapeLiteral(r->c->pg, text[i], strlen(text[i]))))
            rc = pgc_fail_pq(err, r->c->pg, NULL, NULL);
    char *sql = NULL;
    if (rc == PGC_OK) {
        static const char fmt[] =
            "%sINSERT INTO %s (module, schema_name, version, name, checksum, execution_ms)"
            " VALUES (%s, %s, %llu, %s, %s, %lld)%s";
        const char *restore = r->restore ? r->restore : "";
        size_t len = sizeof fmt + strlen(restore) + strlen(r->table) + 64;
        for (int i = 0; i < 4; i++)
            len += strlen(lit[i]);
        if ((sql = malloc(len)) != NULL)
            snprintf(sql, len, fmt, restore, r->table, lit[0], lit[1],
                     (unsigned long long)f->m->version, lit[2], lit[3],
                     (long long)(pgc_now_ms() - since), commit ? "; COMMIT" : "");
        else
            rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    for (int i = 0; i < 4; i++)
        PQfreemem(lit[i]);
    if (rc == PGC_OK) {
        PGresult *res = PQexec(r->c->pg, sql);
        rc = pgc_conn_check_exec(r->c, res, err);
        PQclear(res);
    }
    free(sql);
    return rc;
}

/* ---- applying a file ------------------------------------------------------------- */

/* Reports a file applied (or failing) to the trace hooks: its name for the
 * statement, its rendered text for the SQL. */
static void traced(run *r, const planned *f, int64_t started, int rc, const pgc_error *err)
{
    if (started)
        pgc_trace_as(r->db, PGC_VIA_MIGRATE, f->m->name, f->sql, r->c, started, NULL, 0, rc,
                     err, false);
}

/*
 * Runs text (part of f's rendered SQL from byte `base`) and reports a
 * failure by file, SQLSTATE and the line and column in the file.
 */
static int run_text(run *r, const planned *f, const char *text, size_t base, pgc_error *err)
{
    PGresult *res = PQexec(r->c->pg, text);
    int rc = pgc_conn_check_exec(r->c, res, err);
    if (rc != PGC_OK && err && err->position > 0) {
        /* The position counts characters from the start of what was sent. */
        for (size_t i = 0; i < base; i++)
            err->position += ((unsigned char)f->sql[i] & 0xC0) != 0x80;
        pgc_locate_error(err, f->m->sql, strlen(f->m->sql), f->sql, f->sql_len, &f->map);
    }
    PQclear(res);
    if (rc != PGC_OK) {
        if (err)
            pgc_strlcpy(err->statement, f->m->name, sizeof err->statement);
        in_file(err, rc, f->m->name);
    }
    return rc;
}

static int apply_in_transaction(run *r, const planned *f, int allow, int *applied,
                                pgc_error *err)
{
    int pending = 0;
    *applied = 0;
    int rc = capture_session(r, err);
    if (rc == PGC_OK)
        rc = take_lock(r, r->lock_key, 1, err);
    if (rc == PGC_OK)
        rc = still_pending(r, f, allow, &pending, err);
    if (rc == PGC_OK && pending) {
        int64_t t0 = pgc_now_ms(), started = pgc_tracing(r->db) ? pgc_trace_now_ns() : 0;
        rc = run_text(r, f, f->sql, 0, err);
        if (rc == PGC_OK && (rc = record(r, f, t0, 1, err)) != PGC_OK)
            in_file(err, rc, f->m->name);
        traced(r, f, started, rc, err);
    } else if (rc == PGC_OK && (rc = pgc_conn_command(r->c, "COMMIT", err)) != PGC_OK) {
        in_file(err, rc, f->m->name);
    }
    rollback_quietly(r);
    *applied = rc == PGC_OK && pending;
    return rc;
}

/*
 * Statement by statement, outside a transaction, under the session-level
 * lock.  A statement that leaves a transaction open is refused: the file
 * would otherwise be recorded inside it, and the lock outlive the run.
 */
static int apply_without_transaction(run *r, const planned *f, int allow, int *applied,
                                     pgc_error *err)
{
    int pending = 0;
    *applied = 0;
    int rc = capture_session(r, err);
    if (rc == PGC_OK)
        rc = take_lock(r, r->lock_key, 0, err);
    if (rc != PGC_OK)
        return rc;
    rc = still_pending(r, f, allow, &pending, err);
    if (rc == PGC_OK && pending) {
        pgc_span *spans = NULL;
        size_t n = 0;
        int64_t t0 = pgc_now_ms(), started = pgc_tracing(r->db) ? pgc_trace_now_ns() : 0;
        rc = pgc_split_statements(f->sql, f->sql_len, &spans, &n, err);
        for (size_t i = 0; rc == PGC_OK && i < n; i++) {
            char *one = malloc(spans[i].len + 1);
            if (!one) {
                rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
                break;
            }
            memcpy(one, f->sql + spans[i].off, spans[i].len);
            one[spans[i].len] = '\0';
            rc = run_text(r, f, one, spans[i].off, err);
            free(one);
            if (rc == PGC_OK && PQtransactionStatus(r->c->pg) != PQTRANS_IDLE) {
                int line, col;
                pgc_text_position(f->sql, f->sql_len, spans[i].off, &line, &col);
                rc = pgc_fail(err, PGC_EMIGRATION,
                              "the statement at line %d leaves a transaction open in a "
                              "no-transaction migration", line);
                in_file(err, rc, f->m->name);
            }
        }
        free(spans);
        if (rc == PGC_OK && (rc = record(r, f, t0, 0, err)) != PGC_OK)
            in_file(err, rc, f->m->name);
        traced(r, f, started, rc, err);
        *applied = rc == PGC_OK;
    }
    rollback_quietly(r);
    pgc_error unlock_err;
    int unlocked = unlock_session(r, &unlock_err);
    if (unlocked != PGC_OK && rc == PGC_OK) {
        rc = unlocked;
        if (err)
            *err = unlock_err;
        in_file(err, rc, f->m->name);
    }
    /* A lock that could not be released goes with the connection: run_close
       closes it rather than pooling it.  The file counts as applied once
       recorded, even then. */
    return rc;
}

/* ---- a run ---------------------------------------------------------------------- */

static int check_args(pgc_db *db, const pgc_migration_set *set, const char *what,
                      pgc_error *err)
{
    if (!db || !set)
        return pgc_fail(err, PGC_EINVAL, "%s: NULL argument", what);
    if (db->root != db)
        return pgc_fail(err, PGC_ETXSTATE, "%s: not on a transaction scope", what);
    if (!set->module || !*set->module || strlen(set->module) > 200)
        return pgc_fail(err, PGC_EINVAL, "%s: the set needs a module name (1-200 bytes)", what);
    return PGC_OK;
}

/*
 * Everything a run needs before it reads or writes: the arguments checked,
 * the plan made (nothing is touched if it fails), a connection of its own.
 */
static int run_open(run *r, plan *p, pgc_db *db, const pgc_migration_set *set,
                    const char *what, pgc_error *err)
{
    memset(r, 0, sizeof *r);
    memset(p, 0, sizeof *p);
    int rc = check_args(db, set, what, err);
    if (rc == PGC_OK)
        rc = plan_make(p, set, db->schema, err);
    if (rc != PGC_OK) {
        plan_free(p);
        return rc;
    }
    r->db = db;
    r->module = set->module;
    r->schema = db->schema;
    r->schema_label = db->schema ? db->schema : "public";
    snprintf(r->lock_key, sizeof r->lock_key, "pgc.migrate:%s@%s", r->module, r->schema_label);
    snprintf(r->schema_key, sizeof r->schema_key, "pgc.schema:%s", r->schema_label);
    /* Qualified even with no schema ("public"), so a file that changes
       search_path cannot send the record elsewhere. */
    static const char table[] = "{{schema}}." TRACKING_TABLE;
    rc = pgc_render_ex(table, sizeof table - 1, db->schema, &r->table, NULL, NULL, err);
    if (rc == PGC_OK && (rc = pgc_pool_get(db->pool, &r->c, err)) == PGC_OK)
        r->c->may_listen = 1; /* runs files' text (pool.c: notifications) */
    if (rc != PGC_OK) {
        free(r->table);
        plan_free(p);
    }
    return rc;
}

/*
 * The run's connection is closed, not pooled: migrations may have changed
 * its session (SET search_path, SET ROLE, ...), which other users of a
 * shared pool must not inherit.
 */
static void run_close(run *r, plan *p, pgc_db *db)
{
    pgc_pool_discard(db->pool, r->c);
    free(r->table);
    free(r->restore);
    plan_free(p);
}

/*
 * Migrations run on the primary: a server in recovery (a standby, reached
 * by a db with require_writable=off) is refused before anything runs.
 * PostgreSQL 14 and later report in_hot_standby at start-up and when it
 * changes (no round trip); an older server is asked.
 */
static int refuse_standby(run *r, pgc_error *err)
{
    const char *hs = PQparameterStatus(r->c->pg, "in_hot_standby");
    int standby = hs && strcmp(hs, "on") == 0;
    if (!hs) {
        PGresult *res = PQexec(r->c->pg, "SELECT pg_is_in_recovery()");
        int rc = pgc_conn_check_exec(r->c, res, err);
        standby = rc == PGC_OK && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        if (rc != PGC_OK)
            return rc;
    }
    if (!standby)
        return PGC_OK;
    const char *host = PQhost(r->c->pg), *port = PQport(r->c->pg);
    return pgc_fail(err, PGC_EMIGRATION,
                    "pgc_migrate: %s:%s is a standby (in recovery): migrations run on the "
                    "primary; nothing was applied", host ? host : "?", port ? port : "?");
}

int pgc_migrate(pgc_db *db, const pgc_migration_set *set, const pgc_migrate_options *opts,
                size_t *applied_out, pgc_error *err)
{
    if (applied_out)
        *applied_out = 0;
    pgc_migrate_options none = {0};
    if (!opts)
        opts = &none;
    plan p;
    run r;
    int rc = run_open(&r, &p, db, set, "pgc_migrate", err);
    if (rc != PGC_OK)
        return rc;
    r.lock_wait_ms = opts->lock_wait_ms;

    applied_set a = {0};
    int exists = 1;
    rc = refuse_standby(&r, err);
    if (rc == PGC_OK)
        rc = opts->dry_run ? table_exists(&r, &exists, err) : ensure_table(&r, err);
    if (rc == PGC_OK && exists)
        rc = read_applied(&r, &a, err);
    if (rc == PGC_OK)
        rc = check_applied(&p, &a, opts->allow_out_of_order, err);
    /*
     * statements=unnamed says a transaction pooler may stand in between: a
     * no-transaction file's session-level lock would be taken on one server
     * connection and released (or not) on another.  Refused before any file
     * is applied.
     */
    for (size_t i = 0; rc == PGC_OK && r.c->unnamed && i < p.count; i++) {
        const planned *f = &p.files[i];
        if (f->no_transaction && applied_find(&a, f->m->version) < 0)
            rc = pgc_fail(err, PGC_EMIGRATION,
                          "%s: a no-transaction migration needs a direct connection (its lock "
                          "is held by the session), and this pool has statements=unnamed, as "
                          "behind a transaction pooler; apply it with a pool that connects "
                          "to the server directly", f->m->name);
    }

    size_t count = 0;
    for (size_t i = 0; rc == PGC_OK && i < p.count; i++) {
        const planned *f = &p.files[i];
        if (applied_find(&a, f->m->version) >= 0)
            continue;
        int applied = 1; /* a dry run counts what it would apply */
        if (!opts->dry_run)
            rc = (f->no_transaction ? apply_without_transaction : apply_in_transaction)(
                &r, f, opts->allow_out_of_order, &applied, err);
        count += (size_t)applied;
    }
    applied_free(&a);
    run_close(&r, &p, db);
    if (applied_out)
        *applied_out = count;
    return rc;
}

static int by_status_version(const void *a, const void *b)
{
    const pgc_migration_status *x = a, *y = b;
    return x->version < y->version ? -1 : x->version > y->version;
}

int pgc_migrate_status(pgc_db *db, const pgc_migration_set *set, pgc_migration_status **out,
                       size_t *count, pgc_error *err)
{
    if (!out || !count)
        return pgc_fail(err, PGC_EINVAL, "pgc_migrate_status: NULL argument");
    *out = NULL;
    *count = 0;
    plan p;
    run r;
    int rc = run_open(&r, &p, db, set, "pgc_migrate_status", err);
    if (rc != PGC_OK)
        return rc;
    applied_set a = {0};
    int exists = 0;
    rc = table_exists(&r, &exists, err);
    if (rc == PGC_OK && exists)
        rc = read_applied(&r, &a, err);

    pgc_migration_status *st = NULL;
    if (rc == PGC_OK && !(st = calloc(p.count + a.count + 1, sizeof *st)))
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; rc == PGC_OK && i < p.count; i++) {
        pgc_migration_status *s = &st[n++];
        const planned *f = &p.files[i];
        s->version = f->m->version;
        pgc_strlcpy(s->name, f->m->name, sizeof s->name);
        pgc_strlcpy(s->checksum, f->checksum, sizeof s->checksum);
        int row = applied_find(&a, f->m->version);
        s->state = row < 0 ? PGC_MIGRATION_PENDING
                   : strcmp(f->checksum, PQgetvalue(a.res, row, 2)) == 0 ? PGC_MIGRATION_APPLIED
                                                                          : PGC_MIGRATION_EDITED;
    }
    for (size_t j = 0; rc == PGC_OK && j < a.count; j++) {
        int row = a.rows[j].row;
        pgc_migration_status *s = NULL;
        const planned *f = find_planned(&p, a.rows[j].version);
        if (f) {
            s = &st[f - p.files];
        } else {
            s = &st[n++];
            s->version = a.rows[j].version;
            pgc_strlcpy(s->name, PQgetvalue(a.res, row, 1), sizeof s->name);
            s->state = PGC_MIGRATION_MISSING;
        }
        pgc_strlcpy(s->applied_checksum, PQgetvalue(a.res, row, 2), sizeof s->applied_checksum);
        pgc_strlcpy(s->applied_at, PQgetvalue(a.res, row, 3), sizeof s->applied_at);
        pgc_strlcpy(s->applied_by, PQgetvalue(a.res, row, 4), sizeof s->applied_by);
        s->execution_ms = strtod(PQgetvalue(a.res, row, 5), NULL);
    }
    applied_free(&a);
    run_close(&r, &p, db);
    if (rc != PGC_OK) {
        free(st);
        return rc;
    }
    qsort(st, n, sizeof *st, by_status_version);
    *out = st;
    *count = n;
    return PGC_OK;
}
