/*
 * values.c - C values of PostgreSQL types: the binary encoders and decoders
 * that generated code calls (pgc_gen.h, "values"; OIDs from pgc_types.def).
 * Binary formats are PostgreSQL's send and receive ones: network byte
 * order, times since 2000.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pgc_gen.h"

#define PQ(res) ((const PGresult *)pgc_result_pq((pgc_result *)(uintptr_t)(res)))

/* n is 1, 2, 4 or 8 wherever these are called: each call folds to one
 * store or load and a byte swap. */
static inline void put_be(char *buf, uint64_t v, int n)
{
    switch (n) {
    case 8: pgc_put_be64(buf, v); return;
    case 4: pgc_put_be32(buf, (uint32_t)v); return;
    case 2: pgc_put_be16(buf, (uint16_t)v); return;
    default:
        for (int i = n - 1; i >= 0; i--) {
            buf[i] = (char)(unsigned char)(v & 0xff);
            v >>= 8;
        }
    }
}

static inline uint64_t get_be(const char *p, int n)
{
    switch (n) {
    case 8: return pgc_get_be64(p);
    case 4: return pgc_get_be32(p);
    case 2: return pgc_get_be16(p);
    default: {
        uint64_t v = 0;
        for (int i = 0; i < n; i++)
            v = v << 8 | (unsigned char)p[i];
        return v;
    }
    }
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

/*
 * numeric_recv's format from numeric text ("-12.50", "1e3", "NaN",
 * "Infinity"): the digits grouped in fours around the decimal point,
 * base 10000, leading and trailing zero groups dropped; dscale is the
 * number of digits after the point, as numeric_in keeps it.
 */
int pgc_put_numeric(const char *text, char **out, int *len)
{
    *out = NULL;
    *len = 0;
    if (!text)
        return PGC_EINVAL;
    const char *s = text;
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    unsigned special = 0;
    if (strcasecmp(text, "NaN") == 0)
        special = 0xC000;
    else if (strcasecmp(s, "Infinity") == 0 || strcasecmp(s, "inf") == 0)
        special = neg ? 0xF000 : 0xD000;
    if (special) {
        char *b = calloc(1, 8);
        if (!b)
            return PGC_ENOMEM;
        put_be(b + 4, special, 2);
        *out = b;
        *len = 8;
        return PGC_OK;
    }
    /* the digits, without the point: value = 0.DIGITS * 10^point */
    size_t n = strlen(s);
    char *dig = malloc(n + 1);
    if (!dig)
        return PGC_ENOMEM;
    size_t nd = 0, nint = 0, nfrac = 0;
    bool seen_point = false;
    for (; *s && (isdigit((unsigned char)*s) || (*s == '.' && !seen_point)); s++) {
        if (*s == '.') {
            seen_point = true;
            continue;
        }
        dig[nd++] = (char)(*s - '0');
        if (seen_point)
            nfrac++;
        else
            nint++;
    }
    long exp = 0;
    if (nd > 0 && (*s == 'e' || *s == 'E')) {
        char *end;
        errno = 0;
        exp = strtol(s + 1, &end, 10);
        if (end == s + 1 || errno || exp > 1000000 || exp < -1000000) {
            free(dig);
            return PGC_EINVAL;
        }
        s = end;
    }
    if (nd == 0 || *s) {
        free(dig);
        return PGC_EINVAL;
    }
    long point = (long)nint + exp;
    long dscale = (long)nfrac - exp;
    if (dscale < 0)
        dscale = 0;
    /* groups of four digits, aligned so that the point falls between groups */
    long lead = ((4 - point % 4) % 4 + 4) % 4;
    long first = point + lead;              /* digits before the point, padded */
    long total = (long)nd + lead;
    total += (4 - total % 4) % 4;
    long ngroups = total / 4, weight = first / 4 - 1;
    if (dscale > 0x3FFF || weight > 0x3FFF || weight < -0x4000 || ngroups > 0x7FFF) {
        free(dig);
        return PGC_EINVAL;
    }
    int16_t *groups = calloc((size_t)ngroups + 1, sizeof *groups);
    if (!groups) {
        free(dig);
        return PGC_ENOMEM;
    }
    for (long i = 0; i < (long)nd; i++) {
        long at = i + lead;
        groups[at / 4] = (int16_t)(groups[at / 4] * 10 + dig[i]);
        if (at % 4 == 3 || i == (long)nd - 1) /* a group's last digit, or a short tail */
            for (long k = at % 4; k < 3; k++)
                groups[at / 4] = (int16_t)(groups[at / 4] * 10);
    }
    free(dig);
    long lo = 0, hi = ngroups;
    while (lo < hi && groups[lo] == 0) {
        lo++;
        weight--;
    }
    while (hi > lo && groups[hi - 1] == 0)
        hi--;
    if (lo == hi) {
        weight = 0;
        neg = false;
    }
    size_t size = 8 + 2 * (size_t)(hi - lo);
    char *b = malloc(size);
    if (!b) {
        free(groups);
        return PGC_ENOMEM;
    }
    put_be(b, (uint64_t)(hi - lo), 2);
    put_be(b + 2, (uint16_t)(int16_t)weight, 2);
    put_be(b + 4, neg ? 0x4000 : 0, 2);
    put_be(b + 6, (uint64_t)dscale, 2);
    for (long i = lo; i < hi; i++)
        put_be(b + 8 + 2 * (i - lo), (uint16_t)groups[i], 2);
    free(groups);
    *out = b;
    *len = (int)size;
    return PGC_OK;
}

/* ---- decoders ------------------------------------------------------------------------------- */

/*
 * Every decoder reads a pgc_field: a column of a result row, or a field of
 * a composite value split by pgc_field_record.  Failures are reported
 * without naming the value; generated code names the statement and the
 * column (rows.c).
 */

pgc_field pgc_get_field(const pgc_result *res, int row, int col)
{
    pgc_field f = {0, NULL, -1};
    const PGresult *r = PQ(res);
    if (!r || row < 0 || row >= PQntuples(r) || col < 0 || col >= PQnfields(r))
        return f;
    f.type = PQftype(r, col);
    /* A NULL has length 0, so only an empty value needs PQgetisnull to
     * tell the two apart: one libpq call less for every other value. */
    int len = PQgetlength(r, row, col);
    if (len > 0 || !PQgetisnull(r, row, col)) {
        f.data = PQgetvalue(r, row, col); /* libpq ends every value with a NUL */
        f.len = len;
    }
    return f;
}

/* The field's bytes if it is not NULL and has n bytes, else NULL. */
static const char *fixed(pgc_field f, int n)
{
    return f.data && f.len == n ? f.data : NULL;
}

int16_t pgc_field_int2(pgc_field f)
{
    const char *p = fixed(f, 2);
    return p ? (int16_t)(uint16_t)get_be(p, 2) : 0;
}

int32_t pgc_field_int4(pgc_field f)
{
    const char *p = fixed(f, 4);
    return p ? (int32_t)(uint32_t)get_be(p, 4) : 0;
}

int64_t pgc_field_int8(pgc_field f)
{
    const char *p = fixed(f, 8);
    return p ? (int64_t)get_be(p, 8) : 0;
}

float pgc_field_float4(pgc_field f)
{
    uint32_t u = (uint32_t)pgc_field_int4(f);
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

double pgc_field_float8(pgc_field f)
{
    uint64_t u = (uint64_t)pgc_field_int8(f);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

bool pgc_field_bool(pgc_field f)
{
    const char *p = fixed(f, 1);
    return p && *p != 0;
}

pgc_uuid pgc_field_uuid(pgc_field f)
{
    pgc_uuid v = {{0}};
    const char *p = fixed(f, 16);
    if (p)
        memcpy(v.b, p, sizeof v.b);
    return v;
}

pgc_date pgc_field_date(pgc_field f)
{
    pgc_date v = {pgc_field_int4(f)};
    return v;
}

pgc_timestamp pgc_field_timestamp(pgc_field f)
{
    pgc_timestamp v = {pgc_field_int8(f)};
    return v;
}

/* interval_send: microseconds (int64), days, months (int32 each). */
pgc_interval pgc_field_interval(pgc_field f)
{
    pgc_interval v = {0, 0, 0};
    const char *p = fixed(f, 16);
    if (p) {
        v.usec = (int64_t)get_be(p, 8);
        v.days = (int32_t)(uint32_t)get_be(p + 8, 4);
        v.months = (int32_t)(uint32_t)get_be(p + 12, 4);
    }
    return v;
}

pgc_bytes pgc_field_bytes(pgc_field f)
{
    pgc_bytes v = {NULL, 0};
    if (f.data && f.len >= 0) {
        v.data = (const uint8_t *)f.data;
        v.len = (size_t)f.len;
    }
    return v;
}

const char *pgc_field_text(pgc_field f)
{
    return f.data;
}

/* jsonb_send: a version byte (1), then the text.  Another version is a
 * format this code does not know: refused rather than misread. */
static int jsonb_text(const char *p, int len, const char **out, pgc_error *err)
{
    *out = NULL;
    if (len < 1 || p[0] != 1)
        return pgc_fail(err, PGC_EINVAL, "malformed jsonb value (version %d, expected 1)",
                        len < 1 ? -1 : (int)(unsigned char)p[0]);
    *out = p + 1;
    return PGC_OK;
}

int pgc_field_jsonb(pgc_field f, const char **out, pgc_error *err)
{
    *out = NULL;
    return f.data ? jsonb_text(f.data, f.len, out, err) : PGC_OK;
}

/*
 * numeric_send: ndigits, weight, sign, dscale (int16 each), then ndigits
 * base-10000 digits; the value is the digits with the first one weighted
 * 10000^weight.  Written as numeric_out writes it (get_str_from_var), in
 * memory of r.
 */
static int numeric_text(PGresult *r, const char *p, int len, const char **out, pgc_error *err)
{
    *out = NULL;
    if (len < 8)
        return pgc_fail(err, PGC_EINVAL, "malformed numeric value");
    int ndigits = (int16_t)get_be(p, 2), weight = (int16_t)get_be(p + 2, 2);
    unsigned sign = (unsigned)get_be(p + 4, 2);
    int dscale = (int16_t)get_be(p + 6, 2);
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        *out = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
        return PGC_OK;
    }
    if (ndigits < 0 || dscale < 0 || dscale > 0x3FFF || len < 8 + 2 * ndigits
        || (sign != 0 && sign != 0x4000) || weight < -0x4000 || weight > 0x3FFF)
        return pgc_fail(err, PGC_EINVAL, "malformed numeric value");
    for (int d = 0; d < ndigits; d++)
        if (get_be(p + 8 + 2 * d, 2) > 9999)
            return pgc_fail(err, PGC_EINVAL, "malformed numeric digit");

    size_t cap = (size_t)(weight > 0 ? weight + 1 : 1) * 4 + (size_t)dscale + 8;
    char *s = PQresultAlloc(r, cap), *o = s;
    if (!s)
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding a numeric value");
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
    *out = s;
    return PGC_OK;
}

int pgc_field_numeric(pgc_result *res, pgc_field f, const char **out, pgc_error *err)
{
    *out = NULL;
    return f.data ? numeric_text(pgc_result_pq(res), f.data, f.len, out, err) : PGC_OK;
}

/*
 * record_send: the number of fields (int32), then per field its type OID
 * and length (int32 each; -1: NULL) and its bytes.  Dropped attributes are
 * not sent.  The fields are copied, each followed by a NUL, into one block
 * of the result's memory, so that text fields are C strings.
 */
int pgc_field_record(pgc_result *res, pgc_field f, int nfields, const Oid *types,
                     pgc_field *fields, pgc_error *err)
{
    for (int i = 0; i < nfields; i++)
        fields[i] = (pgc_field){types ? types[i] : 0, NULL, -1};
    if (!f.data)
        return PGC_OK;
    const char *p = f.data, *end = f.data + f.len;
    if (f.len < 4)
        return pgc_fail(err, PGC_EINVAL, "malformed composite value");
    int32_t n = (int32_t)get_be(p, 4);
    if (n != nfields)
        return pgc_fail(err, PGC_EINVAL,
                        "a composite value of %d fields, the generated code expects %d: was "
                        "the schema changed after generating the code?", (int)n, nfields);
    /* first pass: check the shape and the types, and size the copy */
    size_t body = 0;
    p += 4;
    for (int i = 0; i < nfields; i++) {
        if (end - p < 8)
            return pgc_fail(err, PGC_EINVAL, "malformed composite value");
        Oid type = (Oid)get_be(p, 4);
        int32_t len = (int32_t)get_be(p + 4, 4);
        p += 8;
        if (types && types[i] && type != types[i])
            return pgc_fail(err, PGC_EINVAL,
                            "field %d has type oid %u, the generated code expects %u: was the "
                            "schema changed after generating the code?", i + 1, type, types[i]);
        if (len < -1 || (len > 0 && end - p < len))
            return pgc_fail(err, PGC_EINVAL, "malformed composite value");
        if (len > 0) {
            p += len;
            body += (size_t)len;
        }
    }
    if (p != end)
        return pgc_fail(err, PGC_EINVAL, "malformed composite value");
    char *copy = PQresultAlloc(pgc_result_pq(res), body + (size_t)nfields + 1);
    if (!copy)
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding a composite value");
    p = f.data + 4;
    for (int i = 0; i < nfields; i++) {
        int32_t len = (int32_t)get_be(p + 4, 4);
        fields[i].type = (Oid)get_be(p, 4);
        p += 8;
        if (len < 0)
            continue;
        memcpy(copy, p, (size_t)len);
        copy[len] = '\0';
        fields[i].data = copy;
        fields[i].len = len;
        copy += len + 1;
        p += len;
    }
    return PGC_OK;
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

int pgc_put_bytes_array(pgc_bytes_array v, Oid elem, char **out, int *len)
{
    size_t body = 0;
    bool has_nulls = false;
    *out = NULL;
    *len = 0;
    if (!v.items && v.len)
        return PGC_EINVAL;
    for (size_t i = 0; i < v.len; i++) {
        if (v.nulls && v.nulls[i])
            has_nulls = true;
        else if (v.items[i].len > ARRAY_MAX || (!v.items[i].data && v.items[i].len))
            return PGC_EINVAL;
        else if ((body += v.items[i].len) > ARRAY_MAX)
            return PGC_EINVAL;
    }
    int rc = array_start(v.len, body, has_nulls, elem, out, len);
    if (rc != PGC_OK)
        return rc;
    char *p = *out + 20;
    for (size_t i = 0; i < v.len; i++) {
        if (v.nulls && v.nulls[i]) {
            put_be(p, 0xffffffffu, 4);
            p += 4;
            continue;
        }
        size_t n = v.items[i].len;
        put_be(p, (uint32_t)n, 4);
        if (n)
            memcpy(p + 4, v.items[i].data, n);
        p += 4 + n;
    }
    return PGC_OK;
}

/*
 * The text form of an array ({"a","b",NULL}), for element types sent as
 * text: numeric, jsonb, enums.  Every item is quoted, so any text is one
 * item whatever it holds.
 */
int pgc_put_array_literal(pgc_text_array v, char **out, int *len)
{
    size_t total = 3;
    *out = NULL;
    *len = 0;
    if (!v.items && v.len)
        return PGC_EINVAL;
    for (size_t i = 0; i < v.len; i++) {
        size_t n = v.items[i] ? 3 : 5;
        for (const char *s = v.items[i]; s && *s; s++)
            n += *s == '"' || *s == '\\' ? 2 : 1;
        if ((total += n) > ARRAY_MAX)
            return PGC_EINVAL;
    }
    char *b = malloc(total), *o = b;
    if (!b)
        return PGC_ENOMEM;
    *o++ = '{';
    for (size_t i = 0; i < v.len; i++) {
        if (i)
            *o++ = ',';
        if (!v.items[i]) {
            memcpy(o, "NULL", 4);
            o += 4;
            continue;
        }
        *o++ = '"';
        for (const char *s = v.items[i]; *s; s++) {
            if (*s == '"' || *s == '\\')
                *o++ = '\\';
            *o++ = *s;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    *out = b;
    *len = (int)(o - b);
    return PGC_OK;
}

/* Element types a decoder takes: built-in OIDs, ending with 0.  USER_TYPES
 * in the list accepts any OID of a type made by the database (an enum's,
 * whose binary form is its label). */
enum { FIRST_USER_OID = 16384, USER_TYPES = 1 };

/* The array in f: its item count, the has-nulls flag and where the items
 * begin, or why not. */
static int array_header(pgc_field f, const Oid *elems, size_t *n, bool *has_nulls,
                        const char **items, const char **end, pgc_error *err)
{
    *n = 0;
    *has_nulls = false;
    *items = *end = NULL;
    if (!f.data)
        return PGC_OK;
    const char *p = f.data;
    int len = f.len;
    if (len < 12)
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    int32_t ndim = (int32_t)get_be(p, 4);
    Oid elem = (Oid)get_be(p + 8, 4);
    bool known = false;
    for (const Oid *e = elems; *e && !known; e++)
        known = *e == elem || (*e == USER_TYPES && elem >= FIRST_USER_OID);
    if (!known)
        return pgc_fail(err, PGC_EINVAL,
                        "an array of element type oid %u, the generated code expects %u: was "
                        "the schema changed after generating the code?",
                        elem, elems[0] == USER_TYPES ? 0 : elems[0]);
    if (ndim == 0)
        return PGC_OK;
    if (ndim != 1)
        return pgc_fail(err, PGC_EINVAL,
                        "a %d-dimensional array; only one-dimensional arrays are supported",
                        (int)ndim);
    int32_t count = len >= 20 ? (int32_t)get_be(p + 12, 4) : -1;
    if (count < 0)
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    *n = (size_t)count;
    *has_nulls = get_be(p + 4, 4) != 0;
    *items = p + 20;
    *end = p + len;
    if (*n > (size_t)(*end - *items) / 4)
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    return PGC_OK;
}

/* The next item's length (-1: NULL) and bytes, or why not. */
static int array_item(const char **p, const char *end, bool has_nulls, int32_t *len,
                      pgc_error *err)
{
    if (end - *p < 4)
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    *len = (int32_t)get_be(*p, 4);
    *p += 4;
    if (*len == -1 && !has_nulls) /* a NULL item in an array that says it has none */
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    if (*len < -1 || end - *p < *len)
        return pgc_fail(err, PGC_EINVAL, "malformed array");
    return PGC_OK;
}

static int get_array(PGresult *r, pgc_field f, const Oid *elems, int size, get_item_fn get,
                     void **items, size_t *n, const bool **nulls, size_t csize, pgc_error *err)
{
    const char *p, *end;
    bool has_nulls;
    *items = NULL;
    *nulls = NULL;
    int rc = array_header(f, elems, n, &has_nulls, &p, &end, err);
    if (rc != PGC_OK || *n == 0)
        return rc;
    void *out = PQresultAlloc(r, *n * csize);
    bool *isnull = has_nulls ? PQresultAlloc(r, *n) : NULL;
    if (!out || (has_nulls && !isnull))
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding an array");
    memset(out, 0, *n * csize);
    for (size_t i = 0; i < *n; i++) {
        int32_t l = 0;
        if ((rc = array_item(&p, end, has_nulls, &l, err)) != PGC_OK)
            return rc;
        if (isnull)
            isnull[i] = l == -1;
        if (l == -1)
            continue;
        if (l != size)
            return pgc_fail(err, PGC_EINVAL, "an array item of %d bytes, expected %d", (int)l,
                            size);
        get(out, i, p);
        p += l;
    }
    *items = out;
    *nulls = isnull;
    return PGC_OK;
}

/* How an item of a pgc_text_array is made from its bytes: copied as text,
 * or decoded (jsonb's version byte, numeric's digits). */
typedef enum text_item { ITEM_TEXT, ITEM_JSONB, ITEM_NUMERIC } text_item;

static int get_text_array(PGresult *r, pgc_field f, const Oid *elems, text_item kind,
                          pgc_text_array *out, pgc_error *err)
{
    const char *p, *end;
    bool has_nulls;
    size_t n;
    out->items = NULL;
    out->len = 0;
    int rc = array_header(f, elems, &n, &has_nulls, &p, &end, err);
    if (rc != PGC_OK || n == 0)
        return rc;
    /* the pointers, then the strings, NUL-terminated, in one block */
    size_t body = kind == ITEM_NUMERIC ? 0 : (size_t)(end - p) - 4 * n;
    const char **items = PQresultAlloc(r, n * sizeof *items + body + n);
    if (!items)
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding an array");
    char *s = (char *)(items + n);
    for (size_t i = 0; i < n; i++) {
        int32_t l = 0;
        if ((rc = array_item(&p, end, has_nulls, &l, err)) != PGC_OK)
            return rc;
        items[i] = NULL;
        if (l == -1)
            continue;
        const char *from = p, *dec;
        size_t copy = (size_t)l;
        p += l;
        if (kind == ITEM_NUMERIC) {
            if ((rc = numeric_text(r, from, l, &items[i], err)) != PGC_OK)
                return rc;
            continue;
        }
        if (kind == ITEM_JSONB) {
            if ((rc = jsonb_text(from, l, &dec, err)) != PGC_OK)
                return rc;
            from = dec;
            copy--;
        }
        memcpy(s, from, copy);
        s[copy] = '\0';
        items[i] = s;
        s += copy + 1;
    }
    out->items = items;
    out->len = n;
    return PGC_OK;
}

/* The element types each decoder takes: pgc_types.def's types of its kind. */
static const Oid text_elems[] = {PGC_OID_TEXT, PGC_OID_VARCHAR, PGC_OID_BPCHAR, PGC_OID_NAME,
                                 PGC_OID_JSON, 0};
static const Oid jsonb_elems[] = {PGC_OID_JSONB, 0};
static const Oid numeric_elems[] = {PGC_OID_NUMERIC, 0};
static const Oid enum_elems[] = {USER_TYPES, 0};
static const Oid bytes_elems[] = {PGC_OID_BYTEA, 0};

int pgc_field_text_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err)
{
    return get_text_array(pgc_result_pq(res), f, text_elems, ITEM_TEXT, out, err);
}

int pgc_field_jsonb_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err)
{
    return get_text_array(pgc_result_pq(res), f, jsonb_elems, ITEM_JSONB, out, err);
}

int pgc_field_numeric_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err)
{
    return get_text_array(pgc_result_pq(res), f, numeric_elems, ITEM_NUMERIC, out, err);
}

int pgc_field_label_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err)
{
    return get_text_array(pgc_result_pq(res), f, enum_elems, ITEM_TEXT, out, err);
}

int pgc_field_bytes_array(pgc_result *res, pgc_field f, pgc_bytes_array *out, pgc_error *err)
{
    PGresult *r = pgc_result_pq(res);
    const char *p, *end;
    bool has_nulls;
    size_t n;
    *out = (pgc_bytes_array){NULL, 0, NULL};
    int rc = array_header(f, bytes_elems, &n, &has_nulls, &p, &end, err);
    if (rc != PGC_OK || n == 0)
        return rc;
    pgc_bytes *items = PQresultAlloc(r, n * sizeof *items);
    bool *isnull = has_nulls ? PQresultAlloc(r, n) : NULL;
    if (!items || (has_nulls && !isnull))
        return pgc_fail(err, PGC_ENOMEM, "out of memory decoding an array");
    for (size_t i = 0; i < n; i++) {
        int32_t l = 0;
        if ((rc = array_item(&p, end, has_nulls, &l, err)) != PGC_OK)
            return rc;
        if (isnull)
            isnull[i] = l == -1;
        items[i].data = l > 0 ? (const uint8_t *)p : NULL;
        items[i].len = l > 0 ? (size_t)l : 0;
        p += l > 0 ? l : 0;
    }
    *out = (pgc_bytes_array){items, n, isnull};
    return PGC_OK;
}

#define ARRAY_FNS(name, ctype, size, PUT, GET, ...)                                          \
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
    int pgc_field_##name##_array(pgc_result *res, pgc_field f, pgc_##name##_array *out,     \
                                 pgc_error *err)                                            \
    {                                                                                       \
        static const Oid elems[] = {__VA_ARGS__, 0};                                        \
        void *items;                                                                        \
        int rc = get_array(pgc_result_pq(res), f, elems, size, get_##name, &items,          \
                           &out->len, &out->nulls, sizeof(ctype), err);                     \
        out->items = items;                                                                 \
        if (rc != PGC_OK) {                                                                 \
            out->items = NULL;                                                              \
            out->len = 0;                                                                   \
            out->nulls = NULL;                                                              \
        }                                                                                   \
        return rc;                                                                          \
    }

