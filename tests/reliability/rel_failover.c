/*
 * rel_failover.c - failover under load, on a pg_auto_failover formation
 * (a monitor and two data nodes with synchronous replication) started by
 * tests/reliability/formation, which runs this suite:
 *
 *   tests/reliability/formation run build/tests/reliability/rel_failover
 *
 * Takes the formation's description from the environment (FORMATION_*, see
 * the script).  Gives, per test, figures on "rel:" lines for RELIABILITY.md.
 *
 * 8 threads (REL_THREADS) make generated calls (insert, update, read-back,
 * 3-call batch, transaction of insert + update) through one pool whose
 * conninfo lists both nodes with target_session_attrs=read-write, keeping a
 * client-side ledger of what the runtime acknowledged.  The primary is taken
 * away REL_FAILOVER_ROUNDS times (default 2), each time after load: `pg_autoctl
 * stop --fast`, then a crash (SIGKILL of its pg_autoctl run, postmaster and
 * backends), alternately; the formation promotes the standby; the old node
 * is started again and rejoins as a standby before the next round.  Four
 * runs: no retry; the retry policy (retry_timeout_ms, transactions through
 * pgc_tx_run); the policy and a read target (read_conninfo: both nodes,
 * target_session_attrs=prefer-standby); the same with max_lifetime_ms.
 * Checked:
 *
 *  - no acknowledged write is lost: every acknowledged row is on the last
 *    primary, each balance lies between its acknowledged and attempted
 *    credits, no read of an acknowledged row on the primary misses it (on
 *    the standby it may: counted as lag);
 *  - the calls that fail during a switch, by kind, code and SQLSTATE, are
 *    of a failover's kind; the time from the kill until writes succeed
 *    again; writes in doubt (connection lost during the call), and whether
 *    they turned out committed;
 *  - through the trace hook (the port of each statement's PGconn): no write
 *    succeeds on the old primary once it is down, and none is sent to it
 *    once it was started again (it comes back as a standby); while roles
 *    are settled, writes only on the primary, and with a read target reads
 *    on the standby (before the first kill; after each rejoin too when
 *    read connections are recycled);
 *  - no leaked connection: the pool (and its read target) has nothing in
 *    use, the servers' pg_stat_activity holds no more backends of the
 *    test's application_name than the pool has open, and none after close.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "ledger.h"
#include "rel.h"

#define APP "rel-failover"
#define ACCOUNTS 100
#define MAX_THREADS 32
#define POOL_SIZE 8 /* max_connections, set as text in open_ledger */
#define MAX_ROUNDS 10
#define PER_THREAD 400000 /* an upper bound: the threads run until stopped */
#define MAX_EVENTS (4 * 1024 * 1024)
#define MAX_TALLY 64

/* The formation (from the environment). */
static const char *conninfo, *monitor, *script, *fdir;
static int node_port[3]; /* [1], [2] */
static int nthreads, nrounds;
static double real0; /* CLOCK_REALTIME at start: the monitor's clock too */

static double real_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds since the suite started, on the wall clock. */
static int32_t ms_now(void)
{
    return (int32_t)((real_now() - real0) * 1000.0);
}

/* ---- the trace: where each statement ran, and when ---------------------------- */

enum { EV_WRITE = 1, EV_OK = 2, EV_READ_TARGET = 4 };

typedef struct event {
    int32_t ms;     /* ms_now() when the statement returned */
    uint16_t port;  /* the server it ran on */
    uint8_t flags;  /* EV_* */
    uint8_t code;
} event;

static event *events;
static atomic_long nevents;
/* The calling thread's last statement: where its read ran. */
static _Thread_local int last_read_target, last_port;
/* The first write acknowledged on watch_port from watch_since_ms on (-1:
 * none yet), for the main thread to wait on while the threads run. */
static atomic_int watch_port, watch_since_ms, watch_first_ms;

static int is_read(const char *statement)
{
    return statement && (!strcmp(statement, "ledger_get_entry")
                         || !strcmp(statement, "ledger_count_entries"));
}

/* Records every statement; a write is anything that is not one of the
 * workload's reads (BEGIN and COMMIT included: they go to the primary). */
