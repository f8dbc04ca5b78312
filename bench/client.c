/*
 * client.c - cases 1 to 4 of the benchmark (see BENCHMARKS.md): pgc's
 * generated code (build/bench/gen/benchq.c, from bench/schema) side by side
 * with hand-tuned libpq, naive libpq and ECPG, in one process, alternating,
 * repeated.  Prints markdown tables on stdout.
 *
 *   client setup                 create and load the tables (1,000,000 items)
 *   client [-r REPS] [-l LAYOUT] lookup | scan | insert | pool
 *   client scanmem VARIANT ROWS  one scan, for its peak memory (run in a child)
 *   client one CASE VARIANT N    one variant once, for callgrind
 *                                (--toggle-collect=measured)
 *
 * Connects with $PGC_TEST_CONNINFO (pgc-tmpcluster sets it; ECPG uses
 * $PGDATABASE and libpq's PGHOST/PGPORT).
 */
#define _DEFAULT_SOURCE /* wait4 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#define PGC_BENCH_MEASURED /* bench.h defines measured() */
#include "bench.h"
#include "benchq.h"
#include "ecpg_cases.h"
#include "pgc.h"
#include "trace_hooks.h"

#define ITEMS 1000000       /* rows in items */
#define LOOKUPS 20000       /* case 1 */
#define SCAN_ROWS 100000    /* case 2 */
#define INSERTS 10000       /* case 3 */
#define MAX_VARIANTS 8

static const char *conninfo;
static PGconn *pg;          /* hand-written libpq's connection */
static pgc_db *db;          /* pgc's standalone db */
static int reps = 5;
static const char *layout = "same CPU";
static double sink;          /* results are summed here so no work is optimised away */

static int64_t lookup_ids[LOOKUPS];
static char insert_names[INSERTS][24];
static benchq_copy_items_params insert_rows[INSERTS];

/* ---- helpers -------------------------------------------------------------- */

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench: %s: %s\n", what, why);
    exit(1);
}

static void die_pgc(const char *what, const pgc_error *err)
{
    fprintf(stderr, "bench: %s: %s: %s\n", what, pgc_code_name(err->code), err->message);
    exit(1);
}

static void exec_or_die(const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die(sql, PQerrorMessage(pg));
    PQclear(res);
}

