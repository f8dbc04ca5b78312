/*
 * async.c - issue 14's benchmark cases (see BENCHMARKS.md): pgc's
 * non-blocking calls (the generated NAME_send/NAME_recv on a pgc_async)
 * and pipelines of different queries (pgc_pipe_*), side by side with
 * hand-written libpq doing the same, in one process, alternating,
 * repeated.  Prints markdown tables on stdout.  Uses the items table
 * `client setup` loaded.
 *
 *   async [-r REPS] [-l LAYOUT] throughput   9. 256 lookups in flight over 4 connections
 *   async [-r REPS] [-l LAYOUT] pipe        10. 3 different queries: one round trip or 3
 *   async one CASE VARIANT N                 one variant once, for callgrind
 *
 * Connects with $PGC_TEST_CONNINFO (pgc-tmpcluster sets it).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#define PGC_BENCH_MEASURED /* bench.h defines measured() */
#include "bench.h"
#include "benchq.h"
#include "pgc.h"

#define ITEMS 1000000      /* rows in items (client setup) */
#define IDS 20000          /* the keys looked up, in this order, again and again */
#define CONNS 4            /* case 9: connections */
#define WINDOW 256         /* case 9: calls in flight */
#define PER_CONN (WINDOW / CONNS)
#define THROUGHPUT_CALLS 50000
#define PIPE_OPS 1000      /* case 10: pages of 3 queries */
#define PAGE_ROWS 10       /* ItemsAfter's LIMIT */
#define COUNT_SPAN 100     /* CountItemsBetween's hi - lo + 1 */

static const char *conninfo;
static int reps = 5;
static const char *layout = "same CPU";
static double sink;        /* results are summed here so no work is optimised away */
static int64_t ids[IDS];

static _Noreturn void die(const char *what, const char *why)
{
    fprintf(stderr, "bench async: %s: %s\n", what, why);
    exit(1);
}

static _Noreturn void die_pgc(const char *what, const pgc_error *err)
{
    fprintf(stderr, "bench async: %s: %s: %s\n", what, pgc_code_name(err->code), err->message);
    exit(1);
}

static void check_id(const char *what, int64_t got, int64_t want)
{
    if (got != want) {
        char why[80];
        snprintf(why, sizeof why, "row %lld, wanted %lld", (long long)got, (long long)want);
        die(what, why);
    }
}

/* ---- connections ---------------------------------------------------------- */

static const char LOOKUP_SQL[] = "SELECT id, name, qty, price, created FROM items WHERE id = $1";
static const char AFTER_SQL[] =
    "SELECT id, name, qty FROM items WHERE id > $1 ORDER BY id LIMIT 10";
static const char BETWEEN_SQL[] = "SELECT count(*) AS n FROM items WHERE id BETWEEN $1 AND $2";

static pgc_db *open_pgc(int max_connections)
{
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    pgc_db *db;
    char max[16];
    snprintf(max, sizeof max, "%d", max_connections);
    if (!cfg || pgc_config_set(cfg, "conninfo", conninfo, &err) != PGC_OK
        || pgc_config_set(cfg, "max_connections", max, &err) != PGC_OK
        || pgc_db_open(&db, cfg, NULL, &err) != PGC_OK)
        die_pgc("pgc_db_open", &err);
    pgc_config_free(cfg);
    return db;
}

