/*
 * catalog.c - the catalog a project's migrations build (semantic.h) and
 * its lookups: schemas, relations, types, functions, operators and casts by
 * oid or by name with the run-time search path, TypeName resolution, and
 * format_type().  Built-in types, functions, operators and casts come from
 * builtins.h; user-defined ones live in the catalog's arena in the same
 * shapes (catalog_internal.h).
 *
 * Takes: the built-in catalog (builtins.h).  Gives: the lookups and the
 * building blocks of catalog_internal.h.  It calls no other pass: DDL
 * replay (ddl.c) fills it, the analyzer reads it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

#define LIST_EACH(i, n) for (size_t i = 0; i < (n); i++)

/* libpg_query's enums are switched on as int: -Wswitch-enum would want
 * every one of their hundreds of values named. */

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

bool pgc_cat_schema_hidden(const char *schema)
{
    return !schema || strcmp(schema, PGC_HOME_SCHEMA) == 0 || strcmp(schema, "public") == 0
           || strcmp(schema, "pg_catalog") == 0;
}

/* Words quote_identifier() quotes (reserved and type/function-name keywords
 * that a type name could collide with); a short list, for format_type(). */
static const char *const reserved_words[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full",
    "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner",
    "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join",
    "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp",
    "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif",
    "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
    "placing", "position", "precision", "primary", "real", "references", "returning",
    "right", "row", "select", "session_user", "setof", "similar", "smallint", "some",
    "substring", "symmetric", "table", "tablesample", "then", "time", "timestamp", "to",
    "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
    "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
    "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
    "xmlroot", "xmlserialize", "xmltable",
};

