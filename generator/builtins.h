/*
 * builtins.h - PostgreSQL 15's built-in types, functions, operators and
 * casts, as the analyzer needs them to resolve overloaded functions and
 * operators (parse_func.c, parse_oper.c) and to check implicit casts.
 *
 * The rows are static data in builtins_data.c, written by tools/gen-builtins
 * from a real server's pg_catalog (what it keeps and drops is said at the top
 * of the script).  Every pointer here, and every pointer a lookup returns,
 * points into that static data: nothing to free, valid for the life of the
 * program, safe to share between threads.
 *
 * Oids are PostgreSQL's own (20 is int8), so rows refer to one another by oid;
 * 0 means "none".  Every oid in a row names a row of pgc_bi_types, and every
 * operator's func a row of pgc_bi_funcs (tests/test_builtins.c checks it).
 *
 * Takes: PostgreSQL 15's pg_catalog, through tools/gen-builtins.  Gives:
 * the built-in rows and lookups by oid and name (builtins.c).
 */
#ifndef PGC_BUILTINS_H
#define PGC_BUILTINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t pgc_bi_oid;

/* Oids the analyzer names directly (pg_type.dat). */
enum {
    PGC_BI_BOOL = 16, PGC_BI_INT8 = 20, PGC_BI_INT2 = 21, PGC_BI_INT4 = 23,
    PGC_BI_TEXT = 25, PGC_BI_FLOAT8 = 701, PGC_BI_UNKNOWN = 705,
    PGC_BI_NUMERIC = 1700, PGC_BI_RECORD = 2249, PGC_BI_ANY = 2276,
    PGC_BI_VOID = 2278
};

/* A row of pg_type. */
typedef struct pgc_bi_type {
    pgc_bi_oid oid;
    const char *name;         /* format_type(oid, NULL): "bigint", "text[]", "\"char\"" */
    const char *typname;      /* "int8", "_text", "char" */
    char type;                /* typtype: 'b' base, 'd' domain, 'e' enum, 'p' pseudo,
                                 'r' range, 'm' multirange ('c' are not kept) */
    char category;            /* typcategory: 'A' array, 'N' numeric, 'S' string, ... */
    bool preferred;           /* typispreferred, within its category */
    int16_t len;              /* typlen: bytes, or -1 varlena, -2 C string */
    bool byval;               /* typbyval */
    pgc_bi_oid elem;          /* a true array's element type (as get_element_type():
                                 int2vector has one, point has none); else 0 */
    pgc_bi_oid array;         /* typarray: the type's array type, or 0 */
    pgc_bi_oid base;          /* typbasetype: a domain's base type; else 0 */
    pgc_bi_oid range_subtype; /* a range's subtype (pg_range.rngsubtype); else 0 */
    pgc_bi_oid multirange;    /* a range's multirange type (rngmultitypid); else 0 */
    pgc_bi_oid range;         /* a multirange's range type; else 0 */
} pgc_bi_type;

/* An output column of a function (OUT, INOUT and TABLE parameters). */
typedef struct pgc_bi_column {
    const char *name;         /* "" when the parameter has no name */
    pgc_bi_oid type;
} pgc_bi_column;

/* A row of pg_proc (prokind f, a or w). */
typedef struct pgc_bi_func {
    pgc_bi_oid oid;
    const char *name;         /* proname */
    char kind;                /* prokind: 'f' function, 'a' aggregate, 'w' window */
    pgc_bi_oid rettype;       /* prorettype; record when there are several outs */
    bool retset;              /* proretset: RETURNS SETOF / TABLE */
    bool strict;              /* proisstrict: NULL in any argument gives NULL */
    uint8_t nargs;            /* pronargs: input arguments (IN, INOUT, VARIADIC) */
    const pgc_bi_oid *args;   /* their types (proargtypes); NULL when nargs is 0 */
    const char *const *argnames; /* NULL, or nargs names ("" for an unnamed one),
                                    for named notation (make_interval(days => 1)) */
    pgc_bi_oid variadic;      /* provariadic: the element type of the VARIADIC
                                 argument (the last), "any" for VARIADIC "any"; or 0 */
    uint8_t ndefaults;        /* pronargdefaults: the last ndefaults args have defaults */
    uint8_t nouts;            /* output columns, for SELECT * FROM f() */
    const pgc_bi_column *outs; /* NULL when nouts is 0 */
    char aggkind;             /* aggregates: 'n' normal, 'o' ordered-set,
                                 'h' hypothetical-set (WITHIN GROUP); else 0 */
    uint8_t aggndirect;       /* aggnumdirectargs: args before WITHIN GROUP */
} pgc_bi_func;

