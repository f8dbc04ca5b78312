/*
 * pool.c - a thread-safe pool of libpq connections.
 *
 * One mutex guards the pool's counters, its idle stack and a FIFO of
 * waiting threads.  Slow work (connecting, health checks, closing) is done
 * outside the mutex: a thread that wants a new connection first reserves a
 * slot (total++), then connects unlocked.
 *
 * The hot slot: a connection given back while no thread waits is parked in
 * one atomic slot instead of the idle stack, and the next acquire takes it
 * from there, so a call on a quiet pool takes no lock.  A waiter counts
 * itself (nwaiting) before it looks at the slot, and a release looks at
 * nwaiting after it parks; both sequentially consistent, so at least one of
 * them sees the other: the waiter takes the parked connection, or the
 * release takes it back under the lock and hands it to the oldest waiter.
 *
 * Fairness: a released connection goes straight to the oldest waiter, and a
 * freed slot lets the oldest waiter connect, so no thread starves while
 * others keep arriving.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* A thread blocked in acquire; lives on that thread's stack. */
typedef struct waiter {
    pthread_cond_t cv;
    pgc_pconn *handed;     /* a connection handed over by a release */
    int may_create;        /* a slot was freed for this waiter to connect */
    struct waiter *next;
} waiter;

struct pgc_pool {
    pthread_mutex_t lock;
    pgc_settings s;
    int total;             /* open or being opened */
    atomic_int in_use;     /* checked out (changed with or without the lock) */
    int attached;
    pgc_pconn *_Atomic hot; /* an idle connection parked outside the lock, or NULL */
    pgc_pconn *idle;       /* LIFO: the warmest connection first */
    int nidle;             /* on the idle stack (the hot slot not counted) */
    pgc_pconn *busy;       /* handed out as a PGconn (pgc_pool_acquire), doubly linked */
    waiter *head, *tail;
    atomic_int nwaiting;   /* changed under the lock, read without it */
    uint64_t opened, closed;
    pgc_trace_hook trace;  /* pgc_pool_set_trace */
    /* Replicas (read_conninfo): the primary's pool holds its read target, a
       pool of its own (is_read) with no minimum, opened with it and closed
       with it.  A failed connect there sends reads to the primary for
       READ_HOLD_OFF_MS (down_until_ms), without trying again. */
    struct pgc_pool *read;
    int is_read;
    _Atomic int64_t down_until_ms;
};

#define READ_HOLD_OFF_MS 1000

int64_t pgc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t pgc_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

const pgc_settings *pgc_pool_settings(const pgc_pool *pool)
{
    return &pool->s;
}

/* ---- the per-connection set of prepared statement names ---------------- */

/* The slot of name, or -1. */
static long prepared_find(const pgc_prepared_set *s, const char *name, uint64_t hash)
{
    if (!s->cap)
        return -1;
    for (size_t i = hash & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->names[i])
            return -1;
        if (s->hashes[i] == hash && strcmp(s->names[i], name) == 0)
            return (long)i;
    }
}

int pgc_prepared_has(const pgc_prepared_set *s, const char *name, uint64_t hash)
{
    return prepared_find(s, name, hash) >= 0;
}

const void **pgc_prepared_checked(pgc_prepared_set *s, const char *name, uint64_t hash)
{
    long i = prepared_find(s, name, hash);
    return i >= 0 ? &s->checked[i] : NULL;
}

static int prepared_grow(pgc_prepared_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 16;
    char **names = calloc(cap, sizeof *names);
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    const void **checked = calloc(cap, sizeof *checked);
    if (!names || !hashes || !checked) {
        free(names);
        free(hashes);
        free(checked);
        return PGC_ENOMEM;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->names[i])
            continue;
        size_t j = s->hashes[i] & (cap - 1);
        while (names[j])
            j = (j + 1) & (cap - 1);
        names[j] = s->names[i];
        hashes[j] = s->hashes[i];
        checked[j] = s->checked[i];
    }
    free(s->names);
    free(s->hashes);
    free(s->checked);
    s->names = names;
    s->hashes = hashes;
    s->checked = checked;
    s->cap = cap;
    return PGC_OK;
}