/* quote_identifier(): bare when lower-case letters, digits, _ and no keyword. */
const char *pgc_cat_quote_ident(pgc_arena *a, const char *s)
{
    bool safe = (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_';
    for (const char *p = s; *p && safe; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (safe) {
        LIST_EACH(i, sizeof reserved_words / sizeof *reserved_words)
            if (strcmp(reserved_words[i], s) == 0)
                safe = false;
    }
    if (safe)
        return s;
    size_t n = 2;
    for (const char *p = s; *p; p++)
        n += *p == '"' ? 2 : 1;
    char *out = pgc_arena_alloc(a, n + 1), *o = out;
    *o++ = '"';
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    *o++ = '"';
    return out;
}

static const char *display_name(pgc_arena *a, const char *schema, const char *name)
{
    if (pgc_cat_schema_hidden(schema))
        return pgc_cat_quote_ident(a, name);
    return pgc_arena_printf(a, "%s.%s", pgc_cat_quote_ident(a, schema), pgc_cat_quote_ident(a, name));
}

static const char *str_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* A qualified name as a list of String nodes: [catalog.][schema.]name. */
void pgc_cat_split_name(PgQuery__Node **names, size_t n, const char **schema, const char **name)
{
    *name = n ? str_of(names[n - 1]) : NULL;
    *schema = n >= 2 ? str_of(names[n - 2]) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Types                                                                     */
/* ------------------------------------------------------------------------ */

pgc_arena *pgc_cat_arena(const pgc_catalog *cat)
{
    return cat->a;
}

pgc_utype *pgc_cat_utype(const pgc_catalog *cat, uint32_t oid)
{
    if (oid < PGC_USER_OID_BASE || oid - PGC_USER_OID_BASE >= cat->types.len)
        return NULL;
    return cat->types.items[oid - PGC_USER_OID_BASE];
}

const pgc_bi_type *pgc_cat_type(const pgc_catalog *cat, uint32_t oid)
{
    pgc_utype *u = pgc_cat_utype(cat, oid);
    return u ? &u->t : pgc_bi_type_by_oid(oid);
}

uint32_t pgc_cat_base_type(const pgc_catalog *cat, uint32_t oid)
{
    for (int guard = 0; guard < 32; guard++) {
        const pgc_bi_type *t = pgc_cat_type(cat, oid);
        if (!t || t->type != 'd' || !t->base)
            return oid;
        oid = t->base;
    }
    return oid;
}

uint32_t pgc_cat_elem_type(const pgc_catalog *cat, uint32_t oid)
{
    const pgc_bi_type *t = pgc_cat_type(cat, pgc_cat_base_type(cat, oid));
    return t ? t->elem : 0;
}

uint32_t pgc_cat_array_type(const pgc_catalog *cat, uint32_t oid)
{
    const pgc_bi_type *t = pgc_cat_type(cat, oid);
    return t ? t->array : 0;
}

char pgc_cat_category(const pgc_catalog *cat, uint32_t oid)
{
    const pgc_bi_type *t = pgc_cat_type(cat, oid);
    return t ? t->category : 0;
}

bool pgc_cat_preferred(const pgc_catalog *cat, uint32_t oid)
{
    const pgc_bi_type *t = pgc_cat_type(cat, oid);
    return t && t->preferred;
}

const pgc_rel *pgc_cat_type_rel(const pgc_catalog *cat, uint32_t oid)
{
    pgc_utype *u = pgc_cat_utype(cat, pgc_cat_base_type(cat, oid));
    return u ? u->rel : NULL;
}

/* Sets the spelling of a user type and of its array after a create or rename. */
void pgc_cat_name_type(pgc_catalog *cat, pgc_utype *u)
{
    u->t.name = display_name(cat->a, u->schema, u->name);
    u->t.typname = u->name;
    pgc_utype *arr = pgc_cat_utype(cat, u->t.array);
    if (arr) {
        arr->schema = u->schema;
        arr->name = u->name;
        arr->t.name = pgc_arena_printf(cat->a, "%s[]", u->t.name);
        arr->t.typname = pgc_arena_printf(cat->a, "_%s", u->name);
    }
}

/*
 * Relations and types by name: cat->rels_by_name and cat->types_by_name map
 * a name to the objects ever given it, so that a lookup does not scan them
 * all (2,000 migrations and 10,000 queries made that quadratic).  A rename
 * adds the object under its new name and leaves it under the old one:
 * lookups still compare the name, schema and dropped flag, as the scans
 * did.  A list is in creation order (by oid; a relation by its row type's,
 * made with it), so the first match is the one the scan found.
 */
typedef PGC_VEC(uint32_t) oid_list;

typedef struct named_entry {
    pgc_named_list objs;
    oid_list oids; /* each object's creation oid, ascending */
} named_entry;

static const pgc_named_list *named(const pgc_strmap *m, const char *name)
{
    static const pgc_named_list none = {0};
    const named_entry *e = pgc_strmap_get(m, name);
    return e ? &e->objs : &none;
}

static void index_named(pgc_catalog *cat, pgc_strmap *m, const char *name, void *obj,
                        uint32_t oid)
{
    named_entry *e = (named_entry *)pgc_strmap_get(m, name);
    if (!e) {
        e = pgc_arena_alloc(cat->a, sizeof *e);
        pgc_strmap_put(cat->a, m, name, e);
    }
    LIST_EACH(i, e->objs.len)
        if (e->objs.items[i] == obj)
            return; /* renamed back */
    PGC_PUSH(cat->a, e->objs, obj);
    PGC_PUSH(cat->a, e->oids, oid);
    /* a renamed object may be older than those already there */
    size_t at = e->objs.len - 1;
    for (; at > 0 && e->oids.items[at - 1] > oid; at--) {
        e->objs.items[at] = e->objs.items[at - 1];
        e->oids.items[at] = e->oids.items[at - 1];
    }
    e->objs.items[at] = obj;
    e->oids.items[at] = oid;
}

/* Records that the (non-array) type u is now called u->name. */
void pgc_cat_index_type(pgc_catalog *cat, pgc_utype *u)
{
    index_named(cat, &cat->types_by_name, u->name, u, u->t.oid);
}

const pgc_named_list *pgc_cat_types_named(const pgc_catalog *cat, const char *name)
{
    return named(&cat->types_by_name, name);
}

static pgc_utype *alloc_type(pgc_catalog *cat)
{
    pgc_utype *u = pgc_arena_alloc(cat->a, sizeof *u);
    u->t.oid = PGC_USER_OID_BASE + (uint32_t)cat->types.len;
    u->base_typmod = -1;
    PGC_PUSH(cat->a, cat->types, u);
    return u;
}

/* A new user type (typtype 'e', 'c', 'd' or 'b') and its array type. */
pgc_utype *pgc_cat_new_type(pgc_catalog *cat, const char *schema, const char *name, char typtype,
                            char category)
{
    pgc_utype *u = alloc_type(cat);
    u->schema = pgc_arena_strdup(cat->a, schema);
    u->name = pgc_arena_strdup(cat->a, name);
    u->t.type = typtype;
    u->t.category = category;
    u->t.len = typtype == 'e' ? 4 : -1;
    u->t.byval = typtype == 'e';
    pgc_utype *arr = alloc_type(cat);
    arr->t.type = 'b';
    arr->t.category = 'A';
    arr->t.len = -1;
    arr->t.elem = u->t.oid;
    u->t.array = arr->t.oid;
    pgc_cat_name_type(cat, u);
    pgc_cat_index_type(cat, u);
    return u;
}

/* The user-defined objects an unqualified name finds: those in public, the
 * run-time search path's one schema that can hold them (semantic.h; never
 * the library's schema, which only templates name). */
bool pgc_cat_in_search_path(const char *schema)
{
    return strcmp(schema, "public") == 0;
}

/* A user type (not an array) by name; schema NULL searches the path. */
pgc_utype *pgc_cat_find_utype(const pgc_catalog *cat, const char *schema, const char *name)
{
    const pgc_named_list *same = pgc_cat_types_named(cat, name);
    LIST_EACH(i, same->len) {
        pgc_utype *u = same->items[i];
        if (!u->dropped && u->t.elem == 0 && u->name && strcmp(u->name, name) == 0
            && (schema ? strcmp(u->schema, schema) == 0 : pgc_cat_in_search_path(u->schema)))
            return u;
    }
    return NULL;
}

bool pgc_cat_schema_exists(const pgc_catalog *cat, const char *schema)
{
    if (strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "pg_temp") == 0)
        return true; /* pg_temp: the session's temporary schema */
    LIST_EACH(i, cat->schemas.len)
        if (strcmp(cat->schemas.items[i], schema) == 0)
            return true;
    return false;
}

static int32_t const_int(const PgQuery__Node *n, bool *ok)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST
        && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
        return n->a_const->ival->ival;
    *ok = false;
    return 0;
}

/* The typmod of a built-in type from the TypeName's modifiers, as the
 * types' typmodin functions compute it. */
static bool compute_typmod(pgc_diags *d, const pgc_stmt_text *t, const PgQuery__TypeName *tn,
                           uint32_t oid, int32_t *typmod)
{
    *typmod = -1;
    if (tn->n_typmods == 0)
        return true;
    bool ok = true;
    int32_t m0 = const_int(tn->typmods[0], &ok);
    int32_t m1 = tn->n_typmods > 1 ? const_int(tn->typmods[1], &ok) : 0;
    if (!ok)
        return cat_fail(d, t, tn->location, "type modifiers must be simple constants");
    switch (oid) {
    case OID_VARCHAR:
    case OID_BPCHAR:
        if (tn->n_typmods != 1 || m0 < 1)
            return cat_fail(d, t, tn->location, "length for type %s must be at least 1",
                        oid == OID_VARCHAR ? "varchar" : "char");
        *typmod = m0 + 4;
        return true;
    case OID_NUMERIC:
        if (tn->n_typmods > 2 || m0 < 1 || m0 > 1000)
            return cat_fail(d, t, tn->location, "NUMERIC precision %d must be between 1 and 1000",
                        m0);
        *typmod = (int32_t)((((uint32_t)m0 << 16) | ((uint32_t)m1 & 0x7ff)) + 4);
        return true;
    case OID_TIME:
    case OID_TIMETZ:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        if (tn->n_typmods != 1 || m0 < 0)
            return cat_fail(d, t, tn->location, "invalid type modifier");
        *typmod = m0 > 6 ? 6 : m0;
        return true;
    case OID_INTERVAL: {
        int32_t range = m0, prec = 0xFFFF;
        if (tn->n_typmods == 2)
            prec = m1 > 6 ? 6 : m1;
        if (range == 0x7FFF && prec == 0xFFFF)
            *typmod = -1;
        else
            *typmod = (range << 16) | prec;
        return true;
    }
    case OID_BIT:
    case OID_VARBIT:
        if (tn->n_typmods != 1 || m0 < 1)
            return cat_fail(d, t, tn->location, "length for type %s must be at least 1",
                        oid == OID_BIT ? "bit" : "varbit");
        *typmod = m0;
        return true;
    default:
        return cat_fail(d, t, tn->location, "type modifier is not allowed for this type");
    }
}

/* Records that rel is now called rel->name (see pgc_named_list). */
void pgc_cat_index_rel(pgc_catalog *cat, pgc_rel *rel)
{
    index_named(cat, &cat->rels_by_name, rel->name, rel, rel->rowtype);
}

const pgc_named_list *pgc_cat_rels_named(const pgc_catalog *cat, const char *name)
{
    return named(&cat->rels_by_name, name);
}

/* A system relation of catalog_sys.c, made into a pgc_rel on first use. */
static pgc_rel *system_rel(pgc_catalog *cat, const char *schema, const char *name)
{
    const pgc_named_list *same = pgc_cat_rels_named(cat, name);
    LIST_EACH(i, same->len) {
        pgc_rel *r = same->items[i];
        if (r->system && strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0)
            return r;
    }
    LIST_EACH(i, pgc_sys_nrels) {
        const pgc_sys_rel *sr = &pgc_sys_rels[i];
        if (strcmp(sr->schema, schema) != 0 || strcmp(sr->name, name) != 0)
            continue;
        pgc_rel *r = pgc_cat_new_rel(cat, schema, name, sr->kind);
        r->system = true;
        for (const char *p = sr->cols; *p;) {
            const char *end = strchr(p, ' ');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            char *spec = pgc_arena_strndup(cat->a, p, n);
            char *f1 = strchr(spec, ':');
            char *f2 = f1 ? strchr(f1 + 1, ':') : NULL;
            char *f3 = f2 ? strchr(f2 + 1, ':') : NULL;
            if (f3) {
                *f1 = *f2 = *f3 = '\0';
                pgc_col c = {0};
                c.name = spec;
                c.type = (uint32_t)strtoul(f1 + 1, NULL, 10);
                c.typmod = (int32_t)strtol(f2 + 1, NULL, 10);
                c.not_null = f3[1] == '1';
                PGC_PUSH(cat->a, r->cols, c);
            }
            p += n;
            while (*p == ' ')
                p++;
        }
        return r;
    }
    return NULL;
}

/* A user relation (not a composite type's) in schema, or NULL. */
static pgc_rel *user_rel(const pgc_catalog *cat, const char *schema, const char *name)
{
    const pgc_named_list *same = pgc_cat_rels_named(cat, name);
    LIST_EACH(i, same->len) {
        pgc_rel *r = same->items[i];
        if (!r->dropped && !r->system && r->kind != 'c' && strcmp(r->name, name) == 0
            && strcmp(r->schema, schema) == 0)
            return r;
    }
    return NULL;
}

pgc_rel *pgc_cat_find_rel(pgc_catalog *cat, const char *schema, const char *name)
{
    if (schema && (strcmp(schema, "pg_catalog") == 0
                   || strcmp(schema, "information_schema") == 0))
        return system_rel(cat, schema, name);
    if (schema)
        return user_rel(cat, schema, name);
    /* the server's order: pg_temp, pg_catalog, then the path ("$user", public) */
    pgc_rel *r = user_rel(cat, "pg_temp", name);
    if (!r)
        r = system_rel(cat, "pg_catalog", name);
    if (!r)
        r = user_rel(cat, "public", name);
    return r;
}

void pgc_cat_rel_children(const pgc_catalog *cat, pgc_arena *a, const pgc_rel *rel,
                          pgc_rel_list *out)
{
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *child = cat->rels.items[i];
        LIST_EACH(k, child->dropped ? 0 : child->parents.len)
            if (child->parents.items[k] == rel) {
                PGC_PUSH(a, *out, child);
                break;
            }
    }
}

