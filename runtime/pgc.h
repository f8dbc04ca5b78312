/*
 * pgc.h - the pgc runtime (libpgc): what a program or a library built on pgc
 * calls, and what the code `pgc generate` writes calls.  Depends on libpq
 * (this header includes libpq-fe.h) and, inside the library, libcrypto for
 * the SHA-256 of migration files, which libpq links already.
 *
 * In the order a program uses it:
 *
 *   Errors                  pgc_error, the PGC_* codes, pgc_strerror
 *   Configuration           pgc_config: settings as text
 *   Pools                   pgc_pool: thread-safe libpq connections
 *   Databases               pgc_db: standalone or embedded (dual mode)
 *   Statements and results  pgc_stmt, pgc_query, pgc_exec, pgc_result
 *   Transactions            pgc_tx_begin: a scope that is itself a pgc_db
 *   Streams                 pgc_stream: rows one at a time
 *   COPY                    pgc_copy: rows into a table in bulk
 *   Batches                 pgc_batch: many calls in one round trip
 *   Non-blocking calls      pgc_async, pgc_call: the caller's event loop
 *                           drives them; pgc_pipe_*: different calls in
 *                           one round trip
 *   Tracing                 pgc_trace_fn: a hook for every statement
 *   Migrations              pgc_migrate and the tracking table
 *   SQL templates           pgc_render: {{tables.t}} and {{schema}}
 *   For generated code      C values of PostgreSQL types (pgc_gen.h)
 *
 * Conventions, the same everywhere in this header (a function says so when
 * it departs from one):
 *
 *  Handles.  Opaque.  Whatever opens one (`_open`, `_new`, `_begin`,
 *    `_attach`, `_load`) has a call that ends it and frees it (`_close`,
 *    `_free`, `_end`, `_abort`; a transaction scope's commit or rollback);
 *    `_close`, `_free` and `_abort` accept NULL.  After a failed open, *out
 *    is NULL and nothing needs freeing.
 *
 *  Errors.  A function that can fail returns an int from the pgc code space
 *    (PGC_OK == 0) and takes `pgc_error *err` last, which may be NULL.  On
 *    failure err is filled; on success (and on PGC_DONE) it is left alone.
 *
 *  Ownership.  Results are given, rows are lent.  What a call hands out
 *    through an out-parameter is the caller's, to end with the function
 *    named there: a pgc_result from pgc_query, pgc_exec or pgc_batch_next
 *    (pgc_result_free), a string or array "malloc'd" (free()).  Lent, and
 *    never freed by the caller: a row from pgc_stream_next (valid until the
 *    next call on the stream or its close) and any pointer into a result
 *    (valid as long as the result).  Strings and arrays the caller passes
 *    in are copied or used during the call only, unless the function says
 *    otherwise (a pgc_stmt or pgc_migration_set must outlive its use).
 *
 *  Iteration.  A `_next` returns PGC_OK with the next item, PGC_DONE after
 *    the last one (no failure: err untouched; every later call returns
 *    PGC_DONE too), or the code of what went wrong.  PGC_ENOROW means only
 *    that a statement that should return a row returned none (a generated
 *    :one or :batchone).
 *
 *  Lengths.  size_t for the bytes and items of memory the caller passes
 *    or receives (pgc_copy_bytes, pgc_bytes, the arrays, migration text,
 *    pgc_migrate_status's count).  int, as in libpq, for what libpq counts:
 *    rows, columns, parameters and batch calls, and the byte lengths that
 *    fill its parameter slots or come from its values (the lengths[] of
 *    pgc_query, pgc_result_length, pgc_field.len with -1 for SQL NULL, the
 *    `int *len` of the pgc_put_* encoders, which go into lengths[]).
 *
 *  Threads.  Any function may be called from any thread for distinct
 *    handles.  A pool and a db may be shared by any number of threads; a
 *    transaction scope, stream, batch or COPY belongs to one thread at a
 *    time.
 */
#ifndef PGC_H
#define PGC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

/*
 * Declarations between PGC_BEGIN_DECLS and PGC_END_DECLS are libpgc's API:
 * C linkage, and exported by libpgc.so, whose sources are compiled with
 * -fvisibility=hidden so that nothing else leaves the library.
 */
#if defined(__GNUC__) || defined(__clang__)
#define PGC_VISIBLE_PUSH_ _Pragma("GCC visibility push(default)")
#define PGC_VISIBLE_POP_ _Pragma("GCC visibility pop")
#else
#define PGC_VISIBLE_PUSH_
#define PGC_VISIBLE_POP_
#endif
#ifdef __cplusplus
#define PGC_BEGIN_DECLS extern "C" { PGC_VISIBLE_PUSH_
#define PGC_END_DECLS PGC_VISIBLE_POP_ }
#else
#define PGC_BEGIN_DECLS PGC_VISIBLE_PUSH_
#define PGC_END_DECLS PGC_VISIBLE_POP_
#endif

PGC_BEGIN_DECLS

#define PGC_VERSION "0.1.0"

/* ====================================================================== */
/* Errors                                                                 */
/* ====================================================================== */

/*
 * One code space for every failure (and PGC_DONE, the end of an iteration),
 * and one record, pgc_error, that says what went wrong: the server's
 * SQLSTATE, message, detail, hint and the place in the user's SQL file.
 */

/* X(NAME, message).  PGC_OK must stay first (== 0); new codes go last, so
 * that a code's number never changes. */
#define PGC_ERRNO_MAP(X)                                                     \
    X(OK, "success")                                                         \
    X(EINVAL, "invalid argument")                                            \
    X(ENOMEM, "out of memory")                                               \
    X(ECONFIG, "invalid configuration setting")                              \
    X(ECONNECT, "could not connect to the server")                           \
    X(ECONNLOST, "connection to the server was lost")                        \
    X(ETIMEDOUT, "timed out (a connection, a lock or a call's deadline)")     \
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
    X(EINTERNAL, "internal error")                                           \
    X(DONE, "no more rows: the iteration has ended")                      \
    X(ECLOSED, "closed with the call still in flight")

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
    char constraint_name[64]; /* the constraint the server names (a unique,
                                 check or foreign key violation), or ""    */
    char table_name[64];   /* the table the server names, or ""            */
    char column_name[64];  /* the column the server names (not null), or "" */
} pgc_error;

