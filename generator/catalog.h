/*
 * catalog.h - the catalog as the passes above it read it: the shapes of
 * relations, columns and user types, and the lookups by oid and by name
 * (catalog.c).  The analyzer and the emitter include this; only
 * the catalog's own files (catalog.c, catalog_sys.c, ddl.c, ddl_rel.c,
 * catalog_json.c) include catalog_internal.h.
 *
 * User-defined types, functions and operators are kept in the shapes of
 * builtins.h (pgc_bi_type, pgc_bi_func, pgc_bi_oper, pgc_bi_cast), in the
 * catalog's arena, so that overload resolution and coercion treat built-in
 * and user-defined ones alike.  User type oids count up from
 * PGC_USER_OID_BASE; user function and operator oids likewise, in their own
 * sequences (they never meet type oids).
 */
#ifndef PGC_CATALOG_H
#define PGC_CATALOG_H

#include <string.h>

#include "builtins.h"
#include "semantic.h"

/* Oids of built-in types the analyzer and catalog name (pg_type.dat). */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_CHAR = 18, OID_NAME = 19, OID_INT8 = 20,
    OID_INT2 = 21, OID_INT2VECTOR = 22, OID_INT4 = 23, OID_REGPROC = 24, OID_TEXT = 25,
    OID_OID = 26, OID_OIDVECTOR = 30, OID_JSON = 114, OID_XML = 142, OID_FLOAT4 = 700,
    OID_FLOAT8 = 701, OID_UNKNOWN = 705, OID_INET = 869, OID_INT4ARRAY = 1007,
    OID_TEXTARRAY = 1009, OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_DATE = 1082,
    OID_TIME = 1083, OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184, OID_INTERVAL = 1186,
    OID_TIMETZ = 1266, OID_BIT = 1560, OID_VARBIT = 1562, OID_NUMERIC = 1700,
    OID_REGCLASS = 2205, OID_RECORD = 2249, OID_CSTRING = 2275, OID_ANY = 2276,
    OID_ANYARRAY = 2277, OID_VOID = 2278, OID_ANYELEMENT = 2283, OID_RECORDARRAY = 2287,
    OID_ANYNONARRAY = 2776, OID_UUID = 2950, OID_ANYENUM = 3500, OID_JSONB = 3802,
    OID_ANYRANGE = 3831, OID_ANYMULTIRANGE = 4537, OID_ANYCOMPATIBLEMULTIRANGE = 4538,
    OID_ANYCOMPATIBLE = 5077, OID_ANYCOMPATIBLEARRAY = 5078,
    OID_ANYCOMPATIBLENONARRAY = 5079, OID_ANYCOMPATIBLERANGE = 5080
};

/* A column of a table, view, composite type or derived relation. */
typedef struct pgc_col {
    const char *name;
    uint32_t type;
    int32_t typmod;          /* as the server reports it (atttypmod), -1 none */
    bool not_null;           /* sound: never NULL (the column's own NOT NULL; a NOT NULL
                              * domain's is not enforced on every path: outer joins,
                              * INSERT ... SELECT of no row's scalar subquery) */
    bool has_default;        /* DEFAULT, serial, identity or generated */
    char identity;           /* 'a' ALWAYS, 'd' BY DEFAULT, 0 */
    char generated;          /* 's' STORED, 0 */
    const char *table;       /* origin as the server's PQftable would give it, or NULL */
    const char *column;
} pgc_col;

typedef PGC_VEC(pgc_col) pgc_cols;

/* A unique index or constraint on plain columns, non-partial: what
 * INSERT ... ON CONFLICT (cols) can infer as its arbiter. */
typedef struct pgc_unique {
    const char *name;        /* the index's name (a constraint's index has its name) */
    char kind;               /* 'p' primary key, 'u' unique constraint, 'i' unique index */
    PGC_VEC(const char *) cols;
} pgc_unique;

/*
 * What running an object's SQL may do, for read routing (analyze_access.c):
 * a view's query, a SQL function's body and parameter defaults, a domain's
 * CHECK, a table's row security policy.  A reason judged when the object
 * was made (writes: "whose body is an INSERT", "which locks rows ..."), and
 * the functions it calls, judged when a query reaches the object, as the
 * catalog is then (a function made VOLATILE by a later migration counts).
 */
typedef struct pgc_called {
    const char *schema, *name; /* as written (schema NULL: unqualified) */
    const char *label;         /* where, for messages: "which", "whose body" */
} pgc_called;
typedef struct pgc_reach {
    const char *writes;        /* the label and why, or NULL */
    bool definite;             /* -- pgc:reads cannot lift it */
    PGC_VEC(pgc_called) calls;
} pgc_reach;

/* A relation: kind 'r' table, 'p' partitioned table, 'v' view,
 * 'm' materialized view, 'c' composite type, 'f' foreign table. */
typedef struct pgc_rel {
    const char *schema, *name;
    char kind;
    pgc_cols cols;
    uint32_t rowtype;        /* its composite type */
    bool dropped;
    bool system;             /* pg_catalog / information_schema (catalog_sys.c) */
    PGC_VEC(struct pgc_rel *) deps;  /* views: the relations their query reads */
    PGC_VEC(struct pgc_rel *) parents;  /* INHERITS / PARTITION OF: reading a parent reads us */
    struct pgc_rel *owned_by; /* a sequence ('S'): the table of its serial or identity
                                 column, or of OWNED BY; dropped and moved with it */
    PGC_VEC(pgc_unique) uniques; /* its unique indexes and constraints on plain columns */
    bool uniques_unknown;    /* it may have others pgc does not follow (partitions, LIKE
                                INCLUDING INDEXES, USING INDEX, EXCLUDE): ON CONFLICT
                                targets are not checked */
    bool unlogged;           /* CREATE UNLOGGED TABLE (a standby cannot read it) */
    pgc_reach reach;         /* what reading it runs: a view's query (its relations are
                                deps), a table's row security policy (read routing) */
} pgc_rel;

