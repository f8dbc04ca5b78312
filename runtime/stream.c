/*
 * stream.c - a statement's rows one at a time, in libpq's single-row mode
 * (PostgreSQL 15's libpq has no chunked mode).  The stream keeps one row
 * result at a time: the previous row is freed when the next is asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * What guards a statement that may change data (see pgc_stream_close in
 * pgc.h): PostgreSQL runs INSERT/UPDATE/DELETE ... RETURNING to completion
 * before the first row is sent, so a cancel comes too late.  Such a
 * statement runs inside BEGIN (on a db) or a savepoint (on a scope), which
 * only reading the stream to its end commits or releases.
 */
enum { GUARD_NONE, GUARD_BEGIN, GUARD_SAVEPOINT };

struct pgc_stream {
    pgc_db *db;              /* valid while the connection is held */
    pgc_db *root;            /* counted open until the stream is freed */
    pgc_pconn *c;            /* NULL once given back */
    const pgc_rendered *r;
    PGresult *row;           /* the row handed out last */
    PGresult *pending;       /* the first result, read by open */
    int guard;               /* GUARD_*: what the end commits, a close undoes */
    int64_t started;         /* pgc_trace_now_ns() at open when traced, else 0 */
    int64_t rows;            /* rows handed out */
    bool prepared_now;       /* for the trace: prepared on c by this stream */
};

/* Reports the stream's statement to the trace hooks once it is over. */
static void traced(pgc_stream *s, const PGresult *res, int rc, const pgc_error *err)
{
    if (s->started)
        pgc_trace_as(s->root, PGC_VIA_STREAM, s->r->stmt_name, s->r->sql, s->c, s->started,
                     res, s->rows, rc, err, s->prepared_now);
    s->started = 0;
}

/* Runs the guard's opening command. */
static int guard_begin(pgc_stream *s, pgc_error *err)
{
    if (s->guard == GUARD_NONE)
        return PGC_OK;
    return pgc_conn_command(s->c, s->guard == GUARD_BEGIN ? "BEGIN" : "SAVEPOINT pgc_stream",
                            err);
}

/* Commits (or releases) what the guard opened, the stream read to its end. */
static int guard_commit(pgc_stream *s, pgc_error *err)
{
    if (s->guard == GUARD_NONE)
        return PGC_OK;
    int rc = pgc_conn_command(
        s->c, s->guard == GUARD_BEGIN ? "COMMIT" : "RELEASE SAVEPOINT pgc_stream", err);
    if (rc == PGC_OK && s->guard == GUARD_BEGIN
        && PQtransactionStatus(s->c->pg) != PQTRANS_IDLE)
        s->c->broken = 1;
    s->guard = GUARD_NONE;
    return rc;
}

/*
 * Undoes what the guard opened: the stream was closed early or failed.
 * After a failure on a scope the savepoint is left alone: the failed
 * statement has aborted the scope's transaction, as any failure does.
 */
static void guard_undo(pgc_stream *s, int failed)
{
    if (s->guard == GUARD_BEGIN) {
        if (pgc_conn_command(s->c, "ROLLBACK", NULL) != PGC_OK)
            s->c->broken = 1;
    } else if (s->guard == GUARD_SAVEPOINT && !failed) {
        if (pgc_conn_command(s->c,
                             "ROLLBACK TO SAVEPOINT pgc_stream; RELEASE SAVEPOINT pgc_stream",
                             NULL) != PGC_OK)
            s->c->broken = 1;
    }
    s->guard = GUARD_NONE;
}

/* Reads and drops whatever the statement has left to say. */
static void drain(PGconn *pg)
{
    PGresult *res;
    while ((res = PQgetResult(pg)))
        PQclear(res);
}

/* Gives the connection back once the statement is over. */
static void give_back(pgc_stream *s)
{
    if (!s->c)
        return;
    pgc_db_unhold(s->db, s->c);
    s->c = NULL;
    s->db = NULL;
}

/*
 * Sends the statement in single-row mode and reads its first result into
 * s->pending.  Returns PGC_OK, or the error (err filled), with nothing
 * pending and the statement over.  *retry is set when the statement went
 * stale and may be sent again.
 */
static int start(pgc_stream *s, const char *const *values, const int *lengths,
                 const int *formats, int attempt, int *retry, pgc_error *err)
{
    pgc_pconn *c = s->c;
    const pgc_rendered *r = s->r;
    *retry = 0;
    int rc;
    if (!c->unnamed && !pgc_prepared_has(&c->prepared, r->name, r->name_hash)) {
        s->prepared_now = true;
        if ((rc = pgc_conn_prepare(c, r, err)) != PGC_OK)
            return rc;
    }
    c->queries++;
    int sent = c->unnamed
                   ? PQsendQueryParams(c->pg, r->sql, r->key.nparams, r->param_types, values,
                                       lengths, formats, r->key.result_format)
                   : PQsendQueryPrepared(c->pg, r->name, r->key.nparams, values, lengths,
                                         formats, r->key.result_format);
    if (!sent) {
        rc = pgc_fail_pq(err, c->pg, NULL, r->stmt_name);
        drain(c->pg);
        return rc;
    }
    if (!PQsetSingleRowMode(c->pg)) {
        drain(c->pg);
        return pgc_fail(err, PGC_EINTERNAL, "could not enter single-row mode");
    }
    PGresult *res = PQgetResult(c->pg);
    switch (PQresultStatus(res)) {
    case PGRES_SINGLE_TUPLE:
    case PGRES_TUPLES_OK:   /* no row at all */
    case PGRES_COMMAND_OK:  /* a statement that returns none */
        s->pending = res;
        return PGC_OK;
    case PGRES_EMPTY_QUERY:
    case PGRES_COPY_OUT:
    case PGRES_COPY_IN:
    case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
    case PGRES_FATAL_ERROR:
    case PGRES_COPY_BOTH:
    case PGRES_PIPELINE_SYNC:
    case PGRES_PIPELINE_ABORTED:
        break;
    }
    drain(c->pg); /* to the end, so that the transaction status is known */
    guard_undo(s, 1); /* out of the guard's transaction: a retry may follow */
    if (attempt == 0 && res && pgc_conn_forget_stale(c, res, r)) {
        PQclear(res);
        *retry = 1;
        return PGC_OK;
    }
    rc = pgc_fail_stmt(err, c, res, r);
    traced(s, res, rc, err);
    PQclear(res);
    return rc;
}

