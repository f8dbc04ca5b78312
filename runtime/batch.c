/*
 * batch.c - statement calls queued on one connection in libpq's pipeline
 * mode, sent with one sync, their results read back in order.
 *
 * What is in the pipeline, in order, is kept as items: a call, and before
 * a statement's first call on the connection its Parse (and, for a
 * statement whose plan went stale, a DEALLOCATE before that).  Each item
 * gives one result then NULL; after a failure, PGRES_PIPELINE_ABORTED
 * then NULL; the sync gives PGRES_PIPELINE_SYNC (after the commit's error,
 * if the implicit transaction fails to commit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum item_kind { ITEM_CALL, ITEM_PREPARE, ITEM_DEALLOCATE };

typedef struct item {
    enum item_kind kind;
    int call;                /* the call it belongs to (1-based) */
    const pgc_rendered *r;
} item;

struct pgc_batch {
    pgc_db *db;
    pgc_pconn *c;
    item *items;
    size_t nitems, cap, pos; /* pos: the next item to read */
    int ncalls;
    int sent;
    int broken;              /* the pipeline's state is unknown: retire c */
    int failed_call;         /* the first call that failed, 0 if none */
    char failed_name[128];
    int prep_failed_call;    /* a call whose Parse failed, and why */
    pgc_error prep_err;
    pgc_prepared_set preparing; /* Parse queued in this batch */
    int64_t started;         /* pgc_trace_now_ns() at send when traced, else 0 */
    int prepared_call;       /* the last call whose Parse succeeded, for the trace */
};

int pgc_batch_begin(pgc_db *db, pgc_batch **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_begin: out is NULL");
    *out = NULL;
    if (!db)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_begin: db is NULL");
    pgc_batch *b = calloc(1, sizeof *b);
    if (!b)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    int rc = pgc_db_hold(db, PGC_HELD_BATCH, &b->c, err);
    if (rc != PGC_OK) {
        free(b);
        return rc;
    }
    b->db = db;
    b->c->moded = 1;
    if (!PQenterPipelineMode(b->c->pg)) {
        rc = pgc_fail_pq(err, b->c->pg, NULL, NULL);
        pgc_error_prefix(err, "could not enter pipeline mode: ");
        b->sent = 1;
        b->broken = 1;
        pgc_batch_end(b, NULL);
        return rc;
    }
    *out = b;
    return PGC_OK;
}

int pgc_batch_count(const pgc_batch *b)
{
    return b ? b->ncalls : 0;
}

static int reserve(pgc_batch *b, size_t n)
{
    if (b->nitems + n <= b->cap)
        return PGC_OK;
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->nitems + n)
        cap *= 2;
    item *grown = realloc(b->items, cap * sizeof *grown);
    if (!grown)
        return PGC_ENOMEM;
    b->items = grown;
    b->cap = cap;
    return PGC_OK;
}

static void push(pgc_batch *b, enum item_kind kind, int call, const pgc_rendered *r)
{
    b->items[b->nitems++] = (item){kind, call, r};
}

/* libpq refused to queue: the pipeline's state is no longer known. */
static int queue_failed(pgc_batch *b, const pgc_rendered *r, pgc_error *err)
{
    b->broken = 1;
    int rc = pgc_fail_pq(err, b->c->pg, NULL, r ? r->stmt_name : NULL);
    pgc_error_prefix(err, "could not queue in the batch: ");
    return rc;
}