void pgc_error_clear(pgc_error *err);

#if defined(__GNUC__) || defined(__clang__)
#define PGC_FORMAT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PGC_FORMAT_PRINTF(fmt, args)
#endif

/*
 * Records code and a printf-formatted message in err (which may be NULL),
 * clearing every other field, and returns code: for a library built on pgc
 * to report its own errors in the same record,
 * `return pgc_error_set(err, PGC_EINVAL, "mylib: no such user %lld", id);`.
 * The arguments may point into err itself (its message, say).
 */
int pgc_error_set(pgc_error *err, int code, const char *fmt, ...) PGC_FORMAT_PRINTF(3, 4);

/*
 * Puts a printf-formatted prefix before err's message, keeping every other
 * field (code, SQLSTATE, constraint, position...): to add context to an
 * error from pgc, `pgc_error_prefix(err, "mylib: transfer %lld: ", id);`.
 * Does nothing when err is NULL.
 */
void pgc_error_prefix(pgc_error *err, const char *fmt, ...) PGC_FORMAT_PRINTF(2, 3);

/* ====================================================================== */
/* Configuration                                                          */
/* ====================================================================== */

/*
 * Settings of a pool, as text, checked as they are set.
 */

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
 *   check_after_idle_ms         before handing out a connection idle at
 *                               least this long, poll its socket (no round
 *                               trip) to find a backend that went away
 *                               (default 500; 0 = every time).  One used
 *                               more recently is handed out unchecked: if
 *                               its backend died, that call fails with
 *                               PGC_ECONNLOST and the next gets a new one
 *   statement_timeout_ms        server setting, 0 = off (default 0)
 *   lock_timeout_ms             server setting, 0 = off (default 0)
 *   idle_in_transaction_timeout_ms  server setting, 0 = off (default 0)
 *   application_name            default "pgc"
 *   server.NAME                 any server setting, applied with
 *                               set_config(NAME, VALUE) on every new
 *                               connection, e.g. "server.work_mem"
 *   init                        a statement run on every new connection;
 *                               may be given several times, run in order
 *   reset                       "none" (default) or "discard_all": every
 *                               connection given back to the pool runs
 *                               DISCARD ALL, then its server.* settings
 *                               and init statements again (as PgBouncer's
 *                               server_reset_query); its statements are
 *                               prepared again on next use.  Round trips
 *                               on every call: measured in make bench
 *   statements                  "named" (default): each statement is
 *                               prepared once per connection and run by
 *                               name.  "unnamed": each call parses, binds
 *                               and runs in one round trip (PQexecParams;
 *                               in batches and streams too), leaving no
 *                               state on the server connection.  Use it
 *                               behind a transaction pooler that does not
 *                               track prepared statements, e.g. PgBouncer
 *                               before 1.21 in pool_mode=transaction.
 *                               There, also: server.* settings and init
 *                               statements reach only the server
 *                               connection the pooler picks at connect
 *                               time (set them on the role or database
 *                               instead).  Transactional migration
 *                               files work; a pending "-- pgc:no-
 *                               transaction" file needs a direct
 *                               connection (its lock is held by the
 *                               session), so pgc_migrate refuses it on
 *                               such a pool (PGC_EMIGRATION) before
 *                               applying anything.  See RELIABILITY.md.
 *
 *
 * Replicas and failover (README "Replicas, failover and poolers"):
 *
 *   require_writable            "on" (default) or "off".  On: a new
 *                               connection must accept writes; one to a
 *                               server that reports in_hot_standby=on (a
 *                               standby) or default_transaction_read_only
 *                               =on (reported by PostgreSQL 14 and
 *                               later; older servers are not checked) is
 *                               closed and the connect fails with
 *                               PGC_ECONNECT ("HOST:PORT is a standby
 *                               (read-only): ...").  When conninfo lists
 *                               several hosts and sets no
 *                               target_session_attrs, pgc asks libpq for
 *                               target_session_attrs=read-write, so libpq
 *                               tries the next host.  Whatever the
 *                               setting, a connection whose statement
 *                               fails with SQLSTATE 25006 (read-only
 *                               transaction: a primary demoted under it)
 *                               is retired when given back, never reused.
 *                               Off: for a pool meant to read a standby
 *   read_conninfo               a second target for statements that only
 *                               read (PGC_STMT_READS): standbys, as libpq
 *                               keywords or a URI, e.g. "host=r1,r2
 *                               target_session_attrs=prefer-standby".
 *                               Such statements run there when run on a
 *                               db (pgc_query, generated blocking calls,
 *                               streams); everything else, everything in
 *                               a transaction scope (a scope's reads see
 *                               its writes), batches, COPY and
 *                               non-blocking calls run on the primary.
 *                               Its connections are opened on demand (no
 *                               minimum), up to max_connections, with the
 *                               same settings (server.*, init, timeouts,
 *                               statements); require_writable does not
 *                               apply to them.  When no read connection
 *                               can be had (PGC_ECONNECT), the read runs
 *                               on the primary, and reads go there
 *                               without trying for the next second.  A
 *                               standby lags its primary: a read outside
 *                               a scope may not see a write made just
 *                               before (use a scope, or -- pgc:primary)
 *   retry_timeout_ms            the retry policy, off by default (0).
 *                               When > 0, a call on a db (not on a
 *                               scope) that fails is run again if
 *                               pgc_error_retry() classes its failure
 *                               PGC_RETRY_TRANSACTION or
 *                               PGC_RETRY_RECONNECT, or PGC_RETRY_UNKNOWN
 *                               for a statement with PGC_STMT_READS:
 *                               never a write whose outcome is unknown.
 *                               No try starts later than this long after
 *                               the first failed; the last error is
 *                               returned, its message ending "(after N
 *                               tries in M ms)".  Covers pgc_query and
 *                               the generated :one, :exec, :execrows and
 *                               :execresult calls, and pgc_tx_run; not
 *                               pgc_exec, :many iterators and streams,
 *                               batches, COPY or non-blocking calls
 *                               (their caller has seen rows or sent
 *                               more).  0 to 2147483647
 *   retry_delay_ms              the first back-off (default 20, 1 to
 *                               1000); each next one doubles, up to 1000
 *                               ms; each wait is the back-off less a
 *                               random part of up to half
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

