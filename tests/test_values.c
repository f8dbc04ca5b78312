/*
 * test_values.c - the binary decoders on values a server would not send:
 * they must refuse them, never read or write out of bounds.  Results are
 * built by hand with libpq's PQmakeEmptyPGresult; no server needed.  Also
 * rows.c's column and parameter tables, on such results and on refusals
 * that come before anything is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "pgc_gen.h"

/* A one-row, one-column binary result of type `type` holding data[0..len). */
static pgc_result *one_value(Oid type, const char *data, int len)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    assert_non_null(r);
    PGresAttDesc attr = {.name = (char *)"v", .format = 1, .typid = type, .typlen = -1,
                         .atttypmod = -1};
    assert_true(PQsetResultAttrs(r, 1, &attr));
    assert_true(PQsetvalue(r, 0, 0, (char *)data, len));
    return (pgc_result *)r;
}

static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static void put16(char *p, uint16_t v)
{
    p[0] = (char)(v >> 8);
    p[1] = (char)v;
}

/* int4[] {1, NULL, 3} with the given has-nulls flag in its header. */
static int int4_array(int has_nulls, char *buf)
{
    put32(buf, 1);           /* ndim */
    put32(buf + 4, (uint32_t)has_nulls);
    put32(buf + 8, 23);      /* element type int4 */
    put32(buf + 12, 3);      /* count */
    put32(buf + 16, 1);      /* lower bound */
    char *p = buf + 20;
    put32(p, 4), put32(p + 4, 1), p += 8;
    put32(p, 0xffffffffu), p += 4;
    put32(p, 4), put32(p + 4, 3), p += 8;
    return (int)(p - buf);
}

static void values__int4_array_with_null__decodes(void **state)
{
    (void)state;
    char buf[64];
    pgc_result *res = one_value(1007, buf, int4_array(1, buf));
    pgc_int4_array a;
    pgc_error err = {0};
    assert_ok(pgc_field_int4_array(res, pgc_get_field(res, 0, 0), &a, &err), &err);
    assert_int_equal(a.len, 3);
    assert_int_equal(a.items[0], 1);
    assert_non_null(a.nulls);
    assert_false(a.nulls[0]);
    assert_true(a.nulls[1]);
    assert_int_equal(a.items[2], 3);
    pgc_result_free(res);
}

static void values__null_item_in_an_array_without_nulls__is_refused(void **state)
{
    (void)state;
    char buf[64];
    pgc_result *res = one_value(1007, buf, int4_array(0, buf));
    pgc_int4_array a;
    pgc_error err = {0};
    assert_int_equal(pgc_field_int4_array(res, pgc_get_field(res, 0, 0), &a, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "malformed array"));
    assert_null(a.items);
    assert_int_equal(a.len, 0);
    pgc_result_free(res);
}

/* The numeric in the first column of res as text, NULL on failure. */
static const char *numeric_at(pgc_result *res, pgc_error *err)
{
    const char *s = NULL;
    return pgc_field_numeric(res, pgc_get_field(res, 0, 0), &s, err) == PGC_OK ? s : NULL;
}

/* numeric 12.50: ndigits 2, weight 0, sign +, dscale 2, digits 12, 5000. */
static void values__numeric__decodes_to_text(void **state)
{
    (void)state;
    char buf[12];
    put16(buf, 2), put16(buf + 2, 0), put16(buf + 4, 0), put16(buf + 6, 2);
    put16(buf + 8, 12), put16(buf + 10, 5000);
    pgc_result *res = one_value(1700, buf, sizeof buf);
    pgc_error err = {0};
    const char *s = numeric_at(res, &err);
    assert_non_null(s);
    assert_string_equal(s, "12.50");
    pgc_result_free(res);
}

/* 300 digits of 0xFFFF: each would print as five characters where the
 * buffer allows four. */