int pgc_batch_queue(pgc_batch *b, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_error *err)
{
    if (!b || !stmt)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_queue: NULL argument");
    if (b->sent)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_queue: the batch was already sent");
    if (b->broken)
        return pgc_fail(err, PGC_ECONNLOST, "pgc_batch_queue: the batch failed earlier");
    if (stmt->nparams < 0 || (stmt->nparams > 0 && !values))
        return pgc_fail(err, PGC_EINVAL, "statement \"%s\": %d parameters but no values",
                        stmt->name ? stmt->name : "?", stmt->nparams);
    const pgc_rendered *r;
    int rc = pgc_db_rendered(b->db, stmt, &r, err);
    if (rc != PGC_OK)
        return rc;
    if (reserve(b, 3) != PGC_OK)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    pgc_pconn *c = b->c;
    int call = b->ncalls + 1;
    if (!c->unnamed && !pgc_prepared_has(&c->prepared, r->name, r->name_hash)
        && !pgc_prepared_has(&b->preparing, r->name, r->name_hash)) {
        if (pgc_prepared_add(&b->preparing, r->name, r->name_hash) != PGC_OK)
            return pgc_fail(err, PGC_ENOMEM, "out of memory");
        if (pgc_prepared_has(&c->stale, r->name, r->name_hash)) {
            char sql[160];
            if ((rc = pgc_deallocate_sql(c->pg, r->name, sql, sizeof sql)) != PGC_OK)
                return pgc_fail(err, rc, "could not quote a statement name");
            if (!PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0))
                return queue_failed(b, r, err);
            push(b, ITEM_DEALLOCATE, call, r);
        }
        if (!PQsendPrepare(c->pg, r->name, r->sql, r->key.nparams, r->param_types))
            return queue_failed(b, r, err);
        push(b, ITEM_PREPARE, call, r);
    }
    int sent = c->unnamed
                   ? PQsendQueryParams(c->pg, r->sql, stmt->nparams, r->param_types, values,
                                       lengths, formats, stmt->result_format)
                   : PQsendQueryPrepared(c->pg, r->name, stmt->nparams, values, lengths,
                                         formats, stmt->result_format);
    if (!sent)
        return queue_failed(b, r, err);
    push(b, ITEM_CALL, call, r);
    b->ncalls = call;
    c->queries++;
    return PGC_OK;
}

int pgc_batch_send(pgc_batch *b, pgc_error *err)
{
    if (!b)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_send: NULL argument");
    if (b->sent)
        return PGC_OK;
    b->sent = 1;
    if (b->broken)
        return pgc_fail(err, PGC_ECONNLOST, "the batch failed while calls were queued");
    b->started = pgc_tracing(b->db) ? pgc_trace_now_ns() : 0;
    if (PQpipelineSync(b->c->pg) != 1 || PQflush(b->c->pg) != 0) {
        b->broken = 1;
        int rc = pgc_fail_pq(err, b->c->pg, NULL, NULL);
        pgc_error_prefix(err, "could not send the batch: ");
        return rc;
    }
    return PGC_OK;
}

/* Reads the rest of one item's results: NULL ends them. */
static void end_item(PGconn *pg)
{
    PGresult *res;
    while ((res = PQgetResult(pg)))
        PQclear(res);
}

static int not_run(pgc_batch *b, const item *it, pgc_error *err)
{
    int rc;
    if (b->failed_call)
        rc = pgc_fail(err, PGC_ESQL, "not run: call #%d (\"%s\") of the batch failed before it",
                      b->failed_call, b->failed_name);
    else
        rc = pgc_fail(err, PGC_ESQL, "not run: the batch failed before it");
    if (err)
        pgc_strlcpy(err->statement, it->r->stmt_name, sizeof err->statement);
    return rc;
}

static void note_failure(pgc_batch *b, const item *it)
{
    if (!b->failed_call) {
        b->failed_call = it->call;
        pgc_strlcpy(b->failed_name, it->r->stmt_name, sizeof b->failed_name);
    }
}

/* Reports a call's outcome to the trace hooks, as its result is read. */
static void traced(pgc_batch *b, const item *it, const PGresult *res, int rc,
                   const pgc_error *err)
{
    if (b->started && it && it->kind == ITEM_CALL)
        pgc_trace(b->db, PGC_VIA_BATCH, it->r, NULL, b->c, b->started, res, rc, err,
                  b->prepared_call == it->call);
}

/* The connection stopped answering in the middle of the batch. */
static int lost(pgc_batch *b, const item *it, pgc_error *err)
{
    b->broken = 1;
    int rc = pgc_fail_pq(err, b->c->pg, NULL, it ? it->r->stmt_name : NULL);
    if (rc == PGC_EINVAL)
        rc = pgc_fail(err, PGC_EINTERNAL, "the batch's results ended early");
    traced(b, it, NULL, rc, err);
    return rc;
}

/*
 * Reads items up to and including the next call; its result goes to *out
 * (or is dropped with out NULL).  PGC_DONE when every call has been read.
 */
