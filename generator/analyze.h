/*
 * analyze.h - what the query analyzer gives the pass above it, DDL replay
 * (ddl_rel.c): the typing of a query a migration stores (a view's body,
 * CREATE TABLE AS).  Queries of the project are typed through semantic.h.
 *
 * The layering is one way: DDL replay calls the analyzer, the analyzer
 * calls the catalog's lookups (catalog.h), and the catalog calls neither.
 */
#ifndef PGC_ANALYZE_H
#define PGC_ANALYZE_H

#include "catalog.h"

/*
 * The result columns of a query in a migration (a view's, a materialized
 * view's, CREATE TABLE AS): names, types, typmods and nullability as the
 * analyzer types a query, and the catalog relations it reads (deps, which
 * may be NULL).  Parameters are an error.  Returns false after reporting.
 */
bool pgc_analyze_relation(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                          PgQuery__Node *query, pgc_cols *out, pgc_rel_list *deps);

/*
 * Whether a statement only reads (analyze_access.c): a SELECT that writes
 * nothing anywhere, locks no row, reads no temporary or unlogged table and
 * calls no function that may write.  When not, why says why ("calls
 * nextval(), which advances a sequence") at location (canonical, or -1);
 * definite: it writes whatever its functions do (not a SELECT, a
 * data-modifying WITH, SELECT INTO, FOR UPDATE/SHARE, a temporary or
 * unlogged table), which `-- pgc:reads` cannot change.  why lives in a.
 */
typedef struct pgc_access {
    bool reads_only;
    bool definite;
    int32_t location;
    const char *why;
} pgc_access;
void pgc_analyze_access(const pgc_catalog *cat, pgc_arena *a, const PgQuery__Node *stmt,
                        pgc_access *out);
/*
 * Records into *reach (catalog.h) what node may do when an object's SQL
 * runs: statement, a statement (else an expression, or a BEGIN ATOMIC
 * body); relations, judge the relations it reads (a view's are followed
 * through pgc_rel.deps instead); label names the part in messages
 * ("which", "whose body", "whose CHECK").  Calls are recorded, judged
 * when a query reaches the object.  Adds to what reach holds.
 */
void pgc_access_record(const pgc_catalog *cat, pgc_arena *a, const PgQuery__Node *node,
                       bool statement, bool relations, const char *label, pgc_reach *reach);

/* The same for the body of fs, a LANGUAGE plpgsql CREATE FUNCTION: every
 * expression and statement in it (pg_query_parse_plpgsql); EXECUTE, or a
 * body that does not parse, counts as writing. */
void pgc_access_record_plpgsql(const pgc_catalog *cat, pgc_arena *a,
                               const PgQuery__CreateFunctionStmt *fs, pgc_reach *reach);

/* The built-in functions that make a SELECT a write, by name (tests). */
size_t pgc_access_deny_count(void);
const char *pgc_access_deny_name(size_t i);

#endif /* PGC_ANALYZE_H */