static void trace(const pgc_trace_event *ev, void *ud)
{
    (void)ud;
    long i = nevents++;
    const char *port = ev->conn ? PQport(ev->conn) : NULL;
    int32_t ms = ms_now();
    int write = !is_read(ev->statement);
    last_port = port ? atoi(port) : 0;
    last_read_target = ev->read_target;
    if (write && ev->code == PGC_OK && last_port == watch_port && ms >= watch_since_ms) {
        int none = -1;
        atomic_compare_exchange_strong(&watch_first_ms, &none, ms);
    }
    if (i >= MAX_EVENTS)
        return;
    events[i] = (event){
        .ms = ms,
        .port = (uint16_t)last_port,
        .flags = (uint8_t)((write ? EV_WRITE : 0) | (ev->code == PGC_OK ? EV_OK : 0)
                           | (ev->read_target ? EV_READ_TARGET : 0)),
        .code = (uint8_t)ev->code,
    };
}

/* ---- the workload ------------------------------------------------------------------ */

/* What the pool is given. */
typedef struct mode {
    const char *name;
    int retry;       /* retry_timeout_ms set; transactions through pgc_tx_run */
    int read_target; /* read_conninfo: both nodes, prefer-standby */
    const char *max_lifetime_ms; /* or NULL */
} mode;

static const char *const kind_names[] = {"insert", "update", "read", "batch", "transaction"};

typedef struct tally {
    int round;
    int kind; /* kind_names */
    int code;
    char sqlstate[6];
    long long count;
    int32_t first_ms, last_ms;
    char example[160];
} tally;

typedef struct workload {
    pgc_db *db;
    const mode *mode;
    atomic_int stop;
    atomic_int round; /* 0 before the first kill, r during round r */
    atomic_llong done_calls, ok_calls;
    atomic_int last_write_ok_ms;
    /* The ledger.  Entry ids: ((thread * PER_THREAD) + call) * 4 + k. */
    int64_t max_id;
    atomic_uchar *acked;
    atomic_uchar *doubt;         /* [max_id + 1]: 1 for the first entry of a write in doubt */
    atomic_llong credit_tried[ACCOUNTS + 1], credit_acked[ACCOUNTS + 1];
    atomic_llong bad_reads;      /* an acknowledged entry missing on the primary */
    atomic_llong stale_reads;    /* ... missing on the read target (a standby lags) */
    atomic_llong unknown_writes; /* a write whose connection was lost: in doubt */
    pthread_mutex_t lock;        /* the failures' tally */
    tally failures[MAX_TALLY];
    int nfailures;
} workload;

typedef struct worker {
    workload *w;
    int index;
} worker;

/* Counts a failure by round, code and SQLSTATE. */
static void count_failure(workload *w, int kind, int rc, const pgc_error *err)
{
    int32_t now = ms_now();
    int round = w->round;
    pthread_mutex_lock(&w->lock);
    tally *t = NULL;
    for (int i = 0; i < w->nfailures && !t; i++)
        if (w->failures[i].round == round && w->failures[i].kind == kind
            && w->failures[i].code == rc
            && !strcmp(w->failures[i].sqlstate, err->sqlstate))
            t = &w->failures[i];
    if (!t && w->nfailures < MAX_TALLY) {
        t = &w->failures[w->nfailures++];
        *t = (tally){.round = round, .kind = kind, .code = rc, .first_ms = now};
        snprintf(t->sqlstate, sizeof t->sqlstate, "%s", err->sqlstate);
        snprintf(t->example, sizeof t->example, "%.159s", err->message);
        for (char *c = t->example; *c; c++)
            if (*c == '\n' || *c == '\t')
                *c = ' ';
    }
    if (t) {
        t->count++;
        t->last_ms = now;
    }
    pthread_mutex_unlock(&w->lock);
}

/* The transaction, as a body for pgc_tx_run: an insert and a credit. */
typedef struct tx_args {
    int64_t id, account, affected;
} tx_args;

static int tx_body(pgc_db *tx, void *ud, pgc_error *err)
{
    tx_args *a = ud;
    int rc = ledger_add_entry(tx, a->id, a->account, a->id, "tx", err);
    return rc == PGC_OK ? ledger_credit(tx, 1, a->account, &a->affected, err) : rc;
}

