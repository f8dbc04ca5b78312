/*
 * test_builtins.c - the built-in catalog data (generator/builtins_data.c,
 * written by tools/gen-builtins) and its lookups (generator/builtins.c).
 * No database needed.
 *
 * The expected facts are PostgreSQL's, known independently of the data:
 * oids from pg_type.dat and pg_proc.dat, result types from the manual.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "builtins.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An argument list for find_func(): ARGS(23, 23), or NOARGS. */
#define ARGS(...) (const pgc_bi_oid[]){__VA_ARGS__}, COUNT(((const pgc_bi_oid[]){__VA_ARGS__}))
#define NOARGS NULL, 0

/* Oids from pg_type.dat, as PostgreSQL 15 assigns them. */
enum {
    BOOL = 16, INT8 = 20, INT2 = 21, INT2VECTOR = 22, INT4 = 23, TEXT = 25, JSON = 114,
    POINT = 600, FLOAT8 = 701, TEXT_ARRAY = 1009, BPCHAR = 1042, VARCHAR = 1043,
    TIMESTAMP = 1114, TIMESTAMPTZ = 1184, INTERVAL = 1186, NUMERIC = 1700,
    ANYELEMENT = 2283, RECORD = 2249, ANY = 2276, JSONB = 3802, INT4RANGE = 3904,
    INT4MULTIRANGE = 4451
};

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* The overload of name whose input argument types are exactly args, or a
 * failed test. */
static const pgc_bi_func *find_func(const char *name, const pgc_bi_oid *args, size_t nargs)
{
    size_t n;
    const pgc_bi_func *f = pgc_bi_funcs_named(name, &n);
    for (size_t i = 0; i < n; i++) {
        if (f[i].nargs != nargs)
            continue;
        size_t a = 0;
        while (a < nargs && f[i].args[a] == args[a])
            a++;
        if (a == nargs)
            return &f[i];
    }
    fail_msg("no function %s with these %zu argument types", name, nargs);
    return NULL;
}

/* The operator name with these operand types (left 0: prefix), or a failed test. */
static const pgc_bi_oper *find_oper(const char *name, pgc_bi_oid left, pgc_bi_oid right)
{
    size_t n;
    const pgc_bi_oper *o = pgc_bi_opers_named(name, &n);
    for (size_t i = 0; i < n; i++)
        if (o[i].left == left && o[i].right == right)
            return &o[i];
    fail_msg("no operator %u %s %u", (unsigned)left, name, (unsigned)right);
    return NULL;
}

/* The type with this oid, or a failed test. */
static const pgc_bi_type *type(pgc_bi_oid oid)
{
    const pgc_bi_type *t = pgc_bi_type_by_oid(oid);
    if (!t)
        fail_msg("no type %u", (unsigned)oid);
    return t;
}

/* An oid that a row refers to: 0 or a kept type. */
static void assert_type_or_0(pgc_bi_oid oid, const char *what, const char *row)
{
    if (oid != 0 && !pgc_bi_type_by_oid(oid))
        fail_msg("%s of %s is %u, not a type", what, row, (unsigned)oid);
}

/* ------------------------------------------------------------------ */
/* Types                                                                */
/* ------------------------------------------------------------------ */

static void types__int8__is_oid_20_spelled_bigint(void **state)
{
    (void)state;
    const pgc_bi_type *t = type(INT8);
    assert_string_equal(t->name, "bigint");
    assert_string_equal(t->typname, "int8");
    assert_int_equal(t->type, 'b');
    assert_int_equal(t->category, 'N');
    assert_false(t->preferred);
    assert_int_equal(t->len, 8);
    assert_true(t->byval);
    assert_int_equal(t->elem, 0);
    assert_int_equal(t->array, 1016);
    assert_ptr_equal(pgc_bi_type_by_typname("int8"), t);
    assert_ptr_equal(pgc_bi_type_by_name("bigint"), t);
}

static void types__text_array__is_oid_1009_spelled_text_brackets(void **state)
{
    (void)state;
    const pgc_bi_type *t = pgc_bi_type_by_typname("_text");
    assert_non_null(t);
    assert_int_equal(t->oid, TEXT_ARRAY);
    assert_string_equal(t->name, "text[]");
    assert_int_equal(t->category, 'A');
    assert_int_equal(t->elem, TEXT);
    assert_int_equal(t->len, -1);
    assert_int_equal(type(TEXT)->array, TEXT_ARRAY);
    assert_ptr_equal(pgc_bi_type_by_name("text[]"), t);
}

