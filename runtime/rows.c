/*
 * rows.c - a query's rows decoded into the structs of generated code
 * (pgc_gen.h, "rows").  Takes a row type: the struct's size and, per
 * column, the member it fills, how (a pgc_type_code of pgc_types.def) and
 * its NULL companion; gives one call per shape of query (:one, :many,
 * :execrows) that runs it, checks the result's columns against the table
 * and decodes, with the messages generated code used to spell out itself
 * ("column id is NULL, but was generated as NOT NULL"); the same for a
 * non-blocking call (pgc_send, and pgc_call_row... on the completed call,
 * whose result async.c keeps).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pgc_gen.h"

/* ---- the type table -------------------------------------------------------------------------- */

typedef enum kind {
#define PGC_KIND(KIND, kind, ctype, size) KIND_##KIND,
#include "pgc_types.def"
    KIND_NONE
} kind;

/* The size of each kind's binary form, 0: variable. */
static const int kind_size[] = {
#define PGC_KIND(KIND, kind, ctype, size) [KIND_##KIND] = size,
#include "pgc_types.def"
};

typedef enum shape { SCALAR, ARRAY, RANGE, ENUM, ENUM_ARRAY, RECORD } shape;

/* What each pgc_type_code is: the OID the server reports (0: the
 * database's own, not checked), its values' kind and its shape. */
