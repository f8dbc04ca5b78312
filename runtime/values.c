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

/* interval_send: microseconds (int64), days, months (int32 each). */
const char *pgc_put_interval(char *buf, pgc_interval v)
{
    put_be(buf, (uint64_t)v.usec, 8);
    put_be(buf + 8, (uint32_t)v.days, 4);
    put_be(buf + 12, (uint32_t)v.months, 4);
    return buf;
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

pgc_interval pgc_get_interval(const pgc_result *res, int row, int col)
{
    pgc_interval v = {0, 0, 0};
    const char *p = fixed(res, row, col, 16);
    if (p) {
        v.usec = (int64_t)get_be(p, 8);
        v.days = (int32_t)(uint32_t)get_be(p + 8, 4);
        v.months = (int32_t)(uint32_t)get_be(p + 12, 4);
    }
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
    if (len < 8) {
        pgc_fail(err, PGC_EINVAL, "column %d: malformed numeric value", col + 1);
        return NULL;
    }
    int ndigits = (int16_t)get_be(p, 2), weight = (int16_t)get_be(p + 2, 2);
    unsigned sign = (unsigned)get_be(p + 4, 2);
    int dscale = (int16_t)get_be(p + 6, 2);
    if (sign == 0xC000)
        return "NaN";
    if (sign == 0xD000)
        return "Infinity";
    if (sign == 0xF000)
        return "-Infinity";
    if (ndigits < 0 || dscale < 0 || dscale > 0x3FFF || len < 8 + 2 * ndigits
        || (sign != 0 && sign != 0x4000) || weight < -0x4000 || weight > 0x3FFF) {
        pgc_fail(err, PGC_EINVAL, "column %d: malformed numeric value", col + 1);
        return NULL;
    }
    for (int d = 0; d < ndigits; d++) {
        if (get_be(p + 8 + 2 * d, 2) > 9999) {
            pgc_fail(err, PGC_EINVAL, "column %d: malformed numeric digit", col + 1);
            return NULL;
        }
    }

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

/* ---- arrays ---------------------------------------------------------------------------------- */

/*
 * The binary array format (array_send): ndim, a has-nulls flag and the
 * element type's OID (int32 each), then for each dimension its length and
 * lower bound, then each item as its length (-1: NULL) and its bytes.
 * One dimension here, or none for an empty array.
 */
enum { ARRAY_MAX = 1 << 30 };

typedef void (*put_item_fn)(char *dst, const void *items, size_t i);
typedef void (*get_item_fn)(void *items, size_t i, const char *src);

static int array_start(size_t n, size_t body, bool has_nulls, Oid elem, char **out, int *len)
{
    size_t total = 12 + (n ? 8 : 0) + 4 * n + body;
    *out = NULL;
    *len = 0;
    if (n > ARRAY_MAX || body > ARRAY_MAX || total > ARRAY_MAX)
        return PGC_EINVAL;
    char *b = malloc(total);
    if (!b)
        return PGC_ENOMEM;
    put_be(b, n ? 1 : 0, 4);
    put_be(b + 4, has_nulls ? 1 : 0, 4);
    put_be(b + 8, elem, 4);
    if (n) {
        put_be(b + 12, n, 4);
        put_be(b + 16, 1, 4);
    }
    *out = b;
    *len = (int)total;
    return PGC_OK;
}

static int put_array(const void *items, size_t n, const bool *nulls, int size, put_item_fn put,
                     Oid elem, char **out, int *len)
{
    size_t body = 0;
    bool has_nulls = false;
    if (!items && n) {
        *out = NULL;
        *len = 0;
        return PGC_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (nulls && nulls[i])
            has_nulls = true;
        else
            body += (size_t)size;
    }
    int rc = array_start(n, body, has_nulls, elem, out, len);
    if (rc != PGC_OK)
        return rc;
    char *p = *out + 20;
    for (size_t i = 0; i < n; i++) {
        if (nulls && nulls[i]) {
            put_be(p, 0xffffffffu, 4);
            p += 4;
            continue;
        }
        put_be(p, (uint32_t)size, 4);
        put(p + 4, items, i);
        p += 4 + size;
    }
    return PGC_OK;
}

int pgc_put_text_array(pgc_text_array v, Oid elem, char **out, int *len)
{
    size_t body = 0;
    bool has_nulls = false;
    if (!v.items && v.len) {
        *out = NULL;
        *len = 0;
        return PGC_EINVAL;
    }
    for (size_t i = 0; i < v.len; i++) {
        if (!v.items[i])
            has_nulls = true;
        else if ((body += strlen(v.items[i])) > ARRAY_MAX)
            break;
    }
    int rc = array_start(v.len, body, has_nulls, elem, out, len);
    if (rc != PGC_OK)
        return rc;
    char *p = *out + 20;
    for (size_t i = 0; i < v.len; i++) {
        if (!v.items[i]) {
            put_be(p, 0xffffffffu, 4);
            p += 4;
            continue;
        }
        size_t n = strlen(v.items[i]);
        put_be(p, (uint32_t)n, 4);
        memcpy(p + 4, v.items[i], n);
        p += 4 + n;
    }
    return PGC_OK;
}

/* The array at (row, col): its item count, the has-nulls flag and where
 * the items begin, or why not. */
static int array_header(PGresult *r, int row, int col, size_t *n, bool *has_nulls,
                        const char **items, const char **end, pgc_error *err)
{
    *n = 0;
    *has_nulls = false;
    *items = *end = NULL;
    if (!r || PQgetisnull(r, row, col))
        return PGC_OK;
    const char *p = PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    if (len < 12)
        return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                        PQfname(r, col));
    int32_t ndim = (int32_t)get_be(p, 4);
    if (ndim == 0)
        return PGC_OK;
    if (ndim != 1)
        return pgc_fail(err, PGC_EINVAL,
                        "column %d (%s): a %d-dimensional array; only one-dimensional arrays "
                        "are supported", col + 1, PQfname(r, col), (int)ndim);
    int32_t count = len >= 20 ? (int32_t)get_be(p + 12, 4) : -1;
    if (count < 0)
        return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                        PQfname(r, col));
    *n = (size_t)count;
    *has_nulls = get_be(p + 4, 4) != 0;
    *items = p + 20;
    *end = p + len;
    return PGC_OK;
}