static void types__format_type_names__are_sql_spellings(void **state)
{
    (void)state;
    assert_string_equal(type(TIMESTAMPTZ)->name, "timestamp with time zone");
    assert_string_equal(type(TIMESTAMPTZ)->typname, "timestamptz");
    assert_string_equal(type(TIMESTAMP)->name, "timestamp without time zone");
    assert_string_equal(type(VARCHAR)->name, "character varying");
    assert_string_equal(type(BPCHAR)->name, "character");
    assert_string_equal(type(INT4)->name, "integer");
    assert_string_equal(type(FLOAT8)->name, "double precision");
    assert_string_equal(type(BOOL)->name, "boolean");
    assert_string_equal(type(ANY)->name, "\"any\"");
    assert_ptr_equal(pgc_bi_type_by_name("timestamp with time zone"), type(TIMESTAMPTZ));
    assert_ptr_equal(pgc_bi_type_by_name("character varying[]"),
                     pgc_bi_type_by_typname("_varchar"));
}

static void types__preferred__are_text_float8_and_timestamptz(void **state)
{
    (void)state;
    assert_true(type(TEXT)->preferred);
    assert_true(type(FLOAT8)->preferred);
    assert_true(type(TIMESTAMPTZ)->preferred);
    assert_true(type(INTERVAL)->preferred);
    assert_false(type(INT4)->preferred);
    assert_false(type(NUMERIC)->preferred);
    assert_int_equal(type(TEXT)->category, 'S');
    assert_int_equal(type(VARCHAR)->category, 'S');
}

static void types__header_oids__name_their_types(void **state)
{
    (void)state;
    assert_string_equal(type(PGC_BI_BOOL)->typname, "bool");
    assert_string_equal(type(PGC_BI_INT8)->typname, "int8");
    assert_string_equal(type(PGC_BI_INT2)->typname, "int2");
    assert_string_equal(type(PGC_BI_INT4)->typname, "int4");
    assert_string_equal(type(PGC_BI_TEXT)->typname, "text");
    assert_string_equal(type(PGC_BI_FLOAT8)->typname, "float8");
    assert_string_equal(type(PGC_BI_UNKNOWN)->typname, "unknown");
    assert_string_equal(type(PGC_BI_NUMERIC)->typname, "numeric");
    assert_string_equal(type(PGC_BI_RECORD)->typname, "record");
    assert_string_equal(type(PGC_BI_ANY)->typname, "any");
    assert_string_equal(type(PGC_BI_VOID)->typname, "void");
}

static void types__element__only_for_true_arrays(void **state)
{
    (void)state;
    assert_int_equal(type(INT2VECTOR)->elem, INT2); /* subscripted like an array */
    assert_int_equal(type(POINT)->elem, 0);         /* point[0] is not an array */
    assert_int_equal(pgc_bi_type_by_typname("name")->elem, 0);
}

static void types__ranges__link_subtype_and_multirange(void **state)
{
    (void)state;
    const pgc_bi_type *r = type(INT4RANGE), *m = type(INT4MULTIRANGE);
    assert_string_equal(r->typname, "int4range");
    assert_int_equal(r->type, 'r');
    assert_int_equal(r->range_subtype, INT4);
    assert_int_equal(r->multirange, INT4MULTIRANGE);
    assert_int_equal(r->range, 0);
    assert_string_equal(m->typname, "int4multirange");
    assert_int_equal(m->type, 'm');
    assert_int_equal(m->range, INT4RANGE);
    assert_int_equal(m->range_subtype, 0);
}

static void types__pseudo_types__polymorphic_kept_others_not(void **state)
{
    (void)state;
    static const char *const kept[] = {
        "any", "anyelement", "anyarray", "anynonarray", "anyenum", "anyrange",
        "anymultirange", "anycompatible", "anycompatiblearray", "anycompatiblenonarray",
        "anycompatiblerange", "anycompatiblemultirange", "record", "_record", "void",
        "unknown"};
    static const char *const dropped[] = {
        "internal", "cstring", "_cstring", "trigger", "event_trigger", "language_handler",
        "fdw_handler", "index_am_handler", "tsm_handler", "table_am_handler",
        "pg_ddl_command", "pg_class", "_pg_class"};
    for (size_t i = 0; i < COUNT(kept); i++)
        if (!pgc_bi_type_by_typname(kept[i]))
            fail_msg("%s is missing", kept[i]);
    for (size_t i = 0; i < COUNT(dropped); i++)
        if (pgc_bi_type_by_typname(dropped[i]))
            fail_msg("%s is kept", dropped[i]);
    assert_int_equal(type(ANYELEMENT)->type, 'p');
}

