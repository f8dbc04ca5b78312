/*
 * pgc_gen.h - what the code `pgc generate` writes calls, besides pgc.h.
 *
 * Generated code includes this header (it includes pgc.h); a program that
 * only uses generated functions needs nothing from it but the value types
 * (pgc_timestamp, pgc_int4_array, ...) of rows and parameters.  Hand-written
 * code may call it too: the functions are stable, but their shapes follow
 * what generated code needs.
 *
 *   - PGC_OID_* name the built-in types pgc maps (pgc_types.def).
 *   - Values: the C form of each PostgreSQL type, binary encoders
 *     (pgc_put_*) for parameters and decoders (pgc_field_*) for results.
 *   - Rows (rows.c): a query's columns described by a table (pgc_column),
 *     so one call runs a query and decodes its row, or its rows one by
 *     one, into the generated struct, with the messages of PGC_EINVAL that
 *     name the statement and the column.
 */
#ifndef PGC_GEN_H
#define PGC_GEN_H

#include "pgc.h"

PGC_BEGIN_DECLS /* exported by libpgc.so, as pgc.h's */

/* The OIDs of the built-in types pgc maps, and of their arrays. */
enum {
#define PGC_TYPE(NAME, oid, array_oid, KIND) PGC_OID_##NAME = oid, PGC_OID_##NAME##_ARRAY = array_oid,
#define PGC_RANGE(NAME, oid, KIND) PGC_OID_##NAME = oid,
#include "pgc_types.def"
    PGC_OID_NONE = 0 /* a type whose OID is the database's own: not checked */
};

/* ------------------------------------------------------------------ */
/* values.c: C values of PostgreSQL types, for generated code            */
/* ------------------------------------------------------------------ */

/*
 * What `pgc generate` maps PostgreSQL types to, besides the C scalars
 * (int16_t smallint, int32_t integer, int64_t bigint, float real, double
 * double precision, bool boolean) and `const char *` (text, varchar, char,
 * name, citext, json, jsonb, numeric as its text).  Times count from
 * 2000-01-01 00:00 as PostgreSQL does (timestamptz in UTC); infinity is
 * INT64_MAX / INT32_MAX and -infinity INT64_MIN / INT32_MIN, as sent.
 */
typedef struct pgc_bytes {        /* bytea */
    const uint8_t *data;          /* may be NULL when len is 0 */
    size_t len;
} pgc_bytes;

typedef struct pgc_uuid {         /* uuid: its 16 bytes in order */
    uint8_t b[16];
} pgc_uuid;

typedef struct pgc_timestamp {    /* timestamp, timestamptz */
    int64_t usec;                 /* microseconds since 2000-01-01 00:00 */
} pgc_timestamp;

typedef struct pgc_date {         /* date */
    int32_t days;                 /* days since 2000-01-01 */
} pgc_date;

typedef struct pgc_interval {     /* interval: PostgreSQL's three fields, */
    int64_t usec;                 /* kept apart as it keeps them */
    int32_t days;
    int32_t months;
} pgc_interval;

/* Seconds between 1970-01-01 and 2000-01-01, to convert to and from time_t. */
#define PGC_EPOCH_2000 INT64_C(946684800)

/*
 * Binary parameter encoders (PostgreSQL's *recv formats, network byte
 * order): each writes v into buf and returns buf, to go into a values[]
 * slot with format 1.  buf holds at least 2, 4, 8, 4, 8, 1, 16, 4 and 8
 * bytes for these, in order.
 */
const char *pgc_put_int2(char *buf, int16_t v);
const char *pgc_put_int4(char *buf, int32_t v);
const char *pgc_put_int8(char *buf, int64_t v);
const char *pgc_put_float4(char *buf, float v);
const char *pgc_put_float8(char *buf, double v);
const char *pgc_put_bool(char *buf, bool v);
const char *pgc_put_uuid(char *buf, pgc_uuid v);
const char *pgc_put_date(char *buf, pgc_date v);
const char *pgc_put_timestamp(char *buf, pgc_timestamp v);
/* interval: buf holds at least 16 bytes. */
const char *pgc_put_interval(char *buf, pgc_interval v);

