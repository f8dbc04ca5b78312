/*
 * sqllex.h - the PostgreSQL lexer shared by the runtime and the generator.
 *
 * It splits SQL text into tokens by PostgreSQL's lexical rules, so that the
 * project's extensions ({{templates}}, directives in comments) are found
 * only where they are code.  It knows nothing of keywords: words come out
 * as PGC_TOK_IDENT and callers compare them (pgc_tok_is_keyword()).
 *
 * Every byte of the input belongs to a token; the tokens of a well-formed
 * input tile it exactly, from offset 0 to the end, so that copying every
 * token's bytes reproduces the input.  The input is (pointer, length): it
 * need not be NUL-terminated, and no byte at or past the length is read.
 *
 * Usage:
 *     pgc_lexer lx;
 *     pgc_token t;
 *     pgc_lexer_init(&lx, sql, len);
 *     while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
 *         if (t.kind == PGC_TOK_ERROR) { report(t); break; }
 *         ...
 *     }
 *
 * Internal to pgc (runtime and generator); not installed.
 */
#ifndef PGC_SQLLEX_H
#define PGC_SQLLEX_H

#include <stddef.h>

typedef enum pgc_tok {
    PGC_TOK_EOF,           /* end of input; returned again on every call */
    PGC_TOK_SPACE,         /* [ \t\n\r\f\v]+ */
    PGC_TOK_COMMENT,       /* "--" to the end of the line (newline not
                              included), or a block comment, which nests */
    PGC_TOK_STRING,        /* '..' N'..' E'..' U&'..' B'..' X'..' */
    PGC_TOK_DOLLAR_STRING, /* $$..$$ or $tag$..$tag$ */
    PGC_TOK_QIDENT,        /* ".." or U&".." */
    PGC_TOK_IDENT,         /* identifiers and keywords */
    PGC_TOK_PARAM,         /* $1, $2, ... */
    PGC_TOK_NUMBER,        /* 42, 1_000, 0x1F, 0o17, 0b101, 1.5, .5, 1e-3 */
    PGC_TOK_TEMPLATE,      /* {{ ... }} on one line, in code only */
    PGC_TOK_OP,            /* any other single byte (+ - * / < = @ : ...),
                              or ".." (as in "1..10") */
    PGC_TOK_TYPECAST,      /* :: */
    PGC_TOK_SEMI,          /* ; */
    PGC_TOK_LPAREN,        /* ( */
    PGC_TOK_RPAREN,        /* ) */
    PGC_TOK_LBRACKET,      /* [ */
    PGC_TOK_RBRACKET,      /* ] */
    PGC_TOK_COMMA,         /* , */
    PGC_TOK_DOT,           /* . */
    PGC_TOK_ERROR          /* see pgc_token.error */
} pgc_tok;

/* Why a PGC_TOK_ERROR token was returned.  The caller words the message,
 * usually from pgc_lex_error_message() and the token's line and column. */
typedef enum pgc_lex_error {
    PGC_LEX_OK,                    /* not an error token */
    PGC_LEX_UNTERMINATED_STRING,   /* at the opening quote (or prefix) */
    PGC_LEX_UNTERMINATED_QIDENT,   /* at the opening double quote */
    PGC_LEX_UNTERMINATED_DOLLAR,   /* at the opening $tag$ */
    PGC_LEX_UNTERMINATED_COMMENT,  /* at the outermost opening slash-star */
    PGC_LEX_UNTERMINATED_TEMPLATE, /* at the opening {{ (a template must
                                      close on its line) */
    PGC_LEX_EMPTY_QIDENT,          /* at the "" */
    PGC_LEX_NUL_BYTE               /* at the NUL byte, wherever it is */
} pgc_lex_error;

typedef struct pgc_token {
    pgc_tok kind;
    pgc_lex_error error; /* PGC_LEX_OK unless kind is PGC_TOK_ERROR */
    size_t off, len;     /* bytes of the token in the input; for an error,
                            from where it is reported to where the lexer
                            resumes */
    int line, col;       /* of off, 1-based; col counts UTF-8 characters */
} pgc_token;

/* The lexer's state: plain data, no allocation, nothing to free. */
typedef struct pgc_lexer {
    const char *src;
    size_t len;
    size_t cur;    /* offset of the next token */
    int line, col; /* position of cur, 1-based */
} pgc_lexer;

void pgc_lexer_init(pgc_lexer *lx, const char *src, size_t len);

/*
 * Reads the next token into *tok and returns its kind.  After an error
 * token the lexer resumes after the bad bytes (at the end of the input for
 * an unterminated construct), so a loop always ends; callers normally stop
 * at the first error.
 */
pgc_tok pgc_lex(pgc_lexer *lx, pgc_token *tok);

/* "IDENT" for PGC_TOK_IDENT and so on; never NULL. */
const char *pgc_tok_name(pgc_tok kind);

/* "unterminated quoted string" and so on; never NULL. */
const char *pgc_lex_error_message(pgc_lex_error error);

/* 1 if tok is an IDENT equal to kw ignoring ASCII case, else 0.  src is
 * the lexer's input. */
int pgc_tok_is_keyword(const char *src, const pgc_token *tok, const char *kw);

#endif /* PGC_SQLLEX_H */
