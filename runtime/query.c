/*
 * query.c - running statements: rendered once per db, prepared once per
 * connection, executed with PQexecPrepared; and the result accessors.
 *
 * A pgc_result is the PGresult itself behind an opaque type: no wrapper
 * to allocate on the hot path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqltext.h"

#define AS_PQ(res) ((PGresult *)(res))
#define AS_PQC(res) ((const PGresult *)(res))

const char *pgc_held_by(int what)
{
    switch (what) {
    case PGC_HELD_STREAM:
        return "a stream opened on this transaction scope is still open";
    case PGC_HELD_BATCH:
        return "a batch begun on this transaction scope has not ended";
    case PGC_HELD_COPY:
        return "a COPY begun on this transaction scope has not ended";
    case PGC_HELD_ASYNC:
        return "a pgc_async or pipe opened on this transaction scope is still open";
    default:
        return "a savepoint opened from this transaction scope is still open";
    }
}

int pgc_db_conn_get(pgc_db *db, pgc_pconn **c, pgc_error *err)
{
    if (db->conn) {
        if (db->child_open)
            return pgc_fail(err, PGC_ETXSTATE, "%s", pgc_held_by(db->child_open));
        *c = db->conn;
        return PGC_OK;
    }
    return pgc_pool_get(db->pool, c, err);
}

int pgc_db_conn_get_read(pgc_db *db, pgc_pconn **c, pgc_error *err)
{
    pgc_error read_err;
    int rc = pgc_pool_get_read(db->read, c, &read_err);
    if (rc == PGC_ECONNECT)
        return pgc_db_conn_get(db, c, err); /* the replica is down: the primary */
    if (rc != PGC_OK && err)
        *err = read_err;
    return rc;
}

void pgc_db_conn_put(pgc_db *db, pgc_pconn *c)
{
    if (!db->conn)
        pgc_pool_put(db->pool, c);
}

int pgc_db_hold(pgc_db *db, int what, pgc_pconn **c, pgc_error *err)
{
    int rc = pgc_db_conn_get(db, c, err);
    if (rc != PGC_OK)
        return rc;
    if (db->conn)
        db->child_open = what;
    pgc_db_count_open(db->root, 1);
    return PGC_OK;
}

int pgc_db_hold_read(pgc_db *db, pgc_pconn **c, pgc_error *err)
{
    int rc = pgc_db_conn_get_read(db, c, err);
    if (rc == PGC_OK)
        pgc_db_count_open(db->root, 1);
    return rc;
}

void pgc_db_unhold(pgc_db *db, pgc_pconn *c)
{
    if (db->conn)
        db->child_open = 0;
    else
        pgc_pool_put(db->pool, c);
}

void pgc_db_count_open(pgc_db *root, int delta)
{
    pthread_mutex_lock(&root->lock);
    root->open_handles += delta;
    pthread_mutex_unlock(&root->lock);
}

static int is_sqlstate(const PGresult *res, const char *state)
{
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return s && strcmp(s, state) == 0;
}

int pgc_fail_conn(pgc_error *err, pgc_pconn *c, const PGresult *res, const char *statement)
{
    if (is_sqlstate(res, "25006"))
        c->broken = 1; /* a read-only server: never again for a write */
    return pgc_fail_pq(err, c->pg, res, statement);
}

int pgc_fail_stmt(pgc_error *err, pgc_pconn *c, const PGresult *res,
                  const pgc_rendered *r)
{
    int rc = pgc_fail_conn(err, c, res, r->stmt_name);
    pgc_locate_error(err, r->source, strlen(r->source), r->sql, r->sql_len, r->map);
    pgc_locate_in_file(err, r);
    return rc;
}

int pgc_deallocate_sql(PGconn *pg, const char *name, char *buf, size_t size)
{
    char *quoted = PQescapeIdentifier(pg, name, strlen(name));
    if (!quoted)
        return PGC_ENOMEM;
    int n = snprintf(buf, size, "DEALLOCATE %s", quoted);
    PQfreemem(quoted);
    return n > 0 && (size_t)n < size ? PGC_OK : PGC_EINTERNAL;
}

static void deallocate(pgc_pconn *c, const char *name)
{
    char sql[160];
    if (pgc_deallocate_sql(c->pg, name, sql, sizeof sql) == PGC_OK)
        PQclear(PQexec(c->pg, sql));
}

