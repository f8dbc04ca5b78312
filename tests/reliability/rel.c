/*
 * rel.c - helpers shared by the reliability suites; see rel.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "rel.h"

int rel_size(const char *name, int dflt, int max)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < 1 || n > max) {
        fprintf(stderr, "%s=%s: not a whole number from 1 to %d\n", name, v, max);
        exit(2);
    }
    return (int)n;
}

double rel_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rel_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static char *vscalar(const char *conninfo, const char *fmt, va_list ap) REL_PRINTF(2, 0);
static char *vscalar(const char *conninfo, const char *fmt, va_list ap)
{
    char sql[8192];
    int n = vsnprintf(sql, sizeof sql, fmt, ap);
    assert_true(n >= 0 && (size_t)n < sizeof sql);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        print_error("rel_scalar: %s", PQerrorMessage(conn));
        PQfinish(conn);
        fail();
    }
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
        print_error("rel_scalar(%s): %s", sql, PQresultErrorMessage(res));
        PQclear(res);
        PQfinish(conn);
        fail();
    }
    char *out = NULL;
    if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
        out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(conn);
    return out;
}

char *rel_scalar(const char *conninfo, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vscalar(conninfo, fmt, ap);
    va_end(ap);
    return v;
}

long long rel_count(const char *conninfo, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = vscalar(conninfo, fmt, ap);
    va_end(ap);
    long long n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

pgc_config *rel_config(const char *conninfo, ...)
{
    pgc_config *cfg = pgc_config_new();
    assert_non_null(cfg);
    pgc_error err = {0};
    rel_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    va_list ap;
    va_start(ap, conninfo);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        rel_ok(pgc_config_set(cfg, key, value, &err), &err);
    }
    va_end(ap);
    return cfg;
}

void rel_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("rel: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(ap);
}