/* What a relation of this kind is called in messages. */
const char *pgc_cat_rel_kind_name(char kind)
{
    switch (kind) {
    case 'r': return "table";
    case 'p': return "partitioned table";
    case 'f': return "foreign table";
    case 'v': return "view";
    case 'm': return "materialized view";
    case 'S': return "sequence";
    default: return "composite type";
    }
}

/* The library's own object of that kind and name (made in PGC_HOME_SCHEMA). */
const char *pgc_cat_home_object(const pgc_catalog *cat, char kind, const char *name)
{
    if (kind == 'r') {
        const pgc_rel *rel = user_rel(cat, PGC_HOME_SCHEMA, name);
        return rel ? pgc_cat_rel_kind_name(rel->kind) : NULL;
    }
    if (kind == 't') {
        const pgc_utype *u = pgc_cat_find_utype(cat, PGC_HOME_SCHEMA, name);
        return !u ? NULL : u->t.type == 'd' ? "domain" : "type";
    }
    LIST_EACH(i, cat->funcs.len) {
        const pgc_ufunc *f = cat->funcs.items[i];
        if (!f->dropped && strcmp(f->f.name, name) == 0
            && strcmp(f->schema, PGC_HOME_SCHEMA) == 0)
            return "function";
    }
    return NULL;
}