static void prepare_or_die(PGconn *pg, const char *name, const char *sql, int n)
{
    static const Oid types[] = {20, 20};
    PGresult *res = PQprepare(pg, name, sql, n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        die(name, PQerrorMessage(pg));
    PQclear(res);
}

/* A libpq connection with the three statements prepared. */
static PGconn *open_libpq(void)
{
    PGconn *pg = PQconnectdb(conninfo);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect", PQerrorMessage(pg));
    prepare_or_die(pg, "lookup", LOOKUP_SQL, 1);
    prepare_or_die(pg, "after", AFTER_SQL, 1);
    prepare_or_die(pg, "between", BETWEEN_SQL, 2);
    return pg;
}

/* Decodes a lookup's row as client.c's hand-tuned variant does; its id. */
static int64_t decode_lookup(const PGresult *res)
{
    int64_t id = (int64_t)get_be64(PQgetvalue(res, 0, 0));
    const char *name = PQgetvalue(res, 0, 1);
    int32_t qty = (int32_t)get_be32(PQgetvalue(res, 0, 2));
    double price = get_float8(PQgetvalue(res, 0, 3));
    int64_t created = (int64_t)get_be64(PQgetvalue(res, 0, 4));
    sink += (double)id + qty + price + (double)created + name[0];
    return id;
}

/* ---- case 9: non-blocking throughput, hand-written libpq ------------------ */

/*
 * Four non-blocking connections in pipeline mode, 64 calls in flight on
 * each.  A call is PQsendQueryPrepared (binary in and out) followed by its
 * own PQpipelineSync, so that each is its own implicit transaction and one
 * failing affects no other: what pgc_async promises.  One poll() over the
 * four sockets; a result read sends the next call on the same connection
 * at once, as a completion callback would.  The burst variant instead
 * sends the calls of one wakeup with a single Sync (fewer messages and
 * writes, but the calls of a burst share a transaction: not the same
 * thing, shown as the limit).
 */
typedef struct hand_conn {
    PGconn *pg;
    int64_t expect[PER_CONN];   /* ids of the calls in flight, oldest first */
    int head, count;            /* ring over expect */
    int syncs;                  /* Syncs sent and not yet read back */
    int unsynced;               /* burst: calls sent since the last Sync */
} hand_conn;

static hand_conn hand[CONNS];
static int hand_sent, hand_done, hand_n;
static bool hand_burst;

static void hand_open(void)
{
    for (int i = 0; i < CONNS; i++) {
        hand[i].pg = open_libpq();
        if (!PQenterPipelineMode(hand[i].pg) || PQsetnonblocking(hand[i].pg, 1) != 0)
            die("pipeline mode", PQerrorMessage(hand[i].pg));
    }
}

static void hand_sync(hand_conn *c)
{
    if (!PQpipelineSync(c->pg))
        die("PQpipelineSync", PQerrorMessage(c->pg));
    c->syncs++;
    c->unsynced = 0;
}

static void hand_send(hand_conn *c)
{
    static const int lengths[] = {8}, formats[] = {1};
    char key[8];
    const char *values[] = {key};
    int64_t id = ids[hand_sent++ % IDS];
    put_be64(key, (uint64_t)id);
    if (!PQsendQueryPrepared(c->pg, "lookup", 1, values, lengths, formats, 1))
        die("PQsendQueryPrepared", PQerrorMessage(c->pg));
    c->expect[(c->head + c->count++) % PER_CONN] = id;
    if (hand_burst)
        c->unsynced++;
    else
        hand_sync(c);
}

/* Reads what has come on c: each row completes a call, which sends the next. */
static void hand_read(hand_conn *c)
{
    if (!PQconsumeInput(c->pg))
        die("PQconsumeInput", PQerrorMessage(c->pg));
    while (c->syncs > 0 && !PQisBusy(c->pg)) {
        PGresult *res = PQgetResult(c->pg);
        if (!res)
            continue; /* the end of one call's results */
        switch (PQresultStatus(res)) {
        case PGRES_TUPLES_OK:
            if (PQntuples(res) != 1)
                die("lookup", "not one row");
            check_id("lookup (libpq)", decode_lookup(res), c->expect[c->head]);
            c->head = (c->head + 1) % PER_CONN;
            c->count--;
            hand_done++;
            if (hand_sent < hand_n)
                hand_send(c);
            break;
        case PGRES_PIPELINE_SYNC:
            c->syncs--;
            break;
        default:
            die("lookup (libpq)", PQerrorMessage(c->pg));
        }
        PQclear(res);
    }
    if (c->unsynced > 0)
        hand_sync(c);
}

static int hand_throughput(int n)
{
    hand_sent = hand_done = 0;
    hand_n = n;
    for (int i = 0; i < CONNS; i++) {
        for (int k = 0; k < PER_CONN && hand_sent < n; k++)
            hand_send(&hand[i]);
        if (hand[i].unsynced > 0)
            hand_sync(&hand[i]);
    }
    struct pollfd p[CONNS];
    while (hand_done < n) {
        for (int i = 0; i < CONNS; i++) {
            int pending = PQflush(hand[i].pg);
            if (pending < 0)
                die("PQflush", PQerrorMessage(hand[i].pg));
            p[i] = (struct pollfd){.fd = PQsocket(hand[i].pg),
                                   .events = (short)(POLLIN | (pending ? POLLOUT : 0))};
        }
        if (poll(p, CONNS, -1) < 0 && errno != EINTR)
            die("poll", strerror(errno));
        for (int i = 0; i < CONNS; i++)
            if (p[i].revents & (POLLIN | POLLERR | POLLHUP))
                hand_read(&hand[i]);
    }
    return 0;
}

static int hand_throughput_synced(int n)
{
    hand_burst = false;
    return hand_throughput(n);
}

static int hand_throughput_burst(int n)
{
    hand_burst = true;
    return hand_throughput(n);
}

/* ---- case 9: non-blocking throughput, pgc --------------------------------- */

/*
 * The generated benchq_get_item_send on a pgc_async of 4 connections, 256
 * calls in flight; each call's done function decodes its row
 * (benchq_get_item_recv), checks it and sends the next.  The loop is
 * poll() over what pgc_async_watches names, as a program's own loop.
 */
typedef struct pgc_slot {
    int64_t id; /* the key of the slot's call in flight */
} pgc_slot;

static pgc_db *async_db;
static pgc_async *async_a;
static pgc_slot slots[WINDOW];
static int pgc_sent, pgc_done, pgc_n;

static void pgc_lookup_done(pgc_call *call, void *ud);

static void pgc_lookup_send(pgc_slot *s)
{
    pgc_error err = {0};
    pgc_call *call;
    s->id = ids[pgc_sent++ % IDS];
    if (benchq_get_item_send(async_a, s->id, &call, &err) != PGC_OK)
        die_pgc("benchq_get_item_send", &err);
    pgc_call_on_done(call, pgc_lookup_done, s);
}

static void pgc_lookup_done(pgc_call *call, void *ud)
{
    pgc_slot *s = ud;
    pgc_error err = {0};
    benchq_get_item_row row;
    if (benchq_get_item_recv(call, &row, &err) != PGC_OK)
        die_pgc("benchq_get_item_recv", &err);
    check_id("lookup (pgc)", row.id, s->id);
    sink += (double)row.id + row.qty + row.price + (double)row.created.usec + row.name[0];
    benchq_get_item_row_clear(&row);
    pgc_call_free(call);
    pgc_done++;
    if (pgc_sent < pgc_n)
        pgc_lookup_send(s);
}

static void async_open(void)
{
    pgc_error err = {0};
    pgc_async_options opt = {.connections = CONNS};
    async_db = open_pgc(CONNS);
    if (pgc_async_open(async_db, &opt, &async_a, &err) != PGC_OK)
        die_pgc("pgc_async_open", &err);
}

static int pgc_throughput(int n)
{
    pgc_error err = {0};
    pgc_sent = pgc_done = 0;
    pgc_n = n;
    for (int i = 0; i < WINDOW && pgc_sent < n; i++)
        pgc_lookup_send(&slots[i]);
    pgc_watch w[CONNS];
    struct pollfd p[CONNS];
    while (pgc_done < n) {
        int nw = pgc_async_watches(async_a, w, CONNS);
        if (nw > CONNS)
            die("pgc_async_watches", "more descriptors than connections");
        for (int i = 0; i < nw; i++)
            p[i] = (struct pollfd){.fd = w[i].fd,
                                   .events = (short)((w[i].events & PGC_WANT_READ ? POLLIN : 0)
                                                     | (w[i].events & PGC_WANT_WRITE ? POLLOUT : 0))};
        if (poll(p, (nfds_t)nw, (int)pgc_async_timeout(async_a)) < 0 && errno != EINTR)
            die("poll", strerror(errno));
        for (int i = 0; i < nw; i++) {
            if (!p[i].revents)
                continue;
            int ev = (p[i].revents & (POLLIN | POLLERR | POLLHUP) ? PGC_WANT_READ : 0)
                     | (p[i].revents & POLLOUT ? PGC_WANT_WRITE : 0);
            if (pgc_async_process(async_a, p[i].fd, ev, &err) != PGC_OK)
                die_pgc("pgc_async_process", &err);
        }
    }
    return 0;
}

/* ---- case 10: a pipeline of 3 different queries --------------------------- */

/*
 * One "page": an item, the 10 items after it, and how many items lie in
 * the 100 ids from it.  pgc: three blocking generated calls, or the three
 * NAME_send on a pipe and one pgc_pipe_run.  libpq: three PQexecPrepared,
 * or the three PQsendQueryPrepared in pipeline mode and one Sync.
 */
static pgc_db *pipe_db;
static PGconn *pipe_pg;

static void open_pipe_case(void)
{
    pipe_db = open_pgc(1);
    pipe_pg = open_libpq();
}

static int64_t page_key(int i)
{
    return ids[i % IDS] % (ITEMS - COUNT_SPAN) + 1;
}

static void check_count(const char *what, int64_t n)
{
    if (n != COUNT_SPAN)
        die(what, "wrong count");
}

static int pgc_page_sequential(int n)
{
    pgc_error err = {0};
    for (int i = 0; i < n; i++) {
        int64_t id = page_key(i);
        benchq_get_item_row item;
        if (benchq_get_item(pipe_db, id, &item, &err) != PGC_OK)
            die_pgc("benchq_get_item", &err);
        check_id("page item (pgc)", item.id, id);
        sink += item.price + item.name[0];
        benchq_get_item_row_clear(&item);

        benchq_items_after_iter it;
        benchq_items_after_row next;
        int rows = 0, rc;
        if (benchq_items_after_open(pipe_db, id, &it, &err) != PGC_OK)
            die_pgc("benchq_items_after_open", &err);
        while ((rc = benchq_items_after_next(&it, &next, &err)) == PGC_OK) {
            check_id("page next (pgc)", next.id, id + 1 + rows++);
            sink += next.qty + next.name[0];
        }
        if (rc != PGC_DONE)
            die_pgc("benchq_items_after_next", &err);
        benchq_items_after_close(&it);
        if (rows != PAGE_ROWS)
            die("page next (pgc)", "wrong row count");

        benchq_count_items_between_row count;
        if (benchq_count_items_between(pipe_db, id, id + COUNT_SPAN - 1, &count, &err) != PGC_OK)
            die_pgc("benchq_count_items_between", &err);
        check_count("page count (pgc)", count.n);
    }
    return 0;
}

static int pgc_page_pipe(int n)
{
    pgc_error err = {0};
    for (int i = 0; i < n; i++) {
        int64_t id = page_key(i);
        pgc_async *p;
        pgc_call *c_item, *c_next, *c_count;
        if (pgc_pipe_begin(pipe_db, PGC_PIPE_ATOMIC, &p, &err) != PGC_OK)
            die_pgc("pgc_pipe_begin", &err);
        if (benchq_get_item_send(p, id, &c_item, &err) != PGC_OK
            || benchq_items_after_send(p, id, &c_next, &err) != PGC_OK
            || benchq_count_items_between_send(p, id, id + COUNT_SPAN - 1, &c_count, &err)
                   != PGC_OK)
            die_pgc("pipe send", &err);
        if (pgc_pipe_run(p, &err) != PGC_OK)
            die_pgc("pgc_pipe_run", &err);

        benchq_get_item_row item;
        if (benchq_get_item_recv(c_item, &item, &err) != PGC_OK)
            die_pgc("benchq_get_item_recv", &err);
        check_id("page item (pgc pipe)", item.id, id);
        sink += item.price + item.name[0];
        benchq_get_item_row_clear(&item);

        benchq_items_after_row next;
        int rows = 0, rc;
        while ((rc = benchq_items_after_recv(c_next, rows, &next, &err)) == PGC_OK) {
            check_id("page next (pgc pipe)", next.id, id + 1 + rows++);
            sink += next.qty + next.name[0];
        }
        if (rc != PGC_DONE)
            die_pgc("benchq_items_after_recv", &err);
        if (rows != PAGE_ROWS)
            die("page next (pgc pipe)", "wrong row count");

        benchq_count_items_between_row count;
        if (benchq_count_items_between_recv(c_count, &count, &err) != PGC_OK)
            die_pgc("benchq_count_items_between_recv", &err);
        check_count("page count (pgc pipe)", count.n);

        pgc_call_free(c_item);
        pgc_call_free(c_next);
        pgc_call_free(c_count);
        pgc_async_close(p);
    }
    return 0;
}

static const int key_lengths[] = {8, 8}, key_formats[] = {1, 1};

/* The three results of a page, decoded and checked. */
static void hand_page_item(const PGresult *res, int64_t id)
{
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        die("page item (libpq)", PQresultErrorMessage(res));
    check_id("page item (libpq)", decode_lookup(res), id);
}

static void hand_page_next(const PGresult *res, int64_t id)
{
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != PAGE_ROWS)
        die("page next (libpq)", PQresultErrorMessage(res));
    for (int r = 0; r < PAGE_ROWS; r++) {
        check_id("page next (libpq)", (int64_t)get_be64(PQgetvalue(res, r, 0)), id + 1 + r);
        sink += (int32_t)get_be32(PQgetvalue(res, r, 2)) + PQgetvalue(res, r, 1)[0];
    }
}

