/*
 * accounts_lib.c - the accounts library: a thin layer over the code that
 * pgc generated from queries.sql (accounts.h), adding what SQL alone does
 * not say: which calls go together in a transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lib.h"

struct accounts_lib {
    pgc_db *db; /* standalone: owns its pool; embedded: borrows the host's */
};

/* Errors found here rather than by the runtime, in the same record. */
static int fail(pgc_error *err, int code, const char *message)
{
    return pgc_error_set(err, code, "accounts: %s", message);
}

static int wrap(accounts_lib **out, pgc_db *db, pgc_error *err)
{
    *out = malloc(sizeof **out);
    if (!*out) {
        pgc_db_close(db);
        return fail(err, PGC_ENOMEM, "out of memory");
    }
    (*out)->db = db;
    return PGC_OK;
}

int accounts_lib_open(accounts_lib **out, const char *conninfo, const char *schema,
                      pgc_error *err)
{
    *out = NULL;
    pgc_config *cfg = pgc_config_new();
    if (!cfg)
        return fail(err, PGC_ENOMEM, "out of memory");
    pgc_db *db = NULL;
    int rc = pgc_config_set(cfg, "conninfo", conninfo, err);
    if (rc == PGC_OK)
        rc = pgc_config_set(cfg, "application_name", "accounts", err);
    if (rc == PGC_OK)
        rc = pgc_db_open(&db, cfg, schema, err); /* the pool copies cfg */
    pgc_config_free(cfg);
    return rc == PGC_OK ? wrap(out, db, err) : rc;
}

int accounts_lib_attach(accounts_lib **out, pgc_pool *pool, const char *schema,
                        pgc_error *err)
{
    *out = NULL;
    pgc_db *db;
    int rc = pgc_db_attach(&db, pool, schema, err);
    return rc == PGC_OK ? wrap(out, db, err) : rc;
}

int accounts_lib_migrate(accounts_lib *lib, size_t *applied, pgc_error *err)
{
    /* accounts_migrate(db, err) would do; this form also counts. */
    return pgc_migrate(lib->db, accounts_migration_set(), NULL, applied, err);
}

int accounts_lib_close(accounts_lib *lib)
{
    if (!lib)
        return PGC_OK;
    /* Closes the pool only if the db owns it (standalone). */
    int rc = pgc_db_close(lib->db);
    if (rc == PGC_OK)
        free(lib);
    return rc;
}

pgc_db *accounts_lib_db(const accounts_lib *lib)
{
    return lib->db;
}

int accounts_lib_add_user(accounts_lib *lib, const char *email, const char *name,
                          int64_t cents, int64_t *id, pgc_error *err)
{
    pgc_db *tx;
    int rc = pgc_tx_begin(lib->db, &tx, err);
    if (rc != PGC_OK)
        return rc;
    accounts_create_user_row user = {0};
    rc = accounts_create_user(tx, email, name, &user, err);
    if (rc == PGC_OK)
        rc = accounts_open_balance(tx, user.id, cents, err);
    if (rc == PGC_OK) {
        *id = user.id;
        rc = pgc_tx_commit(tx, err);
    } else {
        pgc_tx_rollback(tx, NULL); /* keep the first error in err */
    }
    return rc;
}

int accounts_lib_balance(accounts_lib *lib, int64_t user_id, int64_t *cents, pgc_error *err)
{
    accounts_balance_row row = {0};
    int rc = accounts_balance(lib->db, user_id, &row, err);
    if (rc == PGC_OK)
        *cents = row.cents;
    return rc;
}

int accounts_lib_total(accounts_lib *lib, int64_t *cents, pgc_error *err)
{
    accounts_total_cents_row row = {0};
    int rc = accounts_total_cents(lib->db, &row, err);
    if (rc == PGC_OK)
        *cents = row.total;
    return rc;
}

/* The transfer made earlier under `reference`. */
static int find_transfer(accounts_lib *lib, const char *reference, int64_t *transfer_id,
                         pgc_error *err)
{
    accounts_transfer_by_reference_row row = {0};
    int rc = accounts_transfer_by_reference(lib->db, reference, &row, err);
    if (rc == PGC_OK)
        *transfer_id = row.id;
    return rc;
}

/* One balance changed by an UPDATE: 0 rows means the user has none. */
static int move(int (*update)(pgc_db *, int64_t, int64_t, int64_t *, pgc_error *), pgc_db *tx,
                int64_t cents, int64_t user_id, pgc_error *err)
{
    int64_t rows;
    int rc = update(tx, cents, user_id, &rows, err);
    if (rc == PGC_OK && rows != 1)
        rc = fail(err, PGC_ENOROW, "transfer: a user has no balance");
    return rc;
}

int accounts_lib_transfer(accounts_lib *lib, int64_t from_user, int64_t to_user,
                          int64_t cents, const char *reference, int64_t *transfer_id,
                          pgc_error *err)
{
    pgc_db *tx;
    int rc = pgc_tx_begin(lib->db, &tx, err);
    if (rc != PGC_OK)
        return rc;
    accounts_record_transfer_row entry = {0};
    rc = accounts_record_transfer(tx, from_user, to_user, cents, reference, &entry, err);
    if (rc == PGC_ENOROW && reference) {
        /* ON CONFLICT DO NOTHING: this reference was paid already. */
        pgc_tx_rollback(tx, NULL);
        return find_transfer(lib, reference, transfer_id, err);
    }
    /* Each UPDATE locks its row; taking the two in id order means that two
     * opposite transfers at once cannot deadlock. */
    if (rc == PGC_OK)
        rc = from_user < to_user ? move(accounts_debit, tx, cents, from_user, err)
                                 : move(accounts_credit, tx, cents, to_user, err);
    if (rc == PGC_OK)
        rc = from_user < to_user ? move(accounts_credit, tx, cents, to_user, err)
                                 : move(accounts_debit, tx, cents, from_user, err);
    if (rc == PGC_OK) {
        *transfer_id = entry.id;
        rc = pgc_tx_commit(tx, err);
    } else {
        pgc_tx_rollback(tx, NULL); /* nothing of the transfer is kept */
    }
    return rc;
}

bool accounts_lib_is_overdraft(const pgc_error *err)
{
    /* PostgreSQL's name for the unnamed CHECK on balances.cents. */
    return err->code == PGC_ESQL && strcmp(err->sqlstate, "23514") == 0
           && strcmp(err->constraint_name, "balances_cents_check") == 0;
}