static void *work(void *arg)
{
    worker *me = arg;
    workload *w = me->w;
    pgc_db *db = w->db;
    int64_t last_acked = 0;
    for (int i = 0; i < PER_THREAD && !w->stop; i++) {
        int64_t base = ((int64_t)me->index * PER_THREAD + i) * 4;
        int64_t account = base / 4 % ACCOUNTS + 1;
        pgc_error err = {0};
        int rc, wrote = 1;
        switch (i % 5) {
        case 0: /* a single insert */
            rc = ledger_add_entry(db, base, account, base, "single", &err);
            if (rc == PGC_OK) {
                w->acked[base] = 1;
                last_acked = base;
            }
            break;
        case 1: { /* an update */
            int64_t affected = 0;
            w->credit_tried[account]++;
            rc = ledger_credit(db, 1, account, &affected, &err);
            if (rc == PGC_OK && affected == 1)
                w->credit_acked[account]++;
            break;
        }
        case 2: { /* a read of what this thread wrote last */
            wrote = 0;
            if (!last_acked) {
                ledger_count_entries_row row = {0};
                rc = ledger_count_entries(db, &row, &err);
                break;
            }
            ledger_get_entry_row row = {0};
            last_read_target = 0;
            rc = ledger_get_entry(db, last_acked, &row, &err);
            if (rc == PGC_OK && (row.id != last_acked || row.amount != last_acked))
                w->bad_reads++;
            if (rc == PGC_ENOROW && last_read_target) { /* not yet on the standby */
                w->stale_reads++;
                rc = PGC_OK;
            } else if (rc == PGC_ENOROW) { /* acknowledged, then gone */
                w->bad_reads++;
                print_error("entry %lld acknowledged, then not found on port %d\n",
                            (long long)last_acked, last_port);
            }
            ledger_get_entry_row_clear(&row);
            break;
        }
        case 3: { /* a batch of three inserts: one implicit transaction */
            ledger_queue_entry_batch b;
            rc = ledger_queue_entry_begin(db, &b, &err);
            if (rc == PGC_OK) {
                for (int k = 0; k < 3; k++)
                    ledger_queue_entry_queue(&b, base + k, account, base + k, "batch", NULL);
                rc = ledger_queue_entry_end(&b, &err);
            }
            if (rc == PGC_OK)
                for (int k = 0; k < 3; k++)
                    w->acked[base + k] = 1;
            break;
        }
        default: { /* a transaction: an insert and a credit, all or nothing */
            pgc_db *tx;
            w->credit_tried[account]++;
            if (w->mode->retry) { /* run again while its failure allows */
                tx_args a = {base, account, 0};
                rc = pgc_tx_run(db, tx_body, &a, &err);
                if (rc == PGC_OK) {
                    w->acked[base] = 1;
                    w->credit_acked[account]++;
                }
                break;
            }
            rc = pgc_tx_begin(db, &tx, &err);
            if (rc == PGC_OK) {
                int64_t affected = 0;
                rc = ledger_add_entry(tx, base, account, base, "tx", &err);
                if (rc == PGC_OK)
                    rc = ledger_credit(tx, 1, account, &affected, &err);
                if (rc == PGC_OK)
                    rc = pgc_tx_commit(tx, &err);
                else
                    pgc_tx_rollback(tx, NULL);
            }
            if (rc == PGC_OK) {
                w->acked[base] = 1;
                w->credit_acked[account]++;
            }
            break;
        }
        }
        w->done_calls++;
        if (rc == PGC_OK) {
            w->ok_calls++;
            if (wrote)
                w->last_write_ok_ms = ms_now();
            continue;
        }
        if (wrote && rc == PGC_ECONNLOST) {
            w->unknown_writes++;
            if (i % 5 != 1) /* an insert, batch or transaction: its entry tells */
                w->doubt[base] = 1;
        }
        count_failure(w, i % 5, rc, &err);
        rel_sleep_ms(5); /* no busy loop while there is no primary */
    }
    return NULL;
}

/* ---- the formation --------------------------------------------------------------- */

static void formation(const char *op, int node)
{
    char cmd[1024];
    if (node)
        snprintf(cmd, sizeof cmd, "'%s' %s '%s' %d", script, op, fdir, node);
    else
        snprintf(cmd, sizeof cmd, "'%s' %s '%s' 90", script, op, fdir);
    int st = system(cmd);
    if (st != 0)
        print_error("%s: exit status %d\n", cmd, st);
    assert_int_equal(st, 0);
}

/* The node (1 or 2) the monitor has as primary. */
static int primary_node(void)
{
    long long port = rel_count(monitor, "SELECT nodeport FROM pgautofailover.node"
                                        " WHERE reportedstate = 'primary'"
                                        " AND goalstate = 'primary'");
    assert_true(port == node_port[1] || port == node_port[2]);
    return port == node_port[1] ? 1 : 2;
}

static void node_conninfo(char *out, size_t size, int node)
{
    snprintf(out, size, "host=127.0.0.1 port=%d user=postgres dbname=postgres", node_port[node]);
}

/* When (ms_now) the monitor first logged an event of `node` matching `where`
 * after `since_ms`; -1 if it did not. */
