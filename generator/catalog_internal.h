/*
 * catalog_internal.h - the catalog's insides, shared by the files that
 * build it: catalog.c (lookups, building blocks), catalog_sys.c (system
 * relations), ddl.c and ddl_rel.c (DDL replay) and catalog_json.c.  The passes above read
 * the catalog through catalog.h; semantic.h is the generator's contract.
 */
#ifndef PGC_CATALOG_INTERNAL_H
#define PGC_CATALOG_INTERNAL_H

#include "catalog.h"
#include "strmap.h"

struct pgc_catalog {
    pgc_arena *a;
    PGC_VEC(const char *) schemas;   /* live schemas, creation order */
    PGC_VEC(pgc_utype *) types;      /* index = oid - PGC_USER_OID_BASE */
    PGC_VEC(pgc_rel *) rels;         /* creation order, dropped ones kept flagged */
    pgc_strmap rels_by_name;         /* name -> the rels ever given it (catalog.c) */
    pgc_strmap types_by_name;        /* name -> the non-array types ever given it */
    PGC_VEC(pgc_ufunc *) funcs;
    PGC_VEC(pgc_uoper *) opers;
    PGC_VEC(pgc_bi_cast) casts;      /* user casts (extensions' types) */
    PGC_VEC(const char *) extensions;
    uint32_t next_func_oid;
    bool templated;                  /* a dual-mode library's migrations (semantic.h) */
};

/* ---- catalog.c: building blocks (DDL replay, catalog_json.c) --------------- */

/* Relations and types by name: the objects ever given a name, in creation
 * order (a rename adds, never removes: callers compare name, schema and
 * dropped). */
typedef PGC_VEC(void *) pgc_named_list;
const pgc_named_list *pgc_cat_rels_named(const pgc_catalog *cat, const char *name);
const pgc_named_list *pgc_cat_types_named(const pgc_catalog *cat, const char *name);
/* Records that rel / the (non-array) type u is now called by its name. */
void pgc_cat_index_rel(pgc_catalog *cat, pgc_rel *rel);
void pgc_cat_index_type(pgc_catalog *cat, pgc_utype *u);
/* Sets the spelling of a user type and of its array after a create or rename. */
void pgc_cat_name_type(pgc_catalog *cat, pgc_utype *u);

/* A new relation and its row type. */
pgc_rel *pgc_cat_new_rel(pgc_catalog *cat, const char *schema, const char *name, char kind);
/* A new user type (typtype 'e', 'c', 'd' or 'b') and its array type. */
pgc_utype *pgc_cat_new_type(pgc_catalog *cat, const char *schema, const char *name,
                            char typtype, char category);
/* New user functions, operators (over an existing function of that name)
 * and casts. */
pgc_ufunc *pgc_cat_add_func(pgc_catalog *cat, const char *schema, const char *name, char kind,
                            uint32_t rettype, bool retset, bool strict, int nargs,
                            const uint32_t *args);
void pgc_cat_add_oper(pgc_catalog *cat, const char *schema, const char *name, uint32_t left,
                      uint32_t right, uint32_t result);
void pgc_cat_add_cast(pgc_catalog *cat, uint32_t source, uint32_t target, char context,
                      char method);

/* Is schema one an unqualified name finds user objects in (public)? */
bool pgc_cat_in_search_path(const char *schema);
bool pgc_cat_schema_exists(const pgc_catalog *cat, const char *schema);
/* A user type (not an array) by name; schema NULL searches the path. */
pgc_utype *pgc_cat_find_utype(const pgc_catalog *cat, const char *schema, const char *name);
/* The library's own object of that kind ('r', 't', 'f') and name (made in
 * PGC_HOME_SCHEMA), as it is spelled, or NULL. */
const char *pgc_cat_home_object(const pgc_catalog *cat, char kind, const char *name);

/* quote_identifier(): bare when lower-case letters, digits, _ and no keyword. */
const char *pgc_cat_quote_ident(pgc_arena *a, const char *s);
/* A qualified name as a list of String nodes: [catalog.][schema.]name. */
void pgc_cat_split_name(PgQuery__Node **names, size_t n, const char **schema, const char **name);
/* "table", "view", ... for messages. */
const char *pgc_cat_rel_kind_name(char kind);

/* ---- catalog_sys.c: system relations queries may read ------------------ */

typedef struct pgc_sys_rel {
    const char *schema, *name;
    char kind;               /* 'r' table, 'v' view */
    const char *cols;        /* "name:type:typmod:notnull ..." */
} pgc_sys_rel;

extern const pgc_sys_rel pgc_sys_rels[];
extern const size_t pgc_sys_nrels;

#endif /* PGC_CATALOG_INTERNAL_H */
