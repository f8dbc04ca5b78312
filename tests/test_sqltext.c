/*
 * test_sqltext.c - the lexer (sqllex.re), template rendering (template.c)
 * and the statement services (sqltext.c).  No database needed.
 *
 * Expected offsets, lengths, lines and columns are counted by hand from the
 * inputs; the comments next to them show the count where it is not
 * obvious.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h" /* pgc_check_identifier */
#include "sqllex.h"
#include "sqltext.h"

/* A string literal and its length (it may hold NUL bytes). */
#define S(lit) lit, (sizeof(lit) - 1)

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

typedef struct exp_tok {
    pgc_tok kind;
    pgc_lex_error error;
    size_t off, len;
    int line, col;
} exp_tok;

#define T(kind, off, len, line, col) {PGC_TOK_##kind, PGC_LEX_OK, off, len, line, col}
#define E(err, off, len, line, col) {PGC_TOK_ERROR, PGC_LEX_##err, off, len, line, col}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An exact-size heap copy, so that ASan and valgrind catch any read past
 * the end (the lexer must not need a terminator). */
static char *exact_copy(const char *src, size_t len)
{
    char *p = malloc(len ? len : 1);
    assert_non_null(p);
    if (len)
        memcpy(p, src, len);
    return p;
}

/* Lexes src to the end (through errors) and checks every token. */
static void check_tokens(const char *src, size_t len, const exp_tok *exp, size_t n)
{
    char *copy = exact_copy(src, len);
    pgc_lexer lx;
    pgc_token t;
    size_t i = 0;
    pgc_lexer_init(&lx, copy, len);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (i == n)
            fail_msg("token %zu: unexpected %s at %zu", i, pgc_tok_name(t.kind), t.off);
        const exp_tok *e = &exp[i];
        if (t.kind != e->kind || t.error != e->error || t.off != e->off
            || t.len != e->len || t.line != e->line || t.col != e->col)
            fail_msg("token %zu: got %s/%d %zu+%zu at %d:%d, expected %s/%d "
                     "%zu+%zu at %d:%d", i, pgc_tok_name(t.kind), (int)t.error,
                     t.off, t.len, t.line, t.col, pgc_tok_name(e->kind),
                     (int)e->error, e->off, e->len, e->line, e->col);
        i++;
    }
    assert_int_equal(i, n);
    /* EOF is sticky and sits at the end */
    assert_int_equal(pgc_lex(&lx, &t), PGC_TOK_EOF);
    assert_int_equal(t.off, len);
    assert_int_equal(t.len, 0);
    free(copy);
}

/* The first token of src must be `kind`, starting at 0, `len` bytes. */
static void check_first(const char *src, size_t srclen, pgc_tok kind, size_t len)
{
    char *copy = exact_copy(src, srclen);
    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, copy, srclen);
    pgc_lex(&lx, &t);
    if (t.kind != kind || t.off != 0 || t.len != len || t.line != 1 || t.col != 1)
        fail_msg("[%s]: got %s 0+%zu at %d:%d, expected %s 0+%zu at 1:1", src,
                 pgc_tok_name(t.kind), t.len, t.line, t.col, pgc_tok_name(kind), len);
    free(copy);
}

static void assert_renders(const char *sql, const char *schema, const char *expected)
{
    char *out = NULL;
    pgc_error err = {0};
    int rc = pgc_render(sql, schema, &out, &err);
    if (rc != PGC_OK)
        fail_msg("render [%s]: %s: %s", sql, pgc_code_name(rc), err.message);
    assert_string_equal(out, expected);
    free(out);
}

/* Rendering must fail with code, at line:col (0:0 for none), with message. */
static void assert_render_fails(const char *sql, const char *schema, int code,
                                int line, int col, const char *message)
{
    char *out = (char *)"not touched";
    pgc_error err = {0};
    int rc = pgc_render(sql, schema, &out, &err);
    assert_string_equal(pgc_code_name(rc), pgc_code_name(code));
    assert_int_equal(err.code, code);
    assert_null(out);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (message)
        assert_string_equal(err.message, message);
}

/* Text of 'n' copies of c (n < 128). */
static const char *repeat(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void check_spans(const char *sql, size_t len, const pgc_span *exp, size_t n)
{
    char *copy = exact_copy(sql, len);
    pgc_span *spans = NULL;
    size_t count = 99;
    pgc_error err = {0};
    int rc = pgc_split_statements(copy, len, &spans, &count, &err);
    if (rc != PGC_OK)
        fail_msg("split: %s", err.message);
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++) {
        if (spans[i].off != exp[i].off || spans[i].len != exp[i].len
            || spans[i].line != exp[i].line || spans[i].col != exp[i].col)
            fail_msg("span %zu: got %zu+%zu at %d:%d [%.*s], expected %zu+%zu at %d:%d",
                     i, spans[i].off, spans[i].len, spans[i].line, spans[i].col,
                     (int)spans[i].len, copy + spans[i].off, exp[i].off,
                     exp[i].len, exp[i].line, exp[i].col);
    }
    free(spans);
    free(copy);
}

static int txctl(const char *sql, size_t *offset)
{
    *offset = 12345;
    return pgc_find_transaction_control(sql, strlen(sql), offset);
}

static int no_tx(const char *sql)
{
    return pgc_sql_no_transaction(sql, strlen(sql));
}

/* ------------------------------------------------------------------ */
/* Lexer: token kinds and positions                                     */
/* ------------------------------------------------------------------ */

static void lex__empty_input__is_eof(void **state)
{
    (void)state;
    check_tokens(S(""), NULL, 0);
}

static void lex__words_and_spaces__have_lines_and_columns(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 6, 1, 1),  T(SPACE, 6, 2, 1, 7), T(IDENT, 8, 1, 1, 9),
        T(SPACE, 9, 2, 1, 10), /* "\n\t" */
        T(IDENT, 11, 4, 2, 2), T(SPACE, 15, 1, 2, 6), T(IDENT, 16, 1, 2, 7),
    };
    check_tokens(S("SELECT  a\n\tFROM t"), exp, COUNT(exp));
}

static void lex__every_space_char__is_space(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(SPACE, 0, 6, 1, 1), T(IDENT, 6, 1, 2, 3), /* \f and \v, then x */
    };
    check_tokens(S(" \t\r\n\f\vx"), exp, COUNT(exp));
}

static void lex__line_comment__stops_before_newline(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 1, 1, 2), T(COMMENT, 2, 4, 1, 3),
        T(SPACE, 6, 1, 1, 7), T(IDENT, 7, 1, 2, 1),
    };
    check_tokens(S("a -- x\nb"), exp, COUNT(exp));
}

static void lex__line_comment__starts_inside_operator_run(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(OP, 1, 1, 1, 2), T(COMMENT, 2, 3, 1, 3),
        T(SPACE, 5, 1, 1, 6), T(IDENT, 6, 1, 2, 1),
    };
    check_tokens(S("a<--b\nc"), exp, COUNT(exp));
}

static void lex__block_comment__nests(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(COMMENT, 0, 17, 1, 1), /* "/" "* a /" "* b *" "/ c *" "/" */
        T(IDENT, 17, 1, 1, 18),
    };
    check_tokens(S("/* a /* b */ c */x"), exp, COUNT(exp));
}

