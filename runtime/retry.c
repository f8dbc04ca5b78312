/*
 * retry.c - which failures are worth another try (pgc_error_retry), the
 * retry policy's back-off, and transactions run as a function
 * (pgc_tx_run).
 *
 * Takes: a filled pgc_error; a db and a body.  Gives: the class of a
 * failure; a committed transaction, run again while its failure allows.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

enum { MAX_DELAY_MS = 1000 }; /* the back-off doubles up to this */

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

/* A random number for the jitter: xorshift64*, one state per thread. */
static uint64_t jitter_random(void)
{
    static _Thread_local uint64_t x;
    if (!x)
        x = (uint64_t)pgc_trace_now_ns() ^ (uint64_t)(uintptr_t)&x ^ 0x9e3779b97f4a7c15ULL;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x * 0x2545f4914f6cdd1dULL;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ; /* EINTR: sleep the rest */
}

/* Ends err's message with how many tries the policy made. */
static void say_tries(pgc_error *err, const pgc_retry_state *st)
{
    char note[96];
    int n = snprintf(note, sizeof note, " (after %d tries in %lld ms)", st->tries,
                     (long long)(pgc_now_ms() - st->started_ms));
    size_t len = strlen(err->message);
    if (n > 0 && len + (size_t)n < sizeof err->message)
        memcpy(err->message + len, note, (size_t)n + 1);
}

/* Whether the policy may run a call that failed with err again. */
static bool retry_allowed(const pgc_error *err, bool idempotent)
{
    switch (pgc_error_retry(err)) {
    case PGC_RETRY_TRANSACTION:
    case PGC_RETRY_RECONNECT:
        return true;
    case PGC_RETRY_UNKNOWN:
        return idempotent;
    case PGC_RETRY_NO:
        break;
    }
    return false;
}

int pgc_retry_next(pgc_db *db, bool idempotent, pgc_error *err, pgc_retry_state *st)
{
    /* Not retried: the failure does not allow it (a NULL db or statement
       is PGC_EINVAL, never retried), a scope, the policy is off. */
    const pgc_settings *s;
    if (!retry_allowed(err, idempotent) || db->root != db
        || (s = pgc_pool_settings(db->pool))->retry_timeout_ms <= 0) {
        if (st->tries)
            say_tries(err, st);
        return 0;
    }
    int64_t now = pgc_now_ms();
    if (st->tries++ == 0) {
        st->started_ms = now;
        st->delay_ms = s->retry_delay_ms;
    }
    int64_t left = st->started_ms + s->retry_timeout_ms - now;
    if (left <= 0) {
        say_tries(err, st);
        return 0;
    }
    /* The back-off less a random part of up to half: [delay/2, delay]. */
    int64_t wait = st->delay_ms - (int64_t)(jitter_random() % (uint64_t)(st->delay_ms / 2 + 1));
    sleep_ms(wait < left ? wait : left);
    st->delay_ms = st->delay_ms * 2 < MAX_DELAY_MS ? st->delay_ms * 2 : MAX_DELAY_MS;
    return 1;
}

/*
 * One try of a transaction (or, on a scope, a savepoint): begin, body,
 * then commit if body returned PGC_OK, else roll back and return body's
 * error as body left it.  *commit_sent: COMMIT (or RELEASE) went out, so
 * a failure now may come after the server committed.
 */
static int tx_once(pgc_db *db, pgc_tx_fn body, void *ud, pgc_error *err, bool *commit_sent)
{
    *commit_sent = false;
    pgc_db *tx;
    int rc = pgc_tx_begin(db, &tx, err);
    if (rc != PGC_OK)
        return rc;
    if ((rc = body(tx, ud, err)) != PGC_OK) {
        if (err->code != rc) /* body returned a code without filling err */
            pgc_fail(err, rc, "%s", pgc_strerror(rc));
        pgc_error ignored; /* a lost connection also fails the rollback */
        pgc_tx_rollback(tx, &ignored);
        return rc;
    }
    /* pgc_tx_commit sends COMMIT unless something holds the scope or a
       statement failed in it (then it rolls back and says so). */
    *commit_sent = !tx->child_open && PQtransactionStatus(tx->conn->pg) == PQTRANS_INTRANS;
    return pgc_tx_commit(tx, err);
}

int pgc_tx_run(pgc_db *db, pgc_tx_fn body, void *ud, pgc_error *err)
{
    if (!db || !body)
        return pgc_fail(err, PGC_EINVAL, "pgc_tx_run: NULL argument");
    pgc_error spare;
    if (!err)
        err = &spare;
    pgc_error_clear(err);
    /* On a scope, tx_once makes a savepoint and pgc_retry_next declines. */
    pgc_retry_state st;
    st.tries = 0;
    bool commit_sent;
    int rc;
    while ((rc = tx_once(db, body, ud, err, &commit_sent)) != PGC_OK
           && pgc_retry_next(db, !commit_sent, err, &st))
        pgc_error_clear(err);
    if (rc != PGC_OK && commit_sent && !db->conn
        && pgc_error_retry(err) == PGC_RETRY_UNKNOWN) {
        pgc_error_prefix(err, "COMMIT was sent but the connection was lost, "
                              "the transaction's outcome is unknown: ");
        rc = err->code = PGC_ECONNLOST;
    }
    return rc;
}