static int32_t monitor_event_ms(int node, const char *where, int32_t since_ms)
{
    char *v = rel_scalar(monitor,
                         "SELECT extract(epoch FROM min(eventtime)) FROM pgautofailover.event"
                         " WHERE nodeport = %d AND %s AND eventtime >= to_timestamp(%.3f)",
                         node_port[node], where, real0 + since_ms / 1000.0);
    int32_t ms = v ? (int32_t)((strtod(v, NULL) - real0) * 1000.0) : -1;
    free(v);
    return ms;
}

/* Waits up to 30 s for writes to succeed after `since_ms`. */
static int32_t wait_writes(workload *w, int32_t since_ms)
{
    double t0 = rel_now();
    while (w->last_write_ok_ms <= since_ms && rel_now() - t0 < 30)
        rel_sleep_ms(5);
    return w->last_write_ok_ms;
}

/* ---- one round: the primary taken away, the old node back --------------------- */

typedef struct round {
    const char *how;
    int old, new;           /* nodes */
    int32_t kill_ms;        /* the command was run */
    int32_t down_ms;        /* it returned: the old primary is down */
    int32_t promoted_ms;    /* the monitor saw the new primary (wait_primary) */
    int32_t back_ms;        /* first write acknowledged on the new primary */
    int32_t start_ms;       /* the old node started again */
    int32_t rejoined_ms;    /* the monitor saw it secondary */
    int32_t ready_ms;       /* the formation had a primary and a secondary again */
    int32_t unhealthy_ms;   /* the monitor marked the old primary unhealthy */
    int32_t end_ms;         /* the next round's kill, or the end of the load */
} round;

static void run_round(workload *w, round *r, int index, int crash)
{
    /* Load first: writes have succeeded since the formation was ready. */
    int32_t ready = ms_now();
    rel_sleep_ms(2000);
    assert_true(wait_writes(w, ready) > ready);
    r->how = crash ? "crash (SIGKILL of pg_autoctl run, postmaster, backends)"
                   : "pg_autoctl stop --fast";
    r->old = primary_node();
    r->new = 3 - r->old;
    w->round = index;
    r->kill_ms = ms_now();
    watch_since_ms = r->kill_ms;
    watch_port = node_port[r->new];
    watch_first_ms = -1; /* last: a thread that saw the old port has an older time */
    formation(crash ? "kill" : "stop", r->old);
    r->down_ms = ms_now();
    /* Writes succeed again, on the other node (the trace hook says when). */
    double t0 = rel_now();
    while (watch_first_ms < 0 && rel_now() - t0 < 30)
        rel_sleep_ms(5);
    r->back_ms = watch_first_ms;
    if (r->back_ms < 0)
        print_error("round %d: no write succeeded on node %d in 30 s\n", index, r->new);
    assert_true(r->back_ms >= 0);
    r->start_ms = ms_now();
    formation("start", r->old);
    formation("wait", 0); /* one primary, one secondary */
    r->ready_ms = ms_now();
    r->rejoined_ms = monitor_event_ms(r->old, "reportedstate = 'secondary'", r->start_ms);
    r->promoted_ms = monitor_event_ms(r->new, "reportedstate = 'wait_primary'", r->kill_ms);
    r->unhealthy_ms = monitor_event_ms(r->old, "description LIKE '%%marked as unhealthy%%'",
                                       r->kill_ms);
    assert_int_equal(primary_node(), r->new);
}

/* What the trace says of a round: writes on the old primary after it was
 * down (succeeded) and after it was started again (sent at all). */
static void check_round_trace(const round *r, int index, long long *ok_after_down,
                              long long *sent_after_start)
{
    long n = nevents < MAX_EVENTS ? nevents : MAX_EVENTS;
    *ok_after_down = *sent_after_start = 0;
    for (long i = 0; i < n; i++) {
        const event *e = &events[i];
        if (!(e->flags & EV_WRITE) || e->port != node_port[r->old] || e->ms >= r->end_ms)
            continue;
        if (e->ms > r->down_ms && (e->flags & EV_OK))
            ++*ok_after_down;
        if (e->ms > r->start_ms)
            ++*sent_after_start;
    }
    if (*ok_after_down || *sent_after_start)
        print_error("round %d: on the old primary (node %d): %lld writes succeeded after it"
                    " was down, %lld sent after it was started again\n",
                    index, r->old, *ok_after_down, *sent_after_start);
}

/* ---- checks ---------------------------------------------------------------------- */