static void lex__block_comment__spans_lines(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(OP, 1, 1, 1, 2),
        T(COMMENT, 2, 9, 1, 3), /* "/" "*\n é *" "/" is 9 bytes */
        T(IDENT, 11, 1, 2, 6),
    };
    check_tokens(S("a*/*\n \xc3\xa9 */b"), exp, COUNT(exp));
}

static void lex__string_forms__are_one_token(void **state)
{
    (void)state;
    check_first(S("'it''s' x"), PGC_TOK_STRING, 7);
    check_first(S("'a\\' x"), PGC_TOK_STRING, 4);     /* no escapes in '..' */
    check_first(S("E'it\\'s' x"), PGC_TOK_STRING, 8);
    check_first(S("e'\\\\' x"), PGC_TOK_STRING, 5);    /* e'\\' */
    check_first(S("E'a''b' x"), PGC_TOK_STRING, 7);
    check_first(S("U&'d\\0061t' x"), PGC_TOK_STRING, 11);
    check_first(S("u&'x''y' x"), PGC_TOK_STRING, 8);
    check_first(S("B'101' x"), PGC_TOK_STRING, 6);
    check_first(S("b'1'"), PGC_TOK_STRING, 4);
    check_first(S("X'1F' x"), PGC_TOK_STRING, 5);
    check_first(S("N'n' x"), PGC_TOK_STRING, 4);
    check_first(S("''"), PGC_TOK_STRING, 2);
    check_first(S("'{{tables.t}}'"), PGC_TOK_STRING, 14);
    /* a word before a quote is an identifier, not a prefix */
    check_first(S("ex'a'"), PGC_TOK_IDENT, 2);
    check_first(S("e 'a'"), PGC_TOK_IDENT, 1);
    check_first(S("U&x"), PGC_TOK_IDENT, 1);
}

static void lex__b_and_x_strings__do_not_double_quotes(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(STRING, 0, 5, 1, 1), T(STRING, 5, 4, 1, 6),
    };
    check_tokens(S("B'01''10'"), exp, COUNT(exp));
}

static void lex__string__spans_lines(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(STRING, 0, 5, 1, 1), T(SPACE, 5, 1, 2, 3), T(IDENT, 6, 1, 2, 4),
    };
    check_tokens(S("'a\nb' x"), exp, COUNT(exp));
}

static void lex__columns__count_utf8_characters(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(STRING, 0, 4, 1, 1), /* ' c3 a9 ' */
        T(SPACE, 4, 1, 1, 4), T(IDENT, 5, 6, 1, 5), /* "été" + "x" */
        T(SPACE, 11, 1, 1, 9), T(QIDENT, 12, 5, 1, 10),
        T(OP, 17, 1, 1, 13),
    };
    check_tokens(S("'\xc3\xa9' \xc3\xa9t\xc3\xa9x \"\xe2\x82\xac\"+"), exp, COUNT(exp));
}

static void lex__dollar_quotes__match_their_tag(void **state)
{
    (void)state;
    check_first(S("$$a$$ x"), PGC_TOK_DOLLAR_STRING, 5);
    check_first(S("$$$$"), PGC_TOK_DOLLAR_STRING, 4);
    check_first(S("$fn$ a $$ b $fn$ x"), PGC_TOK_DOLLAR_STRING, 16);
    check_first(S("$a$x$b$$a$ x"), PGC_TOK_DOLLAR_STRING, 10);
    check_first(S("$a$x$b$a$ x"), PGC_TOK_DOLLAR_STRING, 9); /* "$b" then "$a$" */
    check_first(S("$_1$x$_1$"), PGC_TOK_DOLLAR_STRING, 9);
    check_first(S("$A$ $a$ $A$"), PGC_TOK_DOLLAR_STRING, 11); /* tags are case-sensitive */
    check_first(S("$q$ 'x $q$"), PGC_TOK_DOLLAR_STRING, 10);
    check_first(S("$\xc3\xa9$x$\xc3\xa9$"), PGC_TOK_DOLLAR_STRING, 9);
}

static void lex__dollar_digit__is_a_param(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(PARAM, 0, 2, 1, 1), T(OP, 2, 1, 1, 3), T(SPACE, 3, 1, 1, 4),
        T(PARAM, 4, 3, 1, 5), T(TYPECAST, 7, 2, 1, 8), T(IDENT, 9, 3, 1, 10),
        T(SPACE, 12, 1, 1, 13), T(OP, 13, 1, 1, 14), T(IDENT, 14, 1, 1, 15),
    };
    check_tokens(S("$1$ $12::int $a"), exp, COUNT(exp));
}

static void lex__identifier_with_dollar__is_not_a_dollar_quote(void **state)
{
    (void)state;
    check_first(S("a$$b$$ x"), PGC_TOK_IDENT, 6);
    check_first(S("abc_$1"), PGC_TOK_IDENT, 6);
    check_first(S("_x"), PGC_TOK_IDENT, 2);
}

static void lex__quoted_identifiers__double_their_quotes(void **state)
{
    (void)state;
    check_first(S("\"a\"\"b\" x"), PGC_TOK_QIDENT, 6);
    check_first(S("U&\"x\" y"), PGC_TOK_QIDENT, 5);
    check_first(S("u&\"\\0061\""), PGC_TOK_QIDENT, 9);
    check_first(S("\"\"\"\""), PGC_TOK_QIDENT, 4); /* the identifier " */
    check_first(S("\"'{{x}}'\""), PGC_TOK_QIDENT, 9);
}

static void lex__numbers(void **state)
{
    (void)state;
    check_first(S("42 "), PGC_TOK_NUMBER, 2);
    check_first(S("1_000 "), PGC_TOK_NUMBER, 5);
    check_first(S("0x1F "), PGC_TOK_NUMBER, 4);
    check_first(S("0o17 "), PGC_TOK_NUMBER, 4);
    check_first(S("0b101 "), PGC_TOK_NUMBER, 5);
    check_first(S("1.5 "), PGC_TOK_NUMBER, 3);
    check_first(S("1. "), PGC_TOK_NUMBER, 2);
    check_first(S(".5 "), PGC_TOK_NUMBER, 2);
    check_first(S("1e-3 "), PGC_TOK_NUMBER, 4);
    check_first(S("1.5E+10 "), PGC_TOK_NUMBER, 7);
    check_first(S("1e "), PGC_TOK_NUMBER, 1);
}

static void lex__number_before_dot_dot__stops(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(NUMBER, 0, 1, 1, 1), T(OP, 1, 2, 1, 2), T(NUMBER, 3, 2, 1, 4),
    };
    check_tokens(S("1..10"), exp, COUNT(exp));
}

static void lex__punctuation__is_distinguished(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1),  T(TYPECAST, 1, 2, 1, 2), T(IDENT, 3, 3, 1, 4),
        T(LBRACKET, 6, 1, 1, 7), T(NUMBER, 7, 1, 1, 8), T(RBRACKET, 8, 1, 1, 9),
        T(COMMA, 9, 1, 1, 10), T(LPAREN, 10, 1, 1, 11), T(IDENT, 11, 1, 1, 12),
        T(DOT, 12, 1, 1, 13), T(IDENT, 13, 1, 1, 14), T(RPAREN, 14, 1, 1, 15),
        T(OP, 15, 1, 1, 16), T(OP, 16, 1, 1, 17), T(OP, 17, 1, 1, 18),
        T(SEMI, 18, 1, 1, 19),
    };
    check_tokens(S("x::int[1],(a.b)<=@;"), exp, COUNT(exp));
}