/*
 * Binary result decoders.  A decoder reads a pgc_field: a value in binary
 * format, either a column of a result row (pgc_get_field) or a field of a
 * composite value (pgc_field_record).  Its bytes are followed by a NUL
 * byte, so text is a C string in place.
 */
typedef struct pgc_field {
    Oid type;              /* its type OID, as the server sent it */
    const char *data;      /* NULL for SQL NULL */
    int len;               /* -1 for SQL NULL */
} pgc_field;

/* The value at (row, col); a NULL field out of range. */
pgc_field pgc_get_field(const pgc_result *res, int row, int col);

/*
 * Scalars.  A NULL value (or one of the wrong size) gives 0, false, an
 * empty value or NULL: test `f.len < 0` for SQL NULL.  Pointers point into
 * the result and live as long as it.
 */
int16_t pgc_field_int2(pgc_field f);
int32_t pgc_field_int4(pgc_field f);
int64_t pgc_field_int8(pgc_field f);
float pgc_field_float4(pgc_field f);
double pgc_field_float8(pgc_field f);
bool pgc_field_bool(pgc_field f);
pgc_uuid pgc_field_uuid(pgc_field f);
pgc_date pgc_field_date(pgc_field f);
pgc_timestamp pgc_field_timestamp(pgc_field f);
pgc_interval pgc_field_interval(pgc_field f);
pgc_bytes pgc_field_bytes(pgc_field f);
/* text, varchar, char, name, citext, json, enum labels: NULL for NULL. */
const char *pgc_field_text(pgc_field f);

/*
 * Decoders that can fail, with err filled (its message does not name the
 * value: generated code adds the statement and column, pgc_fail_value).
 * *out is NULL for SQL NULL and on failure.
 *  - jsonb: the text after the version byte; a version other than 1 is
 *    PGC_EINVAL (malformed).
 *  - numeric: PostgreSQL's text ("-12.50", "NaN", "Infinity"), allocated
 *    in the result; PGC_EINVAL for a malformed value (digits above 9999, a
 *    bad sign), PGC_ENOMEM.
 */
int pgc_field_jsonb(pgc_field f, const char **out, pgc_error *err);
int pgc_field_numeric(pgc_result *res, pgc_field f, const char **out, pgc_error *err);

/*
 * A composite value (a row type: CREATE TYPE ... AS (...), a table's row)
 * split into its nfields fields, copied into memory of res (each followed
 * by a NUL).  types[i] is the type OID field i must have (0: not checked,
 * for types whose OID is the database's own).  PGC_EINVAL, naming the
 * field, when the count or a type differs (the schema changed since the
 * code was generated) or the value is malformed; PGC_ENOMEM.  A NULL f
 * gives NULL fields.
 */
int pgc_field_record(pgc_result *res, pgc_field f, int nfields, const Oid *types,
                     pgc_field *fields, pgc_error *err);

/*
 * One-dimensional arrays of the scalars above (int2[] ... interval[];
 * text[], varchar[], char[], name[], json[], jsonb[], numeric[] and arrays
 * of enums as pgc_text_array of their text): a view of items that someone
 * else owns.  As a parameter, the caller's items; `nulls` is NULL when no
 * item is NULL, else len flags (true: that item is SQL NULL, its value
 * ignored).  A pgc_text_array has no nulls: a NULL item is SQL NULL.  As a
 * result, decoded into memory of the result (valid as long as it); `nulls`
 * NULL when no item is NULL.
 */
