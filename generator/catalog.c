/*
 * catalog.c - the catalog a project's migrations build (semantic.h):
 * schemas, tables and their columns, enums, composite types, domains,
 * views, functions' result types, and the types of a few extensions,
 * replayed statement by statement in migration order.  Built-in types,
 * functions, operators and casts come from builtins.h; user-defined ones
 * live in the catalog's arena in the same shapes (catalog_internal.h).
 *
 * What it follows is listed in pgc_catalog_apply(); a statement that could
 * change what queries see and that it cannot follow is an error at the
 * statement, never skipped in silence.
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
/* Diagnostics                                                               */
/* ------------------------------------------------------------------------ */

/* Reports at a node's location; d NULL reports nothing (a quiet lookup). */
PGC_PRINTF(4, 5)
static bool fail(pgc_diags *d, const pgc_stmt_text *t, int32_t location, const char *fmt, ...)
{
    if (!d)
        return false;
    va_list ap;
    va_start(ap, fmt);
    pgc_diag_verror(d, t->file, pgc_parse_source_offset(t, location), fmt, ap);
    va_end(ap);
    return false;
}

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
static const char *quote_ident(pgc_arena *a, const char *s)
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
        return quote_ident(a, name);
    return pgc_arena_printf(a, "%s.%s", quote_ident(a, schema), quote_ident(a, name));
}

