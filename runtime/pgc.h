/*
 * pgc.h - the pgc runtime (libpgc): pool, dual-mode db, statements,
 * transactions, errors and the migration runner.  Depends on libpq only.
 *
 * Conventions, the same everywhere in this header:
 *  - Handles are opaque.  Every `_open`/`_new` has a `_close`/`_free` that
 *    accepts NULL.  After a failed open, *out is NULL and nothing needs
 *    freeing.
 *  - Functions that can fail return an int from the pgc error space
 *    (PGC_OK == 0) and take a `pgc_error *err` last, which may be NULL.
 *    On failure `err` is filled; on success it is left alone.
 *  - Memory the runtime hands out says who frees it, at the function.
 *  - All functions are thread-safe for distinct handles.  A pool and a db
 *    may be shared by any number of threads; a transaction scope belongs to
 *    one thread at a time.
 *
 * The header is grouped by the source file that implements each part.
 */
#ifndef PGC_H
#define PGC_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PGC_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* error.c: one error code space and the error record                  */
/* ------------------------------------------------------------------ */

/* X(NAME, message).  PGC_OK must stay first (== 0). */
#define PGC_ERRNO_MAP(X)                                                     \
    X(OK, "success")                                                         \
    X(EINVAL, "invalid argument")                                            \
    X(ENOMEM, "out of memory")                                               \
    X(ECONFIG, "invalid configuration setting")                              \
    X(ECONNECT, "could not connect to the server")                           \
    X(ECONNLOST, "connection to the server was lost")                        \
    X(ETIMEDOUT, "timed out waiting for a connection or a lock")             \
    X(EBUSY, "resource busy: still in use")                                  \
    X(ESQL, "the server reported an error")                                  \
    X(ECANCELED, "statement canceled (statement timeout or cancel request)") \
    X(ENOROW, "the query returned no row")                                   \
    X(ETEMPLATE, "invalid SQL template")                                     \
    X(EIDENT, "invalid identifier")                                          \
    X(ESYNTAX, "malformed SQL text")                                         \
    X(ETXSTATE, "wrong transaction state for this call")                     \
    X(EIO, "could not read a file")                                          \
    X(EMIGRATION, "invalid migration")                                       \
    X(EEDITED, "an applied migration was edited")                            \
    X(EORDER, "migration is older than the newest applied one")              \
    X(EINTERNAL, "internal error")

typedef enum pgc_code {
#define PGC_ENUM_(name, msg) PGC_##name,
    PGC_ERRNO_MAP(PGC_ENUM_)
#undef PGC_ENUM_
    PGC_CODE_COUNT_
} pgc_code;

/* A static string describing `code`; never NULL. */
const char *pgc_strerror(int code);
/* "PGC_ETIMEDOUT" for PGC_ETIMEDOUT; "PGC_UNKNOWN" for unknown codes. */
const char *pgc_code_name(int code);

/*
 * The error record.  Plain data the caller owns (usually on its stack),
 * nothing to free.  Text fields are NUL-terminated and truncated to fit.
 * Initialise with `pgc_error err = {0};` or pgc_error_clear().
 */
typedef struct pgc_error {
    int code;              /* pgc_code; PGC_OK when no error was recorded  */
    char sqlstate[6];      /* five characters from the server, or ""       */
    char message[1024];    /* primary message, with context (file, setting) */
    char detail[512];      /* server DETAIL or ""                           */
    char hint[512];        /* server HINT or ""                             */
    char statement[128];   /* the statement's or migration's name, or ""   */
    int position;          /* 1-based character offset in the statement's
                              SQL as the server reported it, or 0          */
    int line, column;      /* position mapped to the user's source (1-based),
                              0 when unknown                                */
} pgc_error;

void pgc_error_clear(pgc_error *err);

/* ------------------------------------------------------------------ */
/* config.c: configuration of a pool                                    */
/* ------------------------------------------------------------------ */