static int read_call(pgc_batch *b, PGresult **out, pgc_error *err)
{
    PGconn *pg = b->c->pg;
    while (b->pos < b->nitems) {
        const item *it = &b->items[b->pos++];
        if (b->broken)
            return lost(b, it, err);
        PGresult *res = PQgetResult(pg);
        if (!res)
            return lost(b, it, err);
        ExecStatusType st = PQresultStatus(res);
        int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        int aborted = st == PGRES_PIPELINE_ABORTED;
        if (it->kind != ITEM_CALL) {
            if (ok && it->kind == ITEM_PREPARE) {
                b->prepared_call = it->call;
                if (pgc_prepared_add(&b->c->prepared, it->r->name, it->r->name_hash) != PGC_OK)
                    b->c->broken = 1; /* cannot remember it: retire the connection */
            } else if (ok) {
                pgc_prepared_remove(&b->c->stale, it->r->name, it->r->name_hash);
            } else if (!aborted) {
                /* Reported as the call's failure: the call itself is skipped. */
                pgc_fail_stmt(&b->prep_err, b->c, res, it->r);
                b->prep_failed_call = it->call;
                note_failure(b, it);
            }
            PQclear(res);
            end_item(pg);
            continue;
        }
        int rc = PGC_OK;
        const pgc_error *why = err;
        if (ok) {
            /* handed out (or dropped) once traced */
        } else if (aborted && b->prep_failed_call == it->call) {
            rc = b->prep_err.code;
            why = &b->prep_err;
            if (err)
                *err = b->prep_err;
        } else if (aborted) {
            rc = not_run(b, it, err);
        } else {
            pgc_conn_forget_stale(b->c, res, it->r);
            rc = pgc_fail_stmt(err, b->c, res, it->r);
            note_failure(b, it);
        }
        traced(b, it, res, rc, why);
        if (ok && out)
            *out = res;
        else
            PQclear(res);
        end_item(pg);
        return rc;
    }
    return PGC_DONE;
}

int pgc_batch_next(pgc_batch *b, pgc_result **res, pgc_error *err)
{
    if (res)
        *res = NULL;
    if (!b)
        return pgc_fail(err, PGC_EINVAL, "pgc_batch_next: NULL argument");
    int rc = pgc_batch_send(b, err);
    if (rc != PGC_OK)
        return rc;
    PGresult *out = NULL;
    rc = read_call(b, res ? &out : NULL, err);
    if (rc == PGC_OK && res)
        *res = (pgc_result *)out;
    return rc;
}

/* Reads up to the sync; a commit that fails reports its error here. */
static int read_sync(pgc_batch *b, pgc_error *err)
{
    int rc = PGC_OK, nulls = 0;
    for (;;) {
        PGresult *res = PQgetResult(b->c->pg);
        if (!res) {
            if (++nulls > 1 || PQstatus(b->c->pg) != CONNECTION_OK)
                return lost(b, NULL, err);
            continue;
        }
        nulls = 0;
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            return rc;
        }
        if (rc == PGC_OK && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK
            && st != PGRES_PIPELINE_ABORTED)
            rc = pgc_fail_conn(err, b->c, res, NULL);
        PQclear(res);
    }
}

int pgc_batch_end(pgc_batch *b, pgc_error *err)
{
    if (!b)
        return PGC_OK;
    pgc_error local;
    pgc_error *e = err ? err : &local;
    int rc = pgc_batch_send(b, e);
    if (rc == PGC_OK) {
        /* The first failure among the calls not read wins. */
        pgc_error later;
        int r;
        while ((r = read_call(b, NULL, rc == PGC_OK ? e : &later)) != PGC_DONE) {
            if (rc == PGC_OK)
                rc = r;
            if (b->broken)
                break;
        }
    }
    if (!b->broken) {
        int r = read_sync(b, rc == PGC_OK ? e : &(pgc_error){0});
        if (rc == PGC_OK)
            rc = r;
    }
    if (!b->broken && !PQexitPipelineMode(b->c->pg))
        b->broken = 1;
    if (b->broken) {
        b->c->broken = 1;
        if (rc == PGC_OK)
            rc = pgc_fail(e, PGC_ECONNLOST, "the batch could not be completed");
    }
    pgc_db *root = b->db->root;
    pgc_db_unhold(b->db, b->c);
    pgc_db_count_open(root, -1);
    pgc_prepared_clear(&b->preparing);
    free(b->items);
    free(b);
    return rc;
}