static void hand_page_count(const PGresult *res)
{
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        die("page count (libpq)", PQresultErrorMessage(res));
    check_count("page count (libpq)", (int64_t)get_be64(PQgetvalue(res, 0, 0)));
}

static int hand_page_sequential(int n)
{
    char lo[8], hi[8];
    const char *values[] = {lo, hi};
    for (int i = 0; i < n; i++) {
        int64_t id = page_key(i);
        put_be64(lo, (uint64_t)id);
        put_be64(hi, (uint64_t)(id + COUNT_SPAN - 1));
        PGresult *res = PQexecPrepared(pipe_pg, "lookup", 1, values, key_lengths, key_formats, 1);
        hand_page_item(res, id);
        PQclear(res);
        res = PQexecPrepared(pipe_pg, "after", 1, values, key_lengths, key_formats, 1);
        hand_page_next(res, id);
        PQclear(res);
        res = PQexecPrepared(pipe_pg, "between", 2, values, key_lengths, key_formats, 1);
        hand_page_count(res);
        PQclear(res);
    }
    return 0;
}

/* The next result of a pipeline and the NULL that ends it. */
static PGresult *pipeline_result(void)
{
    PGresult *res = PQgetResult(pipe_pg), *end = PQgetResult(pipe_pg);
    if (end)
        die("pipeline (libpq)", "more than one result for a call");
    return res;
}