ARRAY_FNS(int2, int16_t, 2, pgc_put_int2(dst, *v), *v = (int16_t)get_be(src, 2), PGC_OID_INT2)
ARRAY_FNS(int4, int32_t, 4, pgc_put_int4(dst, *v), *v = (int32_t)get_be(src, 4), PGC_OID_INT4)
ARRAY_FNS(int8, int64_t, 8, pgc_put_int8(dst, *v), *v = (int64_t)get_be(src, 8), PGC_OID_INT8)
ARRAY_FNS(float4, float, 4, pgc_put_float4(dst, *v),
          uint32_t u = (uint32_t)get_be(src, 4); memcpy(v, &u, 4), PGC_OID_FLOAT4)
ARRAY_FNS(float8, double, 8, pgc_put_float8(dst, *v),
          uint64_t u = get_be(src, 8); memcpy(v, &u, 8), PGC_OID_FLOAT8)
ARRAY_FNS(bool, bool, 1, pgc_put_bool(dst, *v), *v = src[0] != 0, PGC_OID_BOOL)
ARRAY_FNS(uuid, pgc_uuid, 16, pgc_put_uuid(dst, *v), memcpy(v->b, src, 16), PGC_OID_UUID)
ARRAY_FNS(date, pgc_date, 4, pgc_put_date(dst, *v), v->days = (int32_t)get_be(src, 4),
          PGC_OID_DATE)
