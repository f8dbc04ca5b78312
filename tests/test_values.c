/*
 * test_values.c - the binary decoders on values a server would not send:
 * they must refuse them, never read or write out of bounds.  Results are
 * built by hand with libpq's PQmakeEmptyPGresult; no server needed.
 */
#include <string.h>

#include "fixture.h"

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
    assert_ok(pgc_get_int4_array(res, 0, 0, &a, &err), &err);
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
    assert_int_equal(pgc_get_int4_array(res, 0, 0, &a, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "malformed array"));
    assert_null(a.items);
    assert_int_equal(a.len, 0);
    pgc_result_free(res);
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
    const char *s = pgc_get_numeric(res, 0, 0, &err);
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
    assert_null(pgc_get_numeric(res, 0, 0, &err));
    assert_int_equal(err.code, PGC_EINVAL);
    assert_non_null(strstr(err.message, "malformed numeric"));

    /* a sign that is none of +, -, NaN, +-Infinity */
    put16(buf, 1), put16(buf + 2, 0), put16(buf + 4, 0x1234), put16(buf + 6, 0);
    put16(buf + 8, 1);
    pgc_result_free(res);
    res = one_value(1700, buf, 10);
    pgc_error_clear(&err);
    assert_null(pgc_get_numeric(res, 0, 0, &err));
    assert_int_equal(err.code, PGC_EINVAL);
    pgc_result_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values__int4_array_with_null__decodes),
        cmocka_unit_test(values__null_item_in_an_array_without_nulls__is_refused),
        cmocka_unit_test(values__numeric__decodes_to_text),
        cmocka_unit_test(values__numeric_with_bad_digits__is_refused),
    };
    return cmocka_run_group_tests_name("values", tests, NULL, NULL);
}
