/*
 * async.c - non-blocking calls (pgc_async, pgc_call) and pipes of
 * different calls (pgc_pipe_*): one engine for both.
 *
 * Takes a db's connections (pool.c), its rendered statements and prepared
 * names (db.c, query.c: pgc_db_rendered, pgc_fail_stmt,
 * pgc_conn_forget_stale) and gives calls that complete later, driven by
 * the caller's loop (pgc_async_process) or by poll() here (pgc_async_wait,
 * pgc_pipe_run).
 *
 * Each connection is in libpq's non-blocking pipeline mode and runs a small
 * state machine: what is in its pipeline, in order, is kept as items (a
 * statement's Parse, a DEALLOCATE before it, a call, a sync), as batch.c
 * keeps them.  Results are read while PQisBusy() says they are complete,
 * never waiting.  An item gives one result then NULL (after a failure in
 * its segment: PGRES_PIPELINE_ABORTED then NULL); a sync gives
 * PGRES_PIPELINE_SYNC, after the commit's error if the implicit
 * transaction failed to commit.  So a call completes only at the sync that
 * ends its segment: its commit is known then.  Outside a pipe each call is
 * its own segment (Parse?, Bind/Execute, Sync), so one failure aborts
 * nothing else.
 *
 * A call is the caller's (pgc_call_free) and, while an item or a
 * connection's list of calls waiting for their sync points to it, the
 * engine's too (call->engine): it is freed when both have let go.  A call
 * completed early (cancel, timeout, close) stays the engine's until its
 * result comes and is dropped.
 *
 * Done functions may call back into the engine: send, cancel, free, even
 * close the pgc_async.  So the engine never holds a pointer into its item
 * queue across a done function, a close from inside one only marks the
 * pgc_async closed (it is freed when the outermost entry returns: depth),
 * and the loops stop when they find it closed.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum item_kind { ITEM_CALL, ITEM_PREPARE, ITEM_DEALLOCATE, ITEM_SYNC };

typedef struct item {
    unsigned char kind;
    unsigned char got;      /* its result was read (NULL still to come) */
    unsigned char relies;   /* a call relying on a Parse another call queued */
    pgc_call *call;         /* whose item (the engine's reference: ITEM_CALL only) */
    const pgc_rendered *r;  /* ITEM_PREPARE, ITEM_DEALLOCATE */
} item;

/* One connection of a pgc_async and what is in its pipeline. */
typedef struct aconn {
    pgc_pconn *c;           /* NULL once given back */
    int fd;
    int told;               /* the events the watch function was last told */
    int want_write;         /* PQflush left output to send */
    int lost;               /* its calls completed, no longer used */
    int broken;             /* a send failed: lost at the next process */
    int ncalls;             /* calls sent on it that the engine still holds */
    item *items;            /* ring buffer, cap a power of two */
    size_t head, count, cap;
    pgc_call *await_head, *await_tail; /* results read, their sync not yet */
    pgc_async *pinned;      /* the transaction it serves */
    pgc_prepared_set preparing; /* Parse queued, result not read */
    PGcancel *cancel;
    int prep_failed;        /* the Parse before the next call failed: */
    pgc_error prep_err;     /* why */
    int seg_error;          /* a result of the segment was an error: it did not commit */
    int seg_failed;         /* the segment's commit failed (at its sync): */
    pgc_error seg_err;
    pgc_call *cancel_target; /* a cancel request was sent for it, its result not read */
    int stray_cancel;       /* that request came after it ended: it may hit the next */
    int failed_index;       /* the first failed call of the segment (pipes) */
    char failed_name[128];
} aconn;

enum async_kind { ASYNC_ROOT, ASYNC_TX, ASYNC_PIPE };

struct pgc_async {
    enum async_kind kind;
    pgc_db *db;
    pgc_async *root;        /* itself; for a transaction, the pgc_async it was begun on */
    int npending;           /* calls not completed (a transaction: its own) */
    /* root and pipe: */
    aconn *conns;
    int nconns;
    int on_scope;           /* db is a transaction scope whose connection it holds */
    pgc_watch_fn watch;
    void *watch_ud;
    int64_t timeout_ms;
    int ndeadlines;         /* calls not completed that have a deadline */
    int depth;              /* entries and done functions running: free only at 0 */
    int callbacks;          /* done functions running */
    int closed;
    pgc_async *txs;         /* open transactions */
    pgc_async *db_prev, *db_next; /* root->asyncs of the db's root */
    /* transaction: */
    aconn *ac;
    pgc_async *tx_next;
    int failed;             /* a call of it (or its BEGIN) failed: it cannot commit */
    pgc_error fail_err;     /* the first such failure */
    /* pipe: */
    int mode;
    pgc_call *unsent_head, *unsent_tail;
    int running;            /* in pgc_pipe_run: calls sent meanwhile go out as a new segment */
    int run_index;          /* the last index given in the run */
    int run_rc;             /* the first failure of the run */
    int run_rc_early;       /* run_rc is a call's cancel or timeout (the segment may yet commit) */
    pgc_error run_err;
};

struct pgc_call {
    pgc_async *a;           /* the root; NULL once a is closed */
    pgc_async *tx;          /* the transaction it was sent in, until that ends */
    pgc_async *begin_of;    /* BEGIN: the transaction its failure fails, until that ends */
    aconn *ac;
    const pgc_rendered *r;
    const char *sql;        /* r NULL: BEGIN, COMMIT or ROLLBACK */
    unsigned char done, engine, user_freed, commit, prepared_now, has_deadline;
    unsigned char dropped;  /* freed in flight: its end is no failure of its unit */
    int rc;
    int index;              /* pipes: 1-based within the run */
    PGresult *res;
    pgc_error *err;         /* on failure (malloc'd; NULL if that failed) */
    pgc_call_fn fn;
    void *ud;
    int64_t deadline_ms;
    int64_t started_ns;
    pgc_call *next;         /* a connection's await list, a pipe's unsent list */
    /* a pipe's call until it is sent: its parameters, copied */
    int nparams;
    int result_format;
    char **values;
    int *lengths, *formats;
};

/* ---- the item queue ------------------------------------------------------ */

static int items_reserve(aconn *ac, size_t n)
{
    if (ac->count + n <= ac->cap)
        return PGC_OK;
    size_t cap = ac->cap ? ac->cap * 2 : 64;
    while (cap < ac->count + n)
        cap *= 2;
    item *grown = malloc(cap * sizeof *grown);
    if (!grown)
        return PGC_ENOMEM;
    for (size_t i = 0; i < ac->count; i++)
        grown[i] = ac->items[(ac->head + i) & (ac->cap - 1)];
    free(ac->items);
    ac->items = grown;
    ac->head = 0;
    ac->cap = cap;
    return PGC_OK;
}

static item *items_at(aconn *ac, size_t i)
{
    return &ac->items[(ac->head + i) & (ac->cap - 1)];
}

static void items_push(aconn *ac, enum item_kind kind, pgc_call *call, const pgc_rendered *r,
                       int relies)
{
    *items_at(ac, ac->count++) = (item){(unsigned char)kind, 0, (unsigned char)relies, call, r};
}

static void items_pop(aconn *ac)
{
    ac->head = (ac->head + 1) & (ac->cap - 1);
    ac->count--;
}

/* ---- calls ---------------------------------------------------------------- */

static pgc_call *call_new(pgc_async *root, pgc_async *tx, const pgc_rendered *r)
{
    pgc_call *call = calloc(1, sizeof *call);
    if (!call)
        return NULL;
    call->a = root;
    call->tx = tx;
    call->r = r;
    return call;
}

static void call_free(pgc_call *call)
{
    PQclear(call->res);
    free(call->err);
    free(call->values);
    free(call);
}

/* The engine lets go of call (an item or list no longer points to it). */
static void release(pgc_call *call)
{
    call->engine = 0;
    if (call->user_freed)
        call_free(call);
}

