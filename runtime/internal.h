/*
 * internal.h - declarations shared by libpgc's source files; not installed.
 */
#ifndef PGC_INTERNAL_H
#define PGC_INTERNAL_H

#include <stdarg.h>

#include "pgc.h"
#include "template.h" /* pgc_render_map, for rendered statements */

#define PGC_PRINTF PGC_FORMAT_PRINTF

/* The runtime's own short name for pgc_error_set() (pgc.h):
 * `return pgc_fail(err, PGC_EINVAL, "...");`. */
#define pgc_fail pgc_error_set

/*
 * Records a server error from res (or, with res NULL, the connection's
 * error) in err.  Chooses the code from the SQLSTATE and the connection's
 * state: PGC_ECONNLOST, PGC_ECANCELED or PGC_ESQL.  `statement` names what
 * ran (may be NULL).  Returns the code.
 */
int pgc_fail_pq(pgc_error *err, PGconn *conn, const PGresult *res,
                const char *statement);

/* Checks an identifier as a schema name; `what` names it in the message. */
int pgc_check_identifier(const char *name, const char *what, pgc_error *err);

/* Bounded copy that always terminates dst (dst_size > 0). */
void pgc_strlcpy(char *dst, const char *src, size_t dst_size);

/* malloc'd copy of s, or NULL. */
char *pgc_strdup(const char *s);


/*
 * Big-endian integers in and out of bytes (PostgreSQL's binary formats).
 * Spelled out byte by byte, which compilers turn into one load or store and
 * a byte swap: the decoders and COPY run these for every value.
 */
static inline uint16_t pgc_get_be16(const void *p)
{
    const unsigned char *u = p;
    return (uint16_t)(u[0] << 8 | u[1]);
}