bool pgc_cat_note_home(const pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                       int32_t location, char kind, const char *name)
{
    const char *what = d && name ? pgc_cat_home_object(cat, kind, name) : NULL;
    if (!what)
        return false;
    pgc_diag_note(d, t->file, pgc_parse_source_offset(t, location),
                  kind == 'r' ? "\"%s\" is the library's %s: write {{tables.%s}}"
                              : "\"%s\" is the library's %s: write {{schema}}.%s",
                  name, what, kind == 'r' ? name : pgc_cat_quote_ident(cat->a, name));
    return true;
}

static const pgc_col *find_col(const pgc_rel *r, const char *name)
{
    LIST_EACH(i, r->cols.len)
        if (strcmp(r->cols.items[i].name, name) == 0)
            return &r->cols.items[i];
    return NULL;
}

bool pgc_cat_typename(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                      const PgQuery__TypeName *tn, uint32_t *oid, int32_t *typmod)
{
    if (tn->pct_type) {
        /* table.column%TYPE or schema.table.column%TYPE */
        if (tn->n_names < 2)
            return cat_fail(d, t, tn->location, "improper %%TYPE reference");
        const char *col = str_of(tn->names[tn->n_names - 1]);
        const char *rel = str_of(tn->names[tn->n_names - 2]);
        const char *schema = tn->n_names >= 3 ? str_of(tn->names[tn->n_names - 3]) : NULL;
        const pgc_rel *r = pgc_cat_find_rel(cat, schema, rel);
        if (!r) {
            cat_fail(d, t, tn->location, "relation \"%s\" does not exist", rel);
            if (!schema)
                pgc_cat_note_home(cat, d, t, tn->location, 'r', rel);
            return false;
        }
        const pgc_col *c = find_col(r, col);
        if (!c)
            return cat_fail(d, t, tn->location, "column \"%s\" of relation \"%s\" does not exist",
                        col, rel);
        *oid = c->type;
        *typmod = c->typmod;
    } else {
        const char *schema, *name;
        pgc_cat_split_name(tn->names, tn->n_names, &schema, &name);
        if (!name)
            return cat_fail(d, t, tn->location, "improper type name");
        const pgc_bi_type *bt = NULL;
        pgc_utype *u = NULL;
        if (!schema || strcmp(schema, "pg_catalog") == 0)
            bt = pgc_bi_type_by_typname(name);
        if (!bt && (!schema || strcmp(schema, "pg_catalog") != 0))
            u = pgc_cat_find_utype(cat, schema, name);
        if (!bt && !u) {
            if (schema && strcmp(schema, PGC_HOME_SCHEMA) != 0)
                return cat_fail(d, t, tn->location, "type \"%s.%s\" does not exist", schema, name);
            cat_fail(d, t, tn->location, "type \"%s\" does not exist", name);
            if (!schema)
                pgc_cat_note_home(cat, d, t, tn->location, 't', name);
            return false;
        }
        *oid = bt ? bt->oid : u->t.oid;
        *typmod = -1;
        if (bt && !compute_typmod(d, t, tn, bt->oid, typmod))
            return false;
        if (u && tn->n_typmods)
            return cat_fail(d, t, tn->location, "type modifier is not allowed for type \"%s\"",
                        u->t.name);
    }
    if (tn->n_array_bounds) {
        uint32_t arr = pgc_cat_array_type(cat, *oid);
        if (!arr)
            return cat_fail(d, t, tn->location, "could not find array type for data type %s",
                        pgc_catalog_type_name(cat, *oid, -1));
        *oid = arr;
    }
    return true;
}