/* The ledger against the tables of the primary. */
static void check_ledger(workload *w, const char *what, long long *acked_out,
                         long long *unacked_present_out, long long *doubt_committed,
                         long long *doubt_not)
{
    assert_int_equal(w->bad_reads, 0);
    PGconn *conn = PQconnectdb(conninfo);
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *res = PQexec(conn, "SELECT id FROM entries");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    unsigned char *present = calloc((size_t)w->max_id + 1, 1);
    assert_non_null(present);
    for (int r = 0; r < PQntuples(res); r++) {
        long long id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        assert_true(id >= 0 && id <= w->max_id);
        present[id] = 1;
    }
    PQclear(res);
    long long acked = 0, missing = 0, unacked_present = 0;
    for (int64_t id = 0; id <= w->max_id; id++) {
        acked += w->acked[id];
        if (w->acked[id] && !present[id] && missing++ < 5)
            print_error("%s: entry %lld acknowledged, not on the primary\n", what,
                        (long long)id);
        unacked_present += !w->acked[id] && present[id];
        if (w->doubt[id])
            ++*(present[id] ? doubt_committed : doubt_not);
    }
    free(present);
    res = PQexec(conn, "SELECT id, balance FROM accounts ORDER BY id");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(res), ACCOUNTS);
    long long off = 0;
    for (int r = 0; r < ACCOUNTS; r++) {
        long long id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        long long bal = strtoll(PQgetvalue(res, r, 1), NULL, 10);
        if (bal < w->credit_acked[id] || bal > w->credit_tried[id]) {
            print_error("%s: account %lld balance %lld outside [%lld, %lld]\n", what, id, bal,
                        (long long)w->credit_acked[id], (long long)w->credit_tried[id]);
            off++;
        }
    }
    PQclear(res);
    PQfinish(conn);
    assert_int_equal(missing, 0);
    assert_int_equal(off, 0);
    *acked_out = acked;
    *unacked_present_out = unacked_present;
}

static long long backends_on(int node)
{
    char ci[256];
    node_conninfo(ci, sizeof ci, node);
    return rel_count(ci, "SELECT count(*) FROM pg_stat_activity"
                         " WHERE application_name = '" APP "'");
}

/* The pool has nothing checked out; the servers hold no more of its
 * backends than it has open. */
static void check_no_leak(pgc_db *db, const char *what)
{
    pgc_pool_stats st;
    pgc_pool_stats_get(pgc_db_pool(db), &st);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(st.total, st.idle);
    assert_true(st.total <= POOL_SIZE);
    pgc_pool_stats rs; /* the read target's connections (all 0 without one) */
    pgc_pool_read_stats_get(pgc_db_pool(db), &rs);
    assert_int_equal(rs.in_use, 0);
    assert_int_equal(rs.waiting, 0);
    assert_int_equal(rs.total, rs.idle);
    assert_true(rs.total <= POOL_SIZE);
    long long b1 = backends_on(1), b2 = backends_on(2);
    assert_true(b1 + b2 <= st.total + rs.total);
    rel_report("%s: pool after the run: %d open + %d to the read target, 0 in use; server "
               "backends %lld on node 1, %lld on node 2; %llu + %llu opened, %llu + %llu "
               "closed over the run",
               what, st.total, rs.total, b1, b2, (unsigned long long)st.opened,
               (unsigned long long)rs.opened, (unsigned long long)st.closed,
               (unsigned long long)rs.closed);
}

/* After close, no backend of ours on either node. */
static void check_all_closed(void)
{
    long long left = -1;
    for (int i = 0; i < 100 && left != 0; i++) {
        left = backends_on(1) + backends_on(2);
        if (left)
            rel_sleep_ms(50);
    }
    assert_int_equal(left, 0);
}

/* A failover's failures: the connection lost or refused, a server shutting
 * down, starting or read-only, a transaction's commit after a failed step. */
static int expected_failure(const tally *t)
{
    switch (t->code) {
    case PGC_ECONNLOST:
    case PGC_ECONNECT:
    case PGC_ETXSTATE:
        return 1;
    case PGC_ESQL:
        return !strcmp(t->sqlstate, "25006") || !strncmp(t->sqlstate, "57P0", 4)
               || !strncmp(t->example, "not run", 7);
    default:
        return 0;
    }
}

/* A round's failures, one group per code and SQLSTATE: the count, the
 * count per call kind, one message. */