int pgc_prepared_add(pgc_prepared_set *s, const char *name, uint64_t hash)
{
    if ((s->count + 1) * 2 > s->cap && prepared_grow(s) != PGC_OK)
        return PGC_ENOMEM;
    size_t i = hash & (s->cap - 1);
    while (s->names[i])
        i = (i + 1) & (s->cap - 1);
    if (!(s->names[i] = pgc_strdup(name)))
        return PGC_ENOMEM;
    s->hashes[i] = hash;
    s->checked[i] = NULL;
    s->count++;
    s->version++;
    return PGC_OK;
}

/* Linear probing: after removing, re-place the rest of the cluster. */
void pgc_prepared_remove(pgc_prepared_set *s, const char *name, uint64_t hash)
{
    if (!s->cap)
        return;
    size_t mask = s->cap - 1, i = hash & mask;
    while (s->names[i] && !(s->hashes[i] == hash && strcmp(s->names[i], name) == 0))
        i = (i + 1) & mask;
    if (!s->names[i])
        return;
    free(s->names[i]);
    s->names[i] = NULL;
    s->checked[i] = NULL;
    s->count--;
    s->version++;
    for (size_t j = (i + 1) & mask; s->names[j]; j = (j + 1) & mask) {
        char *moved = s->names[j];
        uint64_t h = s->hashes[j];
        const void *checked = s->checked[j];
        s->names[j] = NULL;
        s->checked[j] = NULL;
        size_t k = h & mask;
        while (s->names[k])
            k = (k + 1) & mask;
        s->names[k] = moved;
        s->hashes[k] = h;
        s->checked[k] = checked;
    }
}

void pgc_prepared_clear(pgc_prepared_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->names[i]);
    free(s->names);
    free(s->hashes);
    free(s->checked);
    uint64_t version = s->version;
    memset(s, 0, sizeof *s);
    s->version = version + 1;
}

/* ---- opening and closing one connection --------------------------------- */

/* The server refused a setting or an init statement: the configuration is
 * at fault (PGC_ECONFIG), unless the connection failed.  Frees res. */
static int refused_setting(pgc_error *err, PGconn *pg, PGresult *res, const char *what)
{
    int rc = pgc_fail_pq(err, pg, res, NULL);
    pgc_error_prefix(err, "%s: ", what);
    if (rc == PGC_ESQL) {
        rc = PGC_ECONFIG;
        if (err)
            err->code = rc;
    }
    PQclear(res);
    return rc;
}

/*
 * Applies the server settings (timeouts included) in one round trip with
 * set_config($1, $2, false), so names and values travel as parameters and
 * never as SQL; then runs the init statements.
 */
static int init_session(PGconn *pg, const pgc_settings *s, pgc_error *err)
{
    if (s->nserver) {
        size_t n = s->nserver;
        const char **values = malloc(2 * n * sizeof *values);
        size_t cap = 16 + n * 40;
        char *sql = malloc(cap);
        if (!values || !sql) {
            free(values);
            free(sql);
            return pgc_fail(err, PGC_ENOMEM, "out of memory");
        }
        size_t len = (size_t)snprintf(sql, cap, "SELECT ");
        for (size_t i = 0; i < n; i++) {
            len += (size_t)snprintf(sql + len, cap - len, "%sset_config($%zu, $%zu, false)",
                                    i ? ", " : "", 2 * i + 1, 2 * i + 2);
            values[2 * i] = s->server[i].key;
            values[2 * i + 1] = s->server[i].value;
        }
        PGresult *res = PQexecParams(pg, sql, (int)(2 * n), NULL, values, NULL, NULL, 0);
        free(sql);
        free(values);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            return refused_setting(err, pg, res, "server settings");
        PQclear(res);
    }
    for (size_t i = 0; i < s->ninit; i++) {
        PGresult *res = PQexec(pg, s->init[i]);
        if (pgc_check_exec(pg, res, NULL) != PGC_OK) {
            char what[48];
            snprintf(what, sizeof what, "setting \"init\" #%zu", i + 1);
            return refused_setting(err, pg, res, what);
        }
        PQclear(res);
    }
    return PGC_OK;
}

/* Server notices (NOTICE, WARNING) are not the library's to print. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The connection's connect_timeout in milliseconds, or -1 for none. */
static int connect_timeout_ms(PGconn *pg)
{
    int ms = -1;
    PQconninfoOption *opts = PQconninfo(pg);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) {
            int sec = atoi(o->val);
            if (sec > 0)
                ms = (sec < 2 ? 2 : sec) * 1000; /* libpq's minimum is 2 s */
        }
    PQconninfoFree(opts);
    return ms;
}