static int hand_page_pipe(int n)
{
    char lo[8], hi[8];
    const char *values[] = {lo, hi};
    for (int i = 0; i < n; i++) {
        int64_t id = page_key(i);
        put_be64(lo, (uint64_t)id);
        put_be64(hi, (uint64_t)(id + COUNT_SPAN - 1));
        if (!PQenterPipelineMode(pipe_pg)
            || !PQsendQueryPrepared(pipe_pg, "lookup", 1, values, key_lengths, key_formats, 1)
            || !PQsendQueryPrepared(pipe_pg, "after", 1, values, key_lengths, key_formats, 1)
            || !PQsendQueryPrepared(pipe_pg, "between", 2, values, key_lengths, key_formats, 1)
            || !PQpipelineSync(pipe_pg))
            die("pipeline (libpq)", PQerrorMessage(pipe_pg));
        PGresult *res = pipeline_result();
        hand_page_item(res, id);
        PQclear(res);
        res = pipeline_result();
        hand_page_next(res, id);
        PQclear(res);
        res = pipeline_result();
        hand_page_count(res);
        PQclear(res);
        res = PQgetResult(pipe_pg);
        if (PQresultStatus(res) != PGRES_PIPELINE_SYNC)
            die("pipeline (libpq)", "no sync");
        PQclear(res);
        if (!PQexitPipelineMode(pipe_pg))
            die("pipeline exit", PQerrorMessage(pipe_pg));
    }
    return 0;
}