static void values__numeric_with_bad_digits__is_refused(void **state)
{
    (void)state;
    enum { N = 300 };
    static char buf[8 + 2 * N];
    put16(buf, N), put16(buf + 2, N - 1), put16(buf + 4, 0), put16(buf + 6, 0);
    for (int i = 0; i < N; i++)
        put16(buf + 8 + 2 * i, 0xFFFF);
    pgc_result *res = one_value(1700, buf, (int)sizeof buf);
    pgc_error err = {0};
    assert_null(numeric_at(res, &err));
    assert_int_equal(err.code, PGC_EINVAL);
    assert_non_null(strstr(err.message, "malformed numeric"));

    /* a sign that is none of +, -, NaN, +-Infinity */
    put16(buf, 1), put16(buf + 2, 0), put16(buf + 4, 0x1234), put16(buf + 6, 0);
    put16(buf + 8, 1);
    pgc_result_free(res);
    res = one_value(1700, buf, 10);
    pgc_error_clear(&err);
    assert_null(numeric_at(res, &err));
    assert_int_equal(err.code, PGC_EINVAL);
    pgc_result_free(res);
}


/* An int4[] whose header names another element type (int8) is refused,
 * naming both OIDs, not read as int4. */
static void values__array_of_another_element_type__is_refused(void **state)
{
    (void)state;
    char buf[64];
    int len = int4_array(1, buf);
    put32(buf + 8, 20);
    pgc_result *res = one_value(1007, buf, len);
    pgc_int4_array a;
    pgc_error err = {0};
    assert_int_equal(pgc_field_int4_array(res, pgc_get_field(res, 0, 0), &a, &err), PGC_EINVAL);
    assert_string_equal(err.message, "an array of element type oid 20, the "
                                     "generated code expects 23: was the schema changed after "
                                     "generating the code?");
    assert_null(a.items);
    /* a text array decoder takes the text types, not int4 */
    pgc_text_array t;
    put32(buf + 8, 23);
    pgc_result_free(res);
    res = one_value(1009, buf, len);
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_text_array(res, pgc_get_field(res, 0, 0), &t, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "element type oid 23, the generated code expects 25"));
    /* ... and an enum array decoder only types the database made */
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_label_array(res, pgc_get_field(res, 0, 0), &t, &err), PGC_EINVAL);
    pgc_result_free(res);
}

static void values__jsonb_of_another_version__is_refused(void **state)
{
    (void)state;
    pgc_result *res = one_value(3802, "\001{}", 3);
    const char *s = NULL;
    pgc_error err = {0};
    assert_ok(pgc_field_jsonb(pgc_get_field(res, 0, 0), &s, &err), &err);
    assert_string_equal(s, "{}");
    pgc_result_free(res);

    res = one_value(3802, "\002{}", 3);
    assert_int_equal(pgc_field_jsonb(pgc_get_field(res, 0, 0), &s, &err), PGC_EINVAL);
    assert_null(s);
    assert_string_equal(err.message, "malformed jsonb value (version 2, expected 1)");
    pgc_result_free(res);

    res = one_value(3802, "", 0);
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_jsonb(pgc_get_field(res, 0, 0), &s, &err), PGC_EINVAL);
    pgc_result_free(res);
}

/* A record (street text, zip int4) = ('x', NULL), as record_send writes it. */
static int record(char *buf, uint32_t nfields, uint32_t zip_type)
{
    put32(buf, nfields);
    put32(buf + 4, 25), put32(buf + 8, 1), buf[12] = 'x';
    put32(buf + 13, zip_type), put32(buf + 17, 0xffffffffu);
    return 21;
}

static void values__record__splits_into_fields(void **state)
{
    (void)state;
    char buf[32];
    pgc_result *res = one_value(16400, buf, record(buf, 2, 23));
    static const Oid types[] = {25, 23};
    pgc_field v[2];
    pgc_error err = {0};
    assert_ok(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, types, v, &err), &err);
    assert_string_equal(pgc_field_text(v[0]), "x"); /* a C string, though 'x' was not one */
    assert_int_equal(v[0].len, 1);
    assert_null(v[1].data);
    assert_int_equal(v[1].len, -1);
    pgc_result_free(res);
}