/*
 * Connects as PQconnectdbParams would, but with the notice processor set
 * before the first byte is read: a backend terminated right after start-up
 * sends "FATAL: terminating connection" after ReadyForQuery, which libpq
 * hands to the notice processor while still connecting (the default one
 * prints it on stderr).  connect_timeout bounds each wait, as libpq's own
 * loop does per host.
 */
static PGconn *connect_quietly(const char *const *keys, const char *const *values,
                               int *timed_out)
{
    *timed_out = 0;
    PGconn *pg = PQconnectStartParams(keys, values, 1);
    if (!pg)
        return NULL;
    PQsetNoticeProcessor(pg, ignore_notice, NULL);
    if (PQstatus(pg) == CONNECTION_BAD)
        return pg;
    int timeout = connect_timeout_ms(pg);
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        struct pollfd pfd = {.fd = PQsocket(pg),
                             .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        int r = pfd.fd < 0 ? 1 : poll(&pfd, 1, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            *timed_out = 1;
            break;
        }
        st = PQconnectPoll(pg);
    }
    return pg;
}

/*
 * require_writable: a server that reports itself a hot standby or read-only
 * is refused, naming it.  PostgreSQL 14 and later report in_hot_standby and
 * default_transaction_read_only at start-up, so this costs no round trip;
 * an older server reports neither and is not checked (libpq's
 * target_session_attrs=read-write asks it, for a multi-host conninfo).
 */
static int refuse_read_only(PGconn *pg, pgc_error *err)
{
    const char *standby = PQparameterStatus(pg, "in_hot_standby");
    const char *read_only = PQparameterStatus(pg, "default_transaction_read_only");
    int is_standby = standby && strcmp(standby, "on") == 0;
    int is_read_only = read_only && strcmp(read_only, "on") == 0;
    if (!is_standby && !is_read_only)
        return PGC_OK;
    const char *host = PQhost(pg), *port = PQport(pg);
    return pgc_fail(err, PGC_ECONNECT,
                    "could not connect: %s:%s is %s: %s; writes need the primary "
                    "(setting require_writable=off accepts it)",
                    host ? host : "?", port ? port : "?",
                    is_standby ? "a standby (read-only)" : "read-only",
                    is_standby ? "in_hot_standby=on" : "default_transaction_read_only=on");
}

static int connect_one(pgc_pool *pool, pgc_pconn **out, pgc_error *err)
{
    const pgc_settings *s = &pool->s;
    *out = NULL;
    /* Keywords after dbname (the conninfo, expanded) override it: only what
       conninfo leaves unset is added (ask_read_write), or what a setting
       must decide (application_name). */
    const char *keys[4] = {"dbname", s->application_name ? "application_name"
                                                          : "fallback_application_name"};
    const char *values[4] = {s->conninfo, s->application_name ? s->application_name : "pgc"};
    if (s->ask_read_write) {
        keys[2] = "target_session_attrs";
        values[2] = "read-write";
    }
    int timed_out;
    PGconn *pg = connect_quietly(keys, values, &timed_out);
    if (!pg)
        return pgc_fail(err, PGC_ENOMEM, "out of memory opening a connection");
    if (timed_out) {
        PQfinish(pg);
        return pgc_fail(err, PGC_ECONNECT, "could not connect: timeout expired");
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        pgc_fail_pq(err, pg, NULL, NULL);
        pgc_error_prefix(err, "could not connect: ");
        if (err)
            err->code = PGC_ECONNECT;
        PQfinish(pg);
        return PGC_ECONNECT;
    }
    int rc = s->require_writable ? refuse_read_only(pg, err) : PGC_OK;
    if (rc == PGC_OK)
        rc = init_session(pg, s, err);
    if (rc == PGC_ECONNLOST) { /* lost while setting up: none of the caller's calls was sent */
        rc = PGC_ECONNECT;
        if (err)
            err->code = rc;
    }
    if (rc != PGC_OK) {
        PQfinish(pg);
        return rc;
    }
    pgc_pconn *c = calloc(1, sizeof *c);
    if (!c) {
        PQfinish(pg);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    c->pg = pg;
    c->home = pool;
    c->read_target = pool->is_read;
    c->unnamed = s->unnamed_statements;
    c->created_ms = c->last_used_ms = pgc_now_ms();
    *out = c;
    return PGC_OK;
}

static void close_one(pgc_pconn *c)
{
    if (!c)
        return;
    PQfinish(c->pg);
    pgc_prepared_clear(&c->prepared);
    pgc_prepared_clear(&c->stale);
    free(c);
}

/*
 * Frees the notifications libpq has read: a LISTEN left on a connection
 * would otherwise pile them up in client memory without bound.
 */
static void drop_notifies(PGconn *pg)
{
    PGnotify *n;
    while ((n = PQnotifies(pg)))
        PQfreemem(n);
}

/* still_good past the window: the connection's socket has nothing to say
 * (a terminated backend's FATAL message or EOF). */
static int socket_quiet(pgc_pconn *c)
{
    if (PQstatus(c->pg) != CONNECTION_OK)
        return 0;
    /*
     * Read until the socket is quiet: a terminated backend's FATAL message
     * and its EOF may arrive in two reads (over TCP they usually do).
     */
    for (int reads = 0; reads < 8; reads++) {
        struct pollfd pfd = {.fd = PQsocket(c->pg), .events = POLLIN};
        if (pfd.fd < 0)
            return 0;
        int r = poll(&pfd, 1, 0);
        if (r < 0 || (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))))
            return 0;
        if (r == 0)
            break;
        if (!PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK)
            return 0;
        drop_notifies(c->pg);
    }
    return PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