static const struct type_info {
    Oid oid, elem;              /* elem: an array's element type */
    unsigned char kind, shape;
} types[] = {
#define PGC_TYPE(NAME, oid, array_oid, KIND)                                                   \
    [PGC_T_##NAME] = {oid, 0, KIND_##KIND, SCALAR},                                            \
    [PGC_T_##NAME##_ARRAY] = {array_oid, oid, KIND_##KIND, ARRAY},
#define PGC_RANGE(NAME, oid, KIND) [PGC_T_##NAME] = {oid, 0, KIND_##KIND, RANGE},
#include "pgc_types.def"
    [PGC_T_CITEXT] = {0, 0, KIND_TEXT, SCALAR},
    [PGC_T_ENUM] = {0, 0, KIND_TEXT, ENUM},
    [PGC_T_ENUM_ARRAY] = {0, 0, KIND_TEXT, ENUM_ARRAY},
    [PGC_T_RECORD] = {0, 0, KIND_NONE, RECORD},
};

static Oid type_oid(pgc_type_code t)
{
    return (size_t)t < sizeof types / sizeof types[0] ? types[t].oid : 0;
}

/* ---- checks and messages --------------------------------------------------------------------- */

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

int pgc_fail_value(pgc_error *err, int code, const pgc_stmt *stmt, const char *fmt, ...)
{
    if (!err)
        return code;
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    pgc_error_prefix(err, "%s: %s: ", stmt && stmt->name ? stmt->name : "statement", what);
    err->code = code;
    if (stmt && stmt->name)
        pgc_strlcpy(err->statement, stmt->name, sizeof err->statement);
    return code;
}

/* Column i of r has stmt's format and, unless want is 0, type want. */
static int check_column(const PGresult *r, const pgc_stmt *stmt, int i, Oid want,
                        pgc_error *err)
{
    if (PQfformat(r, i) != stmt->result_format)
        return pgc_fail_query(err, PGC_EINVAL, stmt, "column %d (%s) is not in %s format", i + 1,
                              PQfname(r, i), stmt->result_format ? "binary" : "text");
    if (want && PQftype(r, i) != want)
        return pgc_fail_query(err, PGC_EINVAL, stmt,
                              "column %d (%s) has type oid %u, the generated code expects %u: "
                              "was the schema changed after generating the code?",
                              i + 1, PQfname(r, i), PQftype(r, i), want);
    return PGC_OK;
}

static int check_count(const PGresult *r, const pgc_stmt *stmt, int ncols, pgc_error *err)
{
    if (PQnfields(r) != ncols)
        return pgc_fail_query(err, PGC_EINVAL, stmt,
                              "the result has %d columns, the generated code expects %d: "
                              "was the schema changed after generating the code?",
                              PQnfields(r), ncols);
    return PGC_OK;
}

int pgc_result_check(const pgc_result *res, const pgc_stmt *stmt, int ncols,
                     const Oid *oids, pgc_error *err)
{
    const PGresult *r = pgc_result_pq((pgc_result *)(uintptr_t)res);
    int rc = check_count(r, stmt, ncols, err);
    for (int i = 0; rc == PGC_OK && i < ncols; i++)
        rc = check_column(r, stmt, i, oids ? oids[i] : 0, err);
    return rc;
}

static int check_row_type(const pgc_result *res, const pgc_stmt *stmt, const pgc_row_type *rt,
                          pgc_error *err)
{
    const PGresult *r = pgc_result_pq((pgc_result *)(uintptr_t)res);
    int rc = check_count(r, stmt, (int)rt->ncols, err);
    /* the common case without a call per column; check_column words a mismatch */
    for (size_t i = 0; rc == PGC_OK && i < rt->ncols; i++) {
        Oid want = types[rt->cols[i].type].oid;
        if (PQfformat(r, (int)i) != stmt->result_format || (want && PQftype(r, (int)i) != want))
            rc = check_column(r, stmt, (int)i, want, err);
    }
    return rc;
}

/* A value's name in messages: "column id", or "column home, field zip"
 * for a field of a composite whose own name is outer. */
static const char *value_name(char *buf, size_t size, const char *outer, const pgc_column *c)
{
    /* a longer name is cut: the return value says so, and is not needed */
    int n = outer ? snprintf(buf, size, "%.200s, field %s", outer, c->name)
                  : snprintf(buf, size, "column %s", c->name);
    (void)n;
    return buf;
}

/* ---- decoding -------------------------------------------------------------------------------- */

static int read_value(pgc_result *res, pgc_field f, const pgc_column *c, char *base,
                      const pgc_stmt *stmt, const char *outer, pgc_error *err);

/* The fields of composite value f into *out by rt (zeroed by the caller). */
static int read_record(pgc_result *res, pgc_field f, const pgc_row_type *rt, char *out,
                       const pgc_stmt *stmt, const char *what, pgc_error *err)
{
    pgc_field some[32], *v = some;
    int n = (int)rt->ncols, rc;
    if (rt->ncols > sizeof some / sizeof some[0] && !(v = malloc(rt->ncols * sizeof *v)))
        return pgc_fail_value(err, pgc_fail(err, PGC_ENOMEM, "out of memory"), stmt, "%s", what);
    rc = pgc_field_record(res, f, n, NULL, v, err);
    for (int i = 0; rc == PGC_OK && i < n; i++) {
        Oid want = type_oid(rt->cols[i].type);
        if (want && v[i].type != want)
            rc = pgc_fail(err, PGC_EINVAL,
                          "field %d has type oid %u, the generated code expects %u: was the "
                          "schema changed after generating the code?", i + 1, v[i].type, want);
    }
    if (rc != PGC_OK)
        rc = pgc_fail_value(err, rc, stmt, "%s", what);
    for (int i = 0; rc == PGC_OK && i < n; i++)
        rc = read_value(res, v[i], &rt->cols[i], out, stmt, what, err);
    if (v != some)
        free(v);
    return rc;
}

/* The labels of an array of enums, each one of the type's. */
static int check_labels(const pgc_text_array *a, const pgc_enum_type *et, const pgc_stmt *stmt,
                        const char *what, pgc_error *err)
{
    union { long l; long long ll; void *p; } value; /* room for any C enum */
    for (size_t k = 0; k < a->len; k++)
        if (a->items[k] && !et->from_text(a->items[k], &value))
            return pgc_fail_query(err, PGC_EINVAL, stmt, "%s: '%s' is not a %s label", what,
                                  a->items[k], et->name);
    return PGC_OK;
}

static int read_scalar(pgc_result *res, pgc_field f, kind k, void *p, pgc_error *err)
{
    switch (k) {
    case KIND_INT2: *(int16_t *)p = pgc_field_int2(f); break;
    case KIND_INT4: *(int32_t *)p = pgc_field_int4(f); break;
    case KIND_INT8: *(int64_t *)p = pgc_field_int8(f); break;
    case KIND_FLOAT4: *(float *)p = pgc_field_float4(f); break;
    case KIND_FLOAT8: *(double *)p = pgc_field_float8(f); break;
    case KIND_BOOL: *(bool *)p = pgc_field_bool(f); break;
    case KIND_TEXT: *(const char **)p = pgc_field_text(f); break;
    case KIND_JSONB: return pgc_field_jsonb(f, p, err);
    case KIND_NUMERIC: return pgc_field_numeric(res, f, p, err);
    case KIND_BYTES: *(pgc_bytes *)p = pgc_field_bytes(f); break;
    case KIND_UUID: *(pgc_uuid *)p = pgc_field_uuid(f); break;
    case KIND_DATE: *(pgc_date *)p = pgc_field_date(f); break;
    case KIND_TIMESTAMP: *(pgc_timestamp *)p = pgc_field_timestamp(f); break;
    case KIND_INTERVAL: *(pgc_interval *)p = pgc_field_interval(f); break;
    case KIND_NONE: break;
    }
    return PGC_OK;
}

static int read_array(pgc_result *res, pgc_field f, kind k, void *p, pgc_error *err)
{
    switch (k) {
    case KIND_INT2: return pgc_field_int2_array(res, f, p, err);
    case KIND_INT4: return pgc_field_int4_array(res, f, p, err);
    case KIND_INT8: return pgc_field_int8_array(res, f, p, err);
    case KIND_FLOAT4: return pgc_field_float4_array(res, f, p, err);
    case KIND_FLOAT8: return pgc_field_float8_array(res, f, p, err);
    case KIND_BOOL: return pgc_field_bool_array(res, f, p, err);
    case KIND_TEXT: return pgc_field_text_array(res, f, p, err);
    case KIND_JSONB: return pgc_field_jsonb_array(res, f, p, err);
    case KIND_NUMERIC: return pgc_field_numeric_array(res, f, p, err);
    case KIND_BYTES: return pgc_field_bytes_array(res, f, p, err);
    case KIND_UUID: return pgc_field_uuid_array(res, f, p, err);
    case KIND_DATE: return pgc_field_date_array(res, f, p, err);
    case KIND_TIMESTAMP: return pgc_field_timestamp_array(res, f, p, err);
    case KIND_INTERVAL: return pgc_field_interval_array(res, f, p, err);
    case KIND_NONE: break;
    }
    return PGC_OK;
}

static int read_range(pgc_result *res, pgc_field f, kind k, void *p, pgc_error *err)
{
    switch (k) {
    case KIND_INT4: return pgc_field_int4_range(res, f, p, err);
    case KIND_INT8: return pgc_field_int8_range(res, f, p, err);
    case KIND_NUMERIC: return pgc_field_numeric_range(res, f, p, err);
    case KIND_DATE: return pgc_field_date_range(res, f, p, err);
    case KIND_TIMESTAMP: return pgc_field_timestamp_range(res, f, p, err);
    case KIND_INT2: case KIND_FLOAT4: case KIND_FLOAT8: case KIND_BOOL: case KIND_TEXT:
    case KIND_JSONB: case KIND_BYTES: case KIND_UUID: case KIND_INTERVAL: case KIND_NONE:
        break; /* no such range in pgc_types.def */
    }
    return PGC_OK;
}

/* The failures of read_value, apart so that its common path stays short. */
static int refuse_null(const pgc_stmt *stmt, const char *outer, const pgc_column *c,
                       pgc_error *err)
{
    char name[256];
    return pgc_fail_query(err, PGC_EINVAL, stmt, "%s is NULL, but was generated as NOT NULL",
                          value_name(name, sizeof name, outer, c));
}

static int refuse_label(const pgc_stmt *stmt, const char *outer, const pgc_column *c,
                        const char *label, pgc_error *err)
{
    char name[256];
    const pgc_enum_type *et = c->info;
    return pgc_fail_query(err, PGC_EINVAL, stmt, "%s: '%s' is not a %s label",
                          value_name(name, sizeof name, outer, c), label, et->name);
}

static int name_failure(int rc, const pgc_stmt *stmt, const char *outer, const pgc_column *c,
                        pgc_error *err)
{
    char name[256];
    return pgc_fail_value(err, rc, stmt, "%s", value_name(name, sizeof name, outer, c));
}

/* The values that are neither NULL nor scalars: arrays, ranges, enums' labels, composites. */
static int read_other(pgc_result *res, pgc_field f, const pgc_column *c, void *p,
                      const pgc_stmt *stmt, const char *outer, pgc_error *err)
{
    const struct type_info *t = &types[c->type];
    char name[256];
    int rc = PGC_OK;
    switch ((shape)t->shape) {
    case SCALAR: rc = read_scalar(res, f, (kind)t->kind, p, err); break;
    case ARRAY: rc = read_array(res, f, (kind)t->kind, p, err); break;
    case RANGE: rc = read_range(res, f, (kind)t->kind, p, err); break;
    case ENUM: {
        const pgc_enum_type *et = c->info;
        return et->from_text(f.data, p) ? PGC_OK : refuse_label(stmt, outer, c, f.data, err);
    }
    case ENUM_ARRAY:
        rc = pgc_field_label_array(res, f, p, err);
        if (rc == PGC_OK)
            return check_labels(p, c->info, stmt, value_name(name, sizeof name, outer, c), err);
        break;
    case RECORD:
        return read_record(res, f, c->info, p, stmt, value_name(name, sizeof name, outer, c),
                           err);
    }
    return rc == PGC_OK ? PGC_OK : name_failure(rc, stmt, outer, c, err);
}

/*
 * Value f into the member c of the struct at base: a NULL sets the
 * companion or is refused; a value is decoded by its type's shape (the
 * fixed-size scalars here, the rest by read_other).
 */
static inline int read_value(pgc_result *res, pgc_field f, const pgc_column *c, char *base,
                             const pgc_stmt *stmt, const char *outer, pgc_error *err)
{
    void *p = base + c->offset;
    if (!f.data) {
        if (c->is_null == PGC_NOT_NULL)
            return refuse_null(stmt, outer, c, err);
        if (c->is_null >= 0)
            *(bool *)(base + c->is_null) = true;
        return PGC_OK; /* the member stays zeroed: NULL, 0, an empty view */
    }
    const struct type_info *t = &types[c->type];
    if (t->shape == SCALAR) {
        switch ((kind)t->kind) {
        case KIND_INT2: *(int16_t *)p = pgc_field_int2(f); return PGC_OK;
        case KIND_INT4: *(int32_t *)p = pgc_field_int4(f); return PGC_OK;
        case KIND_INT8: *(int64_t *)p = pgc_field_int8(f); return PGC_OK;
        case KIND_FLOAT8: *(double *)p = pgc_field_float8(f); return PGC_OK;
        case KIND_BOOL: *(bool *)p = pgc_field_bool(f); return PGC_OK;
        case KIND_TEXT: *(const char **)p = f.data; return PGC_OK; /* pgc_field_text */
        case KIND_TIMESTAMP: *(pgc_timestamp *)p = pgc_field_timestamp(f); return PGC_OK;
        case KIND_FLOAT4: case KIND_JSONB: case KIND_NUMERIC: case KIND_BYTES: case KIND_UUID:
        case KIND_DATE: case KIND_INTERVAL: case KIND_NONE:
            break;
        }
    }
    return read_other(res, f, c, p, stmt, outer, err);
}

/* The value at (r, col) of pq, a row libpq has; its type is not needed here. */
static inline pgc_field field_at(const PGresult *pq, int r, int col)
{
    pgc_field f = {0, NULL, -1};
    /* as pgc_get_field: only an empty value needs PQgetisnull */
    int len = PQgetlength(pq, r, col);
    if (len > 0 || !PQgetisnull(pq, r, col)) {
        f.data = PQgetvalue(pq, r, col);
        f.len = len;
    }
    return f;
}

int pgc_read_row(pgc_result *res, int r, const pgc_stmt *stmt, const pgc_row_type *rt,
                 bool check, void *row, pgc_error *err)
{
    const PGresult *pq = pgc_result_pq(res);
    memset(row, 0, rt->size);
    int rc = check ? check_row_type(res, stmt, rt, err) : PGC_OK;
    if (rc == PGC_OK && (r < 0 || r >= PQntuples(pq)))
        rc = pgc_fail_query(err, PGC_EINVAL, stmt, "no row %d in the result", r);
    for (size_t i = 0; rc == PGC_OK && i < rt->ncols; i++)
        rc = read_value(res, field_at(pq, r, (int)i), &rt->cols[i], row, stmt, NULL, err);
    if (rc != PGC_OK)
        memset(row, 0, rt->size);
    return rc;
}

/* ---- parameters ---------------------------------------------------------------------------- */

enum { ARGS_ON_STACK = 16 };

/* The parameters of one call, encoded for pgc_query: values[i] with its
 * length and format, in bin[i] for a fixed-size value, in owned memory
 * for an encoded one (freed by args_free). */
typedef struct encoded {
    const char **values;
    int *lengths, *formats;
    char (*bin)[16];
    char **owned;
    size_t nowned;
    void *heap;
    const char *values_[ARGS_ON_STACK];
    int lengths_[ARGS_ON_STACK], formats_[ARGS_ON_STACK];
    char bin_[ARGS_ON_STACK][16];
    char *owned_[ARGS_ON_STACK];
} encoded;

static void args_free(encoded *e)
{
    for (size_t i = 0; i < e->nowned; i++)
        free(e->owned[i]);
    free(e->heap);
    e->nowned = 0;
    e->heap = NULL;
}

/* The binary form of a fixed-size value of kind k in buf, or NULL for a
 * kind that has none. */
static const char *put_fixed(kind k, char *buf, const void *v)
{
    switch (k) {
    case KIND_INT2: return pgc_put_int2(buf, *(const int16_t *)v);
    case KIND_INT4: return pgc_put_int4(buf, *(const int32_t *)v);
    case KIND_INT8: return pgc_put_int8(buf, *(const int64_t *)v);
    case KIND_FLOAT4: return pgc_put_float4(buf, *(const float *)v);
    case KIND_FLOAT8: return pgc_put_float8(buf, *(const double *)v);
    case KIND_BOOL: return pgc_put_bool(buf, *(const bool *)v);
    case KIND_UUID: return pgc_put_uuid(buf, *(const pgc_uuid *)v);
    case KIND_DATE: return pgc_put_date(buf, *(const pgc_date *)v);
    case KIND_TIMESTAMP: return pgc_put_timestamp(buf, *(const pgc_timestamp *)v);
    case KIND_INTERVAL: return pgc_put_interval(buf, *(const pgc_interval *)v);
    case KIND_TEXT: case KIND_JSONB: case KIND_NUMERIC: case KIND_BYTES: case KIND_NONE:
        break;
    }
    return NULL;
}

static int put_range(kind k, const void *v, char **out, int *len)
{
    switch (k) {
    case KIND_INT4: return pgc_put_int4_range(*(const pgc_int4_range *)v, out, len);
    case KIND_INT8: return pgc_put_int8_range(*(const pgc_int8_range *)v, out, len);
    case KIND_NUMERIC: return pgc_put_numeric_range(*(const pgc_numeric_range *)v, out, len);
    case KIND_DATE: return pgc_put_date_range(*(const pgc_date_range *)v, out, len);
    case KIND_TIMESTAMP: return pgc_put_timestamp_range(*(const pgc_timestamp_range *)v, out, len);
    case KIND_INT2: case KIND_FLOAT4: case KIND_FLOAT8: case KIND_BOOL: case KIND_TEXT:
    case KIND_JSONB: case KIND_BYTES: case KIND_UUID: case KIND_INTERVAL: case KIND_NONE:
        break; /* no such range in pgc_types.def */
    }
    return PGC_EINVAL;
}

/* An array or range of kind k encoded into *out (malloc'd); *format 0 for
 * the text form of numeric[] and jsonb[]. */
static int put_encoded(const struct type_info *t, const void *v, char **out, int *len,
                       int *format)
{
    *format = 1;
    if (t->shape == RANGE)
        return put_range((kind)t->kind, v, out, len);
    switch ((kind)t->kind) {
    case KIND_INT2: return pgc_put_int2_array(*(const pgc_int2_array *)v, t->elem, out, len);
    case KIND_INT4: return pgc_put_int4_array(*(const pgc_int4_array *)v, t->elem, out, len);
    case KIND_INT8: return pgc_put_int8_array(*(const pgc_int8_array *)v, t->elem, out, len);
    case KIND_FLOAT4:
        return pgc_put_float4_array(*(const pgc_float4_array *)v, t->elem, out, len);
    case KIND_FLOAT8:
        return pgc_put_float8_array(*(const pgc_float8_array *)v, t->elem, out, len);
    case KIND_BOOL: return pgc_put_bool_array(*(const pgc_bool_array *)v, t->elem, out, len);
    case KIND_UUID: return pgc_put_uuid_array(*(const pgc_uuid_array *)v, t->elem, out, len);
    case KIND_DATE: return pgc_put_date_array(*(const pgc_date_array *)v, t->elem, out, len);
    case KIND_TIMESTAMP:
        return pgc_put_timestamp_array(*(const pgc_timestamp_array *)v, t->elem, out, len);
    case KIND_INTERVAL:
        return pgc_put_interval_array(*(const pgc_interval_array *)v, t->elem, out, len);
    case KIND_BYTES: return pgc_put_bytes_array(*(const pgc_bytes_array *)v, t->elem, out, len);
    case KIND_TEXT: return pgc_put_text_array(*(const pgc_text_array *)v, t->elem, out, len);
    case KIND_JSONB: case KIND_NUMERIC: case KIND_NONE: /* as text: {"1.5","2"} */
        *format = 0;
        return pgc_put_array_literal(*(const pgc_text_array *)v, out, len);
    }
    return PGC_EINVAL;
}

int pgc_put_record(const pgc_row_type *rt, const void *value, char **out, int *len)
{
    const char *base = value;
    pgc_record r;
    pgc_record_begin(&r, (int)rt->ncols);
    for (size_t i = 0; i < rt->ncols; i++) {
        const pgc_column *c = &rt->cols[i];
        const struct type_info *t = &types[c->type];
        const void *v = base + c->offset;
        bool string = t->shape == SCALAR
                      && (t->kind == KIND_TEXT || t->kind == KIND_JSONB || t->kind == KIND_NUMERIC);
        char bin[16], *enc = NULL;
        const char *data;
        int rc, enc_len = 0, format;
        if ((c->is_null >= 0 && *(const bool *)(base + c->is_null))
            || (string && !*(const char *const *)v)) {
            pgc_record_add(&r, t->oid, NULL, 0);
        } else if (t->shape != SCALAR) { /* arrays and ranges (pgc generate allows no others) */
            rc = t->shape == ARRAY || t->shape == RANGE ? put_encoded(t, v, &enc, &enc_len, &format)
                                                        : PGC_EINVAL;
            pgc_record_add_encoded(&r, t->oid, rc, enc, enc_len);
        } else if (t->kind == KIND_BYTES) {
            const pgc_bytes *b = v;
            if (!b->data && b->len) /* as encode_arg: no bytes to read */
                pgc_record_add_encoded(&r, t->oid, PGC_EINVAL, NULL, 0);
            else
                pgc_record_add(&r, t->oid, b->data ? (const char *)b->data : "", b->len);
        } else if ((data = put_fixed((kind)t->kind, bin, v))) {
            pgc_record_add(&r, t->oid, data, (size_t)kind_size[t->kind]);
        } else if (t->kind == KIND_TEXT) {
            data = *(const char *const *)v;
            pgc_record_add(&r, t->oid, data, strlen(data));
        } else {
            data = *(const char *const *)v;
            rc = t->kind == KIND_JSONB ? pgc_put_jsonb(data, &enc, &enc_len)
                                       : pgc_put_numeric(data, &enc, &enc_len);
            pgc_record_add_encoded(&r, t->oid, rc, enc, enc_len);
        }
    }
    return pgc_record_end(&r, out, len);
}

/* Parameter i (p, its value v, not NULL) into e. */
static int encode_arg(const pgc_stmt *stmt, const pgc_param *p, const void *v, encoded *e,
                      size_t i, pgc_error *err)
{
    const struct type_info *t = &types[p->type];
    char *mem = NULL;
    int rc = PGC_OK, len = 0;
    switch ((shape)t->shape) {
    case SCALAR:
        if (t->kind == KIND_BYTES) {
            const pgc_bytes *b = v;
            if (b->len > INT_MAX || (!b->data && b->len))
                return pgc_fail_query(err, PGC_EINVAL, stmt,
                                      "parameter %s: no data or too long", p->name);
            e->values[i] = b->data ? (const char *)b->data : "";
            e->lengths[i] = (int)b->len;
            e->formats[i] = 1;
        } else if ((e->values[i] = put_fixed((kind)t->kind, e->bin[i], v))) {
            e->lengths[i] = kind_size[t->kind];
            e->formats[i] = 1;
        } else {
            e->values[i] = v; /* text, numeric, jsonb: the string itself */
        }
        return PGC_OK;
    case ENUM:
        if (!(e->values[i] = p->enum_type->to_text(v)))
            return pgc_fail_query(err, PGC_EINVAL, stmt, "parameter %s is not a %s value",
                                  p->name, p->enum_type->name);
        return PGC_OK;
    case ENUM_ARRAY:
        rc = pgc_put_array_literal(*(const pgc_text_array *)v, &mem, &len);
        break;
    case ARRAY: case RANGE:
        rc = put_encoded(t, v, &mem, &len, &e->formats[i]);
        break;
    case RECORD:
        rc = pgc_put_record(p->record, v, &mem, &len);
        e->formats[i] = 1;
        break;
    }
    if (rc != PGC_OK)
        return pgc_fail_query(err, rc, stmt, "parameter %s: %s", p->name, pgc_strerror(rc));
    e->owned[e->nowned++] = mem;
    e->values[i] = mem;
    e->lengths[i] = len;
    return PGC_OK;
}

/* stmt's parameters into e, or why not (e then holds nothing). */
static int args_encode(const pgc_stmt *stmt, const pgc_param *params, const void *const *args,
                       encoded *e, pgc_error *err)
{
    size_t n = stmt->nparams > 0 ? (size_t)stmt->nparams : 0;
    e->nowned = 0;
    e->heap = NULL;
    e->values = e->values_;
    e->lengths = e->lengths_;
    e->formats = e->formats_;
    e->bin = e->bin_;
    e->owned = e->owned_;
    if (n > ARGS_ON_STACK) {
        char *h = e->heap = calloc(n, sizeof(char *) * 2 + sizeof(int) * 2 + 16);
        if (!h)
            return pgc_fail_query(err, PGC_ENOMEM, stmt, "out of memory");
        e->values = (const char **)(void *)h;
        e->owned = (char **)(void *)(h + n * sizeof(char *));
        e->bin = (char(*)[16])(void *)(h + n * sizeof(char *) * 2);
        e->lengths = (int *)(void *)(h + n * (sizeof(char *) * 2 + 16));
        e->formats = e->lengths + n;
    }
    for (size_t i = 0; i < n; i++) {
        const pgc_param *p = &params[i];
        int rc = PGC_OK;
        e->values[i] = NULL;
        e->lengths[i] = 0;
        e->formats[i] = 0;
        if (args[i])
            rc = encode_arg(stmt, p, args[i], e, i, err);
        else if (!p->nullable)
            rc = pgc_fail_query(err, PGC_EINVAL, stmt, "parameter %s is NULL", p->name);
        if (rc != PGC_OK) {
            args_free(e);
            return rc;
        }
    }
    return PGC_OK;
}

/* ---- one call per shape of query ------------------------------------------------------------- */

/* pgc_query with stmt's parameters encoded. */
static int run(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
               const void *const *args, pgc_result **res, pgc_error *err)
{
    encoded e;
    int rc = args_encode(stmt, params, args, &e, err);
    if (rc != PGC_OK)
        return rc;
    rc = pgc_query(db, stmt, e.values, e.lengths, e.formats, res, err);
    args_free(&e);
    return rc;
}

int pgc_run(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params, const void *const *args,
            pgc_result **res, pgc_error *err)
{
    if (res)
        *res = NULL;
    return run(db, stmt, params, args, res, err);
}

int pgc_batch_queue_args(pgc_batch *b, const pgc_stmt *stmt, const pgc_param *params,
                         const void *const *args, pgc_error *err)
{
    encoded e;
    int rc = args_encode(stmt, params, args, &e, err);
    if (rc != PGC_OK)
        return rc;
    rc = pgc_batch_queue(b, stmt, e.values, e.lengths, e.formats, err);
    args_free(&e);
    return rc;
}

int pgc_send(pgc_async *a, const pgc_stmt *stmt, const pgc_param *params,
             const void *const *args, pgc_call **out, pgc_error *err)
{
    encoded e;
    *out = NULL;
    int rc = args_encode(stmt, params, args, &e, err);
    if (rc != PGC_OK)
        return rc;
    rc = pgc_async_query(a, stmt, e.values, e.lengths, e.formats, out, err);
    args_free(&e);
    return rc;
}

/* The result of a completed call, still the call's, or why there is none. */
static int call_result(pgc_call *call, const pgc_stmt *stmt, PGresult **res, pgc_error *err)
{
    int rc = pgc_call_peek(call, res, err);
    if (rc == PGC_OK && !*res)
        rc = pgc_fail_query(err, PGC_EINVAL, stmt, "the call's result was taken already");
    return rc;
}

int pgc_call_row(pgc_call *call, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                 pgc_result **keep, pgc_error *err)
{
    PGresult *res;
    if (keep)
        *keep = NULL;
    int rc = call_result(call, stmt, &res, err);
    if (rc == PGC_OK && PQntuples(res) == 0)
        rc = pgc_fail_query(err, PGC_ENOROW, stmt, "no row");
    if (rc != PGC_OK) {
        memset(row, 0, rt->size);
        return rc;
    }
    rc = pgc_read_row((pgc_result *)res, 0, stmt, rt, true, row, err);
    if (rc == PGC_OK && keep)
        *keep = (pgc_result *)pgc_call_take(call);
    return rc;
}

int pgc_call_read_row(pgc_call *call, int i, const pgc_stmt *stmt, const pgc_row_type *rt,
                      void *row, pgc_error *err)
{
    PGresult *res;
    int rc = call_result(call, stmt, &res, err);
    if (rc == PGC_OK && i >= 0 && i >= PQntuples(res))
        rc = PGC_DONE;
    if (rc != PGC_OK) {
        memset(row, 0, rt->size);
        return rc;
    }
    /* the columns are checked on every row: a few comparisons, and a
     * caller may read the rows in any order */
    return pgc_read_row((pgc_result *)res, i, stmt, rt, true, row, err);
}

int pgc_call_affected(pgc_call *call, int64_t *affected, pgc_error *err)
{
    PGresult *res;
    if (affected)
        *affected = 0;
    int rc = call_result(call, NULL, &res, err);
    if (rc == PGC_OK && affected)
        *affected = pgc_result_affected((pgc_result *)res);
    return rc;
}

int pgc_result_row(pgc_result *res, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                   pgc_result **keep, pgc_error *err)
{
    int rc;
    if (keep)
        *keep = NULL;
    if (pgc_result_rows(res) == 0) {
        memset(row, 0, rt->size);
        rc = pgc_fail_query(err, PGC_ENOROW, stmt, "no row");
    } else {
        rc = pgc_read_row(res, 0, stmt, rt, true, row, err);
    }
    if (rc == PGC_OK && keep)
        *keep = res;
    else
        pgc_result_free(res);
    return rc;
}

int pgc_query_row(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                  const void *const *args, const pgc_row_type *rt, void *row, pgc_result **keep,
                  pgc_error *err)
{
    pgc_result *res;
    int rc = run(db, stmt, params, args, &res, err);
    if (rc != PGC_OK) {
        memset(row, 0, rt->size);
        return rc;
    }
    return pgc_result_row(res, stmt, rt, row, keep, err);
}

int pgc_query_affected(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                       const void *const *args, int64_t *affected, pgc_error *err)
{
    pgc_result *res;
    if (affected)
        *affected = 0;
    int rc = run(db, stmt, params, args, &res, err);
    if (rc != PGC_OK)
        return rc;
    if (affected)
        *affected = pgc_result_affected(res);
    pgc_result_free(res);
    return PGC_OK;
}

int pgc_rows_open(pgc_rows *it, pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                  const void *const *args, pgc_error *err)
{
    encoded e;
    it->stream = NULL;
    it->checked = false;
    int rc = args_encode(stmt, params, args, &e, err);
    if (rc != PGC_OK)
        return rc;
    rc = pgc_stream_open(db, stmt, e.values, e.lengths, e.formats, &it->stream, err);
    args_free(&e);
    return rc;
}

int pgc_rows_next(pgc_rows *it, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                  pgc_error *err)
{
    pgc_result *res;
    if (!it->stream) {
        memset(row, 0, rt->size);
        return pgc_fail_query(err, PGC_EINVAL, stmt, "the iterator is not open");
    }
    int rc = pgc_stream_next(it->stream, &res, err);
    if (rc != PGC_OK) {
        memset(row, 0, rt->size);
        return rc;
    }
    rc = pgc_read_row(res, 0, stmt, rt, !it->checked, row, err);
    if (rc == PGC_OK)
        it->checked = true;
    return rc;
}

void pgc_rows_close(pgc_rows *it)
{
    if (it) {
        pgc_stream_close(it->stream);
        it->stream = NULL;
    }
}

/* ---- COPY ------------------------------------------------------------------------------------ */

/* The items and length of an array member of kind k. */
static void array_view(kind k, const void *v, const void **items, size_t *len)
{
    switch (k) {
#define VIEW(K, T)                                                                             \
    case KIND_##K:                                                                             \
        *items = ((const T *)v)->items;                                                        \
        *len = ((const T *)v)->len;                                                            \
        return;
    VIEW(INT2, pgc_int2_array)
    VIEW(INT4, pgc_int4_array)
    VIEW(INT8, pgc_int8_array)
    VIEW(FLOAT4, pgc_float4_array)
    VIEW(FLOAT8, pgc_float8_array)
    VIEW(BOOL, pgc_bool_array)
    VIEW(UUID, pgc_uuid_array)
    VIEW(DATE, pgc_date_array)
    VIEW(TIMESTAMP, pgc_timestamp_array)
    VIEW(INTERVAL, pgc_interval_array)
    VIEW(BYTES, pgc_bytes_array)
    case KIND_TEXT: case KIND_JSONB: case KIND_NUMERIC: case KIND_NONE:
        *items = ((const pgc_text_array *)v)->items;
        *len = ((const pgc_text_array *)v)->len;
        return;
#undef VIEW
    }
}

static bool member_is_null(const pgc_column *c, const char *base)
{
    return c->is_null >= 0 && *(const bool *)(base + c->is_null);
}

/* What row i (at base) holds that no server should be sent. */
static int copy_check(const pgc_stmt *stmt, const pgc_row_type *rt, const char *base, size_t i,
                      pgc_error *err)
{
    for (size_t k = 0; k < rt->ncols; k++) {
        const pgc_column *c = &rt->cols[k];
        const struct type_info *t = &types[c->type];
        const void *v = base + c->offset;
        if (member_is_null(c, base))
            continue;
        if (t->shape == SCALAR && c->is_null == PGC_NOT_NULL
            && (t->kind == KIND_TEXT || t->kind == KIND_JSONB || t->kind == KIND_NUMERIC)
            && !*(const char *const *)v)
            return pgc_fail_query(err, PGC_EINVAL, stmt, "row %zu: %s is NULL", i, c->name);
        if (t->shape == ARRAY) {
            const void *items = NULL;
            size_t len = 0;
            array_view((kind)t->kind, v, &items, &len);
            if (!items && len)
                return pgc_fail_query(err, PGC_EINVAL, stmt, "row %zu: %s has no items", i,
                                      c->name);
        }
        if (t->shape == ENUM) {
            const pgc_enum_type *et = c->info;
            if (!et->to_text(v))
                return pgc_fail_query(err, PGC_EINVAL, stmt, "row %zu: %s is not a %s value", i,
                                      c->name, et->name);
        }
    }
    return PGC_OK;
}

/* Member c of the row at base as its COPY field; failures stick to cp. */
static void copy_field(pgc_copy *cp, const pgc_column *c, const char *base)
{
    const struct type_info *t = &types[c->type];
    const void *v = base + c->offset;
    char bin[16], *enc = NULL;
    const char *data;
    int rc = PGC_EINVAL, len = 0, format;
    if (member_is_null(c, base)) {
        pgc_copy_null(cp, NULL);
        return;
    }
    switch ((shape)t->shape) {
    case SCALAR:
        if (t->kind == KIND_BYTES) {
            const pgc_bytes *b = v;
            pgc_copy_bytes(cp, b->data, b->len, NULL);
        } else if ((data = put_fixed((kind)t->kind, bin, v))) {
            pgc_copy_bytes(cp, data, (size_t)kind_size[t->kind], NULL);
        } else if (t->kind == KIND_JSONB) {
            pgc_copy_jsonb(cp, *(const char *const *)v, NULL);
        } else if (t->kind == KIND_NUMERIC) {
            pgc_copy_numeric(cp, *(const char *const *)v, NULL);
        } else {
            pgc_copy_text(cp, *(const char *const *)v, NULL); /* NULL writes NULL */
        }
        return;
    case ENUM:
        pgc_copy_text(cp, ((const pgc_enum_type *)c->info)->to_text(v), NULL);
        return;
    case ARRAY: case RANGE:
        rc = put_encoded(t, v, &enc, &len, &format);
        break;
    case RECORD:
        rc = pgc_put_record(c->info, v, &enc, &len);
        break;
    case ENUM_ARRAY: /* no binary form here: pgc generate refuses it */
        rc = PGC_EINVAL;
        break;
    }
    pgc_copy_encoded(cp, rc, enc, len, NULL);
}

int pgc_copy_rows(pgc_db *db, const pgc_stmt *stmt, const pgc_row_type *rt, const void *rows,
                  size_t n, int64_t *copied, pgc_error *err)
{
    const char *base = rows;
    pgc_copy *cp;
    if (copied)
        *copied = 0;
    if (!rows && n > 0)
        return pgc_fail_query(err, PGC_EINVAL, stmt, "rows is NULL");
    for (size_t i = 0; i < n; i++) {
        int rc = copy_check(stmt, rt, base + i * rt->size, i, err);
        if (rc != PGC_OK)
            return rc;
    }
    int rc = pgc_copy_begin(db, stmt, &cp, err);
    if (rc != PGC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (pgc_copy_row(cp, (int)rt->ncols, NULL) != PGC_OK)
            break; /* pgc_copy_end reports it */
        for (size_t k = 0; k < rt->ncols; k++)
            copy_field(cp, &rt->cols[k], base + i * rt->size);
    }
    return pgc_copy_end(cp, copied, err);
}