static void values__record_of_another_shape__is_refused(void **state)
{
    (void)state;
    char buf[32];
    static const Oid types[] = {25, 23};
    pgc_field v[2];
    pgc_error err = {0};
    pgc_result *res = one_value(16400, buf, record(buf, 3, 23));
    assert_int_equal(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, types, v, &err),
                     PGC_EINVAL);
    assert_non_null(strstr(err.message, "a composite value of 3 fields, the generated code "
                                        "expects 2"));
    pgc_result_free(res);

    res = one_value(16400, buf, record(buf, 2, 20));
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, types, v, &err),
                     PGC_EINVAL);
    assert_non_null(strstr(err.message, "field 2 has type oid 20, the generated code expects 23"));
    /* type 0: not checked (a type the database numbers) */
    static const Oid loose[] = {25, 0};
    assert_ok(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, loose, v, &err), &err);
    pgc_result_free(res);

    /* a field longer than the value */
    int len = record(buf, 2, 23);
    put32(buf + 8, 100);
    res = one_value(16400, buf, len);
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, types, v, &err),
                     PGC_EINVAL);
    assert_string_equal(err.message, "malformed composite value");
    pgc_result_free(res);
}

static void values__fail_value__names_statement_and_column(void **state)
{
    (void)state;
    static const pgc_stmt stmt = {.name = "store_get"};
    pgc_error err = {.code = PGC_EINVAL, .message = "malformed array"};
    assert_int_equal(pgc_fail_value(&err, PGC_EINVAL, &stmt, "column %s", "tags"), PGC_EINVAL);
    assert_string_equal(err.message, "store_get: column tags: malformed array");
    assert_string_equal(err.statement, "store_get");
    assert_int_equal(pgc_fail_value(NULL, PGC_ENOMEM, &stmt, "x"), PGC_ENOMEM);
}

static void values__array_literal__quotes_every_item(void **state)
{
    (void)state;
    const char *const items[] = {"a", NULL, "b \"c\" \\ {,}", ""};
    pgc_text_array v = {items, 4};
    char *out;
    int len;
    assert_int_equal(pgc_put_array_literal(v, &out, &len), PGC_OK);
    assert_string_equal(out, "{\"a\",NULL,\"b \\\"c\\\" \\\\ {,}\",\"\"}");
    assert_int_equal(len, (int)strlen(out));
    free(out);
    pgc_text_array empty = {NULL, 0};
    assert_int_equal(pgc_put_array_literal(empty, &out, &len), PGC_OK);
    assert_string_equal(out, "{}");
    free(out);
    pgc_text_array bad = {NULL, 1};
    assert_int_equal(pgc_put_array_literal(bad, &out, &len), PGC_EINVAL);
    assert_null(out);
}