static void prepare_or_die(const char *name, const char *sql, int n, const Oid *types)
{
    PGresult *res = PQprepare(pg, name, sql, n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        die(name, PQerrorMessage(pg));
    PQclear(res);
}

/* Days from 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/*
 * What naive code does with a timestamptz in text, "2024-01-01 00:00:01+00"
 * (the server's TimeZone is UTC here): microseconds since 2000-01-01.
 */
static int64_t parse_timestamptz(const char *s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    double sec = 0;
    sscanf(s, "%d-%d-%d %d:%d:%lf%d", &y, &mo, &d, &h, &mi, &sec, &tz);
    int64_t days = days_from_civil(y, mo, d) - 10957;
    return ((days * 24 + h - tz) * 60 + mi) * 60000000 + (int64_t)(sec * 1e6);
}

/* ---- connections ---------------------------------------------------------- */

static const char LOOKUP_SQL[] = "SELECT id, name, qty, price, created FROM items WHERE id = $1";
static const char SCAN_SQL[] =
    "SELECT id, name, qty, price, created FROM items WHERE id <= $1 ORDER BY id";
static const char INSERT_SQL[] =
    "INSERT INTO ins (id, name, qty, price, created) VALUES ($1, $2, $3, $4, $5)";

static void open_pgc(int max_connections)
{
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    char max[16];
    snprintf(max, sizeof max, "%d", max_connections);
    if (!cfg || pgc_config_set(cfg, "conninfo", conninfo, &err) != PGC_OK
        || pgc_config_set(cfg, "max_connections", max, &err) != PGC_OK
        || pgc_db_open(&db, cfg, NULL, &err) != PGC_OK)
        die_pgc("pgc_db_open", &err);
    pgc_config_free(cfg);
}

static void open_libpq(void)
{
    pg = PQconnectdb(conninfo);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect", PQerrorMessage(pg));
}

static void prepare_libpq(void)
{
    static const Oid lookup_types[] = {20};
    static const Oid insert_types[] = {20, 25, 23, 701, 1184};
    prepare_or_die("lookup", LOOKUP_SQL, 1, lookup_types);
    prepare_or_die("scan", SCAN_SQL, 1, lookup_types);
    prepare_or_die("insert", INSERT_SQL, 5, insert_types);
}

static bool have_ecpg;

static void open_ecpg(void)
{
    const char *dbname = getenv("PGDATABASE");
    if (!dbname)
        dbname = "postgres";
    if (ecpg_connect_default(dbname) != 0 || ecpg_connect_prepare(dbname) != 0)
        die("ecpg", "could not connect (ECPG uses PGHOST, PGPORT and PGDATABASE)");
    have_ecpg = true;
}

static void close_all(void)
{
    if (have_ecpg) {
        ecpg_disconnect_default();
        ecpg_disconnect_prepare();
    }
    PQfinish(pg);
    if (pgc_db_close(db) != PGC_OK)
        die("pgc_db_close", "busy");
}

/* ---- case 1: point lookup ------------------------------------------------- */

static int lookup_pgc(int n)
{
    pgc_error err = {0};
    benchq_get_item_row row;
    for (int i = 0; i < n; i++) {
        if (benchq_get_item(db, lookup_ids[i], &row, &err) != PGC_OK)
            die_pgc("benchq_get_item", &err);
        sink += (double)row.id + row.qty + row.price + (double)row.created.usec + row.name[0];
        benchq_get_item_row_clear(&row);
    }
    return 0;
}

/*
 * What the trace hook costs (BENCHMARKS.md, "Tracing"): the same lookups
 * with a pool hook that does nothing, and with README's latency histogram
 * (examples/trace/trace_hooks.c).  Set before the warm-up and again before
 * the measured run.
 */
static void empty_hook(const pgc_trace_event *ev, void *ud)
{
    (void)ev;
    (void)ud;
}

static void trace_empty(void)
{
    pgc_pool_set_trace(pgc_db_pool(db), empty_hook, NULL);
}

static void trace_histogram(void)
{
    static latency_hist hist;
    static int ready;
    if (!ready)
        latency_hist_init(&hist);
    ready = 1;
    pgc_pool_set_trace(pgc_db_pool(db), latency_hist_hook, &hist);
}

/* The physical limit: a named prepared statement, binary in and out. */
static int lookup_hand(int n)
{
    static const int lengths[] = {8}, formats[] = {1};
    char key[8];
    const char *values[] = {key};
    for (int i = 0; i < n; i++) {
        put_be64(key, (uint64_t)lookup_ids[i]);
        PGresult *res = PQexecPrepared(pg, "lookup", 1, values, lengths, formats, 1);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
            die("lookup", PQerrorMessage(pg));
        int64_t id = (int64_t)get_be64(PQgetvalue(res, 0, 0));
        const char *name = PQgetvalue(res, 0, 1);
        int32_t qty = (int32_t)get_be32(PQgetvalue(res, 0, 2));
        double price = get_float8(PQgetvalue(res, 0, 3));
        int64_t created = (int64_t)get_be64(PQgetvalue(res, 0, 4));
        sink += (double)id + qty + price + (double)created + name[0];
        PQclear(res);
    }
    return 0;
}

/* What most code does: SQL text every call, text in and out. */
static int lookup_naive(int n)
{
    char key[24];
    const char *values[] = {key};
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%lld", (long long)lookup_ids[i]);
        PGresult *res = PQexecParams(pg, LOOKUP_SQL, 1, NULL, values, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
            die("lookup (naive)", PQerrorMessage(pg));
        int64_t id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        const char *name = PQgetvalue(res, 0, 1);
        int32_t qty = (int32_t)strtol(PQgetvalue(res, 0, 2), NULL, 10);
        double price = strtod(PQgetvalue(res, 0, 3), NULL);
        int64_t created = parse_timestamptz(PQgetvalue(res, 0, 4));
        sink += (double)id + qty + price + (double)created + name[0];
        PQclear(res);
    }
    return 0;
}

static int lookup_ecpg_default(int n)
{
    return ecpg_lookup_default(lookup_ids, n, &sink);
}

static int lookup_ecpg_prepare(int n)
{
    return ecpg_lookup_prepare(lookup_ids, n, &sink);
}

/* ---- case 2: scan --------------------------------------------------------- */

static int scan_pgc(int n)
{
    pgc_error err = {0};
    benchq_scan_items_iter it;
    benchq_scan_items_row row;
    int rows = 0, rc;
    if (benchq_scan_items_open(db, n, &it, &err) != PGC_OK)
        die_pgc("benchq_scan_items_open", &err);
    while ((rc = benchq_scan_items_next(&it, &row, &err)) == PGC_OK) {
        sink += (double)row.id + row.qty + row.price + (double)row.created.usec + row.name[0];
        rows++;
    }
    if (rc != PGC_DONE)
        die_pgc("benchq_scan_items_next", &err);
    benchq_scan_items_close(&it);
    return rows == n ? 0 : -1;
}

static void decode_scan_row(const PGresult *res, int i)
{
    int64_t id = (int64_t)get_be64(PQgetvalue(res, i, 0));
    const char *name = PQgetvalue(res, i, 1);
    int32_t qty = (int32_t)get_be32(PQgetvalue(res, i, 2));
    double price = get_float8(PQgetvalue(res, i, 3));
    int64_t created = (int64_t)get_be64(PQgetvalue(res, i, 4));
    sink += (double)id + qty + price + (double)created + name[0];
}

/* The physical limit: one result holding every row, binary. */
static int scan_hand(int n)
{
    static const int lengths[] = {8}, formats[] = {1};
    char key[8];
    const char *values[] = {key};
    put_be64(key, (uint64_t)n);
    PGresult *res = PQexecPrepared(pg, "scan", 1, values, lengths, formats, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        die("scan", PQerrorMessage(pg));
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++)
        decode_scan_row(res, i);
    PQclear(res);
    return rows == n ? 0 : -1;
}

/* Hand-written streaming, as pgc streams: libpq's single-row mode, binary. */
static int scan_hand_single(int n)
{
    static const int lengths[] = {8}, formats[] = {1};
    char key[8];
    const char *values[] = {key};
    put_be64(key, (uint64_t)n);
    if (!PQsendQueryPrepared(pg, "scan", 1, values, lengths, formats, 1)
        || !PQsetSingleRowMode(pg))
        die("scan (single-row)", PQerrorMessage(pg));
    int rows = 0;
    PGresult *res;
    while ((res = PQgetResult(pg))) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_SINGLE_TUPLE) {
            decode_scan_row(res, 0);
            rows++;
        } else if (st != PGRES_TUPLES_OK) {
            die("scan (single-row)", PQerrorMessage(pg));
        }
        PQclear(res);
    }
    return rows == n ? 0 : -1;
}