static void describe_failures(const workload *w, int index, char *line, size_t size,
                              long long *total, int32_t *first, int32_t *last)
{
    size_t len = 0;
    line[0] = 0;
    *total = 0;
    *first = *last = -1;
    unsigned char done[MAX_TALLY] = {0};
    for (int i = 0; i < w->nfailures; i++) {
        const tally *t = &w->failures[i];
        if (t->round != index || done[i])
            continue;
        long long group = 0, per_kind[5] = {0};
        for (int j = i; j < w->nfailures; j++) {
            const tally *u = &w->failures[j];
            if (u->round != index || u->code != t->code || strcmp(u->sqlstate, t->sqlstate))
                continue;
            done[j] = 1;
            group += u->count;
            per_kind[u->kind] += u->count;
            if (*first < 0 || u->first_ms < *first)
                *first = u->first_ms;
            if (u->last_ms > *last)
                *last = u->last_ms;
        }
        *total += group;
        int n = snprintf(line + len, size - len, "%s%lld %s%s%s (", len ? "; " : "", group,
                         pgc_code_name(t->code), t->sqlstate[0] ? " " : "", t->sqlstate);
        for (int k = 0, sep = 0; n > 0 && (size_t)n < size - len && k < 5; k++)
            if (per_kind[k]) {
                len += (size_t)n;
                n = snprintf(line + len, size - len, "%s%lld %s", sep++ ? ", " : "",
                             per_kind[k], kind_names[k]);
            }
        if (n > 0 && (size_t)n < size - len) {
            len += (size_t)n;
            n = snprintf(line + len, size - len, ": \"%.70s\")", t->example);
            if (n > 0 && (size_t)n < size - len)
                len += (size_t)n;
        }
    }
}

static void report_failures(workload *w, const mode *m, int index, const round *r)
{
    char line[2048];
    long long total;
    int32_t first, last;
    describe_failures(w, index, line, sizeof line, &total, &first, &last);
    rel_report("%s: round %d, %s of node %d: down after %.2f s, marked unhealthy at %.2f s, "
               "node %d reported wait_primary at %.2f s (monitor), writes acknowledged again "
               "at %.2f s; %lld calls failed from %.2f s to %.2f s: %s; old node rejoined as "
               "secondary %.1f s after its start",
               m->name, index, r->how, r->old, (r->down_ms - r->kill_ms) / 1000.0,
               r->unhealthy_ms >= 0 ? (r->unhealthy_ms - r->kill_ms) / 1000.0 : -1.0, r->new,
               r->promoted_ms >= 0 ? (r->promoted_ms - r->kill_ms) / 1000.0 : -1.0,
               (r->back_ms - r->kill_ms) / 1000.0, total,
               first >= 0 ? (first - r->kill_ms) / 1000.0 : 0.0,
               last >= 0 ? (last - r->kill_ms) / 1000.0 : 0.0, total ? line : "none",
               r->rejoined_ms >= 0 ? (r->rejoined_ms - r->start_ms) / 1000.0 : -1.0);
}

/* ---- read routing ------------------------------------------------------------------ */

typedef struct routing {
    long long reads_standby, reads_primary_target, reads_fallback, writes_primary, writes_other;
} routing;

/* Where statements ran in [from_ms, to_ms), while `primary` was primary and
 * the other node its standby. */
static routing routed(int primary, int32_t from_ms, int32_t to_ms)
{
    routing rt = {0};
    long n = nevents < MAX_EVENTS ? nevents : MAX_EVENTS;
    for (long i = 0; i < n; i++) {
        const event *e = &events[i];
        if (e->ms < from_ms || e->ms >= to_ms || !(e->flags & EV_OK))
            continue;
        if (e->flags & EV_WRITE)
            ++*(e->port == node_port[primary] ? &rt.writes_primary : &rt.writes_other);
        else if (!(e->flags & EV_READ_TARGET))
            rt.reads_fallback++;
        else
            ++*(e->port == node_port[primary] ? &rt.reads_primary_target : &rt.reads_standby);
    }
    return rt;
}

/*
 * Read routing in the windows where the roles were settled: before the
 * first kill, and from each rejoin to the next kill.  Writes always on the
 * primary; with a read target, reads on the standby before the first kill
 * (every read connection is new then); afterwards, reported: a read
 * connection opened while only the new primary was up stays on it.
 */
