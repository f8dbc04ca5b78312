/*
 * evloop_work.h - the work the event-loop examples share: the accounts
 * library (examples/accounts) opened in one of pgc's two modes, users with
 * known balances, and many non-blocking calls kept in flight through the
 * generated accounts_balance_send / accounts_debit_send, each completed in
 * a done function that checks its result.  The three programs
 * (evloop_epoll.c, evloop_uv.c, evloop_ev.c) differ only in the loop that
 * drives it: that is the part to read.
 *
 * A driver does, for each mode:
 *
 *   evloop_work *w;
 *   evloop_work_open(&w, conninfo, "standalone", "uv", &err);
 *   for (int i = 0; i < evloop_work_dbs(w); i++) {
 *       pgc_async_open(evloop_work_db(w, i), &opt, &a[i], &err);   (opt: its watch function)
 *       evloop_work_start(w, i, a[i]);
 *   }
 *   ... its loop, until evloop_work_done(w) ...
 *   ... pgc_async_close(a[i]) ...
 *   rc = evloop_work_finish(w);                           (prints, checks, closes)
 */
#ifndef EVLOOP_WORK_H
#define EVLOOP_WORK_H

#include <stdbool.h>

#include "pgc.h"

/* Connections each pgc_async spreads its calls over. */
#define EVLOOP_CONNECTIONS 4

typedef struct evloop_work evloop_work;

/*
 * mode "standalone": the accounts library alone on a pool of its own, in
 * schema PREFIX_solo.  mode "embedded": one pool, the library attached
 * twice, in schemas PREFIX_a and PREFIX_b, with different balances (a call
 * answered from the wrong schema is caught).  Migrates and adds the users
 * (blocking: this is start-up).
 */
int evloop_work_open(evloop_work **out, const char *conninfo, const char *mode,
                     const char *prefix, pgc_error *err);

/* How many dbs the mode has (1 or 2), and each: open a pgc_async on it. */
int evloop_work_dbs(const evloop_work *w);
pgc_db *evloop_work_db(const evloop_work *w, int i);

/* Sends db i's first calls on a (opened on evloop_work_db(w, i)); each
 * call completed sends the next until db i's share is sent. */
void evloop_work_start(evloop_work *w, int i, pgc_async *a);

/* True once every call of every db has completed. */
bool evloop_work_done(const evloop_work *w);

/*
 * After the loop (and the pgc_asyncs closed): checks that every call
 * completed as expected and that the failed debits changed nothing,
 * prints a line per db, closes the library.  0 if all is well, else 1.
 */
int evloop_work_finish(evloop_work *w, const char *loop_name);

#endif /* EVLOOP_WORK_H */