int pgc_conn_prepare(pgc_pconn *c, const pgc_rendered *r, pgc_error *err)
{
    if (pgc_prepared_has(&c->stale, r->name, r->name_hash)) {
        deallocate(c, r->name);
        pgc_prepared_remove(&c->stale, r->name, r->name_hash);
    }
    PGresult *res = PQprepare(c->pg, r->name, r->sql, r->key.nparams, r->param_types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = pgc_fail_stmt(err, c, res, r);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    if (pgc_prepared_add(&c->prepared, r->name, r->name_hash) != PGC_OK)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    return PGC_OK;
}

/*
 * Whether a failed execution may be repeated after preparing again: the
 * server forgot the statement (26000: DISCARD ALL, a pooler), or its plan
 * no longer fits the tables (0A000: "cached plan must not change result
 * type" after an ALTER TABLE).  Only outside a transaction: inside one the
 * error has aborted it.  Either way the connection forgets the name; a
 * stale statement is deallocated before it is prepared again, which also
 * works later inside a transaction.
 */
int pgc_conn_forget_stale(pgc_pconn *c, const PGresult *res, const pgc_rendered *r)
{
    int forgotten = is_sqlstate(res, "26000"), stale = is_sqlstate(res, "0A000");
    if (!forgotten && !stale)
        return 0;
    if (forgotten) {
        pgc_prepared_clear(&c->prepared);
        pgc_prepared_clear(&c->stale);
    } else {
        pgc_prepared_remove(&c->prepared, r->name, r->name_hash);
        if (pgc_prepared_add(&c->stale, r->name, r->name_hash) != PGC_OK)
            c->broken = 1; /* cannot remember to deallocate: retire it */
    }
    return PQtransactionStatus(c->pg) == PQTRANS_IDLE;
}

int pgc_query(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
              const int *lengths, const int *formats, pgc_result **out, pgc_error *err)
{
    return pgc_query_rows(db, stmt, values, lengths, formats, NULL, out, err);
}

/* One try of pgc_query_rows (which adds the retry policy). */
static int query_once(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
                      const int *lengths, const int *formats, const struct pgc_row_type *rt,
                      pgc_result **out, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (!db || !stmt)
        return pgc_fail(err, PGC_EINVAL, "pgc_query: NULL argument");
    if (stmt->nparams < 0 || (stmt->nparams > 0 && !values))
        return pgc_fail(err, PGC_EINVAL, "statement \"%s\": %d parameters but no values",
                        stmt->name ? stmt->name : "?", stmt->nparams);
    const pgc_rendered *r;
    int rc = pgc_db_rendered(db, stmt, &r, err);
    if (rc != PGC_OK)
        return rc;
    pgc_pconn *c;
    rc = pgc_routes_read(db, stmt) ? pgc_db_conn_get_read(db, &c, err)
                                   : pgc_db_conn_get(db, &c, err);
    if (rc != PGC_OK)
        return rc;

    int64_t started = pgc_tracing(db) ? pgc_trace_now_ns() : 0;
    bool prepared_now = false;
    PGresult *res = NULL;
    const void **checked = NULL; /* rt, when res's statement was checked against it */
    if (c->unnamed) {
        /* statements=unnamed: parse, bind and execute in one call, so
           nothing outlives it on the server connection (see pgc.h). */
        c->queries++;
        res = PQexecParams(c->pg, r->sql, stmt->nparams, r->param_types, values, lengths,
                           formats, stmt->result_format);
        ExecStatusType st = PQresultStatus(res);
        rc = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? PGC_OK
                                                              : pgc_fail_stmt(err, c, res, r);
    }
    for (int attempt = 0; !c->unnamed && attempt < 2; attempt++) {
        uint64_t epoch = pgc_rendered_epoch();
        if (c->last == r && c->last_version == c->prepared.version && c->last_epoch == epoch) {
            checked = c->last_checked; /* the last statement on c again */
        } else if (!(checked = pgc_prepared_checked(&c->prepared, r->name, r->name_hash))) {
            prepared_now = true;
            if ((rc = pgc_conn_prepare(c, r, err)) != PGC_OK)
                break;
            checked = pgc_prepared_checked(&c->prepared, r->name, r->name_hash);
        }
        c->last = r;
        c->last_checked = checked;
        c->last_version = c->prepared.version;
        c->last_epoch = epoch;
        c->queries++;
        res = PQexecPrepared(c->pg, r->name, stmt->nparams, values, lengths, formats,
                             stmt->result_format);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            rc = PGC_OK;
            break;
        }
        if (attempt == 0 && pgc_conn_forget_stale(c, res, r)) {
            PQclear(res);
            res = NULL;
            continue;
        }
        rc = pgc_fail_stmt(err, c, res, r);
        break;
    }
    if (rc == PGC_OK && rt && !(checked && *checked == rt) && PQntuples(res) > 0) {
        rc = pgc_row_type_check(res, stmt, rt, err);
        if (rc == PGC_OK && checked)
            *checked = rt;
    }
    if (started)
        pgc_trace(db, PGC_VIA_QUERY, r, NULL, c, started, res, rc, err, prepared_now);
    pgc_db_conn_put(db, c);
    if (rc != PGC_OK) {
        PQclear(res);
        return rc;
    }
    if (out)
        *out = (pgc_result *)res;
    else
        PQclear(res);
    return PGC_OK;
}

/*
 * Every blocking statement call comes here (pgc_query, pgc_run,
 * pgc_query_row, pgc_query_affected).  A failed try is run again while the
 * retry policy allows (retry.c); the success path pays one test.
 */
