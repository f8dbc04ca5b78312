/*
 * sqltext.c - positions, statement splitting and the migration runner's
 * checks on SQL text (see sqltext.h).  Everything here reads tokens from
 * the lexer, so nothing inside strings, quoted identifiers, dollar quotes
 * or comments is taken for code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqllex.h"
#include "sqltext.h"

/* ------------------------------------------------------------------ */
/* Errors and positions                                                 */
/* ------------------------------------------------------------------ */

int pgc_fail_at(pgc_error *err, int code, int line, int col, const char *fmt, ...)
{
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pgc_fail(err, code, "line %d, column %d: %s", line, col, msg);
    if (err) {
        err->line = line;
        err->column = col;
    }
    return code;
}

void pgc_text_position(const char *src, size_t len, size_t byte_offset,
                       int *line, int *col)
{
    int l = 1, c = 1;
    if (byte_offset > len)
        byte_offset = len;
    for (size_t i = 0; i < byte_offset; i++) {
        unsigned char b = (unsigned char)src[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++; /* not a UTF-8 continuation byte */
        }
    }
    if (line)
        *line = l;
    if (col)
        *col = c;
}

size_t pgc_char_to_byte_offset(const char *s, size_t len, int char_pos)
{
    int seen = 0; /* characters begun so far */
    if (char_pos <= 1)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++seen == char_pos)
            return i;
    }
    return len;
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */
/* ------------------------------------------------------------------ */

#define HEAD_TOKENS 4

/* A statement as the splitter saw it. */
typedef struct stmt {
    pgc_token head[HEAD_TOKENS]; /* its first code tokens */
    int nhead;
    size_t end;                  /* end of its last code token */
} stmt;

static int is_code(pgc_tok kind)
{
    return kind != PGC_TOK_SPACE && kind != PGC_TOK_COMMENT;
}

static int keyword(const char *src, const stmt *st, int i, const char *kw)
{
    return i < st->nhead && pgc_tok_is_keyword(src, &st->head[i], kw);
}

/* head = CREATE [OR REPLACE] {FUNCTION | PROCEDURE} */
static int is_routine(const char *src, const stmt *st)
{
    int i = 1;
    if (!keyword(src, st, 0, "create"))
        return 0;
    if (keyword(src, st, 1, "or")) {
        if (!keyword(src, st, 2, "replace"))
            return 0;
        i = 3;
    }
    return keyword(src, st, i, "function") || keyword(src, st, i, "procedure");
}

/*
 * Reads the next statement that has code in it:
 *
 *     statement = code_token+ ( ";" | end of input )
 *
 * where a ";" ends the statement only outside parentheses and outside the
 * body of a SQL-standard routine.  That body is psql's heuristic: in a
 * statement headed CREATE [OR REPLACE] FUNCTION|PROCEDURE, outside
 * parentheses, BEGIN ATOMIC opens a block, CASE inside a block opens
 * another, END closes one.
 *
 * Returns 1 with *st filled, 0 at the end of the input, -1 on a lexer
 * error with the error token in *bad.
 */
static int next_statement(pgc_lexer *lx, stmt *st, pgc_token *bad)
{
    const char *src = lx->src;
    int parens = 0, blocks = 0, after_begin = 0;
    pgc_token t;

    st->nhead = 0;
    st->end = 0;
    for (;;) {
        pgc_tok kind = pgc_lex(lx, &t);
        if (kind == PGC_TOK_ERROR) {
            *bad = t;
            return -1;
        }
        if (kind == PGC_TOK_EOF)
            return st->nhead > 0;
        if (!is_code(kind))
            continue;
        if (kind == PGC_TOK_SEMI && parens == 0 && blocks == 0) {
            if (st->nhead > 0)
                return 1;
            continue; /* an empty statement */
        }
        if (st->nhead < HEAD_TOKENS)
            st->head[st->nhead++] = t;
        st->end = t.off + t.len;

        if (kind == PGC_TOK_LPAREN) {
            parens++;
        } else if (kind == PGC_TOK_RPAREN) {
            if (parens > 0)
                parens--;
        } else if (parens == 0 && kind == PGC_TOK_IDENT && is_routine(src, st)) {
            if (after_begin && pgc_tok_is_keyword(src, &t, "atomic"))
                blocks++;
            else if (blocks > 0 && pgc_tok_is_keyword(src, &t, "case"))
                blocks++;
            else if (blocks > 0 && pgc_tok_is_keyword(src, &t, "end"))
                blocks--;
        }
        after_begin = parens == 0 && pgc_tok_is_keyword(src, &t, "begin");
    }
}