ARRAY_FNS(timestamp, pgc_timestamp, 8, pgc_put_timestamp(dst, *v),
          v->usec = (int64_t)get_be(src, 8), PGC_OID_TIMESTAMP, PGC_OID_TIMESTAMPTZ)
ARRAY_FNS(interval, pgc_interval, 16, pgc_put_interval(dst, *v),
          *v = pgc_field_interval((pgc_field){PGC_OID_INTERVAL, src, 16}),
          PGC_OID_INTERVAL)

/* ---- ranges ---------------------------------------------------------------------------------- */

/*
 * range_send: a flags byte, then the lower and the upper bound (each as its
 * length and its subtype's binary form) where the range is not empty and
 * that side is not infinite.
 */
enum {
    RANGE_EMPTY = 0x01, RANGE_LB_INC = 0x02, RANGE_UB_INC = 0x04, RANGE_LB_INF = 0x08,
    RANGE_UB_INF = 0x10
};

/* The range in f: its flags and bounds (NULL fields where absent), or why not. */
static int range_split(pgc_field f, int size, pgc_range_bounds *b, pgc_field *lo, pgc_field *hi,
                       pgc_error *err)
{
    *b = (pgc_range_bounds){false, false, false, false, false};
    *lo = *hi = (pgc_field){0, NULL, -1};
    if (!f.data)
        return PGC_OK;
    const char *p = f.data, *end = f.data + f.len;
    if (f.len < 1)
        return pgc_fail(err, PGC_EINVAL, "malformed range");
    unsigned flags = (unsigned char)*p++;
    b->empty = flags & RANGE_EMPTY;
    b->lower_inc = flags & RANGE_LB_INC;
    b->upper_inc = flags & RANGE_UB_INC;
    b->lower_inf = flags & RANGE_LB_INF;
    b->upper_inf = flags & RANGE_UB_INF;
    pgc_field *sides[2] = {lo, hi};
    bool present[2] = {!b->empty && !b->lower_inf, !b->empty && !b->upper_inf};
    for (int i = 0; i < 2; i++) {
        if (!present[i])
            continue;
        if (end - p < 4)
            return pgc_fail(err, PGC_EINVAL, "malformed range");
        int32_t len = (int32_t)get_be(p, 4);
        p += 4;
        if (len < 0 || end - p < len || (size && len != size))
            return pgc_fail(err, PGC_EINVAL, "malformed range");
        *sides[i] = (pgc_field){0, p, len};
        p += len;
    }
    if (p != end)
        return pgc_fail(err, PGC_EINVAL, "malformed range");
    return PGC_OK;
}

