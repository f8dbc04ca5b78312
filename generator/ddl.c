/*
 * ddl.c - DDL replay: each statement of a migration, in order, changes the
 * catalog as the server would (pgc_catalog_apply, semantic.h): schemas,
 * tables and their columns, sequences, unique indexes (ON CONFLICT's
 * arbiters), enums, composite types, domains, ranges, views, functions,
 * extensions' types, DROP, RENAME and SET SCHEMA.  What it follows is
 * listed in apply(); a statement that could change what queries see and
 * that it cannot follow is an error at the statement, never skipped.
 *
 * Takes: a migration statement's parse tree; the catalog's building blocks
 * and lookups (catalog_internal.h); the analyzer (analyze.h) for the
 * queries a migration stores (views, CREATE TABLE AS).  Gives:
 * pgc_catalog_apply() and pgc_catalog_set_templated().  It sits above the
 * analyzer: nothing below calls it.
 *
 * Relations (tables, columns, sequences, unique indexes, ALTER TABLE,
 * views) are replayed in ddl_rel.c; this file holds the rest and the
 * dispatcher, apply().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "ddl_internal.h"

/* Where CREATE without a schema puts things: the first schema of the path. */
static const char *creation_schema(replay *r, const char *schema, int32_t location, bool *ok)
{
    if (!schema)
        schema = r->default_schema;
    if (!schema) {
        /* the first schema of the server's default search_path that exists */
        if (!pgc_cat_schema_exists(r->cat, "public")) {
            *ok = cat_fail(r->d, r->t, location, "no schema has been selected to create in");
            return NULL;
        }
        schema = "public";
    }
    if (!pgc_cat_schema_exists(r->cat, schema)) {
        *ok = cat_fail(r->d, r->t, location, "schema \"%s\" does not exist", schema);
        return NULL;
    }
    if (strcmp(schema, "pg_catalog") == 0) {
        *ok = cat_fail(r->d, r->t, location, "permission denied to create \"pg_catalog.*\"");
        return NULL;
    }
    return schema;
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
const char *own_creation_schema(replay *r, const char *schema, const char *kind,
                                const char *name, bool relation, int32_t location,
                                bool *ok)
{
    if (location < 0 && name)
        location = name_location(r->t, name);
    if (!schema && !r->default_schema && r->cat->templated && name) {
        cat_fail(r->d, r->t, location,
             "%s \"%s\" is created without a schema: it would land in public, the same for "
             "every embedding of the library",
             kind, name);
        if (r->d)
            pgc_diag_note(r->d, r->t->file, pgc_parse_source_offset(r->t, location),
                          relation ? "create the library's %s as {{tables.%s}}"
                                   : "create the library's %s as {{schema}}.%s",
                          kind, relation ? name : pgc_cat_quote_ident(r->cat->a, name));
        *ok = false;
        return NULL;
    }
    return creation_schema(r, schema, location, ok);
}

bool ddl_name_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    const pgc_named_list *same = pgc_cat_rels_named(cat, name);
    LIST_EACH(i, same->len) {
        const pgc_rel *r = same->items[i];
        if (!r->dropped && strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0)
            return true;
    }
    return false;
}

bool type_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    const pgc_named_list *same = pgc_cat_types_named(cat, name);
    LIST_EACH(i, same->len) {
        const pgc_utype *u = same->items[i];
        if (!u->dropped && u->t.elem == 0 && strcmp(u->schema, schema) == 0
            && strcmp(u->name, name) == 0)
            return true;
    }
    return false;
}

void drop_rel(pgc_catalog *cat, pgc_rel *rel)
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
const char *rv_schema(const PgQuery__RangeVar *rv)
{
    if (rv->schemaname && *rv->schemaname)
        return rv->schemaname;
    return rv->relpersistence && rv->relpersistence[0] == 't' ? "pg_temp" : NULL;
}

pgc_rel *find_rel_kind(replay *r, const PgQuery__RangeVar *rv, const char *kinds,
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
    bool home = !schema && pgc_cat_home_object(r->cat, 'r', rv->relname);
    if (missing_ok && !home)
        return NULL;
    if (schema && !pgc_cat_schema_exists(r->cat, schema)) {
        *ok = cat_fail(r->d, r->t, rv->location, "schema \"%s\" does not exist", schema);
        pgc_cat_note_unknown_schema(r->cat, r->d, r->t, rv->location, schema);
    } else if (schema && strcmp(schema, PGC_HOME_SCHEMA) != 0)
        *ok = cat_fail(r->d, r->t, rv->location, "relation \"%s.%s\" does not exist", schema,
                   rv->relname);
    else
        *ok = cat_fail(r->d, r->t, rv->location, "relation \"%s\" does not exist", rv->relname);
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
    if (!rv || rv_schema(rv) || !pgc_cat_home_object(r->cat, 'r', rv->relname)
        || pgc_cat_find_rel(r->cat, NULL, rv->relname))
        return true;
    cat_fail(r->d, r->t, rv->location, "relation \"%s\" does not exist", rv->relname);
    pgc_cat_note_home(r->cat, r->d, r->t, rv->location, 'r', rv->relname);
    return false;
}

