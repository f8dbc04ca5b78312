/*
 * bench.h - what the benchmark programs share: the clock, repetitions
 * summarised as median/min/max, and the table rows they print.
 */
#ifndef PGC_BENCH_H
#define PGC_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Nanoseconds on the monotonic clock. */
static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct bench_stats {
    double median, min, max;
} bench_stats;

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median (the mean of the middle two for an even count), min and max. */
static inline bench_stats bench_summarise(const double *samples, int n)
{
    double sorted[64];
    bench_stats s = {0, 0, 0};
    if (n <= 0 || n > 64)
        return s;
    memcpy(sorted, samples, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, bench_cmp_double);
    s.min = sorted[0];
    s.max = sorted[n - 1];
    s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return s;
}

#endif /* PGC_BENCH_H */
