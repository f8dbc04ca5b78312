/*
 * rel.h - helpers shared by the reliability suites (tests/reliability/):
 * sizes from the environment, server state read over a plain libpq
 * connection (never through pgc, so that what pgc reports is checked
 * against what the server holds), figures printed for RELIABILITY.md.
 */
#ifndef PGC_REL_H
#define PGC_REL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pgc.h"
#include "pgc_test.h"

#if defined(__GNUC__) || defined(__clang__)
#define REL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define REL_PRINTF(fmt, args)
#endif

#define REL_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The integer in environment variable `name`, or `dflt` when unset; a
 * value that is not a whole number from 1 to max fails the test run. */
int rel_size(const char *name, int dflt, int max);

/* Seconds on the monotonic clock. */
double rel_now(void);
void rel_sleep_ms(long ms);

/*
 * The first value of the first row of SQL run on `conninfo` over a fresh
 * libpq connection, malloc'd (NULL: no row or NULL).  A server error fails
 * the test.
 */
char *rel_scalar(const char *conninfo, const char *fmt, ...) REL_PRINTF(2, 3);
/* The same, as an integer (-1 for no value). */
long long rel_count(const char *conninfo, const char *fmt, ...) REL_PRINTF(2, 3);

/*
 * A config for conninfo with extra KEY, VALUE pairs ending in NULL; the
 * test fails if a setting is refused.  Free with pgc_config_free().
 */
pgc_config *rel_config(const char *conninfo, ...);

/* One line of figures, "rel: ..." on stdout, for RELIABILITY.md. */
void rel_report(const char *fmt, ...) REL_PRINTF(1, 2);

/* Asserts rc == PGC_OK, printing the error record if not. */
#define rel_ok(rc, err)                                                                \
    do {                                                                               \
        int rc_ = (rc);                                                                \
        if (rc_ != PGC_OK)                                                             \
            print_error("unexpected error: %s: %s [sqlstate %s]\n", pgc_code_name(rc_), \
                        (err)->message, (err)->sqlstate);                              \
        assert_int_equal(rc_, PGC_OK);                                                 \
    } while (0)

/* Asserts rc == code, printing the error record if not. */
#define rel_fails(rc, code, err)                                                       \
    do {                                                                               \
        int rc_ = (rc);                                                                \
        if (rc_ != (code))                                                             \
            print_error("expected %s, got %s: %s\n", pgc_code_name(code),             \
                        pgc_code_name(rc_), (err)->message);                           \
        assert_int_equal(rc_, (code));                                                 \
    } while (0)

#endif
