/*
 * typemap.c - which C type a PostgreSQL type takes in generated code.
 *
 * Takes a type OID and the catalog; gives its ctype (C type, encoder and
 * decoder names, pgc_type_code) from runtime/pgc_types.def, the one list
 * of built-in types the runtime expands too, or the enum or composite
 * struct the emitter names for a user type (enum_c_name, struct_of), or
 * why there is none yet (unsupported_why).  What it keeps across queries
 * (those names, structs, members' types) is made in the emitter's lasting
 * arena, e->keep; a query's own ctype texts in its scratch, e->a.
 */
#include "emit_internal.h"

#include <stdio.h>
#include <string.h>

/* A user type's name as a C identifier: NAME_type, or NAME_schema_type
 * outside the schemas shown without qualification. */
static const char *user_c_name(emitter *e, const pgc_utype *u, const char *fallback)
{
    pgc_arena *a = e->keep; /* what it makes outlives the query */
    const char *type = u->schema && strcmp(u->schema, PGC_HOME_SCHEMA) != 0
                               && strcmp(u->schema, "public") != 0
                           ? pgc_arena_printf(a, "%s_%s", u->schema, u->name)
                           : u->name;
    const char *c = pgc_arena_printf(a, "%s_%s", e->name, c_name(a, type, false, fallback));
    /* A query's names (claimed first) stay: the type gives way, NAME_TYPE_type
     * (then _2, _3...), until it and its functions' names are free. */
    bool is_enum = u->t.type == 'e';
    const char *base = c;
    for (int k = 1;; k++) {
        if (!name_taken(&e->globals, c)
            && (!is_enum || (!name_taken(&e->globals, pgc_arena_printf(a, "%s_to_text", c))
                             && !name_taken(&e->globals, pgc_arena_printf(a, "%s_from_text", c)))))
            break;
        c = k == 1 ? pgc_arena_printf(a, "%s_type", base)
                   : pgc_arena_printf(a, "%s_type_%d", base, k);
    }
    name_add(a, &e->globals, c);
    if (is_enum) {
        name_add(a, &e->globals, pgc_arena_printf(a, "%s_to_text", c));
        name_add(a, &e->globals, pgc_arena_printf(a, "%s_from_text", c));
    }
    return c;
}

static const char *enum_c_name(emitter *e, uint32_t oid)
{
    pgc_arena *a = e->keep; /* what it makes outlives the query */
    for (size_t i = 0; i < e->enums.len; i++)
        if (e->enums.items[i] == oid)
            return e->enum_names.items[i];
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    const char *c = user_c_name(e, u, "enum");
    /* keep the list sorted by oid, for a stable order */
    size_t at = e->enums.len;
    PGC_PUSH(a, e->enums, oid);
    PGC_PUSH(a, e->enum_names, c);
    PGC_PUSH(a, e->enum_types, (const char *)NULL);
    while (at > 0 && e->enums.items[at - 1] > oid) {
        e->enums.items[at] = e->enums.items[at - 1];
        e->enum_names.items[at] = e->enum_names.items[at - 1];
        e->enum_types.items[at] = e->enum_types.items[at - 1];
        at--;
    }
    e->enums.items[at] = oid;
    e->enum_names.items[at] = c;
    e->enum_types.items[at] = NULL;
    return c;
}


/*
 * The struct of composite type oid, made on first use with its members'
 * names and nullability: every field of a CREATE TYPE composite may be
 * NULL (it cannot be declared NOT NULL); a table's row follows the table's
 * NOT NULLs (a NULL there is refused at run time, as for columns).
 * Members' C types are resolved by resolve_struct, once nullability is
 * final.
 */