static void lex__stray_bytes__are_single_byte_ops(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(OP, 0, 1, 1, 1), T(OP, 1, 1, 1, 2), T(OP, 2, 1, 1, 3), T(OP, 3, 1, 1, 4),
        T(OP, 4, 1, 1, 5), T(OP, 5, 1, 1, 6), T(OP, 6, 1, 1, 7),
    };
    check_tokens(S("\x01\x7f\\`$:}"), exp, COUNT(exp));
}

static void lex__templates__in_code_only(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 3, 1, 2),
        T(TEMPLATE, 4, 12, 2, 3), T(DOT, 16, 1, 2, 15),
        T(TEMPLATE, 17, 12, 2, 16), /* "{{ schema }}" */
        T(SPACE, 29, 1, 2, 28), T(STRING, 30, 9, 2, 29),
        T(SPACE, 39, 1, 2, 38), T(TEMPLATE, 40, 9, 2, 39), /* "{{a}b c}}" */
        T(OP, 49, 1, 2, 48),
    };
    check_tokens(S("a\n  {{tables.t}}.{{ schema }} '{{ x }}' {{a}b c}}}"), exp,
                 COUNT(exp));
}

static void lex__keyword_compare__ignores_case_of_idents_only(void **state)
{
    (void)state;
    const char *src = "BeGiN \"begin\" beginx";
    pgc_lexer lx;
    pgc_token t[5];
    pgc_lexer_init(&lx, src, strlen(src));
    for (int i = 0; i < 5; i++)
        pgc_lex(&lx, &t[i]);
    assert_true(pgc_tok_is_keyword(src, &t[0], "begin"));
    assert_true(pgc_tok_is_keyword(src, &t[0], "BEGIN"));
    assert_false(pgc_tok_is_keyword(src, &t[0], "begi"));
    assert_false(pgc_tok_is_keyword(src, &t[2], "begin")); /* quoted */
    assert_false(pgc_tok_is_keyword(src, &t[4], "begin"));
}

static void lex__names__exist_for_every_kind_and_error(void **state)
{
    (void)state;
    assert_string_equal(pgc_tok_name(PGC_TOK_EOF), "EOF");
    assert_string_equal(pgc_tok_name(PGC_TOK_DOLLAR_STRING), "DOLLAR_STRING");
    assert_string_equal(pgc_tok_name(PGC_TOK_ERROR), "ERROR");
    for (int k = PGC_TOK_EOF; k <= PGC_TOK_ERROR; k++) {
        const char *name = pgc_tok_name((pgc_tok)k);
        assert_non_null(name);
        assert_string_not_equal(name, "UNKNOWN");
        for (int j = PGC_TOK_EOF; j < k; j++)
            assert_string_not_equal(pgc_tok_name((pgc_tok)j), name);
    }
    assert_string_equal(pgc_lex_error_message(PGC_LEX_UNTERMINATED_STRING),
                        "unterminated quoted string");
    for (int e = PGC_LEX_OK; e <= PGC_LEX_NUL_BYTE; e++) {
        const char *msg = pgc_lex_error_message((pgc_lex_error)e);
        assert_string_not_equal(msg, "unknown lexer error");
        for (int j = PGC_LEX_OK; j < e; j++)
            assert_string_not_equal(pgc_lex_error_message((pgc_lex_error)j), msg);
    }
}

/* ------------------------------------------------------------------ */
/* Lexer: errors                                                        */
/* ------------------------------------------------------------------ */

static void lex__unterminated_string__is_reported_at_its_quote(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 6, 1, 1), T(SPACE, 6, 1, 1, 7),
        E(UNTERMINATED_STRING, 7, 4, 1, 8),
    };
    check_tokens(S("select 'abc"), exp, COUNT(exp));
}

static void lex__unterminated_doubled_quote__is_unterminated(void **state)
{
    (void)state;
    static const exp_tok exp[] = { E(UNTERMINATED_STRING, 0, 6, 1, 1) };
    check_tokens(S("'abc''"), exp, COUNT(exp));
}

static void lex__unterminated_e_string__after_escaped_quote(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 3, 1, 2),
        E(UNTERMINATED_STRING, 4, 5, 2, 3), /* E'a\' */
    };
    check_tokens(S("x\n  E'a\\'"), exp, COUNT(exp));
}

static void lex__unterminated_e_string__ending_in_backslash(void **state)
{
    (void)state;
    static const exp_tok exp[] = { E(UNTERMINATED_STRING, 0, 4, 1, 1) };
    check_tokens(S("e'a\\"), exp, COUNT(exp));
}

static void lex__unterminated_prefixed_strings(void **state)
{
    (void)state;
    static const exp_tok b[] = { E(UNTERMINATED_STRING, 0, 4, 1, 1) };
    check_tokens(S("B'01"), b, COUNT(b));
    static const exp_tok u[] = { E(UNTERMINATED_STRING, 0, 4, 1, 1) };
    check_tokens(S("U&'x"), u, COUNT(u));
}

static void lex__unterminated_quoted_identifier(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 1, 1, 2),
        E(UNTERMINATED_QIDENT, 2, 4, 1, 3),
    };
    check_tokens(S("a \"b\"\""), exp, COUNT(exp));
}

static void lex__empty_quoted_identifier__is_an_error(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 1, 1, 2), E(EMPTY_QIDENT, 2, 2, 1, 3),
        T(SPACE, 4, 1, 1, 5), E(EMPTY_QIDENT, 5, 4, 1, 6),
    };
    check_tokens(S("a \"\" U&\"\""), exp, COUNT(exp));
}

static void lex__unterminated_dollar_quote(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(IDENT, 0, 2, 1, 1), T(SPACE, 2, 1, 1, 3),
        E(UNTERMINATED_DOLLAR, 3, 13, 1, 4), /* "$x$ abc $y$ $" */
    };
    check_tokens(S("DO $x$ abc $y$ $"), exp, COUNT(exp));
}

static void lex__unterminated_nested_comment(void **state)
{
    (void)state;
    static const exp_tok exp[] = {
        T(SPACE, 0, 1, 1, 1), E(UNTERMINATED_COMMENT, 1, 13, 2, 1),
    };
    check_tokens(S("\n/* a /* b */\n"), exp, COUNT(exp));
}

static void lex__unterminated_template__at_newline_or_end(void **state)
{
    (void)state;
    static const exp_tok nl[] = {
        E(UNTERMINATED_TEMPLATE, 0, 10, 1, 1), T(SPACE, 10, 1, 1, 11),
        T(OP, 11, 1, 2, 1), T(OP, 12, 1, 2, 2),
    };
    check_tokens(S("{{tables.t\n}}"), nl, COUNT(nl));
    static const exp_tok end[] = {
        T(IDENT, 0, 1, 1, 1), E(UNTERMINATED_TEMPLATE, 1, 11, 1, 2),
    };
    check_tokens(S("a{{tables.t}"), end, COUNT(end));
}