/* ====================================================================== */
/* Pools                                                                  */
/* ====================================================================== */

/*
 * A thread-safe pool of libpq connections.  Most programs open one through
 * a db (standalone) or hand one to several dbs (embedded); the pool hands
 * out raw PGconns only to code that asks for them.
 */

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
 * pgc_pool_close_ex() also says what is still in use in err (counts of
 * connections checked out or being opened, dbs attached, threads
 * waiting); check its return: a refused close frees nothing.
 */
int pgc_pool_close(pgc_pool *pool);
int pgc_pool_close_ex(pgc_pool *pool, pgc_error *err);

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
/* The same counts for the read target's connections (read_conninfo); all
 * zero when the pool has none. */
void pgc_pool_read_stats_get(pgc_pool *pool, pgc_pool_stats *out);

/*
 * Low-level access to one connection: acquire blocks up to
 * acquire_timeout_ms and fails with PGC_ETIMEDOUT.  The PGconn belongs to
 * the pool: give it back with pgc_pool_release(), never PQfinish() it.
 * On release (and on every path that gives a connection back) the pool
 * frees the notifications libpq has read, leaves pipeline mode if nothing
 * is pending, turns off non-blocking mode and tracing, sets its notice
 * processor again and rolls back an open or failed transaction.  A
 * connection released broken, with a command still running (results not
 * read, a pipeline with results pending, a COPY not ended), or inside a
 * transaction that cannot be rolled back, is closed and replaced on demand.
 * Session state (SET, LISTEN, temporary tables) stays unless
 * reset=discard_all.  A notice receiver set with PQsetNoticeReceiver is
 * not undone: do not set one.
 */
int pgc_pool_acquire(pgc_pool *pool, PGconn **out, pgc_error *err);
void pgc_pool_release(pgc_pool *pool, PGconn *conn);

/* ====================================================================== */
/* Databases                                                              */
/* ====================================================================== */

/*
 * The handle every call runs on: a pool and a schema.
 */

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
 * pgc_db_close_ex() also says in err what is still open (transaction
 * scopes; streams, batches and COPYs; for a standalone db, what keeps its
 * pool busy).  A refused close frees nothing: check the return.
 */
int pgc_db_close(pgc_db *db);
int pgc_db_close_ex(pgc_db *db, pgc_error *err);

/* The schema as given, or NULL.  Owned by the db. */
const char *pgc_db_schema(const pgc_db *db);
/* The pool the db runs on (owned by the db when standalone). */
pgc_pool *pgc_db_pool(const pgc_db *db);

/* ====================================================================== */
/* Statements and results                                                 */
/* ====================================================================== */

/*
 * A statement is SQL with $n parameters, rendered for the db and prepared
 * once per connection; a result holds its rows, without a connection.
 */

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
    /*
     * Where sql was written, for errors (pgc generate sets these; a
     * statement written by hand leaves them NULL and 0): the file as given
     * to pgc generate, and the line and column (1-based) of sql's first
     * character there.  Then an error's line and column count in that file
     * and its message starts "FILE:LINE:COLUMN: ".  Lines are exact; a
     * column can be off on a line the generator rewrote (@name as $n, a
     * parameter's cast, SELECT * spelled out), never by more than that
     * line's rewrites.
     */
    const char *file;
    int line, column;
    /*
     * PGC_STMT_* bits; 0 (a statement written by hand) always runs on the
     * primary and is never retried by the retry policy unless its failure
     * shows it did not run.  pgc generate sets them from its analysis of
     * the query and the query's annotations (README "Replicas, failover
     * and poolers").
     */
    unsigned flags;
} pgc_stmt;

/*
 * The statement only reads: a SELECT (or VALUES, TABLE, WITH of SELECTs)
 * with no data-modifying WITH, no FOR UPDATE/SHARE, no call of a function
 * that may write (nextval, setval, a user's VOLATILE function...), or
 * annotated `-- pgc:reads`.  Outside a transaction scope it runs on the
 * db's read target when the pool has one (setting read_conninfo), and the
 * retry policy may run it again whatever its failure (it is idempotent).
 */
#define PGC_STMT_READS 1u
/*
 * Run on the primary even though it reads (`-- pgc:primary` on a query
 * that reads: it must see the latest writes).  Set with PGC_STMT_READS,
 * which still makes it idempotent for the retry policy.
 */
#define PGC_STMT_PRIMARY 2u

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

/* ====================================================================== */
/* Transactions                                                           */
/* ====================================================================== */

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

/* ====================================================================== */
/* Retries                                                                */
/* ====================================================================== */

/*
 * Which failures are worth another try, and a transaction run as a
 * function so that it can be run again.
 */

/* What a failure allows (pgc_error_retry). */
typedef enum pgc_retry {
    PGC_RETRY_NO = 0,      /* it would fail again (a constraint, bad SQL, a
                              bad argument) or is not a failure */
    PGC_RETRY_TRANSACTION, /* 40001 serialization failure, 40P01 deadlock:
                              the server rolled the transaction back; run
                              the whole transaction again */
    PGC_RETRY_RECONNECT,   /* the statement did not run: no connection
                              could be made (PGC_ECONNECT, 08001, 08004,
                              57P03 cannot connect now) or the server is
                              read-only (25006: a primary demoted, the
                              connection retired); run it again on a new
                              connection */
    PGC_RETRY_UNKNOWN      /* the connection was lost during the call
                              (PGC_ECONNLOST, other 08xxx, 57P01, 57P02):
                              a new connection may succeed, but whether
                              the call took effect is unknown; run again
                              only what is idempotent (a read, a
                              transaction whose COMMIT was never sent) */
} pgc_retry;

/*
 * Classes err (as filled by any pgc call): PGC_ECONNECT is RECONNECT
 * whatever its SQLSTATE (nothing was sent: a connection lost while the
 * pool set it up fails the call with PGC_ECONNECT too); then by SQLSTATE
 * as above; then PGC_ECONNLOST is UNKNOWN.  Everything else is NO, among
 * them PGC_ETIMEDOUT (the pool had no free connection: more tries would
 * add load where there is too much) and PGC_ECANCELED (a statement
 * timeout or cancel someone set).  NULL or PGC_OK: PGC_RETRY_NO.
 */