/* ---- format_type() ------------------------------------------------------- */

static const char *interval_fields(int32_t range)
{
    switch (range) {
    case 1 << 2: return " year";
    case 1 << 1: return " month";
    case 1 << 3: return " day";
    case 1 << 10: return " hour";
    case 1 << 11: return " minute";
    case 1 << 12: return " second";
    case (1 << 2) | (1 << 1): return " year to month";
    case (1 << 3) | (1 << 10): return " day to hour";
    case (1 << 3) | (1 << 10) | (1 << 11): return " day to minute";
    case (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12): return " day to second";
    case (1 << 10) | (1 << 11): return " hour to minute";
    case (1 << 10) | (1 << 11) | (1 << 12): return " hour to second";
    case (1 << 11) | (1 << 12): return " minute to second";
    default: return "";
    }
}

const char *pgc_catalog_type_name(pgc_catalog *cat, uint32_t oid, int32_t typmod)
{
    const pgc_bi_type *t = pgc_cat_type(cat, oid);
    if (!t)
        return pgc_arena_printf(cat->a, "?type %u?", (unsigned)oid);
    if (t->category == 'A' && t->elem && oid != OID_INT2VECTOR && oid != OID_OIDVECTOR)
        return pgc_arena_printf(cat->a, "%s[]", pgc_catalog_type_name(cat, t->elem, typmod));
    if (typmod < 0) {
        /* format_type(): bpchar and bit with typmod -1 are not character(1)
         * and bit(1), so they are spelled by their type names */
        if (oid == OID_BPCHAR)
            return "bpchar";
        if (oid == OID_BIT)
            return "\"bit\"";
        return t->name;
    }
    switch (oid) {
    case OID_VARCHAR:
        return pgc_arena_printf(cat->a, "character varying(%d)", typmod - 4);
    case OID_BPCHAR:
        return pgc_arena_printf(cat->a, "character(%d)", typmod - 4);
    case OID_NUMERIC: {
        int32_t m = typmod - 4;
        int32_t scale = m & 0x7ff;
        if (scale & 0x400)
            scale -= 0x800;
        return pgc_arena_printf(cat->a, "numeric(%d,%d)", (m >> 16) & 0xffff, scale);
    }
    case OID_TIME:
        return pgc_arena_printf(cat->a, "time(%d) without time zone", typmod);
    case OID_TIMETZ:
        return pgc_arena_printf(cat->a, "time(%d) with time zone", typmod);
    case OID_TIMESTAMP:
        return pgc_arena_printf(cat->a, "timestamp(%d) without time zone", typmod);
    case OID_TIMESTAMPTZ:
        return pgc_arena_printf(cat->a, "timestamp(%d) with time zone", typmod);
    case OID_INTERVAL: {
        int32_t prec = typmod & 0xFFFF, range = (typmod >> 16) & 0x7FFF;
        if (prec == 0xFFFF)
            return pgc_arena_printf(cat->a, "interval%s", interval_fields(range));
        return pgc_arena_printf(cat->a, "interval%s(%d)", interval_fields(range), prec);
    }
    case OID_BIT:
        return pgc_arena_printf(cat->a, "bit(%d)", typmod);
    case OID_VARBIT:
        return pgc_arena_printf(cat->a, "bit varying(%d)", typmod);
    default:
        return t->name;
    }
}

