/*
 * bench.h - what the benchmark programs share: the clock, repetitions
 * summarised as median/min/max, and PostgreSQL's binary (big-endian) forms
 * of the integers and doubles they send and decode by hand.
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

/* Big-endian integers and doubles: libpq's binary parameters and results. */
static inline uint64_t get_be64(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | u[i];
    return v;
}

static inline uint32_t get_be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static inline void put_be64(char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (char)(v & 0xff);
}

static inline void put_be32(char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (char)(v & 0xff);
}

static inline double get_float8(const char *p)
{
    uint64_t u = get_be64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline void put_float8(char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    put_be64(p, u);
}

/*
 * The function callgrind counts (valgrind --toggle-collect=measured): n
 * operations of one variant, nothing else of the process.  Kept out of
 * line so that callgrind sees it; defined once per program, in the one
 * source file of client.c and async.c that defines PGC_BENCH_MEASURED.
 */
#ifdef PGC_BENCH_MEASURED
#if defined(__GNUC__) || defined(__clang__)
#define PGC_NOINLINE __attribute__((noinline))
#else
#define PGC_NOINLINE
#endif
PGC_NOINLINE int measured(int (*run)(int), int n);
PGC_NOINLINE int measured(int (*run)(int), int n)
{
    return run(n);
}
#endif

#endif /* PGC_BENCH_H */