/* Records the call's failure: e (may be NULL: the code's own message). */
static void set_error(pgc_call *call, int rc, const pgc_error *e)
{
    PQclear(call->res);
    call->res = NULL;
    call->rc = rc;
    if (!call->err && !(call->err = malloc(sizeof *call->err)))
        return;
    if (e)
        *call->err = *e;
    else
        pgc_error_set(call->err, rc, "%s", pgc_strerror(rc));
}

static void set_errorf(pgc_call *call, int rc, const char *fmt, ...) PGC_PRINTF(3, 4);
static void set_errorf(pgc_call *call, int rc, const char *fmt, ...)
{
    pgc_error e;
    va_list ap;
    va_start(ap, fmt);
    char message[sizeof e.message];
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    pgc_error_set(&e, rc, "%s", message);
    if (call->r)
        pgc_strlcpy(e.statement, call->r->stmt_name, sizeof e.statement);
    set_error(call, rc, &e);
}

static void enter(pgc_async *a)
{
    a->depth++;
}

static void async_free(pgc_async *a);

/* Leaves an entry; the last one out frees a pgc_async closed meanwhile. */
static void leave(pgc_async *a)
{
    if (--a->depth == 0 && a->closed)
        async_free(a);
}

/*
 * Completes call with the outcome it holds: counts, traces, then runs its
 * done function.  release: the engine lets go of it too.  call may be
 * freed when this returns.
 */
static void tx_fail(pgc_async *tx, const pgc_call *call)
{
    if (tx->failed)
        return;
    tx->failed = 1;
    if (call->err)
        tx->fail_err = *call->err;
    else
        pgc_error_set(&tx->fail_err, call->rc, "%s", pgc_strerror(call->rc));
}

static void complete(pgc_async *a, pgc_call *call, int release_it)
{
    call->done = 1;
    a->npending--;
    if (call->rc != PGC_OK && !call->dropped) {
        if (call->tx)
            tx_fail(call->tx, call);
        if (call->begin_of)
            tx_fail(call->begin_of, call);
    }
    call->begin_of = NULL;
    if (call->tx) {
        call->tx->npending--;
        call->tx = NULL;
    }
    if (call->has_deadline) {
        call->has_deadline = 0;
        a->ndeadlines--;
    }
    if (a->db && pgc_tracing(a->db))
        pgc_trace(a->db, PGC_VIA_ASYNC, call->r, call->sql,
                  call->ac && call->ac->c ? call->ac->c : NULL,
                  call->started_ns ? call->started_ns : pgc_trace_now_ns(), call->res, call->rc,
                  call->err, call->prepared_now);
    if (a->kind == ASYNC_PIPE && call->rc != PGC_OK && !call->dropped && a->run_rc == PGC_OK) {
        a->run_rc = call->rc;
        a->run_rc_early = call->ac && (call->rc == PGC_ECANCELED || call->rc == PGC_ETIMEDOUT);
        if (call->err)
            a->run_err = *call->err;
        else
            pgc_error_set(&a->run_err, call->rc, "%s", pgc_strerror(call->rc));
    }
    if (release_it) {
        call->engine = 0;
        if (call->user_freed) {
            call_free(call);
            return;
        }
    }
    if (call->fn) {
        a->callbacks++;
        a->depth++;
        call->fn(call, call->ud);
        a->callbacks--;
        a->depth--;
    }
}

/* ---- watching ------------------------------------------------------------- */

static int live(const aconn *ac)
{
    return ac->c && !ac->lost;
}

/* Tells the watch function what ac wants now, if that changed. */
static void tell_watch(pgc_async *a, aconn *ac)
{
    int events = live(ac) ? PGC_WANT_READ | (ac->want_write ? PGC_WANT_WRITE : 0) : 0;
    if (events == ac->told)
        return;
    ac->told = events;
    if (a->watch)
        a->watch(ac->fd, events, a->watch_ud);
}

/* Sends what libpq holds; PGC_OK, or -1 when the connection failed. */
static int flush(aconn *ac)
{
    int r = PQflush(ac->c->pg);
    if (r < 0)
        return -1;
    ac->want_write = r == 1;
    return PGC_OK;
}

/* ---- losing and giving back connections ------------------------------------ */

/* Appends the calls the engine holds on ac (oldest first) to *tailp; items stay. */
static pgc_call **collect_calls(aconn *ac, pgc_call **tailp)
{
    for (pgc_call *call = ac->await_head; call; call = call->next) {
        *tailp = call;
        tailp = &call->next;
    }
    ac->await_head = ac->await_tail = NULL;
    for (size_t i = 0; i < ac->count; i++) {
        item *it = items_at(ac, i);
        if (it->kind != ITEM_CALL)
            continue;
        *tailp = it->call;
        tailp = &it->call->next;
    }
    *tailp = NULL;
    return tailp;
}

/*
 * Detaches every call ac's engine holds into a list (oldest first), leaving
 * its queue empty: those waiting for their sync, then those in items.
 */
static pgc_call *detach_calls(aconn *ac)
{
    pgc_call *head = NULL;
    collect_calls(ac, &head);
    for (pgc_call *call = head; call; call = call->next) {
        call->begin_of = NULL;
        if (call->tx) { /* the transaction may end while they complete */
            call->tx->npending--;
            call->tx = NULL;
        }
    }
    ac->count = ac->head = 0;
    ac->ncalls = 0;
    ac->prep_failed = ac->seg_failed = ac->seg_error = 0;
    ac->cancel_target = NULL;
    ac->stray_cancel = 0;
    pgc_prepared_clear(&ac->preparing);
    return head;
}

/* Completes each call of the list with rc (calls done already are let go). */
static void complete_all(pgc_async *a, pgc_call *list, int rc, const char *why)
{
    while (list) {
        pgc_call *call = list;
        list = call->next;
        call->next = NULL;
        if (call->done) {
            release(call);
            continue;
        }
        if (a->closed) { /* by a done function: the db and its statements may be gone */
            call->a = NULL;
            call->ac = NULL;
            call->r = NULL;
        }
        /* A failure read before its sync keeps its error (a 57P01, say). */
        if (call->rc == PGC_OK || rc == PGC_ECLOSED)
            set_errorf(call, rc, "%s", why);
        complete(a, call, 1);
    }
}

static void give_back(pgc_async *a, aconn *ac, int discard)
{
    pgc_pconn *c = ac->c;
    if (!c)
        return;
    ac->c = NULL;
    if (a->on_scope) {
        if (discard)
            c->broken = 1; /* the scope's end retires it */
        pgc_db_unhold(a->db, c);
        return;
    }
    if (discard)
        pgc_pool_discard(a->db->pool, c);
    else
        pgc_pool_put(a->db->pool, c);
}

/*
 * ac's connection failed: every call on it completes with PGC_ECONNLOST
 * (or the error already read for it), and it is discarded (a scope's is
 * marked broken and kept until close).  The rest of a goes on.
 */
static void lose(pgc_async *a, aconn *ac)
{
    if (ac->lost || !ac->c)
        return;
    ac->lost = 1;
    char why[300];
    snprintf(why, sizeof why, "connection to the server was lost: %s",
             *PQerrorMessage(ac->c->pg) ? PQerrorMessage(ac->c->pg) : "no reply");
    size_t n = strlen(why);
    while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
        why[--n] = '\0';
    tell_watch(a, ac);
    pgc_call *list = detach_calls(ac);
    complete_all(a, list, PGC_ECONNLOST, why);
    if (!a->closed) {
        if (a->on_scope)
            ac->c->broken = 1;
        else
            give_back(a, ac, 1);
    }
}

/* Connections whose send failed are lost here, where done functions may run. */
static void lose_broken(pgc_async *a)
{
    for (int i = 0; i < a->nconns && !a->closed; i++)
        if (a->conns[i].broken && !a->conns[i].lost)
            lose(a, &a->conns[i]);
}

/* ---- reading results --------------------------------------------------------- */