/* A row of pg_operator. */
typedef struct pgc_bi_oper {
    pgc_bi_oid oid;
    const char *name;         /* oprname: "+", "||", "->>" */
    pgc_bi_oid left;          /* oprleft; 0 for a prefix operator */
    pgc_bi_oid right;         /* oprright */
    pgc_bi_oid result;        /* oprresult */
    pgc_bi_oid func;          /* oprcode: the function that implements it */
} pgc_bi_oper;

/* A row of pg_cast.  Casts not listed may still exist: I/O conversion to and
 * from string types, array-to-array, domain-to-base (see find_coercion_pathway). */
typedef struct pgc_bi_cast {
    pgc_bi_oid source;        /* castsource */
    pgc_bi_oid target;        /* casttarget */
    char context;             /* castcontext: 'e' explicit only, 'a' also in
                                 assignment, 'i' also implicitly in expressions */
    char method;              /* castmethod: 'f' function, 'i' I/O, 'b' binary-coercible */
} pgc_bi_cast;

/* ------------------------------------------------------------------ */
/* builtins_data.c: the rows, written by tools/gen-builtins             */
/* ------------------------------------------------------------------ */

extern const char pgc_bi_server_version[];   /* "15.20 (Debian 15.20-0+deb12u1)" */

extern const pgc_bi_type pgc_bi_types[];     /* sorted by oid */
extern const size_t pgc_bi_ntypes;
extern const uint16_t pgc_bi_types_by_name[];    /* positions in pgc_bi_types, */
extern const uint16_t pgc_bi_types_by_typname[]; /* sorted by strcmp() of the name */

extern const pgc_bi_func pgc_bi_funcs[];     /* sorted by strcmp() of name, then oid */
extern const size_t pgc_bi_nfuncs;
extern const uint16_t pgc_bi_funcs_by_oid[]; /* positions in pgc_bi_funcs, by oid */

extern const pgc_bi_oper pgc_bi_opers[];     /* sorted by strcmp() of name, then oid */
extern const size_t pgc_bi_nopers;

extern const pgc_bi_cast pgc_bi_casts[];     /* sorted by source, then target */
extern const size_t pgc_bi_ncasts;

/* ------------------------------------------------------------------ */
/* builtins.c: lookups (binary searches)                                */
/* ------------------------------------------------------------------ */

/* The type with this oid, or NULL. */
const pgc_bi_type *pgc_bi_type_by_oid(pgc_bi_oid oid);

/* The type whose typname is this ("int8", "_text", "timestamptz"), or NULL.
 * This is the name a parse tree carries (pg_catalog.int4 for `integer`). */
const pgc_bi_type *pgc_bi_type_by_typname(const char *typname);

/* The type format_type() spells this way ("bigint", "text[]",
 * "timestamp with time zone"), or NULL. */
const pgc_bi_type *pgc_bi_type_by_name(const char *name);

/* The functions named name (all overloads, by oid): the first, and their
 * number in *n.  NULL and *n == 0 when there is none. */
const pgc_bi_func *pgc_bi_funcs_named(const char *name, size_t *n);

/* The function with this oid (an operator's func), or NULL. */
const pgc_bi_func *pgc_bi_func_by_oid(pgc_bi_oid oid);

/* The operators named name (prefix and infix, by oid): the first, and their
 * number in *n.  NULL and *n == 0 when there is none. */
const pgc_bi_oper *pgc_bi_opers_named(const char *name, size_t *n);

/* The pg_cast row from source to target, or NULL (see pgc_bi_cast). */
const pgc_bi_cast *pgc_bi_cast_find(pgc_bi_oid source, pgc_bi_oid target);

#endif