/* ---- running variants side by side ---------------------------------------- */

typedef struct variant {
    const char *name;
    int (*run)(int n);
    double samples[64]; /* µs per operation, one per repetition */
} variant;

/* As client.c: a warm-up pass of each, then `reps` rounds in rotating order. */
static void run_side_by_side(variant *v, int nv, int n, int warm)
{
    for (int k = 0; k < nv; k++)
        if (v[k].run(warm) != 0)
            die(v[k].name, "warm-up failed");
    for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < nv; k++) {
            variant *x = &v[(k + rep) % nv];
            int64_t t0 = bench_now_ns();
            if (x->run(n) != 0)
                die(x->name, "failed");
            x->samples[rep] = (double)(bench_now_ns() - t0) / 1e3 / n;
        }
    }
}

/* One row per variant: µs/op and operations/s (median, min, max), ratio to ref. */
static void print_table(const char *title, const variant *v, int nv, int ref)
{
    printf("\n#### %s (%s; median of %d, min, max)\n\n", title, layout, reps);
    printf("| variant | µs/op | min | max | ops/s (median) | / %s (time) |\n"
           "|---|---:|---:|---:|---:|---:|\n",
           v[ref].name);
    double base = bench_summarise(v[ref].samples, reps).median;
    for (int k = 0; k < nv; k++) {
        bench_stats s = bench_summarise(v[k].samples, reps);
        printf("| %s | %.2f | %.2f | %.2f | %.0f | %.2f |\n", v[k].name, s.median, s.min, s.max,
               1e6 / s.median, s.median / base);
    }
}