/*
 * A configuration is a set of named settings, given as text so that they
 * can come straight from a file or the environment.  Settings:
 *
 *   conninfo                    libpq keywords ("host=/tmp dbname=app") or
 *                               a URI; required
 *   min_connections             opened at pool open (default 1; 0 = lazy)
 *   max_connections             upper bound (default 10)
 *   acquire_timeout_ms          wait for a free connection (default 5000)
 *   max_queries                 recycle a connection after N statements
 *                               (default 0 = never)
 *   max_idle_ms                 recycle a connection idle this long
 *                               (default 0 = never)
 *   max_lifetime_ms             recycle a connection this old (default 0)
 *   statement_timeout_ms        server setting, 0 = off (default 0)
 *   lock_timeout_ms             server setting, 0 = off (default 0)
 *   idle_in_transaction_timeout_ms  server setting, 0 = off (default 0)
 *   application_name            default "pgc"
 *   server.NAME                 any server setting, applied with
 *                               set_config(NAME, VALUE) on every new
 *                               connection, e.g. "server.work_mem"
 *   init                        a statement run on every new connection;
 *                               may be given several times, run in order
 *
 * pgc_config_set() checks the name and the value at once and says which is
 * wrong.  A config whose set failed is also refused by every open, naming
 * the same setting, so an ignored return value cannot slip through.
 */
typedef struct pgc_config pgc_config;

/* Returns NULL when out of memory.  Free with pgc_config_free(). */
pgc_config *pgc_config_new(void);
void pgc_config_free(pgc_config *cfg);
/* Copies key and value.  Setting a key again replaces it ("init" appends). */
int pgc_config_set(pgc_config *cfg, const char *key, const char *value,
                   pgc_error *err);

/* ------------------------------------------------------------------ */
/* pool.c: a thread-safe pool of libpq connections                      */
/* ------------------------------------------------------------------ */

typedef struct pgc_pool pgc_pool;

/*
 * Opens min_connections connections (checking conninfo and every server
 * setting on the way).  The pool copies what it needs of cfg; cfg may be
 * freed afterwards.  Close with pgc_pool_close().
 */
int pgc_pool_open(pgc_pool **out, const pgc_config *cfg, pgc_error *err);

/*
 * Closes every connection and frees the pool.  Refused with PGC_EBUSY,
 * and nothing closed, while a connection is checked out or a db is
 * attached: close those first.  NULL is accepted (PGC_OK).
 */
int pgc_pool_close(pgc_pool *pool);

typedef struct pgc_pool_stats {
    int total;      /* open connections, idle and checked out */
    int idle;
    int in_use;
    int waiting;    /* threads blocked in acquire */
    int attached;   /* dbs attached to the pool */
    uint64_t opened; /* connections opened over the pool's life */
    uint64_t closed; /* connections closed (recycled or broken) */
} pgc_pool_stats;

void pgc_pool_stats_get(pgc_pool *pool, pgc_pool_stats *out);

/*
 * Low-level access to one connection: acquire blocks up to
 * acquire_timeout_ms and fails with PGC_ETIMEDOUT.  The PGconn belongs to
 * the pool: give it back with pgc_pool_release(), never PQfinish() it.  A
 * connection released broken, or inside a transaction that cannot be
 * rolled back, is closed and replaced on demand.
 */
int pgc_pool_acquire(pgc_pool *pool, PGconn **out, pgc_error *err);
void pgc_pool_release(pgc_pool *pool, PGconn *conn);

/* ------------------------------------------------------------------ */
/* db.c: the dual-mode manager                                          */
/* ------------------------------------------------------------------ */

/*
 * A db is the handle that a library's code runs on.  It has a schema (or
 * none) that its SQL templates render into, and a pool:
 *
 *  - standalone: pgc_db_open() opens a pool from cfg and owns it;
 *    pgc_db_close() closes that pool.
 *  - embedded: pgc_db_attach() borrows a pool that the host application
 *    opened; pgc_db_close() never closes it, and other dbs attached to it
 *    keep working.
 *
 * A transaction scope (see tx.c) is also a pgc_db: generated functions and
 * pgc_query() take either.
 *
 * schema may be NULL (no schema: `{{tables.t}}` renders as `t` and the
 * server's search_path decides).  A schema must follow PostgreSQL's rules
 * for identifiers (letter or `_`, then letters, digits, `_` or `$`; UTF-8
 * letters allowed) and be at most 63 bytes; it is always quoted, so its
 * case is kept.
 */
typedef struct pgc_db pgc_db;

int pgc_db_open(pgc_db **out, const pgc_config *cfg, const char *schema,
                pgc_error *err);
int pgc_db_attach(pgc_db **out, pgc_pool *pool, const char *schema,
                  pgc_error *err);

