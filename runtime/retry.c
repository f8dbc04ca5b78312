/*
 * retry.c - which failures are worth another try (pgc_error_retry), the
 * retry policy's back-off, and transactions run as a function
 * (pgc_tx_run).
 *
 * Takes: a filled pgc_error; a db and a body.  Gives: the class of a
 * failure; a committed transaction, run again while its failure allows.
 */
#include <string.h>

#include "internal.h"

/* The class a SQLSTATE gives, or -1 when it says nothing about retrying. */
static int retry_by_sqlstate(const char *s)
{
    if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
        return PGC_RETRY_TRANSACTION; /* the server rolled the transaction back */
    /* The statement did not run: a read-only server (a demoted primary),
       one that cannot take connections now, a connection never made. */
    if (strcmp(s, "25006") == 0 || strcmp(s, "57P03") == 0 || strcmp(s, "08001") == 0
        || strcmp(s, "08004") == 0)
        return PGC_RETRY_RECONNECT;
    /* The connection broke (08xxx) or the server terminated the backend
       (57P01 admin shutdown, 57P02 crash): maybe after the statement ran. */
    if (strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0)
        return PGC_RETRY_UNKNOWN;
    return -1;
}

pgc_retry pgc_error_retry(const pgc_error *err)
{
    if (!err || err->code == PGC_OK)
        return PGC_RETRY_NO;
    /* PGC_ECONNECT: no connection was made (or its set-up failed), so the
       call sent nothing, whatever SQLSTATE the server gave while refusing. */
    if (err->code == PGC_ECONNECT)
        return PGC_RETRY_RECONNECT;
    int by_state = err->sqlstate[0] ? retry_by_sqlstate(err->sqlstate) : -1;
    if (by_state >= 0)
        return (pgc_retry)by_state;
    /*
     * Everything else is PGC_RETRY_NO, in particular:
     * PGC_ETIMEDOUT: no pooled connection came free in acquire_timeout_ms.
     *   The pool is saturated, not broken: another try adds load where
     *   there is too much, and the caller's timeout already said how long
     *   to wait.
     * PGC_ECANCELED: statement_timeout or a cancel request stopped the
     *   statement; running it again overrides the bound someone set.
     */
    return err->code == PGC_ECONNLOST ? PGC_RETRY_UNKNOWN : PGC_RETRY_NO;
}

int pgc_tx_run(pgc_db *db, pgc_tx_fn body, void *ud, pgc_error *err)
{
    (void)db;
    (void)body;
    (void)ud;
    return pgc_fail(err, PGC_EINTERNAL, "pgc_tx_run: not built yet");
}