/* ---- types ------------------------------------------------------------------- */

/* The schema and name of a type about to be created from a qualified
 * name; false after reporting a missing schema or a name already taken. */
static bool new_type_name(replay *r, PgQuery__Node **names, size_t n, const char *kind,
                          const char **schema, const char **name)
{
    bool ok = true;
    pgc_cat_split_name(names, n, schema, name);
    *schema = own_creation_schema(r, *schema, kind, *name, false, -1, &ok);
    if (!ok)
        return false;
    if (type_taken(r->cat, *schema, *name))
        return cat_fail(r->d, r->t, -1, "type \"%s\" already exists", *name);
    return true;
}

static bool create_enum(replay *r, const PgQuery__CreateEnumStmt *es)
{
    const char *schema, *name;
    if (!new_type_name(r, es->type_name, es->n_type_name, "type", &schema, &name))
        return false;
    pgc_utype *u = pgc_cat_new_type(r->cat, schema, name, 'e', 'E');
    LIST_EACH(i, es->n_vals)
        PGC_PUSH(r->cat->a, u->labels, pgc_arena_strdup(r->cat->a, str_of(es->vals[i])));
    return true;
}

static pgc_utype *find_type_by_names(replay *r, PgQuery__Node **names, size_t n, char typtype,
                                     bool missing_ok, bool *ok)
{
    const char *schema, *name;
    pgc_cat_split_name(names, n, &schema, &name);
    pgc_utype *u = name ? pgc_cat_find_utype(r->cat, schema, name) : NULL;
    if (u && (!typtype || u->t.type == typtype))
        return u;
    if (!missing_ok || (!u && !schema && name && pgc_cat_home_object(r->cat, 't', name))) {
        if (!u && name && !schema && pgc_bi_type_by_typname(name)) {
            *ok = cat_fail(r->d, r->t, -1, "pgc cannot alter built-in type \"%s\"", name);
        } else {
            int32_t at = name ? name_location(r->t, name) : -1;
            *ok = cat_fail(r->d, r->t, at, "type \"%s\" does not exist", name ? name : "?");
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
        return cat_fail(r->d, r->t, -1, "\"%s\" is not an existing enum label", es->old_val);
    }
    LIST_EACH(i, u->labels.len)
        if (strcmp(u->labels.items[i], es->new_val) == 0) {
            if (es->skip_if_new_val_exists)
                return true;
            return cat_fail(r->d, r->t, -1, "enum label \"%s\" already exists", es->new_val);
        }
    size_t at = u->labels.len;
    if (es->new_val_neighbor && *es->new_val_neighbor) {
        at = SIZE_MAX;
        LIST_EACH(i, u->labels.len)
            if (strcmp(u->labels.items[i], es->new_val_neighbor) == 0)
                at = es->new_val_is_after ? i + 1 : i;
        if (at == SIZE_MAX)
            return cat_fail(r->d, r->t, -1, "\"%s\" is not an existing enum label",
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
    if (type_taken(r->cat, schema, rv->relname) || ddl_name_taken(r->cat, schema, rv->relname))
        return cat_fail(r->d, r->t, rv->location, "type \"%s\" already exists", rv->relname);
    pgc_rel *rel = pgc_cat_new_rel(r->cat, schema, rv->relname, 'c');
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

/* A domain's CHECK constraint n, into u->reach for read routing (it runs
 * wherever a value becomes the domain). */
static void domain_check(replay *r, pgc_utype *u, const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
        && n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK
        && n->constraint->raw_expr)
        pgc_access_record(r->cat, r->cat->a, n->constraint->raw_expr, false, true,
                          "whose CHECK", &u->reach);
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
    pgc_utype *u = pgc_cat_new_type(r->cat, schema, name, 'd', bt->category);
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
        domain_check(r, u, n);
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
                pgc_cat_split_name(arg->type_name->names, arg->type_name->n_names, &s, &mrname);
            else if (arg->node_case == PG_QUERY__NODE__NODE_LIST)
                pgc_cat_split_name(arg->list->items, arg->list->n_items, &s, &mrname);
            else
                mrname = str_of(arg);
        }
    }
    if (!subtype)
        return cat_fail(r->d, r->t, -1, "type attribute \"subtype\" is required");
    if (!mrname) {
        /* makeMultirangeTypeName(): "range" becomes "multirange", else a suffix */
        const char *at = strstr(name, "range");
        mrname = at ? pgc_arena_printf(r->cat->a, "%.*smultirange%s", (int)(at - name), name,
                                       at + 5)
                    : pgc_arena_printf(r->cat->a, "%s_multirange", name);
    }
    pgc_utype *range = pgc_cat_new_type(r->cat, schema, name, 'r', 'R');
    range->t.range_subtype = subtype;
    pgc_utype *multi = pgc_cat_new_type(r->cat, schema, mrname, 'm', 'R');
    multi->t.range = range->t.oid;
    range->t.multirange = multi->t.oid;
    uint32_t args[3] = {subtype, subtype, OID_TEXT};
    pgc_cat_add_func(r->cat, schema, name, 'f', range->t.oid, false, false, 2, args);
    pgc_cat_add_func(r->cat, schema, name, 'f', range->t.oid, false, false, 3, args);
    pgc_cat_add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 0, NULL);
    pgc_cat_add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 1, &range->t.oid);
    pgc_ufunc *va = pgc_cat_add_func(r->cat, schema, mrname, 'f', multi->t.oid, false, true, 1,
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
    else if (ds->subtype && ds->subtype[0] == 'C')
        domain_check(r, u, ds->def);
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
    pgc_cat_split_name(tn->names, tn->n_names, &schema, &name);
    if (!name)
        return false;
    LIST_EACH(i, sizeof pseudo / sizeof *pseudo)
        if (strcmp(pseudo[i], name) == 0)
            return true;
    return false;
}