pgc_retry pgc_error_retry(const pgc_error *err);

/*
 * The body of a transaction: run on the scope `tx`; return PGC_OK to
 * commit, any other code (with err filled) to roll back.  It may be run
 * several times: keep its effects outside the database idempotent.
 */
typedef int (*pgc_tx_fn)(pgc_db *tx, void *ud, pgc_error *err);

/*
 * Begins a transaction on db, runs body, commits if body returned PGC_OK
 * and rolls back otherwise; returns the outcome: body's code and err as
 * body left them, or the commit's.  body must not commit or roll back tx
 * itself, and must end what it opens on tx (streams, batches, savepoints)
 * before it returns.  With the retry policy on (retry_timeout_ms), the
 * whole of it is run again while the failure (body's or the commit's) is
 * PGC_RETRY_TRANSACTION or PGC_RETRY_RECONNECT, or PGC_RETRY_UNKNOWN
 * before COMMIT was sent.  A connection lost while COMMIT was in flight
 * is never retried, policy or not: PGC_ECONNLOST, the message beginning
 * "COMMIT was sent but the connection was lost, the transaction's outcome
 * is unknown: ".  On a transaction scope, body runs once in a savepoint
 * (no retry: the failure belongs to the enclosing transaction).
 */
int pgc_tx_run(pgc_db *db, pgc_tx_fn body, void *ud, pgc_error *err);

/* ====================================================================== */
/* Streams                                                                */
/* ====================================================================== */

/*
 * A stream runs a prepared statement (rendered and prepared as by
 * pgc_query) and hands its rows over one at a time, as libpq's single-row
 * mode receives them: memory does not grow with the number of rows.
 *
 *   pgc_stream *s;
 *   pgc_result *row;
 *   if (pgc_stream_open(db, &list_users, values, NULL, NULL, &s, &err) == PGC_OK) {
 *       while ((rc = pgc_stream_next(s, &row, &err)) == PGC_OK)
 *           use(pgc_result_value(row, 0, 0));
 *       if (rc != PGC_DONE)
 *           ... err says why, with the SQLSTATE ...
 *   }
 *   pgc_stream_close(s);
 *
 * The connection: on a db, one is checked out for the stream; on a
 * transaction scope, the scope's is used, and every other call on that
 * scope (queries, savepoints, commit, rollback, other streams) fails with
 * PGC_ETXSTATE until the stream ends.  The stream gives the connection
 * back as soon as it ends (pgc_stream_next returned anything but PGC_OK)
 * or is closed.  Beware: on a db, a stream holds one pooled connection
 * while it is read; more calls on the same db from inside the loop need a
 * second one (a one-connection pool then times out).  pgc_db_close()
 * refuses (PGC_EBUSY) while a stream opened from the db is not closed.
 *
 * pgc_stream_open returns once the first row (or the end, or an error)
 * has arrived, so errors the server finds before any row (a missing
 * table, a bad parameter) come from open; a statement whose plan went
 * stale is prepared again and retried there, as pgc_query does.  *out is
 * NULL on failure.
 */
typedef struct pgc_stream pgc_stream;

int pgc_stream_open(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_stream **out,
                    pgc_error *err);

/*
 * The next row: PGC_OK with *row a one-row result, lent: it belongs to
 * the stream and is valid until the next pgc_stream_next or
 * pgc_stream_close (do not free it); PGC_DONE after the last row; or the
 * error that ended the statement (err with SQLSTATE; e.g. a division by
 * zero at row 50 000 comes after 49 999 rows).  *row is NULL unless
 * PGC_OK.  After the end or an error, every call returns PGC_DONE.  On a
 * transaction scope an error aborts the transaction, as any failed
 * statement does.
 */
int pgc_stream_next(pgc_stream *s, pgc_result **row, pgc_error *err);

/*
 * Frees the stream (NULL is accepted).  Rows not read yet are thrown away:
 *  - on a db, the statement is canceled (PQcancel) and what was already
 *    sent is read and dropped, so the connection goes back to the pool
 *    clean;
 *  - on a transaction scope, a cancel would abort the transaction, so the
 *    remaining rows are read to the end and dropped (this takes as long as
 *    the rest of the statement; memory stays flat).
 * A statement that may change data (any but a SELECT, VALUES, TABLE or WITH
 * with no INSERT, UPDATE, DELETE or MERGE in it: DELETE/UPDATE/INSERT ...
 * RETURNING, a data-modifying WITH) is run inside BEGIN on a db, or inside
 * SAVEPOINT pgc_stream on a scope.  PostgreSQL runs such a statement to its
 * end before sending the first row, so a cancel comes too late; instead the
 * stream commits (or releases) only when pgc_stream_next reaches the end
 * (a failed COMMIT, e.g. a deferred constraint, is then its error, not
 * PGC_DONE), and closing earlier rolls the statement back: nothing it changed stays.  After an error on a
 * scope the savepoint is left: the scope's transaction is failed, as after
 * any failed statement.  Read-only statements pay nothing for this; a
 * SELECT calling a function that changes data is not guarded.
 * If the connection cannot be made clean it is retired, never reused.
 */
void pgc_stream_close(pgc_stream *s);

/* ====================================================================== */
/* COPY                                                                   */
/* ====================================================================== */