static void lex__nul_byte__is_an_error_wherever_it_is(void **state)
{
    (void)state;
    static const exp_tok code[] = {
        T(IDENT, 0, 2, 1, 1), E(NUL_BYTE, 2, 1, 1, 3), T(IDENT, 3, 2, 1, 4),
    };
    check_tokens(S("ab\0cd"), code, COUNT(code));
    static const exp_tok str[] = {
        T(IDENT, 0, 1, 1, 1), T(SPACE, 1, 1, 1, 2), E(NUL_BYTE, 4, 1, 1, 5),
        T(IDENT, 5, 1, 1, 6), E(UNTERMINATED_STRING, 6, 1, 1, 7),
    };
    check_tokens(S("x 'a\0c'"), str, COUNT(str));
    static const exp_tok estr[] = {
        E(NUL_BYTE, 3, 1, 1, 4), E(UNTERMINATED_STRING, 4, 1, 1, 5),
    };
    check_tokens(S("E'\\\0'"), estr, COUNT(estr)); /* E'\<NUL>' */
    static const exp_tok comment[] = {
        E(NUL_BYTE, 4, 1, 2, 2), T(SPACE, 5, 1, 2, 3), T(OP, 6, 1, 2, 4),
        T(OP, 7, 1, 2, 5),
    };
    check_tokens(S("/*\n \0 */"), comment, COUNT(comment));
    static const exp_tok line[] = { T(COMMENT, 0, 4, 1, 1), E(NUL_BYTE, 4, 1, 1, 5) };
    check_tokens(S("-- a\0"), line, COUNT(line));
    static const exp_tok dollar[] = {
        E(NUL_BYTE, 2, 1, 1, 3), E(UNTERMINATED_DOLLAR, 3, 2, 1, 4),
    };
    check_tokens(S("$$\0$$"), dollar, COUNT(dollar));
    static const exp_tok qident[] = {
        E(NUL_BYTE, 2, 1, 1, 3), E(UNTERMINATED_QIDENT, 3, 1, 1, 4),
    };
    check_tokens(S("\"a\0\""), qident, COUNT(qident));
    static const exp_tok tmpl[] = {
        E(NUL_BYTE, 3, 1, 1, 4), T(OP, 4, 1, 1, 5), T(OP, 5, 1, 1, 6),
    };
    check_tokens(S("{{a\0}}"), tmpl, COUNT(tmpl));
}

static void lex__input_without_terminator__is_not_read_past_its_end(void **state)
{
    (void)state;
    /* the lengths cut each construct short of its closing delimiter */
    static const exp_tok s[] = { E(UNTERMINATED_STRING, 0, 3, 1, 1) };
    check_tokens("'ab'", 3, s, COUNT(s));
    static const exp_tok d[] = { E(UNTERMINATED_DOLLAR, 0, 4, 1, 1) };
    check_tokens("$$a$$", 4, d, COUNT(d));
    static const exp_tok c[] = { E(UNTERMINATED_COMMENT, 0, 3, 1, 1) };
    check_tokens("/* */", 3, c, COUNT(c));
    static const exp_tok t[] = { E(UNTERMINATED_TEMPLATE, 0, 4, 1, 1) };
    check_tokens("{{x}}", 4, t, COUNT(t));
    static const exp_tok w[] = { T(IDENT, 0, 2, 1, 1) };
    check_tokens("abc", 2, w, COUNT(w));
}

/* ------------------------------------------------------------------ */
/* Rendering                                                            */
/* ------------------------------------------------------------------ */

static void render__tables__with_and_without_schema(void **state)
{
    (void)state;
    assert_renders("SELECT * FROM {{tables.users}} u", "app",
                   "SELECT * FROM \"app\".users u");
    assert_renders("SELECT * FROM {{tables.users}} u", NULL,
                   "SELECT * FROM users u");
    assert_renders("{{tables.Users_2$}}", "App", "\"App\".Users_2$");
}

static void render__tables_with_own_schema__ignores_db_schema(void **state)
{
    (void)state;
    assert_renders("{{tables.audit.log}}", "app", "\"audit\".log");
    assert_renders("{{tables.audit.log}}", NULL, "\"audit\".log");
    assert_renders("{{tables.\xc3\xa9t\xc3\xa9.t}}", NULL, "\"\xc3\xa9t\xc3\xa9\".t");
}

static void render__schema__with_and_without_schema(void **state)
{
    (void)state;
    assert_renders("CREATE SCHEMA IF NOT EXISTS {{schema}};", "app",
                   "CREATE SCHEMA IF NOT EXISTS \"app\";");
    assert_renders("SET search_path = {{schema}}", NULL,
                   "SET search_path = \"public\"");
}

static void render__spaces_in_braces__are_accepted(void **state)
{
    (void)state;
    assert_renders("{{ tables.users }}|{{\tschema  }}", "s", "\"s\".users|\"s\"");
}

static void render__utf8_schema__is_quoted_as_is(void **state)
{
    (void)state;
    assert_renders("{{tables.t}}", "\xc3\xbcn\xc3\xaf" "code_1$",
                   "\"\xc3\xbcn\xc3\xaf" "code_1$\".t");
}

static void render__text_without_templates__is_copied(void **state)
{
    (void)state;
    assert_renders("", "app", "");
    assert_renders("SELECT 1; -- done\n", "app", "SELECT 1; -- done\n");
}

/* Each of these holds templates only where they are not code. */
static const char *const untouched[] = {
    "SELECT '{{tables.a}}', '{{schema}}' AS \"x\"",
    "SELECT E'{{tables.b}}\\'{{schema}}\\\\', e'\\'{{tables.c}}'",
    "SELECT N'{{tables.d}}', U&'{{schema}}', B'{{x}}', X'{{y}}'",
    "DO $$ BEGIN PERFORM '{{tables.e}}'; END $$",
    "CREATE FUNCTION f() RETURNS text AS $fn$ SELECT '{{tables.f}}' $$ $fn$ LANGUAGE sql",
    "SELECT 1 AS \"{{tables.g}}\", 2 AS U&\"{{schema}}\", 3 AS \"a\"\"{{schema}}\"",
    "SELECT 1 -- {{tables.h}} {{schema}}\n",
    "SELECT /* {{tables.i}} /* {{schema}} */ {{tables.j}} */ 1",
    "SELECT '{{tables.k' || '}}'",
};

static void render__string_literal__is_untouched(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(untouched); i++) {
        assert_renders(untouched[i], "app", untouched[i]);
        assert_renders(untouched[i], NULL, untouched[i]);
    }
}

static void render__mixed_code_and_literals__replaces_code_only(void **state)
{
    (void)state;
    assert_renders(
        "INSERT INTO {{tables.t}} VALUES ('{{tables.t}}', $q${{schema}}$q$) "
        "/* {{schema}} */ RETURNING (SELECT 1 FROM {{tables.x.u}}) -- {{x}}",
        "app",
        "INSERT INTO \"app\".t VALUES ('{{tables.t}}', $q${{schema}}$q$) "
        "/* {{schema}} */ RETURNING (SELECT 1 FROM \"x\".u) -- {{x}}");
}