static int scan_naive(int n)
{
    char key[24];
    const char *values[] = {key};
    snprintf(key, sizeof key, "%d", n);
    PGresult *res = PQexecParams(pg, SCAN_SQL, 1, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        die("scan (naive)", PQerrorMessage(pg));
    int rows = PQntuples(res);
    for (int i = 0; i < rows; i++) {
        int64_t id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        const char *name = PQgetvalue(res, i, 1);
        int32_t qty = (int32_t)strtol(PQgetvalue(res, i, 2), NULL, 10);
        double price = strtod(PQgetvalue(res, i, 3), NULL);
        int64_t created = parse_timestamptz(PQgetvalue(res, i, 4));
        sink += (double)id + qty + price + (double)created + name[0];
    }
    PQclear(res);
    return rows == n ? 0 : -1;
}

static int scan_ecpg(int n)
{
    return ecpg_scan_default(n, &sink);
}

/* ---- case 3: inserts ------------------------------------------------------ */

static void truncate_ins(void)
{
    exec_or_die("TRUNCATE ins");
}

static int insert_pgc_seq(int n)
{
    pgc_error err = {0};
    pgc_db *tx;
    if (pgc_tx_begin(db, &tx, &err) != PGC_OK)
        die_pgc("pgc_tx_begin", &err);
    for (int i = 0; i < n; i++) {
        const benchq_copy_items_params *r = &insert_rows[i];
        if (benchq_insert_item(tx, r->id, r->name, r->qty, r->price, r->created, &err) != PGC_OK)
            die_pgc("benchq_insert_item", &err);
    }
    if (pgc_tx_commit(tx, &err) != PGC_OK)
        die_pgc("pgc_tx_commit", &err);
    return 0;
}

static int insert_pgc_batch(int n)
{
    pgc_error err = {0};
    benchq_queue_item_batch b;
    if (benchq_queue_item_begin(db, &b, &err) != PGC_OK)
        die_pgc("benchq_queue_item_begin", &err);
    for (int i = 0; i < n; i++) {
        const benchq_copy_items_params *r = &insert_rows[i];
        if (benchq_queue_item_queue(&b, r->id, r->name, r->qty, r->price, r->created, &err)
            != PGC_OK)
            die_pgc("benchq_queue_item_queue", &err);
    }
    if (benchq_queue_item_end(&b, &err) != PGC_OK)
        die_pgc("benchq_queue_item_end", &err);
    return 0;
}

static int insert_pgc_copy(int n)
{
    pgc_error err = {0};
    int64_t copied = 0;
    if (benchq_copy_items(db, insert_rows, (size_t)n, &copied, &err) != PGC_OK)
        die_pgc("benchq_copy_items", &err);
    return copied == n ? 0 : -1;
}

/* The five parameters of one row in binary, as hand-tuned code sends them. */
typedef struct hand_params {
    char id[8], qty[4], price[8], created[8];
    const char *values[5];
} hand_params;

static const int insert_lengths[] = {8, 0, 4, 8, 8};
static const int insert_formats[] = {1, 0, 1, 1, 1};

static void hand_encode(hand_params *p, const benchq_copy_items_params *r)
{
    put_be64(p->id, (uint64_t)r->id);
    put_be32(p->qty, (uint32_t)r->qty);
    put_float8(p->price, r->price);
    put_be64(p->created, (uint64_t)r->created.usec);
    p->values[0] = p->id;
    p->values[1] = r->name;
    p->values[2] = p->qty;
    p->values[3] = p->price;
    p->values[4] = p->created;
}

static int insert_hand_seq(int n)
{
    hand_params p;
    exec_or_die("BEGIN");
    for (int i = 0; i < n; i++) {
        hand_encode(&p, &insert_rows[i]);
        PGresult *res = PQexecPrepared(pg, "insert", 5, p.values, insert_lengths,
                                       insert_formats, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            die("insert", PQerrorMessage(pg));
        PQclear(res);
    }
    exec_or_die("COMMIT");
    return 0;
}

/* Pipeline mode, one sync: one implicit transaction, as pgc's batch. */
static int insert_hand_pipeline(int n)
{
    hand_params p;
    if (!PQenterPipelineMode(pg))
        die("pipeline", PQerrorMessage(pg));
    for (int i = 0; i < n; i++) {
        hand_encode(&p, &insert_rows[i]);
        if (!PQsendQueryPrepared(pg, "insert", 5, p.values, insert_lengths, insert_formats, 0))
            die("pipeline send", PQerrorMessage(pg));
    }
    if (!PQpipelineSync(pg))
        die("pipeline sync", PQerrorMessage(pg));
    for (int i = 0; i < n; i++) {
        PGresult *res = PQgetResult(pg);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            die("pipeline result", PQerrorMessage(pg));
        PQclear(res);
        if ((res = PQgetResult(pg)) != NULL) /* the NULL that ends each call */
            die("pipeline", "more than one result for a call");
    }
    PGresult *res = PQgetResult(pg);
    if (PQresultStatus(res) != PGRES_PIPELINE_SYNC)
        die("pipeline", "no sync");
    PQclear(res);
    if (!PQexitPipelineMode(pg))
        die("pipeline exit", PQerrorMessage(pg));
    return 0;
}

/* Binary COPY written by hand into a buffer sent in 64 KiB pieces. */
static int insert_hand_copy(int n)
{
    static const char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    char buf[65536 + 256];
    size_t len = 0;
    PGresult *res = PQexec(pg, "COPY ins (id, name, qty, price, created) FROM STDIN (FORMAT binary)");
    if (PQresultStatus(res) != PGRES_COPY_IN)
        die("copy", PQerrorMessage(pg));
    PQclear(res);
    memcpy(buf, header, 19);
    len = 19;
    for (int i = 0; i < n; i++) {
        const benchq_copy_items_params *r = &insert_rows[i];
        size_t name_len = strlen(r->name);
        if (len + 64 + name_len > sizeof buf - 64) {
            if (PQputCopyData(pg, buf, (int)len) != 1)
                die("copy data", PQerrorMessage(pg));
            len = 0;
        }
        char *p = buf + len;
        p[0] = 0, p[1] = 5, p += 2;
        put_be32(p, 8), put_be64(p + 4, (uint64_t)r->id), p += 12;
        put_be32(p, (uint32_t)name_len), memcpy(p + 4, r->name, name_len), p += 4 + name_len;
        put_be32(p, 4), put_be32(p + 4, (uint32_t)r->qty), p += 8;
        put_be32(p, 8), put_float8(p + 4, r->price), p += 12;
        put_be32(p, 8), put_be64(p + 4, (uint64_t)r->created.usec), p += 12;
        len = (size_t)(p - buf);
    }
    buf[len++] = (char)0xff, buf[len++] = (char)0xff; /* the trailer: -1 fields */
    if (PQputCopyData(pg, buf, (int)len) != 1 || PQputCopyEnd(pg, NULL) != 1)
        die("copy end", PQerrorMessage(pg));
    res = PQgetResult(pg);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        die("copy", PQerrorMessage(pg));
    PQclear(res);
    while ((res = PQgetResult(pg)))
        PQclear(res);
    return 0;
}

/* ---- running variants side by side ---------------------------------------- */

typedef struct variant {
    const char *name;
    int (*run)(int n);
    double samples[64];      /* µs per operation, one per repetition */
} variant;

/*
 * Runs every variant `reps` times on n operations, in an order that
 * rotates from one repetition to the next, after one warm-up pass of each
 * (prepares statements, fills caches).  before() (may be NULL) runs
 * untimed before each timed run.
 */
static void run_side_by_side(variant *v, int nv, int n, int warm, void (*before)(void))
{
    for (int k = 0; k < nv; k++) {
        if (before)
            before();
        if (v[k].run(warm) != 0)
            die(v[k].name, "warm-up failed");
    }
    for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < nv; k++) {
            variant *x = &v[(k + rep) % nv];
            if (before)
                before();
            int64_t t0 = bench_now_ns();
            if (x->run(n) != 0)
                die(x->name, "failed");
            x->samples[rep] = (double)(bench_now_ns() - t0) / 1e3 / n;
        }
    }
}