int pgc_query_rows(pgc_db *db, const pgc_stmt *stmt, const char *const *values,
                   const int *lengths, const int *formats, const struct pgc_row_type *rt,
                   pgc_result **out, pgc_error *err)
{
    pgc_error spare; /* the policy classes a failure by its record */
    if (!err)
        err = &spare;
    pgc_retry_state st;
    st.tries = 0;
    int rc;
    while ((rc = query_once(db, stmt, values, lengths, formats, rt, out, err)) != PGC_OK
           && pgc_retry_next(db, stmt && (stmt->flags & PGC_STMT_READS), err, &st))
        ;
    return rc;
}

/*
 * COPY ... FROM STDIN / TO STDOUT started by a text of SQL: the runtime has
 * no data to send or place to put it, so end it and leave the connection
 * usable.
 */
static void end_copy(PGconn *pg, ExecStatusType st)
{
    if (st == PGRES_COPY_IN) {
        PQputCopyEnd(pg, "COPY FROM STDIN is not supported here");
    } else if (st == PGRES_COPY_OUT) {
        char *buf;
        while (PQgetCopyData(pg, &buf, 0) > 0)
            PQfreemem(buf);
    }
    PGresult *res;
    while ((res = PQgetResult(pg)))
        PQclear(res);
}

/* pgc_check_exec, and with c (may be NULL) its failure goes through
 * pgc_fail_conn. */
static inline int check_exec(PGconn *pg, pgc_pconn *c, PGresult *res, pgc_error *err)
{
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
        return PGC_OK;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
        end_copy(pg, PQresultStatus(res));
        return pgc_fail(err, PGC_EINVAL,
                        "COPY FROM STDIN and COPY TO STDOUT cannot run in a text of SQL");
    case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
    case PGRES_FATAL_ERROR:
    case PGRES_SINGLE_TUPLE:
    case PGRES_PIPELINE_SYNC:
    case PGRES_PIPELINE_ABORTED:
        break;
    }
    return c ? pgc_fail_conn(err, c, res, NULL) : pgc_fail_pq(err, pg, res, NULL);
}

int pgc_check_exec(PGconn *pg, PGresult *res, pgc_error *err)
{
    return check_exec(pg, NULL, res, err);
}

int pgc_conn_check_exec(pgc_pconn *c, PGresult *res, pgc_error *err)
{
    return check_exec(c->pg, c, res, err);
}

int pgc_conn_command(pgc_pconn *c, const char *sql, pgc_error *err)
{
    PGresult *res = PQexec(c->pg, sql);
    int rc = pgc_conn_check_exec(c, res, err);
    PQclear(res);
    return rc;
}

int pgc_exec(pgc_db *db, const char *sql, pgc_result **out, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (!db || !sql)
        return pgc_fail(err, PGC_EINVAL, "pgc_exec: NULL argument");
    size_t len = strlen(sql), rendered_len;
    char *rendered;
    pgc_render_map map = {0};
    int rc = pgc_render_ex(sql, len, db->root->schema, &rendered, &rendered_len, &map, err);
    if (rc != PGC_OK)
        return rc;
    pgc_pconn *c;
    if ((rc = pgc_db_conn_get(db, &c, err)) == PGC_OK) {
        int64_t started = pgc_tracing(db) ? pgc_trace_now_ns() : 0;
        c->queries++;
        c->may_listen = 1; /* pool.c: its notifications dropped at each give-back */
        PGresult *res = PQexec(c->pg, rendered);
        rc = pgc_conn_check_exec(c, res, err);
        if (started)
            pgc_trace(db, PGC_VIA_EXEC, NULL, rendered, c, started, res, rc, err, false);
        if (rc != PGC_OK) {
            pgc_locate_error(err, sql, len, rendered, rendered_len, &map);
            PQclear(res);
        } else if (out) {
            *out = (pgc_result *)res;
        } else {
            PQclear(res);
        }
        pgc_db_conn_put(db, c);
    }
    free(rendered);
    pgc_render_map_free(&map);
    return rc;
}

/* ---- results -------------------------------------------------------------- */

void pgc_result_free(pgc_result *res)
{
    PQclear(AS_PQ(res));
}

int pgc_result_rows(const pgc_result *res)
{
    return res ? PQntuples(AS_PQC(res)) : 0;
}

int pgc_result_cols(const pgc_result *res)
{
    return res ? PQnfields(AS_PQC(res)) : 0;
}

int64_t pgc_result_affected(const pgc_result *res)
{
    if (!res)
        return 0;
    const char *s = PQcmdTuples(AS_PQ((pgc_result *)(uintptr_t)res));
    return *s ? strtoll(s, NULL, 10) : 0;
}

int pgc_result_is_null(const pgc_result *res, int row, int col)
{
    return PQgetisnull(AS_PQC(res), row, col);
}

const char *pgc_result_value(const pgc_result *res, int row, int col)
{
    return PQgetvalue(AS_PQC(res), row, col);
}

int pgc_result_length(const pgc_result *res, int row, int col)
{
    return PQgetlength(AS_PQC(res), row, col);
}

const char *pgc_result_name(const pgc_result *res, int col)
{
    return PQfname(AS_PQC(res), col);
}

Oid pgc_result_type(const pgc_result *res, int col)
{
    return PQftype(AS_PQC(res), col);
}

PGresult *pgc_result_pq(pgc_result *res)
{
    return AS_PQ(res);
}