static const char *str_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* A qualified name as a list of String nodes: [catalog.][schema.]name. */
static void split_name(PgQuery__Node **names, size_t n, const char **schema, const char **name)
{
    *name = n ? str_of(names[n - 1]) : NULL;
    *schema = n >= 2 ? str_of(names[n - 2]) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Types                                                                     */
/* ------------------------------------------------------------------------ */

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
static void name_type(pgc_catalog *cat, pgc_utype *u)
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
typedef PGC_VEC(void *) named_list;
typedef PGC_VEC(uint32_t) oid_list;

typedef struct named_entry {
    named_list objs;
    oid_list oids; /* each object's creation oid, ascending */
} named_entry;

static const named_list *named(const pgc_strmap *m, const char *name)
{
    static const named_list none = {0};
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
static void index_type(pgc_catalog *cat, pgc_utype *u)
{
    index_named(cat, &cat->types_by_name, u->name, u, u->t.oid);
}

static const named_list *types_named(const pgc_catalog *cat, const char *name)
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
static pgc_utype *new_type(pgc_catalog *cat, const char *schema, const char *name, char typtype,
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
    name_type(cat, u);
    index_type(cat, u);
    return u;
}

/* The user-defined objects an unqualified name finds: those in public, the
 * run-time search path's one schema that can hold them (semantic.h; never
 * the library's schema, which only templates name). */
static bool in_search_path(const char *schema)
{
    return strcmp(schema, "public") == 0;
}

/* A user type (not an array) by name; schema NULL searches the path. */
static pgc_utype *find_utype(const pgc_catalog *cat, const char *schema, const char *name)
{
    const named_list *same = types_named(cat, name);
    LIST_EACH(i, same->len) {
        pgc_utype *u = same->items[i];
        if (!u->dropped && u->t.elem == 0 && u->name && strcmp(u->name, name) == 0
            && (schema ? strcmp(u->schema, schema) == 0 : in_search_path(u->schema)))
            return u;
    }
    return NULL;
}

static bool schema_exists(const pgc_catalog *cat, const char *schema)
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
        return fail(d, t, tn->location, "type modifiers must be simple constants");
    switch (oid) {
    case OID_VARCHAR:
    case OID_BPCHAR:
        if (tn->n_typmods != 1 || m0 < 1)
            return fail(d, t, tn->location, "length for type %s must be at least 1",
                        oid == OID_VARCHAR ? "varchar" : "char");
        *typmod = m0 + 4;
        return true;
    case OID_NUMERIC:
        if (tn->n_typmods > 2 || m0 < 1 || m0 > 1000)
            return fail(d, t, tn->location, "NUMERIC precision %d must be between 1 and 1000",
                        m0);
        *typmod = (int32_t)((((uint32_t)m0 << 16) | ((uint32_t)m1 & 0x7ff)) + 4);
        return true;
    case OID_TIME:
    case OID_TIMETZ:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        if (tn->n_typmods != 1 || m0 < 0)
            return fail(d, t, tn->location, "invalid type modifier");
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
            return fail(d, t, tn->location, "length for type %s must be at least 1",
                        oid == OID_BIT ? "bit" : "varbit");
        *typmod = m0;
        return true;
    default:
        return fail(d, t, tn->location, "type modifier is not allowed for this type");
    }
}

static pgc_rel *new_rel(pgc_catalog *cat, const char *schema, const char *name, char kind);

/* Records that rel is now called rel->name (see named_list). */
static void index_rel(pgc_catalog *cat, pgc_rel *rel)
{
    index_named(cat, &cat->rels_by_name, rel->name, rel, rel->rowtype);
}

static const named_list *rels_named(const pgc_catalog *cat, const char *name)
{
    return named(&cat->rels_by_name, name);
}

/* A system relation of catalog_sys.c, made into a pgc_rel on first use. */
static pgc_rel *system_rel(pgc_catalog *cat, const char *schema, const char *name)
{
    const named_list *same = rels_named(cat, name);
    LIST_EACH(i, same->len) {
        pgc_rel *r = same->items[i];
        if (r->system && strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0)
            return r;
    }
    LIST_EACH(i, pgc_sys_nrels) {
        const pgc_sys_rel *sr = &pgc_sys_rels[i];
        if (strcmp(sr->schema, schema) != 0 || strcmp(sr->name, name) != 0)
            continue;
        pgc_rel *r = new_rel(cat, schema, name, sr->kind);
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
    const named_list *same = rels_named(cat, name);
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

/* What a relation of this kind is called in messages. */
static const char *rel_kind_name(char kind)
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
static const char *home_object(const pgc_catalog *cat, char kind, const char *name)
{
    if (kind == 'r') {
        const pgc_rel *rel = user_rel(cat, PGC_HOME_SCHEMA, name);
        return rel ? rel_kind_name(rel->kind) : NULL;
    }
    if (kind == 't') {
        const pgc_utype *u = find_utype(cat, PGC_HOME_SCHEMA, name);
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
    const char *what = d && name ? home_object(cat, kind, name) : NULL;
    if (!what)
        return false;
    pgc_diag_note(d, t->file, pgc_parse_source_offset(t, location),
                  kind == 'r' ? "\"%s\" is the library's %s: write {{tables.%s}}"
                              : "\"%s\" is the library's %s: write {{schema}}.%s",
                  name, what, kind == 'r' ? name : quote_ident(cat->a, name));
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
            return fail(d, t, tn->location, "improper %%TYPE reference");
        const char *col = str_of(tn->names[tn->n_names - 1]);
        const char *rel = str_of(tn->names[tn->n_names - 2]);
        const char *schema = tn->n_names >= 3 ? str_of(tn->names[tn->n_names - 3]) : NULL;
        const pgc_rel *r = pgc_cat_find_rel(cat, schema, rel);
        if (!r) {
            fail(d, t, tn->location, "relation \"%s\" does not exist", rel);
            if (!schema)
                pgc_cat_note_home(cat, d, t, tn->location, 'r', rel);
            return false;
        }
        const pgc_col *c = find_col(r, col);
        if (!c)
            return fail(d, t, tn->location, "column \"%s\" of relation \"%s\" does not exist",
                        col, rel);
        *oid = c->type;
        *typmod = c->typmod;
    } else {
        const char *schema, *name;
        split_name(tn->names, tn->n_names, &schema, &name);
        if (!name)
            return fail(d, t, tn->location, "improper type name");
        const pgc_bi_type *bt = NULL;
        pgc_utype *u = NULL;
        if (!schema || strcmp(schema, "pg_catalog") == 0)
            bt = pgc_bi_type_by_typname(name);
        if (!bt && (!schema || strcmp(schema, "pg_catalog") != 0))
            u = find_utype(cat, schema, name);
        if (!bt && !u) {
            if (schema && strcmp(schema, PGC_HOME_SCHEMA) != 0)
                return fail(d, t, tn->location, "type \"%s.%s\" does not exist", schema, name);
            fail(d, t, tn->location, "type \"%s\" does not exist", name);
            if (!schema)
                pgc_cat_note_home(cat, d, t, tn->location, 't', name);
            return false;
        }
        *oid = bt ? bt->oid : u->t.oid;
        *typmod = -1;
        if (bt && !compute_typmod(d, t, tn, bt->oid, typmod))
            return false;
        if (u && tn->n_typmods)
            return fail(d, t, tn->location, "type modifier is not allowed for type \"%s\"",
                        u->t.name);
    }
    if (tn->n_array_bounds) {
        uint32_t arr = pgc_cat_array_type(cat, *oid);
        if (!arr)
            return fail(d, t, tn->location, "could not find array type for data type %s",
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
        if (schema ? strcmp(u->schema, schema) == 0 : in_search_path(u->schema))
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
        if (schema ? strcmp(u->schema, schema) == 0 : in_search_path(u->schema))
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

static pgc_ufunc *add_func(pgc_catalog *cat, const char *schema, const char *name, char kind,
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

static void add_oper(pgc_catalog *cat, const char *schema, const char *name, uint32_t left,
                     uint32_t right, uint32_t result)
{
    uint32_t args[2] = {left, right};
    pgc_ufunc *f = add_func(cat, schema, pgc_arena_printf(cat->a, "oper%s", name), 'f', result,
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

static void add_cast(pgc_catalog *cat, uint32_t source, uint32_t target, char context,
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

/* Where CREATE without a schema puts things: the first schema of the path. */
typedef struct replay {
    pgc_catalog *cat;
    pgc_diags *d;
    const pgc_stmt_text *t;
    const char *default_schema;  /* CREATE SCHEMA's elements */
    bool only;                   /* ALTER TABLE ONLY, CREATE INDEX ON ONLY: no partitions */
} replay;

static const char *creation_schema(replay *r, const char *schema, int32_t location, bool *ok)
{
    if (!schema)
        schema = r->default_schema;
    if (!schema) {
        /* the first schema of the server's default search_path that exists */
        if (!schema_exists(r->cat, "public")) {
            *ok = fail(r->d, r->t, location, "no schema has been selected to create in");
            return NULL;
        }
        schema = "public";
    }
    if (!schema_exists(r->cat, schema)) {
        *ok = fail(r->d, r->t, location, "schema \"%s\" does not exist", schema);
        return NULL;
    }
    if (strcmp(schema, "pg_catalog") == 0) {
        *ok = fail(r->d, r->t, location, "permission denied to create \"pg_catalog.*\"");
        return NULL;
    }
    return schema;
}

bool pgc_cat_note_unknown_schema(const pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                                 int32_t location, const char *schema)
{
    if (!d || !schema || schema_exists(cat, schema) || strcmp(schema, "information_schema") == 0)
        return false;
    pgc_diag_note(d, t->file, pgc_parse_source_offset(t, location),
                  "no migration creates schema \"%s\": give the DDL of objects the library "
                  "does not own as a catalog-only input (-c PATH)",
                  schema);
    return true;
}

/* Where in t's canonical text name is first written as a word (for
 * statements whose names the parser gives no location), or -1. */
static int32_t name_location(const pgc_stmt_text *t, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = t->canon; n && (p = strstr(p, name)) != NULL; p++) {
        bool before = p > t->canon && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return (int32_t)(p - t->canon);
    }
    return -1;
}

/*
 * creation_schema() for an object the library's migrations create: in a
 * dual-mode library's (pgc_catalog_set_templated()), one made without a
 * schema is an error with the fix, for it would land in public, once for
 * every embedding, and the second embedding fails (42P07, 42710).  kind
 * names the object in the message ("table"); relations take {{tables.x}},
 * other objects {{schema}}.x.  location -1 looks the name up in t.
 */
static const char *own_creation_schema(replay *r, const char *schema, const char *kind,
                                       const char *name, bool relation, int32_t location,
                                       bool *ok)
{
    if (location < 0 && name)
        location = name_location(r->t, name);
    if (!schema && !r->default_schema && r->cat->templated && name) {
        fail(r->d, r->t, location,
             "%s \"%s\" is created without a schema: it would land in public, the same for "
             "every embedding of the library",
             kind, name);
        if (r->d)
            pgc_diag_note(r->d, r->t->file, pgc_parse_source_offset(r->t, location),
                          relation ? "create the library's %s as {{tables.%s}}"
                                   : "create the library's %s as {{schema}}.%s",
                          kind, relation ? name : quote_ident(r->cat->a, name));
        *ok = false;
        return NULL;
    }
    return creation_schema(r, schema, location, ok);
}

static bool name_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    const named_list *same = rels_named(cat, name);
    LIST_EACH(i, same->len) {
        const pgc_rel *r = same->items[i];
        if (!r->dropped && strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0)
            return true;
    }
    return false;
}

static bool type_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    const named_list *same = types_named(cat, name);
    LIST_EACH(i, same->len) {
        const pgc_utype *u = same->items[i];
        if (!u->dropped && u->t.elem == 0 && strcmp(u->schema, schema) == 0
            && strcmp(u->name, name) == 0)
            return true;
    }
    return false;
}

/* A relation and its row type. */
static pgc_rel *new_rel(pgc_catalog *cat, const char *schema, const char *name, char kind)
{
    pgc_rel *rel = pgc_arena_alloc(cat->a, sizeof *rel);
    rel->schema = pgc_arena_strdup(cat->a, schema);
    rel->name = pgc_arena_strdup(cat->a, name);
    rel->kind = kind;
    pgc_utype *u = new_type(cat, schema, name, 'c', 'C');
    u->rel = rel;
    rel->rowtype = u->t.oid;
    PGC_PUSH(cat->a, cat->rels, rel);
    index_rel(cat, rel);
    return rel;
}

static void drop_rel(pgc_catalog *cat, pgc_rel *rel)
{
    rel->dropped = true;
    LIST_EACH(i, cat->rels.len) /* its serial and identity sequences */
        if (cat->rels.items[i]->owned_by == rel && !cat->rels.items[i]->dropped)
            drop_rel(cat, cat->rels.items[i]);
    pgc_utype *u = pgc_cat_utype(cat, rel->rowtype);
    if (u) {
        u->dropped = true;
        pgc_utype *arr = pgc_cat_utype(cat, u->t.array);
        if (arr)
            arr->dropped = true;
    }
}

/* The schema a RangeVar names; CREATE TEMP ... names pg_temp. */
static const char *rv_schema(const PgQuery__RangeVar *rv)
{
    if (rv->schemaname && *rv->schemaname)
        return rv->schemaname;
    return rv->relpersistence && rv->relpersistence[0] == 't' ? "pg_temp" : NULL;
}

static pgc_rel *find_rel_kind(replay *r, const PgQuery__RangeVar *rv, const char *kinds,
                              bool missing_ok, bool *ok)
{
    pgc_rel *rel = pgc_cat_find_rel(r->cat, rv->schemaname && *rv->schemaname ? rv->schemaname
                                                                               : NULL,
                                    rv->relname);
    if (rel && strchr(kinds, rel->kind))
        return rel;
    /* IF EXISTS does not excuse naming the library's own relation unqualified:
     * at run time the statement would reach public's */
    const char *schema = rv_schema(rv);
    bool home = !schema && home_object(r->cat, 'r', rv->relname);
    if (missing_ok && !home)
        return NULL;
    if (schema && !schema_exists(r->cat, schema)) {
        *ok = fail(r->d, r->t, rv->location, "schema \"%s\" does not exist", schema);
        pgc_cat_note_unknown_schema(r->cat, r->d, r->t, rv->location, schema);
    } else if (schema && strcmp(schema, PGC_HOME_SCHEMA) != 0)
        *ok = fail(r->d, r->t, rv->location, "relation \"%s.%s\" does not exist", schema,
                   rv->relname);
    else
        *ok = fail(r->d, r->t, rv->location, "relation \"%s\" does not exist", rv->relname);
    if (home)
        pgc_cat_note_home(r->cat, r->d, r->t, rv->location, 'r', rv->relname);
    return NULL;
}

/*
 * The table a statement that pgc otherwise skips acts on (DML in a
 * migration, an index, a trigger, TRUNCATE): named without a schema, it
 * must not be the library's own only, for at run time the statement would
 * reach public's.  False after reporting.
 */
static bool named_as_at_run_time(replay *r, const PgQuery__RangeVar *rv)
{
    if (!rv || rv_schema(rv) || !home_object(r->cat, 'r', rv->relname)
        || pgc_cat_find_rel(r->cat, NULL, rv->relname))
        return true;
    fail(r->d, r->t, rv->location, "relation \"%s\" does not exist", rv->relname);
    pgc_cat_note_home(r->cat, r->d, r->t, rv->location, 'r', rv->relname);
    return false;
}

/* ---- columns ------------------------------------------------------------- */

static pgc_col *rel_col(pgc_rel *rel, const char *name)
{
    LIST_EACH(i, rel->cols.len)
        if (strcmp(rel->cols.items[i].name, name) == 0)
            return &rel->cols.items[i];
    return NULL;
}

static bool is_serial(const char *name, uint32_t *oid)
{
    static const struct { const char *name; uint32_t oid; } serials[] = {
        {"serial", OID_INT4}, {"serial4", OID_INT4}, {"bigserial", OID_INT8},
        {"serial8", OID_INT8}, {"smallserial", OID_INT2}, {"serial2", OID_INT2},
    };
    LIST_EACH(i, sizeof serials / sizeof *serials)
        if (strcmp(serials[i].name, name) == 0) {
            *oid = serials[i].oid;
            return true;
        }
    return false;
}

/* Applies a column constraint to c. */
static void column_constraint(pgc_col *c, const PgQuery__Constraint *k)
{
    switch ((int)k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        c->not_null = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        c->not_null = false;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        c->has_default = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        c->not_null = true;
        c->has_default = true;
        c->identity = k->generated_when && k->generated_when[0] == 'a' ? 'a' : 'd';
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        c->has_default = true;
        c->generated = 's';
        break;
    default:
        break;
    }
}

/* FOREIGN KEY / REFERENCES: the referenced table must exist (and be named
 * as at run time: the library's own through a template). */
static bool references(replay *r, const PgQuery__Constraint *k)
{
    bool ok = true;
    if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && k->pktable)
        find_rel_kind(r, k->pktable, "rp", false, &ok);
    return ok;
}

/* A column from a ColumnDef (CREATE TABLE, ADD COLUMN, composite types). */
static bool column_def(replay *r, const PgQuery__ColumnDef *cd, pgc_col *c)
{
    memset(c, 0, sizeof *c);
    c->name = pgc_arena_strdup(r->cat->a, cd->colname);
    c->typmod = -1;
    const PgQuery__TypeName *tn = cd->type_name;
    if (!tn)
        return fail(r->d, r->t, cd->location, "column \"%s\" has no type", cd->colname);
    const char *schema, *name;
    split_name(tn->names, tn->n_names, &schema, &name);
    uint32_t serial;
    if (tn->n_names == 1 && !tn->n_array_bounds && name && is_serial(name, &serial)) {
        c->type = serial;
        c->not_null = true;
        c->has_default = true;
    } else if (!pgc_cat_typename(r->cat, r->d, r->t, tn, &c->type, &c->typmod)) {
        return false;
    }
    if (cd->is_not_null)
        c->not_null = true;
    LIST_EACH(i, cd->n_constraints)
        if (cd->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            if (!references(r, cd->constraints[i]->constraint))
                return false;
            column_constraint(c, cd->constraints[i]->constraint);
        }
    if (cd->raw_default)
        c->has_default = true;
    /* a NOT NULL domain does not make the column NOT NULL (catalog_internal.h) */
    return true;
}

/* Adds or merges (inheritance) a column. */
static bool add_column(replay *r, pgc_rel *rel, const pgc_col *c, int32_t location, bool merge)
{
    pgc_col *old = rel_col(rel, c->name);
    if (old) {
        if (!merge)
            return fail(r->d, r->t, location, "column \"%s\" specified more than once",
                        c->name);
        if (old->type != c->type)
            return fail(r->d, r->t, location, "column \"%s\" has a type conflict", c->name);
        old->not_null = old->not_null || c->not_null;
        old->has_default = old->has_default || c->has_default;
        return true;
    }
    PGC_PUSH(r->cat->a, rel->cols, *c);
    return true;
}

/* ---- sequences ------------------------------------------------------------ */

/*
 * A sequence: to queries, a relation of one row, as PostgreSQL shows it
 * (SELECT last_value, log_cnt, is_called FROM s, every column NOT NULL).
 */
static pgc_rel *new_sequence(pgc_catalog *cat, const char *schema, const char *name,
                             pgc_rel *owner)
{
    static const struct {
        const char *name;
        uint32_t type;
    } cols[] = {{"last_value", OID_INT8}, {"log_cnt", OID_INT8}, {"is_called", OID_BOOL}};
    pgc_rel *seq = new_rel(cat, schema, name, 'S');
    pgc_utype *u = pgc_cat_utype(cat, seq->rowtype);
    if (u) { /* PostgreSQL gives a sequence no row type: the name stays free for one */
        u->dropped = true;
        pgc_utype *arr = pgc_cat_utype(cat, u->t.array);
        if (arr)
            arr->dropped = true;
    }
    LIST_EACH(i, sizeof cols / sizeof *cols) {
        pgc_col c = {0};
        c.name = cols[i].name;
        c.type = cols[i].type;
        c.typmod = -1;
        c.not_null = true;
        PGC_PUSH(cat->a, seq->cols, c);
    }
    seq->owned_by = owner;
    return seq;
}

/* Whether a relation, or an index pgc knows (a unique one), is called name. */
static bool relname_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    if (name_taken(cat, schema, name))
        return true;
    LIST_EACH(i, cat->rels.len) {
        const pgc_rel *rel = cat->rels.items[i];
        if (!rel->dropped && strcmp(rel->schema, schema) == 0)
            LIST_EACH(k, rel->uniques.len)
                if (strcmp(rel->uniques.items[k].name, name) == 0)
                    return true;
    }
    return false;
}

/*
 * The name PostgreSQL chooses for a sequence, index or key (makeObjectName
 * and ChooseRelationName): NAME1_NAME2_LABEL (NAME2 may be NULL), the
 * longer of the two names cut until it fits in 63 bytes, then LABEL1,
 * LABEL2, ... while the name is taken.
 */
static const char *choose_name(pgc_catalog *cat, const char *schema, const char *name1,
                               const char *name2, const char *label)
{
    for (int pass = 0;; pass++) {
        const char *l = pass ? pgc_arena_printf(cat->a, "%s%d", label, pass) : label;
        size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
        while (n1 + n2 + strlen(l) + (name2 ? 2 : 1) > 63) {
            if (n1 > n2)
                n1--;
            else
                n2--;
        }
        const char *name = name2 ? pgc_arena_printf(cat->a, "%.*s_%.*s_%s", (int)n1, name1,
                                                    (int)n2, name2, l)
                                 : pgc_arena_printf(cat->a, "%.*s_%s", (int)n1, name1, l);
        if (!relname_taken(cat, schema, name))
            return name;
    }
}

/* The list of names of option `opt` in DefElems opts, or NULL. */
static const PgQuery__List *option_names(PgQuery__Node **opts, size_t n, const char *opt)
{
    LIST_EACH(i, n) {
        const PgQuery__Node *o = opts[i];
        if (o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem->defname
            && strcmp(o->def_elem->defname, opt) == 0 && o->def_elem->arg
            && o->def_elem->arg->node_case == PG_QUERY__NODE__NODE_LIST)
            return o->def_elem->arg->list;
    }
    return NULL;
}

/*
 * The sequence a serial column, or an identity column (k: its IDENTITY
 * constraint, whose SEQUENCE NAME option may name it), brings along.
 */
static bool column_sequence(replay *r, pgc_rel *rel, const char *column,
                            const PgQuery__Constraint *k)
{
    const PgQuery__List *given = k ? option_names(k->options, k->n_options, "sequence_name")
                                   : NULL;
    if (!given) {
        new_sequence(r->cat, rel->schema,
                     choose_name(r->cat, rel->schema, rel->name, column, "seq"), rel);
        return true;
    }
    const char *schema, *name;
    split_name(given->items, given->n_items, &schema, &name);
    if (!name)
        return fail(r->d, r->t, k->location, "pgc cannot follow this SEQUENCE NAME");
    schema = schema ? schema : rel->schema;
    if (!schema_exists(r->cat, schema))
        return fail(r->d, r->t, k->location, "schema \"%s\" does not exist", schema);
    if (name_taken(r->cat, schema, name))
        return fail(r->d, r->t, k->location, "relation \"%s\" already exists", name);
    new_sequence(r->cat, schema, name, rel);
    return true;
}

/* The serial or identity column of ColumnDef cd in rel: its sequence. */
static bool column_def_sequence(replay *r, pgc_rel *rel, const PgQuery__ColumnDef *cd)
{
    const PgQuery__TypeName *tn = cd->type_name;
    uint32_t oid;
    if (tn && tn->n_names == 1 && !tn->n_array_bounds && str_of(tn->names[0])
        && is_serial(str_of(tn->names[0]), &oid))
        return column_sequence(r, rel, cd->colname, NULL);
    LIST_EACH(i, cd->n_constraints)
        if (cd->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && cd->constraints[i]->constraint->contype
                   == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY)
            return column_sequence(r, rel, cd->colname, cd->constraints[i]->constraint);
    return true;
}

/* OWNED BY [schema.]table.column | NONE, among a sequence's options. */
static bool sequence_options(replay *r, pgc_rel *seq, PgQuery__Node **opts, size_t n,
                             int32_t location)
{
    const PgQuery__List *owner = option_names(opts, n, "owned_by");
    if (!owner)
        return true;
    if (owner->n_items == 1) { /* NONE */
        seq->owned_by = NULL;
        return true;
    }
    const char *schema = NULL, *table, *column = str_of(owner->items[owner->n_items - 1]);
    split_name(owner->items, owner->n_items - 1, &schema, &table);
    pgc_rel *rel = table ? pgc_cat_find_rel(r->cat, schema, table) : NULL;
    if (!rel || !strchr("rpf", rel->kind))
        return fail(r->d, r->t, location, "relation \"%s\" does not exist",
                    table ? table : "?");
    if (!column || !rel_col(rel, column))
        return fail(r->d, r->t, location, "column \"%s\" of relation \"%s\" does not exist",
                    column ? column : "?", rel->name);
    seq->owned_by = rel;
    return true;
}

/* CREATE SEQUENCE [IF NOT EXISTS] name [options] */
static bool create_sequence(replay *r, const PgQuery__CreateSeqStmt *ss)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = ss->sequence;
    const char *schema = own_creation_schema(r, rv_schema(rv), "sequence", rv->relname, true,
                                             rv->location, &ok);
    if (!ok)
        return false;
    if (name_taken(r->cat, schema, rv->relname)) {
        if (ss->if_not_exists)
            return true;
        return fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    pgc_rel *seq = new_sequence(r->cat, schema, rv->relname, NULL);
    if (!sequence_options(r, seq, ss->options, ss->n_options, rv->location)) {
        drop_rel(r->cat, seq);
        return false;
    }
    return true;
}

/* ALTER SEQUENCE [IF EXISTS] name options: only OWNED BY matters to queries. */
static bool alter_sequence(replay *r, const PgQuery__AlterSeqStmt *as)
{
    bool ok = true;
    pgc_rel *seq = find_rel_kind(r, as->sequence, "S", as->missing_ok, &ok);
    if (!seq)
        return ok;
    return sequence_options(r, seq, as->options, as->n_options, as->sequence->location);
}

/* ---- unique indexes and constraints (ON CONFLICT's arbiters) ------------ */

static void clone_uniques_down(pgc_catalog *cat, pgc_rel *rel);

static bool same_columns(const pgc_unique *a, const pgc_unique *b)
{
    if (a->cols.len != b->cols.len)
        return false;
    LIST_EACH(i, a->cols.len)
        if (strcmp(a->cols.items[i], b->cols.items[i]) != 0)
            return false;
    return true;
}

/*
 * A partition has an index of its own for each unique index of its
 * partitioned parent (PostgreSQL creates them, named for the partition:
 * PART_pkey, PART_COLS_key, PART_COLS_idx), unless one on the same columns
 * is there to be attached.
 */
static void clone_uniques(pgc_catalog *cat, pgc_rel *part, const pgc_rel *parent)
{
    LIST_EACH(i, parent->uniques.len) {
        const pgc_unique *pu = &parent->uniques.items[i];
        bool have = false;
        LIST_EACH(k, part->uniques.len)
            have = have || same_columns(&part->uniques.items[k], pu);
        if (have)
            continue;
        pgc_unique u = {0};
        u.kind = pu->kind;
        const char *joined = NULL;
        LIST_EACH(k, pu->cols.len) {
            PGC_PUSH(cat->a, u.cols, pu->cols.items[k]);
            joined = joined ? pgc_arena_printf(cat->a, "%s_%s", joined, pu->cols.items[k])
                            : pu->cols.items[k];
        }
        u.name = choose_name(cat, part->schema, part->name, u.kind == 'p' ? NULL : joined,
                             u.kind == 'p' ? "pkey" : u.kind == 'u' ? "key" : "idx");
        PGC_PUSH(cat->a, part->uniques, u);
        clone_uniques_down(cat, part);
    }
}

/* rel's unique indexes, into each of its partitions (a partitioned table's
 * children are all partitions). */
static void clone_uniques_down(pgc_catalog *cat, pgc_rel *rel)
{
    if (rel->kind != 'p')
        return;
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *part = cat->rels.items[i];
        LIST_EACH(k, part->dropped ? 0 : part->parents.len)
            if (part->parents.items[k] == rel)
                clone_uniques(cat, part, rel);
    }
}

/*
 * Records a unique index or key of rel on the columns keys (String nodes,
 * or IndexElems when elems), named name or as PostgreSQL names it
 * (TABLE_pkey, TABLE_COLS_key, TABLE_COLS_idx: label).  A key on an
 * expression is not recorded: ON CONFLICT (cols) cannot infer it.
 */
static bool add_unique(replay *r, pgc_rel *rel, const char *name, PgQuery__Node **keys,
                       size_t n, bool elems, const char *label, int32_t location)
{
    pgc_unique u = {0};
    const char *joined = NULL;
    LIST_EACH(i, n) {
        const char *col = elems ? (keys[i]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM
                                       ? keys[i]->index_elem->name
                                       : NULL)
                                : str_of(keys[i]);
        if (!col || !*col)
            return true; /* an expression */
        if (!rel_col(rel, col))
            return fail(r->d, r->t, location, "column \"%s\" named in key does not exist",
                        col);
        col = pgc_arena_strdup(r->cat->a, col); /* the parse tree does not last */
        PGC_PUSH(r->cat->a, u.cols, col);
        joined = joined ? pgc_arena_printf(r->cat->a, "%s_%s", joined, col) : col;
    }
    u.kind = strcmp(label, "pkey") == 0 ? 'p' : strcmp(label, "key") == 0 ? 'u' : 'i';
    if (name && *name)
        u.name = pgc_arena_strdup(r->cat->a, name);
    else
        u.name = choose_name(r->cat, rel->schema, rel->name, u.kind == 'p' ? NULL : joined,
                             label);
    PGC_PUSH(r->cat->a, rel->uniques, u);
    if (!r->only)
        clone_uniques_down(r->cat, rel);
    return true;
}

/* Forgets rel's unique indexes named name (NULL: any) or holding column col. */
static void drop_uniques(pgc_rel *rel, const char *name, const char *col)
{
    for (size_t i = 0; i < rel->uniques.len;) {
        pgc_unique *u = &rel->uniques.items[i];
        bool gone = name && strcmp(u->name, name) == 0;
        LIST_EACH(k, u->cols.len)
            gone = gone || (col && strcmp(u->cols.items[k], col) == 0);
        if (gone) {
            memmove(u, u + 1, (rel->uniques.len - i - 1) * sizeof *u);
            rel->uniques.len--;
        } else {
            i++;
        }
    }
}

/* The unique index called name, of a relation in schema (NULL: the path). */
static pgc_unique *find_unique(pgc_catalog *cat, const char *schema, const char *name)
{
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *rel = cat->rels.items[i];
        if (rel->dropped
            || (schema ? strcmp(rel->schema, schema) != 0
                       : !in_search_path(rel->schema) && strcmp(rel->schema, "pg_temp") != 0))
            continue;
        LIST_EACH(k, rel->uniques.len)
            if (strcmp(rel->uniques.items[k].name, name) == 0)
                return &rel->uniques.items[k];
    }
    return NULL;
}

/* PRIMARY KEY / UNIQUE column constraints of ColumnDef cd. */
static bool column_uniques(replay *r, pgc_rel *rel, const PgQuery__ColumnDef *cd)
{
    PgQuery__String s = PG_QUERY__STRING__INIT;
    s.sval = cd->colname;
    PgQuery__Node key = PG_QUERY__NODE__INIT, *keys[1] = {&key};
    key.node_case = PG_QUERY__NODE__NODE_STRING;
    key.string = &s;
    LIST_EACH(i, cd->n_constraints) {
        const PgQuery__Node *n = cd->constraints[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            continue;
        const PgQuery__Constraint *k = n->constraint;
        bool pk = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
        if ((pk || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
            && !add_unique(r, rel, k->conname, keys, 1, false, pk ? "pkey" : "key",
                           k->location))
            return false;
    }
    return true;
}

/* CREATE UNIQUE INDEX [name] ON t (cols): an arbiter when not partial. */
static bool create_index(replay *r, const PgQuery__IndexStmt *is)
{
    if (!is->unique || is->where_clause)
        return true; /* ON CONFLICT without WHERE cannot infer a partial index */
    bool ok = true;
    pgc_rel *rel = find_rel_kind(r, is->relation, "rpm", true, &ok);
    if (!rel)
        return true; /* indexes are not followed otherwise */
    if (is->idxname && relname_taken(r->cat, rel->schema, is->idxname)) {
        if (is->if_not_exists)
            return true;
        return fail(r->d, r->t, is->relation->location, "relation \"%s\" already exists",
                    is->idxname);
    }
    r->only = !is->relation->inh;
    ok = add_unique(r, rel, is->idxname, is->index_params, is->n_index_params, true, "idx",
                    is->relation->location);
    r->only = false;
    return ok;
}

/*
 * Table constraints: PRIMARY KEY (a, b) makes its columns NOT NULL; keys
 * and unique constraints are recorded for ON CONFLICT.
 */
static bool table_constraint(replay *r, pgc_rel *rel, const PgQuery__Constraint *k)
{
    if (!references(r, k))
        return false;
    bool pk = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
    if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION
        || ((pk || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) && k->indexname
            && *k->indexname)) {
        rel->uniques_unknown = true; /* EXCLUDE, or USING INDEX of an index not kept */
        return true;
    }
    if (!pk && k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
        return true;
    if (!add_unique(r, rel, k->conname, k->keys, k->n_keys, false, pk ? "pkey" : "key",
                    k->location))
        return false;
    LIST_EACH(i, k->n_keys)
        if (pk)
            rel_col(rel, str_of(k->keys[i]))->not_null = true;
    return true;
}

static bool copy_columns(replay *r, pgc_rel *rel, const pgc_rel *from, bool merge,
                         int32_t location)
{
    LIST_EACH(i, from->cols.len) {
        pgc_col c = from->cols.items[i];
        c.table = c.column = NULL;
        if (from->kind == 'c' || from->kind == 'v' || from->kind == 'm') {
            c.not_null = false;
            c.has_default = false;
        }
        if (c.identity) { /* PostgreSQL 15: neither partitions nor children inherit it */
            c.identity = 0;
            c.has_default = false;
        }
        if (!add_column(r, rel, &c, location, merge))
            return false;
    }
    return true;
}

/* CREATE TABLE, CREATE FOREIGN TABLE, PARTITION OF, OF type, INHERITS, LIKE. */
static bool create_table(replay *r, const PgQuery__CreateStmt *cs, char kind)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = cs->relation;
    const char *schema = own_creation_schema(r, rv_schema(rv),
                                             kind == 'f' ? "foreign table" : "table",
                                             rv->relname, true, rv->location, &ok);
    if (!ok)
        return false;
    if (name_taken(r->cat, schema, rv->relname) || type_taken(r->cat, schema, rv->relname)) {
        if (cs->if_not_exists)
            return true;
        return fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    if (cs->partspec)
        kind = 'p';
    pgc_rel *rel = new_rel(r->cat, schema, rv->relname, kind);
    rel->uniques_unknown = cs->partbound != NULL; /* the parent's indexes, as they come */
    LIST_EACH(i, cs->n_inh_relations) {
        const PgQuery__Node *n = cs->inh_relations[i];
        if (n->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
            continue;
        pgc_rel *parent = find_rel_kind(r, n->range_var, "rpf", false, &ok);
        if (!ok || !copy_columns(r, rel, parent, true, n->range_var->location))
            goto failed;
        PGC_PUSH(r->cat->a, rel->parents, parent);
    }
    if (cs->of_typename) {
        uint32_t oid;
        int32_t typmod;
        if (!pgc_cat_typename(r->cat, r->d, r->t, cs->of_typename, &oid, &typmod))
            goto failed;
        const pgc_rel *of = pgc_cat_type_rel(r->cat, oid);
        if (!of) {
            fail(r->d, r->t, cs->of_typename->location, "type %s is not a composite type",
                 pgc_catalog_type_name(r->cat, oid, -1));
            goto failed;
        }
        if (!copy_columns(r, rel, of, false, cs->of_typename->location))
            goto failed;
    }
    bool from_parent = rel->cols.len > 0;
    LIST_EACH(i, cs->n_table_elts) {
        const PgQuery__Node *n = cs->table_elts[i];
        if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            const PgQuery__ColumnDef *cd = n->column_def;
            pgc_col *old = from_parent ? rel_col(rel, cd->colname) : NULL;
            if (old && (!cd->type_name || cs->partbound || cs->of_typename)) {
                /* PARTITION OF / OF type: WITH OPTIONS constraints on an existing column */
                pgc_col tmp = *old;
                if (cd->is_not_null)
                    tmp.not_null = true;
                LIST_EACH(k, cd->n_constraints)
                    if (cd->constraints[k]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
                        column_constraint(&tmp, cd->constraints[k]->constraint);
                *old = tmp;
                continue;
            }
            pgc_col c;
            if (!column_def(r, cd, &c) || !add_column(r, rel, &c, cd->location, from_parent)
                || !column_def_sequence(r, rel, cd) || !column_uniques(r, rel, cd))
                goto failed;
        } else if (n->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
            const PgQuery__RangeVar *lrv = n->table_like_clause->relation;
            const pgc_rel *like = find_rel_kind(r, lrv, "rpfvmc", false, &ok);
            if (!ok)
                goto failed;
            LIST_EACH(k, like->cols.len) {
                pgc_col c = like->cols.items[k];
                c.table = c.column = NULL;
                if (like->kind == 'v' || like->kind == 'm' || like->kind == 'c')
                    c.not_null = false;
                /* LIKE copies NOT NULL; defaults, identity, generated only when asked */
                uint32_t opts = n->table_like_clause->options;
                if (opts & (1u << 6) /* INDEXES */)
                    rel->uniques_unknown = true;
                if (!(opts & (1u << 3) /* DEFAULTS */) && !c.identity && !c.generated)
                    c.has_default = false;
                if (!(opts & (1u << 5) /* IDENTITY */) && c.identity) {
                    c.identity = 0;
                    c.has_default = false;
                }
                if (!(opts & (1u << 4) /* GENERATED */) && c.generated) {
                    c.generated = 0;
                    c.has_default = false;
                }
                if (!add_column(r, rel, &c, lrv->location, false))
                    goto failed;
            }
        }
    }
    /* table constraints may name columns listed after them */
    LIST_EACH(i, cs->n_table_elts)
        if (cs->table_elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && !table_constraint(r, rel, cs->table_elts[i]->constraint))
            goto failed;
    LIST_EACH(i, cs->n_constraints)
        if (cs->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && !table_constraint(r, rel, cs->constraints[i]->constraint))
            goto failed;
    if (cs->partbound)
        LIST_EACH(i, rel->parents.len)
            clone_uniques(r->cat, rel, rel->parents.items[i]);
    return true;
failed:
    drop_rel(r->cat, rel);
    return false;
}

/* ---- ALTER TABLE ----------------------------------------------------------- */

/*
 * A view's columns are NOT NULL when its query proved them so; a column
 * that may now be NULL (DROP NOT NULL) can reach views made before, and
 * the catalog does not record which: every view's columns become nullable.
 */
static void forget_view_not_null(pgc_catalog *cat)
{
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *rel = cat->rels.items[i];
        if (rel->kind == 'v' || rel->kind == 'm')
            LIST_EACH(k, rel->cols.len)
                rel->cols.items[k].not_null = false;
    }
}

/* A column made nullable in rel: also in every table it inherits from. */
static void parents_nullable(pgc_rel *rel, const char *name)
{
    LIST_EACH(i, rel->parents.len) {
        pgc_rel *p = rel->parents.items[i];
        pgc_col *c = rel_col(p, name);
        if (c)
            c->not_null = false;
        parents_nullable(p, name);
    }
}

static bool alter_table(replay *r, const PgQuery__AlterTableStmt *as)
{
    bool ok = true;
    bool is_type = as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE;
    pgc_rel *rel;
    if (is_type) {
        pgc_utype *u = find_utype(r->cat, rv_schema(as->relation), as->relation->relname);
        rel = u && u->t.type == 'c' ? u->rel : NULL;
        if (!rel)
            return fail(r->d, r->t, as->relation->location, "type \"%s\" does not exist",
                        as->relation->relname);
    } else if (as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
        return true; /* ALTER INDEX ... ATTACH PARTITION, SET (...): indexes are not kept */
    } else {
        /* ALTER TABLE and ALTER SEQUENCE ... OWNER TO (pg_dump) reach sequences */
        rel = find_rel_kind(r, as->relation, "rpfvmS", as->missing_ok, &ok);
        if (!rel)
            return ok;
    }
    LIST_EACH(i, as->n_cmds) {
        const PgQuery__AlterTableCmd *cmd = as->cmds[i]->alter_table_cmd;
        pgc_col *c = cmd->name ? rel_col(rel, cmd->name) : NULL;
        bool needs_col = false;
        switch ((int)cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView: {
            const PgQuery__ColumnDef *cd = cmd->def->column_def;
            if (rel_col(rel, cd->colname)) {
                if (cmd->missing_ok)
                    break;
                return fail(r->d, r->t, cd->location,
                            "column \"%s\" of relation \"%s\" already exists", cd->colname,
                            rel->name);
            }
            pgc_col nc;
            if (!column_def(r, cd, &nc) || !add_column(r, rel, &nc, cd->location, false)
                || !column_def_sequence(r, rel, cd) || !column_uniques(r, rel, cd))
                return false;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
            if (!c) {
                if (cmd->missing_ok)
                    break;
                needs_col = true;
                break;
            }
            drop_uniques(rel, NULL, c->name); /* PostgreSQL drops their indexes */
            memmove(c, c + 1, (size_t)(rel->cols.items + rel->cols.len - (c + 1)) * sizeof *c);
            rel->cols.len--;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
            if (!c) {
                needs_col = true;
                break;
            }
            const PgQuery__ColumnDef *cd = cmd->def->column_def;
            if (!pgc_cat_typename(r->cat, r->d, r->t, cd->type_name, &c->type, &c->typmod))
                return false;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
            if (!(needs_col = !c))
                c->not_null = true;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
            if (!(needs_col = !c)) {
                c->not_null = false;
                /* reading a parent reads this table's rows too */
                parents_nullable(rel, c->name);
                forget_view_not_null(r->cat);
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
            if (!(needs_col = !c))
                c->has_default = cmd->def != NULL || c->identity || c->generated;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
            if (!(needs_col = !c)) {
                const PgQuery__Constraint *k =
                    cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
                        ? cmd->def->constraint
                        : NULL;
                c->identity = k && k->generated_when && k->generated_when[0] == 'a' ? 'a' : 'd';
                c->has_default = c->not_null = true;
                if (!column_sequence(r, rel, c->name, k))
                    return false;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
            if (c) {
                c->identity = 0;
                c->has_default = false;
            } else if (!cmd->missing_ok) {
                needs_col = true;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
            if (!(needs_col = !c)) {
                c->generated = 0;
                c->has_default = false;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
            r->only = !as->relation->inh;
            ok = !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT
                 || table_constraint(r, rel, cmd->def->constraint);
            r->only = false;
            if (!ok)
                return false;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
            if (cmd->name)
                drop_uniques(rel, cmd->name, NULL);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
            if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
                bool found = true;
                pgc_rel *part = find_rel_kind(r, cmd->def->partition_cmd->name, "rpf", true,
                                              &found);
                if (part) { /* reading rel reads it; it gets rel's indexes */
                    PGC_PUSH(r->cat->a, part->parents, rel);
                    part->uniques_unknown = true;
                    clone_uniques(r->cat, part, rel);
                }
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
            return fail(r->d, r->t, as->relation->location,
                        "pgc cannot follow this ALTER TABLE form (INHERIT / OF)");
        default:
            /* constraints other than PRIMARY KEY, indexes, storage, statistics,
             * owner, triggers, rules, row security, options, partitions
             * attached or detached (their columns do not change) */
            break;
        }
        if (needs_col)
            return fail(r->d, r->t, as->relation->location,
                        "column \"%s\" of relation \"%s\" does not exist",
                        cmd->name ? cmd->name : "?", rel->name);
    }
    return true;
}

/* ---- types ------------------------------------------------------------------- */

/* The schema and name of a type about to be created from a qualified
 * name; false after reporting a missing schema or a name already taken. */
static bool new_type_name(replay *r, PgQuery__Node **names, size_t n, const char *kind,
                          const char **schema, const char **name)
{
    bool ok = true;
    split_name(names, n, schema, name);
    *schema = own_creation_schema(r, *schema, kind, *name, false, -1, &ok);
    if (!ok)
        return false;
    if (type_taken(r->cat, *schema, *name))
        return fail(r->d, r->t, -1, "type \"%s\" already exists", *name);
    return true;
}

static bool create_enum(replay *r, const PgQuery__CreateEnumStmt *es)
{
    const char *schema, *name;
    if (!new_type_name(r, es->type_name, es->n_type_name, "type", &schema, &name))
        return false;
    pgc_utype *u = new_type(r->cat, schema, name, 'e', 'E');
    LIST_EACH(i, es->n_vals)
        PGC_PUSH(r->cat->a, u->labels, pgc_arena_strdup(r->cat->a, str_of(es->vals[i])));
    return true;
}

static pgc_utype *find_type_by_names(replay *r, PgQuery__Node **names, size_t n, char typtype,
                                     bool missing_ok, bool *ok)
{
    const char *schema, *name;
    split_name(names, n, &schema, &name);
    pgc_utype *u = name ? find_utype(r->cat, schema, name) : NULL;
    if (u && (!typtype || u->t.type == typtype))
        return u;
    if (!missing_ok || (!u && !schema && name && home_object(r->cat, 't', name))) {
        if (!u && name && !schema && pgc_bi_type_by_typname(name)) {
            *ok = fail(r->d, r->t, -1, "pgc cannot alter built-in type \"%s\"", name);
        } else {
            int32_t at = name ? name_location(r->t, name) : -1;
            *ok = fail(r->d, r->t, at, "type \"%s\" does not exist", name ? name : "?");
            if (!schema)
                pgc_cat_note_home(r->cat, r->d, r->t, at, 't', name);
        }
    }
    return NULL;
}

static bool alter_enum(replay *r, const PgQuery__AlterEnumStmt *es)
{
    bool ok = true;
    pgc_utype *u = find_type_by_names(r, es->type_name, es->n_type_name, 'e', false, &ok);
    if (!u)
        return false;
    if (es->old_val && *es->old_val) {
        LIST_EACH(i, u->labels.len)
            if (strcmp(u->labels.items[i], es->old_val) == 0) {
                u->labels.items[i] = pgc_arena_strdup(r->cat->a, es->new_val);
                return true;
            }
        return fail(r->d, r->t, -1, "\"%s\" is not an existing enum label", es->old_val);
    }
    LIST_EACH(i, u->labels.len)
        if (strcmp(u->labels.items[i], es->new_val) == 0) {
            if (es->skip_if_new_val_exists)
                return true;
            return fail(r->d, r->t, -1, "enum label \"%s\" already exists", es->new_val);
        }
    size_t at = u->labels.len;
    if (es->new_val_neighbor && *es->new_val_neighbor) {
        at = SIZE_MAX;
        LIST_EACH(i, u->labels.len)
            if (strcmp(u->labels.items[i], es->new_val_neighbor) == 0)
                at = es->new_val_is_after ? i + 1 : i;
        if (at == SIZE_MAX)
            return fail(r->d, r->t, -1, "\"%s\" is not an existing enum label",
                        es->new_val_neighbor);
    }
    const char *label = pgc_arena_strdup(r->cat->a, es->new_val);
    PGC_PUSH(r->cat->a, u->labels, label);
    memmove(&u->labels.items[at + 1], &u->labels.items[at],
            (u->labels.len - 1 - at) * sizeof *u->labels.items);
    u->labels.items[at] = label;
    return true;
}

static bool create_composite(replay *r, const PgQuery__CompositeTypeStmt *cs)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = cs->typevar;
    const char *schema = own_creation_schema(r, rv_schema(rv), "type", rv->relname, false,
                                             rv->location, &ok);
    if (!ok)
        return false;
    if (type_taken(r->cat, schema, rv->relname) || name_taken(r->cat, schema, rv->relname))
        return fail(r->d, r->t, rv->location, "type \"%s\" already exists", rv->relname);
    pgc_rel *rel = new_rel(r->cat, schema, rv->relname, 'c');
    LIST_EACH(i, cs->n_coldeflist) {
        const PgQuery__ColumnDef *cd = cs->coldeflist[i]->column_def;
        pgc_col c;
        if (!column_def(r, cd, &c) || !add_column(r, rel, &c, cd->location, false)) {
            drop_rel(r->cat, rel);
            return false;
        }
        /* attributes of composite types are never NOT NULL */
        rel->cols.items[rel->cols.len - 1].not_null = false;
    }
    return true;
}

static bool create_domain(replay *r, const PgQuery__CreateDomainStmt *ds)
{
    const char *schema, *name;
    if (!new_type_name(r, ds->domainname, ds->n_domainname, "domain", &schema, &name))
        return false;
    uint32_t base;
    int32_t typmod;
    if (!pgc_cat_typename(r->cat, r->d, r->t, ds->type_name, &base, &typmod))
        return false;
    const pgc_bi_type *bt = pgc_cat_type(r->cat, base);
    pgc_utype *u = new_type(r->cat, schema, name, 'd', bt->category);
    u->t.base = base;
    u->t.len = bt->len;
    u->t.byval = bt->byval;
    u->base_typmod = typmod;
    LIST_EACH(i, ds->n_constraints) {
        const PgQuery__Node *n = ds->constraints[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            continue;
        if (n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
            u->not_null = true;
        else if (n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NULL)
            u->not_null = false;
    }
    return true;
}

/* CREATE TYPE r AS RANGE (subtype = t [, multirange_type_name = m]): the
 * range, its multirange and their constructor functions. */
static bool create_range(replay *r, const PgQuery__CreateRangeStmt *rs)
{
    const char *schema, *name;
    if (!new_type_name(r, rs->type_name, rs->n_type_name, "type", &schema, &name))
        return false;
    uint32_t subtype = 0;
    int32_t typmod;
    const char *mrname = NULL;
    LIST_EACH(i, rs->n_params) {
        const PgQuery__Node *n = rs->params[i];
        if (n->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
            continue;
        const PgQuery__DefElem *de = n->def_elem;
        const PgQuery__Node *arg = de->arg;
        if (strcmp(de->defname, "subtype") == 0 && arg
            && arg->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            if (!pgc_cat_typename(r->cat, r->d, r->t, arg->type_name, &subtype, &typmod))
                return false;
        } else if (strcmp(de->defname, "multirange_type_name") == 0 && arg) {
            const char *s;
            if (arg->node_case == PG_QUERY__NODE__NODE_TYPE_NAME)
                split_name(arg->type_name->names, arg->type_name->n_names, &s, &mrname);
            else if (arg->node_case == PG_QUERY__NODE__NODE_LIST)
                split_name(arg->list->items, arg->list->n_items, &s, &mrname);
            else
                mrname = str_of(arg);
        }
    }
    if (!subtype)
        return fail(r->d, r->t, -1, "type attribute \"subtype\" is required");
    if (!mrname) {
        /* makeMultirangeTypeName(): "range" becomes "multirange", else a suffix */
        const char *at = strstr(name, "range");
        mrname = at ? pgc_arena_printf(r->cat->a, "%.*smultirange%s", (int)(at - name), name,
                                       at + 5)
                    : pgc_arena_printf(r->cat->a, "%s_multirange", name);
    }
    pgc_utype *range = new_type(r->cat, schema, name, 'r', 'R');
    range->t.range_subtype = subtype;
    pgc_utype *multi = new_type(r->cat, schema, mrname, 'm', 'R');
    multi->t.range = range->t.oid;
    range->t.multirange = multi->t.oid;
    uint32_t args[3] = {subtype, subtype, OID_TEXT};
    add_func(r->cat, schema, name, 'f', range->t.oid, false, false, 2, args);
    add_func(r->cat, schema, name, 'f', range->t.oid, false, false, 3, args);
    add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 0, NULL);
    add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 1, &range->t.oid);
    pgc_ufunc *va = add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 1,
                             &range->t.array);
    va->f.variadic = range->t.oid;
    return true;
}

static bool alter_domain(replay *r, const PgQuery__AlterDomainStmt *ds)
{
    bool ok = true;
    pgc_utype *u = find_type_by_names(r, ds->type_name, ds->n_type_name, 'd', false, &ok);
    if (!u)
        return false;
    if (ds->subtype && ds->subtype[0] == 'N') {
        u->not_null = false;
        forget_view_not_null(r->cat);
    }
    else if (ds->subtype && ds->subtype[0] == 'O')
        u->not_null = true;
    else if (ds->subtype && ds->subtype[0] == 'C' && ds->def
             && ds->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
             && ds->def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
        u->not_null = true;
    return true;
}

/* ---- views and CREATE TABLE AS ------------------------------------------------ */

/* Renames the columns of an analyzed query by an alias list. */
static bool alias_columns(replay *r, pgc_cols *cols, PgQuery__Node **aliases, size_t n)
{
    if (n > cols->len)
        return fail(r->d, r->t, -1, "too many column names were specified");
    LIST_EACH(i, n)
        cols->items[i].name = pgc_arena_strdup(r->cat->a, str_of(aliases[i]));
    return true;
}

static bool check_duplicate_columns(replay *r, const pgc_cols *cols)
{
    LIST_EACH(i, cols->len)
        LIST_EACH(k, i)
            if (strcmp(cols->items[i].name, cols->items[k].name) == 0)
                return fail(r->d, r->t, -1, "column \"%s\" specified more than once",
                            cols->items[i].name);
    return true;
}

static bool create_view(replay *r, const PgQuery__ViewStmt *vs)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = vs->view;
    const char *schema = own_creation_schema(r, rv_schema(rv), "view", rv->relname, true,
                                             rv->location, &ok);
    if (!ok)
        return false;
    pgc_cols cols = {0};
    pgc_rel_list deps = {0};
    if (!pgc_analyze_relation(r->cat, r->d, r->t, vs->query, &cols, &deps)
        || !alias_columns(r, &cols, vs->aliases, vs->n_aliases)
        || !check_duplicate_columns(r, &cols))
        return false;
    pgc_rel *old = pgc_cat_find_rel(r->cat, schema, rv->relname);
    if (old) {
        if (!vs->replace || old->kind != 'v')
            return fail(r->d, r->t, rv->location, "relation \"%s\" already exists",
                        rv->relname);
        old->cols = cols; /* CREATE OR REPLACE VIEW */
        old->deps.len = 0;
        LIST_EACH(i, deps.len)
            PGC_PUSH(r->cat->a, old->deps, deps.items[i]);
        return true;
    }
    if (type_taken(r->cat, schema, rv->relname))
        return fail(r->d, r->t, rv->location, "type \"%s\" already exists", rv->relname);
    pgc_rel *view = new_rel(r->cat, schema, rv->relname, 'v');
    view->cols = cols;
    LIST_EACH(i, deps.len)
        PGC_PUSH(r->cat->a, view->deps, deps.items[i]);
    return true;
}

static bool create_table_as(replay *r, PgQuery__Node *query, const PgQuery__IntoClause *into,
                            bool matview, bool if_not_exists)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = into->rel;
    const char *schema = own_creation_schema(r, rv_schema(rv),
                                             matview ? "materialized view" : "table",
                                             rv->relname, true, rv->location, &ok);
    if (!ok)
        return false;
    if (name_taken(r->cat, schema, rv->relname) || type_taken(r->cat, schema, rv->relname)) {
        if (if_not_exists)
            return true;
        return fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    pgc_cols cols = {0};
    pgc_rel_list deps = {0};
    if (!pgc_analyze_relation(r->cat, r->d, r->t, query, &cols, &deps)
        || !alias_columns(r, &cols, into->col_names, into->n_col_names)
        || !check_duplicate_columns(r, &cols))
        return false;
    LIST_EACH(i, cols.len) {
        pgc_col *c = &cols.items[i];
        c->table = c->column = NULL;
        c->has_default = false;
        if (c->type == OID_UNKNOWN)
            c->type = OID_TEXT;
        /* a table's columns can take NULL later; a materialized view's
         * rows are the query's */
        if (!matview)
            c->not_null = false;
    }
    pgc_rel *rel = new_rel(r->cat, schema, rv->relname, matview ? 'm' : 'r');
    rel->cols = cols;
    if (matview)
        LIST_EACH(i, deps.len)
            PGC_PUSH(r->cat->a, rel->deps, deps.items[i]);
    return true;
}

/* ---- functions ---------------------------------------------------------------- */

static bool is_unsupported_pseudo(const PgQuery__TypeName *tn)
{
    static const char *const pseudo[] = {
        "trigger", "event_trigger", "internal", "language_handler", "fdw_handler",
        "index_am_handler", "tsm_handler", "table_am_handler", "cstring", "opaque",
    };
    const char *schema, *name;
    split_name(tn->names, tn->n_names, &schema, &name);
    if (!name)
        return false;
    LIST_EACH(i, sizeof pseudo / sizeof *pseudo)
        if (strcmp(pseudo[i], name) == 0)
            return true;
    return false;
}

/* CREATE FUNCTION and CREATE PROCEDURE (kind 'p', for CALL; returns void,
 * or a record of its OUT and INOUT parameters). */
static bool create_function(replay *r, const PgQuery__CreateFunctionStmt *fs)
{
    bool ok = true;
    const char *schema, *name;
    split_name(fs->funcname, fs->n_funcname, &schema, &name);
    schema = own_creation_schema(r, schema, fs->is_procedure ? "procedure" : "function", name,
                                 false, -1, &ok);
    if (!ok)
        return false;
    if (fs->return_type && is_unsupported_pseudo(fs->return_type))
        return true; /* trigger functions and the like: not callable from queries */
    PGC_VEC(pgc_bi_oid) args = {0};
    PGC_VEC(const char *) argnames = {0};
    PGC_VEC(pgc_bi_column) outs = {0};
    uint32_t variadic = 0;
    int ndefaults = 0;
    bool any_table = false;
    LIST_EACH(i, fs->n_parameters) {
        const PgQuery__FunctionParameter *p = fs->parameters[i]->function_parameter;
        if (is_unsupported_pseudo(p->arg_type))
            return true;
        uint32_t oid;
        int32_t typmod;
        if (!pgc_cat_typename(r->cat, r->d, r->t, p->arg_type, &oid, &typmod))
            return false;
        const char *pname = pgc_arena_strdup(r->cat->a, p->name ? p->name : "");
        switch ((int)p->mode) {
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT:
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE: {
            pgc_bi_column c = {pname, oid};
            PGC_PUSH(r->cat->a, outs, c);
            any_table |= p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
            break;
        }
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT: {
            pgc_bi_column c = {pname, oid};
            PGC_PUSH(r->cat->a, outs, c);
        }
            /* fall through */
        default:
            if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_VARIADIC) {
                variadic = oid == OID_ANY ? OID_ANY : pgc_cat_elem_type(r->cat, oid);
                if (!variadic)
                    return fail(r->d, r->t, p->arg_type->location,
                                "VARIADIC parameter must be an array");
            }
            PGC_PUSH(r->cat->a, args, oid);
            PGC_PUSH(r->cat->a, argnames, pname);
            if (p->defexpr)
                ndefaults++;
            else
                ndefaults = 0;
            break;
        }
    }
    uint32_t rettype;
    int32_t rettypmod = -1;
    bool retset = false;
    if (fs->return_type) {
        if (!pgc_cat_typename(r->cat, r->d, r->t, fs->return_type, &rettype, &rettypmod))
            return false;
        retset = fs->return_type->setof;
        if (any_table)
            retset = true;
    } else if (outs.len == 1 && !fs->is_procedure) {
        rettype = outs.items[0].type;
    } else if (outs.len > 0) {
        rettype = OID_RECORD;
    } else if (fs->is_procedure) {
        rettype = OID_VOID;
    } else {
        return fail(r->d, r->t, -1, "function result type must be specified");
    }
    bool strict = false;
    LIST_EACH(i, fs->n_options) {
        const PgQuery__Node *n = fs->options[i];
        if (n->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
            continue;
        const PgQuery__DefElem *de = n->def_elem;
        if (strcmp(de->defname, "strict") == 0 && de->arg
            && de->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
            strict = de->arg->boolean->boolval;
    }
    /* CREATE OR REPLACE: same name, schema and argument types */
    LIST_EACH(i, r->cat->funcs.len) {
        pgc_ufunc *old = r->cat->funcs.items[i];
        if (old->dropped || strcmp(old->f.name, name) != 0 || strcmp(old->schema, schema) != 0
            || old->f.nargs != args.len
            || (args.len && memcmp(old->f.args, args.items, args.len * sizeof *args.items)))
            continue;
        if (!fs->replace)
            return fail(r->d, r->t, -1, "function \"%s\" already exists with same argument types",
                        name);
        old->dropped = true;
    }
    pgc_ufunc *f = add_func(r->cat, schema, name, fs->is_procedure ? 'p' : 'f', rettype, retset,
                            strict, (int)args.len, args.items);
    f->rettypmod = rettypmod;
    f->f.argnames = argnames.items;
    f->f.variadic = variadic;
    f->f.ndefaults = (uint8_t)ndefaults;
    f->f.nouts = (uint8_t)outs.len;
    f->f.outs = outs.items;
    return true;
}

static bool args_match(replay *r, const pgc_ufunc *f, const PgQuery__ObjectWithArgs *ow,
                       bool *ok)
{
    if (ow->args_unspecified)
        return true;
    if (ow->n_objargs != f->f.nargs)
        return false;
    LIST_EACH(i, ow->n_objargs) {
        uint32_t oid;
        int32_t typmod;
        if (ow->objargs[i]->node_case != PG_QUERY__NODE__NODE_TYPE_NAME
            || is_unsupported_pseudo(ow->objargs[i]->type_name))
            return false;
        if (!pgc_cat_typename(r->cat, r->d, r->t, ow->objargs[i]->type_name, &oid, &typmod)) {
            *ok = false;
            return false;
        }
        if (oid != f->f.args[i])
            return false;
    }
    return true;
}

static bool drop_function(replay *r, const PgQuery__ObjectWithArgs *ow, bool missing_ok)
{
    bool ok = true, found = false;
    const char *schema, *name;
    split_name(ow->objname, ow->n_objname, &schema, &name);
    LIST_EACH(i, r->cat->funcs.len) {
        pgc_ufunc *f = r->cat->funcs.items[i];
        if (f->dropped || strcmp(f->f.name, name) != 0
            || (schema ? strcmp(f->schema, schema) != 0 : !in_search_path(f->schema)))
            continue;
        if (args_match(r, f, ow, &ok)) {
            f->dropped = true;
            found = true;
        }
        if (!ok)
            return false;
    }
    /* functions pgc does not keep (trigger functions, procedures) may be
     * dropped; the library's own named without a template may not */
    (void)missing_ok;
    if (!found && !schema && home_object(r->cat, 'f', name)) {
        int32_t at = name_location(r->t, name);
        fail(r->d, r->t, at, "function %s does not exist", name);
        pgc_cat_note_home(r->cat, r->d, r->t, at, 'f', name);
        return false;
    }
    return true;
}

/* ---- extensions ---------------------------------------------------------------- */

/*
 * ltree: the types ltree, lquery and ltxtquery, their operators and the
 * functions of contrib/ltree 1.2 that queries call (every one STRICT).
 */
static void add_ltree(pgc_catalog *cat, const char *schema)
{
    const uint32_t B = OID_BOOL, I4 = OID_INT4, T = OID_TEXT;
    pgc_utype *lt = new_type(cat, schema, "ltree", 'b', 'U');
    pgc_utype *lq = new_type(cat, schema, "lquery", 'b', 'U');
    pgc_utype *tq = new_type(cat, schema, "ltxtquery", 'b', 'U');
    const uint32_t L = lt->t.oid, LA = lt->t.array, Q = lq->t.oid, QA = lq->t.array,
                   X = tq->t.oid;
    static const char *const cmp[] = {"=", "<>", "<", "<=", ">", ">="};
    LIST_EACH(i, sizeof cmp / sizeof *cmp)
        add_oper(cat, schema, cmp[i], L, L, B);
    /* the boolean operators, each also with a leading ^ (no index use) */
    static const struct {
        const char *op;
        int left, right; /* 0 ltree, 1 ltree[], 2 lquery, 3 lquery[], 4 ltxtquery */
    } ops[] = {
        {"@>", 0, 0}, {"<@", 0, 0}, {"@>", 0, 1}, {"<@", 0, 1}, {"@>", 1, 0}, {"<@", 1, 0},
        {"~", 0, 2},  {"~", 2, 0},  {"~", 1, 2},  {"~", 2, 1},  {"?", 0, 3},  {"?", 3, 0},
        {"?", 1, 3},  {"?", 3, 1},  {"@", 0, 4},  {"@", 4, 0},  {"@", 1, 4},  {"@", 4, 1},
    };
    const uint32_t types[] = {L, LA, Q, QA, X};
    LIST_EACH(i, sizeof ops / sizeof *ops) {
        add_oper(cat, schema, ops[i].op, types[ops[i].left], types[ops[i].right], B);
        add_oper(cat, schema, pgc_arena_printf(cat->a, "^%s", ops[i].op), types[ops[i].left],
                 types[ops[i].right], B);
    }
    add_oper(cat, schema, "||", L, L, L);
    add_oper(cat, schema, "||", L, T, L);
    add_oper(cat, schema, "||", T, L, L);
    add_oper(cat, schema, "?@>", LA, L, L);
    add_oper(cat, schema, "?<@", LA, L, L);
    add_oper(cat, schema, "?~", LA, Q, L);
    add_oper(cat, schema, "?@", LA, X, L);
    uint32_t lii[3] = {L, I4, I4}, ll[8] = {L, L, L, L, L, L, L, L}, lli[3] = {L, L, I4};
    add_func(cat, schema, "subltree", 'f', L, false, true, 3, lii);
    add_func(cat, schema, "subpath", 'f', L, false, true, 3, lii);
    add_func(cat, schema, "subpath", 'f', L, false, true, 2, lii);
    add_func(cat, schema, "nlevel", 'f', I4, false, true, 1, &L);
    add_func(cat, schema, "index", 'f', I4, false, true, 2, lli);
    add_func(cat, schema, "index", 'f', I4, false, true, 3, lli);
    add_func(cat, schema, "text2ltree", 'f', L, false, true, 1, &T);
    add_func(cat, schema, "ltree2text", 'f', T, false, true, 1, &L);
    for (int n = 2; n <= 8; n++)
        add_func(cat, schema, "lca", 'f', L, false, true, n, ll);
    add_func(cat, schema, "lca", 'f', L, false, true, 1, &LA);
}

/*
 * Extensions that give queries no types: index methods and operator
 * classes, trigger functions, administration and inspection, text search
 * dictionaries, table sampling, foreign data wrappers.  Accepted; their
 * functions and views are unknown to queries (an error where one is used).
 */
static bool is_silent_extension(const char *ext)
{
    static const char *const names[] = {
        "plpgsql", "btree_gin", "btree_gist", "bloom", "pg_stat_statements", "amcheck",
        "autoinc", "insert_username", "moddatetime", "refint", "tcn", "pg_buffercache",
        "pg_prewarm", "pgstattuple", "pg_visibility", "pageinspect", "pg_freespacemap",
        "pg_surgery", "pg_walinspect", "pgrowlocks", "old_snapshot", "adminpack",
        "tsm_system_rows", "tsm_system_time", "dict_int", "dict_xsyn", "sslinfo", "file_fdw",
        "postgres_fdw",
    };
    LIST_EACH(i, sizeof names / sizeof *names)
        if (strcmp(names[i], ext) == 0)
            return true;
    return false;
}

static bool create_extension(replay *r, const PgQuery__CreateExtensionStmt *es)
{
    pgc_catalog *cat = r->cat;
    const char *ext = es->extname;
    LIST_EACH(i, cat->extensions.len)
        if (strcmp(cat->extensions.items[i], ext) == 0) {
            if (es->if_not_exists)
                return true;
            return fail(r->d, r->t, -1, "extension \"%s\" already exists", ext);
        }
    const char *schema = NULL;
    LIST_EACH(i, es->n_options) {
        const PgQuery__Node *n = es->options[i];
        if (n->node_case == PG_QUERY__NODE__NODE_DEF_ELEM
            && strcmp(n->def_elem->defname, "schema") == 0)
            schema = str_of(n->def_elem->arg);
    }
    bool ok = true;
    schema = creation_schema(r, schema, -1, &ok);
    if (!ok)
        return false;
    const uint32_t T = OID_TEXT, TA = OID_TEXTARRAY, B = OID_BOOL, I4 = OID_INT4,
                   BY = OID_BYTEA, U = OID_UUID, F4 = OID_FLOAT4;
    if (strcmp(ext, "citext") == 0) {
        pgc_utype *u = new_type(cat, schema, "citext", 'b', 'S');
        uint32_t C = u->t.oid;
        static const char *const cmp[] = {"=", "<>", "<", "<=", ">", ">=", "~~", "~~*", "!~~",
                                          "!~~*", "~", "~*", "!~", "!~*"};
        LIST_EACH(i, sizeof cmp / sizeof *cmp)
            add_oper(cat, schema, cmp[i], C, C, B);
        LIST_EACH(i, 8)
            if (i >= 6)
                add_oper(cat, schema, cmp[i], C, T, B);
        add_func(cat, schema, "min", 'a', C, false, false, 1, &C);
        add_func(cat, schema, "max", 'a', C, false, false, 1, &C);
        add_func(cat, schema, "citext", 'f', C, false, true, 1, &T);
        add_cast(cat, C, T, 'i', 'b');
        add_cast(cat, C, OID_VARCHAR, 'i', 'b');
        add_cast(cat, C, OID_BPCHAR, 'a', 'f');
        add_cast(cat, T, C, 'a', 'b');
        add_cast(cat, OID_VARCHAR, C, 'a', 'b');
        add_cast(cat, OID_BPCHAR, C, 'a', 'f');
        add_cast(cat, B, C, 'a', 'f');
        add_cast(cat, OID_INET, C, 'a', 'f');
    } else if (strcmp(ext, "hstore") == 0) {
        pgc_utype *u = new_type(cat, schema, "hstore", 'b', 'U');
        uint32_t H = u->t.oid, HA = u->t.array;
        add_oper(cat, schema, "->", H, T, T);
        add_oper(cat, schema, "->", H, TA, TA);
        add_oper(cat, schema, "?", H, T, B);
        add_oper(cat, schema, "?&", H, TA, B);
        add_oper(cat, schema, "?|", H, TA, B);
        add_oper(cat, schema, "@>", H, H, B);
        add_oper(cat, schema, "<@", H, H, B);
        add_oper(cat, schema, "=", H, H, B);
        add_oper(cat, schema, "<>", H, H, B);
        add_oper(cat, schema, "||", H, H, H);
        add_oper(cat, schema, "-", H, T, H);
        add_oper(cat, schema, "-", H, TA, H);
        add_oper(cat, schema, "-", H, H, H);
        add_oper(cat, schema, "%%", 0, H, TA);
        add_oper(cat, schema, "%#", 0, H, TA);
        uint32_t tt[2] = {T, T}, aa[2] = {TA, TA}, ht[2] = {H, T}, hta[2] = {H, TA};
        add_func(cat, schema, "hstore", 'f', H, false, false, 2, tt);
        add_func(cat, schema, "hstore", 'f', H, false, true, 2, aa);
        add_func(cat, schema, "hstore", 'f', H, false, true, 1, &TA);
        add_func(cat, schema, "akeys", 'f', TA, false, true, 1, &H);
        add_func(cat, schema, "avals", 'f', TA, false, true, 1, &H);
        add_func(cat, schema, "skeys", 'f', T, true, true, 1, &H);
        add_func(cat, schema, "svals", 'f', T, true, true, 1, &H);
        add_func(cat, schema, "hstore_to_json", 'f', OID_JSON, false, true, 1, &H);
        add_func(cat, schema, "hstore_to_jsonb", 'f', OID_JSONB, false, true, 1, &H);
        add_func(cat, schema, "hstore_to_array", 'f', TA, false, true, 1, &H);
        add_func(cat, schema, "exist", 'f', B, false, true, 2, ht);
        add_func(cat, schema, "defined", 'f', B, false, true, 2, ht);
        add_func(cat, schema, "delete", 'f', H, false, true, 2, ht);
        add_func(cat, schema, "slice", 'f', H, false, true, 2, hta);
        pgc_ufunc *each = add_func(cat, schema, "each", 'f', OID_RECORD, true, true, 1, &H);
        pgc_bi_column *outs = pgc_arena_alloc(cat->a, 2 * sizeof *outs);
        outs[0] = (pgc_bi_column){"key", T};
        outs[1] = (pgc_bi_column){"value", T};
        each->f.nouts = 2;
        each->f.outs = outs;
        add_cast(cat, H, OID_JSON, 'e', 'f');
        add_cast(cat, H, OID_JSONB, 'e', 'f');
        add_cast(cat, TA, H, 'e', 'f');
        (void)HA;
    } else if (strcmp(ext, "uuid-ossp") == 0) {
        uint32_t ut[2] = {U, T};
        add_func(cat, schema, "uuid_generate_v1", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_generate_v1mc", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_generate_v3", 'f', U, false, true, 2, ut);
        add_func(cat, schema, "uuid_generate_v4", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_generate_v5", 'f', U, false, true, 2, ut);
        add_func(cat, schema, "uuid_nil", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_ns_dns", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_ns_url", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_ns_oid", 'f', U, false, true, 0, NULL);
        add_func(cat, schema, "uuid_ns_x500", 'f', U, false, true, 0, NULL);
    } else if (strcmp(ext, "pgcrypto") == 0) {
        uint32_t tt[2] = {T, T}, ti[2] = {T, I4}, bt[2] = {BY, T}, ttt[3] = {T, T, T},
                 bbt[3] = {BY, BY, T};
        add_func(cat, schema, "crypt", 'f', T, false, true, 2, tt);
        add_func(cat, schema, "gen_salt", 'f', T, false, true, 1, &T);
        add_func(cat, schema, "gen_salt", 'f', T, false, true, 2, ti);
        add_func(cat, schema, "digest", 'f', BY, false, true, 2, tt);
        add_func(cat, schema, "digest", 'f', BY, false, true, 2, bt);
        add_func(cat, schema, "hmac", 'f', BY, false, true, 3, ttt);
        add_func(cat, schema, "hmac", 'f', BY, false, true, 3, bbt);
        add_func(cat, schema, "gen_random_bytes", 'f', BY, false, true, 1, &I4);
        add_func(cat, schema, "pgp_sym_encrypt", 'f', BY, false, true, 2, tt);
        add_func(cat, schema, "pgp_sym_decrypt", 'f', T, false, true, 2, bt);
        add_func(cat, schema, "armor", 'f', T, false, true, 1, &BY);
        add_func(cat, schema, "dearmor", 'f', BY, false, true, 1, &T);
    } else if (strcmp(ext, "pg_trgm") == 0) {
        uint32_t tt[2] = {T, T};
        add_func(cat, schema, "similarity", 'f', F4, false, true, 2, tt);
        add_func(cat, schema, "word_similarity", 'f', F4, false, true, 2, tt);
        add_func(cat, schema, "strict_word_similarity", 'f', F4, false, true, 2, tt);
        add_func(cat, schema, "show_trgm", 'f', TA, false, true, 1, &T);
        add_func(cat, schema, "show_limit", 'f', F4, false, true, 0, NULL);
        static const char *const bops[] = {"%", "<%", "%>", "<<%", "%>>"};
        LIST_EACH(i, sizeof bops / sizeof *bops)
            add_oper(cat, schema, bops[i], T, T, B);
        static const char *const dops[] = {"<->", "<<->", "<->>", "<<<->", "<->>>"};
        LIST_EACH(i, sizeof dops / sizeof *dops)
            add_oper(cat, schema, dops[i], T, T, F4);
    } else if (strcmp(ext, "fuzzystrmatch") == 0) {
        uint32_t tt[2] = {T, T}, ti[2] = {T, I4};
        add_func(cat, schema, "levenshtein", 'f', I4, false, true, 2, tt);
        add_func(cat, schema, "soundex", 'f', T, false, true, 1, &T);
        add_func(cat, schema, "difference", 'f', I4, false, true, 2, tt);
        add_func(cat, schema, "metaphone", 'f', T, false, true, 2, ti);
        add_func(cat, schema, "dmetaphone", 'f', T, false, true, 1, &T);
    } else if (strcmp(ext, "unaccent") == 0) {
        add_func(cat, schema, "unaccent", 'f', T, false, true, 1, &T);
    } else if (strcmp(ext, "ltree") == 0) {
        add_ltree(cat, schema);
    } else if (!is_silent_extension(ext)) {
        return fail(r->d, r->t, -1,
                    "pgc does not know extension \"%s\" (it knows citext, hstore, ltree, "
                    "uuid-ossp, pgcrypto, pg_trgm, fuzzystrmatch, unaccent, and accepts those "
                    "that add no types, such as btree_gist or moddatetime: README.md lists them)",
                    ext);
    }
    PGC_PUSH(cat->a, cat->extensions, pgc_arena_strdup(cat->a, ext));
    return true;
}

/* ---- DROP, RENAME, SET SCHEMA ----------------------------------------------------- */

static bool drop_schema(replay *r, const char *name, bool missing_ok)
{
    pgc_catalog *cat = r->cat;
    size_t at = SIZE_MAX;
    LIST_EACH(i, cat->schemas.len)
        if (strcmp(cat->schemas.items[i], name) == 0)
            at = i;
    if (at == SIZE_MAX)
        return missing_ok ? true : fail(r->d, r->t, -1, "schema \"%s\" does not exist", name);
    memmove(&cat->schemas.items[at], &cat->schemas.items[at + 1],
            (cat->schemas.len - at - 1) * sizeof *cat->schemas.items);
    cat->schemas.len--;
    LIST_EACH(i, cat->rels.len)
        if (strcmp(cat->rels.items[i]->schema, name) == 0)
            cat->rels.items[i]->dropped = true;
    LIST_EACH(i, cat->types.len)
        if (cat->types.items[i]->schema && strcmp(cat->types.items[i]->schema, name) == 0)
            cat->types.items[i]->dropped = true;
    LIST_EACH(i, cat->funcs.len)
        if (strcmp(cat->funcs.items[i]->schema, name) == 0)
            cat->funcs.items[i]->dropped = true;
    return true;
}

/* Views and materialized views reading rel: dropped with CASCADE, else an
 * error as the server gives. */
static bool drop_dependents(replay *r, const pgc_rel *rel, bool cascade)
{
    LIST_EACH(i, r->cat->rels.len) {
        pgc_rel *v = r->cat->rels.items[i];
        if (v->dropped || v == rel)
            continue;
        bool depends = false;
        LIST_EACH(k, v->deps.len)
            depends = depends || v->deps.items[k] == rel;
        if (!depends)
            continue;
        if (!cascade)
            return fail(r->d, r->t, -1, "cannot drop %s because other objects depend on it "
                                        "(view %s)", rel->name, v->name);
        if (!drop_dependents(r, v, true))
            return false;
        drop_rel(r->cat, v);
    }
    return true;
}

/* Columns of type u (or arrays of it): dropped with CASCADE, else an error. */
static bool drop_type_users(replay *r, const pgc_utype *u, bool cascade)
{
    LIST_EACH(i, r->cat->rels.len) {
        pgc_rel *rel = r->cat->rels.items[i];
        if (rel->dropped || rel->rowtype == u->t.oid)
            continue;
        for (size_t k = 0; k < rel->cols.len;) {
            pgc_col *col = &rel->cols.items[k];
            if (col->type != u->t.oid && col->type != u->t.array) {
                k++;
                continue;
            }
            if (!cascade)
                return fail(r->d, r->t, -1, "cannot drop type %s because other objects depend "
                                            "on it (column %s of %s)",
                            u->t.name, col->name, rel->name);
            memmove(col, col + 1, (rel->cols.len - k - 1) * sizeof *col);
            rel->cols.len--;
        }
    }
    return true;
}

static bool drop_stmt(replay *r, const PgQuery__DropStmt *ds)
{
    bool ok = true;
    LIST_EACH(i, ds->n_objects) {
        PgQuery__Node *obj = ds->objects[i];
        switch ((int)ds->remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
            if (obj->node_case != PG_QUERY__NODE__NODE_LIST)
                break;
            const char *schema, *name;
            split_name(obj->list->items, obj->list->n_items, &schema, &name);
            pgc_rel *rel = pgc_cat_find_rel(r->cat, schema, name);
            const char *kinds = ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "v"
                                : ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW
                                    ? "m"
                                : ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE
                                    ? "f"
                                : ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE
                                    ? "S"
                                    : "rp";
            if (!rel || !strchr(kinds, rel->kind)) {
                bool home = !rel && !schema && home_object(r->cat, 'r', name);
                if (ds->missing_ok && !home)
                    break;
                int32_t at = home ? name_location(r->t, name) : -1;
                fail(r->d, r->t, at, "%s \"%s\" does not exist",
                     kinds[0] == 'v' ? "view"
                     : kinds[0] == 'm' ? "materialized view"
                     : kinds[0] == 'f' ? "foreign table"
                     : kinds[0] == 'S' ? "sequence"
                                       : "table",
                     name);
                if (home)
                    pgc_cat_note_home(r->cat, r->d, r->t, at, 'r', name);
                return false;
            }
            if (!drop_dependents(r, rel, ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE))
                return false;
            drop_rel(r->cat, rel);
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
            if (obj->node_case != PG_QUERY__NODE__NODE_TYPE_NAME)
                break;
            const PgQuery__TypeName *tn = obj->type_name;
            pgc_utype *u = find_type_by_names(
                r, tn->names, tn->n_names,
                ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? 'd' : 0,
                ds->missing_ok, &ok);
            if (!ok)
                return false;
            if (!u)
                break;
            if (u->rel && u->rel->kind != 'c')
                return fail(r->d, r->t, tn->location,
                            "cannot drop type %s because table %s requires it", u->t.name,
                            u->t.name);
            if (!drop_type_users(r, u, ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE))
                return false;
            u->dropped = true;
            if (u->rel)
                u->rel->dropped = true;
            pgc_utype *arr = pgc_cat_utype(r->cat, u->t.array);
            if (arr)
                arr->dropped = true;
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
        case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
            if (obj->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS
                && !drop_function(r, obj->object_with_args, ds->missing_ok))
                return false;
            break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
            if (!drop_schema(r, str_of(obj), ds->missing_ok))
                return false;
            break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
            if (obj->node_case == PG_QUERY__NODE__NODE_LIST) {
                const char *schema, *name;
                split_name(obj->list->items, obj->list->n_items, &schema, &name);
                const pgc_unique *u = find_unique(r->cat, schema, name);
                LIST_EACH(k, u ? r->cat->rels.len : 0) {
                    pgc_rel *rel = r->cat->rels.items[k];
                    LIST_EACH(j, rel->uniques.len)
                        if (&rel->uniques.items[j] == u) {
                            drop_uniques(rel, name, NULL);
                            u = NULL;
                            break;
                        }
                }
            }
            break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
            return fail(r->d, r->t, -1, "pgc cannot follow DROP EXTENSION");
        default:
            /* indexes, sequences, triggers, policies, procedures, ... */
            break;
        }
    }
    return true;
}

static void rename_schema(pgc_catalog *cat, const char *from, const char *to)
{
    LIST_EACH(i, cat->schemas.len)
        if (strcmp(cat->schemas.items[i], from) == 0)
            cat->schemas.items[i] = to;
    LIST_EACH(i, cat->rels.len)
        if (strcmp(cat->rels.items[i]->schema, from) == 0)
            cat->rels.items[i]->schema = to;
    LIST_EACH(i, cat->types.len) {
        pgc_utype *u = cat->types.items[i];
        if (u->t.elem == 0 && u->schema && strcmp(u->schema, from) == 0) {
            u->schema = to;
            name_type(cat, u);
        }
    }
    LIST_EACH(i, cat->funcs.len)
        if (strcmp(cat->funcs.items[i]->schema, from) == 0)
            cat->funcs.items[i]->schema = to;
}

static bool rename_stmt(replay *r, const PgQuery__RenameStmt *rs)
{
    bool ok = true;
    pgc_catalog *cat = r->cat;
    switch ((int)rs->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
        pgc_rel *rel = find_rel_kind(r, rs->relation, "rpvmfS", rs->missing_ok, &ok);
        if (!rel)
            return ok;
        if (name_taken(cat, rel->schema, rs->newname))
            return fail(r->d, r->t, rs->relation->location, "relation \"%s\" already exists",
                        rs->newname);
        rel->name = pgc_arena_strdup(cat->a, rs->newname);
        index_rel(cat, rel);
        pgc_utype *u = pgc_cat_utype(cat, rel->rowtype);
        if (u) {
            u->name = rel->name;
            name_type(cat, u);
            index_type(cat, u);
        }
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE: {
        pgc_rel *rel;
        if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE) {
            pgc_utype *u = find_utype(cat, rv_schema(rs->relation), rs->relation->relname);
            rel = u ? u->rel : NULL;
            if (!rel)
                return fail(r->d, r->t, rs->relation->location, "type \"%s\" does not exist",
                            rs->relation->relname);
        } else {
            rel = find_rel_kind(r, rs->relation, "rpvmf", rs->missing_ok, &ok);
            if (!rel)
                return ok;
        }
        pgc_col *c = rel_col(rel, rs->subname);
        if (!c)
            return fail(r->d, r->t, rs->relation->location,
                        "column \"%s\" does not exist", rs->subname);
        if (rel_col(rel, rs->newname))
            return fail(r->d, r->t, rs->relation->location,
                        "column \"%s\" of relation \"%s\" already exists", rs->newname,
                        rel->name);
        LIST_EACH(i, rel->uniques.len)
            LIST_EACH(k, rel->uniques.items[i].cols.len)
                if (strcmp(rel->uniques.items[i].cols.items[k], c->name) == 0)
                    rel->uniques.items[i].cols.items[k] = pgc_arena_strdup(cat->a, rs->newname);
        c->name = pgc_arena_strdup(cat->a, rs->newname);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        pgc_unique *u = find_unique(cat, rv_schema(rs->relation), rs->relation->relname);
        if (u)
            u->name = pgc_arena_strdup(cat->a, rs->newname);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
        pgc_rel *rel = find_rel_kind(r, rs->relation, "rpf", true, &ok);
        LIST_EACH(i, rel ? rel->uniques.len : 0)
            if (strcmp(rel->uniques.items[i].name, rs->subname) == 0)
                rel->uniques.items[i].name = pgc_arena_strdup(cat->a, rs->newname);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        const PgQuery__Node *obj = rs->object;
        PgQuery__Node **names = NULL;
        size_t n = 0;
        if (obj && obj->node_case == PG_QUERY__NODE__NODE_LIST) {
            names = obj->list->items;
            n = obj->list->n_items;
        } else if (obj && obj->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            names = obj->type_name->names;
            n = obj->type_name->n_names;
        }
        pgc_utype *u = find_type_by_names(r, names, n, 0, false, &ok);
        if (!u)
            return false;
        if (type_taken(cat, u->schema, rs->newname))
            return fail(r->d, r->t, -1, "type \"%s\" already exists", rs->newname);
        u->name = pgc_arena_strdup(cat->a, rs->newname);
        name_type(cat, u);
        index_type(cat, u);
        if (u->rel) {
            u->rel->name = u->name;
            index_rel(cat, u->rel);
        }
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        if (!schema_exists(cat, rs->subname))
            return fail(r->d, r->t, -1, "schema \"%s\" does not exist", rs->subname);
        rename_schema(cat, rs->subname, pgc_arena_strdup(cat->a, rs->newname));
        return true;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: {
        const PgQuery__ObjectWithArgs *ow = rs->object->object_with_args;
        const char *schema, *name;
        split_name(ow->objname, ow->n_objname, &schema, &name);
        LIST_EACH(i, cat->funcs.len) {
            pgc_ufunc *f = cat->funcs.items[i];
            if (f->dropped || strcmp(f->f.name, name) != 0
                || (schema ? strcmp(f->schema, schema) != 0 : !in_search_path(f->schema)))
                continue;
            if (args_match(r, f, ow, &ok))
                f->f.name = pgc_arena_strdup(cat->a, rs->newname);
            if (!ok)
                return false;
        }
        return true;
    }
    default:
        /* constraints, indexes, sequences, triggers, policies, roles, ... */
        return true;
    }
}

/* rel and its row type into schema. */
static void move_rel(pgc_catalog *cat, pgc_rel *rel, const char *schema)
{
    rel->schema = schema;
    pgc_utype *u = pgc_cat_utype(cat, rel->rowtype);
    if (u) {
        u->schema = schema;
        name_type(cat, u);
    }
}

static bool set_schema(replay *r, const PgQuery__AlterObjectSchemaStmt *ss)
{
    bool ok = true;
    if (!schema_exists(r->cat, ss->newschema))
        return fail(r->d, r->t, -1, "schema \"%s\" does not exist", ss->newschema);
    const char *newschema = pgc_arena_strdup(r->cat->a, ss->newschema);
    switch ((int)ss->object_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
        pgc_rel *rel = find_rel_kind(r, ss->relation, "rpvmfS", ss->missing_ok, &ok);
        if (!rel)
            return ok;
        move_rel(r->cat, rel, newschema);
        LIST_EACH(i, r->cat->rels.len) /* its sequences go along */
            if (r->cat->rels.items[i]->owned_by == rel && !r->cat->rels.items[i]->dropped)
                move_rel(r->cat, r->cat->rels.items[i], newschema);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        const PgQuery__Node *obj = ss->object;
        if (!obj || obj->node_case != PG_QUERY__NODE__NODE_LIST)
            return fail(r->d, r->t, -1, "pgc cannot follow this ALTER ... SET SCHEMA");
        pgc_utype *u = find_type_by_names(r, obj->list->items, obj->list->n_items, 0, false,
                                          &ok);
        if (!u)
            return false;
        u->schema = newschema;
        if (u->rel)
            u->rel->schema = newschema;
        name_type(r->cat, u);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: {
        const PgQuery__ObjectWithArgs *ow = ss->object->object_with_args;
        const char *schema, *name;
        split_name(ow->objname, ow->n_objname, &schema, &name);
        LIST_EACH(i, r->cat->funcs.len) {
            pgc_ufunc *f = r->cat->funcs.items[i];
            if (f->dropped || strcmp(f->f.name, name) != 0
                || (schema ? strcmp(f->schema, schema) != 0 : !in_search_path(f->schema)))
                continue;
            if (args_match(r, f, ow, &ok))
                f->schema = newschema;
            if (!ok)
                return false;
        }
        return true;
    }
    default:
        return true;
    }
}

static bool create_schema(replay *r, const PgQuery__CreateSchemaStmt *ss);

static bool apply(replay *r, PgQuery__Node *stmt)
{
    switch ((int)stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        return create_schema(r, stmt->create_schema_stmt);
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        return create_table(r, stmt->create_stmt, 'r');
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT:
        return create_table(r, stmt->create_foreign_table_stmt->base_stmt, 'f');
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        return alter_table(r, stmt->alter_table_stmt);
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        return create_enum(r, stmt->create_enum_stmt);
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        return alter_enum(r, stmt->alter_enum_stmt);
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        return create_composite(r, stmt->composite_type_stmt);
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        return create_domain(r, stmt->create_domain_stmt);
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
        return alter_domain(r, stmt->alter_domain_stmt);
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        return create_view(r, stmt->view_stmt);
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
        const PgQuery__CreateTableAsStmt *cs = stmt->create_table_as_stmt;
        if (cs->query && cs->query->node_case == PG_QUERY__NODE__NODE_EXECUTE_STMT)
            return fail(r->d, r->t, -1, "pgc cannot follow CREATE TABLE AS EXECUTE");
        return create_table_as(r, cs->query, cs->into,
                               cs->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW,
                               cs->if_not_exists);
    }
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        if (stmt->select_stmt->into_clause) {
            /* SELECT ... INTO t: CREATE TABLE AS without the INTO */
            PgQuery__IntoClause *into = stmt->select_stmt->into_clause;
            stmt->select_stmt->into_clause = NULL;
            bool ok = create_table_as(r, stmt, into, false, false);
            stmt->select_stmt->into_clause = into;
            return ok;
        }
        return true;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        return create_function(r, stmt->create_function_stmt);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        return named_as_at_run_time(r, stmt->insert_stmt->relation);
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return named_as_at_run_time(r, stmt->update_stmt->relation);
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        return named_as_at_run_time(r, stmt->delete_stmt->relation);
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        return named_as_at_run_time(r, stmt->create_trig_stmt->relation);
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        LIST_EACH(i, stmt->truncate_stmt->n_relations) {
            const PgQuery__Node *n = stmt->truncate_stmt->relations[i];
            if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR
                && !named_as_at_run_time(r, n->range_var))
                return false;
        }
        return true;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        return create_extension(r, stmt->create_extension_stmt);
    case PG_QUERY__NODE__NODE_DROP_STMT:
        return drop_stmt(r, stmt->drop_stmt);
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        return rename_stmt(r, stmt->rename_stmt);
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
        return set_schema(r, stmt->alter_object_schema_stmt);
    case PG_QUERY__NODE__NODE_DEFINE_STMT: {
        const PgQuery__DefineStmt *ds = stmt->define_stmt;
        switch ((int)ds->kind) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION:
        case PG_QUERY__OBJECT_TYPE__OBJECT_TSCONFIGURATION:
        case PG_QUERY__OBJECT_TYPE__OBJECT_TSDICTIONARY:
        case PG_QUERY__OBJECT_TYPE__OBJECT_TSPARSER:
        case PG_QUERY__OBJECT_TYPE__OBJECT_TSTEMPLATE:
            return true;
        case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
            return fail(r->d, r->t, -1, "pgc cannot follow CREATE AGGREGATE");
        case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
            return fail(r->d, r->t, -1, "pgc cannot follow CREATE OPERATOR");
        default:
            return fail(r->d, r->t, -1,
                        "pgc cannot follow CREATE TYPE for base or shell types");
        }
    }
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        return create_range(r, stmt->create_range_stmt);
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        return create_sequence(r, stmt->create_seq_stmt);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        return named_as_at_run_time(r, stmt->index_stmt->relation)
               && create_index(r, stmt->index_stmt);
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
        return alter_sequence(r, stmt->alter_seq_stmt);
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT:
        return fail(r->d, r->t, -1, "pgc cannot follow CREATE CAST");
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_CONTENTS_STMT:
        return fail(r->d, r->t, -1, "pgc cannot follow ALTER EXTENSION");
    case PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT:
        return fail(r->d, r->t, -1, "pgc cannot follow IMPORT FOREIGN SCHEMA");
    case PG_QUERY__NODE__NODE_RULE_STMT:
        return fail(r->d, r->t, -1, "pgc cannot follow CREATE RULE");
    case PG_QUERY__NODE__NODE_ALTER_TYPE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EVENT_TRIG_STMT:
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
    case PG_QUERY__NODE__NODE_LOCK_STMT:
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
    case PG_QUERY__NODE__NODE_ALTER_STATS_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SUBSCRIPTION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SUBSCRIPTION_STMT:
    case PG_QUERY__NODE__NODE_DROP_SUBSCRIPTION_STMT:
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PLANG_STMT:
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_CONSTRAINTS_SET_STMT:
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
    case PG_QUERY__NODE__NODE_CALL_STMT:
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
    case PG_QUERY__NODE__NODE_REPLICA_IDENTITY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_SET_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DATABASE_REFRESH_COLL_STMT:
    case PG_QUERY__NODE__NODE_ALTER_COLLATION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_TSDICTIONARY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_TSCONFIGURATION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_CONVERSION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TABLE_SPACE_STMT:
    case PG_QUERY__NODE__NODE_DROP_TABLE_SPACE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_TABLE_SPACE_OPTIONS_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_DEPENDS_STMT:
    case PG_QUERY__NODE__NODE_DROP_OWNED_STMT:
    case PG_QUERY__NODE__NODE_REASSIGN_OWNED_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FDW_STMT:
    case PG_QUERY__NODE__NODE_ALTER_FDW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_SERVER_STMT:
    case PG_QUERY__NODE__NODE_ALTER_FOREIGN_SERVER_STMT:
    case PG_QUERY__NODE__NODE_CREATE_USER_MAPPING_STMT:
    case PG_QUERY__NODE__NODE_ALTER_USER_MAPPING_STMT:
    case PG_QUERY__NODE__NODE_DROP_USER_MAPPING_STMT:
        /* nothing that queries can see changes (ALTER TYPE ... OWNER/SET is
         * AlterTypeStmt: storage options only) */
        return true;
    default:
        return fail(r->d, r->t, -1, "pgc cannot follow this statement in a migration");
    }
}

static bool create_schema(replay *r, const PgQuery__CreateSchemaStmt *ss)
{
    const char *name = ss->schemaname;
    if (!name && ss->authrole && ss->authrole->rolename)
        name = ss->authrole->rolename;
    if (!name)
        return fail(r->d, r->t, -1, "pgc cannot follow CREATE SCHEMA without a name");
    if (schema_exists(r->cat, name)) {
        if (ss->if_not_exists)
            return true;
        return fail(r->d, r->t, -1, "schema \"%s\" already exists", name);
    }
    name = pgc_arena_strdup(r->cat->a, name);
    PGC_PUSH(r->cat->a, r->cat->schemas, name);
    const char *saved = r->default_schema;
    r->default_schema = name;
    bool ok = true;
    LIST_EACH(i, ss->n_schema_elts)
        if (ok)
            ok = apply(r, ss->schema_elts[i]);
    r->default_schema = saved;
    return ok;
}

void pgc_catalog_set_templated(pgc_catalog *cat, bool templated)
{
    cat->templated = templated;
}

bool pgc_catalog_apply(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                       PgQuery__Node *stmt)
{
    replay r = {cat, d, t, NULL, false};
    return apply(&r, stmt);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

static void json_schema(pgc_json *j, const char *schema)
{
    if (!pgc_cat_schema_hidden(schema)) {
        pgc_json_key(j, "schema");
        pgc_json_string(j, schema);
    }
}

void pgc_catalog_write_json(const pgc_catalog *cat, pgc_json *j)
{
    pgc_catalog *mcat = (pgc_catalog *)cat; /* names are cached in the arena */
    pgc_json_begin_object(j);
    pgc_json_key(j, "schemas");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->schemas.len)
        if (!pgc_cat_schema_hidden(cat->schemas.items[i]))
            pgc_json_string(j, cat->schemas.items[i]);
    pgc_json_end_array(j);

    pgc_json_key(j, "relations");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->rels.len) {
        const pgc_rel *rel = cat->rels.items[i];
        if (rel->dropped || rel->kind == 'c' || rel->system)
            continue;
        pgc_json_begin_object(j);
        json_schema(j, rel->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, rel->name);
        pgc_json_key(j, "kind");
        pgc_json_string(j, rel_kind_name(rel->kind));
        pgc_json_key(j, "columns");
        pgc_json_begin_array(j);
        LIST_EACH(k, rel->cols.len) {
            const pgc_col *c = &rel->cols.items[k];
            pgc_json_begin_object(j);
            pgc_json_key(j, "name");
            pgc_json_string(j, c->name);
            pgc_json_key(j, "type");
            pgc_json_string(j, pgc_catalog_type_name(mcat, c->type, c->typmod));
            pgc_json_key(j, "not_null");
            pgc_json_bool(j, c->not_null);
            pgc_json_key(j, "has_default");
            pgc_json_bool(j, c->has_default);
            if (c->identity) {
                pgc_json_key(j, "identity");
                pgc_json_string(j, c->identity == 'a' ? "always" : "by default");
            }
            if (c->generated) {
                pgc_json_key(j, "generated");
                pgc_json_bool(j, true);
            }
            pgc_json_end_object(j);
        }
        pgc_json_end_array(j);
        if (rel->uniques.len) { /* ON CONFLICT's possible arbiters */
            pgc_json_key(j, "unique");
            pgc_json_begin_array(j);
            LIST_EACH(k, rel->uniques.len) {
                const pgc_unique *u = &rel->uniques.items[k];
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, u->name);
                pgc_json_key(j, "columns");
                pgc_json_begin_array(j);
                LIST_EACH(m, u->cols.len)
                    pgc_json_string(j, u->cols.items[m]);
                pgc_json_end_array(j);
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);

    pgc_json_key(j, "types");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->types.len) {
        const pgc_utype *u = cat->types.items[i];
        if (u->dropped || u->t.elem || (u->rel && (u->rel->kind != 'c' || u->rel->system)))
            continue;
        pgc_json_begin_object(j);
        json_schema(j, u->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, u->name);
        pgc_json_key(j, "kind");
        switch (u->t.type) {
        case 'e':
            pgc_json_string(j, "enum");
            pgc_json_key(j, "values");
            pgc_json_begin_array(j);
            LIST_EACH(k, u->labels.len)
                pgc_json_string(j, u->labels.items[k]);
            pgc_json_end_array(j);
            break;
        case 'd':
            pgc_json_string(j, "domain");
            pgc_json_key(j, "base");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.base, u->base_typmod));
            pgc_json_key(j, "not_null");
            pgc_json_bool(j, u->not_null);
            break;
        case 'c':
            pgc_json_string(j, "composite");
            pgc_json_key(j, "attributes");
            pgc_json_begin_array(j);
            LIST_EACH(k, u->rel->cols.len) {
                const pgc_col *c = &u->rel->cols.items[k];
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, c->name);
                pgc_json_key(j, "type");
                pgc_json_string(j, pgc_catalog_type_name(mcat, c->type, c->typmod));
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
            break;
        case 'r':
            pgc_json_string(j, "range");
            pgc_json_key(j, "subtype");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.range_subtype, -1));
            break;
        case 'm':
            pgc_json_string(j, "multirange");
            pgc_json_key(j, "range");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.range, -1));
            break;
        default:
            pgc_json_string(j, "base");
            break;
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);

    pgc_json_key(j, "functions");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->funcs.len) {
        const pgc_ufunc *f = cat->funcs.items[i];
        if (f->dropped)
            continue;
        pgc_json_begin_object(j);
        json_schema(j, f->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, f->f.name);
        pgc_json_key(j, "args");
        pgc_json_begin_array(j);
        LIST_EACH(k, f->f.nargs)
            pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.args[k], -1));
        pgc_json_end_array(j);
        pgc_json_key(j, "returns");
        pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.rettype, f->rettypmod));
        pgc_json_key(j, "set");
        pgc_json_bool(j, f->f.retset);
        if (f->f.nouts) {
            pgc_json_key(j, "columns");
            pgc_json_begin_array(j);
            LIST_EACH(k, f->f.nouts) {
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, f->f.outs[k].name);
                pgc_json_key(j, "type");
                pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.outs[k].type, -1));
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);
    pgc_json_end_object(j);
}