static bench_stats stats_of(const variant *v)
{
    return bench_summarise(v->samples, reps);
}

/* One row per variant: median, min, max in µs/op, and the ratio to ref. */
static void print_table(const char *title, const variant *v, int nv, int ref)
{
    printf("\n#### %s (%s; µs per operation; median of %d, min, max)\n\n", title, layout, reps);
    printf("| variant | median | min | max | / %s |\n|---|---:|---:|---:|---:|\n", v[ref].name);
    double base = stats_of(&v[ref]).median;
    for (int k = 0; k < nv; k++) {
        bench_stats s = stats_of(&v[k]);
        printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", v[k].name, s.median, s.min, s.max,
               s.median / base);
    }
}

/* A ratio of two variants' medians against its target. */
static void print_target(const char *what, const variant *a, const variant *b, const char *cmp,
                         double goal)
{
    double r = stats_of(a).median / stats_of(b).median;
    bool met = strcmp(cmp, "<=") == 0 ? r <= goal : r >= goal;
    printf("| %s (%s) | %s / %s | %.2f | %s %.2f | %s |\n", what, layout, a->name, b->name, r, cmp,
           goal, met ? "met" : "**missed**");
}

static void print_target_header(void)
{
    printf("\n| target | ratio | measured | goal | |\n|---|---|---:|---:|---|\n");
}

