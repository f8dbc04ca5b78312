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

#endif /* PGC_ANALYZE_H */
