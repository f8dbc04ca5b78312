/*
 * gen_json.c - the JSON writer (generator/json.c): layout, key order,
 * empty containers, escapes.  Output is captured in a memory stream and
 * compared byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "json.h"

typedef struct capture {
    FILE *f;
    char *buf;
    size_t len;
} capture;

static void capture_open(capture *c, pgc_json *j)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    pgc_json_init(j, c->f);
}

/* Closes the stream, compares, frees. */
static void capture_check(capture *c, const char *expected)
{
    assert_int_equal(fclose(c->f), 0);
    assert_string_equal(c->buf, expected);
    free(c->buf);
}

static void json__nested_document__is_indented_in_key_order(void **state)
{
    (void)state;
    capture c;
    pgc_json j;
    capture_open(&c, &j);
    pgc_json_begin_object(&j);
    pgc_json_key(&j, "zeta");
    pgc_json_int(&j, -42);
    pgc_json_key(&j, "alpha");
    pgc_json_begin_array(&j);
    pgc_json_begin_object(&j);
    pgc_json_key(&j, "name");
    pgc_json_string(&j, "id");
    pgc_json_key(&j, "nullable");
    pgc_json_bool(&j, false);
    pgc_json_key(&j, "table");
    pgc_json_string(&j, NULL);
    pgc_json_end_object(&j);
    pgc_json_bool(&j, true);
    pgc_json_null(&j);
    pgc_json_end_array(&j);
    pgc_json_key(&j, "empty_object");
    pgc_json_begin_object(&j);
    pgc_json_end_object(&j);
    pgc_json_key(&j, "empty_array");
    pgc_json_begin_array(&j);
    pgc_json_end_array(&j);
    pgc_json_key(&j, "big");
    pgc_json_int(&j, INT64_MIN);
    pgc_json_end_object(&j);
    pgc_json_finish(&j);
    capture_check(&c, "{\n"
                      "  \"zeta\": -42,\n"
                      "  \"alpha\": [\n"
                      "    {\n"
                      "      \"name\": \"id\",\n"
                      "      \"nullable\": false,\n"
                      "      \"table\": null\n"
                      "    },\n"
                      "    true,\n"
                      "    null\n"
                      "  ],\n"
                      "  \"empty_object\": {},\n"
                      "  \"empty_array\": [],\n"
                      "  \"big\": -9223372036854775808\n"
                      "}\n");
}

static void json__top_level_values__stand_alone(void **state)
{
    (void)state;
    capture c;
    pgc_json j;
    capture_open(&c, &j);
    pgc_json_begin_array(&j);
    pgc_json_end_array(&j);
    pgc_json_finish(&j);
    capture_check(&c, "[]\n");
    capture_open(&c, &j);
    pgc_json_string(&j, "x");
    pgc_json_finish(&j);
    capture_check(&c, "\"x\"\n");
}

static void json__strings__are_escaped(void **state)
{
    (void)state;
    capture c;
    pgc_json j;
    capture_open(&c, &j);
    pgc_json_begin_object(&j);
    pgc_json_key(&j, "k\"ey");
    pgc_json_string(&j, "q\" b\\ n\n r\r t\t b\b f\f c\x01\x1f del\x7f");
    pgc_json_key(&j, "utf8");
    pgc_json_string(&j, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    pgc_json_key(&j, "bad");
    /* a stray continuation byte, a truncated sequence, an overlong form, a surrogate */
    pgc_json_string(&j, "a\x80" "b\xC3" "c\xC0\xAF" "d\xED\xA0\x80" "e");
    pgc_json_end_object(&j);
    pgc_json_finish(&j);
    capture_check(&c, "{\n"
                      "  \"k\\\"ey\": \"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f c\\u0001\\u001f "
                      "del\x7f\",\n"
                      "  \"utf8\": \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",\n"
                      "  \"bad\": \"a\\ufffdb\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffde\"\n"
                      "}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json__nested_document__is_indented_in_key_order),
        cmocka_unit_test(json__top_level_values__stand_alone),
        cmocka_unit_test(json__strings__are_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