static unsigned range_flags(pgc_range_bounds b)
{
    if (b.empty)
        return RANGE_EMPTY;
    return (b.lower_inc && !b.lower_inf ? RANGE_LB_INC : 0)
           | (b.upper_inc && !b.upper_inf ? RANGE_UB_INC : 0)
           | (b.lower_inf ? RANGE_LB_INF : 0) | (b.upper_inf ? RANGE_UB_INF : 0);
}

/* A range of bounds lo[0..nlo) and hi[0..nhi), malloc'd in *out. */
static int range_join(pgc_range_bounds b, const char *lo, size_t nlo, const char *hi, size_t nhi,
                      char **out, int *len)
{
    unsigned flags = range_flags(b);
    bool has_lo = !(flags & (RANGE_EMPTY | RANGE_LB_INF)),
         has_hi = !(flags & (RANGE_EMPTY | RANGE_UB_INF));
    size_t total = 1 + (has_lo ? 4 + nlo : 0) + (has_hi ? 4 + nhi : 0);
    char *r = malloc(total), *p = r;
    *out = NULL;
    *len = 0;
    if (!r)
        return PGC_ENOMEM;
    *p++ = (char)flags;
    if (has_lo) {
        put_be(p, nlo, 4);
        memcpy(p + 4, lo, nlo);
        p += 4 + nlo;
    }
    if (has_hi) {
        put_be(p, nhi, 4);
        memcpy(p + 4, hi, nhi);
    }
    *out = r;
    *len = (int)total;
    return PGC_OK;
}