cstruct *struct_of(emitter *e, uint32_t oid)
{
    pgc_arena *a = e->keep; /* what it makes outlives the query */
    for (size_t i = 0; i < e->structs.len; i++)
        if (e->structs.items[i]->oid == oid)
            return e->structs.items[i];
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    const pgc_rel *rel = pgc_cat_type_rel(e->p->catalog, oid);
    if (!u || !rel || u->dropped)
        return NULL;
    cstruct *st = pgc_arena_alloc(a, sizeof *st);
    memset(st, 0, sizeof *st);
    st->oid = oid;
    st->rel = rel;
    st->c = user_c_name(e, u, "row");
    st->sqltype = pgc_catalog_type_name(e->p->catalog, oid, -1);
    names used = {0};
    for (size_t i = 0; i < rel->cols.len; i++) {
        member m = {0};
        m.col = &rel->cols.items[i];
        char fallback[32];
        snprintf(fallback, sizeof fallback, "field_%zu", i + 1);
        m.c = name_unique(a, &used, c_name(a, m.col->name, false, fallback));
        m.nullable = rel->kind == 'c' || !m.col->not_null;
        PGC_PUSH(a, st->m, m);
    }
    PGC_PUSH(a, e->structs, st);
    return st;
}

static bool ctype_in(emitter *e, pgc_arena *a, uint32_t oid, ctype *out);

/* The members' C types and companions' names; call once nullability is final. */
void resolve_struct(emitter *e, cstruct *st)
{
    if (st->resolved)
        return;
    st->resolved = true;
    pgc_arena *a = e->keep;
    names used = {0};
    for (size_t i = 0; i < st->m.len; i++)
        name_add(a, &used, st->m.items[i].c);
    for (size_t i = 0; i < st->m.len; i++) {
        member *m = &st->m.items[i];
        m->ok = ctype_in(e, a, m->col->type, &m->t);
        if (m->nullable)
            m->is_null = name_unique(a, &used, pgc_arena_printf(a, "%s_is_null", m->c));
    }
}

/* pgc_types.def: the C forms, and the built-in types that take them. */
static const struct kind_info {
    const char *name, *c;
    int size;
} kinds[] = {
#define PGC_KIND(KIND, kind, ctype, size) [V_##KIND] = {#kind, #ctype, size},
#include "pgc_types.def"
};

static const struct builtin_type {
    const char *name;
    uint32_t oid, array_oid;
    vkind kind;
} builtin_types[] = {
#define PGC_TYPE(NAME, oid, array_oid, KIND) {#NAME, oid, array_oid, V_##KIND},
#include "pgc_types.def"
}, builtin_ranges[] = {
#define PGC_RANGE(NAME, oid, KIND) {#NAME, oid, 0, V_##KIND},
#include "pgc_types.def"
};

/* The C constant naming a built-in type's OID (PGC_OID_INT8), or its number. */
const char *oid_name(pgc_arena *a, uint32_t oid)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
        if (builtin_types[i].oid == oid)
            return pgc_arena_printf(a, "PGC_OID_%s", builtin_types[i].name);
        if (builtin_types[i].array_oid == oid)
            return pgc_arena_printf(a, "PGC_OID_%s_ARRAY", builtin_types[i].name);
    }
    for (size_t i = 0; i < sizeof builtin_ranges / sizeof builtin_ranges[0]; i++)
        if (builtin_ranges[i].oid == oid)
            return pgc_arena_printf(a, "PGC_OID_%s", builtin_ranges[i].name);
    return pgc_arena_printf(a, "%u", oid);
}

/* A value of kind k, of the built-in type `name` (OID oid). */
static ctype scalar_type(vkind k, const char *name, uint32_t oid, pgc_arena *a)
{
    return (ctype){k, kinds[k].c, kinds[k].name, kinds[k].size, oid, NULL, 0, NULL, NULL,
                   pgc_arena_printf(a, "PGC_T_%s", name)};
}

/*
 * A one-dimensional array of kind k: of the kinds that have a binary form,
 * sent in binary; of numeric and jsonb as text ({"1.5","2"}), so that the
 * caller's text is what the server parses.  Text-like items are a
 * pgc_text_array; the decoder is the kind's own.
 */
static ctype array_type(vkind k, const char *name, uint32_t oid, uint32_t elem, pgc_arena *a)
{
    bool text = k == V_TEXT || k == V_JSONB || k == V_NUMERIC;
    const char *c = text ? "text" : kinds[k].name;
    return (ctype){V_ARRAY, pgc_arena_printf(a, "pgc_%s_array", c),
                   pgc_arena_printf(a, "%s_array", c), 0, oid, NULL,
                   k == V_JSONB || k == V_NUMERIC ? 0 : elem, kinds[k].name, NULL,
                   pgc_arena_printf(a, "PGC_T_%s_ARRAY", name)};
}