typedef struct pgc_int2_array {
    const int16_t *items;
    size_t len;
    const bool *nulls;
} pgc_int2_array;
typedef struct pgc_int4_array {
    const int32_t *items;
    size_t len;
    const bool *nulls;
} pgc_int4_array;
typedef struct pgc_int8_array {
    const int64_t *items;
    size_t len;
    const bool *nulls;
} pgc_int8_array;
typedef struct pgc_float4_array {
    const float *items;
    size_t len;
    const bool *nulls;
} pgc_float4_array;
typedef struct pgc_float8_array {
    const double *items;
    size_t len;
    const bool *nulls;
} pgc_float8_array;
typedef struct pgc_bool_array {
    const bool *items;
    size_t len;
    const bool *nulls;
} pgc_bool_array;
typedef struct pgc_uuid_array {
    const pgc_uuid *items;
    size_t len;
    const bool *nulls;
} pgc_uuid_array;
typedef struct pgc_date_array {
    const pgc_date *items;
    size_t len;
    const bool *nulls;
} pgc_date_array;
typedef struct pgc_timestamp_array {
    const pgc_timestamp *items;
    size_t len;
    const bool *nulls;
} pgc_timestamp_array;
typedef struct pgc_interval_array {
    const pgc_interval *items;
    size_t len;
    const bool *nulls;
} pgc_interval_array;
typedef struct pgc_bytes_array {
    const pgc_bytes *items;
    size_t len;
    const bool *nulls;
} pgc_bytes_array;
typedef struct pgc_text_array {
    const char *const *items;  /* NULL items are SQL NULL */
    size_t len;
} pgc_text_array;

/*
 * Binary array parameter encoders: *out is malloc'd (free() it after the
 * call), *len its length, for a values[] slot with format 1.  `elem` is
 * the element type's OID, the one the server expects: 1184 for
 * timestamptz[] and 1114 for timestamp[]; 25 for text[], 1043 for
 * varchar[], 1042 char[], 19 name[], 114 json[]; the type's own for the
 * others.  PGC_EINVAL for items NULL with len > 0 or more than 1 GiB;
 * PGC_ENOMEM.  *out is NULL unless PGC_OK.
 */
int pgc_put_int2_array(pgc_int2_array v, Oid elem, char **out, int *len);
int pgc_put_int4_array(pgc_int4_array v, Oid elem, char **out, int *len);
int pgc_put_int8_array(pgc_int8_array v, Oid elem, char **out, int *len);
int pgc_put_float4_array(pgc_float4_array v, Oid elem, char **out, int *len);
int pgc_put_float8_array(pgc_float8_array v, Oid elem, char **out, int *len);
int pgc_put_bool_array(pgc_bool_array v, Oid elem, char **out, int *len);
int pgc_put_uuid_array(pgc_uuid_array v, Oid elem, char **out, int *len);
int pgc_put_date_array(pgc_date_array v, Oid elem, char **out, int *len);
int pgc_put_timestamp_array(pgc_timestamp_array v, Oid elem, char **out, int *len);
int pgc_put_interval_array(pgc_interval_array v, Oid elem, char **out, int *len);
int pgc_put_bytes_array(pgc_bytes_array v, Oid elem, char **out, int *len);
int pgc_put_text_array(pgc_text_array v, Oid elem, char **out, int *len);
/* numeric text ("-12.50", "1.5e3", "NaN", "-Infinity"; no spaces) in
 * binary: *out malloc'd, *len its length.  PGC_EINVAL for other text or a
 * number out of numeric's range; PGC_ENOMEM. */
int pgc_put_numeric(const char *text, char **out, int *len);
/* The text form {"a","b",NULL} of v, for a values[] slot with format 0
 * (numeric[], jsonb[], arrays of enums): *out malloc'd, NUL-terminated. */
int pgc_put_array_literal(pgc_text_array v, char **out, int *len);

/*
 * Binary array decoders: the array in f into *out, an empty view for NULL.
 * Refused with PGC_EINVAL: more than one dimension, an element type other
 * than the decoder's (its OID in the array's header), an item of another
 * size, malformed data (for jsonb[] and numeric[], a malformed item).
 * PGC_ENOMEM.  (An array whose lower bound is not 1 is read from its first
 * item.)  pgc_field_label_array reads an array of enums: any element type
 * the database made, each item its label.
 */