/*
 * Closes a db.  Refused with PGC_EBUSY while a transaction scope opened
 * from it is still open.  On a transaction scope it is the same as
 * pgc_tx_rollback().  NULL is accepted (PGC_OK).
 */
int pgc_db_close(pgc_db *db);

/* The schema as given, or NULL.  Owned by the db. */
const char *pgc_db_schema(const pgc_db *db);
/* The pool the db runs on (owned by the db when standalone). */
pgc_pool *pgc_db_pool(const pgc_db *db);

/* ------------------------------------------------------------------ */
/* template.c: SQL templates                                            */
/* ------------------------------------------------------------------ */

/*
 * Renders `{{tables.t}}` as `"schema".t` (or `t` with no schema),
 * `{{tables.s.t}}` as `"s".t` and `{{schema}}` as `"schema"` (or
 * `"public"` with no schema).  Text in string literals, quoted identifiers,
 * dollar quotes and comments is never touched.  Table names must be plain
 * identifiers ([A-Za-z_][A-Za-z0-9_$]*, at most 63 bytes).
 *
 * schema may be NULL.  *out is malloc'd; the caller frees it with free().
 * On a malformed template: PGC_ETEMPLATE or PGC_EIDENT with the line and
 * column in err.
 */
int pgc_render(const char *sql, const char *schema, char **out,
               pgc_error *err);

/* Checks an identifier as a schema name; `what` names it in the message. */
int pgc_check_identifier(const char *name, const char *what, pgc_error *err);

/* ------------------------------------------------------------------ */
/* query.c: statements and results                                      */
/* ------------------------------------------------------------------ */

/*
 * A statement, usually defined `static const` by generated code.  Its SQL
 * is rendered once per db and prepared once per connection under a name
 * that carries the statement's name and the db's schema.
 */
typedef struct pgc_stmt {
    const char *name;        /* unique within a module, e.g. "get_user" */
    const char *sql;         /* with templates and $n parameters        */
    int nparams;
    const Oid *param_types;  /* nparams OIDs, or NULL to let the server infer */
    int result_format;       /* 0 = text, 1 = binary */
} pgc_stmt;

/*
 * A result.  Free with pgc_result_free().  It does not hold a connection.
 * pgc_result_pq() gives the underlying PGresult (owned by the result) for
 * anything the accessors below do not cover.
 */
typedef struct pgc_result pgc_result;

/*
 * Runs a prepared statement.  values/lengths/formats are as for
 * PQexecPrepared (lengths and formats may be NULL for all-text params).
 * On a db, a connection is checked out for this call only (autocommit);
 * on a transaction scope, the scope's connection is used.  *out receives
 * the result on success (free it), NULL on failure.  out may be NULL when
 * the caller wants no rows.
 */
int pgc_query(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
              const int *lengths, const int *formats, pgc_result **out,
              pgc_error *err);

/*
 * Renders and runs SQL text with no parameters through the simple query
 * protocol (several statements allowed).  For DDL and scripts, not for
 * anything that carries user input.  *out as for pgc_query.
 */
int pgc_exec(pgc_db *db, const char *sql, pgc_result **out, pgc_error *err);

void pgc_result_free(pgc_result *res);
int pgc_result_rows(const pgc_result *res);
int pgc_result_cols(const pgc_result *res);
/* Rows affected by INSERT/UPDATE/DELETE/...; 0 when not applicable. */
int64_t pgc_result_affected(const pgc_result *res);
int pgc_result_is_null(const pgc_result *res, int row, int col);
/* Pointer into the result (valid until pgc_result_free); "" for NULL. */
const char *pgc_result_value(const pgc_result *res, int row, int col);
int pgc_result_length(const pgc_result *res, int row, int col);
const char *pgc_result_name(const pgc_result *res, int col);
Oid pgc_result_type(const pgc_result *res, int col);
PGresult *pgc_result_pq(pgc_result *res);

/* ------------------------------------------------------------------ */
/* tx.c: transactions and savepoints                                    */
/* ------------------------------------------------------------------ */

/*
 * Begins a transaction on `db` and gives a transaction scope in *tx: a
 * pgc_db bound to one connection, for any number of pgc_query/pgc_exec or
 * generated calls.  Beginning on a transaction scope opens a savepoint
 * nested in it.  End every scope with pgc_tx_commit() or pgc_tx_rollback(),
 * innermost first; both free the scope, also when they fail, except when
 * an inner scope is still open: that is refused (PGC_ETXSTATE), freeing
 * nothing.
 *
 * If a statement fails inside a scope, the scope must be rolled back
 * (commit then fails with PGC_ETXSTATE and rolls back).
 */