/*
 * Streams rows into a table with COPY FROM STDIN (FORMAT binary).  stmt
 * holds the COPY (templates rendered for the db, cached like any
 * statement; nparams 0; its name is reported in errors):
 *
 *   static const pgc_stmt copy_users = {
 *       "copy_users", "COPY {{tables.users}} (id, name) FROM STDIN (FORMAT binary)"};
 *   pgc_copy *c;
 *   pgc_copy_begin(db, &copy_users, &c, &err);
 *   for (...) {
 *       pgc_copy_row(c, 2, NULL);
 *       pgc_copy_int8(c, id, NULL);
 *       pgc_copy_text(c, name, NULL);       (NULL writes NULL)
 *   }
 *   if (pgc_copy_end(c, &rows, &err) != PGC_OK) ... err.sqlstate ...
 *
 * Fields are encoded into a 64 KiB buffer, sent with PQputCopyData when it
 * fills.  The COPY is one statement: on a db it runs in its own
 * transaction (a failure keeps no row); on a transaction scope it is part
 * of the scope's transaction, which a failure or an abort leaves failed
 * (to be rolled back).  The connection is held as by a stream: checked
 * out on a db, and on a scope every other call fails with PGC_ETXSTATE
 * until pgc_copy_end or pgc_copy_abort.
 *
 * Errors are sticky: the first failure (a row with the wrong number of
 * fields, a lost connection) is returned by that writer and by every later
 * one, and reported in full by pgc_copy_end, which then aborts the COPY.
 * Writers may therefore be called with err NULL and their results
 * ignored; pgc_copy_end has the last word.  Server errors in the data (a
 * unique violation: 23505, a bad value) are known when the COPY ends:
 * libpq reads the server's error only then (the server discards the rows
 * sent after it).
 *
 * pgc_copy_begin fails (nothing held, *out NULL) if the statement is not
 * a COPY FROM STDIN in binary format (PGC_EINVAL) or the server refuses
 * it (PGC_ESQL, with the position mapped to stmt->sql).  Whether a COPY
 * is binary is known only once the server has started it, so on a
 * transaction scope a COPY refused for its format has failed the
 * transaction.
 */
typedef struct pgc_copy pgc_copy;

int pgc_copy_begin(pgc_db *db, const pgc_stmt *stmt, pgc_copy **out, pgc_error *err);

/* Starts a row of ncols fields: must equal the COPY's column count. */
int pgc_copy_row(pgc_copy *c, int ncols, pgc_error *err);
/* Field writers, in column order.  Binary encodings as PostgreSQL's
 * *send functions: the C value must match the column's type (int4 for
 * integer, int8 for bigint, ...); pgc_copy_bytes writes any type's binary
 * form as is (text: its bytes in the server encoding, no NUL). */
int pgc_copy_null(pgc_copy *c, pgc_error *err);
int pgc_copy_bytes(pgc_copy *c, const void *data, size_t len, pgc_error *err);
int pgc_copy_int2(pgc_copy *c, int16_t v, pgc_error *err);
int pgc_copy_int4(pgc_copy *c, int32_t v, pgc_error *err);
int pgc_copy_int8(pgc_copy *c, int64_t v, pgc_error *err);
int pgc_copy_float4(pgc_copy *c, float v, pgc_error *err);
int pgc_copy_float8(pgc_copy *c, double v, pgc_error *err);
int pgc_copy_bool(pgc_copy *c, int v, pgc_error *err);
/* A NUL-terminated string as text (or varchar); NULL writes NULL. */
int pgc_copy_text(pgc_copy *c, const char *s, pgc_error *err);
/* jsonb text (the version byte added), and numeric text (encoded in
 * binary: PGC_EINVAL for text that is not a number); NULL writes NULL. */
int pgc_copy_jsonb(pgc_copy *c, const char *s, pgc_error *err);
int pgc_copy_numeric(pgc_copy *c, const char *s, pgc_error *err);
/* A value an encoder made (pgc_put_*_array, pgc_put_numeric): rc is the
 * encoder's result, data and len (int: a parameter slot's length) what it
 * gave; data (malloc'd, may be NULL) is written if rc is PGC_OK, else the
 * COPY fails with rc.  data is freed in either case. */
int pgc_copy_encoded(pgc_copy *c, int rc, char *data, int len, pgc_error *err);

/*
 * Finishes the COPY and frees c, whatever the outcome (NULL: PGC_EINVAL).
 * *rows (may be NULL) receives the number of rows the server stored (0
 * on failure).  On failure nothing was stored (on a scope: the scope's
 * transaction has failed).
 */
int pgc_copy_end(pgc_copy *c, int64_t *rows, pgc_error *err);
/* Abandons the COPY: nothing is stored; frees c.  NULL is accepted. */
void pgc_copy_abort(pgc_copy *c);

/* ====================================================================== */
/* Batches                                                                */
/* ====================================================================== */

/*
 * A batch queues statement calls on one connection in libpq's pipeline
 * mode and sends them together: one round trip for all of them.  The
 * results come back in queue order.
 *
 *   pgc_batch *b;
 *   pgc_batch_begin(db, &b, &err);
 *   for (...)
 *       pgc_batch_queue(b, &insert_user, values, NULL, NULL, &err);
 *   pgc_result *res;
 *   while ((rc = pgc_batch_next(b, &res, &err)) != PGC_DONE) {
 *       if (rc == PGC_OK) { ... rows or pgc_result_affected(res) ...; pgc_result_free(res); }
 *       else ... this call failed, err says why ...
 *   }
 *   rc = pgc_batch_end(b, &err);
 *
 * Transactions (as pgx's SendBatch): the calls run in one transaction.
 * On a db, the batch is one implicit transaction that commits when the
 * batch is synced: if any call fails, NOTHING of the batch is kept, not
 * even the calls before it that reported PGC_OK.  On a transaction scope,
 * the calls run in the scope's transaction, and a failure leaves it failed
 * (roll the scope back), as any failed statement does.  Either way the
 * calls after a failed one are not run: each reports PGC_ESQL with an
 * empty SQLSTATE and a message that begins "not run:" and names the
 * failed call.  Use a savepoint scope around a batch to survive its
 * failure inside a transaction.
 *
 * The connection is held as by a stream (checked out on a db; on a scope
 * every other call fails with PGC_ETXSTATE until pgc_batch_end).
 * Statements are rendered per db and prepared once per connection as by
 * pgc_query: one not yet prepared on the connection is prepared inside the
 * pipeline, just before its first call.  A statement whose plan went
 * stale fails its call (no retry inside a batch); the next use prepares it
 * again.  pgc_db_close() refuses (PGC_EBUSY) while a batch has not ended.
 */
typedef struct pgc_batch pgc_batch;

/* Checks out (or holds) the connection and enters pipeline mode. */
int pgc_batch_begin(pgc_db *db, pgc_batch **out, pgc_error *err);

