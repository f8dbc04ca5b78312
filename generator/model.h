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

typedef struct pgc_query_info {
    const pgc_query_src *src;
    PGC_VEC(pgc_param_info) params;   /* by index, 1..n with no gaps */
    PGC_VEC(pgc_column_info) columns; /* in order; empty for :exec without RETURNING */
} pgc_query_info;

typedef PGC_VEC(pgc_query_info) pgc_query_infos;

#endif /* PGC_MODEL_H */
