/*
 * sqltext.h - SQL text services built on the lexer (sqllex.h): positions,
 * statement splitting and the checks the migration runner makes.  With
 * sqllex.h and template.h, the lexical layer the runtime and the generator
 * share (each through these headers, never through the runtime's
 * internal.h).  Not installed.
 *
 * Offsets are byte offsets from the start of the text; lines and columns
 * are 1-based, columns counted in UTF-8 characters.
 */
#ifndef PGC_SQLTEXT_H
#define PGC_SQLTEXT_H

#include <stddef.h>

#include "pgc.h"      /* pgc_error */
#include "template.h" /* rendering, which the users of positions map through */

/* ------------------------------------------------------------------ */
/* sqltext.c: positions, statements, directives                        */
/* ------------------------------------------------------------------ */

/* A word of a directive comment: s[0..n). */
#define PGC_MAX_WORDS 8
typedef struct pgc_word {
    const char *s;
    size_t n;
} pgc_word;

/* Splits s[0..n) at blanks (not newlines) into at most PGC_MAX_WORDS
 * words; returns how many (words past the limit are dropped). */
int pgc_split_words(const char *s, size_t n, pgc_word *w);

/* pgc_fail() with "line L, column C: " before the message, and err->line
 * and err->column filled.  Returns code. */
int pgc_fail_at(pgc_error *err, int code, int line, int col, const char *fmt,
                ...) PGC_FORMAT_PRINTF(5, 6);

/* Line and column of byte_offset in src (an offset past len counts as
 * len).  line or col may be NULL. */
void pgc_text_position(const char *src, size_t len, size_t byte_offset,
                       int *line, int *col);

/*
 * Byte offset of the character at 1-based position char_pos, as the server
 * reports error positions (PG_DIAG_STATEMENT_POSITION counts characters).
 * Positions below 1 give 0; positions past the end give len.
 */
size_t pgc_char_to_byte_offset(const char *s, size_t len, int char_pos);

/* A statement in a text: bytes [off, off + len), starting at line, col. */
typedef struct pgc_span {
    size_t off, len;
    int line, col;
} pgc_span;

/*
 * Splits text into statements at top-level semicolons, as psql does: not
 * inside strings, quoted identifiers, dollar quotes, comments or
 * parentheses, nor inside the BEGIN ATOMIC ... END body of
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE.  A span runs from the
 * statement's first token to the end of its last one (the semicolon and
 * surrounding comments excluded).  Statements with no tokens but spaces
 * and comments are dropped.
 *
 * *out is malloc'd (NULL when *n == 0); free it with free().  A lexer error
 * gives PGC_ESYNTAX with its line and column; then *out is NULL, *n 0.
 */
int pgc_split_statements(const char *sql, size_t len, pgc_span **out,
                         size_t *n, pgc_error *err);

/*
 * 1 if a top-level statement controls the transaction, which a migration
 * that the runner wraps in a transaction must not do, with *offset (may be
 * NULL) at its first byte; 0 if none does; -1 if a lexer error comes
 * first (the search stops at the first match).  Matches
 * (keywords in any case): BEGIN (not BEGIN ATOMIC), START TRANSACTION,
 * COMMIT [PREPARED], END, ROLLBACK [PREPARED] (not ROLLBACK ... TO
 * SAVEPOINT, which stays inside the transaction), ABORT, PREPARE
 * TRANSACTION.  Text in dollar quotes (DO blocks, function bodies) is not
 * looked at.
 */
int pgc_find_transaction_control(const char *sql, size_t len, size_t *offset);

/*
 * As pgc_find_transaction_control, for the statements that work only
 * inside a transaction block: SAVEPOINT, RELEASE [SAVEPOINT], ROLLBACK
 * [WORK | TRANSACTION] TO [SAVEPOINT].  A no-transaction migration runs
 * each statement on its own, where these fail.
 */
int pgc_find_savepoint_control(const char *sql, size_t len, size_t *offset);

/*
 * 1 if a "--" comment before the file's first statement (not text in a
 * string, not a comment further down) is a directive to run the
 * migration outside a transaction, else 0:
 *     -- pgc:no-transaction
 *     -- +goose NO TRANSACTION
 *     -- migrate:up transaction:false        (dbmate)
 *     -- +migrate Up notransaction           (sql-migrate)
 * Words are compared ignoring ASCII case.  A lexer error ends the search.
 */
int pgc_sql_no_transaction(const char *sql, size_t len);

#endif /* PGC_SQLTEXT_H */
