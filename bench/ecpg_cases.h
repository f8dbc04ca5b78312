/*
 * ecpg_cases.h - the ECPG side of the benchmark.  bench/ecpg_cases.pgc is
 * preprocessed twice, by `ecpg` (its default: an unnamed statement
 * prepared for every call) and by `ecpg -r prepare` (each statement
 * prepared once, under a name); VARIANT in its function names becomes
 * `default` or `prepare`.  Each variant has its own connection.
 */
#ifndef PGC_BENCH_ECPG_CASES_H
#define PGC_BENCH_ECPG_CASES_H

#include <stdint.h>

#define ECPG_DECLARE(v)                                                        \
    int ecpg_connect_##v(const char *target);                                 \
    void ecpg_disconnect_##v(void);                                           \
    int ecpg_lookup_##v(const int64_t *ids, int n, double *sum);              \
    int ecpg_scan_##v(int64_t max_id, double *sum);

ECPG_DECLARE(default)
ECPG_DECLARE(prepare)

#endif /* PGC_BENCH_ECPG_CASES_H */