static void render__hostile_schema__is_refused(void **state)
{
    (void)state;
    char name[128];
    assert_render_fails("SELECT 1", "a\"b", PGC_EIDENT, 0, 0,
                        "schema name \"a\\\"b\" is not a valid identifier: "
                        "character \"\\x22\" is not allowed (letters, digits, "
                        "\"_\" and \"$\" are)");
    assert_render_fails("SELECT 1", "x; DROP TABLE t", PGC_EIDENT, 0, 0,
                        "schema name \"x; DROP TABLE t\" is not a valid "
                        "identifier: character \";\" is not allowed (letters, "
                        "digits, \"_\" and \"$\" are)");
    assert_render_fails("SELECT 1", repeat(name, 'a', 64), PGC_EIDENT, 0, 0,
                        NULL);
    assert_render_fails("SELECT 1", "", PGC_EIDENT, 0, 0,
                        "schema name \"\" is not a valid identifier: it is empty");
    assert_render_fails("SELECT 1", "a\xc3", PGC_EIDENT, 0, 0,
                        "schema name \"a\\xC3\" is not a valid identifier: it "
                        "is not valid UTF-8");
    assert_render_fails("SELECT 1", "1abc", PGC_EIDENT, 0, 0,
                        "schema name \"1abc\" is not a valid identifier: it "
                        "begins with \"1\"; it must begin with a letter or \"_\"");
    assert_render_fails("SELECT 1", "a b", PGC_EIDENT, 0, 0, NULL);
    assert_render_fails("SELECT 1", "a.b", PGC_EIDENT, 0, 0, NULL);
    assert_render_fails("SELECT 1", "a\nb", PGC_EIDENT, 0, 0, NULL);
    assert_render_fails("SELECT 1", "\xc0\xaf", PGC_EIDENT, 0, 0, NULL);     /* overlong */
    assert_render_fails("SELECT 1", "\xed\xa0\x80", PGC_EIDENT, 0, 0, NULL); /* surrogate */
    assert_render_fails("SELECT 1", "\xf4\x90\x80\x80", PGC_EIDENT, 0, 0, NULL);
}

static void render__schema_of_63_bytes__is_accepted_64_refused(void **state)
{
    (void)state;
    char name[128], sql[128], expected[160];
    repeat(name, 's', 63);
    strcpy(sql, "{{schema}}");
    strcpy(expected, "\"");
    strcat(expected, name);
    strcat(expected, "\"");
    assert_renders(sql, name, expected);

    pgc_error err = {0};
    char *out = NULL;
    repeat(name, 's', 64);
    assert_int_equal(pgc_render(sql, name, &out, &err), PGC_EIDENT);
    assert_null(out);
    assert_non_null(strstr(err.message, "it is 64 bytes long; the limit is 63"));
    assert_non_null(strstr(err.message, name)); /* the name is shown whole */
}

static void render__unknown_template__is_refused_with_position(void **state)
{
    (void)state;
    assert_render_fails("SELECT 1;\n  -- c\n  SELECT * FROM {{tables}}", "app",
                        PGC_ETEMPLATE, 3, 17,
                        "line 3, column 17: unknown template \"{{tables}}\"; "
                        "expected {{schema}}, {{tables.NAME}} or "
                        "{{tables.SCHEMA.NAME}}");
    assert_render_fails("SELECT {{table.t}}", NULL, PGC_ETEMPLATE, 1, 8, NULL);
    assert_render_fails("SELECT {{tables.a.b.c}}", NULL, PGC_ETEMPLATE, 1, 8, NULL);
    assert_render_fails("SELECT {{}}", NULL, PGC_ETEMPLATE, 1, 8, NULL);
    assert_render_fails("SELECT {{Schema}}", NULL, PGC_ETEMPLATE, 1, 8, NULL);
    assert_render_fails("'\xc3\xa9' {{x}}", NULL, PGC_ETEMPLATE, 1, 5, NULL);
}

static void render__bad_table_name__is_refused_with_position(void **state)
{
    (void)state;
    char sql[160], table[80];
    assert_render_fails("\n\tSELECT * FROM {{tables.1t}}", "app", PGC_EIDENT, 2, 16,
                        "line 2, column 16: table name \"1t\" in template "
                        "\"{{tables.1t}}\" is not a valid identifier: it begins "
                        "with \"1\"; it must begin with a letter or \"_\"");
    assert_render_fails("{{tables.t-x}}", NULL, PGC_EIDENT, 1, 1,
                        "line 1, column 1: table name \"t-x\" in template "
                        "\"{{tables.t-x}}\" is not a valid identifier: character "
                        "\"-\" is not allowed (letters, digits, \"_\" and \"$\" are)");
    assert_render_fails("{{tables.}}", NULL, PGC_EIDENT, 1, 1, NULL);
    assert_render_fails("{{tables.\"T\"}}", NULL, PGC_EIDENT, 1, 1, NULL);
    assert_render_fails("{{tables.\xc3\xa9}}", NULL, PGC_EIDENT, 1, 1, NULL);
    assert_render_fails("{{tables. t}}", NULL, PGC_EIDENT, 1, 1, NULL);
    assert_render_fails("{{tables.s\"x.t}}", NULL, PGC_EIDENT, 1, 1,
                        "line 1, column 1: schema name \"s\\\"x\" in template "
                        "\"{{tables.s\\\"x.t}}\" is not a valid identifier: "
                        "character \"\\x22\" is not allowed (letters, digits, "
                        "\"_\" and \"$\" are)");
    assert_render_fails("{{tables..t}}", NULL, PGC_EIDENT, 1, 1,
                        "line 1, column 1: schema name \"\" in template "
                        "\"{{tables..t}}\" is not a valid identifier: it is empty");

    repeat(table, 't', 63);
    snprintf(sql, sizeof sql, "{{tables.%s}}", table);
    assert_renders(sql, NULL, table);
    repeat(table, 't', 64);
    snprintf(sql, sizeof sql, "{{tables.%s}}", table);
    assert_render_fails(sql, NULL, PGC_EIDENT, 1, 1, NULL);
}

static void render__lexer_error__is_a_syntax_error_with_position(void **state)
{
    (void)state;
    assert_render_fails("SELECT 1;\nSELECT 'oops", "app", PGC_ESYNTAX, 2, 8,
                        "line 2, column 8: unterminated quoted string");
    assert_render_fails("SELECT {{tables.t", "app", PGC_ESYNTAX, 1, 8, NULL);
    assert_render_fails("SELECT \"\"", "app", PGC_ESYNTAX, 1, 8, NULL);
}

static void render__nul_byte__is_a_syntax_error(void **state)
{
    (void)state;
    char *out = (char *)"x";
    pgc_error err = {0};
    assert_int_equal(pgc_render_ex(S("a\0b"), NULL, &out, NULL, NULL, &err),
                     PGC_ESYNTAX);
    assert_null(out);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 2);
    assert_string_equal(err.message, "line 1, column 2: NUL byte in SQL text");
}

static void render__null_arguments__are_invalid(void **state)
{
    (void)state;
    char *out = NULL;
    pgc_error err = {0};
    assert_int_equal(pgc_render(NULL, "app", &out, &err), PGC_EINVAL);
    assert_int_equal(pgc_render("SELECT 1", "app", NULL, &err), PGC_EINVAL);
    assert_int_equal(pgc_render("SELECT {{x}}", "app", &out, NULL), PGC_ETEMPLATE);
    assert_null(out);
}