typedef PGC_VEC(pgc_rel *) pgc_rel_list;

/* A user-defined type.  t.name is the spelling of format_type(). */
typedef struct pgc_utype {
    pgc_bi_type t;
    const char *schema, *name;  /* name unqualified; for arrays the element's + "[]" */
    PGC_VEC(const char *) labels;  /* enum */
    pgc_rel *rel;            /* composite: its attributes (also tables' row types) */
    int32_t base_typmod;     /* domain: the base type's typmod */
    bool not_null;           /* domain NOT NULL */
    pgc_reach reach;         /* domain: its CHECK constraints */
    bool dropped;
} pgc_utype;

/* A user-defined function (also the functions of supported extensions). */
typedef struct pgc_ufunc {
    pgc_bi_func f;
    const char *schema;
    int32_t rettypmod;
    bool dropped;
    char volatility;         /* a CREATE FUNCTION's provolatile, 'i', 's' or 'v' (the
                                default), as ALTER FUNCTION leaves it; 0 for the
                                functions pgc defines (extensions', range
                                constructors), none of which writes */
    pgc_reach reach;         /* its parameter defaults and SQL body (a call may write
                                whatever its volatility says) */
} pgc_ufunc;

typedef struct pgc_uoper {
    pgc_bi_oper o;
    const char *schema;
} pgc_uoper;

/* ---- catalog.c: lookups ------------------------------------------------ */

/* The arena the catalog lives in (what describes it lives as long). */
pgc_arena *pgc_cat_arena(const pgc_catalog *cat);

/* The type with this oid, built-in or user-defined, or NULL. */
const pgc_bi_type *pgc_cat_type(const pgc_catalog *cat, uint32_t oid);
/* The user type with this oid, or NULL (built-in or unknown). */
pgc_utype *pgc_cat_utype(const pgc_catalog *cat, uint32_t oid);

/* A domain's base type (repeatedly), or oid itself. */
uint32_t pgc_cat_base_type(const pgc_catalog *cat, uint32_t oid);
/* Element type of an array type (after domains), 0 if not an array. */
uint32_t pgc_cat_elem_type(const pgc_catalog *cat, uint32_t oid);
/* The array type of a type, 0 if none. */
uint32_t pgc_cat_array_type(const pgc_catalog *cat, uint32_t oid);
/* typcategory and typispreferred (0 / false for an unknown oid). */
char pgc_cat_category(const pgc_catalog *cat, uint32_t oid);
bool pgc_cat_preferred(const pgc_catalog *cat, uint32_t oid);
/* A composite type's relation (tables' row types too), or NULL. */
const pgc_rel *pgc_cat_type_rel(const pgc_catalog *cat, uint32_t oid);

/*
 * Resolves a TypeName as the server would: built-in names first, then user
 * types in public (the run-time search path, semantic.h); array bounds;
 * typmods; %TYPE.
 * Reports "type \"x\" does not exist" (and typmod errors) at the name's
 * position in t and returns false; with d NULL, returns false quietly.
 */
bool pgc_cat_typename(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                      const PgQuery__TypeName *tn, uint32_t *oid, int32_t *typmod);

/* A relation by (optional) schema and name, search path applied (pg_temp,
 * the system relations of catalog_sys.c, public); NULL if none. */
pgc_rel *pgc_cat_find_rel(pgc_catalog *cat, const char *schema, const char *name);

/* The live relations that name rel a parent (INHERITS, PARTITION OF,
 * ATTACH PARTITION): reading rel reads them too. */
void pgc_cat_rel_children(const pgc_catalog *cat, pgc_arena *a, const pgc_rel *rel,
                          pgc_rel_list *out);

/*
 * After "relation/type/function \"name\" does not exist" for a name given
 * without a schema: if the library owns an object of that name (one made
 * in PGC_HOME_SCHEMA through a template), a note at the same place with
 * the fix ("\"orders\" is the library's table: write {{tables.orders}}").
 * kind is 'r' (relation), 't' (type) or 'f' (function).  Returns whether
 * it noted.
 */
bool pgc_cat_note_home(const pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                       int32_t location, char kind, const char *name);

/* After an error for a name in a schema that neither the migrations nor the
 * catalog-only inputs create: a note that such objects are given with -c.
 * Returns whether it noted. */
bool pgc_cat_note_unknown_schema(const pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                                 int32_t location, const char *schema);

/* Functions and operators by name: built-ins and user-defined ones in the
 * search path (schema NULL) or in that schema.  The caller's vector gets
 * pointers to the rows. */
typedef PGC_VEC(const pgc_bi_func *) pgc_func_list;
typedef PGC_VEC(const pgc_bi_oper *) pgc_oper_list;
void pgc_cat_funcs_named(const pgc_catalog *cat, pgc_arena *a, const char *schema,
                         const char *name, pgc_func_list *out);
void pgc_cat_opers_named(const pgc_catalog *cat, pgc_arena *a, const char *schema,
                         const char *name, pgc_oper_list *out);
/* A function by oid (built-in or user), or NULL. */
const pgc_bi_func *pgc_cat_func(const pgc_catalog *cat, uint32_t oid);
/* pg_cast row source -> target: built-in or an extension's, or NULL. */
const pgc_bi_cast *pgc_cat_cast(const pgc_catalog *cat, uint32_t source, uint32_t target);

/* Is the schema one that names are shown without (home, public, pg_catalog)? */
bool pgc_cat_schema_hidden(const char *schema);


#endif /* PGC_CATALOG_H */