static void case_lookup(void)
{
    variant v[] = {
        {"pgc (generated :one)", lookup_pgc, {0}},
        {"libpq hand-tuned (PQexecPrepared, binary)", lookup_hand, {0}},
        {"libpq naive (PQexecParams, text)", lookup_naive, {0}},
        {"ECPG default", lookup_ecpg_default, {0}},
        {"ECPG -r prepare", lookup_ecpg_prepare, {0}},
    };
    run_side_by_side(v, 5, LOOKUPS, 1000, NULL);
    print_table("1. Point lookup by primary key, 5 columns, 20,000 calls", v, 5, 1);
    print_target_header();
    print_target("1. lookup", &v[0], &v[1], "<=", 1.05);
    print_target("1. lookup", &v[3], &v[0], ">=", 1.3);
    print_target("1. lookup", &v[4], &v[0], ">=", 1.3);
}

static void case_scan(void)
{
    variant v[] = {
        {"pgc (generated :many, streamed)", scan_pgc, {0}},
        {"libpq hand-tuned (one result, binary)", scan_hand, {0}},
        {"libpq single-row mode, binary", scan_hand_single, {0}},
        {"libpq naive (PQexecParams, text)", scan_naive, {0}},
        {"ECPG cursor, FETCH 1000", scan_ecpg, {0}},
    };
    run_side_by_side(v, 5, SCAN_ROWS, 1000, NULL);
    print_table("2. Scan of 100,000 rows decoded into C values (per row)", v, 5, 1);
    print_target_header();
    print_target("2. scan", &v[0], &v[1], "<=", 1.10);
    print_target("2. scan", &v[4], &v[0], ">=", 2.0);
}

static void case_insert(void)
{
    variant v[] = {
        {"pgc :exec, one transaction", insert_pgc_seq, {0}},
        {"libpq PQexecPrepared, one transaction", insert_hand_seq, {0}},
        {"pgc :batchexec (pipeline)", insert_pgc_batch, {0}},
        {"libpq pipeline, one sync", insert_hand_pipeline, {0}},
        {"pgc :copyfrom", insert_pgc_copy, {0}},
        {"libpq COPY binary", insert_hand_copy, {0}},
    };
    run_side_by_side(v, 6, INSERTS, 100, truncate_ins);
    print_table("3. 10,000 inserts (per row)", v, 6, 0);
    print_target_header();
    print_target("3. inserts", &v[0], &v[2], ">=", 5);
    print_target("3. inserts", &v[0], &v[4], ">=", 10);
    print_target("3. inserts", &v[2], &v[3], "<=", 1.2);
    print_target("3. inserts", &v[4], &v[5], "<=", 1.2);
}

/* ---- case 4: pool under contention ---------------------------------------- */

typedef struct worker {
    pthread_t thread;
    int index;
    long calls;
} worker;