int pgc_field_int2_array(pgc_result *res, pgc_field f, pgc_int2_array *out, pgc_error *err);
int pgc_field_int4_array(pgc_result *res, pgc_field f, pgc_int4_array *out, pgc_error *err);
int pgc_field_int8_array(pgc_result *res, pgc_field f, pgc_int8_array *out, pgc_error *err);
int pgc_field_float4_array(pgc_result *res, pgc_field f, pgc_float4_array *out,
                           pgc_error *err);
int pgc_field_float8_array(pgc_result *res, pgc_field f, pgc_float8_array *out,
                           pgc_error *err);
int pgc_field_bool_array(pgc_result *res, pgc_field f, pgc_bool_array *out, pgc_error *err);
int pgc_field_uuid_array(pgc_result *res, pgc_field f, pgc_uuid_array *out, pgc_error *err);
int pgc_field_date_array(pgc_result *res, pgc_field f, pgc_date_array *out, pgc_error *err);
int pgc_field_timestamp_array(pgc_result *res, pgc_field f, pgc_timestamp_array *out,
                              pgc_error *err);
int pgc_field_interval_array(pgc_result *res, pgc_field f, pgc_interval_array *out,
                             pgc_error *err);
int pgc_field_bytes_array(pgc_result *res, pgc_field f, pgc_bytes_array *out, pgc_error *err);
int pgc_field_text_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err);
int pgc_field_jsonb_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err);
int pgc_field_numeric_array(pgc_result *res, pgc_field f, pgc_text_array *out,
                            pgc_error *err);
int pgc_field_label_array(pgc_result *res, pgc_field f, pgc_text_array *out, pgc_error *err);



/*
 * Ranges: int4range, int8range, numrange, daterange, tsrange, tstzrange.
 * `b` holds PostgreSQL's flags; a bound means something only when the
 * range is not empty and that side is not infinite (else it is 0 / NULL,
 * and ignored as a parameter).  The server canonicalizes discrete ranges:
 * int4range [1,5] comes back as [1,6).
 */
typedef struct pgc_range_bounds {
    bool empty;
    bool lower_inc, upper_inc;   /* [ and ] rather than ( and ) */
    bool lower_inf, upper_inf;   /* no lower / upper bound */
} pgc_range_bounds;

typedef struct pgc_int4_range {
    int32_t lower, upper;
    pgc_range_bounds b;
} pgc_int4_range;
typedef struct pgc_int8_range {
    int64_t lower, upper;
    pgc_range_bounds b;
} pgc_int8_range;
typedef struct pgc_numeric_range {
    const char *lower, *upper;   /* numeric text */
    pgc_range_bounds b;
} pgc_numeric_range;
typedef struct pgc_date_range {
    pgc_date lower, upper;
    pgc_range_bounds b;
} pgc_date_range;
typedef struct pgc_timestamp_range { /* tsrange, tstzrange */
    pgc_timestamp lower, upper;
    pgc_range_bounds b;
} pgc_timestamp_range;

/* Decoders (PGC_EINVAL: malformed; a NULL f gives a zeroed range) and
 * binary encoders (*out malloc'd, as the array encoders; PGC_EINVAL for a
 * numeric bound that is not a number, PGC_ENOMEM). */
int pgc_field_int4_range(pgc_result *res, pgc_field f, pgc_int4_range *out, pgc_error *err);
int pgc_field_int8_range(pgc_result *res, pgc_field f, pgc_int8_range *out, pgc_error *err);
int pgc_field_numeric_range(pgc_result *res, pgc_field f, pgc_numeric_range *out,
                            pgc_error *err);
int pgc_field_date_range(pgc_result *res, pgc_field f, pgc_date_range *out, pgc_error *err);
int pgc_field_timestamp_range(pgc_result *res, pgc_field f, pgc_timestamp_range *out,
                              pgc_error *err);
