/*
 * tx.c - transaction scopes.  A scope is a pgc_db bound to one connection;
 * a scope begun from a scope is a savepoint, named by its depth.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void scope_count(pgc_db *root, int delta)
{
    pthread_mutex_lock(&root->lock);
    root->open_scopes += delta;
    pthread_mutex_unlock(&root->lock);
}

int pgc_tx_depth(const pgc_db *db)
{
    return db ? db->depth : 0;
}

int pgc_tx_begin(pgc_db *db, pgc_db **tx, pgc_error *err)
{
    if (!tx)
        return pgc_fail(err, PGC_EINVAL, "pgc_tx_begin: tx is NULL");
    *tx = NULL;
    if (!db)
        return pgc_fail(err, PGC_EINVAL, "pgc_tx_begin: db is NULL");
    if (db->child_open)
        return pgc_fail(err, PGC_ETXSTATE, "%s", pgc_held_by(db->child_open));
    pgc_db *s = calloc(1, sizeof *s);
    if (!s)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    s->root = db->root;
    s->pool = db->pool;
    s->schema = db->root->schema;
    s->depth = db->depth + 1;

    int rc;
    if (db->conn) {
        char sql[48];
        snprintf(sql, sizeof sql, "SAVEPOINT pgc_sp_%d", s->depth);
        s->conn = db->conn;
        s->parent = db;
        if ((rc = pgc_conn_command(s->conn, sql, err)) != PGC_OK) {
            free(s);
            return rc;
        }
        db->child_open = 1;
    } else {
        if ((rc = pgc_pool_get(db->pool, &s->conn, err)) != PGC_OK) {
            free(s);
            return rc;
        }
        if ((rc = pgc_conn_command(s->conn, "BEGIN", err)) != PGC_OK) {
            pgc_pool_put(db->pool, s->conn);
            free(s);
            return rc;
        }
    }
    scope_count(s->root, 1);
    *tx = s;
    return PGC_OK;
}

/* Frees a scope: gives back its connection (top level) or unlinks it. */
static void scope_end(pgc_db *s)
{
    if (s->parent)
        s->parent->child_open = 0;
    else
        pgc_pool_put(s->pool, s->conn);
    scope_count(s->root, -1);
    free(s);
}

static int savepoint_rollback(pgc_db *s, pgc_error *err)
{
    char sql[96];
    snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT pgc_sp_%d; RELEASE SAVEPOINT pgc_sp_%d",
             s->depth, s->depth);
    return pgc_conn_command(s->conn, sql, err);
}

static int check_scope(pgc_db *tx, const char *what, pgc_error *err)
{
    if (!tx || !tx->conn)
        return pgc_fail(err, PGC_EINVAL, "%s: not a transaction scope", what);
    if (tx->child_open)
        return pgc_fail(err, PGC_ETXSTATE, "%s: %s; end it first", what,
                        pgc_held_by(tx->child_open));
    return PGC_OK;
}

int pgc_tx_commit(pgc_db *tx, pgc_error *err)
{
    int rc = check_scope(tx, "pgc_tx_commit", err);
    if (rc != PGC_OK)
        return rc;
    int failed = PQtransactionStatus(tx->conn->pg) == PQTRANS_INERROR;
    if (tx->depth == 1) {
        rc = pgc_conn_command(tx->conn, failed ? "ROLLBACK" : "COMMIT", err);
    } else if (failed) {
        rc = savepoint_rollback(tx, err);
    } else {
        char sql[48];
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT pgc_sp_%d", tx->depth);
        rc = pgc_conn_command(tx->conn, sql, err);
    }
    if (rc == PGC_OK && failed)
        rc = pgc_fail(err, PGC_ETXSTATE,
                      "a statement failed in this %s: rolled back instead of committed",
                      tx->depth == 1 ? "transaction" : "savepoint");
    scope_end(tx);
    return rc;
}

int pgc_tx_rollback(pgc_db *tx, pgc_error *err)
{
    int rc = check_scope(tx, "pgc_tx_rollback", err);
    if (rc != PGC_OK)
        return rc;
    if (tx->depth == 1)
        rc = pgc_conn_command(tx->conn, "ROLLBACK", err);
    else
        rc = savepoint_rollback(tx, err);
    scope_end(tx);
    return rc;
}