static atomic_int pool_go, pool_stop;
static pgc_db *pool_db;

static void *pool_worker(void *arg)
{
    worker *w = arg;
    pgc_error err = {0};
    benchq_get_item_row row;
    while (!atomic_load(&pool_go))
        ;
    uint64_t id = (uint64_t)w->index * 7919;
    while (!atomic_load_explicit(&pool_stop, memory_order_relaxed)) {
        id = (id * 6364136223846793005u + 1442695040888963407u);
        if (benchq_get_item(pool_db, (int64_t)(id >> 33) % ITEMS + 1, &row, &err) != PGC_OK)
            die_pgc("benchq_get_item (pool)", &err);
        sink += row.qty;
        benchq_get_item_row_clear(&row);
        w->calls++;
    }
    return NULL;
}

#define POOL_CONNECTIONS 2
#define POOL_SECONDS 1

static void case_pool(void)
{
    static const int threads[] = {2, 4, 8};
    pgc_db *saved = db;
    open_pgc(POOL_CONNECTIONS);
    pool_db = db;
    db = saved;
    printf("\n#### 4. Pool under contention: %d connections, point lookups, %d s per run (%s; "
           "median of %d)\n\n",
           POOL_CONNECTIONS, POOL_SECONDS, layout, reps);
    printf("| threads | calls/s median | min | max | per-thread max/min: median | worst run "
           "| goal (median) |\n|---:|---:|---:|---:|---:|---:|---|\n");
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        int nt = threads[t];
        double rate[64], spread[64], worst = 0;
        for (int rep = 0; rep < reps; rep++) {
            worker w[8];
            atomic_store(&pool_go, 0);
            atomic_store(&pool_stop, 0);
            for (int i = 0; i < nt; i++) {
                w[i] = (worker){.index = i + 1, .calls = 0};
                if (pthread_create(&w[i].thread, NULL, pool_worker, &w[i]) != 0)
                    die("pthread_create", strerror(errno));
            }
            int64_t t0 = bench_now_ns();
            atomic_store(&pool_go, 1);
            sleep(POOL_SECONDS);
            atomic_store(&pool_stop, 1);
            long total = 0, lo = -1, hi = 0;
            for (int i = 0; i < nt; i++) {
                pthread_join(w[i].thread, NULL);
                total += w[i].calls;
                lo = lo < 0 || w[i].calls < lo ? w[i].calls : lo;
                hi = w[i].calls > hi ? w[i].calls : hi;
            }
            rate[rep] = (double)total / ((double)(bench_now_ns() - t0) / 1e9);
            spread[rep] = lo > 0 ? (double)hi / (double)lo : 1e9;
            worst = spread[rep] > worst ? spread[rep] : worst;
        }
        bench_stats s = bench_summarise(rate, reps);
        double fair = bench_summarise(spread, reps).median;
        printf("| %d | %.0f | %.0f | %.0f | %.2f | %.2f | max/min <= 2: %s |\n", nt, s.median,
               s.min, s.max, fair, worst, fair <= 2 ? "met" : "**missed**");
    }
    if (pgc_db_close(pool_db) != PGC_OK)
        die("pgc_db_close", "busy");
}

/* ---- case 7: what pool hygiene and stream guards cost ----------------------- */

static pgc_db *reset_db, *reset_unnamed_db;

/* A standalone db of one connection with reset=discard_all (and `statements`). */
static pgc_db *open_reset(const char *statements)
{
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    pgc_db *out = NULL;
    if (!cfg || pgc_config_set(cfg, "conninfo", conninfo, &err) != PGC_OK
        || pgc_config_set(cfg, "max_connections", "1", &err) != PGC_OK
        || pgc_config_set(cfg, "reset", "discard_all", &err) != PGC_OK
        || pgc_config_set(cfg, "statements", statements, &err) != PGC_OK
        || pgc_db_open(&out, cfg, NULL, &err) != PGC_OK)
        die_pgc("pgc_db_open (reset)", &err);
    pgc_config_free(cfg);
    return out;
}

static int lookup_on(pgc_db *on, int n)
{
    pgc_error err = {0};
    benchq_get_item_row row;
    for (int i = 0; i < n; i++) {
        if (benchq_get_item(on, lookup_ids[i], &row, &err) != PGC_OK)
            die_pgc("benchq_get_item (reset)", &err);
        sink += (double)row.qty;
        benchq_get_item_row_clear(&row);
    }
    return 0;
}

static int lookup_reset(int n)
{
    return lookup_on(reset_db, n);
}

static int lookup_reset_unnamed(int n)
{
    return lookup_on(reset_unnamed_db, n);
}