static void types__unknown_names__are_not_found(void **state)
{
    (void)state;
    assert_null(pgc_bi_type_by_oid(0));
    assert_null(pgc_bi_type_by_oid(99999));
    assert_null(pgc_bi_type_by_typname("bigint"));  /* a name, not a typname */
    assert_null(pgc_bi_type_by_name("int8"));       /* and the other way round */
    assert_null(pgc_bi_type_by_typname(""));
    assert_null(pgc_bi_type_by_name("no_such_type"));
    assert_null(pgc_bi_type_by_name("\xff"));
}

/* ------------------------------------------------------------------ */
/* Functions                                                            */
/* ------------------------------------------------------------------ */

static void funcs__lower_text__returns_text_and_is_strict(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("lower", ARGS(TEXT));
    assert_int_equal(f->kind, 'f');
    assert_int_equal(f->rettype, TEXT);
    assert_true(f->strict);
    assert_false(f->retset);
    assert_int_equal(f->oid, 870);
    /* lower(anyrange) returns anyelement */
    assert_int_equal(find_func("lower", ARGS(3831))->rettype, ANYELEMENT);
}

static void funcs__count_star__is_an_aggregate_with_no_args(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("count", NOARGS);
    assert_int_equal(f->kind, 'a');
    assert_int_equal(f->aggkind, 'n');
    assert_int_equal(f->rettype, INT8);
    assert_null(f->args);
    const pgc_bi_func *any = find_func("count", ARGS(ANY));
    assert_int_equal(any->kind, 'a');
    assert_int_equal(any->rettype, INT8);
}

static void funcs__sum__int4_gives_bigint_and_int8_gives_numeric(void **state)
{
    (void)state;
    assert_int_equal(find_func("sum", ARGS(INT4))->rettype, INT8);
    assert_int_equal(find_func("sum", ARGS(INT8))->rettype, NUMERIC);
    assert_int_equal(find_func("sum", ARGS(INT8))->kind, 'a');
    assert_int_equal(find_func("avg", ARGS(INT4))->rettype, NUMERIC);
}

static void funcs__now__returns_timestamptz(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("now", NOARGS);
    assert_int_equal(f->rettype, TIMESTAMPTZ);
    assert_int_equal(f->oid, 1299);
    assert_ptr_equal(pgc_bi_func_by_oid(1299), f);
}

static void funcs__generate_series_int4__returns_setof_int4(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("generate_series", ARGS(INT4, INT4));
    assert_int_equal(f->rettype, INT4);
    assert_true(f->retset);
    assert_int_equal(find_func("generate_series", ARGS(INT4, INT4, INT4))->rettype, INT4);
}

static void funcs__make_interval__has_names_and_defaults(void **state)
{
    (void)state;
    size_t n;
    const pgc_bi_func *f = pgc_bi_funcs_named("make_interval", &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->rettype, INTERVAL);
    assert_int_equal(f->nargs, 7);
    assert_int_equal(f->ndefaults, 7);
    assert_non_null(f->argnames);
    assert_string_equal(f->argnames[0], "years");
    assert_string_equal(f->argnames[3], "days");
    assert_string_equal(f->argnames[6], "secs");
    assert_int_equal(f->args[6], FLOAT8);
}

static void funcs__json_each__returns_named_out_columns(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("json_each", ARGS(JSON));
    assert_int_equal(f->rettype, RECORD);
    assert_true(f->retset);
    assert_int_equal(f->nargs, 1);
    assert_int_equal(f->nouts, 2);
    assert_string_equal(f->outs[0].name, "key");
    assert_int_equal(f->outs[0].type, TEXT);
    assert_string_equal(f->outs[1].name, "value");
    assert_int_equal(f->outs[1].type, JSON);
}