#define RANGE_FNS(name, size, GET, PUT)                                                     \
    int pgc_field_##name##_range(pgc_result *res, pgc_field f, pgc_##name##_range *out,     \
                                 pgc_error *err)                                            \
    {                                                                                       \
        pgc_field lo, hi;                                                                   \
        (void)res;                                                                          \
        memset(out, 0, sizeof *out);                                                        \
        int rc = range_split(f, size, &out->b, &lo, &hi, err);                              \
        if (rc != PGC_OK)                                                                   \
            return rc;                                                                      \
        out->lower = GET(lo);                                                               \
        out->upper = GET(hi);                                                               \
        return PGC_OK;                                                                      \
    }                                                                                       \
    int pgc_put_##name##_range(pgc_##name##_range v, char **out, int *len)                  \
    {                                                                                       \
        char lo[size], hi[size];                                                            \
        PUT(lo, v.lower);                                                                   \
        PUT(hi, v.upper);                                                                   \
        return range_join(v.b, lo, size, hi, size, out, len);                              \
    }

RANGE_FNS(int4, 4, pgc_field_int4, pgc_put_int4)
RANGE_FNS(int8, 8, pgc_field_int8, pgc_put_int8)
RANGE_FNS(date, 4, pgc_field_date, pgc_put_date)
RANGE_FNS(timestamp, 8, pgc_field_timestamp, pgc_put_timestamp)