static void render__check_identifier__names_what_it_checks(void **state)
{
    (void)state;
    pgc_error err = {0};
    assert_int_equal(pgc_check_identifier("app", "schema", &err), PGC_OK);
    assert_int_equal(pgc_check_identifier("_x$1", "schema", &err), PGC_OK);
    assert_int_equal(pgc_check_identifier("\xc3\x9c" "ber", "schema", &err), PGC_OK);
    assert_int_equal(err.code, PGC_OK); /* left alone on success */
    assert_int_equal(pgc_check_identifier("$x", "tenant schema", &err), PGC_EIDENT);
    assert_string_equal(err.message, "tenant schema \"$x\" is not a valid identifier: "
                        "it begins with \"$\"; it must begin with a letter or \"_\"");
    assert_int_equal(pgc_check_identifier("a\\b", NULL, &err), PGC_EIDENT);
    assert_string_equal(err.message, "identifier \"a\\\\b\" is not a valid identifier: "
                        "character \"\\x5C\" is not allowed (letters, digits, \"_\" "
                        "and \"$\" are)");
    assert_int_equal(pgc_check_identifier(NULL, "schema", &err), PGC_EINVAL);
}

static void render__map__points_back_into_the_source(void **state)
{
    (void)state;
    /* source:   "SELECT " 0..7, "{{tables.t}}" 7..19, " WHERE x = " 19..30,
     *           "{{schema}}" 30..40, ".f" 40..42
     * rendered: "SELECT " 0..7, "\"ab\".t" 7..13, " WHERE x = " 13..24,
     *           "\"ab\"" 24..28, ".f" 28..30 */
    const char *sql = "SELECT {{tables.t}} WHERE x = {{schema}}.f";
    char *out = NULL;
    size_t out_len = 0;
    pgc_render_map map;
    pgc_error err = {0};
    assert_int_equal(pgc_render_ex(sql, strlen(sql), "ab", &out, &out_len, &map, &err),
                     PGC_OK);
    assert_string_equal(out, "SELECT \"ab\".t WHERE x = \"ab\".f");
    assert_int_equal(out_len, 30);
    assert_int_equal(map.n, 2);
    assert_int_equal(map.seg[0].out_off, 7);
    assert_int_equal(map.seg[0].out_len, 6);
    assert_int_equal(map.seg[0].src_off, 7);
    assert_int_equal(map.seg[0].src_len, 12);
    assert_int_equal(map.seg[1].out_off, 24);
    assert_int_equal(map.seg[1].out_len, 4);
    assert_int_equal(map.seg[1].src_off, 30);
    assert_int_equal(map.seg[1].src_len, 10);

    static const size_t pairs[][2] = {
        {0, 0}, {6, 6}, {7, 7}, {12, 7}, {13, 19}, {20, 26}, {23, 29},
        {24, 30}, {27, 30}, {28, 40}, {29, 41}, {30, 42},
    };
    for (size_t i = 0; i < COUNT(pairs); i++)
        assert_int_equal(pgc_render_map_source(&map, pairs[i][0]), pairs[i][1]);
    assert_int_equal(pgc_render_map_source(NULL, 17), 17);

    pgc_render_map_free(&map);
    assert_int_equal(map.n, 0);
    assert_null(map.seg);
    pgc_render_map_free(&map); /* twice is harmless */
    pgc_render_map_free(NULL);
    free(out);
}

static void render__map__without_templates_is_empty(void **state)
{
    (void)state;
    char *out = NULL;
    pgc_render_map map = {5, NULL};
    assert_int_equal(pgc_render_ex(S("SELECT 1"), "a", &out, NULL, &map, NULL), PGC_OK);
    assert_int_equal(map.n, 0);
    assert_int_equal(pgc_render_map_source(&map, 3), 3);
    pgc_render_map_free(&map);
    free(out);
}

static void render__server_position__maps_to_source_line_and_column(void **state)
{
    (void)state;
    /* The server counts characters in the rendered text.  "bogus"
     * follows "\n" and 7 + 7 + 2 + 3 + 2 characters: it is character 23
     * (1-based), byte 1 + 7 + 7 + 2 + 4 + 2 = 23 of the rendered text, byte
     * 1 + 7 + 12 + 2 + 4 + 2 = 28 of the source, on line 2 at column
     * 7 + 12 + 2 + 3 + 2 + 1 = 27. */
    const char *sql = "\nSELECT {{tables.t}}, '\xc3\xa9', bogus";
    char *out = NULL;
    pgc_render_map map;
    assert_int_equal(pgc_render_ex(sql, strlen(sql), "sch", &out, NULL, &map, NULL),
                     PGC_OK);
    size_t rendered = pgc_char_to_byte_offset(out, strlen(out), 23);
    assert_int_equal(rendered, 23);
    size_t src = pgc_render_map_source(&map, rendered);
    assert_int_equal(src, 28);
    assert_memory_equal(sql + src, "bogus", 5);
    int line = 0, col = 0;
    pgc_text_position(sql, strlen(sql), src, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 27);
    pgc_render_map_free(&map);
    free(out);
}

/* ------------------------------------------------------------------ */
/* Positions                                                            */
/* ------------------------------------------------------------------ */

static void position__text_position__counts_lines_and_characters(void **state)
{
    (void)state;
    const char *s = "ab\ncd\xc3\xa9\nf"; /* bytes: a b \n c d c3 a9 \n f */
    static const struct { size_t off; int line, col; } exp[] = {
        {0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 2, 4},
        {8, 3, 1}, {9, 3, 2}, {100, 3, 2},
    };
    for (size_t i = 0; i < COUNT(exp); i++) {
        int line = 0, col = 0;
        pgc_text_position(s, strlen(s), exp[i].off, &line, &col);
        assert_int_equal(line, exp[i].line);
        assert_int_equal(col, exp[i].col);
    }
    int line = 0;
    pgc_text_position(s, strlen(s), 4, &line, NULL);
    assert_int_equal(line, 2);
}

static void position__char_to_byte_offset__counts_utf8_characters(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe2\x82\xac" "b"; /* a(0) é(1) €(3) b(6) */
    size_t n = strlen(s);
    assert_int_equal(n, 7);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 1), 0);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 2), 1);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 3), 3);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 4), 6);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 5), 7);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 99), 7);
    assert_int_equal(pgc_char_to_byte_offset(s, n, 0), 0);
    assert_int_equal(pgc_char_to_byte_offset(s, n, -3), 0);
}

/* ------------------------------------------------------------------ */
/* Statement splitting                                                  */
/* ------------------------------------------------------------------ */

static void split__semicolons__end_statements(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 8, 1, 1}, {10, 8, 1, 11} };
    check_spans(S("SELECT 1; SELECT 2;\n"), exp, COUNT(exp));
}

static void split__last_statement__needs_no_semicolon(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 8, 1, 1}, {10, 8, 2, 1} };
    check_spans(S("SELECT 1;\nSELECT 2"), exp, COUNT(exp));
}

static void split__empty_statements__are_dropped(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {20, 8, 2, 13} };
    check_spans(S(";; -- c\n ; /* x */ ;SELECT 1;;"), exp, COUNT(exp));
    check_spans(S(""), NULL, 0);
    check_spans(S("  -- only a comment\n/* and another */\n"), NULL, 0);
}

static void split__comments_around_statement__are_left_out(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {10, 22, 2, 1} };
    check_spans(S("-- header\nCREATE TABLE t (a int); -- trailing\n"), exp, COUNT(exp));
}

