/*
 * trace.c - the statement hook (pgc_trace_fn): where each path that runs a
 * statement (query.c, stream.c, batch.c, copy.c, async.c, migrate.c)
 * reports it, so that they report alike.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

void pgc_db_set_trace(pgc_db *db, pgc_trace_fn fn, void *ud)
{
    if (!db)
        return;
    db->root->trace = fn;
    db->root->trace_ud = ud;
}

int64_t pgc_trace_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Rows returned by res, or affected by its command. */
static int64_t rows_of(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE)
        return PQntuples(res);
    const char *n = PQcmdTuples((PGresult *)(uintptr_t)res);
    return n && *n ? strtoll(n, NULL, 10) : 0;
}

void pgc_trace_as(pgc_db *db, pgc_trace_via via, const char *statement, const char *sql,
                  const pgc_pconn *c, int64_t started, const PGresult *res, int64_t rows,
                  int rc, const pgc_error *err, bool prepared_now)
{
    pgc_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.duration_ns = pgc_trace_now_ns() - started;
    ev.statement = statement;
    ev.schema = db->root->schema;
    ev.sql = sql;
    ev.code = rc;
    ev.sqlstate = "";
    ev.rows = rows >= 0 ? rows : res ? rows_of(res) : 0;
    if (res && rc != PGC_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state)
            ev.sqlstate = state;
    }
    if (rc != PGC_OK && !*ev.sqlstate && err && err->code == rc)
        ev.sqlstate = err->sqlstate;
    if (c) {
        ev.conn = c->pg;
        ev.backend_pid = PQbackendPID(c->pg);
        ev.read_target = c->read_target;
    }
    ev.prepared_now = prepared_now;
    ev.via = via;
    const pgc_trace_hook *pool = db->root->pool_trace;
    if (pool->fn)
        pool->fn(&ev, pool->ud);
    if (db->root->trace)
        db->root->trace(&ev, db->root->trace_ud);
}

void pgc_trace(pgc_db *db, pgc_trace_via via, const pgc_rendered *r, const char *sql,
               const pgc_pconn *c, int64_t started, const PGresult *res, int rc,
               const pgc_error *err, bool prepared_now)
{
    pgc_trace_as(db, via, r ? r->stmt_name : NULL, r ? r->sql : sql, c, started, res, -1, rc,
                 err, prepared_now);
}