int pgc_stream_open(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
                    const int *lengths, const int *formats, pgc_stream **out,
                    pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_stream_open: out is NULL");
    *out = NULL;
    if (!db || !stmt)
        return pgc_fail(err, PGC_EINVAL, "pgc_stream_open: NULL argument");
    if (stmt->nparams < 0 || (stmt->nparams > 0 && !values))
        return pgc_fail(err, PGC_EINVAL, "statement \"%s\": %d parameters but no values",
                        stmt->name ? stmt->name : "?", stmt->nparams);
    pgc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    int rc = pgc_db_rendered(db, stmt, &s->r, err);
    if (rc == PGC_OK)
        rc = pgc_routes_read(db, stmt) ? pgc_db_hold_read(db, &s->c, err)
                                       : pgc_db_hold(db, PGC_HELD_STREAM, &s->c, err);
    if (rc != PGC_OK) {
        free(s);
        return rc;
    }
    s->db = db;
    s->root = db->root;
    s->started = pgc_tracing(db) ? pgc_trace_now_ns() : 0;
    int retry = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        s->guard = s->r->reads_only ? GUARD_NONE : db->conn ? GUARD_SAVEPOINT : GUARD_BEGIN;
        if ((rc = guard_begin(s, err)) != PGC_OK) {
            s->guard = GUARD_NONE;
            break;
        }
        rc = start(s, values, lengths, formats, attempt, &retry, err);
        if (!retry)
            break;
    }
    if (rc != PGC_OK) { /* the statement is over: nothing to cancel */
        traced(s, NULL, rc, err);
        guard_undo(s, 1);
        give_back(s);
        pgc_db_count_open(s->root, -1);
        free(s);
        return rc;
    }
    *out = s;
    return PGC_OK;
}

int pgc_stream_next(pgc_stream *s, pgc_result **row, pgc_error *err)
{
    if (row)
        *row = NULL;
    if (!s || !row)
        return pgc_fail(err, PGC_EINVAL, "pgc_stream_next: NULL argument");
    PQclear(s->row);
    s->row = NULL;
    if (!s->c)
        return PGC_DONE;
    PGresult *res = s->pending;
    s->pending = NULL;
    if (!res)
        res = PQgetResult(s->c->pg);
    int rc;
    switch (PQresultStatus(res)) {
    case PGRES_SINGLE_TUPLE:
        s->row = res;
        *row = (pgc_result *)res;
        s->rows++;
        return PGC_OK;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        if (s->started && PQresultStatus(res) == PGRES_COMMAND_OK)
            s->rows = pgc_result_affected((pgc_result *)res); /* no RETURNING */
        PQclear(res);
        drain(s->c->pg);
        rc = guard_commit(s, err); /* read to its end: what it changed stays */
        traced(s, NULL, rc, err);
        give_back(s);
        return rc != PGC_OK ? rc : PGC_DONE;
    case PGRES_EMPTY_QUERY:
    case PGRES_COPY_OUT:
    case PGRES_COPY_IN:
    case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
    case PGRES_FATAL_ERROR:
    case PGRES_COPY_BOTH:
    case PGRES_PIPELINE_SYNC:
    case PGRES_PIPELINE_ABORTED:
        break;
    }
    /* An error, or no result at all (the connection went away). */
    rc = pgc_fail_stmt(err, s->c, res, s->r);
    if (rc == PGC_OK || rc == PGC_EINVAL)
        rc = pgc_fail(err, PGC_ECONNLOST, "statement \"%s\": the stream ended without a result",
                      s->r->stmt_name);
    traced(s, res, rc, err);
    PQclear(res);
    drain(s->c->pg);
    guard_undo(s, 1);
    give_back(s);
    return rc;
}

/*
 * Stops a statement that still has rows to send, on a connection that no
 * transaction scope owns: a cancel request, then the rest is read and
 * dropped (rows already on the way, and the cancel's error).
 */
static void cancel(pgc_pconn *c)
{
    PGcancel *cn = PQgetCancel(c->pg);
    char errbuf[256];
    if (!cn || !PQcancel(cn, errbuf, sizeof errbuf))
        c->broken = 1; /* cannot stop it: drain, then retire the connection */
    PQfreeCancel(cn);
}

void pgc_stream_close(pgc_stream *s)
{
    if (!s)
        return;
    PQclear(s->row);
    if (s->c) {
        traced(s, NULL, PGC_OK, NULL); /* closed before its end */
        /* Rows are left unless open read the statement's end already. */
        int rows_left = !s->pending || PQresultStatus(s->pending) == PGRES_SINGLE_TUPLE;
        PQclear(s->pending);
        if (rows_left && !s->db->conn)
            cancel(s->c);
        drain(s->c->pg);
        if (PQstatus(s->c->pg) != CONNECTION_OK)
            s->c->broken = 1;
        else
            guard_undo(s, 0); /* closed before its end: undo what it changed */
        give_back(s);
    }
    pgc_db_count_open(s->root, -1);
    free(s);
}