static void note_failure(aconn *ac, const pgc_call *call)
{
    if (!ac->failed_index && call->index) {
        ac->failed_index = call->index;
        pgc_strlcpy(ac->failed_name, call->r ? call->r->stmt_name : call->sql,
                    sizeof ac->failed_name);
    }
}

static int is_sqlstate(const PGresult *res, const char *state)
{
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return s && strcmp(s, state) == 0;
}

static void on_prepare_result(aconn *ac, item *it, const PGresult *res, ExecStatusType st)
{
    const pgc_rendered *r = it->r;
    int ok = st == PGRES_COMMAND_OK;
    if (it->kind == ITEM_DEALLOCATE) {
        if (ok || is_sqlstate(res, "26000")) /* gone either way */
            pgc_prepared_remove(&ac->c->stale, r->name, r->name_hash);
    } else {
        pgc_prepared_remove(&ac->preparing, r->name, r->name_hash);
        if (ok && pgc_prepared_add(&ac->c->prepared, r->name, r->name_hash) != PGC_OK)
            ac->c->broken = 1; /* cannot remember it: retire the connection */
    }
    if (!ok && st != PGRES_PIPELINE_ABORTED && !ac->prep_failed) {
        /* Reported as its call's failure: the call itself is aborted. */
        pgc_fail_stmt(&ac->prep_err, ac->c, res, r);
        ac->prep_failed = 1;
    }
}

/* The result of a call's execution: kept on the call until its sync. */
static void on_call_result(aconn *ac, item *it, PGresult *res, ExecStatusType st)
{
    pgc_call *call = it->call;
    int prep_failed = ac->prep_failed;
    ac->prep_failed = 0;
    /* A cancel request names the backend: one that came after its call
       ended cancels whatever runs next (or nothing).  Said in that error. */
    int stray = 0;
    if (ac->cancel_target == call) {
        ac->cancel_target = NULL;
        ac->stray_cancel = st != PGRES_PIPELINE_ABORTED && !is_sqlstate(res, "57014");
    } else if (ac->stray_cancel && st != PGRES_PIPELINE_ABORTED) {
        stray = is_sqlstate(res, "57014");
        ac->stray_cancel = 0;
    }
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    /* A stale plan or a forgotten statement: the connection forgets it (no
       retry: the call fails).  Only once: other calls of it already in
       flight fail alike, and a call relying on another's Parse that failed
       finds it "does not exist" (26000) without the connection forgetting
       the rest. */
    if (!ok && st != PGRES_PIPELINE_ABORTED && call->r && !it->relies
        && pgc_prepared_has(&ac->c->prepared, call->r->name, call->r->name_hash))
        pgc_conn_forget_stale(ac->c, res, call->r);
    if (call->done) { /* completed early: the result is dropped */
        PQclear(res);
        return;
    }
    if (ok && call->commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        PQclear(res);
        set_errorf(call, PGC_ETXSTATE,
                   "a statement failed in this transaction: rolled back instead of committed");
        return;
    }
    if (ok) {
        call->res = res;
        call->rc = PGC_OK;
        return;
    }
    if (st == PGRES_PIPELINE_ABORTED && prep_failed) {
        set_error(call, ac->prep_err.code, &ac->prep_err);
    } else if (st == PGRES_PIPELINE_ABORTED) {
        if (ac->failed_index)
            set_errorf(call, PGC_ESQL, "not run: call #%d (\"%s\") of the pipe failed before it",
                       ac->failed_index, ac->failed_name);
        else
            set_errorf(call, PGC_ESQL, "not run: the pipeline failed before it");
        if (call->err)
            call->err->sqlstate[0] = '\0';
    } else {
        pgc_error e;
        int rc = call->r ? pgc_fail_stmt(&e, ac->c, res, call->r)
                         : pgc_fail_conn(&e, ac->c, res, call->sql);
        if (rc == PGC_EINVAL) /* no SQLSTATE: an empty query, a COPY */
            rc = e.code = PGC_ESQL;
        if (stray)
            pgc_error_prefix(&e, "a cancel request sent for an earlier call on this connection "
                                 "arrived after that call ended: ");
        set_error(call, rc, &e);
        note_failure(ac, call);
    }
    PQclear(res);
}

/* The NULL that ends an item: a call waits for its sync now. */
static void end_item(aconn *ac)
{
    item it = *items_at(ac, 0);
    items_pop(ac);
    if (it.kind != ITEM_CALL)
        return;
    pgc_call *call = it.call;
    if (call->done) {
        ac->ncalls--;
        release(call);
        return;
    }
    call->next = NULL;
    if (ac->await_tail)
        ac->await_tail->next = call;
    else
        ac->await_head = call;
    ac->await_tail = call;
}

/* A sync: the calls of its segment complete, with the commit's error if it failed. */
static void end_segment(pgc_async *a, aconn *ac)
{
    items_pop(ac);
    /* A cancel (or timeout) in an atomic pipe came too late: the segment
       committed, so the run does not report a failure. */
    if (a->kind == ASYNC_PIPE && a->mode == PGC_PIPE_ATOMIC && a->run_rc_early
        && !ac->seg_error && !ac->seg_failed) {
        a->run_rc = PGC_OK;
        a->run_rc_early = 0;
    }
    ac->seg_error = 0;
    pgc_call *call;
    while (!a->closed && (call = ac->await_head)) {
        ac->await_head = call->next;
        if (!ac->await_head)
            ac->await_tail = NULL;
        call->next = NULL;
        ac->ncalls--;
        if (call->done) {
            release(call);
            continue;
        }
        if (ac->seg_failed && call->rc == PGC_OK)
            set_error(call, ac->seg_err.code, &ac->seg_err);
        complete(a, call, 1);
    }
    if (!a->closed) {
        ac->seg_failed = 0;
        ac->failed_index = 0;
    }
}

/* One result (or NULL) of ac's pipeline, for the item at its head. */
static void on_result(pgc_async *a, aconn *ac, PGresult *res)
{
    item *it = items_at(ac, 0);
    if (!res) {
        if (it->kind == ITEM_SYNC)
            ac->broken = 1; /* out of step with libpq: give up on it */
        else
            end_item(ac);
        return;
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_PIPELINE_SYNC) {
        PQclear(res);
        if (it->kind != ITEM_SYNC)
            ac->broken = 1;
        else
            end_segment(a, ac);
        return;
    }
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
        /* Cannot be ended without blocking: the connection goes. */
        PQclear(res);
        if (it->kind == ITEM_CALL && !it->call->done)
            set_errorf(it->call, PGC_EINVAL, "COPY cannot run as a non-blocking call");
        ac->broken = 1;
        return;
    }
    if (it->kind == ITEM_SYNC) { /* the implicit transaction failed to commit */
        if (!ac->seg_failed && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            pgc_fail_conn(&ac->seg_err, ac->c, res, NULL);
            ac->seg_failed = 1;
        }
        PQclear(res);
        return;
    }
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        ac->seg_error = 1;
    if (it->got) { /* a second result for one item: not expected, dropped */
        PQclear(res);
        return;
    }
    it->got = 1;
    if (it->kind == ITEM_CALL) {
        on_call_result(ac, it, res, st);
    } else {
        on_prepare_result(ac, it, res, st);
        PQclear(res);
    }
}

/* Reads every result libpq has complete for ac, never waiting. */
static void read_results(pgc_async *a, aconn *ac)
{
    while (!a->closed && live(ac) && !ac->broken && ac->count) {
        PGconn *pg = ac->c->pg;
        if (PQstatus(pg) == CONNECTION_BAD || PQisBusy(pg))
            break;
        on_result(a, ac, PQgetResult(pg));
    }
    if (!a->closed && live(ac) && PQstatus(ac->c->pg) == CONNECTION_BAD)
        lose(a, ac);
}

static void drop_notifies(PGconn *pg)
{
    PGnotify *n;
    while ((n = PQnotifies(pg)))
        PQfreemem(n);
}