static void values__numeric_text__encodes_or_is_refused(void **state)
{
    (void)state;
    char *out;
    int len;
    /* 12.50: ndigits 2, weight 0, sign +, dscale 2, digits 12, 5000 */
    assert_int_equal(pgc_put_numeric("12.50", &out, &len), PGC_OK);
    static const char want[] = {0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x13, (char)0x88};
    assert_int_equal(len, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    /* and back */
    pgc_result *res = one_value(1700, out, len);
    pgc_error err = {0};
    assert_string_equal(numeric_at(res, &err), "12.50");
    pgc_result_free(res);
    free(out);
    static const char *const bad[] = {"", "-", "1.2.3", "e5", "1e", " 1", "1 ", "0x10", "1e99999999",
                                      "--1", "Infinityx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(pgc_put_numeric(bad[i], &out, &len), PGC_EINVAL);
        assert_null(out);
    }
    assert_int_equal(pgc_put_numeric(NULL, &out, &len), PGC_EINVAL);
}

static void values__range__decodes_or_is_refused(void **state)
{
    (void)state;
    /* int4range [1,6): flags LB_INC, then two 4-byte bounds */
    char buf[17] = {0x02};
    put32(buf + 1, 4), put32(buf + 5, 1), put32(buf + 9, 4), put32(buf + 13, 6);
    pgc_result *res = one_value(3904, buf, sizeof buf);
    pgc_int4_range r;
    pgc_error err = {0};
    assert_ok(pgc_field_int4_range(res, pgc_get_field(res, 0, 0), &r, &err), &err);
    assert_int_equal(r.lower, 1);
    assert_int_equal(r.upper, 6);
    assert_true(r.b.lower_inc && !r.b.upper_inc && !r.b.empty);
    pgc_result_free(res);
    /* a bound of the wrong size, and one running past the value */
    put32(buf + 9, 3);
    res = one_value(3904, buf, sizeof buf);
    assert_int_equal(pgc_field_int4_range(res, pgc_get_field(res, 0, 0), &r, &err), PGC_EINVAL);
    assert_string_equal(err.message, "malformed range");
    pgc_result_free(res);
    res = one_value(3904, buf, 12);
    pgc_error_clear(&err);
    assert_int_equal(pgc_field_int4_range(res, pgc_get_field(res, 0, 0), &r, &err), PGC_EINVAL);
    pgc_result_free(res);
    /* empty: the flag alone, and encoding it back gives the same byte */
    res = one_value(3904, "\001", 1);
    assert_ok(pgc_field_int4_range(res, pgc_get_field(res, 0, 0), &r, &err), &err);
    assert_true(r.b.empty);
    pgc_result_free(res);
    char *out;
    int len;
    assert_int_equal(pgc_put_int4_range(r, &out, &len), PGC_OK);
    assert_int_equal(len, 1);
    assert_int_equal(out[0], 1);
    free(out);
}

/* A record built field by field reads back with pgc_field_record. */
/* A bytea field that claims bytes it has not (data NULL, len > 0) is
 * refused, not read past "" (ASan saw 4096 bytes read). */
typedef struct blob_pair {
    int32_t n;
    pgc_bytes b;
} blob_pair;

static void values__record_with_bytes_of_no_data__is_refused(void **state)
{
    (void)state;
    static const pgc_column cols[] = {
        PGC_COLUMN(blob_pair, n, PGC_T_INT4, NULL),
        PGC_COLUMN(blob_pair, b, PGC_T_BYTEA, NULL),
    };
    static const pgc_row_type rt = PGC_ROW_TYPE(blob_pair, cols);
    char *out = NULL;
    int len = 0;
    blob_pair v = {7, {NULL, 4096}};
    assert_int_equal(pgc_put_record(&rt, &v, &out, &len), PGC_EINVAL);
    assert_null(out);
    v.b.len = 0; /* no bytes at all is an empty bytea */
    assert_int_equal(pgc_put_record(&rt, &v, &out, &len), PGC_OK);
    assert_non_null(out);
    free(out);
}

static void values__record_builder__round_trips_and_checks_the_count(void **state)
{
    (void)state;
    pgc_record r;
    char bin[4], *out;
    int len;
    pgc_record_begin(&r, 2);
    pgc_record_add(&r, 25, "hi", 2);
    pgc_record_add(&r, 23, NULL, 0);
    assert_int_equal(pgc_record_end(&r, &out, &len), PGC_OK);
    pgc_result *res = one_value(16400, out, len);
    free(out);
    static const Oid types[] = {25, 23};
    pgc_field v[2];
    pgc_error err = {0};
    assert_ok(pgc_field_record(res, pgc_get_field(res, 0, 0), 2, types, v, &err), &err);
    assert_string_equal(v[0].data, "hi");
    assert_null(v[1].data);
    pgc_result_free(res);

    /* fewer fields than begun, and an encoder's failure: refused, nothing leaks */
    pgc_record_begin(&r, 2);
    pgc_record_add(&r, 23, pgc_put_int4(bin, 7), 4);
    assert_int_equal(pgc_record_end(&r, &out, &len), PGC_EINVAL);
    assert_null(out);
    pgc_record_begin(&r, 1);
    char *enc = NULL;
    int n = 0;
    int rc = pgc_put_numeric("x", &enc, &n);
    pgc_record_add_encoded(&r, 1700, rc, enc, n);
    assert_int_equal(pgc_record_end(&r, &out, &len), PGC_EINVAL);
}

/* ---- rows.c: column tables and parameter tables ------------------------------------------ */

typedef struct test_row {
    int64_t id;
    const char *note;
    bool note_is_null;
} test_row;

static const pgc_column test_columns[] = {
    PGC_COLUMN(test_row, id, PGC_T_INT8, NULL),
    PGC_COLUMN_NULL(test_row, note, PGC_T_TEXT, NULL),
};
static const pgc_row_type test_row_type = PGC_ROW_TYPE(test_row, test_columns);
static const pgc_stmt test_stmt = {.name = "test_stmt", .sql = "SELECT", .result_format = 1};

/* A one-row binary result of (id int8, note text); NULL data is SQL NULL. */
static pgc_result *id_note(Oid id_type, const char *id, const char *note)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    assert_non_null(r);
    PGresAttDesc attrs[2] = {
        {.name = (char *)"id", .format = 1, .typid = id_type, .typlen = 8, .atttypmod = -1},
        {.name = (char *)"note", .format = 1, .typid = 25, .typlen = -1, .atttypmod = -1},
    };
    assert_true(PQsetResultAttrs(r, 2, attrs));
    assert_true(PQsetvalue(r, 0, 0, (char *)id, id ? 8 : -1));
    assert_true(PQsetvalue(r, 0, 1, (char *)note, note ? (int)strlen(note) : -1));
    return (pgc_result *)r;
}