static inline uint32_t pgc_get_be32(const void *p)
{
    const unsigned char *u = p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

static inline uint64_t pgc_get_be64(const void *p)
{
    const unsigned char *u = p;
    return (uint64_t)u[0] << 56 | (uint64_t)u[1] << 48 | (uint64_t)u[2] << 40
           | (uint64_t)u[3] << 32 | (uint64_t)u[4] << 24 | (uint64_t)u[5] << 16
           | (uint64_t)u[6] << 8 | (uint64_t)u[7];
}

static inline void pgc_put_be16(void *p, uint16_t v)
{
    unsigned char *u = p;
    u[0] = (unsigned char)(v >> 8);
    u[1] = (unsigned char)v;
}

static inline void pgc_put_be32(void *p, uint32_t v)
{
    unsigned char *u = p;
    u[0] = (unsigned char)(v >> 24);
    u[1] = (unsigned char)(v >> 16);
    u[2] = (unsigned char)(v >> 8);
    u[3] = (unsigned char)v;
}

static inline void pgc_put_be64(void *p, uint64_t v)
{
    unsigned char *u = p;
    u[0] = (unsigned char)(v >> 56);
    u[1] = (unsigned char)(v >> 48);
    u[2] = (unsigned char)(v >> 40);
    u[3] = (unsigned char)(v >> 32);
    u[4] = (unsigned char)(v >> 24);
    u[5] = (unsigned char)(v >> 16);
    u[6] = (unsigned char)(v >> 8);
    u[7] = (unsigned char)v;
}

/* ---- config.c ---------------------------------------------------------- */

/* One NAME=VALUE pair (server settings). */
typedef struct pgc_kv {
    char *key;
    char *value;
} pgc_kv;

/* What a pool keeps of a configuration: a deep copy, owned by the pool. */
typedef struct pgc_settings {
    char *conninfo;
    char *application_name;    /* NULL: libpq's fallback "pgc" */
    int min_connections, max_connections;
    int64_t acquire_timeout_ms, max_idle_ms, max_lifetime_ms;
    int64_t check_after_idle_ms; /* poll an idle connection only if idle this long */
    uint64_t max_queries;
    pgc_kv *server;            /* server settings, timeouts included */
    size_t nserver;
    char **init;               /* init statements in order */
    size_t ninit;
    int unnamed_statements;    /* "statements=unnamed": no named prepared statements */
    int reset_discard_all;     /* "reset=discard_all": DISCARD ALL on every give-back */
    int require_writable;      /* refuse a connection to a standby or a read-only server */
    int ask_read_write;        /* several hosts, no target_session_attrs: ask for read-write */
    char *read_conninfo;       /* the read target, or NULL */
    int64_t retry_timeout_ms;  /* the retry policy (retry.c): 0 = off */
    int64_t retry_delay_ms;    /* its first back-off */
} pgc_settings;

/*
 * Checks cfg as a whole (a failed set, a missing conninfo, min > max,
 * a conninfo libpq cannot parse) and copies it into *out.  On failure
 * *out is left zeroed.
 */
int pgc_settings_from_config(pgc_settings *out, const pgc_config *cfg,
                             pgc_error *err);
void pgc_settings_free(pgc_settings *s);
/* The settings of primary's read target (read_conninfo, which must be set):
 * the same but for the conninfo, no minimum of connections and no
 * require_writable. */
int pgc_settings_for_read(pgc_settings *out, const pgc_settings *primary);

/* ---- pool.c ------------------------------------------------------------ */

/* A trace hook and its user data (pgc_pool_set_trace). */
typedef struct pgc_trace_hook {
    pgc_trace_fn fn;
    void *ud;
} pgc_trace_hook;

/* The pool's hook, where a db reads it (pgc_tracing). */
const pgc_trace_hook *pgc_pool_hook(const pgc_pool *pool);
/* The pool's settings (the retry policy reads them). */
const pgc_settings *pgc_pool_settings(const pgc_pool *pool);

/* A statement name prepared on one connection. */
typedef struct pgc_prepared_set {
    char **names;     /* open addressing, NULL = empty */
    uint64_t *hashes;
    const void **checked; /* the row type its result's columns matched, or NULL */
    size_t cap, count;
    uint64_t version;  /* counts every change (add, remove, clear) */
} pgc_prepared_set;

/* One pooled connection and what the runtime knows about it. */
typedef struct pgc_pconn {
    PGconn *pg;
    pgc_pool *home;            /* the set it came from and goes back to: the pool
                                  or its read target (pgc_pool_read) */
    bool read_target;          /* home is a read target (trace: read_target) */
    int64_t created_ms, last_used_ms;
    uint64_t queries;          /* statements run, for max_queries */
    pgc_prepared_set prepared;
    pgc_prepared_set stale;    /* prepared, but to deallocate before reuse */
    int broken;                /* retire on release whatever its state */
    int unnamed;               /* run statements unnamed (PQexecParams), prepare nothing */
    int exposed;               /* handed out as a PGconn (pgc_pool_acquire): on the busy list */
    int moded;                 /* pipeline or non-blocking mode was entered (batch.c,
                                  async.c): the pool checks both on give-back */
    int may_listen;            /* ran a text of SQL or was held as a PGconn: may LISTEN */
    unsigned gives_back;       /* times given back to the pool (pool.c: notifications) */
    /* The statement last run prepared on it (query.c), and where its
     * prepared-set slot records its check: valid while prepared.version
     * and pgc_rendered_epoch() are what they were. */
    const struct pgc_rendered *last;
    const void **last_checked;
    uint64_t last_version, last_epoch;
    struct pgc_pconn *next;    /* idle stack, or busy list */
    struct pgc_pconn *prev;    /* busy list */
} pgc_pconn;

int pgc_pool_get(pgc_pool *pool, pgc_pconn **out, pgc_error *err);
/* Gives c back to its home (pool, or the read target it came from); closes
 * it if broken, recycled or stuck in a transaction. */
void pgc_pool_put(pgc_pool *pool, pgc_pconn *c);
/* Gives c back to be closed: its session state is not fit to share. */
void pgc_pool_discard(pgc_pool *pool, pgc_pconn *c);
/* pool's read target (read_conninfo): a set of connections of its own,
 * taken with pgc_pool_get; NULL if it has none. */
pgc_pool *pgc_pool_read(const pgc_pool *pool);
/*
 * A connection of the read target `read` for a statement: PGC_ECONNECT
 * when none can be had (after a failed connect, for a second, without
 * trying: reads then go to the primary).
 */
int pgc_pool_get_read(pgc_pool *read, pgc_pconn **out, pgc_error *err);
/* Attach/detach a db: an attached pool refuses to close. */
void pgc_pool_attach(pgc_pool *pool);
void pgc_pool_detach(pgc_pool *pool);

int pgc_prepared_has(const pgc_prepared_set *s, const char *name, uint64_t hash);
/*
 * Where the set records, for name, the row type its result's columns were
 * found to match (NULL until checked; the set forgets it with the name), or
 * NULL if name is not in the set.  Valid until the set next changes.
 */
const void **pgc_prepared_checked(pgc_prepared_set *s, const char *name, uint64_t hash);
int pgc_prepared_add(pgc_prepared_set *s, const char *name, uint64_t hash);
void pgc_prepared_remove(pgc_prepared_set *s, const char *name, uint64_t hash);
void pgc_prepared_clear(pgc_prepared_set *s);

/* FNV-1a, 64 bits. */
uint64_t pgc_hash64(const void *data, size_t len, uint64_t seed);
#define PGC_HASH_SEED 0xcbf29ce484222325ULL

/* Milliseconds on the monotonic clock. */
int64_t pgc_now_ms(void);

/* ---- db.c -------------------------------------------------------------- */

#include <pthread.h>
#include <stdatomic.h>

/*
 * A statement rendered for one db: its SQL and its prepared name.  Found by
 * the statement's identity: its address and the fields it points to, so a
 * pgc_stmt reused at one address for another statement is not mistaken for
 * the first; what errors need later is copied.
 */
typedef struct pgc_rendered {
    const pgc_stmt *addr; /* where the statement was (never followed) */
    pgc_stmt key;        /* the statement as first seen (pointers not followed) */
    char *source;        /* copy of key.sql, for error positions */
    char *stmt_name;     /* copy of key.name */
    char *file;          /* copy of key.file, or NULL */
    Oid *param_types;    /* copy of key.param_types, or NULL */
    char *sql;
    size_t sql_len;
    char *name;          /* prepared statement name, schema and SQL in its hash */
    uint64_t name_hash;
    struct pgc_render_map *map;  /* rendered offsets back to stmt->sql */
    int reads_only;      /* pgc_sql_reads_only(sql): a stream needs no guard */
} pgc_rendered;

struct pgc_db {
    pgc_db *root;        /* the db a scope was begun from; itself for a db */
    pgc_pool *pool;
    pgc_pool *read;      /* a db only: its pool's read target, or NULL (scopes: NULL) */
    char *schema;        /* NULL: no schema */
    /* a db (root) only: */
    int owns_pool;
    pthread_mutex_t lock;      /* guards writing cache, open_scopes and open_handles */
    /* statements rendered for this db, by stmt pointer (db.c): read without
     * the lock, written under it */
    struct pgc_rendered_table *_Atomic cache;
    size_t cache_count;
    int open_scopes;           /* transaction scopes (tx.c) */
    int open_handles;          /* streams, batches, COPYs (pgc_db_count_open) */
    int open_scope_asyncs;     /* of those, pgc_asyncs and pipes on a scope (async.c) */
    /* a transaction scope only: */
    pgc_db *parent;      /* the enclosing scope, NULL for a top-level transaction */
    pgc_pconn *conn;
    int depth;           /* 1 = transaction, 2+ = savepoint */
    int child_open;
    /* a db (root) only: its trace hook (trace.c), and its pool's */
    pgc_trace_fn trace;
    void *trace_ud;
    const pgc_trace_hook *pool_trace;
    /* a db (root) only, under lock: its open pgc_asyncs and pipes (async.c) */
    pgc_async *asyncs;
};

/*
 * Counts the db closes that freed rendered statements: a pointer to a
 * pgc_rendered recorded under another count may point to a new one at the
 * same address.
 */
uint64_t pgc_rendered_epoch(void);

/* The statement rendered for db->root, rendering it on first use. */
int pgc_db_rendered(pgc_db *db, const pgc_stmt *stmt, const pgc_rendered **out,
                    pgc_error *err);

/*
 * Fills err->line/column from err->position (a character offset in
 * `rendered`), through `map` back to `source`.
 */
/* err's line and column (in r's SQL) as r's source file's, the message
 * prefixed "FILE:LINE:COLUMN: ", when r's statement names its file
 * (pgc_stmt.file) and err has a line. */
void pgc_locate_in_file(pgc_error *err, const pgc_rendered *r);
void pgc_locate_error(pgc_error *err, const char *source, size_t source_len,
                      const char *rendered, size_t rendered_len,
                      const struct pgc_render_map *map);

/* Runs one command on c; PGC_OK if it returned COMMAND_OK or TUPLES_OK. */
int pgc_conn_command(pgc_pconn *c, const char *sql, pgc_error *err);

/*
 * Checks the result of a text of SQL (PQexec): PGC_OK for rows, a command
 * or an empty text; a COPY from or to the client is ended and refused
 * (PGC_EINVAL); errors are recorded in err.  res stays the caller's.
 */
int pgc_check_exec(PGconn *pg, PGresult *res, pgc_error *err);
/* pgc_check_exec for a statement on c: a failure goes through pgc_fail_conn. */
int pgc_conn_check_exec(pgc_pconn *c, PGresult *res, pgc_error *err);

/* ---- sqltext.c: for the stream guard (stream.c) ------------------------- */

/*
 * 1 if the SQL can only read (first word SELECT, VALUES, TABLE or WITH and
 * no INSERT, UPDATE, DELETE or MERGE in its code); 0 if it may change data.
 */
int pgc_sql_reads_only(const char *sql, size_t len);

/* ---- query.c: shared with stream.c, batch.c and copy.c ------------------ */

/*
 * What holds a transaction scope's connection (pgc_db.child_open): 0 none,
 * 1 a savepoint (tx.c), or one of these, which keep the connection across
 * several API calls.  While held, other calls on the scope fail with
 * PGC_ETXSTATE.
 */
enum { PGC_HELD_SAVEPOINT = 1, PGC_HELD_STREAM, PGC_HELD_BATCH, PGC_HELD_COPY, PGC_HELD_ASYNC };

/* "a stream opened on this transaction scope is still open", ... */
const char *pgc_held_by(int what);

/* The scope's connection, or one checked out of the pool for a db.
 * Refused (PGC_ETXSTATE) while the scope's connection is held. */
int pgc_db_conn_get(pgc_db *db, pgc_pconn **c, pgc_error *err);
/* Gives back what pgc_db_conn_get took (nothing to do on a scope). */
void pgc_db_conn_put(pgc_db *db, pgc_pconn *c);

/*
 * Whether stmt runs on db's read target: it only reads (PGC_STMT_READS, not
 * PGC_STMT_PRIMARY) and db is a db (not a scope) whose pool has one.  A
 * test of one pointer for a pool without: the primary's path stays as is.
 */
static inline bool pgc_routes_read(const pgc_db *db, const pgc_stmt *stmt)
{
    return db->read && (stmt->flags & (PGC_STMT_READS | PGC_STMT_PRIMARY)) == PGC_STMT_READS;
}
/* pgc_db_conn_get from db's read target (pgc_routes_read), or from the
 * primary when no read connection can be had (PGC_ECONNECT). */
int pgc_db_conn_get_read(pgc_db *db, pgc_pconn **c, pgc_error *err);

/*
 * pgc_db_conn_get for a handle that keeps the connection (a stream, a
 * batch, a COPY): on a scope, also marks it held by `what`.  Counts one
 * open handle on db->root (pgc_db_close refuses while any is open): the
 * handle ends that count with pgc_db_count_open(root, -1) when it is freed,
 * which may be after pgc_db_unhold().
 */
int pgc_db_hold(pgc_db *db, int what, pgc_pconn **c, pgc_error *err);
/* Gives the connection back (db) or unmarks the scope. */
void pgc_db_unhold(pgc_db *db, pgc_pconn *c);
/* pgc_db_hold on a db for a statement that pgc_routes_read(). */
int pgc_db_hold_read(pgc_db *db, pgc_pconn **c, pgc_error *err);
void pgc_db_count_open(pgc_db *root, int delta);

/* Prepares r on c (PQprepare), deallocating a stale one first; records it. */
int pgc_conn_prepare(pgc_pconn *c, const pgc_rendered *r, pgc_error *err);
/*
 * After a failed execution of r: if the server forgot the statement (26000)
 * or its plan went stale (0A000), makes c forget it too, and returns
 * whether the call may be repeated (only outside a transaction).
 */
int pgc_conn_forget_stale(pgc_pconn *c, const PGresult *res, const pgc_rendered *r);
/*
 * pgc_fail_pq for a statement that failed on c.  SQLSTATE 25006 (read-only
 * transaction: a primary demoted under the pool, a server made read-only)
 * marks c broken, so that it is retired when given back and never reused,
 * whatever require_writable says.  Every path that runs statements on a
 * pooled connection reports failures through here (pgc_fail_stmt,
 * pgc_conn_check_exec, pgc_conn_command); nothing on success.
 */
int pgc_fail_conn(pgc_error *err, pgc_pconn *c, const PGresult *res, const char *statement);
/* Records a statement's error from res, its position mapped to r's source. */
int pgc_fail_stmt(pgc_error *err, pgc_pconn *c, const PGresult *res,
                  const pgc_rendered *r);
/* "DEALLOCATE <quoted name>" into buf. */
int pgc_deallocate_sql(PGconn *pg, const char *name, char *buf, size_t size);

/* ---- query.c and rows.c: results read into row types ------------------- */

struct pgc_row_type;

/* res's columns are rt's (their count, types and format), or why not. */
int pgc_row_type_check(const PGresult *res, const pgc_stmt *stmt,
                       const struct pgc_row_type *rt, pgc_error *err);

/*
 * pgc_query for a caller that reads the result's rows into rt (NULL: as
 * pgc_query): a result with rows has its columns checked against rt, once
 * per prepared statement and connection.  The server keeps a prepared
 * statement's result columns for its life, or fails its execution with
 * 0A000 (pgc_conn_forget_stale), which makes the connection forget it and
 * its check; statements=unnamed checks every result.
 */
int pgc_query_rows(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
                   const int *lengths, const int *formats, const struct pgc_row_type *rt,
                   pgc_result **out, pgc_error *err);

/* ---- retry.c: the retry policy (settings retry_timeout_ms, retry_delay_ms) */

/* Where a call is in its tries; set tries to 0 before the first. */
typedef struct pgc_retry_state {
    int tries;              /* failed tries so far */
    int64_t started_ms;     /* the first try's failure (pgc_now_ms) */
    int64_t delay_ms;       /* the next back-off before jitter */
} pgc_retry_state;

/*
 * After a failed try (err filled): 1 when db's policy runs it again (db is
 * a db, not a scope; retry_timeout_ms > 0 and not yet past since the first
 * failure; pgc_error_retry(err) is TRANSACTION or RECONNECT, or UNKNOWN
 * and the try is idempotent), having slept the back-off.  0 otherwise;
 * then, if it did retry, err's message ends with how many tries were made.
 */
int pgc_retry_next(pgc_db *db, bool idempotent, pgc_error *err, pgc_retry_state *st);

/* ---- copy.c: whole rows written in place (rows.c's pgc_copy_rows) ------- */

/*
 * The free part of c's buffer, [returned, *limit), for whole rows of ncols
 * fields (their field count included) that the caller writes in place and
 * hands over with pgc_copy_wrote(c, end of what it wrote); the buffer is
 * sent first if fewer than min bytes are free.  NULL when rows must go
 * through pgc_copy_row and the field calls instead, which report why: the
 * copy failed already, a row is incomplete, ncols is not the COPY's column
 * count, or min is more than the buffer holds.  Between this call and
 * pgc_copy_wrote, no other call on c.
 */
unsigned char *pgc_copy_room(pgc_copy *c, int ncols, size_t min, unsigned char **limit);
void pgc_copy_wrote(pgc_copy *c, const unsigned char *end);

/* ---- async.c: what rows.c's call decoders (pgc_call_row...) need ------- */

/*
 * The result of a completed call, still the call's (NULL if taken by
 * pgc_call_result or failed); PGC_EBUSY for a call in flight, else the
 * call's outcome, its error copied to err.
 */
int pgc_call_peek(pgc_call *call, PGresult **res, pgc_error *err);
/* Takes the result from the call (the call then has none). */
PGresult *pgc_call_take(pgc_call *call);

/* Closes every pgc_async and pipe opened on root (pgc_db_close). */
void pgc_db_close_asyncs(pgc_db *root);

/* ---- trace.c: the one statement hook (pgc_trace_fn) --------------------- */

/* True when a hook would see db's statements: test it before reading the
 * clock, so that an unset hook costs two tests of a pointer and no call. */
static inline bool pgc_tracing(const pgc_db *db)
{
    return db->root->trace || db->root->pool_trace->fn;
}

/* Nanoseconds on the monotonic clock. */
int64_t pgc_trace_now_ns(void);

/*
 * Reports one statement to the hooks of db's root and pool: r the rendered
 * statement (NULL for a text of SQL: then sql), c the connection, started
 * the pgc_trace_now_ns() when it was sent, res its result (may be NULL;
 * gives rows and SQLSTATE), rc its outcome with err (may be NULL) holding
 * the SQLSTATE of a failure when res has none.  Call only when
 * pgc_tracing(db).
 */
void pgc_trace(pgc_db *db, pgc_trace_via via, const pgc_rendered *r, const char *sql,
               const pgc_pconn *c, int64_t started, const PGresult *res, int rc,
               const pgc_error *err, bool prepared_now);

/*
 * pgc_trace for what has no pgc_rendered (a migration file: statement is
 * its name) or counts its own rows (a stream's rows come one result each,
 * a COPY's from its end): rows >= 0 is reported as is, < 0 read from res.
 */
void pgc_trace_as(pgc_db *db, pgc_trace_via via, const char *statement, const char *sql,
                  const pgc_pconn *c, int64_t started, const PGresult *res, int64_t rows,
                  int rc, const pgc_error *err, bool prepared_now);

#endif /* PGC_INTERNAL_H */