/* ------------------------------------------------------------------------ */
/* Functions, operators, casts                                               */
/* ------------------------------------------------------------------------ */

const pgc_bi_func *pgc_cat_func(const pgc_catalog *cat, uint32_t oid)
{
    if (oid >= PGC_USER_OID_BASE) {
        LIST_EACH(i, cat->funcs.len)
            if (cat->funcs.items[i]->f.oid == oid)
                return &cat->funcs.items[i]->f;
        return NULL;
    }
    return pgc_bi_func_by_oid(oid);
}

void pgc_cat_funcs_named(const pgc_catalog *cat, pgc_arena *a, const char *schema,
                         const char *name, pgc_func_list *out)
{
    if (!schema || strcmp(schema, "pg_catalog") == 0) {
        size_t n;
        const pgc_bi_func *f = pgc_bi_funcs_named(name, &n);
        LIST_EACH(i, n)
            PGC_PUSH(a, *out, &f[i]);
    }
    LIST_EACH(i, cat->funcs.len) {
        const pgc_ufunc *u = cat->funcs.items[i];
        if (u->dropped || strcmp(u->f.name, name) != 0)
            continue;
        if (schema ? strcmp(u->schema, schema) == 0 : pgc_cat_in_search_path(u->schema))
            PGC_PUSH(a, *out, &u->f);
    }
}