int pgc_put_int4_range(pgc_int4_range v, char **out, int *len);
int pgc_put_int8_range(pgc_int8_range v, char **out, int *len);
int pgc_put_numeric_range(pgc_numeric_range v, char **out, int *len);
int pgc_put_date_range(pgc_date_range v, char **out, int *len);
int pgc_put_timestamp_range(pgc_timestamp_range v, char **out, int *len);

/*
 * A composite value as a parameter (record_recv's binary format), built
 * field by field in declaration order: pgc_record_begin, one _add per
 * field with the field's type OID (the server checks it), pgc_record_end.
 * A failure (PGC_ENOMEM, PGC_EINVAL: more than 1 GiB, an encoder's
 * failure, a field count other than begin's) sticks and is returned by
 * _end, which frees what was built.  On PGC_OK *out is malloc'd.
 */
typedef struct pgc_record {
    char *data;
    size_t len, cap;
    int nfields, added;
    int rc;
} pgc_record;

void pgc_record_begin(pgc_record *r, int nfields);
/* The next field's binary form; data NULL for SQL NULL. */
void pgc_record_add(pgc_record *r, Oid type, const char *data, size_t len);
/* A field an encoder made (pgc_put_*_array, _range, pgc_put_numeric,
 * pgc_put_jsonb): added if rc is PGC_OK, else r fails with rc; data is
 * freed in either case. */
void pgc_record_add_encoded(pgc_record *r, Oid type, int rc, char *data, int len);
int pgc_record_end(pgc_record *r, char **out, int *len);
/* jsonb text in binary (a version byte, then the text): *out malloc'd. */
int pgc_put_jsonb(const char *text, char **out, int *len);

/*
 * Checks that a result has the columns the generated code was built for:
 * ncols columns, in stmt->result_format, with the given type OIDs (0:
 * not checked, for types whose OID is the database's own, like enums).
 * A mismatch (the schema changed since generation) is PGC_EINVAL naming
 * the statement and the column.
 */
int pgc_result_check(const pgc_result *res, const pgc_stmt *stmt, int ncols,
                     const Oid *types, pgc_error *err);

/*
 * Records code and a formatted message naming stmt in err (may be NULL),
 * for errors that generated code finds itself (a NULL parameter, no row).
 * Returns code.
 */