int pgc_field_numeric_range(pgc_result *res, pgc_field f, pgc_numeric_range *out,
                            pgc_error *err)
{
    pgc_field lo, hi;
    memset(out, 0, sizeof *out);
    int rc = range_split(f, 0, &out->b, &lo, &hi, err);
    if (rc == PGC_OK && lo.data)
        rc = numeric_text(pgc_result_pq(res), lo.data, lo.len, &out->lower, err);
    if (rc == PGC_OK && hi.data)
        rc = numeric_text(pgc_result_pq(res), hi.data, hi.len, &out->upper, err);
    return rc;
}

int pgc_put_numeric_range(pgc_numeric_range v, char **out, int *len)
{
    char *lo = NULL, *hi = NULL;
    int nlo = 0, nhi = 0, rc = PGC_OK;
    unsigned flags = range_flags(v.b);
    *out = NULL;
    *len = 0;
    if (!(flags & (RANGE_EMPTY | RANGE_LB_INF)))
        rc = pgc_put_numeric(v.lower, &lo, &nlo);
    if (rc == PGC_OK && !(flags & (RANGE_EMPTY | RANGE_UB_INF)))
        rc = pgc_put_numeric(v.upper, &hi, &nhi);
    if (rc == PGC_OK)
        rc = range_join(v.b, lo, (size_t)nlo, hi, (size_t)nhi, out, len);
    free(lo);
    free(hi);
    return rc;
}