static void check_routing(const mode *m, const round *rounds, int32_t start_ms)
{
    for (int r = 0; r <= nrounds; r++) {
        int primary = r == 0 ? rounds[1].old : rounds[r].new;
        int32_t from = r == 0 ? start_ms : rounds[r].ready_ms;
        int32_t to = r == 0 ? rounds[1].kill_ms : rounds[r].end_ms;
        routing rt = routed(primary, from, to);
        char when[32];
        snprintf(when, sizeof when, r == 0 ? "before the first kill" : "after round %d", r);
        rel_report("%s: %s (%.1f s, node %d primary): reads %lld on the standby, %lld on the "
                   "primary through the read target, %lld on the primary's pool; writes %lld "
                   "on the primary, %lld elsewhere",
                   m->name, when, (to - from) / 1000.0, primary, rt.reads_standby, rt.reads_primary_target,
                   rt.reads_fallback, rt.writes_primary, rt.writes_other);
        assert_int_equal(rt.writes_other, 0);
        assert_true(rt.writes_primary > 0);
        if (m->read_target && r == 0) {
            assert_true(rt.reads_standby > 0);
            assert_int_equal(rt.reads_primary_target, 0);
        }
        if (m->read_target) /* read connections on a primary are recycled after 2 s
                               (pool.c): back on the standby once it has rejoined */
            assert_true(rt.reads_standby > 0);
        if (!m->read_target)
            assert_int_equal(rt.reads_standby + rt.reads_primary_target, 0);
    }
}

/* ---- the test -------------------------------------------------------------------- */

static pgc_db *open_ledger(const mode *m)
{
    char read_ci[512];
    snprintf(read_ci, sizeof read_ci,
             "host=127.0.0.1,127.0.0.1 port=%d,%d user=postgres dbname=postgres"
             " target_session_attrs=prefer-standby connect_timeout=2",
             node_port[1], node_port[2]);
    pgc_config *cfg = rel_config(conninfo, "max_connections", "8", "application_name", APP,
                                 "acquire_timeout_ms", "10000", (const char *)NULL);
    pgc_error err = {0};
    if (m->retry)
        rel_ok(pgc_config_set(cfg, "retry_timeout_ms", "30000", &err), &err);
    if (m->read_target)
        rel_ok(pgc_config_set(cfg, "read_conninfo", read_ci, &err), &err);
    if (m->max_lifetime_ms)
        rel_ok(pgc_config_set(cfg, "max_lifetime_ms", m->max_lifetime_ms, &err), &err);
    pgc_db *db;
    rel_ok(pgc_db_open(&db, cfg, NULL, &err), &err);
    pgc_config_free(cfg);
    rel_ok(ledger_migrate(db, &err), &err);
    /* A clean ledger for this test. */
    free(rel_scalar(conninfo, "TRUNCATE entries"));
    free(rel_scalar(conninfo, "UPDATE accounts SET balance = 0"));
    pgc_pool_set_trace(pgc_db_pool(db), trace, NULL);
    return db;
}