static void split__semicolons_in_literals_and_parens__do_not_split(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 31, 1, 1}, {47, 12, 2, 3} };
    check_spans(S("SELECT ';', \";\", $$;$$, $q$;$q$ /* ; */ -- ;\n; SELECT (1;2)"),
                exp, COUNT(exp));
}

static void split__unbalanced_close_paren__does_not_block_splitting(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 9, 1, 1}, {11, 8, 1, 12} };
    check_spans(S("SELECT 1); SELECT 2"), exp, COUNT(exp));
}

static void split__do_block_in_dollar_quotes__is_one_statement(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 31, 1, 1}, {33, 8, 6, 1} };
    check_spans(S("DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\nSELECT 1;"), exp, COUNT(exp));
}

static void split__begin_atomic_body__is_one_statement(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 116, 1, 1}, {118, 8, 6, 1} };
    check_spans(S("CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
                  "BEGIN ATOMIC\n"
                  "  SELECT 1;\n"
                  "  SELECT CASE WHEN true THEN 1 ELSE 2 END;\n"
                  "END;\n"
                  "SELECT 2;"),
                exp, COUNT(exp));
}

static void split__begin_atomic__in_create_or_replace_procedure(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 74, 1, 1}, {76, 8, 1, 77} };
    check_spans(S("create or replace procedure p() begin atomic insert into t "
                  "values (1); end; select 1"),
                exp, COUNT(exp));
}

static void split__begin_outside_routine__is_its_own_statement(void **state)
{
    (void)state;
    static const pgc_span exp[] = { {0, 5, 1, 1}, {7, 8, 1, 8}, {17, 6, 1, 18} };
    check_spans(S("BEGIN; SELECT 1; COMMIT;"), exp, COUNT(exp));
    /* BEGIN not followed by ATOMIC opens no block, even in a routine */
    static const pgc_span r[] = { {0, 60, 1, 1}, {62, 8, 1, 63} };
    check_spans(S("CREATE FUNCTION f() RETURNS begin LANGUAGE sql AS 'select 1'; SELECT 2"),
                r, COUNT(r));
}

static void split__lexer_error__is_a_syntax_error_with_position(void **state)
{
    (void)state;
    pgc_span dummy, *spans = &dummy;
    size_t n = 7;
    pgc_error err = {0};
    assert_int_equal(pgc_split_statements(S("SELECT 1;\nSELECT $$x"), &spans, &n, &err),
                     PGC_ESYNTAX);
    assert_null(spans);
    assert_int_equal(n, 0);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 8);
    assert_string_equal(err.message,
                        "line 2, column 8: unterminated dollar-quoted string");
}

/* ------------------------------------------------------------------ */
/* Transaction control                                                  */
/* ------------------------------------------------------------------ */

static void txctl__statements_that_end_or_start_transactions__are_found(void **state)
{
    (void)state;
    static const struct { const char *sql; size_t off; } yes[] = {
        {"BEGIN;", 0},
        {"CREATE TABLE t (a int);\nbegin transaction;", 24},
        {"start transaction isolation level serializable", 0},
        {"SELECT 1; COMMIT", 10},
        {"commit prepared 'x'", 0},
        {"INSERT INTO t VALUES (1);\nEND;", 26},
        {"rollback", 0},
        {"ROLLBACK PREPARED 'gid'", 0},
        {"Abort;", 0},
        {"PREPARE TRANSACTION 'gid'", 0},
        {"-- c\n  Commit;", 7},
        {"SELECT '{{x}}';;; /* c */ begin work", 26},
        {"ROLLBACK AND CHAIN", 0},
    };
    for (size_t i = 0; i < COUNT(yes); i++) {
        size_t off;
        int r = txctl(yes[i].sql, &off);
        if (r != 1 || off != yes[i].off)
            fail_msg("[%s]: got %d at %zu, expected 1 at %zu", yes[i].sql, r, off,
                     yes[i].off);
    }
}

static void txctl__bodies_strings_and_comments__are_not_matched(void **state)
{
    (void)state;
    static const char *const no[] = {
        "",
        "DO $$ BEGIN PERFORM 1; COMMIT; END $$;",
        "DO $do$\nBEGIN\n  ROLLBACK;\nEND\n$do$;",
        "CREATE FUNCTION f() RETURNS void AS $fn$ BEGIN COMMIT; END $fn$ LANGUAGE plpgsql;",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
        "create or replace procedure p() begin atomic select case when x then 1 end; end",
        "SELECT 'BEGIN'; -- COMMIT\n/* ROLLBACK; END */ SELECT \"end\";",
        "PREPARE q AS SELECT 1; EXECUTE q;",
        "SAVEPOINT a; ROLLBACK TO SAVEPOINT a; ROLLBACK WORK TO a; RELEASE a;",
        "SELECT 1 AS begin; CREATE TABLE commit (x int)",
        "begin_date; committed; \"BEGIN\"",
        "START something",
    };
    for (size_t i = 0; i < COUNT(no); i++) {
        size_t off;
        int r = txctl(no[i], &off);
        if (r != 0)
            fail_msg("[%s]: got %d at %zu, expected 0", no[i], r, off);
        assert_int_equal(off, 12345); /* untouched */
    }
}

static void txctl__lexer_error__is_minus_one(void **state)
{
    (void)state;
    size_t off;
    assert_int_equal(txctl("SELECT 'x", &off), -1);
    /* the search stops at the first match, or at the first error */
    assert_int_equal(pgc_find_transaction_control(S("BEGIN;\0"), NULL), 1);
    assert_int_equal(pgc_find_transaction_control(S("BEGIN\0"), NULL), -1);
    assert_int_equal(pgc_find_transaction_control(S("SELECT\0; BEGIN"), NULL), -1);
}

/* ------------------------------------------------------------------ */
/* No-transaction directives                                            */
/* ------------------------------------------------------------------ */

static void directive__no_transaction__is_found_in_comments(void **state)
{
    (void)state;
    assert_int_equal(no_tx("-- pgc:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"), 1);
    assert_int_equal(no_tx("--pgc:no-transaction"), 1);
    assert_int_equal(no_tx("-- PGC:No-Transaction  \nSELECT 1;"), 1);
    assert_int_equal(no_tx("/* a header */\n\n-- a note\n-- pgc:no-transaction\nSELECT 1;"), 1);
    assert_int_equal(no_tx("-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;"), 1);
    assert_int_equal(no_tx("--   +goose no transaction"), 1);
    assert_int_equal(no_tx("-- migrate:up transaction:false\nSELECT 1;"), 1);
    assert_int_equal(no_tx("-- +migrate Up notransaction\nSELECT 1;"), 1);
    assert_int_equal(no_tx("-- +migrate Up\tnotransaction"), 1);
}