/* What fd's readiness allows on ac: send, receive, complete. */
static void process_conn(pgc_async *a, aconn *ac, int events)
{
    if (!live(ac))
        return;
    if ((ac->want_write || (events & PGC_WANT_WRITE)) && flush(ac) != PGC_OK) {
        lose(a, ac);
        return;
    }
    if ((events & PGC_WANT_READ) && !PQconsumeInput(ac->c->pg)) {
        lose(a, ac);
        return;
    }
    read_results(a, ac);
    if (!a->closed && live(ac)) {
        drop_notifies(ac->c->pg);
        tell_watch(a, ac);
    }
}

/* ---- cancel and deadlines ---------------------------------------------------- */

/* Whether the server is running call now: the first item not answered is its. */
static int running_on_server(aconn *ac, const pgc_call *call)
{
    for (size_t i = 0; i < ac->count; i++) {
        const item *it = items_at(ac, i);
        if (it->kind == ITEM_SYNC)
            continue;
        if (it->call == call)
            return !it->got || it->kind != ITEM_CALL;
        if (!it->got)
            return 0;
    }
    return 0;
}

/*
 * Whether call belongs to an atomic unit a cancel must fail: a pgc_async
 * transaction (open, or ended by a COMMIT queued after call), an atomic
 * pipe's segment, a transaction scope's transaction.
 */
static int in_unit(const pgc_async *a, aconn *ac, const pgc_call *call)
{
    if (call->tx || a->on_scope || (a->kind == ASYNC_PIPE && a->mode == PGC_PIPE_ATOMIC))
        return 1;
    int after = 0;
    for (size_t i = 0; i < ac->count; i++) {
        const item *it = items_at(ac, i);
        if (it->kind != ITEM_CALL)
            continue;
        if (it->call == call)
            after = 1;
        else if (after && it->call->commit && it->call->sql && strcmp(it->call->sql, "COMMIT") == 0)
            return 1;
    }
    return 0;
}

/* The call whose item the server is on (the first not answered), or NULL. */
static pgc_call *first_unanswered(aconn *ac)
{
    for (size_t i = 0; i < ac->count; i++) {
        const item *it = items_at(ac, i);
        if (it->kind == ITEM_SYNC || it->got)
            continue;
        return it->call; /* a Parse's: the call it is for */
    }
    return NULL;
}

/*
 * Completes call now with rc, asking the server to cancel it if it is
 * running it (libpq 15's PQcancel: a short blocking connection).  Its
 * result, when it comes, is dropped.  run_fn 0: silently (pgc_call_free).
 */
static void cancel_call(pgc_call *call, int rc, const char *why, int run_fn)
{
    pgc_async *a = call->a;
    aconn *ac = call->ac;
    int unit = ac && in_unit(a, ac, call);
    if (ac && live(ac) && ac->cancel && (run_fn || !unit)) {
        pgc_call *target = NULL;
        if (running_on_server(ac, call))
            target = call;
        else if (unit && !call->tx) /* abort the unit: the server runs an earlier call of it */
            target = first_unanswered(ac);
        char errbuf[256];
        if (target && PQcancel(ac->cancel, errbuf, sizeof errbuf)) /* failing, the result just comes */
            ac->cancel_target = target;
    }
    set_errorf(call, rc, "%s", why);
    if (!run_fn) {
        call->fn = NULL;
        call->dropped = 1; /* freed: it runs on, and is no failure of its unit */
    }
    complete(a, call, 0);
}

/* Calls of a not completed, for a scan: f(call) on each until it returns non-zero. */
static pgc_call *find_call(pgc_async *a, int (*f)(const pgc_call *, int64_t), int64_t arg)
{
    for (int i = 0; i < a->nconns; i++) {
        aconn *ac = &a->conns[i];
        for (pgc_call *call = ac->await_head; call; call = call->next)
            if (!call->done && f(call, arg))
                return call;
        for (size_t j = 0; j < ac->count; j++) {
            item *it = items_at(ac, j);
            if (it->kind == ITEM_CALL && !it->call->done && f(it->call, arg))
                return it->call;
        }
    }
    for (pgc_call *call = a->unsent_head; call; call = call->next)
        if (!call->done && f(call, arg))
            return call;
    return NULL;
}

static int expired(const pgc_call *call, int64_t now)
{
    return call->has_deadline && call->deadline_ms <= now;
}

/* Completes every call whose deadline passed with PGC_ETIMEDOUT. */
static void expire(pgc_async *a)
{
    if (!a->ndeadlines)
        return;
    int64_t now = pgc_now_ms();
    pgc_call *call;
    while (!a->closed && a->ndeadlines && (call = find_call(a, expired, now)))
        cancel_call(call, PGC_ETIMEDOUT, "the call's timeout passed", 1);
}

static void set_deadline(pgc_call *call, int64_t ms)
{
    pgc_async *a = call->a;
    if (call->has_deadline)
        a->ndeadlines--;
    call->has_deadline = ms > 0;
    if (ms > 0) {
        call->deadline_ms = pgc_now_ms() + ms;
        a->ndeadlines++;
    }
}

/* ---- sending ------------------------------------------------------------------- */

/* libpq refused to queue: the pipeline's state is no longer known. */
static int send_failed(aconn *ac, const pgc_call *call, pgc_error *err)
{
    ac->broken = 1;
    int rc = pgc_fail_pq(err, ac->c->pg, NULL, call->r ? call->r->stmt_name : call->sql);
    if (rc == PGC_EINVAL || rc == PGC_ESQL)
        rc = PGC_ECONNLOST;
    if (err)
        err->code = rc;
    pgc_error_prefix(err, "could not send the call: ");
    return rc;
}

/*
 * Queues call on ac: its statement's Parse if the connection has not
 * prepared it yet (a DEALLOCATE first for one whose plan went stale), its
 * execution, and a sync if `sync`.  Not flushed.  On failure ac is broken
 * (lost at the next process) and call is not the engine's.
 */
static int send_call(aconn *ac, pgc_call *call, const char *const *values, const int *lengths,
                     const int *formats, int nparams, int result_format, int sync, pgc_error *err)
{
    pgc_pconn *c = ac->c;
    PGconn *pg = c->pg;
    const pgc_rendered *r = call->r;
    call->prepared_now = 0; /* a send that failed on another connection may have set it */
    if (items_reserve(ac, 4) != PGC_OK)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    int relies = 0;
    if (r && !c->unnamed && !pgc_prepared_has(&c->prepared, r->name, r->name_hash)) {
        if (pgc_prepared_has(&ac->preparing, r->name, r->name_hash)) {
            relies = 1;
        } else {
            if (pgc_prepared_add(&ac->preparing, r->name, r->name_hash) != PGC_OK)
                return pgc_fail(err, PGC_ENOMEM, "out of memory");
            if (pgc_prepared_has(&c->stale, r->name, r->name_hash)) {
                char sql[160];
                int rc = pgc_deallocate_sql(pg, r->name, sql, sizeof sql);
                if (rc != PGC_OK)
                    return pgc_fail(err, rc, "could not quote a statement name");
                if (!PQsendQueryParams(pg, sql, 0, NULL, NULL, NULL, NULL, 0))
                    return send_failed(ac, call, err);
                items_push(ac, ITEM_DEALLOCATE, call, r, 0);
            }
            if (!PQsendPrepare(pg, r->name, r->sql, r->key.nparams, r->param_types))
                return send_failed(ac, call, err);
            items_push(ac, ITEM_PREPARE, call, r, 0);
            call->prepared_now = 1;
        }
    }
    int sent = !r          ? PQsendQueryParams(pg, call->sql, 0, NULL, NULL, NULL, NULL, 0)
               : c->unnamed ? PQsendQueryParams(pg, r->sql, nparams, r->param_types, values,
                                                lengths, formats, result_format)
                            : PQsendQueryPrepared(pg, r->name, nparams, values, lengths, formats,
                                                  result_format);
    if (!sent)
        return send_failed(ac, call, err);
    items_push(ac, ITEM_CALL, call, r, relies);
    call->ac = ac;
    call->engine = 1;
    ac->ncalls++;
    c->queries++;
    if (sync) {
        if (PQpipelineSync(pg) != 1)
            return send_failed(ac, call, err); /* the call is the engine's: lost with ac */
        items_push(ac, ITEM_SYNC, NULL, NULL, 0);
    }
    return PGC_OK;
}