static void funcs__concat__is_variadic_any(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("concat", ARGS(ANY));
    assert_int_equal(f->variadic, ANY);
    assert_int_equal(f->rettype, TEXT);
    assert_false(f->strict);
    /* VARIADIC text[]: the element type is recorded, the argument is the array */
    const pgc_bi_func *p = find_func("jsonb_extract_path", ARGS(JSONB, TEXT_ARRAY));
    assert_int_equal(p->variadic, TEXT);
    assert_int_equal(find_func("lower", ARGS(TEXT))->variadic, 0);
}

static void funcs__percentile_cont__is_an_ordered_set_aggregate(void **state)
{
    (void)state;
    const pgc_bi_func *f = find_func("percentile_cont", ARGS(FLOAT8, FLOAT8));
    assert_int_equal(f->kind, 'a');
    assert_int_equal(f->aggkind, 'o');
    assert_int_equal(f->aggndirect, 1);
    assert_int_equal(f->rettype, FLOAT8);
    assert_int_equal(find_func("rank", ARGS(ANY))->aggkind, 'h');
    assert_int_equal(find_func("rank", NOARGS)->kind, 'w');
    assert_int_equal(find_func("lower", ARGS(TEXT))->aggkind, 0);
}

static void funcs__internal_ones__are_left_out(void **state)
{
    (void)state;
    size_t n = 99;
    assert_null(pgc_bi_funcs_named("int4in", &n)); /* cstring */
    assert_int_equal(n, 0);
    assert_null(pgc_bi_funcs_named("int4recv", &n)); /* internal */
    assert_null(pgc_bi_funcs_named("suppress_redundant_updates_trigger", &n));
    assert_null(pgc_bi_funcs_named("heap_tableam_handler", &n));
    assert_null(pgc_bi_funcs_named("no_such_function", &n));
    assert_int_equal(n, 0);
    assert_null(pgc_bi_funcs_named("", &n));
    assert_null(pgc_bi_func_by_oid(0));
    assert_null(pgc_bi_func_by_oid(42)); /* int4in */
}

/* ------------------------------------------------------------------ */
/* Operators                                                            */
/* ------------------------------------------------------------------ */

static void opers__common_ones__have_their_result_types(void **state)
{
    (void)state;
    assert_int_equal(find_oper("+", INT4, INT4)->result, INT4);
    assert_int_equal(find_oper("||", TEXT, TEXT)->result, TEXT);
    assert_int_equal(find_oper("->", JSONB, TEXT)->result, JSONB);
    assert_int_equal(find_oper("->>", JSONB, TEXT)->result, TEXT);
    assert_int_equal(find_oper("->", JSONB, INT4)->result, JSONB);
    assert_int_equal(find_oper("=", INT4, INT8)->result, BOOL);
    assert_int_equal(find_oper("-", 0, INT4)->result, INT4); /* prefix */
}

static void opers__func__is_the_implementing_function(void **state)
{
    (void)state;
    const pgc_bi_oper *o = find_oper("+", INT4, INT4);
    const pgc_bi_func *f = pgc_bi_func_by_oid(o->func);
    assert_non_null(f);
    assert_string_equal(f->name, "int4pl");
    assert_true(f->strict);
}

static void opers__unknown_names__are_not_found(void **state)
{
    (void)state;
    size_t n = 99;
    assert_null(pgc_bi_opers_named("+++", &n));
    assert_int_equal(n, 0);
    assert_null(pgc_bi_opers_named("", &n));
    assert_non_null(pgc_bi_opers_named("~~", &n)); /* LIKE */
    assert_true(n > 1);
}

/* ------------------------------------------------------------------ */
/* Casts                                                                */
/* ------------------------------------------------------------------ */

static void casts__int4_int8__implicit_up_assignment_down(void **state)
{
    (void)state;
    const pgc_bi_cast *up = pgc_bi_cast_find(INT4, INT8);
    assert_non_null(up);
    assert_int_equal(up->context, 'i');
    assert_int_equal(up->method, 'f');
    const pgc_bi_cast *down = pgc_bi_cast_find(INT8, INT4);
    assert_non_null(down);
    assert_int_equal(down->context, 'a');
    const pgc_bi_cast *vt = pgc_bi_cast_find(VARCHAR, TEXT);
    assert_non_null(vt);
    assert_int_equal(vt->context, 'i');
    assert_int_equal(vt->method, 'b');
    assert_int_equal(pgc_bi_cast_find(INT4, BOOL)->context, 'e');
}