/*
 * Queues one call: values/lengths/formats as for pgc_query, copied into
 * libpq's output buffer at once (the caller's arrays may be reused).
 * Refused (PGC_EINVAL) after the batch was sent.  A statement that cannot
 * be rendered fails here and is not queued; the batch goes on.  Output is
 * sent as libpq's buffer fills, so a large batch does not pile up in
 * memory.
 */
int pgc_batch_queue(pgc_batch *b, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_error *err);

/* Number of calls queued so far. */
int pgc_batch_count(const pgc_batch *b);

/*
 * Ends the queue and sends it (a pipeline sync, then a flush).  Called by
 * the first pgc_batch_next or by pgc_batch_end if not before; no call can
 * be queued after it.
 */
int pgc_batch_send(pgc_batch *b, pgc_error *err);

/*
 * The next call's outcome, in queue order: PGC_OK with *res its result,
 * given as pgc_query's is (the caller frees it with pgc_result_free, and
 * it outlives the batch; res may be NULL to drop it), the call's error
 * (err names the statement), or PGC_DONE when every call has been read.
 * *res is NULL unless PGC_OK.
 */
int pgc_batch_next(pgc_batch *b, pgc_result **res, pgc_error *err);

/*
 * Sends the batch if needed, reads and drops the results not read yet,
 * leaves pipeline mode, gives the connection back and frees b (also on
 * failure; NULL is accepted: PGC_OK).  Returns the first failure among the
 * calls not read with pgc_batch_next (so a :batchexec can queue and end),
 * or a failure of the commit itself (a deferred constraint, on a db).
 */
int pgc_batch_end(pgc_batch *b, pgc_error *err);

/* ====================================================================== */
/* Non-blocking calls and pipelines                                       */
/* ====================================================================== */

/*
 * A pgc_async sends calls without waiting for them: for a program whose
 * thread runs an event loop (poll, epoll, libuv, libev).  It holds its own
 * connections from the db's pool (or, opened on a transaction scope, the
 * scope's connection), each in libpq's pipeline mode, and never blocks
 * after it is open: the caller's loop watches the descriptors it names and
 * calls pgc_async_process() when one is ready or a deadline passes.  It
 * never starts a thread.  One pgc_async belongs to one thread at a time.
 *
 *   pgc_async *a;
 *   pgc_async_options opt = {.connections = 4, .watch = on_watch, .watch_ud = loop};
 *   pgc_async_open(db, &opt, &a, &err);
 *   pgc_call *call;
 *   get_user_send(a, 42, &call, &err);          (generated: one per query)
 *   pgc_call_on_done(call, user_loaded, ctx);
 *   ... in the loop: pgc_async_process(a, fd, events, &err);
 *   static void user_loaded(pgc_call *call, void *ctx)
 *   {
 *       get_user_row row;
 *       if (get_user_recv(call, &row, &err) == PGC_OK) ...
 *       pgc_call_free(call);
 *   }
 *
 * Calls are spread over the connections (the least busy first) and
 * pipelined on each: many in flight at once, their results delivered in
 * send order per connection.  Outside a transaction each call is its own
 * implicit transaction: one that fails does not affect the others.
 * Statements are rendered per db (embedded mode: the db's schema) and
 * prepared once per connection, as by pgc_query, but a call whose plan went
 * stale (a table changed under it: 0A000 "cached plan must not change
 * result type", or the statement is gone) is not retried: the call fails
 * with that error, the connection forgets the statement, and the next call
 * of it prepares it again.
 *
 * A call completes exactly once: with its result, its error, PGC_ECANCELED
 * (pgc_call_cancel), PGC_ETIMEDOUT (its timeout passed; the server is asked
 * to cancel it), PGC_ECONNLOST (its connection died; every call on it
 * completes so), or PGC_ECLOSED (pgc_async_close, or pgc_db_close, with the
 * call in flight).  Its done function, if set, runs then, from inside
 * pgc_async_process, pgc_async_wait, pgc_pipe_run, pgc_call_cancel or
 * pgc_async_close.  The caller owns every pgc_call it is given and frees
 * it with pgc_call_free(), in the done function or later; a call freed
 * before it completes is cancelled and its done function is not run.
 *
 * A call completes when its sync has been read, so its outcome includes
 * its commit (a deferred constraint that fails at commit is the call's
 * error).  A done function may send, cancel and free calls and close the
 * pgc_async, but not call pgc_async_process, pgc_async_wait or
 * pgc_pipe_run (PGC_EINVAL).  The descriptors are for a level-triggered
 * loop (poll, epoll's default, libuv, libev).
 *
 * A connection that dies completes its calls (PGC_ECONNLOST, or the error
 * already read for one) and leaves the pgc_async, which goes on with the
 * others; no connection replaces it.  Once none is left every send fails
 * with PGC_ECONNLOST: close the pgc_async and open another (the pool then
 * opens new connections).
 */
typedef struct pgc_async pgc_async;
typedef struct pgc_call pgc_call;

/* What to watch a descriptor for, and what was seen on it. */
enum { PGC_WANT_READ = 1, PGC_WANT_WRITE = 2 };

/*
 * Told whenever what the runtime wants of fd changes: events is a mix of
 * PGC_WANT_READ and PGC_WANT_WRITE, or 0 to stop watching fd (it may be
 * closed right after).  Called from inside the pgc_async_* functions.
 */
typedef void (*pgc_watch_fn)(int fd, int events, void *ud);

/* Run when a call completes (see above). */
typedef void (*pgc_call_fn)(pgc_call *call, void *ud);

typedef struct pgc_async_options {
    int connections;        /* connections to spread calls over; 0: 1.
                               On a transaction scope: its one connection */
    int64_t timeout_ms;     /* each call's timeout from its send; 0: none */
    pgc_watch_fn watch;     /* NULL: ask with pgc_async_watches() instead */
    void *watch_ud;
} pgc_async_options;

/*
 * Takes opt->connections connections from db's pool (this may wait, as
 * any checkout does: open at start-up, not in the loop), or holds the
 * scope's connection when db is a transaction scope (every other call on
 * the scope fails with PGC_ETXSTATE until pgc_async_close).  opt may be
 * NULL.  pgc_db_close() on db closes its pgc_asyncs first.
 */