int pgc_split_statements(const char *sql, size_t len, pgc_span **out,
                         size_t *n, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!sql || !out || !n)
        return pgc_fail(err, PGC_EINVAL,
                        "pgc_split_statements: sql, out and n must not be NULL");

    pgc_span *spans = NULL;
    size_t count = 0, cap = 0;
    pgc_lexer lx;
    pgc_token bad;
    stmt st;
    int r;
    pgc_lexer_init(&lx, sql, len);
    while ((r = next_statement(&lx, &st, &bad)) == 1) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            pgc_span *p = realloc(spans, ncap * sizeof *p);
            if (!p) {
                free(spans);
                return pgc_fail(err, PGC_ENOMEM, "out of memory splitting SQL");
            }
            spans = p;
            cap = ncap;
        }
        const pgc_token *first = &st.head[0];
        spans[count++] = (pgc_span){first->off, st.end - first->off,
                                    first->line, first->col};
    }
    if (r < 0) {
        free(spans);
        return pgc_fail_at(err, PGC_ESYNTAX, bad.line, bad.col, "%s",
                           pgc_lex_error_message(bad.error));
    }
    *out = spans;
    *n = count;
    return PGC_OK;
}

/*
 * transaction_control
 *     = BEGIN (not followed by ATOMIC) | START TRANSACTION | COMMIT | END
 *     | ROLLBACK (not ROLLBACK [WORK | TRANSACTION] TO) | ABORT
 *     | PREPARE TRANSACTION
 */
static int is_transaction_control(const char *src, const stmt *st)
{
    if (keyword(src, st, 0, "begin"))
        return !keyword(src, st, 1, "atomic");
    if (keyword(src, st, 0, "start") || keyword(src, st, 0, "prepare"))
        return keyword(src, st, 1, "transaction");
    if (keyword(src, st, 0, "rollback")) {
        int i = keyword(src, st, 1, "work") || keyword(src, st, 1, "transaction") ? 2 : 1;
        return !keyword(src, st, i, "to");
    }
    return keyword(src, st, 0, "commit") || keyword(src, st, 0, "end")
           || keyword(src, st, 0, "abort");
}

/*
 * savepoint_control = SAVEPOINT | RELEASE | ROLLBACK [WORK | TRANSACTION] TO
 */
static int is_savepoint_control(const char *src, const stmt *st)
{
    if (keyword(src, st, 0, "savepoint") || keyword(src, st, 0, "release"))
        return 1;
    if (keyword(src, st, 0, "rollback")) {
        int i = keyword(src, st, 1, "work") || keyword(src, st, 1, "transaction") ? 2 : 1;
        return keyword(src, st, i, "to");
    }
    return 0;
}

/* The first top-level statement `match` accepts, as the finders return it. */
static int find_statement(const char *sql, size_t len, size_t *offset,
                          int (*match)(const char *, const stmt *))
{
    pgc_lexer lx;
    pgc_token bad;
    stmt st;
    int r;
    pgc_lexer_init(&lx, sql, len);
    while ((r = next_statement(&lx, &st, &bad)) == 1) {
        if (match(sql, &st)) {
            if (offset)
                *offset = st.head[0].off;
            return 1;
        }
    }
    return r; /* 0 at the end, -1 on a lexer error */
}

int pgc_find_transaction_control(const char *sql, size_t len, size_t *offset)
{
    return find_statement(sql, len, offset, is_transaction_control);
}

