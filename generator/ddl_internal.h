/*
 * ddl_internal.h - DDL replay's insides, shared by its two files: ddl.c
 * (the dispatcher, schemas, types, functions, extensions, DROP, RENAME,
 * SET SCHEMA) and ddl_rel.c (tables, columns, sequences, unique indexes,
 * ALTER TABLE, views and CREATE TABLE AS).
 *
 * Takes: the catalog's building blocks (catalog_internal.h).  Gives: the
 * replay state and the functions one file calls in the other.
 */
#ifndef PGC_DDL_INTERNAL_H
#define PGC_DDL_INTERNAL_H

#include <stdarg.h>

#include "catalog_internal.h"

#define LIST_EACH(i, n) for (size_t i = 0; i < (n); i++)

/* libpg_query's enums are switched on as int: -Wswitch-enum would want
 * every one of their hundreds of values named. */

/* Reports at a node's location; d NULL reports nothing. */
PGC_PRINTF(4, 5)
static inline bool fail(pgc_diags *d, const pgc_stmt_text *t, int32_t location, const char *fmt,
                        ...)
{
    if (!d)
        return false;
    va_list ap;
    va_start(ap, fmt);
    pgc_diag_verror(d, t->file, pgc_parse_source_offset(t, location), fmt, ap);
    va_end(ap);
    return false;
}

static inline const char *str_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* The replay of one statement: where it is and what it may assume. */
typedef struct replay {
    pgc_catalog *cat;
    pgc_diags *d;
    const pgc_stmt_text *t;
    const char *default_schema;  /* CREATE SCHEMA's elements */
    bool only;                   /* ALTER TABLE ONLY, CREATE INDEX ON ONLY: no partitions */
} replay;

/* ---- ddl.c: names, schemas, lookups ------------------------------------------ */

/*
 * creation_schema() for an object the library's migrations create: in a
 * dual-mode library's (pgc_catalog_set_templated()), one made without a
 * schema is an error with the fix, for it would land in public, once for
 * every embedding, and the second embedding fails (42P07, 42710).  kind
 * names the object in the message ("table"); relations take {{tables.x}},
 * other objects {{schema}}.x.  location -1 looks the name up in t.
 */
const char *own_creation_schema(replay *r, const char *schema, const char *kind,
                                const char *name, bool relation, int32_t location,
                                bool *ok);

bool ddl_name_taken(const pgc_catalog *cat, const char *schema, const char *name);

bool type_taken(const pgc_catalog *cat, const char *schema, const char *name);

void drop_rel(pgc_catalog *cat, pgc_rel *rel);

/* The schema a RangeVar names; CREATE TEMP ... names pg_temp. */
const char *rv_schema(const PgQuery__RangeVar *rv);

pgc_rel *find_rel_kind(replay *r, const PgQuery__RangeVar *rv, const char *kinds,
                       bool missing_ok, bool *ok);

/* ---- ddl_rel.c: relations ------------------------------------------------------ */

pgc_col *rel_col(pgc_rel *rel, const char *name);

/* A column from a ColumnDef (CREATE TABLE, ADD COLUMN, composite types). */
bool column_def(replay *r, const PgQuery__ColumnDef *cd, pgc_col *c);

/* Adds or merges (inheritance) a column. */
bool add_column(replay *r, pgc_rel *rel, const pgc_col *c, int32_t location, bool merge);

/* CREATE SEQUENCE [IF NOT EXISTS] name [options] */
bool create_sequence(replay *r, const PgQuery__CreateSeqStmt *ss);

/* ALTER SEQUENCE [IF EXISTS] name options: only OWNED BY matters to queries. */
bool alter_sequence(replay *r, const PgQuery__AlterSeqStmt *as);

/* Forgets rel's unique indexes named name (NULL: any) or holding column col. */
void drop_uniques(pgc_rel *rel, const char *name, const char *col);

/* The unique index called name, of a relation in schema (NULL: the path). */
pgc_unique *find_unique(pgc_catalog *cat, const char *schema, const char *name);

/* CREATE UNIQUE INDEX [name] ON t (cols): an arbiter when not partial. */
bool create_index(replay *r, const PgQuery__IndexStmt *is);

/* CREATE TABLE, CREATE FOREIGN TABLE, PARTITION OF, OF type, INHERITS, LIKE. */
bool create_table(replay *r, const PgQuery__CreateStmt *cs, char kind);

/*
 * A view's columns are NOT NULL when its query proved them so; a column
 * that may now be NULL (DROP NOT NULL) can reach views made before, and
 * the catalog does not record which: every view's columns become nullable.
 */
void forget_view_not_null(pgc_catalog *cat);

bool alter_table(replay *r, const PgQuery__AlterTableStmt *as);

bool create_view(replay *r, const PgQuery__ViewStmt *vs);

bool create_table_as(replay *r, PgQuery__Node *query, const PgQuery__IntoClause *into,
                     bool matview, bool if_not_exists);

#endif /* PGC_DDL_INTERNAL_H */