int pgc_async_open(pgc_db *db, const pgc_async_options *opt, pgc_async **out,
                   pgc_error *err);

/*
 * Completes every call still in flight with PGC_ECLOSED (running their
 * done functions), gives the connections back (a connection with a call
 * in flight is closed, not reused) and frees a.  NULL is accepted.  The
 * calls stay the caller's to free.  Opened on a transaction scope, whose
 * connection cannot be closed, it waits instead for the calls in flight
 * to end on the server (their results dropped) and gives the connection
 * back to the scope out of pipeline mode.  May be called from a done
 * function (a is freed when the loop's call returns).
 * It may block: handing an idle connection back to the pool runs the pool's
 * blocking reset (ROLLBACK if needed, DISCARD ALL if so configured), and on
 * a transaction scope it waits for the calls in flight to end on the server
 * (no cancel request is sent: cancelling would abort the scope's
 * transaction).  Close outside the loop's hot path.
 */
void pgc_async_close(pgc_async *a);

/* A descriptor to watch and for what. */
typedef struct pgc_watch {
    int fd;
    int events; /* PGC_WANT_READ | PGC_WANT_WRITE */
} pgc_watch;

/*
 * For a loop built on poll(): fills out[0..max-1] with what to watch now
 * and returns how many there are (which may exceed max).
 */
int pgc_async_watches(const pgc_async *a, pgc_watch *out, int max);

/*
 * Does the work that fd's readiness for `events` allows (read results,
 * send what is queued), then completes the calls whose results are in and
 * those whose deadline passed.  fd -1: deadlines only (the loop's timer
 * fired).  Never blocks.  Returns PGC_OK, or PGC_EINVAL for an fd that is
 * not a's; a connection's failure is reported on its calls, not here.
 */
int pgc_async_process(pgc_async *a, int fd, int events, pgc_error *err);

/* Milliseconds until the earliest deadline of a call in flight (0: past
 * already), or -1 when none: what the loop's timer should be set to. */
int64_t pgc_async_timeout(const pgc_async *a);

/* Calls sent and not yet completed. */
int pgc_async_pending(const pgc_async *a);

/*
 * Blocks (poll()) processing a until no call is pending (PGC_OK) or
 * timeout_ms passes (PGC_ETIMEDOUT, the calls still in flight).  A
 * negative timeout_ms waits with no limit.  On a pipe whose calls are not
 * run yet it returns PGC_EINVAL at once (they are sent by pgc_pipe_run).
 * For programs and tests without a loop of their own.
 */
int pgc_async_wait(pgc_async *a, int64_t timeout_ms, pgc_error *err);

/*
 * Sends stmt (values/lengths/formats as for pgc_query, copied at once) and
 * gives the call in *out.  A statement that cannot be rendered, or a's
 * connections all lost, fail here: nothing is sent and *out is NULL.
 * Generated code calls pgc_send() instead, with typed parameters.
 */
int pgc_async_query(pgc_async *a, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_call **out, pgc_error *err);

/* Sets the function run when call completes; if it has completed already,
 * runs it now. */
void pgc_call_on_done(pgc_call *call, pgc_call_fn fn, void *ud);

/* Replaces the call's deadline: ms from now (0: none). */
void pgc_call_set_timeout(pgc_call *call, int64_t ms);

/* True once the call has completed. */
bool pgc_call_done(const pgc_call *call);

/*
 * The outcome of a completed call: PGC_OK, or its code with its error
 * copied to err; PGC_EBUSY while it is in flight.
 */
int pgc_call_status(const pgc_call *call, pgc_error *err);

/*
 * The result of a completed call, given to the caller (free it with
 * pgc_result_free); a second take gives PGC_EINVAL.  On failure, the
 * call's error.  Generated NAME_recv() functions decode it instead.
 */
int pgc_call_result(pgc_call *call, pgc_result **res, pgc_error *err);

/*
 * Cancels a call in flight: it completes now with PGC_ECANCELED (its done
 * function runs) and its result, when it comes, is dropped.  A call the
 * server is running is cancelled there too (libpq's cancel request; with
 * libpq 15 this opens a short connection to the server, which is the one
 * moment pgc_async waits).  Does nothing to a completed call.  A call
 * queued behind others on its connection is not running yet: it still runs
 * on the server when its turn comes (outside an atomic unit its effects
 * stay), its result dropped.
 * Inside an atomic unit (a pgc_async transaction, a PGC_PIPE_ATOMIC run, a
 * pgc_async opened on a transaction scope) a cancel or a timeout fails the
 * unit: in an open pgc_async transaction the transaction is marked failed
 * (its later sends fail with PGC_ETXSTATE, its COMMIT sends ROLLBACK and
 * completes with PGC_ETXSTATE); otherwise (an atomic pipe, a scope, a
 * transaction whose COMMIT is already sent) a cancel request is sent for
 * the call of the unit the server is running, which aborts the unit.  A
 * cancel request that reaches the server after the unit committed cannot
 * undo it: the call still reports PGC_ECANCELED (PGC_ETIMEDOUT), but
 * pgc_pipe_run and the COMMIT report what happened (PGC_OK): neither ever
 * reports a failure for work that was committed.  pgc_call_free of a call
 * in flight is not a cancel of its unit: in a unit the call runs on and
 * commits with the rest (no cancel request), only its result is dropped.
 * The cancel request names the backend, not
 * the call: one that reaches the server just after the call ended cancels
 * the next call on that connection, which then fails with PGC_ECANCELED
 * and a message that says so.
 * A timeout cancels as this does.
 */
void pgc_call_cancel(pgc_call *call);

/* Frees call (cancelling it first if in flight).  NULL is accepted. */
void pgc_call_free(pgc_call *call);