/* goal is a speed ratio: b's time / a's time (a is goal times as fast as b). */
static void print_speed_target(const char *what, const variant *a, const variant *b, double goal)
{
    double r = bench_summarise(b->samples, reps).median / bench_summarise(a->samples, reps).median;
    printf("| %s (%s) | speed of %s / %s | %.2f | >= %.2f | %s |\n", what, layout, a->name,
           b->name, r, goal, r >= goal ? "met" : "**missed**");
}

static void print_target_header(void)
{
    printf("\n| target | ratio | measured | goal | |\n|---|---|---:|---:|---|\n");
}

static void case_throughput(void)
{
    hand_open();
    async_open();
    variant v[] = {
        {"pgc_async, generated benchq_get_item_send", pgc_throughput, {0}},
        {"libpq pipelined, a Sync per call", hand_throughput_synced, {0}},
        {"libpq pipelined, a Sync per burst (calls share a transaction)", hand_throughput_burst,
         {0}},
    };
    run_side_by_side(v, 3, THROUGHPUT_CALLS, 2000);
    print_table("9. Non-blocking throughput: point lookups, 256 in flight over 4 connections, one "
                "thread, 50,000 calls",
                v, 3, 1);
    print_target_header();
    print_speed_target("9. async throughput", &v[0], &v[1], 0.95);
    pgc_async_close(async_a);
    if (pgc_db_close(async_db) != PGC_OK)
        die("pgc_db_close", "busy");
    for (int i = 0; i < CONNS; i++)
        PQfinish(hand[i].pg);
}