/* After sends on ac: flush, and say whether it wants to write. */
static void after_send(pgc_async *a, aconn *ac)
{
    if (!ac->broken && flush(ac) != PGC_OK)
        ac->broken = 1;
    if (ac->broken)
        ac->want_write = 1; /* the loop comes back, and process loses it */
    tell_watch(a, ac);
}

/* The least busy connection free for a's own calls, or NULL (*rc says why). */
static aconn *least_busy(pgc_async *a, int *rc)
{
    aconn *best = NULL;
    int pinned = 0;
    for (int i = 0; i < a->nconns; i++) {
        aconn *ac = &a->conns[i];
        if (!live(ac) || ac->broken)
            continue;
        if (ac->pinned) {
            pinned++;
            continue;
        }
        if (!best || ac->ncalls < best->ncalls)
            best = ac;
    }
    *rc = best ? PGC_OK : pinned ? PGC_EBUSY : PGC_ECONNLOST;
    return best;
}

static int no_connection(int rc, pgc_error *err)
{
    if (rc == PGC_EBUSY)
        return pgc_fail(err, PGC_EBUSY,
                        "every connection of the pgc_async serves a transaction: end one first");
    return pgc_fail(err, PGC_ECONNLOST,
                    "every connection of the pgc_async was lost: close it and open another");
}

/* Copies a pipe call's parameters, to send at pgc_pipe_run. */
static int copy_params(pgc_call *call, int n, const char *const *values, const int *lengths,
                       const int *formats, int result_format)
{
    call->nparams = n;
    call->result_format = result_format;
    if (n == 0)
        return PGC_OK;
    size_t size = (size_t)n * (sizeof(char *) + 2 * sizeof(int)), data = 0;
    for (int i = 0; i < n; i++)
        if (values[i])
            data += formats && formats[i] ? (size_t)(lengths ? lengths[i] : 0)
                                          : strlen(values[i]) + 1;
    char *blob = malloc(size + data);
    if (!blob)
        return PGC_ENOMEM;
    call->values = (char **)(void *)blob;
    call->lengths = (int *)(void *)(blob + (size_t)n * sizeof(char *));
    call->formats = call->lengths + n;
    char *p = blob + size;
    for (int i = 0; i < n; i++) {
        int binary = formats && formats[i];
        size_t len = !values[i] ? 0 : binary ? (size_t)(lengths ? lengths[i] : 0)
                                             : strlen(values[i]) + 1;
        call->formats[i] = binary;
        call->lengths[i] = binary ? (int)len : 0;
        call->values[i] = values[i] ? p : NULL;
        if (values[i] && len)
            memcpy(p, values[i], len);
        p += len;
    }
    return PGC_OK;
}

static void pipe_append(pgc_async *p, pgc_call *call)
{
    call->next = NULL;
    call->engine = 1;
    if (p->unsent_tail)
        p->unsent_tail->next = call;
    else
        p->unsent_head = call;
    p->unsent_tail = call;
}

int pgc_async_query(pgc_async *a, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_call **out, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (!a || !stmt || !out)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_query: NULL argument");
    pgc_async *root = a->root;
    if (root->closed)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_query: the pgc_async is closed");
    if (a->kind == ASYNC_TX && a->failed)
        return pgc_fail(err, PGC_ETXSTATE, "the transaction failed (%s): roll it back",
                        a->fail_err.message);
    if (stmt->nparams < 0 || (stmt->nparams > 0 && !values))
        return pgc_fail(err, PGC_EINVAL, "statement \"%s\": %d parameters but no values",
                        stmt->name ? stmt->name : "?", stmt->nparams);
    const pgc_rendered *r;
    int rc = pgc_db_rendered(a->db, stmt, &r, err);
    if (rc != PGC_OK)
        return rc;
    pgc_call *call = call_new(root, a->kind == ASYNC_TX ? a : NULL, r);
    if (!call)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");

    if (a->kind == ASYNC_PIPE) {
        if (!live(&a->conns[0]) || a->conns[0].broken) {
            call_free(call);
            return no_connection(PGC_ECONNLOST, err);
        }
        if (copy_params(call, stmt->nparams, values, lengths, formats, stmt->result_format)
            != PGC_OK) {
            call_free(call);
            return pgc_fail(err, PGC_ENOMEM, "out of memory");
        }
        pipe_append(a, call);
        root->npending++;
        *out = call;
        return PGC_OK;
    }

    if (pgc_tracing(a->db))
        call->started_ns = pgc_trace_now_ns();
    aconn *ac;
    for (;;) {
        if (a->kind == ASYNC_TX) {
            ac = a->ac;
            rc = live(ac) && !ac->broken ? PGC_OK : PGC_ECONNLOST;
        } else {
            ac = least_busy(root, &rc);
        }
        if (rc != PGC_OK) {
            call_free(call);
            return no_connection(rc, err);
        }
        rc = send_call(ac, call, values, lengths, formats, stmt->nparams, stmt->result_format, 1,
                       err);
        if (rc == PGC_OK || call->engine) /* a failed sync: lost with ac */
            break;
        after_send(root, ac);
        if (!ac->broken || a->kind == ASYNC_TX) { /* out of memory, or no other connection */
            call_free(call);
            return rc;
        }
    }
    root->npending++;
    if (call->tx)
        call->tx->npending++;
    if (root->timeout_ms > 0)
        set_deadline(call, root->timeout_ms);
    after_send(root, ac);
    *out = call;
    return PGC_OK;
}

/* ---- opening and closing ------------------------------------------------------------ */

static int conn_setup(aconn *ac, pgc_pconn *c, pgc_error *err)
{
    ac->c = c;
    ac->fd = PQsocket(c->pg);
    c->moded = 1;
    if (PQsetnonblocking(c->pg, 1) != 0 || !PQenterPipelineMode(c->pg)) {
        int rc = pgc_fail_pq(err, c->pg, NULL, NULL);
        pgc_error_prefix(err, "could not enter non-blocking pipeline mode: ");
        return rc == PGC_EINVAL ? PGC_EINTERNAL : rc;
    }
    ac->cancel = PQgetCancel(c->pg);
    return PGC_OK;
}

/* An open pgc_async on a scope, for pgc_db_close's refusal: counted open, and as one. */
static void count_scope_async(pgc_db *root, int delta)
{
    pthread_mutex_lock(&root->lock);
    root->open_scope_asyncs += delta;
    if (delta < 0)
        root->open_handles += delta;
    pthread_mutex_unlock(&root->lock);
}

static void async_free(pgc_async *a)
{
    for (int i = 0; i < a->nconns; i++) {
        free(a->conns[i].items);
        pgc_prepared_clear(&a->conns[i].preparing);
        if (a->conns[i].cancel)
            PQfreeCancel(a->conns[i].cancel);
    }
    free(a->conns);
    free(a);
}

static void db_link(pgc_async *a)
{
    pgc_db *root = a->db->root;
    pthread_mutex_lock(&root->lock);
    a->db_next = root->asyncs;
    if (root->asyncs)
        root->asyncs->db_prev = a;
    root->asyncs = a;
    pthread_mutex_unlock(&root->lock);
}

static void db_unlink(pgc_async *a)
{
    pgc_db *root = a->db->root;
    pthread_mutex_lock(&root->lock);
    if (a->db_prev)
        a->db_prev->db_next = a->db_next;
    else if (root->asyncs == a)
        root->asyncs = a->db_next;
    if (a->db_next)
        a->db_next->db_prev = a->db_prev;
    a->db_prev = a->db_next = NULL;
    pthread_mutex_unlock(&root->lock);
}

