/*
 * semantic.h - the catalog built by replaying migrations, and the analyzer
 * that types each query against it: the generator's contract for the
 * passes above (program.c, describe, verify, generate).  Implemented by
 * catalog.c (lookups, format_type), ddl.c and ddl_rel.c (replay),
 * catalog_json.c and analyze.c.
 *
 * Name resolution is the run time's: the server's default search_path
 * ("$user", public, pg_catalog implicitly first; pg_temp first for
 * relations), never the library's schema, which queries and migrations
 * name through templates only ({{tables.t}} and {{schema}} stand for
 * PGC_HOME_SCHEMA).  A name given without a schema that would resolve only
 * in PGC_HOME_SCHEMA is an error with the fix: embedded, it would reach
 * another schema's object or none.  Unqualified CREATE creates in public.
 * Built-in types, functions, operators and casts come from builtins.h;
 * user-defined ones from the migrations.
 */
#ifndef PGC_SEMANTIC_H
#define PGC_SEMANTIC_H

#include "json.h"
#include "model.h"
#include "parse.h"

typedef struct pgc_catalog pgc_catalog;

/* An empty catalog (pg_catalog, public and PGC_HOME_SCHEMA exist), in a. */
pgc_catalog *pgc_catalog_new(pgc_arena *a);

/*
 * Tells the catalog that the migrations about to be replayed are a
 * dual-mode library's (some statement uses a template): from then on an
 * object created without a schema (it would land in public, once for every
 * embedding) is an error with the fix.  Off for a new catalog, for a set
 * that uses no templates (a standalone application: its objects live in
 * public) and for catalog-only inputs.
 */
void pgc_catalog_set_templated(pgc_catalog *cat, bool templated);

/*
 * Replays one statement of a migration.  Statements that change what
 * queries can see (CREATE/ALTER/DROP of schemas, tables, columns, types,
 * domains, views, functions, RENAME, ...) update the catalog; others (DML,
 * GRANT, indexes, comments, ...) are skipped.  What it cannot follow is an
 * error at the statement's position, never silently ignored.  Returns false
 * after reporting an error.
 */
bool pgc_catalog_apply(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                       PgQuery__Node *stmt);

/*
 * A type spelled as PostgreSQL's format_type(oid, typmod) spells it:
 * "bigint", "character varying(17)", "timestamp with time zone", "text[]",
 * "numeric(10,2)"; user types by name, schema-qualified unless in
 * PGC_HOME_SCHEMA, public or pg_catalog.  typmod -1 for none.  The string
 * lives as long as the catalog.
 */
const char *pgc_catalog_type_name(pgc_catalog *cat, uint32_t oid, int32_t typmod);

/* Writes the catalog as the value of describe's "catalog" key. */
void pgc_catalog_write_json(const pgc_catalog *cat, pgc_json *j);

/*
 * Types one query: its parameters and result columns with nullability
 * (model.h).  What it cannot type is an error with a position, never a
 * guess.  stmt is the query's only RawStmt.  Returns false after reporting.
 */
bool pgc_analyze_query(pgc_catalog *cat, pgc_arena *a, pgc_diags *d, const pgc_query_src *q,
                       PgQuery__RawStmt *stmt, pgc_query_info *out);

#endif /* PGC_SEMANTIC_H */