static int get_array(pgc_result *res, int row, int col, int size, get_item_fn get,
                     void **items, size_t *n, const bool **nulls, size_t csize, pgc_error *err)
{
    PGresult *r = pgc_result_pq(res);
    const char *p, *end;
    bool has_nulls;
    *items = NULL;
    *nulls = NULL;
    int rc = array_header(r, row, col, n, &has_nulls, &p, &end, err);
    if (rc != PGC_OK || *n == 0)
        return rc;
    if (*n > (size_t)(end - p) / 4)
        return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                        PQfname(r, col));
    void *out = PQresultAlloc(r, *n * csize);
    bool *isnull = has_nulls ? PQresultAlloc(r, *n) : NULL;
    if (!out || (has_nulls && !isnull))
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding an array");
    memset(out, 0, *n * csize);
    for (size_t i = 0; i < *n; i++) {
        if (end - p < 4)
            return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                            PQfname(r, col));
        int32_t l = (int32_t)get_be(p, 4);
        p += 4;
        if (l == -1 && !isnull) /* a NULL item in an array that says it has none */
            return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                            PQfname(r, col));
        if (isnull)
            isnull[i] = l == -1;
        if (l == -1)
            continue;
        if (l != size || end - p < l)
            return pgc_fail(err, PGC_EINVAL,
                            "column %d (%s): an array item of %d bytes, expected %d", col + 1,
                            PQfname(r, col), (int)l, size);
        get(out, i, p);
        p += l;
    }
    *items = out;
    *nulls = isnull;
    return PGC_OK;
}