/* Opens a root or a pipe on n connections of db (or the scope's one). */
static int async_new(pgc_db *db, enum async_kind kind, int n, pgc_async **out, pgc_error *err)
{
    *out = NULL;
    pgc_async *a = calloc(1, sizeof *a);
    if (!a || !(a->conns = calloc((size_t)n, sizeof *a->conns))) {
        free(a);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    a->kind = kind;
    a->db = db;
    a->root = a;
    a->on_scope = db->conn != NULL;
    int rc = PGC_OK;
    for (; a->nconns < n && rc == PGC_OK; a->nconns++) {
        pgc_pconn *c;
        rc = a->on_scope ? pgc_db_hold(db, PGC_HELD_ASYNC, &c, err)
                         : pgc_pool_get(db->pool, &c, err);
        if (rc != PGC_OK)
            break;
        rc = conn_setup(&a->conns[a->nconns], c, err);
    }
    if (rc != PGC_OK) {
        for (int i = 0; i < a->nconns; i++)
            give_back(a, &a->conns[i], 1);
        if (a->on_scope && a->nconns)
            pgc_db_count_open(db->root, -1);
        async_free(a);
        return rc;
    }
    if (!a->on_scope)
        db_link(a);
    else
        count_scope_async(db->root, 1); /* pgc_db_hold counted it open already */
    *out = a;
    return PGC_OK;
}

int pgc_async_open(pgc_db *db, const pgc_async_options *opt, pgc_async **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_open: out is NULL");
    *out = NULL;
    if (!db)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_open: db is NULL");
    int n = opt && opt->connections > 0 && !db->conn ? opt->connections : 1;
    pgc_async *a;
    int rc = async_new(db, ASYNC_ROOT, n, &a, err);
    if (rc != PGC_OK)
        return rc;
    if (opt) {
        a->timeout_ms = opt->timeout_ms;
        a->watch = opt->watch;
        a->watch_ud = opt->watch_ud;
    }
    for (int i = 0; i < a->nconns; i++)
        tell_watch(a, &a->conns[i]);
    *out = a;
    return PGC_OK;
}

/*
 * A scope's connection cannot be dropped: what is in flight is read to its
 * end (blocking) and dropped, keeping what was prepared, then the
 * connection leaves pipeline mode for the scope's other calls.
 */
static void drain(aconn *ac)
{
    PGconn *pg = ac->c->pg;
    PQsetnonblocking(pg, 0);
    while (ac->count && PQstatus(pg) != CONNECTION_BAD) {
        PGresult *res = PQgetResult(pg);
        item *it = items_at(ac, 0);
        if (!res) {
            if (it->kind == ITEM_SYNC)
                break; /* out of step with libpq */
            items_pop(ac);
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC && it->kind == ITEM_SYNC) {
            items_pop(ac);
        } else if (st == PGRES_PIPELINE_SYNC || st == PGRES_COPY_IN || st == PGRES_COPY_OUT
                   || st == PGRES_COPY_BOTH) {
            PQclear(res);
            break;
        } else if (!it->got && (it->kind == ITEM_PREPARE || it->kind == ITEM_DEALLOCATE)) {
            it->got = 1;
            on_prepare_result(ac, it, res, st);
        }
        PQclear(res);
    }
    if (ac->count || PQstatus(pg) != CONNECTION_OK || !PQexitPipelineMode(pg))
        ac->c->broken = 1;
}

/* Gives back every connection; those with calls in flight are discarded. */
static void release_conns(pgc_async *a)
{
    for (int i = 0; i < a->nconns; i++) {
        aconn *ac = &a->conns[i];
        if (!ac->c)
            continue;
        int was_lost = ac->lost; /* lost while closing: its connection failed */
        ac->lost = 1;
        tell_watch(a, ac);
        int in_flight = ac->count != 0; /* the await list was collected: its syncs are items */
        if (a->on_scope && !was_lost && !ac->broken && PQstatus(ac->c->pg) == CONNECTION_OK)
            drain(ac); /* also leaves pipeline and non-blocking mode */
        give_back(a, ac, was_lost || ac->broken || (in_flight && !a->on_scope));
        ac->count = ac->head = 0;
        pgc_prepared_clear(&ac->preparing);
    }
    if (a->on_scope)
        count_scope_async(a->db->root, -1);
}

static void tx_free(pgc_async *tx);

void pgc_async_close(pgc_async *a)
{
    if (!a)
        return;
    if (a->kind == ASYNC_TX) {
        pgc_async_rollback(a, NULL, NULL);
        return;
    }
    if (a->closed)
        return;
    enter(a);
    a->closed = 1;
    if (!a->on_scope)
        db_unlink(a);
    /* The calls in flight, oldest first per connection, then a pipe's not sent. */
    pgc_call *list = NULL, **tailp = &list;
    for (int i = 0; i < a->nconns; i++)
        tailp = collect_calls(&a->conns[i], tailp);
    *tailp = a->unsent_head;
    a->unsent_head = a->unsent_tail = NULL;
    for (pgc_call *call = list; call; call = call->next) {
        call->begin_of = NULL;
        if (call->tx) {
            call->tx->npending--;
            call->tx = NULL;
        }
    }
    while (a->txs)
        tx_free(a->txs);
    release_conns(a);
    while (list) {
        pgc_call *call = list;
        list = call->next;
        call->next = NULL;
        call->ac = NULL;
        call->a = NULL;
        if (call->done) {
            release(call);
            continue;
        }
        set_errorf(call, PGC_ECLOSED, "closed with the call still in flight");
        complete(a, call, 1);
    }
    /* Closed from a done function, a outlives this call, and the db may not
       (pgc_db_close): what still completes (lose's list) must not touch it. */
    a->db = NULL;
    leave(a);
}

void pgc_db_close_asyncs(pgc_db *root)
{
    for (;;) {
        pthread_mutex_lock(&root->lock);
        pgc_async *a = root->asyncs;
        pthread_mutex_unlock(&root->lock);
        if (!a)
            return;
        pgc_async_close(a);
    }
}

/* ---- the loop -------------------------------------------------------------------- */

int pgc_async_watches(const pgc_async *a, pgc_watch *out, int max)
{
    if (!a)
        return 0;
    const pgc_async *root = a->root;
    int n = 0;
    for (int i = 0; i < root->nconns; i++) {
        const aconn *ac = &root->conns[i];
        if (!live(ac))
            continue;
        if (n < max && out)
            out[n] = (pgc_watch){ac->fd, PGC_WANT_READ | (ac->want_write ? PGC_WANT_WRITE : 0)};
        n++;
    }
    return n;
}

static aconn *conn_by_fd(pgc_async *a, int fd)
{
    for (int i = 0; i < a->nconns; i++)
        if (live(&a->conns[i]) && a->conns[i].fd == fd)
            return &a->conns[i];
    return NULL;
}

/* process without the checks: fd -1 for deadlines only. */
static int process(pgc_async *a, int fd, int events, pgc_error *err)
{
    int rc = PGC_OK;
    if (fd != -1) {
        aconn *ac = conn_by_fd(a, fd);
        if (ac)
            process_conn(a, ac, events);
        else
            rc = pgc_fail(err, PGC_EINVAL, "pgc_async_process: fd %d is not the pgc_async's", fd);
    }
    if (!a->closed)
        lose_broken(a);
    if (!a->closed)
        expire(a);
    return rc;
}

int pgc_async_process(pgc_async *a, int fd, int events, pgc_error *err)
{
    if (!a)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_process: a is NULL");
    pgc_async *root = a->root;
    if (root->closed)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_process: the pgc_async is closed");
    if (root->callbacks)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_process: called from a done function");
    enter(root);
    int rc = process(root, fd, events, err);
    leave(root);
    return rc;
}

int64_t pgc_async_timeout(const pgc_async *a)
{
    if (!a || !a->root->ndeadlines)
        return -1;
    pgc_async *root = a->root;
    int64_t first = -1;
    for (int i = 0; i < root->nconns; i++) {
        aconn *ac = &root->conns[i];
        for (pgc_call *call = ac->await_head; call; call = call->next)
            if (!call->done && call->has_deadline && (first < 0 || call->deadline_ms < first))
                first = call->deadline_ms;
        for (size_t j = 0; j < ac->count; j++) {
            const item *it = items_at(ac, j);
            if (it->kind == ITEM_CALL && !it->call->done && it->call->has_deadline
                && (first < 0 || it->call->deadline_ms < first))
                first = it->call->deadline_ms;
        }
    }
    for (pgc_call *call = root->unsent_head; call; call = call->next)
        if (!call->done && call->has_deadline && (first < 0 || call->deadline_ms < first))
            first = call->deadline_ms;
    if (first < 0)
        return -1;
    int64_t left = first - pgc_now_ms();
    return left > 0 ? left : 0;
}

int pgc_async_pending(const pgc_async *a)
{
    return a ? a->npending : 0;
}

static void pipe_send(pgc_async *p, pgc_error *err);

/* Polls root's connections until no call is pending or `until` (-1: never). */
static int wait_loop(pgc_async *root, int64_t until, pgc_error *err)
{
    struct pollfd *pfds = malloc((size_t)root->nconns * sizeof *pfds);
    if (!pfds)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    int rc = PGC_OK;
    while (!root->closed && root->npending > 0) {
        /* A pipe's calls sent by done functions during its run: a new segment. */
        if (root->kind == ASYNC_PIPE && root->running && root->unsent_head) {
            pipe_send(root, NULL);
            if (!root->closed)
                process(root, -1, 0, NULL);
            continue;
        }
        if (root->kind == ASYNC_PIPE && root->unsent_head) {
            rc = pgc_fail(err, PGC_EINVAL, "pgc_async_wait: the pipe's calls are not sent "
                                           "until pgc_pipe_run");
            break;
        }
        int n = 0;
        for (int i = 0; i < root->nconns; i++) {
            aconn *ac = &root->conns[i];
            if (!live(ac))
                continue;
            pfds[n].fd = ac->fd;
            pfds[n].events = (short)(POLLIN | (ac->want_write || ac->broken ? POLLOUT : 0));
            pfds[n].revents = 0;
            n++;
        }
        if (n == 0) /* nothing left to wait on: a pipe's calls not run */
            break;
        int64_t t = pgc_async_timeout(root);
        if (until >= 0) {
            int64_t left = until - pgc_now_ms();
            if (left < 0)
                left = 0;
            if (t < 0 || left < t)
                t = left;
        }
        int r = poll(pfds, (nfds_t)n, t < 0 ? -1 : t > INT_MAX ? INT_MAX : (int)t);
        if (r < 0 && errno != EINTR) {
            rc = pgc_fail(err, PGC_EINTERNAL, "poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n && r > 0 && !root->closed; i++) {
            if (!pfds[i].revents)
                continue;
            short re = pfds[i].revents;
            int events = (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL) ? PGC_WANT_READ : 0)
                         | (re & POLLOUT ? PGC_WANT_WRITE : 0);
            aconn *ac = conn_by_fd(root, pfds[i].fd);
            if (ac)
                process_conn(root, ac, events);
        }
        if (!root->closed)
            process(root, -1, 0, NULL);
        if (until >= 0 && root->npending > 0 && pgc_now_ms() >= until) {
            rc = pgc_fail(err, PGC_ETIMEDOUT, "pgc_async_wait: %d call%s still in flight",
                          root->npending, root->npending == 1 ? "" : "s");
            break;
        }
    }
    free(pfds);
    return rc;
}

int pgc_async_wait(pgc_async *a, int64_t timeout_ms, pgc_error *err)
{
    if (!a)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_wait: a is NULL");
    pgc_async *root = a->root;
    if (root->closed)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_wait: the pgc_async is closed");
    if (root->callbacks)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_wait: called from a done function");
    enter(root);
    int rc = wait_loop(root, timeout_ms >= 0 ? pgc_now_ms() + timeout_ms : -1, err);
    leave(root);
    return rc;
}

/* ---- transactions ------------------------------------------------------------------- */

/* Queues an internal statement (BEGIN, COMMIT, ROLLBACK) on ac as a call. */
static int send_command(pgc_async *root, aconn *ac, const char *sql, int commit,
                        pgc_call **out, pgc_error *err)
{
    *out = NULL;
    if (!live(ac) || ac->broken)
        return pgc_fail(err, PGC_ECONNLOST, "the transaction's connection was lost");
    pgc_call *call = call_new(root, NULL, NULL);
    if (!call)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    call->sql = sql;
    call->commit = (unsigned char)commit;
    if (pgc_tracing(root->db))
        call->started_ns = pgc_trace_now_ns();
    int rc = send_call(ac, call, NULL, NULL, NULL, 0, 0, 1, err);
    if (rc != PGC_OK && !call->engine) {
        call_free(call);
        after_send(root, ac);
        return rc;
    }
    root->npending++;
    after_send(root, ac);
    *out = call;
    return PGC_OK;
}

int pgc_async_begin(pgc_async *a, pgc_async **tx, pgc_error *err)
{
    if (!tx)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_begin: tx is NULL");
    *tx = NULL;
    if (!a)
        return pgc_fail(err, PGC_EINVAL, "pgc_async_begin: a is NULL");
    if (a->kind != ASYNC_ROOT || a->closed)
        return pgc_fail(err, PGC_EINVAL,
                        "pgc_async_begin: only on an open pgc_async (not a transaction or a pipe)");
    if (a->on_scope)
        return pgc_fail(err, PGC_ETXSTATE,
                        "pgc_async_begin: the pgc_async runs in a transaction scope already");
    int rc;
    aconn *ac = least_busy(a, &rc);
    if (!ac)
        return no_connection(rc, err);
    pgc_async *t = calloc(1, sizeof *t);
    if (!t)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    pgc_call *begin;
    if ((rc = send_command(a, ac, "BEGIN", 0, &begin, err)) != PGC_OK) {
        free(t);
        return rc;
    }
    begin->user_freed = 1; /* the engine's alone: its failure fails what follows */
    begin->begin_of = t;
    t->kind = ASYNC_TX;
    t->db = a->db;
    t->root = a;
    t->ac = ac;
    t->tx_next = a->txs;
    a->txs = t;
    ac->pinned = t;
    *tx = t;
    return PGC_OK;
}

/* Frees a transaction handle: its calls go on as a's, its connection serves a again. */
static void tx_free(pgc_async *tx)
{
    pgc_async *root = tx->root;
    aconn *ac = tx->ac;
    if (ac->pinned == tx)
        ac->pinned = NULL;
    for (pgc_call *call = ac->await_head; call; call = call->next) {
        if (call->tx == tx)
            call->tx = NULL;
        if (call->begin_of == tx)
            call->begin_of = NULL;
    }
    for (size_t i = 0; i < ac->count; i++) {
        item *it = items_at(ac, i);
        if (it->kind == ITEM_CALL && it->call->tx == tx)
            it->call->tx = NULL;
        if (it->kind == ITEM_CALL && it->call->begin_of == tx)
            it->call->begin_of = NULL;
    }
    for (pgc_call *call = root->unsent_head; call; call = call->next)
        if (call->tx == tx)
            call->tx = NULL;
    pgc_async **pp = &root->txs;
    while (*pp && *pp != tx)
        pp = &(*pp)->tx_next;
    if (*pp)
        *pp = tx->tx_next;
    free(tx);
}

static int end_tx(pgc_async *tx, const char *sql, int commit, pgc_call **out, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (!tx || tx->kind != ASYNC_TX)
        return pgc_fail(err, PGC_EINVAL, "%s: not a transaction of a pgc_async",
                        commit ? "pgc_async_commit" : "pgc_async_rollback");
    pgc_async *root = tx->root;
    pgc_call *call = NULL;
    if (commit && tx->failed)
        sql = "ROLLBACK"; /* its status "ROLLBACK" makes the commit call PGC_ETXSTATE */
    int rc = root->closed ? pgc_fail(err, PGC_EINVAL, "the pgc_async is closed")
                          : send_command(root, tx->ac, sql, commit, &call, err);
    if (rc == PGC_OK && root->timeout_ms > 0)
        set_deadline(call, root->timeout_ms);
    tx_free(tx);
    if (rc == PGC_OK) {
        if (out)
            *out = call;
        else
            call->user_freed = 1;
    }
    return rc;
}

int pgc_async_commit(pgc_async *tx, pgc_call **out, pgc_error *err)
{
    return end_tx(tx, "COMMIT", 1, out, err);
}

int pgc_async_rollback(pgc_async *tx, pgc_call **out, pgc_error *err)
{
    return end_tx(tx, "ROLLBACK", 0, out, err);
}

/* ---- pipes ------------------------------------------------------------------------- */

int pgc_pipe_begin(pgc_db *db, int mode, pgc_async **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_begin: out is NULL");
    *out = NULL;
    if (!db)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_begin: db is NULL");
    if (mode != PGC_PIPE_ATOMIC && mode != PGC_PIPE_INDEPENDENT)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_begin: mode %d is neither PGC_PIPE_ATOMIC "
                                         "nor PGC_PIPE_INDEPENDENT", mode);
    pgc_async *p;
    int rc = async_new(db, ASYNC_PIPE, 1, &p, err);
    if (rc != PGC_OK)
        return rc;
    p->mode = mode;
    *out = p;
    return PGC_OK;
}

