/*
 * gen.h - what every part of the generator shares: arenas, input files,
 * diagnostics.  The generator is a build-time command: it allocates from
 * arenas freed whole at exit, and reports errors in gcc's form.
 *
 * The generator is a pipeline; each layer calls only the layers above it
 * in this list, never one below (README "How the code is laid out"):
 *   gen.h, strmap.h, json.h     arenas, diagnostics, maps, JSON
 *   source.h                    input files cut into statements, canonical SQL
 *   parse.h                     the bridge to libpg_query
 *   builtins.h, catalog.h       the built-in catalog; the catalog's lookups
 *   typesys.h                   coercion and function/operator resolution
 *   analyze_internal.h          query analysis: expressions, FROM, statements
 *   analyze.h                   what DDL replay asks of the analyzer
 *   semantic.h                  DDL replay (ddl.c, ddl_rel.c) and the analyzer's entry points
 *   program.h                   the front end: read, parse, replay, analyze
 *   describe.h, emit.h, verify.h, generate.h, migrate_cli.h   the commands
 *   cli.h                       their command line; main.c dispatches
 * The shared lexical layer (runtime/sqllex.h, template.h, sqltext.h) sits
 * beside the first rows; the generator includes no other runtime header but
 * pgc.h (and pgc_test.h, for verify's scratch database).
 */
#ifndef PGC_GEN_H
#define PGC_GEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h> /* memcpy, for PGC_PUSH */

#include "pgc.h" /* PGC_FORMAT_PRINTF, pgc_error */

#define PGC_PRINTF PGC_FORMAT_PRINTF

/* ---- arena.c: memory by lifetime ------------------------------------------ */

typedef struct pgc_arena pgc_arena;

/* Aborts the program with a message when memory runs out: a build tool has
 * nothing better to do, and callers stay simple. */
pgc_arena *pgc_arena_new(void);
void pgc_arena_free(pgc_arena *a);                /* NULL ok */
/* Frees everything allocated in a, which stays usable: a scratch arena
 * emptied after each statement keeps one block for the next. */
void pgc_arena_reset(pgc_arena *a);
void *pgc_arena_alloc(pgc_arena *a, size_t size); /* zeroed, max-aligned */
char *pgc_arena_strdup(pgc_arena *a, const char *s);
char *pgc_arena_strndup(pgc_arena *a, const char *s, size_t n);
char *pgc_arena_printf(pgc_arena *a, const char *fmt, ...) PGC_PRINTF(2, 3);

/* Growing text in an arena: pgc_strbuf b = {.a = arena}; NUL-terminated
 * once anything (even "") was added.  pgc_sb_take() hands the text over
 * ("" if none) and empties the buffer. */
typedef struct pgc_strbuf {
    pgc_arena *a;
    char *p;
    size_t len, cap;
    bool alone;   /* p is a block of its own, grown in place (arena.c); a
                     pgc_strbuf is therefore never copied while it grows */
} pgc_strbuf;
void pgc_sb_reserve(pgc_strbuf *b, size_t n); /* room for n more bytes and the NUL */
void pgc_sb_add(pgc_strbuf *b, const char *s, size_t n);
void pgc_sb_puts(pgc_strbuf *b, const char *s);
void pgc_sb_printf(pgc_strbuf *b, const char *fmt, ...) PGC_PRINTF(2, 3);
const char *pgc_sb_take(pgc_strbuf *b);
/* Empties the buffer, giving a large text's memory back at once (a small
 * one stays in the arena): for a text copied elsewhere and not needed. */
void pgc_sb_release(pgc_strbuf *b);
/* Adds name as an SQL quoted identifier on one line: "a""b", or, when it
 * holds a control character (a line break), U&"a\000Ab" with that
 * character escaped, so generated SQL keeps the user's lines. */
void pgc_sb_add_ident(pgc_strbuf *b, const char *name);

/* A growable array in an arena: PGC_VEC(T) v = {0}; PGC_PUSH(arena, v, x). */
#define PGC_VEC(T) struct { T *items; size_t len, cap; }
#define PGC_PUSH(arena, vec, value)                                                   \
    do {                                                                              \
        if ((vec).len == (vec).cap) {                                                 \
            size_t cap_ = (vec).cap ? (vec).cap * 2 : 8;                              \
            void *grown_ = pgc_arena_alloc((arena), cap_ * sizeof *(vec).items);      \
            if ((vec).len)                                                            \
                memcpy(grown_, (vec).items, (vec).len * sizeof *(vec).items);         \
            (vec).items = grown_;                                                     \
            (vec).cap = cap_;                                                         \
        }                                                                             \
        (vec).items[(vec).len++] = (value);                                           \
    } while (0)

/* ---- source.c: input files -------------------------------------------------- */

/* A file read whole.  text is NUL-terminated; len excludes the NUL. */
typedef struct pgc_file {
    const char *path;     /* as given on the command line */
    const char *text;
    size_t len;
} pgc_file;

/* Reads path into the arena; NULL and a diagnostic (no position) if it cannot. */
const pgc_file *pgc_file_read(pgc_arena *a, const char *path);
/* A file whose text is given (tests). */
const pgc_file *pgc_file_from_text(pgc_arena *a, const char *path, const char *text);

/* ---- diag.c: diagnostics ------------------------------------------------------ */

/*
 * Where diagnostics go and how many there were.  Messages look like gcc's:
 *     queries.sql:12:8: error: column "nme" does not exist
 *        12 | SELECT nme FROM users
 *           |        ^
 * so that editors jump to them.
 */
typedef struct pgc_diags {
    FILE *out;            /* stderr by default; tests use a memory stream */
    int errors, warnings;
} pgc_diags;

/* An error at byte `offset` of file (file NULL: no position). */
void pgc_diag_error(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
    PGC_PRINTF(4, 5);
void pgc_diag_warning(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
    PGC_PRINTF(4, 5);
void pgc_diag_verror(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt,
                     va_list ap) PGC_PRINTF(4, 0);
/* A note that follows an error ("first defined here"); not counted. */
void pgc_diag_note(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
    PGC_PRINTF(4, 5);

/* pgc_file_read() reporting to d instead of stderr (source.c). */
const pgc_file *pgc_file_load(pgc_arena *a, pgc_diags *d, const char *path);

#endif /* PGC_GEN_H */