int pgc_fail_query(pgc_error *err, int code, const pgc_stmt *stmt, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/*
 * Names the statement and the value (fmt: "column tags", "column home,
 * field zip") in front of err's message, which a decoder filled, and sets
 * err's code and statement.  Returns code.
 */
int pgc_fail_value(pgc_error *err, int code, const pgc_stmt *stmt, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;


/* ------------------------------------------------------------------ */
/* rows.c: a query's rows decoded into structs, by a column table         */
/* ------------------------------------------------------------------ */

/*
 * How a column (or a composite's field) is decoded: a built-in type
 * (PGC_T_INT8, PGC_T_VARCHAR_ARRAY, PGC_T_TSTZRANGE: checked against the
 * OID the server reports, decoded as its PGC_KIND), or one of the types
 * whose OID is the database's own (not checked): citext, an enum or an
 * array of one (pgc_column.info: its pgc_enum_type), a composite
 * (pgc_column.info: its pgc_row_type).
 */
typedef enum pgc_type_code {
#define PGC_TYPE(NAME, oid, array_oid, KIND) PGC_T_##NAME, PGC_T_##NAME##_ARRAY,
#define PGC_RANGE(NAME, oid, KIND) PGC_T_##NAME,
#include "pgc_types.def"
    PGC_T_CITEXT,
    PGC_T_ENUM,
    PGC_T_ENUM_ARRAY,
    PGC_T_RECORD
} pgc_type_code;

typedef struct pgc_row_type pgc_row_type;

/* An enum type of the generated code: its C name (for messages), its
 * from_text and to_text, taking a pointer to the C enum. */
typedef struct pgc_enum_type {
    const char *name;
    bool (*from_text)(const char *label, void *out);
    const char *(*to_text)(const void *value);
} pgc_enum_type;

/*
 * A parameter of a query: its name (messages say "parameter NAME"), its
 * type, whether it may be SQL NULL, and for an enum its pgc_enum_type,
 * for a composite its pgc_row_type (pgc_put_record).
 * Generated code passes the values in args[], one per parameter: a
 * string as itself, any other value by address; a NULL is SQL NULL, or
 * PGC_EINVAL "parameter NAME is NULL" if the parameter is not nullable.
 * The runtime encodes them (binary where PostgreSQL has a binary form,
 * text for strings, numeric, jsonb and enums), with the PGC_EINVAL
 * messages generated code used to spell out.
 */
typedef struct pgc_param {
    const char *name;
    pgc_type_code type;
    bool nullable;
    const pgc_enum_type *enum_type;
    const pgc_row_type *record;
} pgc_param;

/*
 * A member of a row struct and the column it is read from, in order: its
 * name (messages say "column NAME"; in a composite "..., field NAME"), how
 * it is decoded, where it goes, and where its `bool NAME_is_null`
 * companion goes (PGC_NOT_NULL: none, and a NULL is refused with
 * PGC_EINVAL "column NAME is NULL, but was generated as NOT NULL";
 * PGC_NULL_STRING: none, a string whose NULL pointer is SQL NULL).
 */
typedef struct pgc_column {
    const char *name;
    pgc_type_code type;
    size_t offset;
    ptrdiff_t is_null;
    const void *info;       /* PGC_T_ENUM, _ENUM_ARRAY: pgc_enum_type; PGC_T_RECORD: pgc_row_type */
} pgc_column;

#define PGC_NOT_NULL ((ptrdiff_t)-1)
/* May be NULL but has no companion: a string whose NULL is SQL NULL. */
#define PGC_NULL_STRING ((ptrdiff_t)-2)

/* The pgc_column of member m of struct row, NOT NULL or with m_is_null. */
#define PGC_COLUMN(row, m, type, info) {#m, type, offsetof(row, m), PGC_NOT_NULL, info}
#define PGC_COLUMN_NULL(row, m, type, info)                                                   \
    {#m, type, offsetof(row, m), (ptrdiff_t)offsetof(row, m##_is_null), info}

/* A row struct (or a composite type's) and its columns. */
struct pgc_row_type {
    size_t size;
    size_t ncols;
    const pgc_column *cols;
};

#define PGC_ROW_TYPE(row, cols) {sizeof(row), sizeof cols / sizeof cols[0], cols}

/*
 * The struct at value, of type rt (a composite type's fields, of built-in
 * types with a binary form), in record_recv's binary format: *out
 * malloc'd, *len its length.  A member whose companion is true, or a NULL
 * string, is SQL NULL.  PGC_EINVAL (a field's encoder refused it, more
 * than 1 GiB) or PGC_ENOMEM; *out is NULL unless PGC_OK.
 */
int pgc_put_record(const pgc_row_type *rt, const void *value, char **out, int *len);

/*
 * The runners below take stmt's parameters as params[] and args[]
 * (stmt->nparams of each; NULL for none), and check and encode them before
 * anything is sent.
 *
 * pgc_run runs stmt, as pgc_query (res may be NULL), for :exec and
 * :execresult.
 */
int pgc_run(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params, const void *const *args,
            pgc_result **res, pgc_error *err);

/*
 * Runs stmt and reads its first row into *row, of type rt: zeroed first,
 * and again on failure.  No row is PGC_ENOROW "no
 * row"; a result whose columns are not rt's is PGC_EINVAL (the schema
 * changed since the code was generated), as is a value rt refuses.  If
 * keep is not NULL, *keep receives the result, which the row's strings,
 * bytes and arrays point into (free it with pgc_result_free()); else the
 * result is freed, which suits rows of fixed-size values only.
 */
int pgc_query_row(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                  const void *const *args, const pgc_row_type *rt, void *row, pgc_result **keep,
                  pgc_error *err);

/* The same for the first row of a result already received (freed, or
 * kept in *keep, as above).  For batches. */
int pgc_result_row(pgc_result *res, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                   pgc_result **keep, pgc_error *err);

/*
 * Runs stmt and gives the number of rows it affected in *affected (may be
 * NULL; 0 on failure), for :execrows.
 */
int pgc_query_affected(pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                       const void *const *args, int64_t *affected, pgc_error *err);

/* Queues a call of stmt in b (pgc_batch_queue); a call whose parameters
 * are refused is not queued. */
int pgc_batch_queue_args(pgc_batch *b, const pgc_stmt *stmt, const pgc_param *params,
                         const void *const *args, pgc_error *err);

/*
 * Non-blocking and pipelined calls (pgc.h, "Non-blocking calls and
 * pipelines"): pgc_send is pgc_async_query with stmt's parameters checked
 * and encoded as by pgc_run.  Generated NAME_send() calls it.
 */
int pgc_send(pgc_async *a, const pgc_stmt *stmt, const pgc_param *params,
             const void *const *args, pgc_call **out, pgc_error *err);

/*
 * Reading a completed call (generated NAME_recv()); each gives the call's
 * own failure first, and PGC_EBUSY for a call still in flight.
 * pgc_call_row: its first row into *row, as pgc_result_row (the result
 * is taken into *keep when keep is not NULL: the call no longer has it).
 * pgc_call_read_row: row i into *row (valid while the call is), PGC_DONE
 * when i is past the last row.  pgc_call_affected: the rows a command
 * affected.
 */
int pgc_call_row(pgc_call *call, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                 pgc_result **keep, pgc_error *err);
int pgc_call_read_row(pgc_call *call, int i, const pgc_stmt *stmt, const pgc_row_type *rt,
                      void *row, pgc_error *err);
int pgc_call_affected(pgc_call *call, int64_t *affected, pgc_error *err);

/*
 * A :many iterator: a stream whose rows are decoded into a row struct.
 * pgc_rows_open opens the stream; the iterator may be closed after it,
 * whatever it returned.  pgc_rows_next fills *row, zeroed first and on
 * failure, from the next row (valid until the next call: its strings
 * point into the stream's row), checking the columns on the first;
 * PGC_DONE after the last.  pgc_rows_close accepts a zeroed or closed
 * iterator, and NULL.
 */
typedef struct pgc_rows {
    pgc_stream *stream;
    bool checked; /* the columns were checked, on the first row */
} pgc_rows;

int pgc_rows_open(pgc_rows *it, pgc_db *db, const pgc_stmt *stmt, const pgc_param *params,
                  const void *const *args, pgc_error *err);
int pgc_rows_next(pgc_rows *it, const pgc_stmt *stmt, const pgc_row_type *rt, void *row,
                  pgc_error *err);
void pgc_rows_close(pgc_rows *it);

/*
 * :copyfrom: stores rows[0..n-1], structs of type rt whose columns are
 * the COPY's in order, with stmt (COPY t (a, b) FROM STDIN (FORMAT
 * binary)): pgc_copy_begin, a row per struct, pgc_copy_end.  *copied (may
 * be NULL) receives the number of rows stored.  Refused with PGC_EINVAL
 * before anything is sent: rows NULL with n > 0 ("rows is NULL"), a NOT
 * NULL string that is NULL ("row 3: name is NULL"), an array with no
 * items but a length ("row 3: tags has no items"), a value that is not
 * one of its enum's ("row 3: mood is not a NAME_mood value").
 */
int pgc_copy_rows(pgc_db *db, const pgc_stmt *stmt, const pgc_row_type *rt, const void *rows,
                  size_t n, int64_t *copied, pgc_error *err);

/*
 * Decodes row r of res into *row by rt, zeroed first and again on failure,
 * checking the result's columns first when check is true.  A row r the
 * result does not have is PGC_EINVAL.
 */
int pgc_read_row(pgc_result *res, int r, const pgc_stmt *stmt, const pgc_row_type *rt,
                 bool check, void *row, pgc_error *err);

PGC_END_DECLS
#endif /* PGC_GEN_H */