/* Sends the pipe's calls: each with its sync (independent) or one sync after all. */
static void pipe_send(pgc_async *p, pgc_error *err)
{
    aconn *ac = &p->conns[0];
    int sent = 0, failed = 0;
    pgc_call *call;
    while ((call = p->unsent_head)) {
        p->unsent_head = call->next;
        if (!p->unsent_head)
            p->unsent_tail = NULL;
        call->next = NULL;
        call->engine = 0;
        if (call->done) {
            if (call->user_freed)
                call_free(call);
            continue;
        }
        call->index = ++p->run_index;
        if (pgc_tracing(p->db))
            call->started_ns = pgc_trace_now_ns();
        if (failed && p->mode == PGC_PIPE_ATOMIC) { /* atomic: the rest is not sent either */
            set_errorf(call, PGC_ESQL, "not sent: call #%d of the atomic pipe could not be sent",
                       failed);
            complete(p, call, 1);
            if (p->closed)
                return;
            continue;
        }
        int rc = live(ac) && !ac->broken
                     ? send_call(ac, call, (const char *const *)call->values, call->lengths,
                                 call->formats, call->nparams, call->result_format,
                                 p->mode == PGC_PIPE_INDEPENDENT, err)
                     : PGC_ECONNLOST;
        if (rc == PGC_OK || call->engine) {
            sent++;
            continue;
        }
        /* Not sent: it completes now (the connection is lost at the next process).
           Atomic: the calls sent before it are in the pipeline without their
           sync; only dropping the connection aborts them. */
        if (!failed)
            failed = call->index;
        if (p->mode == PGC_PIPE_ATOMIC && sent)
            ac->broken = 1;
        set_errorf(call, rc == PGC_ENOMEM ? rc : PGC_ECONNLOST, "could not send the call");
        complete(p, call, 1);
        if (p->closed)
            return;
    }
    if (sent && p->mode == PGC_PIPE_ATOMIC && live(ac) && !ac->broken) {
        if (items_reserve(ac, 1) != PGC_OK || PQpipelineSync(ac->c->pg) != 1)
            ac->broken = 1;
        else
            items_push(ac, ITEM_SYNC, NULL, NULL, 0);
    }
    if (live(ac))
        after_send(p, ac);
}