static void rows__column_table__decodes_values_and_nulls(void **state)
{
    (void)state;
    pgc_result *res = id_note(PGC_OID_INT8, "\0\0\0\0\0\0\1\2", NULL);
    test_row row = {.note = "stale"};
    pgc_error err = {0};
    assert_ok(pgc_read_row(res, 0, &test_stmt, &test_row_type, true, &row, &err), &err);
    assert_int_equal(row.id, 258);
    assert_null(row.note);
    assert_true(row.note_is_null);
    pgc_result_free(res);
}

static void rows__null_in_a_not_null_column__is_refused_naming_it(void **state)
{
    (void)state;
    pgc_result *res = id_note(PGC_OID_INT8, NULL, "x");
    test_row row;
    pgc_error err = {0};
    assert_int_equal(pgc_read_row(res, 0, &test_stmt, &test_row_type, true, &row, &err),
                     PGC_EINVAL);
    assert_string_equal(err.message,
                        "test_stmt: column id is NULL, but was generated as NOT NULL");
    assert_null(row.note); /* zeroed on failure */
    pgc_result_free(res);
}

static void rows__column_of_another_type__is_refused(void **state)
{
    (void)state;
    pgc_result *res = id_note(PGC_OID_FLOAT8, "\0\0\0\0\0\0\1\2", "x");
    test_row row;
    pgc_error err = {0};
    assert_int_equal(pgc_read_row(res, 0, &test_stmt, &test_row_type, true, &row, &err),
                     PGC_EINVAL);
    assert_non_null(strstr(err.message, "column 1 (id) has type oid 701, the generated code "
                                        "expects 20"));
    pgc_result_free(res);
}

typedef enum test_color { TEST_RED = 1 } test_color;

static bool color_from_text(const char *label, void *out)
{
    if (strcmp(label, "red") != 0)
        return false;
    *(test_color *)out = TEST_RED;
    return true;
}

static const char *color_to_text(const void *v)
{
    return *(const test_color *)v == TEST_RED ? "red" : NULL;
}

static const pgc_enum_type test_color_type = {"test_color", color_from_text, color_to_text};