/* ---- composite parameters -------------------------------------------------------------------- */

static void record_put(pgc_record *r, const void *data, size_t n);

void pgc_record_begin(pgc_record *r, int nfields)
{
    static const char count[4] = {0}; /* the field count's place, filled by _end */
    memset(r, 0, sizeof *r);
    r->nfields = nfields;
    r->rc = nfields < 0 ? PGC_EINVAL : PGC_OK;
    record_put(r, count, sizeof count);
}

/* Appends n bytes, growing the buffer; a failure sticks. */
static void record_put(pgc_record *r, const void *data, size_t n)
{
    if (r->rc != PGC_OK)
        return;
    if (n > ARRAY_MAX || r->len + n > ARRAY_MAX) {
        r->rc = PGC_EINVAL;
        return;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        while (cap < r->len + n)
            cap *= 2;
        char *p = realloc(r->data, cap);
        if (!p) {
            r->rc = PGC_ENOMEM;
            return;
        }
        r->data = p;
        r->cap = cap;
    }
    if (n)
        memcpy(r->data + r->len, data, n);
    r->len += n;
}

void pgc_record_add(pgc_record *r, Oid type, const char *data, size_t len)
{
    char head[8];
    put_be(head, type, 4);
    put_be(head + 4, data ? (uint32_t)len : 0xffffffffu, 4);
    if (data && len > ARRAY_MAX)
        r->rc = PGC_EINVAL;
    record_put(r, head, 8);
    if (data)
        record_put(r, data, len);
    r->added++;
}