static void directive__no_transaction__is_ignored_outside_line_comments(void **state)
{
    (void)state;
    assert_int_equal(no_tx(""), 0);
    assert_int_equal(no_tx("SELECT '-- pgc:no-transaction';"), 0);
    assert_int_equal(no_tx("SELECT \"-- pgc:no-transaction\";"), 0);
    assert_int_equal(no_tx("DO $$\n-- pgc:no-transaction\n$$;"), 0);
    assert_int_equal(no_tx("/* pgc:no-transaction */"), 0);
    assert_int_equal(no_tx("-- pgc:no-transaction please"), 0);
    assert_int_equal(no_tx("-- +goose NO TRANSACTIONS"), 0);
    assert_int_equal(no_tx("-- +goose Up"), 0);
    assert_int_equal(no_tx("-- migrate:up"), 0);
    assert_int_equal(no_tx("-- migrate:down transaction:false"), 0);
    assert_int_equal(no_tx("-- +migrate Down notransaction"), 0);
    assert_int_equal(no_tx("-- pgc:transaction"), 0);
    assert_int_equal(no_tx("SELECT 'x\n-- pgc:no-transaction"), 0); /* in an unterminated string */
    /* only the leading comments count */
    assert_int_equal(no_tx("SELECT 1; -- pgc:no-transaction"), 0);
    assert_int_equal(no_tx("SELECT 1;\n-- pgc:no-transaction\nSELECT 2;"), 0);
    assert_int_equal(no_tx(";\n-- pgc:no-transaction\n"), 0);
}

static void savepoint_control__is_found_outside_code_bodies(void **state)
{
    (void)state;
    size_t at = 99;
    assert_int_equal(pgc_find_savepoint_control(S("SELECT 1;\n  SAVEPOINT s;"), &at), 1);
    assert_int_equal(at, 12);
    assert_int_equal(pgc_find_savepoint_control(S("release s"), &at), 1);
    assert_int_equal(at, 0);
    assert_int_equal(pgc_find_savepoint_control(S("ROLLBACK TO s"), NULL), 1);
    assert_int_equal(pgc_find_savepoint_control(S("ROLLBACK WORK TO SAVEPOINT s"), NULL), 1);
    assert_int_equal(pgc_find_savepoint_control(S("ROLLBACK TRANSACTION TO s"), NULL), 1);
    assert_int_equal(pgc_find_savepoint_control(S("ROLLBACK; COMMIT; BEGIN"), NULL), 0);
    assert_int_equal(pgc_find_savepoint_control(S("DO $$BEGIN SAVEPOINT s; END$$;"), NULL), 0);
    assert_int_equal(pgc_find_savepoint_control(S("SELECT 'SAVEPOINT s'"), NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lex__empty_input__is_eof),
        cmocka_unit_test(lex__words_and_spaces__have_lines_and_columns),
        cmocka_unit_test(lex__every_space_char__is_space),
        cmocka_unit_test(lex__line_comment__stops_before_newline),
        cmocka_unit_test(lex__line_comment__starts_inside_operator_run),
        cmocka_unit_test(lex__block_comment__nests),
        cmocka_unit_test(lex__block_comment__spans_lines),
        cmocka_unit_test(lex__string_forms__are_one_token),
        cmocka_unit_test(lex__b_and_x_strings__do_not_double_quotes),
        cmocka_unit_test(lex__string__spans_lines),
        cmocka_unit_test(lex__columns__count_utf8_characters),
        cmocka_unit_test(lex__dollar_quotes__match_their_tag),
        cmocka_unit_test(lex__dollar_digit__is_a_param),
        cmocka_unit_test(lex__identifier_with_dollar__is_not_a_dollar_quote),
        cmocka_unit_test(lex__quoted_identifiers__double_their_quotes),
        cmocka_unit_test(lex__numbers),
        cmocka_unit_test(lex__number_before_dot_dot__stops),
        cmocka_unit_test(lex__punctuation__is_distinguished),
        cmocka_unit_test(lex__stray_bytes__are_single_byte_ops),
        cmocka_unit_test(lex__templates__in_code_only),
        cmocka_unit_test(lex__keyword_compare__ignores_case_of_idents_only),
        cmocka_unit_test(lex__names__exist_for_every_kind_and_error),
        cmocka_unit_test(lex__unterminated_string__is_reported_at_its_quote),
        cmocka_unit_test(lex__unterminated_doubled_quote__is_unterminated),
        cmocka_unit_test(lex__unterminated_e_string__after_escaped_quote),
        cmocka_unit_test(lex__unterminated_e_string__ending_in_backslash),
        cmocka_unit_test(lex__unterminated_prefixed_strings),
        cmocka_unit_test(lex__unterminated_quoted_identifier),
        cmocka_unit_test(lex__empty_quoted_identifier__is_an_error),
        cmocka_unit_test(lex__unterminated_dollar_quote),
        cmocka_unit_test(lex__unterminated_nested_comment),
        cmocka_unit_test(lex__unterminated_template__at_newline_or_end),
        cmocka_unit_test(lex__nul_byte__is_an_error_wherever_it_is),
        cmocka_unit_test(lex__input_without_terminator__is_not_read_past_its_end),
        cmocka_unit_test(render__tables__with_and_without_schema),
        cmocka_unit_test(render__tables_with_own_schema__ignores_db_schema),
        cmocka_unit_test(render__schema__with_and_without_schema),
        cmocka_unit_test(render__spaces_in_braces__are_accepted),
        cmocka_unit_test(render__utf8_schema__is_quoted_as_is),
        cmocka_unit_test(render__text_without_templates__is_copied),
        cmocka_unit_test(render__string_literal__is_untouched),
        cmocka_unit_test(render__mixed_code_and_literals__replaces_code_only),
        cmocka_unit_test(render__hostile_schema__is_refused),
        cmocka_unit_test(render__schema_of_63_bytes__is_accepted_64_refused),
        cmocka_unit_test(render__unknown_template__is_refused_with_position),
        cmocka_unit_test(render__bad_table_name__is_refused_with_position),
        cmocka_unit_test(render__lexer_error__is_a_syntax_error_with_position),
        cmocka_unit_test(render__nul_byte__is_a_syntax_error),
        cmocka_unit_test(render__null_arguments__are_invalid),
        cmocka_unit_test(render__check_identifier__names_what_it_checks),
        cmocka_unit_test(render__map__points_back_into_the_source),
        cmocka_unit_test(render__map__without_templates_is_empty),
        cmocka_unit_test(render__server_position__maps_to_source_line_and_column),
        cmocka_unit_test(position__text_position__counts_lines_and_characters),
        cmocka_unit_test(position__char_to_byte_offset__counts_utf8_characters),
        cmocka_unit_test(split__semicolons__end_statements),
        cmocka_unit_test(split__last_statement__needs_no_semicolon),
        cmocka_unit_test(split__empty_statements__are_dropped),
        cmocka_unit_test(split__comments_around_statement__are_left_out),
        cmocka_unit_test(split__semicolons_in_literals_and_parens__do_not_split),
        cmocka_unit_test(split__unbalanced_close_paren__does_not_block_splitting),
        cmocka_unit_test(split__do_block_in_dollar_quotes__is_one_statement),
        cmocka_unit_test(split__begin_atomic_body__is_one_statement),
        cmocka_unit_test(split__begin_atomic__in_create_or_replace_procedure),
        cmocka_unit_test(split__begin_outside_routine__is_its_own_statement),
        cmocka_unit_test(split__lexer_error__is_a_syntax_error_with_position),
        cmocka_unit_test(txctl__statements_that_end_or_start_transactions__are_found),
        cmocka_unit_test(txctl__bodies_strings_and_comments__are_not_matched),
        cmocka_unit_test(txctl__lexer_error__is_minus_one),
        cmocka_unit_test(directive__no_transaction__is_found_in_comments),
        cmocka_unit_test(directive__no_transaction__is_ignored_outside_line_comments),
        cmocka_unit_test(savepoint_control__is_found_outside_code_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
