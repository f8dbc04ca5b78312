/*
 * fuzz_lex.c - libFuzzer harness for the SQL lexer (runtime/sqllex.re) and
 * the text services built on it (runtime/sqltext.h).
 *
 * The input is SQL text as given: not NUL-terminated (libFuzzer's buffer
 * ends exactly at its length, so ASan reports any read past it, which
 * sqllex.h promises never happens).  Checked promises:
 *   - every token lies in the input, and the lexer resumes where the token
 *     ends; tokens up to the first error tile the input exactly;
 *   - every token's line and column are pgc_text_position()'s;
 *   - an error token has an error, no other token has one; EOF repeats;
 *   - pgc_split_statements() returns ordered, disjoint spans inside the
 *     input whose line and column match their offset, and fails exactly
 *     when the lexer finds an error;
 *   - pgc_find_transaction_control() points inside the input;
 *   - pgc_char_to_byte_offset() stays inside the input and inverts the
 *     column count on one line.
 */
#include <string.h>

#include "fuzz.h"
#include "sqllex.h"
#include "sqltext.h"

/* A position in the text, moved forward as pgc_text_position() counts:
 * a newline starts a line, any byte but a UTF-8 continuation byte is a
 * column.  Incremental, so checking every token stays linear. */
typedef struct cursor {
    size_t off;
    int line, col;
} cursor;

static void move_to(const char *src, cursor *c, size_t off)
{
    FUZZ_CHECK(off >= c->off);
    for (; c->off < off; c->off++) {
        unsigned char b = (unsigned char)src[c->off];
        if (b == '\n') {
            c->line++;
            c->col = 1;
        } else if ((b & 0xC0) != 0x80) {
            c->col++;
        }
    }
}

/* pgc_text_position() is O(offset): called for a few offsets only. */
static void check_position(const char *src, size_t len, size_t off, int line, int col)
{
    int l, c;
    pgc_text_position(src, len, off, &l, &c);
    FUZZ_CHECK(l == line && c == col);
}

/* Lexes the whole input; returns 1 if a lexer error was seen. */
static int lex_all(const char *src, size_t len)
{
    pgc_lexer lx;
    pgc_token t;
    int errors = 0;
    size_t tokens = 0;
    cursor at = {0, 1, 1};
    pgc_lexer_init(&lx, src, len);
    for (;;) {
        size_t before = lx.cur;
        pgc_tok kind = pgc_lex(&lx, &t);
        FUZZ_CHECK(kind == t.kind);
        FUZZ_CHECK(pgc_tok_name(kind) != NULL);
        if (kind == PGC_TOK_EOF) {
            FUZZ_CHECK(before == len);
            break;
        }
        /* Each token consumes at least one byte, so the loop ends. */
        FUZZ_CHECK(++tokens <= len);
        FUZZ_CHECK(t.len > 0);
        FUZZ_CHECK(t.off >= before && t.off <= len && t.len <= len - t.off);
        FUZZ_CHECK(lx.cur == t.off + t.len);
        move_to(src, &at, t.off);
        FUZZ_CHECK(t.line == at.line && t.col == at.col);
        if (tokens <= 4)
            check_position(src, len, t.off, t.line, t.col);
        if (kind == PGC_TOK_ERROR) {
            FUZZ_CHECK(t.error != PGC_LEX_OK);
            FUZZ_CHECK(pgc_lex_error_message(t.error) != NULL);
            errors = 1;
        } else {
            FUZZ_CHECK(t.error == PGC_LEX_OK);
            if (!errors)
                FUZZ_CHECK(t.off == before);
        }
        if (kind == PGC_TOK_COMMENT) {
            pgc_word w[PGC_MAX_WORDS];
            int n = pgc_split_words(src + t.off, t.len, w);
            FUZZ_CHECK(n >= 0 && n <= PGC_MAX_WORDS);
            for (int i = 0; i < n; i++)
                FUZZ_CHECK(w[i].n > 0 && w[i].s >= src + t.off
                           && w[i].s + w[i].n <= src + t.off + t.len);
        }
        (void)pgc_tok_is_keyword(src, &t, "begin");
    }
    move_to(src, &at, len);
    check_position(src, len, len, at.line, at.col);
    /* EOF is returned again. */
    FUZZ_CHECK(pgc_lex(&lx, &t) == PGC_TOK_EOF);
    return errors;
}

static void split(const char *src, size_t len, int lex_error)
{
    pgc_span *spans = NULL;
    size_t n = 99;
    pgc_error err = {0};
    int rc = pgc_split_statements(src, len, &spans, &n, &err);
    if (lex_error) {
        FUZZ_CHECK(rc == PGC_ESYNTAX && spans == NULL && n == 0);
        FUZZ_CHECK(err.line >= 1 && err.column >= 1);
        return;
    }
    FUZZ_CHECK(rc == PGC_OK);
    FUZZ_CHECK((n == 0) == (spans == NULL));
    size_t end = 0;
    cursor at = {0, 1, 1};
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(spans[i].len > 0);
        FUZZ_CHECK(spans[i].off >= end && spans[i].off <= len);
        FUZZ_CHECK(spans[i].len <= len - spans[i].off);
        move_to(src, &at, spans[i].off);
        FUZZ_CHECK(spans[i].line == at.line && spans[i].col == at.col);
        end = spans[i].off + spans[i].len;
    }
    free(spans);
}

static void columns(const char *src, size_t len)
{
    /* Character positions on the first line: offset -> column -> offset. */
    const char *nl = memchr(src, '\n', len);
    size_t first_line = nl ? (size_t)(nl - src) : len;
    for (int pos = -1; pos < 12; pos++) {
        size_t off = pgc_char_to_byte_offset(src, len, pos);
        FUZZ_CHECK(off <= len);
        if (pos >= 1 && off < first_line) {
            int line, col;
            pgc_text_position(src, len, off, &line, &col);
            FUZZ_CHECK(line == 1 && col == pos);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    int lex_error = lex_all(src, size);
    split(src, size, lex_error);

    size_t at = 0;
    int tc = pgc_find_transaction_control(src, size, &at);
    FUZZ_CHECK(tc >= -1 && tc <= 1);
    if (tc == 1)
        FUZZ_CHECK(at < size);
    if (!lex_error)
        FUZZ_CHECK(tc != -1);
    int nt = pgc_sql_no_transaction(src, size);
    FUZZ_CHECK(nt == 0 || nt == 1);
    columns(src, size);
    return 0;
}
