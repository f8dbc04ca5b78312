/*
 * values.c - C values of PostgreSQL types: the binary encoders and decoders
 * that generated code calls (pgc.h, "values").  Binary formats are
 * PostgreSQL's send and receive ones: network byte order, times since 2000.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PQ(res) ((const PGresult *)pgc_result_pq((pgc_result *)(uintptr_t)(res)))

static void put_be(char *buf, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        buf[i] = (char)(unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be(const char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | (unsigned char)p[i];
    return v;
}

const char *pgc_put_int2(char *buf, int16_t v)
{
    put_be(buf, (uint16_t)v, 2);
    return buf;
}

const char *pgc_put_int4(char *buf, int32_t v)
{
    put_be(buf, (uint32_t)v, 4);
    return buf;
}

const char *pgc_put_int8(char *buf, int64_t v)
{
    put_be(buf, (uint64_t)v, 8);
    return buf;
}

const char *pgc_put_float4(char *buf, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    put_be(buf, u, 4);
    return buf;
}

const char *pgc_put_float8(char *buf, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_be(buf, u, 8);
    return buf;
}

const char *pgc_put_bool(char *buf, bool v)
{
    buf[0] = v ? 1 : 0;
    return buf;
}

const char *pgc_put_uuid(char *buf, pgc_uuid v)
{
    memcpy(buf, v.b, sizeof v.b);
    return buf;
}

const char *pgc_put_date(char *buf, pgc_date v)
{
    return pgc_put_int4(buf, v.days);
}

const char *pgc_put_timestamp(char *buf, pgc_timestamp v)
{
    return pgc_put_int8(buf, v.usec);
}

/* The value's bytes if it is not NULL and has n bytes, else NULL. */
static const char *fixed(const pgc_result *res, int row, int col, int n)
{
    const PGresult *r = PQ(res);
    if (!r || PQgetisnull(r, row, col) || PQgetlength(r, row, col) != n)
        return NULL;
    return PQgetvalue(r, row, col);
}

int16_t pgc_get_int2(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 2);
    return p ? (int16_t)(uint16_t)get_be(p, 2) : 0;
}

int32_t pgc_get_int4(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 4);
    return p ? (int32_t)(uint32_t)get_be(p, 4) : 0;
}

int64_t pgc_get_int8(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 8);
    return p ? (int64_t)get_be(p, 8) : 0;
}

float pgc_get_float4(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 4);
    uint32_t u = p ? (uint32_t)get_be(p, 4) : 0;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

double pgc_get_float8(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 8);
    uint64_t u = p ? get_be(p, 8) : 0;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

bool pgc_get_bool(const pgc_result *res, int row, int col)
{
    const char *p = fixed(res, row, col, 1);
    return p && *p != 0;
}

pgc_uuid pgc_get_uuid(const pgc_result *res, int row, int col)
{
    pgc_uuid v = {{0}};
    const char *p = fixed(res, row, col, 16);
    if (p)
        memcpy(v.b, p, sizeof v.b);
    return v;
}

pgc_date pgc_get_date(const pgc_result *res, int row, int col)
{
    pgc_date v = {pgc_get_int4(res, row, col)};
    return v;
}

pgc_timestamp pgc_get_timestamp(const pgc_result *res, int row, int col)
{
    pgc_timestamp v = {pgc_get_int8(res, row, col)};
    return v;
}

pgc_bytes pgc_get_bytes(const pgc_result *res, int row, int col)
{
    pgc_bytes v = {NULL, 0};
    const PGresult *r = PQ(res);
    if (r && !PQgetisnull(r, row, col)) {
        v.data = (const uint8_t *)PQgetvalue(r, row, col);
        v.len = (size_t)PQgetlength(r, row, col);
    }
    return v;
}

const char *pgc_get_text(const pgc_result *res, int row, int col)
{
    const PGresult *r = PQ(res);
    if (!r || PQgetisnull(r, row, col))
        return NULL;
    return PQgetvalue(r, row, col); /* libpq ends every value with a NUL */
}