int pgc_find_savepoint_control(const char *sql, size_t len, size_t *offset)
{
    return find_statement(sql, len, offset, is_savepoint_control);
}

/* ------------------------------------------------------------------ */
/* Directives                                                           */
/* ------------------------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int pgc_split_words(const char *s, size_t n, pgc_word *w)
{
    int count = 0;
    size_t i = 0;
    while (count < PGC_MAX_WORDS) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !is_blank(s[i]))
            i++;
        w[count++] = (pgc_word){s + start, i - start};
    }
    return count;
}

static int word_is(const pgc_word *w, const char *lit)
{
    size_t n = strlen(lit);
    if (w->n != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)w->s[i], b = (unsigned char)lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* 1 if one of w[from..n) is lit. */
static int has_word(const pgc_word *w, int from, int n, const char *lit)
{
    for (int i = from; i < n; i++)
        if (word_is(&w[i], lit))
            return 1;
    return 0;
}

/*
 * directive = "pgc:no-transaction"
 *           | "+goose" "no" "transaction"
 *           | "migrate:up" word* "transaction:false" word*
 *           | "+migrate" "up" word* "notransaction" word*
 * over the words of a "--" comment, after the "--", in any case.
 */
static int is_no_transaction_directive(const char *text, size_t n)
{
    pgc_word w[PGC_MAX_WORDS];
    int k = pgc_split_words(text, n, w);
    if (k == 1 && word_is(&w[0], "pgc:no-transaction"))
        return 1;
    if (k == 3 && word_is(&w[0], "+goose") && word_is(&w[1], "no")
        && word_is(&w[2], "transaction"))
        return 1;
    if (k >= 2 && word_is(&w[0], "migrate:up"))
        return has_word(w, 1, k, "transaction:false");
    if (k >= 3 && word_is(&w[0], "+migrate") && word_is(&w[1], "up"))
        return has_word(w, 2, k, "notransaction");
    return 0;
}

int pgc_sql_no_transaction(const char *sql, size_t len)
{
    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, sql, len);
    for (;;) {
        pgc_tok kind = pgc_lex(&lx, &t);
        if (kind == PGC_TOK_EOF || kind == PGC_TOK_ERROR || is_code(kind))
            return 0; /* only the comments before the first statement count */
        if (kind == PGC_TOK_COMMENT && t.len >= 2 && sql[t.off] == '-'
            && is_no_transaction_directive(sql + t.off + 2, t.len - 2))
            return 1;
    }
}

/*
 * (internal.h; the stream guard, stream.c) 1 if the SQL can only read: its first word is SELECT, VALUES, TABLE or
 * WITH, and no word anywhere in its code (strings, quoted names and
 * comments aside) is INSERT, UPDATE, DELETE or MERGE (a data-modifying
 * WITH, SELECT ... FOR UPDATE).  Anything else, or text the lexer refuses,
 * counts as changing data.  Functions a SELECT calls are not looked into.
 */
int pgc_sql_reads_only(const char *sql, size_t len)
{
    static const char *const first[] = {"select", "values", "table", "with"};
    static const char *const writes[] = {"insert", "update", "delete", "merge"};
    pgc_lexer lx;
    pgc_token t;
    int seen_first = 0;
    pgc_lexer_init(&lx, sql, len);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (t.kind == PGC_TOK_ERROR)
            return 0;
        if (t.kind == PGC_TOK_SPACE || t.kind == PGC_TOK_COMMENT
            || (!seen_first && t.kind == PGC_TOK_LPAREN))
            continue;
        if (!seen_first) {
            seen_first = 1;
            int ok = 0;
            for (size_t i = 0; i < sizeof first / sizeof *first; i++)
                ok |= pgc_tok_is_keyword(sql, &t, first[i]);
            if (!ok)
                return 0;
            continue;
        }
        for (size_t i = 0; i < sizeof writes / sizeof *writes; i++)
            if (pgc_tok_is_keyword(sql, &t, writes[i]))
                return 0;
    }
    return seen_first;
}
