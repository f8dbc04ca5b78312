/*
 * model.h - what the analyzer knows about each query: the describe model.
 * `pgc describe` prints it as JSON (the generator's public contract, see
 * README "pgc describe"), `pgc verify` compares it with the server's view,
 * and the emitter (next issue) turns it into C.
 *
 * Types are PostgreSQL type OIDs: built-in ones as PostgreSQL numbers them
 * (generator/builtins.h), user-defined ones (enums, composites, domains,
 * tables' row types, their arrays) numbered by the catalog from
 * PGC_USER_OID_BASE up.  pgc_catalog_type_name() spells any of them as
 * PostgreSQL's format_type() would.
 *
 * Takes: (nothing: data only).  Gives: pgc_query_info, what the analyzer
 * fills and the commands read.
 */
#ifndef PGC_MODEL_H
#define PGC_MODEL_H

#include "source.h"

#define PGC_USER_OID_BASE 0x40000000u

typedef struct pgc_param_info {
    int index;            /* $index, 1-based */
    const char *name;     /* the user's name, or a derived one ("id", "column_2"), never NULL */
    uint32_t type;        /* without typmod, as PostgreSQL reports parameters */
    bool nullable;        /* sqlc.narg, or compared with IS NOT DISTINCT FROM, ... */
    pgc_param_kind kind;
} pgc_param_info;

typedef struct pgc_column_info {
    const char *name;     /* result column name as PostgreSQL names it */
    uint32_t type;
    int32_t typmod;       /* -1 when none */
    bool nullable;        /* sound: false only when PostgreSQL cannot return NULL */
    const char *table;    /* source table (no schema) when the column is a plain table column, else NULL */
    const char *column;   /* source column, else NULL */
    const char *embed;    /* for sqlc.embed(t): t, for each of t's columns; else NULL */
    uint32_t embed_type;  /* for sqlc.embed(t): t's row type (RECORD for a subquery), else 0 */
} pgc_column_info;

/*
 * A replacement the analysis makes in a query's canonical SQL so that the
 * statement sent at run time means what was typed at generation: `*`,
 * `t.*` and `RETURNING *` spelled out as their columns (t."a", t."b"), so
 * that a column added to a live table changes no deployed call.  The text
 * never holds a newline (runtime error positions are mapped by line).
 */
typedef struct pgc_sql_edit {
    size_t offset, len;   /* canonical bytes [offset, offset + len) */
    const char *text;     /* what replaces them */
} pgc_sql_edit;

/* One occurrence of a parameter in the canonical SQL: "$index", len bytes. */
typedef struct pgc_param_use {
    size_t offset, len;
    int index;
    bool bare_target;     /* a whole SELECT or RETURNING item with no alias, which
                             PostgreSQL names "?column?" (a cast would rename it) */
} pgc_param_use;

typedef struct pgc_query_info {
    const pgc_query_src *src;
    PGC_VEC(pgc_param_info) params;   /* by index, 1..n with no gaps */
    PGC_VEC(pgc_column_info) columns; /* in order; empty for :exec without RETURNING */
    PGC_VEC(pgc_sql_edit) edits;      /* by offset, none overlapping */
    PGC_VEC(pgc_param_use) uses;      /* every parameter the analysis met, by offset */
    bool reads_only;      /* it only reads (analyze_access.c, or -- pgc:reads): it may run
                             on a read target, and again (PGC_STMT_READS) */
    bool primary;         /* -- pgc:primary on a query that reads: kept on the primary */
} pgc_query_info;

typedef PGC_VEC(pgc_query_info) pgc_query_infos;

#endif /* PGC_MODEL_H */