/* A function option IMMUTABLE, STABLE or VOLATILE into *volatility
 * (provolatile's letter); other options leave it. */
static void option_volatility(const PgQuery__DefElem *de, char *volatility)
{
    const char *v = str_of(de->arg);
    if (strcmp(de->defname, "volatility") == 0 && v
        && (strcmp(v, "immutable") == 0 || strcmp(v, "stable") == 0
            || strcmp(v, "volatile") == 0))
        *volatility = v[0];
}

/* The function's LANGUAGE (lower case) and body string (AS '...'); NULL
 * when not said. */
static void function_source(const PgQuery__CreateFunctionStmt *fs, const char **language,
                            const char **body)
{
    *language = *body = NULL;
    LIST_EACH(i, fs->n_options) {
        const PgQuery__Node *n = fs->options[i];
        if (n->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !n->def_elem->arg)
            continue;
        const PgQuery__DefElem *de = n->def_elem;
        if (strcmp(de->defname, "language") == 0)
            *language = str_of(de->arg);
        else if (strcmp(de->defname, "as") == 0 && de->arg->node_case == PG_QUERY__NODE__NODE_LIST
                 && de->arg->list->n_items == 1)
            *body = str_of(de->arg->list->items[0]);
    }
}

/*
 * What a call of the function runs besides its volatility, into f->reach
 * for read routing (analyze_access.c): its parameter defaults and a SQL
 * body.  PostgreSQL refuses write commands in a STABLE or IMMUTABLE
 * function, not calls (a STABLE SQL function may call nextval()).  A SQL
 * or PL/pgSQL body that does not parse counts as writing; a body in
 * another language (C, PL/Python...) is trusted.
 */
static void function_reach(replay *r, const PgQuery__CreateFunctionStmt *fs, pgc_ufunc *f)
{
    pgc_arena *a = r->cat->a;
    LIST_EACH(i, fs->n_parameters) {
        const PgQuery__FunctionParameter *p = fs->parameters[i]->function_parameter;
        if (p->defexpr)
            pgc_access_record(r->cat, a, p->defexpr, false, true,
                              pgc_arena_printf(a, "whose default for %s",
                                               p->name ? p->name : "a parameter"),
                              &f->reach);
    }
    if (fs->sql_body) { /* BEGIN ATOMIC ... END, RETURN expr */
        pgc_access_record(r->cat, a, fs->sql_body, false, true, "whose body", &f->reach);
        return;
    }
    const char *language, *body;
    function_source(fs, &language, &body);
    if (body && language && strcmp(language, "plpgsql") == 0)
        pgc_access_record_plpgsql(r->cat, a, fs, &f->reach);
    if (!body || !language || strcmp(language, "sql") != 0)
        return;
    PgQuery__ParseResult *tree = pgc_parse_quiet(body);
    if (!tree && !f->reach.writes)
        f->reach.writes = "whose body pgc cannot read";
    for (size_t i = 0; tree && i < tree->n_stmts; i++)
        pgc_access_record(r->cat, a, tree->stmts[i]->stmt, true, true, "whose body", &f->reach);
    pgc_parse_free(tree);
}

/* CREATE FUNCTION and CREATE PROCEDURE (kind 'p', for CALL; returns void,
 * or a record of its OUT and INOUT parameters). */
