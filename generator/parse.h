/*
 * parse.h - the bridge to libpg_query (PostgreSQL 15's own grammar): parses
 * a statement's canonical SQL into libpg_query's protobuf-c tree, and puts
 * a syntax error on the user's line and column.
 *
 * Takes: a statement's canonical SQL (source.h).  Gives: libpg_query's
 * tree, or a syntax error on the user's line (parse.c).
 */
#ifndef PGC_PARSE_H
#define PGC_PARSE_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "source.h"

/*
 * The deepest tree pgc_parse() accepts, in nested messages (an operator
 * chain a + b + ... takes two a term, a UNION ALL chain one a branch).
 * Deeper statements are refused ("statement nested too deeply") before
 * anything recurses over them: the tree's readers and the analyzer
 * recurse once or more per level, on the caller's stack.
 */
#define PGC_PARSE_MAX_DEPTH 3000

/*
 * The longest run of tokens pgc_parse() passes to libpg_query without a
 * comma, semicolon or bracket between them (a bracketed group counts as
 * one token of the run around it).  PostgreSQL's grammar builds a chain of
 * left-associative operators (a + b + ..., a || b || ..., a UNION b ...)
 * into a tree as deep as the chain is long without ever nesting its own
 * stack, and libpg_query then recurses over that tree while serializing
 * it, before pgc_parse() can measure the depth: about 60000 tokens
 * overflow an 8 MB stack.  Longer runs are refused ("statement nested too
 * deeply") before libpg_query sees them.  Right-nested constructs (NOT
 * NOT ..., parentheses) are bounded by the grammar's own stack limit.
 */
#define PGC_PARSE_MAX_RUN 20000

/*
 * Parses t->canon.  On success returns the tree (one or more RawStmt); free
 * it with pgc_parse_free().  On a syntax error reports it at the user's
 * position (through t's map) and returns NULL.
 */
PgQuery__ParseResult *pgc_parse(pgc_diags *d, const pgc_stmt_text *t);
void pgc_parse_free(PgQuery__ParseResult *tree); /* NULL ok */
/* Parses SQL that is not a statement of the user's files (a SQL function's
 * body), quietly: NULL on any error.  Free the tree with pgc_parse_free(). */
PgQuery__ParseResult *pgc_parse_quiet(const char *sql);

/*
 * Releases libpg_query's memory of this thread, so that valgrind sees no
 * leak at exit.  Call it once, after the thread's last pgc_parse():
 * libpg_query cannot parse again in that thread.  Harmless when nothing was
 * parsed (unlike pg_query_exit()).
 */
void pgc_parse_exit(void);

/* The user's file offset of a node location (canonical offset; -1 -> start). */
size_t pgc_parse_source_offset(const pgc_stmt_text *t, int32_t location);

#endif /* PGC_PARSE_H */