void pgc_cat_opers_named(const pgc_catalog *cat, pgc_arena *a, const char *schema,
                         const char *name, pgc_oper_list *out)
{
    if (!schema || strcmp(schema, "pg_catalog") == 0) {
        size_t n;
        const pgc_bi_oper *o = pgc_bi_opers_named(name, &n);
        LIST_EACH(i, n)
            PGC_PUSH(a, *out, &o[i]);
    }
    LIST_EACH(i, cat->opers.len) {
        const pgc_uoper *u = cat->opers.items[i];
        if (strcmp(u->o.name, name) != 0)
            continue;
        if (schema ? strcmp(u->schema, schema) == 0 : pgc_cat_in_search_path(u->schema))
            PGC_PUSH(a, *out, &u->o);
    }
}

const pgc_bi_cast *pgc_cat_cast(const pgc_catalog *cat, uint32_t source, uint32_t target)
{
    if (source < PGC_USER_OID_BASE && target < PGC_USER_OID_BASE)
        return pgc_bi_cast_find(source, target);
    LIST_EACH(i, cat->casts.len)
        if (cat->casts.items[i].source == source && cat->casts.items[i].target == target)
            return &cat->casts.items[i];
    return NULL;
}

pgc_ufunc *pgc_cat_add_func(pgc_catalog *cat, const char *schema, const char *name, char kind,
                            uint32_t rettype, bool retset, bool strict, int nargs,
                            const uint32_t *args)
{
    pgc_ufunc *u = pgc_arena_alloc(cat->a, sizeof *u);
    u->schema = pgc_arena_strdup(cat->a, schema);
    u->rettypmod = -1;
    u->f.oid = cat->next_func_oid++;
    u->f.name = pgc_arena_strdup(cat->a, name);
    u->f.kind = kind;
    u->f.rettype = rettype;
    u->f.retset = retset;
    u->f.strict = strict;
    u->f.nargs = (uint8_t)nargs;
    if (nargs) {
        pgc_bi_oid *copy = pgc_arena_alloc(cat->a, (size_t)nargs * sizeof *copy);
        memcpy(copy, args, (size_t)nargs * sizeof *copy);
        u->f.args = copy;
    }
    if (kind == 'a')
        u->f.aggkind = 'n';
    PGC_PUSH(cat->a, cat->funcs, u);
    return u;
}