/*
 * An idle connection is worth handing out if it is young enough and its
 * socket has nothing to say.  A backend that was terminated (or a server
 * that went away) leaves a FATAL message or EOF on the socket: poll() sees
 * it without a round trip, and PQconsumeInput() turns it into a bad status.
 * The poll is skipped for a connection released less than
 * check_after_idle_ms ago (HikariCP's "alive bypass window", PgBouncer's
 * server_check_delay): on a busy pool it is a system call on every call's
 * path (measured: a tenth of a point lookup), and a backend that died in
 * that window fails its next call with PGC_ECONNLOST, as one that dies
 * during a call does.
 */
static inline int still_good(const pgc_settings *s, pgc_pconn *c)
{
    /* The clock is read only when a limit needs it (it is on every call's path). */
    int64_t now = s->max_idle_ms || s->max_lifetime_ms || s->check_after_idle_ms
                      ? pgc_now_ms()
                      : 0;
    if (s->max_idle_ms && now - c->last_used_ms >= s->max_idle_ms)
        return 0;
    if (s->max_lifetime_ms && now - c->created_ms >= s->max_lifetime_ms)
        return 0;
    /* Given back connected and idle (should_retire), and no call on its
       PGconn since: nothing to ask libpq. */
    if (s->check_after_idle_ms && now - c->last_used_ms < s->check_after_idle_ms)
        return 1;
    return socket_quiet(c);
}

/* ---- the pool ------------------------------------------------------------ */

/* A pool on settings s (taken over, freed on failure), with its minimum of
 * connections open. */