static void run_failover(const mode *m)
{
    nevents = 0;
    pgc_db *db = open_ledger(m);
    static workload w;
    memset(&w, 0, sizeof w);
    pthread_mutex_init(&w.lock, NULL);
    w.db = db;
    w.mode = m;
    w.max_id = (int64_t)nthreads * PER_THREAD * 4 + 4;
    w.acked = calloc((size_t)w.max_id + 1, 1);
    w.doubt = calloc((size_t)w.max_id + 1, 1);
    assert_non_null(w.acked);
    assert_non_null(w.doubt);
    pthread_t threads[MAX_THREADS];
    worker workers[MAX_THREADS];
    double t0 = rel_now();
    int32_t start_ms = ms_now();
    for (int t = 0; t < nthreads; t++) {
        workers[t] = (worker){&w, t};
        assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
    round rounds[MAX_ROUNDS + 1];
    memset(rounds, 0, sizeof rounds);
    for (int r = 1; r <= nrounds; r++) {
        run_round(&w, &rounds[r], r, r % 2 == 0); /* stop, crash, stop... */
        if (r > 1)
            rounds[r - 1].end_ms = rounds[r].kill_ms;
    }
    /* Load on the last primary with its standby back, then the end. */
    int32_t ready = ms_now();
    rel_sleep_ms(2000);
    assert_true(wait_writes(&w, ready) > ready);
    w.stop = 1;
    for (int t = 0; t < nthreads; t++)
        pthread_join(threads[t], NULL);
    rounds[nrounds].end_ms = ms_now();
    double secs = rel_now() - t0;
    assert_true(nevents <= MAX_EVENTS);

    int bad = 0;
    for (int r = 1; r <= nrounds; r++) {
        report_failures(&w, m, r, &rounds[r]);
        long long ok_after_down, sent_after_start;
        check_round_trace(&rounds[r], r, &ok_after_down, &sent_after_start);
        rel_report("%s: round %d: writes on the old primary (node %d): %lld acknowledged after"
                   " it was down, %lld sent after it was started again",
                   m->name, r, rounds[r].old, ok_after_down, sent_after_start);
        bad += ok_after_down > 0 || sent_after_start > 0;
    }
    long long unexpected = 0;
    for (int i = 0; i < w.nfailures; i++) {
        const tally *t = &w.failures[i];
        if (t->round == 0 || !expected_failure(t)) {
            print_error("unexpected in round %d: %lld %s x %s [%s] %s\n", t->round, t->count,
                        kind_names[t->kind], pgc_code_name(t->code), t->sqlstate, t->example);
            unexpected += t->count;
        }
    }
    check_routing(m, rounds, start_ms);
    char what[200];
    snprintf(what, sizeof what, "%s: failover x %d under %d threads, %.1f s", m->name, nrounds,
             nthreads, secs);
    check_no_leak(db, what);
    long long acked, unacked_present, doubt_committed = 0, doubt_not = 0;
    check_ledger(&w, what, &acked, &unacked_present, &doubt_committed, &doubt_not);
    rel_report("%s: %lld calls, %lld ok; %lld entries acknowledged, all on the last primary "
               "(node %d); %lld writes in doubt (connection lost during the call: %lld inserts, "
               "batches or transactions of which %lld turned out committed, %lld not), %lld "
               "entries present without acknowledgement; %lld reads of an acknowledged entry "
               "missed it on the standby (lag); %ld statements traced",
               what, (long long)w.done_calls, (long long)w.ok_calls, acked, rounds[nrounds].new,
               (long long)w.unknown_writes, doubt_committed + doubt_not, doubt_committed,
               doubt_not, unacked_present, (long long)w.stale_reads,
               (long)nevents);
    assert_int_equal(bad, 0);
    assert_int_equal(unexpected, 0);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    check_all_closed();
    free(w.acked);
    free(w.doubt);
    pthread_mutex_destroy(&w.lock);
}

/* libpq's multi-host handling (target_session_attrs=read-write) and the
 * pool's require_writable; no retry: every failure reaches the caller. */
static void failover__no_retry__no_acknowledged_write_lost(void **state)
{
    (void)state;
    static const mode m = {"no retry", 0, 0, NULL};
    run_failover(&m);
}

/* The retry policy (retry_timeout_ms=30000), transactions through
 * pgc_tx_run: what still fails is a write whose outcome is unknown. */
static void failover__retry_policy__no_acknowledged_write_lost(void **state)
{
    (void)state;
    static const mode m = {"retry policy", 1, 0, NULL};
    run_failover(&m);
}

/* The retry policy and a read target listing both nodes with
 * target_session_attrs=prefer-standby: reads on the standby. */
static void failover__read_target__reads_on_standby_writes_on_primary(void **state)
{
    (void)state;
    static const mode m = {"retry policy + read target", 1, 1, NULL};
    run_failover(&m);
}

/* The same with max_lifetime_ms=1000: read connections opened while the
 * standby was away (on the primary, prefer-standby's fallback) are
 * recycled, and reads go back to the standby once it has rejoined. */
static void failover__read_target_recycled__reads_back_on_standby(void **state)
{
    (void)state;
    static const mode m = {"retry policy + read target + max_lifetime_ms=1000", 1, 1, "1000"};
    run_failover(&m);
}

static int need(const char *name, const char **out)
{
    *out = getenv(name);
    if (*out && **out)
        return 1;
    fprintf(stderr, "rel_failover: %s is not set: run it under tests/reliability/formation"
                    " (make reliability-failover)\n", name);
    return 0;
}

int main(void)
{
    const char *p1, *p2;
    if (!need("FORMATION_CONNINFO", &conninfo) || !need("FORMATION_MONITOR", &monitor)
        || !need("FORMATION_SCRIPT", &script) || !need("FORMATION_DIR", &fdir)
        || !need("FORMATION_PORT1", &p1) || !need("FORMATION_PORT2", &p2))
        return 2;
    node_port[1] = atoi(p1);
    node_port[2] = atoi(p2);
    nthreads = rel_size("REL_THREADS", 8, MAX_THREADS);
    nrounds = rel_size("REL_FAILOVER_ROUNDS", 2, MAX_ROUNDS);
    real0 = real_now();
    events = calloc(MAX_EVENTS, sizeof *events);
    if (!events)
        return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failover__no_retry__no_acknowledged_write_lost),
        cmocka_unit_test(failover__retry_policy__no_acknowledged_write_lost),
        cmocka_unit_test(failover__read_target__reads_on_standby_writes_on_primary),
        cmocka_unit_test(failover__read_target_recycled__reads_back_on_standby),
    };
    if (getenv("REL_ONLY"))
        cmocka_set_test_filter(getenv("REL_ONLY"));
    int failed = cmocka_run_group_tests_name("rel_failover", tests, NULL, NULL);
    free(events);
    return failed;
}
