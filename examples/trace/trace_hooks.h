/*
 * trace_hooks.h - two statement hooks built on pgc's trace hook
 * (pgc_pool_set_trace, pgc_db_set_trace): a slow-query log and a
 * per-statement latency histogram (log2 buckets, thread-safe).  Copy them
 * into your program; tests/test_trace.c and `make bench` run them.
 */
#ifndef TRACE_HOOKS_H
#define TRACE_HOOKS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "pgc.h"

/* ---- slow-query log ------------------------------------------------------ */

typedef struct slow_log {
    int64_t threshold_ns;   /* log statements that take this long or fail */
    FILE *out;
} slow_log;

/* The hook: ud is a slow_log. */
void slow_log_hook(const pgc_trace_event *ev, void *ud);

/* ---- latency histogram ------------------------------------------------------ */

/* Bucket b counts durations in [2^b, 2^(b+1)) ns; the last takes the rest. */
#define LATENCY_BUCKETS 40
/* Statements kept apart (schema and name); more are counted as dropped. */
#define LATENCY_SLOTS 128

typedef struct latency_stat {
    char schema[32];        /* "" standalone; longer names are cut */
    char statement[64];     /* the query's name, "(exec)" for pgc_exec */
    uint64_t count;
    uint64_t failed;
    int64_t total_ns, max_ns;
    uint64_t buckets[LATENCY_BUCKETS];
} latency_stat;

typedef struct latency_hist {
    pthread_mutex_t lock;
    latency_stat slots[LATENCY_SLOTS];  /* open addressing; statement[0] == 0: free */
    uint64_t dropped;
} latency_hist;

void latency_hist_init(latency_hist *h);
void latency_hist_destroy(latency_hist *h);

/* The hook: ud is a latency_hist. */
void latency_hist_hook(const pgc_trace_event *ev, void *ud);

/* Copies the figures of one statement (schema NULL standalone) into *out;
 * 0 if it has none. */
int latency_hist_get(latency_hist *h, const char *schema, const char *statement,
                     latency_stat *out);

/* The upper bound in ns of the bucket holding quantile q (0..1) of s. */
int64_t latency_quantile_ns(const latency_stat *s, double q);

/* One line per statement: count, failures, mean, p50, p99, max. */
void latency_hist_print(latency_hist *h, FILE *out);

#endif