/*
 * A transaction on one of a's connections, as a pgc_async of its own whose
 * calls all go to that connection, in order, after a BEGIN.  A failed call
 * (or a failed BEGIN, or a call cancelled or timed out) fails the
 * transaction: the calls already sent fail on the server, sends after the
 * failure is known fail at once with PGC_ETXSTATE, and COMMIT sends
 * ROLLBACK and completes with PGC_ETXSTATE; ROLLBACK is fine.  pgc_async_commit and
 * pgc_async_rollback send the end, give the call that reports it in *out
 * (may be NULL), and free tx at once; the connection serves a's other
 * calls again after it.  Closing a ends its open transactions (rolled
 * back; the transaction handles are freed with a).  While every
 * connection of a serves a transaction, a's own sends and another begin
 * fail with PGC_EBUSY.  Not nested (a transaction is begun on a pgc_async
 * opened on a db: PGC_EINVAL on a transaction or a pipe, PGC_ETXSTATE on
 * one opened on a transaction scope).  pgc_async_pending(tx) counts tx's
 * calls; pgc_async_wait and pgc_async_process on tx act on a as a whole.
 * pgc_async_close(tx) is pgc_async_rollback(tx, NULL, NULL).
 */
int pgc_async_begin(pgc_async *a, pgc_async **tx, pgc_error *err);
int pgc_async_commit(pgc_async *tx, pgc_call **out, pgc_error *err);
int pgc_async_rollback(pgc_async *tx, pgc_call **out, pgc_error *err);

/*
 * Pipelines of different calls in one round trip, for blocking code:
 *
 *   pgc_async *p;
 *   pgc_pipe_begin(db, PGC_PIPE_ATOMIC, &p, &err);
 *   pgc_call *u, *o;
 *   get_user_send(p, 42, &u, &err);
 *   list_orders_send(p, 42, &o, &err);
 *   rc = pgc_pipe_run(p, &err);             (sends and waits for all)
 *   get_user_recv(u, &user, &err);
 *   for (int i = 0; list_orders_recv(o, i, &order, &err) == PGC_OK; i++) ...
 *   pgc_call_free(u); pgc_call_free(o);
 *   pgc_async_close(p);
 *
 * A pipe is a pgc_async on one connection whose calls are sent when
 * pgc_pipe_run is called.  PGC_PIPE_ATOMIC: the calls run in one implicit
 * transaction (as pgx's SendBatch): if one fails nothing is kept, the
 * calls after it complete with PGC_ESQL "not run: ...", and pgc_pipe_run
 * returns that failure.  PGC_PIPE_INDEPENDENT: each call is its own
 * transaction, and pgc_pipe_run returns PGC_OK once all have completed,
 * whatever each one's outcome.  On a transaction scope, the calls run in
 * the scope's transaction either way.  A pipe may be run again with new
 * calls.  Calls sent on the pipe by done functions during pgc_pipe_run are
 * sent by that run as a new segment (with PGC_PIPE_ATOMIC: a transaction of
 * their own, after the first has committed) and waited for too.  Before
 * pgc_pipe_run nothing is sent: pgc_async_wait on a pipe with calls not
 * yet run returns PGC_EINVAL at once.
 */
enum { PGC_PIPE_ATOMIC = 0, PGC_PIPE_INDEPENDENT = 1 };

int pgc_pipe_begin(pgc_db *db, int mode, pgc_async **out, pgc_error *err);
int pgc_pipe_run(pgc_async *p, pgc_error *err);

/* ====================================================================== */
/* Tracing                                                                */
/* ====================================================================== */

/*
 * A hook called after every statement pgc runs for a db or pool: generated
 * calls, pgc_query, pgc_exec, streams, batches, COPY, non-blocking calls,
 * pipes and migrations.  The event and its strings are valid during the
 * call only.  Unset, it costs two tests of a pointer per statement.
 *
 *   static void slow_log(const pgc_trace_event *ev, void *ud)
 *   {
 *       if (ev->duration_ns > 100 * 1000000)
 *           fprintf(stderr, "slow: %s %.1f ms\n", ev->statement ? ev->statement : ev->sql,
 *                   ev->duration_ns / 1e6);
 *   }
 *   pgc_pool_set_trace(pool, slow_log, NULL);
 */
typedef enum pgc_trace_via {
    PGC_VIA_QUERY,   /* pgc_query and the generated blocking calls */
    PGC_VIA_EXEC,    /* pgc_exec: a text of SQL */
    PGC_VIA_STREAM,
    PGC_VIA_BATCH,
    PGC_VIA_COPY,
    PGC_VIA_ASYNC,   /* pgc_async and pipes */
    PGC_VIA_MIGRATE
} pgc_trace_via;

typedef struct pgc_trace_event {
    const char *statement;  /* the query's name (pgc_stmt.name), a migration's file
                               name; NULL for pgc_exec */
    const char *schema;     /* the db's schema; NULL standalone */
    const char *sql;        /* as sent, rendered for the schema */
    int64_t duration_ns;    /* from sending to the last of the result */
    int64_t rows;           /* rows returned, or affected by a command */
    int code;               /* PGC_OK or the failure's code */
    const char *sqlstate;   /* the server's SQLSTATE, "" on success */
    const PGconn *conn;     /* the connection it ran on */
    int backend_pid;        /* PQbackendPID of conn */
    bool prepared_now;      /* prepared on conn for this call */
    pgc_trace_via via;
    bool read_target;       /* ran on the read target (read_conninfo) */
} pgc_trace_event;

typedef void (*pgc_trace_fn)(const pgc_trace_event *ev, void *ud);

/*
 * Sets (fn NULL: removes) the hook of a pool (every db on it, embedded
 * libraries included) or of one db.  When both are set both run, the
 * pool's first.  Set it before the pool or db is shared between threads;
 * it is called on the thread that ran the statement.
 */
void pgc_pool_set_trace(pgc_pool *pool, pgc_trace_fn fn, void *ud);
void pgc_db_set_trace(pgc_db *db, pgc_trace_fn fn, void *ud);

/* ====================================================================== */
/* Migrations                                                             */
/* ====================================================================== */

/*
 * SQL files applied once each, in version order, tracked per module and
 * schema in a table the runner creates.
 */

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
 * Always on the primary (never the read target); a server in recovery (a
 * standby, reached with require_writable=off) is refused with
 * PGC_EMIGRATION before anything runs.
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

/* ====================================================================== */
/* SQL templates                                                          */
/* ====================================================================== */

/*
 * What every statement's SQL goes through before it runs; for SQL built
 * by hand.
 */

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

PGC_END_DECLS
#endif /* PGC_H */