int pgc_tx_begin(pgc_db *db, pgc_db **tx, pgc_error *err);
int pgc_tx_commit(pgc_db *tx, pgc_error *err);
int pgc_tx_rollback(pgc_db *tx, pgc_error *err);
/* 0 for a db, 1 for a transaction, 2+ for nested savepoints. */
int pgc_tx_depth(const pgc_db *db);

/* ------------------------------------------------------------------ */
/* migrate.c: the migration runner                                      */
/* ------------------------------------------------------------------ */

/*
 * A migration file.  Generated code defines these `static const`; a set
 * loaded with pgc_migration_set_load() owns its copies.
 */
typedef struct pgc_migration {
    uint64_t version;     /* from the file name: 001_x -> 1, V2__x -> 2 */
    const char *name;     /* file name, e.g. "001_init.sql" */
    const char *sql;      /* the file's text as read (templates unrendered) */
    const char *checksum; /* SHA-256 of sql with CRLF normalised to LF, 64
                             lower-case hex digits; NULL: computed on use */
} pgc_migration;

typedef struct pgc_migration_set {
    const char *module;   /* tracking name, e.g. "accounts" */
    size_t count;
    const pgc_migration *files; /* any order; the runner sorts by version */
} pgc_migration_set;

/*
 * Loads every `*.sql` file of `dir` (except `*.down.sql`) into a new set.
 * Refused, naming the file: a name with no version, two files with one
 * version, a file with NUL bytes.  Free with pgc_migration_set_free().
 */
int pgc_migration_set_load(pgc_migration_set **out, const char *module,
                           const char *dir, pgc_error *err);
void pgc_migration_set_free(pgc_migration_set *set);

/*
 * Version from a file name: leading digits after an optional `V`/`v`,
 * followed by `_`, `-` or `.`.  Returns 0 on success, -1 if none.
 */
int pgc_migration_version(const char *name, uint64_t *out);

/* SHA-256 of text with CRLF normalised to LF, as 64 hex digits + NUL. */
int pgc_migration_checksum(const char *sql, size_t len, char out[65]);

typedef struct pgc_migrate_options {
    int allow_out_of_order; /* apply a new file older than the newest applied */
    int dry_run;            /* report what would be applied, change nothing  */
    int64_t lock_wait_ms;   /* give up (PGC_ETIMEDOUT) if another process holds
                               the migration lock this long; 0 = wait on */
} pgc_migrate_options;

typedef enum pgc_migration_state {
    PGC_MIGRATION_PENDING,  /* in the set, not applied */
    PGC_MIGRATION_APPLIED,  /* applied, checksum matches */
    PGC_MIGRATION_EDITED,   /* applied, the file's checksum changed since */
    PGC_MIGRATION_MISSING   /* applied, no longer in the set */
} pgc_migration_state;

typedef struct pgc_migration_status {
    uint64_t version;
    char name[256];
    pgc_migration_state state;
    char checksum[65];     /* the set's checksum, or "" when MISSING */
    char applied_checksum[65]; /* recorded checksum, or "" when PENDING */
    char applied_at[40];   /* server timestamp text, or "" */
    char applied_by[64];
    double execution_ms;   /* recorded execution time, or 0 */
} pgc_migration_status;

/*
 * Applies the set's pending files to db's schema, tracked under
 * (set->module, schema).  See README "Migrations" for the guarantees.
 * *applied (may be NULL) receives how many files were applied (or would
 * be, with dry_run).  opts may be NULL.  Not on a transaction scope.
 */
int pgc_migrate(pgc_db *db, const pgc_migration_set *set,
                const pgc_migrate_options *opts, size_t *applied,
                pgc_error *err);

/*
 * Status of every file of the set and every applied file no longer in it,
 * by version.  *out is malloc'd (free with free()); *count entries.
 * Changes nothing; a db whose tracking table does not exist yet reports
 * every file pending.
 */
int pgc_migrate_status(pgc_db *db, const pgc_migration_set *set,
                       pgc_migration_status **out, size_t *count,
                       pgc_error *err);

#ifdef __cplusplus
}
#endif
#endif /* PGC_H */