static int pool_start(pgc_pool **out, pgc_settings *s, int is_read, pgc_error *err)
{
    *out = NULL;
    pgc_pool *pool = calloc(1, sizeof *pool);
    if (!pool) {
        pgc_settings_free(s);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    pool->s = *s;
    pool->is_read = is_read;
    if (pthread_mutex_init(&pool->lock, NULL) != 0) {
        pgc_settings_free(&pool->s);
        free(pool);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    for (int i = 0; i < pool->s.min_connections; i++) {
        pgc_pconn *c;
        int rc = connect_one(pool, &c, err);
        if (rc != PGC_OK) {
            pgc_pool_close(pool);
            return rc;
        }
        c->next = pool->idle;
        pool->idle = c;
        pool->nidle++;
        pool->total++;
        pool->opened++;
    }
    *out = pool;
    return PGC_OK;
}

int pgc_pool_open(pgc_pool **out, const pgc_config *cfg, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_pool_open: out is NULL");
    *out = NULL;
    pgc_settings s, rs;
    int rc = pgc_settings_from_config(&s, cfg, err);
    if (rc != PGC_OK)
        return rc;
    if (s.read_conninfo && pgc_settings_for_read(&rs, &s) != PGC_OK) {
        pgc_settings_free(&s);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    pgc_pool *pool;
    int has_read = s.read_conninfo != NULL;
    if ((rc = pool_start(&pool, &s, 0, err)) != PGC_OK) {
        if (has_read)
            pgc_settings_free(&rs);
        return rc;
    }
    if (has_read && (rc = pool_start(&pool->read, &rs, 1, err)) != PGC_OK) {
        pgc_pool_close(pool);
        return rc;
    }
    *out = pool;
    return PGC_OK;
}

int pgc_pool_close(pgc_pool *pool)
{
    return pgc_pool_close_ex(pool, NULL);
}

/* Connections of the read target checked out or being opened. */
static int read_target_busy(pgc_pool *read)
{
    pthread_mutex_lock(&read->lock);
    int busy = read->total - read->nidle - (atomic_load(&read->hot) ? 1 : 0);
    pthread_mutex_unlock(&read->lock);
    return busy;
}

int pgc_pool_close_ex(pgc_pool *pool, pgc_error *err)
{
    if (!pool)
        return PGC_OK;
    int read_busy = pool->read ? read_target_busy(pool->read) : 0;
    if (read_busy)
        return pgc_fail(err, PGC_EBUSY,
                        "pgc_pool_close: still in use: %d connection%s of the read target "
                        "checked out or being opened; close those first",
                        read_busy, read_busy == 1 ? "" : "s");
    pthread_mutex_lock(&pool->lock);
    pgc_pconn *hot = atomic_exchange(&pool->hot, NULL);
    if (hot) {
        hot->next = pool->idle;
        pool->idle = hot;
        pool->nidle++;
    }
    if (pool->in_use || pool->attached || pool->nwaiting || pool->total != pool->nidle) {
        /* being opened: reserved by a thread that is connecting */
        int in_use = pool->in_use, attached = pool->attached, waiting = pool->nwaiting;
        int opening = pool->total - pool->nidle - pool->in_use;
        pthread_mutex_unlock(&pool->lock);
        return pgc_fail(err, PGC_EBUSY,
                        "pgc_pool_close: still in use: %d connection%s checked out, "
                        "%d being opened, %d db%s attached, %d thread%s waiting; "
                        "close those first",
                        in_use, in_use == 1 ? "" : "s", opening, attached,
                        attached == 1 ? "" : "s", waiting, waiting == 1 ? "" : "s");
    }
    pthread_mutex_unlock(&pool->lock);
    while (pool->idle) {
        pgc_pconn *c = pool->idle;
        pool->idle = c->next;
        close_one(c);
    }
    pthread_mutex_destroy(&pool->lock);
    pgc_settings_free(&pool->s);
    if (pool->read)
        pgc_pool_close(pool->read); /* idle: checked above */
    free(pool);
    return PGC_OK;
}

void pgc_pool_stats_get(pgc_pool *pool, pgc_pool_stats *st)
{
    memset(st, 0, sizeof *st);
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    st->total = pool->total;
    st->idle = pool->nidle + (atomic_load(&pool->hot) ? 1 : 0);
    st->in_use = pool->in_use;
    st->waiting = pool->nwaiting;
    st->attached = pool->attached;
    st->opened = pool->opened;
    st->closed = pool->closed;
    pthread_mutex_unlock(&pool->lock);
}

void pgc_pool_read_stats_get(pgc_pool *pool, pgc_pool_stats *st)
{
    if (pool && pool->read)
        pgc_pool_stats_get(pool->read, st);
    else
        memset(st, 0, sizeof *st);
}

pgc_pool *pgc_pool_read(const pgc_pool *pool)
{
    return pool->read;
}

void pgc_pool_attach(pgc_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->attached++;
    pthread_mutex_unlock(&pool->lock);
}

void pgc_pool_detach(pgc_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->attached--;
    pthread_mutex_unlock(&pool->lock);
}

/* Called with the lock held: gives a freed slot to the oldest waiter. */
static void offer_slot_locked(pgc_pool *pool)
{
    waiter *w = pool->head;
    if (!w)
        return;
    pool->head = w->next;
    if (!pool->head)
        pool->tail = NULL;
    w->may_create = 1;
    pool->total++;  /* reserved on the waiter's behalf */
    pthread_cond_signal(&w->cv);
}

static void remove_waiter_locked(pgc_pool *pool, waiter *w)
{
    waiter **pp = &pool->head, *prev = NULL;
    while (*pp && *pp != w) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = w->next;
        if (pool->tail == w)
            pool->tail = prev;
    }
}

static void deadline_after(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(ms / 1000);
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* c is handed out as a PGconn: pgc_pool_release finds it on the busy list. */
static void mark_busy_locked(pgc_pool *pool, pgc_pconn *c)
{
    c->exposed = 1;
    c->may_listen = 1;
    c->prev = NULL;
    c->next = pool->busy;
    if (pool->busy)
        pool->busy->prev = c;
    pool->busy = c;
}

static void unmark_busy_locked(pgc_pool *pool, pgc_pconn *c)
{
    if (!c->exposed)
        return;
    c->exposed = 0;
    if (c->prev)
        c->prev->next = c->next;
    else
        pool->busy = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

static void count_in_use(pgc_pool *pool, int delta)
{
    atomic_fetch_add_explicit(&pool->in_use, delta, memory_order_relaxed);
}

/*
 * The slow part of acquire, without the lock: check a connection taken
 * from the idle stack (already marked busy, so that the common case takes
 * the lock once), or open one in a reserved slot (reconnect == the slot of
 * a connection that failed its check).
 */
static int finish_acquire_slow(pgc_pool *pool, pgc_pconn *c, pgc_pconn **out, pgc_error *err);

static inline int finish_acquire(pgc_pool *pool, pgc_pconn *c, pgc_pconn **out, pgc_error *err)
{
    if (c && still_good(&pool->s, c)) {
        *out = c;
        return PGC_OK;
    }
    return finish_acquire_slow(pool, c, out, err);
}

/* finish_acquire for c that failed its check, or for a new connection (c NULL). */
static int finish_acquire_slow(pgc_pool *pool, pgc_pconn *c, pgc_pconn **out, pgc_error *err)
{
    if (c) {
        count_in_use(pool, -1);
        pthread_mutex_lock(&pool->lock);
        pool->closed++;
        pthread_mutex_unlock(&pool->lock);
        close_one(c);
        c = NULL;
    }
    int rc = connect_one(pool, &c, err);
    pthread_mutex_lock(&pool->lock);
    if (rc != PGC_OK) {
        pool->total--;
        offer_slot_locked(pool);
        pthread_mutex_unlock(&pool->lock);
        return rc;
    }
    pool->opened++;
    count_in_use(pool, 1);
    pthread_mutex_unlock(&pool->lock);
    *out = c;
    return PGC_OK;
}

int pgc_pool_get(pgc_pool *pool, pgc_pconn **out, pgc_error *err)
{
    *out = NULL;
    pgc_pconn *c = atomic_exchange(&pool->hot, NULL);
    if (c) {
        count_in_use(pool, 1);
        return finish_acquire(pool, c, out, err);
    }
    pthread_mutex_lock(&pool->lock);
    if (!pool->head && (c = atomic_exchange(&pool->hot, NULL))) { /* parked meanwhile */
        count_in_use(pool, 1);
        pthread_mutex_unlock(&pool->lock);
        return finish_acquire(pool, c, out, err);
    }
    if (!pool->head && pool->idle) {
        c = pool->idle;
        pool->idle = c->next;
        pool->nidle--;
        count_in_use(pool, 1);
        pthread_mutex_unlock(&pool->lock);
        return finish_acquire(pool, c, out, err);
    }
    if (!pool->head && pool->total < pool->s.max_connections) {
        pool->total++;
        pthread_mutex_unlock(&pool->lock);
        return finish_acquire(pool, NULL, out, err);
    }

    waiter w = {.handed = NULL, .may_create = 0, .next = NULL};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w.cv, &attr);
    pthread_condattr_destroy(&attr);
    if (pool->tail)
        pool->tail->next = &w;
    else
        pool->head = &w;
    pool->tail = &w;
    pool->nwaiting++;
    /* Parked before this thread counted itself: its release saw no waiter. */
    if ((c = atomic_exchange(&pool->hot, NULL))) {
        remove_waiter_locked(pool, &w);
        pool->nwaiting--;
        count_in_use(pool, 1);
        pthread_mutex_unlock(&pool->lock);
        pthread_cond_destroy(&w.cv);
        return finish_acquire(pool, c, out, err);
    }

    struct timespec deadline;
    deadline_after(&deadline, pool->s.acquire_timeout_ms);
    int timed_out = 0;
    while (!w.handed && !w.may_create && !timed_out) {
        int r = pthread_cond_timedwait(&w.cv, &pool->lock, &deadline);
        if (r == ETIMEDOUT && !w.handed && !w.may_create) {
            remove_waiter_locked(pool, &w);
            timed_out = 1;
        }
    }
    pool->nwaiting--;
    c = w.handed;
    pthread_mutex_unlock(&pool->lock);
    pthread_cond_destroy(&w.cv);
    if (timed_out)
        return pgc_fail(err, PGC_ETIMEDOUT,
                        "no connection free after %lld ms (max_connections=%d)",
                        (long long)pool->s.acquire_timeout_ms, pool->s.max_connections);
    /* Woken with a connection (c), or with a slot to open one (c == NULL). */
    return finish_acquire(pool, c, out, err);
}

/*
 * reset=discard_all: DISCARD ALL (session settings, temporary tables,
 * LISTEN, advisory locks, prepared statements), then the connection's
 * server settings and init statements again, as on a new connection.  The
 * connection forgets what it had prepared.  Any failure retires it.
 */
static int reset_session(const pgc_settings *s, pgc_pconn *c)
{
    PGresult *res = PQexec(c->pg, "DISCARD ALL");
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    pgc_prepared_clear(&c->prepared);
    pgc_prepared_clear(&c->stale);
    if (!ok)
        return PGC_ESQL;
    return init_session(c->pg, s, NULL);
}

/*
 * Whether a returned connection should be closed rather than reused.  On
 * the way, undoes what a holder of the PGconn (pgc_pool_acquire) may have
 * left in libpq's state: pipeline mode (left if nothing is pending),
 * non-blocking mode, a notice processor, tracing, unread notifications.  An
 * open or failed transaction is rolled back; a command still running
 * (results not read, a COPY not ended: PQTRANS_ACTIVE) retires the
 * connection, as does a pipeline with results pending.
 */
/*
 * A read-target connection on a server that is not a standby: libpq put it
 * there (prefer-standby while no standby was up) or its standby was
 * promoted since (the server reports in_hot_standby=off at once).  Such a
 * connection, once PGC_READ_ON_PRIMARY_MS old, is retired on give-back, so
 * that the next read connects again and finds a standby that came back
 * (after a failover the old primary rejoins as one).  Servers before 14
 * report nothing: kept.
 */
#define PGC_READ_ON_PRIMARY_MS 2000

static int read_on_primary(const pgc_pconn *c)
{
    if (pgc_now_ms() - c->created_ms < PGC_READ_ON_PRIMARY_MS)
        return 0;
    const char *hs = PQparameterStatus(c->pg, "in_hot_standby");
    return hs && strcmp(hs, "off") == 0;
}

static inline int should_retire(const pgc_settings *s, pgc_pconn *c)
{
    /* A bad connection (PQstatus) shows as PQTRANS_UNKNOWN below. */
    if (c->broken || (s->max_queries && c->queries >= s->max_queries))
        return 1;
    if (c->read_target && read_on_primary(c))
        return 1;
    if (c->exposed || c->moded) { /* libpq's modes: only these set them */
        c->moded = 0;
        if (PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF && !PQexitPipelineMode(c->pg))
            return 1;
        if (PQisnonblocking(c->pg) && PQsetnonblocking(c->pg, 0) != 0)
            return 1;
    }
    if (c->exposed) { /* only a holder of the PGconn sets these */
        PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
        PQuntrace(c->pg);
    }
    PGTransactionStatusType ts = PQtransactionStatus(c->pg);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
        PGresult *res = PQexec(c->pg, "ROLLBACK");
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!ok)
            return 1;
    } else if (ts != PQTRANS_IDLE) {
        return 1;
    }
    if (s->reset_discard_all && reset_session(s, c) != PGC_OK)
        return 1;
    /* Notifications come only to a connection that ran LISTEN: one that
       ran a text of SQL or was held as a PGconn (may_listen) is asked on
       every give-back.  Asking costs ~50 instructions (PQnotifies parses
       input), so any other connection (whose prepared statements cannot
       LISTEN, but a function they call could) is asked every 16th. */
    if (c->may_listen || (++c->gives_back & 15) == 0)
        drop_notifies(c->pg);
    return 0;
}

/* Called with the lock held: c, idle, to the oldest waiter or the idle stack. */
static void give_idle_locked(pgc_pool *pool, pgc_pconn *c)
{
    waiter *w = pool->head;
    if (w) {
        pool->head = w->next;
        if (!pool->head)
            pool->tail = NULL;
        w->handed = c;
        count_in_use(pool, 1); /* the waiter's now, as finish_acquire expects */
        pthread_cond_signal(&w->cv);
    } else {
        c->next = pool->idle;
        pool->idle = c;
        pool->nidle++;
    }
}

static inline void put(pgc_pool *pool, pgc_pconn *c, int retire)
{
    if (pool->s.max_idle_ms || pool->s.check_after_idle_ms) /* only they read it */
        c->last_used_ms = pgc_now_ms();
    if (!retire && !c->exposed) {
        count_in_use(pool, -1);
        if (atomic_load(&pool->nwaiting) == 0) {
            pgc_pconn *was = atomic_exchange(&pool->hot, c);
            if (!was && atomic_load(&pool->nwaiting) == 0)
                return; /* parked: no lock taken */
            /* another connection was parked (it goes to the stack), or a
               thread began to wait meanwhile (it gets the parked one) */
            pthread_mutex_lock(&pool->lock);
            if (was)
                give_idle_locked(pool, was);
            if (pool->nwaiting && (was = atomic_exchange(&pool->hot, NULL)))
                give_idle_locked(pool, was);
            pthread_mutex_unlock(&pool->lock);
            return;
        }
        pthread_mutex_lock(&pool->lock);
        give_idle_locked(pool, c);
        pthread_mutex_unlock(&pool->lock);
        return;
    }
    count_in_use(pool, -1);
    pthread_mutex_lock(&pool->lock);
    unmark_busy_locked(pool, c);
    if (retire) {
        pool->total--;
        pool->closed++;
        offer_slot_locked(pool);
        pthread_mutex_unlock(&pool->lock);
        close_one(c);
        return;
    }
    give_idle_locked(pool, c);
    pthread_mutex_unlock(&pool->lock);
}

void pgc_pool_put(pgc_pool *pool, pgc_pconn *c)
{
    (void)pool; /* c's home: pool, or its read target */
    if (c)
        put(c->home, c, should_retire(&c->home->s, c));
}

void pgc_pool_discard(pgc_pool *pool, pgc_pconn *c)
{
    (void)pool;
    if (c)
        put(c->home, c, 1);
}

int pgc_pool_get_read(pgc_pool *read, pgc_pconn **out, pgc_error *err)
{
    int64_t down = atomic_load_explicit(&read->down_until_ms, memory_order_relaxed);
    if (down && pgc_now_ms() < down) {
        *out = NULL;
        return pgc_fail(err, PGC_ECONNECT, "the read target is down (a connect failed "
                        "less than %d ms ago)", READ_HOLD_OFF_MS);
    }
    int rc = pgc_pool_get(read, out, err);
    if (rc == PGC_ECONNECT)
        atomic_store_explicit(&read->down_until_ms, pgc_now_ms() + READ_HOLD_OFF_MS,
                              memory_order_relaxed);
    else if (rc == PGC_OK && down)
        atomic_store_explicit(&read->down_until_ms, 0, memory_order_relaxed);
    return rc;
}

int pgc_pool_acquire(pgc_pool *pool, PGconn **out, pgc_error *err)
{
    if (!pool || !out)
        return pgc_fail(err, PGC_EINVAL, "pgc_pool_acquire: NULL argument");
    pgc_pconn *c;
    int rc = pgc_pool_get(pool, &c, err);
    if (rc == PGC_OK) {
        pthread_mutex_lock(&pool->lock);
        mark_busy_locked(pool, c);
        pthread_mutex_unlock(&pool->lock);
    }
    *out = rc == PGC_OK ? c->pg : NULL;
    return rc;
}

void pgc_pool_release(pgc_pool *pool, PGconn *pg)
{
    if (!pool || !pg)
        return;
    pgc_pconn *c;
    pthread_mutex_lock(&pool->lock);
    for (c = pool->busy; c && c->pg != pg; c = c->next)
        ;
    pthread_mutex_unlock(&pool->lock);
    if (c)
        pgc_pool_put(pool, c);
}

void pgc_pool_set_trace(pgc_pool *pool, pgc_trace_fn fn, void *ud)
{
    if (!pool)
        return;
    pool->trace.fn = fn;
    pool->trace.ud = ud;
}

const pgc_trace_hook *pgc_pool_hook(const pgc_pool *pool)
{
    return &pool->trace;
}