/*
 * One row streamed by a statement that locks it: FOR SHARE reads only and
 * runs unguarded; FOR UPDATE names UPDATE, so the stream runs it inside
 * BEGIN ... COMMIT (pgc_stream_close in pgc.h).  The same server work
 * otherwise: the difference is the guard's cost.
 */
static int stream_one(const pgc_stmt *stmt, int n)
{
    pgc_error err = {0};
    char key[24];
    const char *values[] = {key};
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "%lld", (long long)lookup_ids[i]);
        pgc_stream *st;
        pgc_result *row;
        if (pgc_stream_open(db, stmt, values, NULL, NULL, &st, &err) != PGC_OK)
            die_pgc("pgc_stream_open", &err);
        int rc;
        while ((rc = pgc_stream_next(st, &row, &err)) == PGC_OK)
            sink += (double)pgc_result_rows(row);
        if (rc != PGC_DONE)
            die_pgc("pgc_stream_next", &err);
        pgc_stream_close(st);
    }
    return 0;
}

static int stream_for_share(int n)
{
    static const pgc_stmt stmt = {.name = "bench_for_share",
                                  .sql = "SELECT id, qty FROM items WHERE id = $1 FOR SHARE",
                                  .nparams = 1};
    return stream_one(&stmt, n);
}

static int stream_for_update(int n)
{
    static const pgc_stmt stmt = {.name = "bench_for_update",
                                  .sql = "SELECT id, qty FROM items WHERE id = $1 FOR UPDATE",
                                  .nparams = 1};
    return stream_one(&stmt, n);
}

#define HYGIENE_CALLS 5000

static void case_hygiene(void)
{
    reset_db = open_reset("named");
    reset_unnamed_db = open_reset("unnamed");
    variant v[] = {
        {"pgc lookup, reset=none (default)", lookup_pgc, {0}},
        {"pgc lookup, reset=discard_all", lookup_reset, {0}},
        {"pgc lookup, reset=discard_all, statements=unnamed", lookup_reset_unnamed, {0}},
    };
    run_side_by_side(v, 3, HYGIENE_CALLS, 200, NULL);
    print_table("7a. reset=discard_all: point lookups, 5,000 calls", v, 3, 0);
    variant g[] = {
        {"stream of 1 row, FOR SHARE (read-only: unguarded)", stream_for_share, {0}},
        {"stream of 1 row, FOR UPDATE (guarded: BEGIN/COMMIT)", stream_for_update, {0}},
    };
    run_side_by_side(g, 2, HYGIENE_CALLS, 200, NULL);
    print_table("7b. The stream guard: one-row streams, 5,000 calls", g, 2, 0);
    if (pgc_db_close(reset_db) != PGC_OK || pgc_db_close(reset_unnamed_db) != PGC_OK)
        die("pgc_db_close", "busy");
}

/* ---- setup, peak memory, callgrind ----------------------------------------- */

static void setup(void)
{
    pgc_error err = {0};
    if (benchq_migrate(db, &err) != PGC_OK)
        die_pgc("benchq_migrate", &err);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO items SELECT g, 'item-' || g, g %% 1000, g * 0.25, "
             "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' "
             "FROM generate_series(1, %d) AS g",
             ITEMS);
    exec_or_die("TRUNCATE items");
    exec_or_die(sql);
    exec_or_die("VACUUM ANALYZE items");
}

/* One scan by `variant` of `rows` rows, for a child's peak memory. */
static int scanmem(const char *variant_name, int rows)
{
    if (strcmp(variant_name, "pgc") == 0)
        return scan_pgc(rows);
    if (strcmp(variant_name, "hand") == 0)
        return scan_hand(rows);
    die("scanmem", "variant is pgc or hand");
    return -1;
}