static void case_pipe(void)
{
    open_pipe_case();
    variant v[] = {
        {"pgc, 3 sequential blocking calls", pgc_page_sequential, {0}},
        {"pgc pipe (pgc_pipe_begin, 3 NAME_send, pgc_pipe_run)", pgc_page_pipe, {0}},
        {"libpq, 3 sequential PQexecPrepared", hand_page_sequential, {0}},
        {"libpq pipeline mode, 3 PQsendQueryPrepared, one Sync", hand_page_pipe, {0}},
    };
    run_side_by_side(v, 4, PIPE_OPS, 50);
    print_table("10. A pipeline of 3 different queries (an item, the 10 after it, a count), 1,000 "
                "pages; per page",
                v, 4, 0);
    print_target_header();
    print_speed_target("10. pipeline", &v[1], &v[0], 2.5);
    print_speed_target("10. pipeline (limit)", &v[3], &v[2], 2.5);
    printf("| 10. pipeline, pgc against libpq (%s) | time of %s / %s | %.2f | | |\n", layout,
           v[1].name, v[3].name,
           bench_summarise(v[1].samples, reps).median / bench_summarise(v[3].samples, reps).median);
    PQfinish(pipe_pg);
    if (pgc_db_close(pipe_db) != PGC_OK)
        die("pgc_db_close", "busy");
}

/* ---- callgrind -------------------------------------------------------------- */

/* One variant once (after a warm-up), for `valgrind --toggle-collect=measured`;
 * only what it uses is opened. */
static int one(const char *case_name, const char *variant_name, int n)
{
    static const struct {
        const char *c, *v;
        int (*run)(int);
        void (*open)(void);
    } all[] = {
        {"throughput", "pgc", pgc_throughput, async_open},
        {"throughput", "hand", hand_throughput_synced, hand_open},
        {"throughput", "burst", hand_throughput_burst, hand_open},
        {"pipe", "pgc-seq", pgc_page_sequential, open_pipe_case},
        {"pipe", "pgc", pgc_page_pipe, open_pipe_case},
        {"pipe", "hand-seq", hand_page_sequential, open_pipe_case},
        {"pipe", "hand", hand_page_pipe, open_pipe_case},
    };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        if (strcmp(all[i].c, case_name) != 0 || strcmp(all[i].v, variant_name) != 0)
            continue;
        all[i].open();
        if (all[i].run(n < 300 ? n : 300) != 0)
            die(variant_name, "warm-up failed");
        return measured(all[i].run, n);
    }
    die("one", "unknown case or variant");
    return 1;
}

static void usage(void)
{
    fputs("usage: async [-r REPS] [-l LAYOUT] throughput|pipe ...\n"
          "       async one throughput|pipe VARIANT N\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    conninfo = getenv("PGC_TEST_CONNINFO");
    if (!conninfo)
        die("PGC_TEST_CONNINFO", "not set (run under build/pgc-tmpcluster)");
    int opt;
    while ((opt = getopt(argc, argv, "r:l:")) != -1) {
        if (opt == 'r')
            reps = atoi(optarg);
        else if (opt == 'l')
            layout = optarg;
        else
            usage();
    }
    if (reps < 1 || reps > 64 || optind >= argc)
        usage();
    for (int i = 0; i < IDS; i++) /* spread over the table, as client.c's lookups */
        ids[i] = (int64_t)(((uint64_t)i * 2654435761u) % ITEMS) + 1;

    if (strcmp(argv[optind], "one") == 0) {
        if (optind + 3 >= argc)
            usage();
        return one(argv[optind + 1], argv[optind + 2], atoi(argv[optind + 3])) == 0 ? 0 : 1;
    }
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "throughput") == 0)
            case_throughput();
        else if (strcmp(argv[i], "pipe") == 0)
            case_pipe();
        else
            usage();
        fflush(stdout);
    }
    if (sink == 42.0) /* keeps the sums alive */
        puts("");
    return 0;
}