static void casts__text_to_int4__is_not_a_pg_cast_row(void **state)
{
    (void)state;
    assert_null(pgc_bi_cast_find(TEXT, INT4));
    assert_null(pgc_bi_cast_find(INT4, INT4));
    assert_null(pgc_bi_cast_find(0, 0));
    assert_null(pgc_bi_cast_find(99999, INT4));
}

/* ------------------------------------------------------------------ */
/* The data as a whole                                                  */
/* ------------------------------------------------------------------ */

static void data__server__is_postgresql_15(void **state)
{
    (void)state;
    assert_true(strncmp(pgc_bi_server_version, "15.", 3) == 0);
    assert_true(pgc_bi_ntypes > 150);
    assert_true(pgc_bi_nfuncs > 2000);
    assert_true(pgc_bi_nopers > 700);
    assert_true(pgc_bi_ncasts > 200);
}

static void data__arrays__are_sorted_as_the_searches_require(void **state)
{
    (void)state;
    for (size_t i = 1; i < pgc_bi_ntypes; i++) {
        assert_true(pgc_bi_types[i - 1].oid < pgc_bi_types[i].oid);
        const pgc_bi_type *a = &pgc_bi_types[pgc_bi_types_by_name[i - 1]];
        const pgc_bi_type *b = &pgc_bi_types[pgc_bi_types_by_name[i]];
        if (strcmp(a->name, b->name) >= 0)
            fail_msg("types by name: %s before %s", a->name, b->name);
        a = &pgc_bi_types[pgc_bi_types_by_typname[i - 1]];
        b = &pgc_bi_types[pgc_bi_types_by_typname[i]];
        if (strcmp(a->typname, b->typname) >= 0)
            fail_msg("types by typname: %s before %s", a->typname, b->typname);
    }
    for (size_t i = 1; i < pgc_bi_nfuncs; i++) {
        const pgc_bi_func *a = &pgc_bi_funcs[i - 1], *b = &pgc_bi_funcs[i];
        int c = strcmp(a->name, b->name);
        if (c > 0 || (c == 0 && a->oid >= b->oid))
            fail_msg("functions: %s %u before %s %u", a->name, (unsigned)a->oid, b->name,
                     (unsigned)b->oid);
        assert_true(pgc_bi_funcs[pgc_bi_funcs_by_oid[i - 1]].oid
                    < pgc_bi_funcs[pgc_bi_funcs_by_oid[i]].oid);
    }
    for (size_t i = 1; i < pgc_bi_nopers; i++) {
        const pgc_bi_oper *a = &pgc_bi_opers[i - 1], *b = &pgc_bi_opers[i];
        int c = strcmp(a->name, b->name);
        if (c > 0 || (c == 0 && a->oid >= b->oid))
            fail_msg("operators: %s %u before %s %u", a->name, (unsigned)a->oid, b->name,
                     (unsigned)b->oid);
    }
    for (size_t i = 1; i < pgc_bi_ncasts; i++) {
        const pgc_bi_cast *a = &pgc_bi_casts[i - 1], *b = &pgc_bi_casts[i];
        assert_true(a->source < b->source || (a->source == b->source && a->target < b->target));
    }
}

static void data__every_row__is_found_by_its_lookups(void **state)
{
    (void)state;
    size_t n;
    for (size_t i = 0; i < pgc_bi_ntypes; i++) {
        const pgc_bi_type *t = &pgc_bi_types[i];
        assert_ptr_equal(pgc_bi_type_by_oid(t->oid), t);
        assert_ptr_equal(pgc_bi_type_by_typname(t->typname), t);
        assert_ptr_equal(pgc_bi_type_by_name(t->name), t);
    }
    for (size_t i = 0; i < pgc_bi_nfuncs; i++) {
        const pgc_bi_func *f = &pgc_bi_funcs[i], *first = pgc_bi_funcs_named(f->name, &n);
        assert_true(first <= f && f < first + n);
        assert_ptr_equal(pgc_bi_func_by_oid(f->oid), f);
    }
    for (size_t i = 0; i < pgc_bi_nopers; i++) {
        const pgc_bi_oper *o = &pgc_bi_opers[i], *first = pgc_bi_opers_named(o->name, &n);
        assert_true(first <= o && o < first + n);
    }
    for (size_t i = 0; i < pgc_bi_ncasts; i++)
        assert_ptr_equal(pgc_bi_cast_find(pgc_bi_casts[i].source, pgc_bi_casts[i].target),
                         &pgc_bi_casts[i]);
}