/* Runs `self scanmem VARIANT ROWS` in a child; its peak RSS in KiB. */
static long child_peak_kib(const char *self, const char *variant_name, int rows)
{
    char nrows[16];
    snprintf(nrows, sizeof nrows, "%d", rows);
    pid_t pid = fork();
    if (pid < 0)
        die("fork", strerror(errno));
    if (pid == 0) {
        execl(self, self, "scanmem", variant_name, nrows, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("scanmem", "the child failed");
    return ru.ru_maxrss;
}

static void case_scan_memory(void)
{
    const char *self = "/proc/self/exe";
    printf("\n#### 2b. Peak memory of a whole scan process (RSS, KiB)\n\n"
           "| rows | pgc :many (streamed) | libpq hand-tuned (one result) |\n|---:|---:|---:|\n");
    long pgc_small = child_peak_kib(self, "pgc", 100000);
    long pgc_large = child_peak_kib(self, "pgc", ITEMS);
    long hand_small = child_peak_kib(self, "hand", 100000);
    long hand_large = child_peak_kib(self, "hand", ITEMS);
    printf("| 100,000 | %ld | %ld |\n| 1,000,000 | %ld | %ld |\n", pgc_small, hand_small,
           pgc_large, hand_large);
    printf("\n| target | ratio | measured | goal | |\n|---|---|---:|---:|---|\n"
           "| 2. scan memory | pgc peak 1M rows / 100k rows | %.2f | <= 1.10 | %s |\n",
           (double)pgc_large / (double)pgc_small,
           pgc_large <= pgc_small * 1.1 ? "met" : "**missed**");
}

static int one(const char *case_name, const char *variant_name, int n)
{
    static const struct {
        const char *c, *v;
        int (*run)(int);
        void (*before)(void);
    } all[] = {
        {"lookup", "pgc", lookup_pgc, NULL},
        {"lookup", "pgc-trace-empty", lookup_pgc, trace_empty},
        {"lookup", "pgc-trace-histogram", lookup_pgc, trace_histogram},
        {"lookup", "hand", lookup_hand, NULL},
        {"lookup", "naive", lookup_naive, NULL},
        {"lookup", "ecpg", lookup_ecpg_default, NULL},
        {"lookup", "ecpg-prepare", lookup_ecpg_prepare, NULL},
        {"scan", "pgc", scan_pgc, NULL},
        {"scan", "hand", scan_hand, NULL},
        {"scan", "single", scan_hand_single, NULL},
        {"scan", "naive", scan_naive, NULL},
        {"scan", "ecpg", scan_ecpg, NULL},
        {"seq", "pgc", insert_pgc_seq, truncate_ins},
        {"seq", "hand", insert_hand_seq, truncate_ins},
        {"batch", "pgc", insert_pgc_batch, truncate_ins},
        {"batch", "hand", insert_hand_pipeline, truncate_ins},
        {"copy", "pgc", insert_pgc_copy, truncate_ins},
        {"copy", "hand", insert_hand_copy, truncate_ins},
    };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        if (strcmp(all[i].c, case_name) != 0 || strcmp(all[i].v, variant_name) != 0)
            continue;
        if (all[i].before)
            all[i].before();
        if (all[i].run(n < 100 ? n : 100) != 0) /* warm-up: prepare, first connection */
            die(variant_name, "warm-up failed");
        if (all[i].before)
            all[i].before();
        return measured(all[i].run, n);
    }
    die("one", "unknown case or variant");
    return 1;
}

static void usage(void)
{
    fputs("usage: client [-r REPS] [-l LAYOUT] setup|lookup|scan|scanmemory|insert|pool|hygiene ...\n"
          "       client scanmem pgc|hand ROWS\n"
          "       client one lookup|scan|seq|batch|copy pgc|hand|... N\n",
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

    for (int i = 0; i < LOOKUPS; i++) /* spread over the table, the same for everyone */
        lookup_ids[i] = (int64_t)(((uint64_t)i * 2654435761u) % ITEMS) + 1;
    for (int i = 0; i < INSERTS; i++) {
        snprintf(insert_names[i], sizeof insert_names[i], "inserted-%d", i);
        insert_rows[i] = (benchq_copy_items_params){
            .id = i + 1,
            .name = insert_names[i],
            .qty = i % 1000,
            .price = i * 0.25,
            .created = {.usec = INT64_C(757382400000000) + (int64_t)i * 1000000},
        };
    }

    const char *first = argv[optind];
    open_pgc(1);
    open_libpq();
    if (strcmp(first, "setup") == 0) {
        setup();
        close_all();
        return 0;
    }
    prepare_libpq();
    if (strcmp(first, "scanmem") == 0) {
        if (optind + 2 >= argc)
            usage();
        int rc = scanmem(argv[optind + 1], atoi(argv[optind + 2]));
        close_all();
        return rc == 0 ? 0 : 1;
    }
    if (strcmp(first, "one") == 0) {
        if (optind + 3 >= argc)
            usage();
        open_ecpg();
        int rc = one(argv[optind + 1], argv[optind + 2], atoi(argv[optind + 3]));
        close_all();
        return rc == 0 ? 0 : 1;
    }
    open_ecpg();
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "lookup") == 0)
            case_lookup();
        else if (strcmp(argv[i], "scan") == 0)
            case_scan();
        else if (strcmp(argv[i], "scanmemory") == 0)
            case_scan_memory();
        else if (strcmp(argv[i], "insert") == 0)
            case_insert();
        else if (strcmp(argv[i], "pool") == 0)
            case_pool();
        else if (strcmp(argv[i], "hygiene") == 0)
            case_hygiene();
        else
            usage();
        fflush(stdout);
    }
    close_all();
    if (sink == 42.0) /* keeps the sums alive */
        puts("");
    return 0;
}