static void params__refused_before_anything_is_sent(void **state)
{
    (void)state;
    static const pgc_param params[] = {
        {"code", PGC_T_TEXT, false, NULL, NULL},
        {"color", PGC_T_ENUM, false, &test_color_type, NULL},
        {"data", PGC_T_BYTEA, true, NULL, NULL},
    };
    static const pgc_stmt stmt = {.name = "test_params", .sql = "SELECT", .nparams = 3};
    test_color red = TEST_RED, none = 0;
    pgc_bytes bad = {NULL, 3};
    pgc_error err = {0};
    /* db is NULL: a refusal must come before the query is run */
    const void *null_code[] = {NULL, &red, NULL};
    assert_int_equal(pgc_run(NULL, &stmt, params, null_code, NULL, &err), PGC_EINVAL);
    assert_string_equal(err.message, "test_params: parameter code is NULL");
    const void *no_color[] = {"c", &none, NULL};
    assert_int_equal(pgc_run(NULL, &stmt, params, no_color, NULL, &err), PGC_EINVAL);
    assert_string_equal(err.message, "test_params: parameter color is not a test_color value");
    const void *no_data[] = {"c", &red, &bad};
    assert_int_equal(pgc_run(NULL, &stmt, params, no_data, NULL, &err), PGC_EINVAL);
    assert_string_equal(err.message, "test_params: parameter data: no data or too long");
}

static void copy_rows__refused_before_anything_is_sent(void **state)
{
    (void)state;
    static const pgc_stmt stmt = {.name = "test_copy", .sql = "COPY t (id, note) FROM STDIN"};
    test_row rows[2] = {{1, "a", false}, {2, NULL, false}};
    pgc_error err = {0};
    int64_t copied = 7;
    assert_int_equal(pgc_copy_rows(NULL, &stmt, &test_row_type, NULL, 1, &copied, &err),
                     PGC_EINVAL);
    assert_string_equal(err.message, "test_copy: rows is NULL");
    assert_int_equal(copied, 0);
    /* a NOT NULL string that is NULL; its companion set makes it SQL NULL */
    static const pgc_column cols[] = {
        PGC_COLUMN(test_row, id, PGC_T_INT8, NULL),
        PGC_COLUMN(test_row, note, PGC_T_TEXT, NULL),
    };
    static const pgc_row_type rt = PGC_ROW_TYPE(test_row, cols);
    assert_int_equal(pgc_copy_rows(NULL, &stmt, &rt, rows, 2, &copied, &err), PGC_EINVAL);
    assert_string_equal(err.message, "test_copy: row 1: note is NULL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values__int4_array_with_null__decodes),
        cmocka_unit_test(rows__column_table__decodes_values_and_nulls),
        cmocka_unit_test(rows__null_in_a_not_null_column__is_refused_naming_it),
        cmocka_unit_test(rows__column_of_another_type__is_refused),
        cmocka_unit_test(params__refused_before_anything_is_sent),
        cmocka_unit_test(copy_rows__refused_before_anything_is_sent),
        cmocka_unit_test(values__null_item_in_an_array_without_nulls__is_refused),
        cmocka_unit_test(values__numeric__decodes_to_text),
        cmocka_unit_test(values__numeric_with_bad_digits__is_refused),
        cmocka_unit_test(values__array_of_another_element_type__is_refused),
        cmocka_unit_test(values__jsonb_of_another_version__is_refused),
        cmocka_unit_test(values__record__splits_into_fields),
        cmocka_unit_test(values__record_of_another_shape__is_refused),
        cmocka_unit_test(values__fail_value__names_statement_and_column),
        cmocka_unit_test(values__array_literal__quotes_every_item),
        cmocka_unit_test(values__numeric_text__encodes_or_is_refused),
        cmocka_unit_test(values__range__decodes_or_is_refused),
        cmocka_unit_test(values__record_builder__round_trips_and_checks_the_count),
        cmocka_unit_test(values__record_with_bytes_of_no_data__is_refused),
    };
    return cmocka_run_group_tests_name("values", tests, NULL, NULL);
}