static void data__references__name_rows_that_exist(void **state)
{
    (void)state;
    for (size_t i = 0; i < pgc_bi_ntypes; i++) {
        const pgc_bi_type *t = &pgc_bi_types[i];
        assert_type_or_0(t->elem, "elem", t->typname);
        assert_type_or_0(t->array, "array", t->typname);
        assert_type_or_0(t->base, "base", t->typname);
        assert_type_or_0(t->range_subtype, "range_subtype", t->typname);
        assert_type_or_0(t->multirange, "multirange", t->typname);
        assert_type_or_0(t->range, "range", t->typname);
        if (t->array)
            assert_int_equal(type(t->array)->elem, t->oid);
    }
    for (size_t i = 0; i < pgc_bi_nfuncs; i++) {
        const pgc_bi_func *f = &pgc_bi_funcs[i];
        type(f->rettype);
        assert_true(f->kind == 'f' || f->kind == 'a' || f->kind == 'w');
        assert_true((f->kind == 'a') == (f->aggkind != 0));
        assert_true((f->args == NULL) == (f->nargs == 0));
        assert_true((f->outs == NULL) == (f->nouts == 0));
        assert_true(f->ndefaults <= f->nargs);
        for (size_t a = 0; a < f->nargs; a++)
            type(f->args[a]);
        for (size_t a = 0; f->argnames && a < f->nargs; a++)
            assert_non_null(f->argnames[a]);
        for (size_t c = 0; c < f->nouts; c++) {
            type(f->outs[c].type);
            assert_non_null(f->outs[c].name);
        }
        assert_type_or_0(f->variadic, "variadic", f->name);
    }
    for (size_t i = 0; i < pgc_bi_nopers; i++) {
        const pgc_bi_oper *o = &pgc_bi_opers[i];
        assert_type_or_0(o->left, "left", o->name);
        type(o->right);
        type(o->result);
        assert_non_null(pgc_bi_func_by_oid(o->func));
    }
    for (size_t i = 0; i < pgc_bi_ncasts; i++) {
        type(pgc_bi_casts[i].source);
        type(pgc_bi_casts[i].target);
        assert_non_null(strchr("eai", pgc_bi_casts[i].context));
        assert_non_null(strchr("fib", pgc_bi_casts[i].method));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types__int8__is_oid_20_spelled_bigint),
        cmocka_unit_test(types__text_array__is_oid_1009_spelled_text_brackets),
        cmocka_unit_test(types__format_type_names__are_sql_spellings),
        cmocka_unit_test(types__preferred__are_text_float8_and_timestamptz),
        cmocka_unit_test(types__header_oids__name_their_types),
        cmocka_unit_test(types__element__only_for_true_arrays),
        cmocka_unit_test(types__ranges__link_subtype_and_multirange),
        cmocka_unit_test(types__pseudo_types__polymorphic_kept_others_not),
        cmocka_unit_test(types__unknown_names__are_not_found),
        cmocka_unit_test(funcs__lower_text__returns_text_and_is_strict),
        cmocka_unit_test(funcs__count_star__is_an_aggregate_with_no_args),
        cmocka_unit_test(funcs__sum__int4_gives_bigint_and_int8_gives_numeric),
        cmocka_unit_test(funcs__now__returns_timestamptz),
        cmocka_unit_test(funcs__generate_series_int4__returns_setof_int4),
        cmocka_unit_test(funcs__make_interval__has_names_and_defaults),
        cmocka_unit_test(funcs__json_each__returns_named_out_columns),
        cmocka_unit_test(funcs__concat__is_variadic_any),
        cmocka_unit_test(funcs__percentile_cont__is_an_ordered_set_aggregate),
        cmocka_unit_test(funcs__internal_ones__are_left_out),
        cmocka_unit_test(opers__common_ones__have_their_result_types),
        cmocka_unit_test(opers__func__is_the_implementing_function),
        cmocka_unit_test(opers__unknown_names__are_not_found),
        cmocka_unit_test(casts__int4_int8__implicit_up_assignment_down),
        cmocka_unit_test(casts__text_to_int4__is_not_a_pg_cast_row),
        cmocka_unit_test(data__server__is_postgresql_15),
        cmocka_unit_test(data__arrays__are_sorted_as_the_searches_require),
        cmocka_unit_test(data__every_row__is_found_by_its_lookups),
        cmocka_unit_test(data__references__name_rows_that_exist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