int pgc_get_text_array(pgc_result *res, int row, int col, pgc_text_array *out, pgc_error *err)
{
    PGresult *r = pgc_result_pq(res);
    const char *p, *end;
    bool has_nulls;
    size_t n;
    out->items = NULL;
    out->len = 0;
    int rc = array_header(r, row, col, &n, &has_nulls, &p, &end, err);
    if (rc != PGC_OK || n == 0)
        return rc;
    if (n > (size_t)(end - p) / 4)
        return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                        PQfname(r, col));
    /* the pointers, then the strings, NUL-terminated, in one block */
    size_t body = (size_t)(end - p) - 4 * n;
    char **items = PQresultAlloc(r, n * sizeof *items + body + n);
    if (!items)
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding an array");
    char *s = (char *)(items + n);
    for (size_t i = 0; i < n; i++) {
        int32_t l = end - p >= 4 ? (int32_t)get_be(p, 4) : -2;
        p += 4;
        if (l == -1) {
            items[i] = NULL;
            continue;
        }
        if (l < 0 || end - p < l)
            return pgc_fail(err, PGC_EINVAL, "column %d (%s): malformed array", col + 1,
                            PQfname(r, col));
        memcpy(s, p, (size_t)l);
        s[l] = '\0';
        items[i] = s;
        s += l + 1;
        p += l;
    }
    out->items = (const char *const *)items;
    out->len = n;
    return PGC_OK;
}

#define ARRAY_FNS(name, ctype, size, PUT, GET)                                              \
    static void put_##name(char *dst, const void *items, size_t i)                          \
    {                                                                                       \
        const ctype *v = (const ctype *)items + i;                                          \
        PUT;                                                                                \
    }                                                                                       \
    static void get_##name(void *items, size_t i, const char *src)                          \
    {                                                                                       \
        ctype *v = (ctype *)items + i;                                                      \
        GET;                                                                                \
    }                                                                                       \
    int pgc_put_##name##_array(pgc_##name##_array a, Oid elem, char **out, int *len)        \
    {                                                                                       \
        return put_array(a.items, a.len, a.nulls, size, put_##name, elem, out, len);        \
    }                                                                                       \
    int pgc_get_##name##_array(pgc_result *res, int row, int col, pgc_##name##_array *out,  \
                               pgc_error *err)                                              \
    {                                                                                       \
        void *items;                                                                        \
        int rc = get_array(res, row, col, size, get_##name, &items, &out->len, &out->nulls, \
                           sizeof(ctype), err);                                             \
        out->items = items;                                                                 \
        if (rc != PGC_OK) {                                                                 \
            out->items = NULL;                                                              \
            out->len = 0;                                                                   \
            out->nulls = NULL;                                                              \
        }                                                                                   \
        return rc;                                                                          \
    }

ARRAY_FNS(int2, int16_t, 2, pgc_put_int2(dst, *v), *v = (int16_t)get_be(src, 2))
ARRAY_FNS(int4, int32_t, 4, pgc_put_int4(dst, *v), *v = (int32_t)get_be(src, 4))
ARRAY_FNS(int8, int64_t, 8, pgc_put_int8(dst, *v), *v = (int64_t)get_be(src, 8))
ARRAY_FNS(float4, float, 4, pgc_put_float4(dst, *v),
          uint32_t u = (uint32_t)get_be(src, 4); memcpy(v, &u, 4))
ARRAY_FNS(float8, double, 8, pgc_put_float8(dst, *v),
          uint64_t u = get_be(src, 8); memcpy(v, &u, 8))
ARRAY_FNS(bool, bool, 1, pgc_put_bool(dst, *v), *v = src[0] != 0)
ARRAY_FNS(uuid, pgc_uuid, 16, pgc_put_uuid(dst, *v), memcpy(v->b, src, 16))
ARRAY_FNS(date, pgc_date, 4, pgc_put_date(dst, *v), v->days = (int32_t)get_be(src, 4))
ARRAY_FNS(timestamp, pgc_timestamp, 8, pgc_put_timestamp(dst, *v),
          v->usec = (int64_t)get_be(src, 8))
