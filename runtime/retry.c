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

pgc_retry pgc_error_retry(const pgc_error *err)
{
    (void)err;
    return PGC_RETRY_NO; /* contract only: the retry helper fills this in */
}

int pgc_tx_run(pgc_db *db, pgc_tx_fn body, void *ud, pgc_error *err)
{
    (void)db;
    (void)body;
    (void)ud;
    return pgc_fail(err, PGC_EINTERNAL, "pgc_tx_run: not built yet");
}
