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

bool pgc_tracing(const pgc_db *db)
{
    void *ud;
    return db->root->trace || pgc_pool_trace(db->pool, &ud);
}

int64_t pgc_trace_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void pgc_trace(pgc_db *db, pgc_trace_via via, const pgc_rendered *r, const char *sql,
               const pgc_pconn *c, int64_t started, const PGresult *res, int rc,
               const pgc_error *err, bool prepared_now)
{
    pgc_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.duration_ns = pgc_trace_now_ns() - started;
    ev.statement = r ? r->stmt_name : NULL;
    ev.schema = db->root->schema;
    ev.sql = r ? r->sql : sql;
    ev.code = rc;
    ev.sqlstate = "";
    if (res) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && rc != PGC_OK)
            ev.sqlstate = state;
        if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_SINGLE_TUPLE)
            ev.rows = PQntuples(res);
        else {
            const char *n = PQcmdTuples((PGresult *)(uintptr_t)res);
            ev.rows = n && *n ? strtoll(n, NULL, 10) : 0;
        }
    }
    if (rc != PGC_OK && !*ev.sqlstate && err && err->code == rc)
        ev.sqlstate = err->sqlstate;
    if (c) {
        ev.conn = c->pg;
        ev.backend_pid = PQbackendPID(c->pg);
    }
    ev.prepared_now = prepared_now;
    ev.via = via;
    void *ud;
    pgc_trace_fn pool_fn = pgc_pool_trace(db->pool, &ud);
    if (pool_fn)
        pool_fn(&ev, ud);
    if (db->root->trace)
        db->root->trace(&ev, db->root->trace_ud);
}