/* The handling of type oid, its texts in a, or false if there is none yet. */
static bool ctype_in(emitter *e, pgc_arena *a, uint32_t oid, ctype *out)
{
    uint32_t base = pgc_cat_base_type(e->p->catalog, oid);
    memset(out, 0, sizeof *out);
    out->oid = base;
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
        const struct builtin_type *b = &builtin_types[i];
        if (b->oid == base) {
            *out = scalar_type(b->kind, b->name, base, a);
            return true;
        }
        if (b->array_oid == base) {
            *out = array_type(b->kind, b->name, base, b->oid, a);
            return true;
        }
    }
    /* ranges, sent in binary */
    for (size_t i = 0; i < sizeof builtin_ranges / sizeof builtin_ranges[0]; i++) {
        const struct builtin_type *r = &builtin_ranges[i];
        if (r->oid == base) {
            *out = (ctype){V_RANGE, pgc_arena_printf(a, "pgc_%s_range", kinds[r->kind].name),
                           pgc_arena_printf(a, "%s_range", kinds[r->kind].name), 0, base, NULL,
                           0, NULL, NULL, pgc_arena_printf(a, "PGC_T_%s", r->name)};
            return true;
        }
    }
    pgc_utype *u = pgc_cat_utype(e->p->catalog, base);
    if (!u || u->dropped)
        return false;
    if (u->t.type == 'e') {
        const char *c = enum_c_name(e, base);
        *out = (ctype){V_ENUM, c, NULL, 0, 0, c, 0, NULL, NULL, "PGC_T_ENUM"};
        return true;
    }
    if (u->t.type == 'b' && strcmp(u->name, "citext") == 0) {
        *out = (ctype){V_TEXT, "const char *", "text", 0, 0, NULL, 0, NULL, NULL, "PGC_T_CITEXT"};
        return true;
    }
    if (u->t.type == 'c') {
        cstruct *st = struct_of(e, base);
        if (!st)
            return false;
        *out = (ctype){V_COMPOSITE, st->c, NULL, 0, 0, NULL, 0, NULL, st, "PGC_T_RECORD"};
        return true;
    }
    /* an array of an enum: its labels, as text both ways */
    uint32_t elem = pgc_cat_elem_type(e->p->catalog, base);
    pgc_utype *eu = elem ? pgc_cat_utype(e->p->catalog, elem) : NULL;
    if (eu && !eu->dropped && eu->t.type == 'e') {
        *out = (ctype){V_ARRAY, "pgc_text_array", "text_array", 0, 0, enum_c_name(e, elem), 0,
                       "label", NULL, "PGC_T_ENUM_ARRAY"};
        return true;
    }
    return false;
}

bool ctype_of(emitter *e, uint32_t oid, ctype *out)
{
    return ctype_in(e, e->a, oid, out);
}

/* Why type oid has no C mapping, for a message ending "... which <why>". */
const char *unsupported_why(emitter *e, uint32_t oid)
{
    uint32_t base = pgc_cat_base_type(e->p->catalog, oid);
    if (base == OID_RECORD)
        return "pgc generate cannot map: an anonymous record has no fields to map; cast it to "
               "a composite type (ROW(...)::t)";
    const pgc_bi_type *t = pgc_cat_type(e->p->catalog, base);
    uint32_t elem = pgc_cat_elem_type(e->p->catalog, base);
    if (t && (t->type == 'r' || t->type == 'm'))
        return "pgc generate does not support yet (multiranges, ranges of other types: select "
               "lower(x), upper(x) instead)";
    if (elem && pgc_cat_type_rel(e->p->catalog, elem))
        return "pgc generate does not support yet (arrays of composite types)";
    return "pgc generate does not support yet";
}

bool is_string(const ctype *t)
{
    return t->kind == V_TEXT || t->kind == V_JSONB || t->kind == V_NUMERIC;
}