int pgc_pipe_run(pgc_async *p, pgc_error *err)
{
    if (!p || p->kind != ASYNC_PIPE)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_run: not a pipe");
    if (p->closed)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_run: the pipe is closed");
    if (p->callbacks)
        return pgc_fail(err, PGC_EINVAL, "pgc_pipe_run: called from a done function");
    enter(p);
    p->run_rc = PGC_OK;
    p->run_rc_early = 0;
    p->run_index = 0;
    p->running = 1;
    pipe_send(p, NULL);
    int rc = p->closed ? PGC_OK : process(p, -1, 0, NULL);
    if (!p->closed && rc == PGC_OK)
        rc = wait_loop(p, -1, err);
    p->running = 0;
    if (rc == PGC_OK && p->mode == PGC_PIPE_ATOMIC && p->run_rc != PGC_OK) {
        rc = p->run_rc;
        if (err)
            *err = p->run_err;
    }
    leave(p);
    return rc;
}

/* ---- calls ------------------------------------------------------------------------ */

void pgc_call_on_done(pgc_call *call, pgc_call_fn fn, void *ud)
{
    if (!call)
        return;
    call->fn = fn;
    call->ud = ud;
    if (call->done && fn)
        fn(call, ud);
}

void pgc_call_set_timeout(pgc_call *call, int64_t ms)
{
    if (call && !call->done && call->a)
        set_deadline(call, ms);
}

bool pgc_call_done(const pgc_call *call)
{
    return call && call->done;
}

/* The call's failure into err (its own record, or its code's message). */
static int call_failure(const pgc_call *call, pgc_error *err)
{
    if (err) {
        if (call->err)
            *err = *call->err;
        else
            pgc_error_set(err, call->rc, "%s", pgc_strerror(call->rc));
    }
    return call->rc;
}

int pgc_call_peek(pgc_call *call, PGresult **res, pgc_error *err)
{
    if (res)
        *res = NULL;
    if (!call)
        return pgc_fail(err, PGC_EINVAL, "the call is NULL");
    if (!call->done)
        return pgc_fail(err, PGC_EBUSY, "the call is still in flight");
    if (call->rc != PGC_OK)
        return call_failure(call, err);
    if (res)
        *res = call->res;
    return PGC_OK;
}

PGresult *pgc_call_take(pgc_call *call)
{
    if (!call || !call->done)
        return NULL;
    PGresult *res = call->res;
    call->res = NULL;
    return res;
}

int pgc_call_status(const pgc_call *call, pgc_error *err)
{
    if (!call)
        return pgc_fail(err, PGC_EINVAL, "the call is NULL");
    if (!call->done)
        return pgc_fail(err, PGC_EBUSY, "the call is still in flight");
    return call->rc == PGC_OK ? PGC_OK : call_failure(call, err);
}

int pgc_call_result(pgc_call *call, pgc_result **res, pgc_error *err)
{
    if (res)
        *res = NULL;
    if (!res)
        return pgc_fail(err, PGC_EINVAL, "pgc_call_result: res is NULL");
    PGresult *pq;
    int rc = pgc_call_peek(call, &pq, err);
    if (rc != PGC_OK)
        return rc;
    if (!pq)
        return pgc_fail(err, PGC_EINVAL, "the call's result was taken already");
    call->res = NULL;
    *res = (pgc_result *)pq;
    return PGC_OK;
}

void pgc_call_cancel(pgc_call *call)
{
    if (!call || call->done || !call->a)
        return;
    pgc_async *a = call->a;
    enter(a);
    cancel_call(call, PGC_ECANCELED, "canceled (pgc_call_cancel)", 1);
    leave(a);
}

void pgc_call_free(pgc_call *call)
{
    if (!call)
        return;
    if (!call->done && call->a)
        cancel_call(call, PGC_ECANCELED, "canceled (pgc_call_free)", 0);
    call->fn = NULL;
    call->user_freed = 1;
    if (!call->engine)
        call_free(call);
}