void pgc_cat_add_oper(pgc_catalog *cat, const char *schema, const char *name, uint32_t left,
                      uint32_t right, uint32_t result)
{
    uint32_t args[2] = {left, right};
    pgc_ufunc *f = pgc_cat_add_func(cat, schema, pgc_arena_printf(cat->a, "oper%s", name), 'f', result,
                            false, true, left ? 2 : 1, left ? args : args + 1);
    f->dropped = true; /* callable only as the operator */
    pgc_uoper *o = pgc_arena_alloc(cat->a, sizeof *o);
    o->schema = f->schema;
    o->o.oid = f->f.oid;
    o->o.name = pgc_arena_strdup(cat->a, name);
    o->o.left = left;
    o->o.right = right;
    o->o.result = result;
    o->o.func = f->f.oid;
    PGC_PUSH(cat->a, cat->opers, o);
}

void pgc_cat_add_cast(pgc_catalog *cat, uint32_t source, uint32_t target, char context,
                      char method)
{
    pgc_bi_cast c = {source, target, context, method};
    PGC_PUSH(cat->a, cat->casts, c);
}

/* ------------------------------------------------------------------------ */
/* The catalog                                                               */
/* ------------------------------------------------------------------------ */

pgc_catalog *pgc_catalog_new(pgc_arena *a)
{
    pgc_catalog *cat = pgc_arena_alloc(a, sizeof *cat);
    cat->a = a;
    cat->next_func_oid = PGC_USER_OID_BASE;
    PGC_PUSH(a, cat->schemas, "public");
    PGC_PUSH(a, cat->schemas, PGC_HOME_SCHEMA);
    return cat;
}

bool pgc_cat_note_unknown_schema(const pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                                 int32_t location, const char *schema)
{
    if (!d || !schema || pgc_cat_schema_exists(cat, schema) || strcmp(schema, "information_schema") == 0)
        return false;
    pgc_diag_note(d, t->file, pgc_parse_source_offset(t, location),
                  "no migration creates schema \"%s\": give the DDL of objects the library "
                  "does not own as a catalog-only input (-c PATH)",
                  schema);
    return true;
}

/* A relation and its row type. */
pgc_rel *pgc_cat_new_rel(pgc_catalog *cat, const char *schema, const char *name, char kind)
{
    pgc_rel *rel = pgc_arena_alloc(cat->a, sizeof *rel);
    rel->schema = pgc_arena_strdup(cat->a, schema);
    rel->name = pgc_arena_strdup(cat->a, name);
    rel->kind = kind;
    pgc_utype *u = pgc_cat_new_type(cat, schema, name, 'c', 'C');
    u->rel = rel;
    rel->rowtype = u->t.oid;
    PGC_PUSH(cat->a, cat->rels, rel);
    pgc_cat_index_rel(cat, rel);
    return rel;
}