const char *pgc_get_jsonb(const pgc_result *res, int row, int col)
{
    const PGresult *r = PQ(res);
    if (!r || PQgetisnull(r, row, col))
        return NULL;
    const char *p = PQgetvalue(r, row, col);
    /* jsonb_send: a version byte (1), then the text */
    return PQgetlength(r, row, col) > 0 && p[0] == 1 ? p + 1 : p;
}

/*
 * numeric_send: ndigits, weight, sign, dscale (int16 each), then ndigits
 * base-10000 digits; the value is the digits with the first one weighted
 * 10000^weight.  Written as numeric_out writes it (get_str_from_var).
 */
const char *pgc_get_numeric(pgc_result *res, int row, int col, pgc_error *err)
{
    PGresult *r = pgc_result_pq(res);
    if (!r || PQgetisnull(r, row, col))
        return NULL;
    const char *p = PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    if (len < 8)
        return "NaN";
    int ndigits = (int16_t)get_be(p, 2), weight = (int16_t)get_be(p + 2, 2);
    unsigned sign = (unsigned)get_be(p + 4, 2);
    int dscale = (int16_t)get_be(p + 6, 2);
    if (sign == 0xC000)
        return "NaN";
    if (sign == 0xD000)
        return "Infinity";
    if (sign == 0xF000)
        return "-Infinity";
    if (ndigits < 0 || dscale < 0 || len < 8 + 2 * ndigits)
        return "NaN";

    size_t cap = (size_t)(weight > 0 ? weight + 1 : 1) * 4 + (size_t)dscale + 8;
    char *out = PQresultAlloc(r, cap), *o = out;
    if (!out) {
        pgc_fail(err, PGC_ENOMEM, "out of memory decoding a numeric value");
        return NULL;
    }
    if (sign == 0x4000)
        *o++ = '-';
    if (weight < 0) {
        *o++ = '0';
    } else {
        for (int d = 0; d <= weight; d++) {
            int dig = d < ndigits ? (int)get_be(p + 8 + 2 * d, 2) : 0;
            o += sprintf(o, d == 0 ? "%d" : "%04d", dig);
        }
    }
    if (dscale > 0) {
        *o++ = '.';
        char *frac = o;
        for (int d = weight + 1; o - frac < dscale; d++) {
            int dig = d >= 0 && d < ndigits ? (int)get_be(p + 8 + 2 * d, 2) : 0;
            o += sprintf(o, "%04d", dig);
        }
        o = frac + dscale;
    }
    *o = '\0';
    return out;
}

int pgc_result_check(const pgc_result *res, const pgc_stmt *stmt, int ncols,
                     const Oid *types, pgc_error *err)
{
    const PGresult *r = PQ(res);
    if (PQnfields(r) != ncols)
        return pgc_fail_query(err, PGC_EINVAL, stmt,
                             "the result has %d columns, the generated code expects %d: "
                             "was the schema changed after generating the code?",
                             PQnfields(r), ncols);
    for (int i = 0; i < ncols; i++) {
        if (PQfformat(r, i) != stmt->result_format)
            return pgc_fail_query(err, PGC_EINVAL, stmt, "column %d (%s) is not in %s format",
                                 i + 1, PQfname(r, i),
                                 stmt->result_format ? "binary" : "text");
        if (types && types[i] && PQftype(r, i) != types[i])
            return pgc_fail_query(err, PGC_EINVAL, stmt,
                                 "column %d (%s) has type oid %u, the generated code expects "
                                 "%u: was the schema changed after generating the code?",
                                 i + 1, PQfname(r, i), PQftype(r, i), types[i]);
    }
    return PGC_OK;
}

int pgc_fail_query(pgc_error *err, int code, const pgc_stmt *stmt, const char *fmt, ...)
{
    if (!err)
        return code;
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pgc_fail(err, code, "%s: %s", stmt && stmt->name ? stmt->name : "statement", msg);
    if (stmt && stmt->name)
        pgc_strlcpy(err->statement, stmt->name, sizeof err->statement);
    return code;
}