static bool create_function(replay *r, const PgQuery__CreateFunctionStmt *fs)
{
    bool ok = true;
    const char *schema, *name;
    pgc_cat_split_name(fs->funcname, fs->n_funcname, &schema, &name);
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
                    return cat_fail(r->d, r->t, p->arg_type->location,
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
        return cat_fail(r->d, r->t, -1, "function result type must be specified");
    }
    bool strict = false;
    char volatility = 'v'; /* PostgreSQL's default */
    LIST_EACH(i, fs->n_options) {
        const PgQuery__Node *n = fs->options[i];
        if (n->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
            continue;
        const PgQuery__DefElem *de = n->def_elem;
        if (strcmp(de->defname, "strict") == 0 && de->arg
            && de->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN)
            strict = de->arg->boolean->boolval;
        option_volatility(de, &volatility);
    }
    /* CREATE OR REPLACE: same name, schema and argument types */
    LIST_EACH(i, r->cat->funcs.len) {
        pgc_ufunc *old = r->cat->funcs.items[i];
        if (old->dropped || strcmp(old->f.name, name) != 0 || strcmp(old->schema, schema) != 0
            || old->f.nargs != args.len
            || (args.len && memcmp(old->f.args, args.items, args.len * sizeof *args.items)))
            continue;
        if (!fs->replace)
            return cat_fail(r->d, r->t, -1, "function \"%s\" already exists with same argument types",
                        name);
        old->dropped = true;
    }
    pgc_ufunc *f = pgc_cat_add_func(r->cat, schema, name, fs->is_procedure ? 'p' : 'f', rettype, retset,
                            strict, (int)args.len, args.items);
    f->rettypmod = rettypmod;
    f->f.argnames = argnames.items;
    f->f.variadic = variadic;
    f->f.ndefaults = (uint8_t)ndefaults;
    f->f.nouts = (uint8_t)outs.len;
    f->f.outs = outs.items;
    f->volatility = volatility;
    function_reach(r, fs, f);
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
    pgc_cat_split_name(ow->objname, ow->n_objname, &schema, &name);
    LIST_EACH(i, r->cat->funcs.len) {
        pgc_ufunc *f = r->cat->funcs.items[i];
        if (f->dropped || strcmp(f->f.name, name) != 0
            || (schema ? strcmp(f->schema, schema) != 0 : !pgc_cat_in_search_path(f->schema)))
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
    if (!found && !schema && pgc_cat_home_object(r->cat, 'f', name)) {
        int32_t at = name_location(r->t, name);
        cat_fail(r->d, r->t, at, "function %s does not exist", name);
        pgc_cat_note_home(r->cat, r->d, r->t, at, 'f', name);
        return false;
    }
    return true;
}

/* ALTER FUNCTION ... IMMUTABLE | STABLE | VOLATILE: what read routing needs
 * (analyze_access.c); its other actions change nothing queries see. */
static bool alter_function(replay *r, const PgQuery__AlterFunctionStmt *as)
{
    char volatility = 0;
    LIST_EACH(i, as->n_actions)
        if (as->actions[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM)
            option_volatility(as->actions[i]->def_elem, &volatility);
    if (!volatility || !as->func)
        return true;
    bool ok = true;
    const char *schema, *name;
    pgc_cat_split_name(as->func->objname, as->func->n_objname, &schema, &name);
    LIST_EACH(i, r->cat->funcs.len) {
        pgc_ufunc *f = r->cat->funcs.items[i];
        if (f->dropped || !f->volatility || strcmp(f->f.name, name) != 0
            || (schema ? strcmp(f->schema, schema) != 0 : !pgc_cat_in_search_path(f->schema)))
            continue;
        if (args_match(r, f, as->func, &ok))
            f->volatility = volatility;
        if (!ok)
            return false;
    }
    return true; /* a function pgc does not keep (a trigger function) may be altered */
}

/* ---- extensions ---------------------------------------------------------------- */

/*
 * ltree: the types ltree, lquery and ltxtquery, their operators and the
 * functions of contrib/ltree 1.2 that queries call (every one STRICT).
 */
static void add_ltree(pgc_catalog *cat, const char *schema)
{
    const uint32_t B = OID_BOOL, I4 = OID_INT4, T = OID_TEXT;
    pgc_utype *lt = pgc_cat_new_type(cat, schema, "ltree", 'b', 'U');
    pgc_utype *lq = pgc_cat_new_type(cat, schema, "lquery", 'b', 'U');
    pgc_utype *tq = pgc_cat_new_type(cat, schema, "ltxtquery", 'b', 'U');
    const uint32_t L = lt->t.oid, LA = lt->t.array, Q = lq->t.oid, QA = lq->t.array,
                   X = tq->t.oid;
    static const char *const cmp[] = {"=", "<>", "<", "<=", ">", ">="};
    LIST_EACH(i, sizeof cmp / sizeof *cmp)
        pgc_cat_add_oper(cat, schema, cmp[i], L, L, B);
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
        pgc_cat_add_oper(cat, schema, ops[i].op, types[ops[i].left], types[ops[i].right], B);
        pgc_cat_add_oper(cat, schema, pgc_arena_printf(cat->a, "^%s", ops[i].op), types[ops[i].left],
                 types[ops[i].right], B);
    }
    pgc_cat_add_oper(cat, schema, "||", L, L, L);
    pgc_cat_add_oper(cat, schema, "||", L, T, L);
    pgc_cat_add_oper(cat, schema, "||", T, L, L);
    pgc_cat_add_oper(cat, schema, "?@>", LA, L, L);
    pgc_cat_add_oper(cat, schema, "?<@", LA, L, L);
    pgc_cat_add_oper(cat, schema, "?~", LA, Q, L);
    pgc_cat_add_oper(cat, schema, "?@", LA, X, L);
    uint32_t lii[3] = {L, I4, I4}, ll[8] = {L, L, L, L, L, L, L, L}, lli[3] = {L, L, I4};
    pgc_cat_add_func(cat, schema, "subltree", 'f', L, false, true, 3, lii);
    pgc_cat_add_func(cat, schema, "subpath", 'f', L, false, true, 3, lii);
    pgc_cat_add_func(cat, schema, "subpath", 'f', L, false, true, 2, lii);
    pgc_cat_add_func(cat, schema, "nlevel", 'f', I4, false, true, 1, &L);
    pgc_cat_add_func(cat, schema, "index", 'f', I4, false, true, 2, lli);
    pgc_cat_add_func(cat, schema, "index", 'f', I4, false, true, 3, lli);
    pgc_cat_add_func(cat, schema, "text2ltree", 'f', L, false, true, 1, &T);
    pgc_cat_add_func(cat, schema, "ltree2text", 'f', T, false, true, 1, &L);
    for (int n = 2; n <= 8; n++)
        pgc_cat_add_func(cat, schema, "lca", 'f', L, false, true, n, ll);
    pgc_cat_add_func(cat, schema, "lca", 'f', L, false, true, 1, &LA);
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
            return cat_fail(r->d, r->t, -1, "extension \"%s\" already exists", ext);
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
        pgc_utype *u = pgc_cat_new_type(cat, schema, "citext", 'b', 'S');
        uint32_t C = u->t.oid;
        static const char *const cmp[] = {"=", "<>", "<", "<=", ">", ">=", "~~", "~~*", "!~~",
                                          "!~~*", "~", "~*", "!~", "!~*"};
        LIST_EACH(i, sizeof cmp / sizeof *cmp)
            pgc_cat_add_oper(cat, schema, cmp[i], C, C, B);
        LIST_EACH(i, 8)
            if (i >= 6)
                pgc_cat_add_oper(cat, schema, cmp[i], C, T, B);
        pgc_cat_add_func(cat, schema, "min", 'a', C, false, false, 1, &C);
        pgc_cat_add_func(cat, schema, "max", 'a', C, false, false, 1, &C);
        pgc_cat_add_func(cat, schema, "citext", 'f', C, false, true, 1, &T);
        pgc_cat_add_cast(cat, C, T, 'i', 'b');
        pgc_cat_add_cast(cat, C, OID_VARCHAR, 'i', 'b');
        pgc_cat_add_cast(cat, C, OID_BPCHAR, 'a', 'f');
        pgc_cat_add_cast(cat, T, C, 'a', 'b');
        pgc_cat_add_cast(cat, OID_VARCHAR, C, 'a', 'b');
        pgc_cat_add_cast(cat, OID_BPCHAR, C, 'a', 'f');
        pgc_cat_add_cast(cat, B, C, 'a', 'f');
        pgc_cat_add_cast(cat, OID_INET, C, 'a', 'f');
    } else if (strcmp(ext, "hstore") == 0) {
        pgc_utype *u = pgc_cat_new_type(cat, schema, "hstore", 'b', 'U');
        uint32_t H = u->t.oid, HA = u->t.array;
        pgc_cat_add_oper(cat, schema, "->", H, T, T);
        pgc_cat_add_oper(cat, schema, "->", H, TA, TA);
        pgc_cat_add_oper(cat, schema, "?", H, T, B);
        pgc_cat_add_oper(cat, schema, "?&", H, TA, B);
        pgc_cat_add_oper(cat, schema, "?|", H, TA, B);
        pgc_cat_add_oper(cat, schema, "@>", H, H, B);
        pgc_cat_add_oper(cat, schema, "<@", H, H, B);
        pgc_cat_add_oper(cat, schema, "=", H, H, B);
        pgc_cat_add_oper(cat, schema, "<>", H, H, B);
        pgc_cat_add_oper(cat, schema, "||", H, H, H);
        pgc_cat_add_oper(cat, schema, "-", H, T, H);
        pgc_cat_add_oper(cat, schema, "-", H, TA, H);
        pgc_cat_add_oper(cat, schema, "-", H, H, H);
        pgc_cat_add_oper(cat, schema, "%%", 0, H, TA);
        pgc_cat_add_oper(cat, schema, "%#", 0, H, TA);
        uint32_t tt[2] = {T, T}, aa[2] = {TA, TA}, ht[2] = {H, T}, hta[2] = {H, TA};
        pgc_cat_add_func(cat, schema, "hstore", 'f', H, false, false, 2, tt);
        pgc_cat_add_func(cat, schema, "hstore", 'f', H, false, true, 2, aa);
        pgc_cat_add_func(cat, schema, "hstore", 'f', H, false, true, 1, &TA);
        pgc_cat_add_func(cat, schema, "akeys", 'f', TA, false, true, 1, &H);
        pgc_cat_add_func(cat, schema, "avals", 'f', TA, false, true, 1, &H);
        pgc_cat_add_func(cat, schema, "skeys", 'f', T, true, true, 1, &H);
        pgc_cat_add_func(cat, schema, "svals", 'f', T, true, true, 1, &H);
        pgc_cat_add_func(cat, schema, "hstore_to_json", 'f', OID_JSON, false, true, 1, &H);
        pgc_cat_add_func(cat, schema, "hstore_to_jsonb", 'f', OID_JSONB, false, true, 1, &H);
        pgc_cat_add_func(cat, schema, "hstore_to_array", 'f', TA, false, true, 1, &H);
        pgc_cat_add_func(cat, schema, "exist", 'f', B, false, true, 2, ht);
        pgc_cat_add_func(cat, schema, "defined", 'f', B, false, true, 2, ht);
        pgc_cat_add_func(cat, schema, "delete", 'f', H, false, true, 2, ht);
        pgc_cat_add_func(cat, schema, "slice", 'f', H, false, true, 2, hta);
        pgc_ufunc *each = pgc_cat_add_func(cat, schema, "each", 'f', OID_RECORD, true, true, 1, &H);
        pgc_bi_column *outs = pgc_arena_alloc(cat->a, 2 * sizeof *outs);
        outs[0] = (pgc_bi_column){"key", T};
        outs[1] = (pgc_bi_column){"value", T};
        each->f.nouts = 2;
        each->f.outs = outs;
        pgc_cat_add_cast(cat, H, OID_JSON, 'e', 'f');
        pgc_cat_add_cast(cat, H, OID_JSONB, 'e', 'f');
        pgc_cat_add_cast(cat, TA, H, 'e', 'f');
        (void)HA;
    } else if (strcmp(ext, "uuid-ossp") == 0) {
        uint32_t ut[2] = {U, T};
        pgc_cat_add_func(cat, schema, "uuid_generate_v1", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_generate_v1mc", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_generate_v3", 'f', U, false, true, 2, ut);
        pgc_cat_add_func(cat, schema, "uuid_generate_v4", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_generate_v5", 'f', U, false, true, 2, ut);
        pgc_cat_add_func(cat, schema, "uuid_nil", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_ns_dns", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_ns_url", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_ns_oid", 'f', U, false, true, 0, NULL);
        pgc_cat_add_func(cat, schema, "uuid_ns_x500", 'f', U, false, true, 0, NULL);
    } else if (strcmp(ext, "pgcrypto") == 0) {
        uint32_t tt[2] = {T, T}, ti[2] = {T, I4}, bt[2] = {BY, T}, ttt[3] = {T, T, T},
                 bbt[3] = {BY, BY, T};
        pgc_cat_add_func(cat, schema, "crypt", 'f', T, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "gen_salt", 'f', T, false, true, 1, &T);
        pgc_cat_add_func(cat, schema, "gen_salt", 'f', T, false, true, 2, ti);
        pgc_cat_add_func(cat, schema, "digest", 'f', BY, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "digest", 'f', BY, false, true, 2, bt);
        pgc_cat_add_func(cat, schema, "hmac", 'f', BY, false, true, 3, ttt);
        pgc_cat_add_func(cat, schema, "hmac", 'f', BY, false, true, 3, bbt);
        pgc_cat_add_func(cat, schema, "gen_random_bytes", 'f', BY, false, true, 1, &I4);
        pgc_cat_add_func(cat, schema, "pgp_sym_encrypt", 'f', BY, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "pgp_sym_decrypt", 'f', T, false, true, 2, bt);
        pgc_cat_add_func(cat, schema, "armor", 'f', T, false, true, 1, &BY);
        pgc_cat_add_func(cat, schema, "dearmor", 'f', BY, false, true, 1, &T);
    } else if (strcmp(ext, "pg_trgm") == 0) {
        uint32_t tt[2] = {T, T};
        pgc_cat_add_func(cat, schema, "similarity", 'f', F4, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "word_similarity", 'f', F4, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "strict_word_similarity", 'f', F4, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "show_trgm", 'f', TA, false, true, 1, &T);
        pgc_cat_add_func(cat, schema, "show_limit", 'f', F4, false, true, 0, NULL);
        static const char *const bops[] = {"%", "<%", "%>", "<<%", "%>>"};
        LIST_EACH(i, sizeof bops / sizeof *bops)
            pgc_cat_add_oper(cat, schema, bops[i], T, T, B);
        static const char *const dops[] = {"<->", "<<->", "<->>", "<<<->", "<->>>"};
        LIST_EACH(i, sizeof dops / sizeof *dops)
            pgc_cat_add_oper(cat, schema, dops[i], T, T, F4);
    } else if (strcmp(ext, "fuzzystrmatch") == 0) {
        uint32_t tt[2] = {T, T}, ti[2] = {T, I4};
        pgc_cat_add_func(cat, schema, "levenshtein", 'f', I4, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "soundex", 'f', T, false, true, 1, &T);
        pgc_cat_add_func(cat, schema, "difference", 'f', I4, false, true, 2, tt);
        pgc_cat_add_func(cat, schema, "metaphone", 'f', T, false, true, 2, ti);
        pgc_cat_add_func(cat, schema, "dmetaphone", 'f', T, false, true, 1, &T);
    } else if (strcmp(ext, "unaccent") == 0) {
        pgc_cat_add_func(cat, schema, "unaccent", 'f', T, false, true, 1, &T);
    } else if (strcmp(ext, "ltree") == 0) {
        add_ltree(cat, schema);
    } else if (!is_silent_extension(ext)) {
        return cat_fail(r->d, r->t, -1,
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
        return missing_ok ? true : cat_fail(r->d, r->t, -1, "schema \"%s\" does not exist", name);
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
            return cat_fail(r->d, r->t, -1, "cannot drop %s because other objects depend on it "
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
                return cat_fail(r->d, r->t, -1, "cannot drop type %s because other objects depend "
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
            pgc_cat_split_name(obj->list->items, obj->list->n_items, &schema, &name);
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
                bool home = !rel && !schema && pgc_cat_home_object(r->cat, 'r', name);
                if (ds->missing_ok && !home)
                    break;
                int32_t at = home ? name_location(r->t, name) : -1;
                cat_fail(r->d, r->t, at, "%s \"%s\" does not exist",
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
                return cat_fail(r->d, r->t, tn->location,
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
                pgc_cat_split_name(obj->list->items, obj->list->n_items, &schema, &name);
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
            return cat_fail(r->d, r->t, -1, "pgc cannot follow DROP EXTENSION");
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
            pgc_cat_name_type(cat, u);
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
        if (ddl_name_taken(cat, rel->schema, rs->newname))
            return cat_fail(r->d, r->t, rs->relation->location, "relation \"%s\" already exists",
                        rs->newname);
        rel->name = pgc_arena_strdup(cat->a, rs->newname);
        pgc_cat_index_rel(cat, rel);
        pgc_utype *u = pgc_cat_utype(cat, rel->rowtype);
        if (u) {
            u->name = rel->name;
            pgc_cat_name_type(cat, u);
            pgc_cat_index_type(cat, u);
        }
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE: {
        pgc_rel *rel;
        if (rs->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE) {
            pgc_utype *u = pgc_cat_find_utype(cat, rv_schema(rs->relation), rs->relation->relname);
            rel = u ? u->rel : NULL;
            if (!rel)
                return cat_fail(r->d, r->t, rs->relation->location, "type \"%s\" does not exist",
                            rs->relation->relname);
        } else {
            rel = find_rel_kind(r, rs->relation, "rpvmf", rs->missing_ok, &ok);
            if (!rel)
                return ok;
        }
        pgc_col *c = rel_col(rel, rs->subname);
        if (!c)
            return cat_fail(r->d, r->t, rs->relation->location,
                        "column \"%s\" does not exist", rs->subname);
        if (rel_col(rel, rs->newname))
            return cat_fail(r->d, r->t, rs->relation->location,
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
            return cat_fail(r->d, r->t, -1, "type \"%s\" already exists", rs->newname);
        u->name = pgc_arena_strdup(cat->a, rs->newname);
        pgc_cat_name_type(cat, u);
        pgc_cat_index_type(cat, u);
        if (u->rel) {
            u->rel->name = u->name;
            pgc_cat_index_rel(cat, u->rel);
        }
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        if (!pgc_cat_schema_exists(cat, rs->subname))
            return cat_fail(r->d, r->t, -1, "schema \"%s\" does not exist", rs->subname);
        rename_schema(cat, rs->subname, pgc_arena_strdup(cat->a, rs->newname));
        return true;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: {
        const PgQuery__ObjectWithArgs *ow = rs->object->object_with_args;
        const char *schema, *name;
        pgc_cat_split_name(ow->objname, ow->n_objname, &schema, &name);
        LIST_EACH(i, cat->funcs.len) {
            pgc_ufunc *f = cat->funcs.items[i];
            if (f->dropped || strcmp(f->f.name, name) != 0
                || (schema ? strcmp(f->schema, schema) != 0 : !pgc_cat_in_search_path(f->schema)))
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
        pgc_cat_name_type(cat, u);
    }
}

static bool set_schema(replay *r, const PgQuery__AlterObjectSchemaStmt *ss)
{
    bool ok = true;
    if (!pgc_cat_schema_exists(r->cat, ss->newschema))
        return cat_fail(r->d, r->t, -1, "schema \"%s\" does not exist", ss->newschema);
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
            return cat_fail(r->d, r->t, -1, "pgc cannot follow this ALTER ... SET SCHEMA");
        pgc_utype *u = find_type_by_names(r, obj->list->items, obj->list->n_items, 0, false,
                                          &ok);
        if (!u)
            return false;
        u->schema = newschema;
        if (u->rel)
            u->rel->schema = newschema;
        pgc_cat_name_type(r->cat, u);
        return true;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: {
        const PgQuery__ObjectWithArgs *ow = ss->object->object_with_args;
        const char *schema, *name;
        pgc_cat_split_name(ow->objname, ow->n_objname, &schema, &name);
        LIST_EACH(i, r->cat->funcs.len) {
            pgc_ufunc *f = r->cat->funcs.items[i];
            if (f->dropped || strcmp(f->f.name, name) != 0
                || (schema ? strcmp(f->schema, schema) != 0 : !pgc_cat_in_search_path(f->schema)))
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

/* A row security policy's USING for SELECT on table (CREATE or ALTER
 * POLICY): it runs for each row read, into the table's reach for read
 * routing.  Kept when the policy is dropped or RLS is off: the
 * conservative side. */
static void policy_reads(replay *r, const PgQuery__RangeVar *table, const PgQuery__Node *qual)
{
    pgc_rel *rel = table ? pgc_cat_find_rel(r->cat, rv_schema(table), table->relname) : NULL;
    if (rel && qual)
        pgc_access_record(r->cat, r->cat->a, qual, false, true, "whose row security policy",
                          &rel->reach);
}

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
            return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE TABLE AS EXECUTE");
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
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: {
        const PgQuery__CreatePolicyStmt *ps = stmt->create_policy_stmt;
        const char *cmd = ps->cmd_name ? ps->cmd_name : "all";
        if (strcmp(cmd, "all") == 0 || strcmp(cmd, "select") == 0)
            policy_reads(r, ps->table, ps->qual);
        return true;
    }
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: /* its command is not said: maybe SELECT */
        policy_reads(r, stmt->alter_policy_stmt->table, stmt->alter_policy_stmt->qual);
        return true;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
        return create_function(r, stmt->create_function_stmt);
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
        return alter_function(r, stmt->alter_function_stmt);
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
            return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE AGGREGATE");
        case PG_QUERY__OBJECT_TYPE__OBJECT_OPERATOR:
            return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE OPERATOR");
        default:
            return cat_fail(r->d, r->t, -1,
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
        return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE CAST");
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_CONTENTS_STMT:
        return cat_fail(r->d, r->t, -1, "pgc cannot follow ALTER EXTENSION");
    case PG_QUERY__NODE__NODE_IMPORT_FOREIGN_SCHEMA_STMT:
        return cat_fail(r->d, r->t, -1, "pgc cannot follow IMPORT FOREIGN SCHEMA");
    case PG_QUERY__NODE__NODE_RULE_STMT:
        return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE RULE");
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
        return cat_fail(r->d, r->t, -1, "pgc cannot follow this statement in a migration");
    }
}

static bool create_schema(replay *r, const PgQuery__CreateSchemaStmt *ss)
{
    const char *name = ss->schemaname;
    if (!name && ss->authrole && ss->authrole->rolename)
        name = ss->authrole->rolename;
    if (!name)
        return cat_fail(r->d, r->t, -1, "pgc cannot follow CREATE SCHEMA without a name");
    if (pgc_cat_schema_exists(r->cat, name)) {
        if (ss->if_not_exists)
            return true;
        return cat_fail(r->d, r->t, -1, "schema \"%s\" already exists", name);
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