void pgc_record_add_encoded(pgc_record *r, Oid type, int rc, char *data, int len)
{
    if (rc == PGC_OK)
        pgc_record_add(r, type, data, (size_t)len);
    else if (r->rc == PGC_OK)
        r->rc = rc;
    free(data);
}

int pgc_record_end(pgc_record *r, char **out, int *len)
{
    *out = NULL;
    *len = 0;
    if (r->rc == PGC_OK && r->added != r->nfields)
        r->rc = PGC_EINVAL;
    if (r->rc != PGC_OK) {
        int rc = r->rc;
        free(r->data);
        memset(r, 0, sizeof *r);
        return rc;
    }
    put_be(r->data, (uint32_t)r->nfields, 4);
    *out = r->data;
    *len = (int)r->len;
    memset(r, 0, sizeof *r);
    return PGC_OK;
}

int pgc_put_jsonb(const char *text, char **out, int *len)
{
    *out = NULL;
    *len = 0;
    if (!text)
        return PGC_EINVAL;
    size_t n = strlen(text);
    if (n >= ARRAY_MAX)
        return PGC_EINVAL;
    char *b = malloc(n + 1);
    if (!b)
        return PGC_ENOMEM;
    b[0] = 1;
    memcpy(b + 1, text, n);
    *out = b;
    *len = (int)n + 1;
    return PGC_OK;
}
