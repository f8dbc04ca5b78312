/*
 * analyze_from.c - the range table, as PostgreSQL's parse_relation.c and
 * parse_clause.c: FROM items (tables, views, subqueries, functions, CTE
 * references, joins with their nullable sides), column references resolved
 * through the scopes, and stars spelled out as the columns they stand for.
 *
 * Takes: the catalog's relations (catalog.h), expressions
 * (analyze_expr.c) for ON, function arguments and LATERAL, statements
 * (analyze.c) for subqueries.  Gives: the FROM half of analyze_internal.h.
 */
#include <string.h>

#include "typesys.h"

/* ------------------------------------------------------------------------ */
/* Name resolution                                                           */
/* ------------------------------------------------------------------------ */

static rte *new_rte(actx *c, const char *alias)
{
    rte *r = pgc_arena_alloc(c->a, sizeof *r);
    r->alias = alias;
    r->rowtype = OID_RECORD;
    return r;
}

expr col_expr(const rte *r, const rcol *col)
{
    expr e = col->e;
    e.notnull = e.notnull && !r->nullable;
    e.param = 0;
    e.is_const = false;
    e.colname = col->name;
    return e;
}

/* Looks up an unqualified column in a FROM item; counts matches. */
void find_in_item(const fitem *f, const char *name, expr *out, int *matches)
{
    if (f->r) {
        LIST_EACH(i, f->r->cols.len)
            if (strcmp(f->r->cols.items[i].name, name) == 0) {
                if ((*matches)++ == 0)
                    *out = col_expr(f->r, &f->r->cols.items[i]);
            }
        return;
    }
    if (f->merged) {
        LIST_EACH(i, f->merged->cols.len)
            if (strcmp(f->merged->cols.items[i].name, name) == 0) {
                if ((*matches)++ == 0)
                    *out = col_expr(f->merged, &f->merged->cols.items[i]);
                return;
            }
    }
    find_in_item(f->left, name, out, matches);
    find_in_item(f->right, name, out, matches);
}

rte *find_rte(scope *s, const char *schema, const char *alias, int *matches)
{
    rte *found = NULL;
    LIST_EACH(i, s->rtes.len) {
        rte *r = s->rtes.items[i];
        if (r->hidden || !r->alias || strcmp(r->alias, alias) != 0)
            continue;
        if (schema && (!r->schema || strcmp(r->schema, schema) != 0))
            continue;
        if (!found)
            found = r;
        (*matches)++;
    }
    return found;
}

/* A ColumnRef: col, t.col, s.t.col, t.* (whole row in expressions). */
/* A table's system columns: found when named, never by *. */
static bool system_column(const rte *r, const char *name, expr *out)
{
    static const struct { const char *name; uint32_t type; } sys[] = {
        {"ctid", 27}, {"xmin", 28}, {"cmin", 29}, {"xmax", 28}, {"cmax", 29},
        {"tableoid", OID_OID},
    };
    if (r->rowtype == OID_RECORD || !r->schema)
        return false;
    LIST_EACH(i, sizeof sys / sizeof *sys)
        if (strcmp(sys[i].name, name) == 0) {
            *out = null_expr;
            out->type = sys[i].type;
            out->typmod = -1;
            out->notnull = !r->nullable;
            return true;
        }
    return false;
}

/* Records the scope a column reference resolved in: an aggregate belongs
 * to the innermost level its arguments reference (see agg_is_local). */
static void note_ref(actx *c, const scope *sc)
{
    PGC_PUSH(c->a, c->refs, sc);
}

bool column_ref(actx *c, scope *s, const PgQuery__ColumnRef *cr, expr *out)
{
    size_t n = cr->n_fields;
    const char *f0 = str_of(cr->fields[0]);
    bool star = cr->fields[n - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
    if (n == 1 && !star) {
        for (scope *sc = s; sc; sc = sc->parent) {
            int matches = 0;
            LIST_EACH(i, sc->from.len)
                find_in_item(sc->from.items[i], f0, out, &matches);
            if (matches > 1)
                return fail(c, cr->location, "column reference \"%s\" is ambiguous", f0);
            if (matches == 1) {
                out->location = cr->location;
                note_ref(c, sc);
                return true;
            }
            LIST_EACH(i, sc->rtes.len)
                if (!sc->rtes.items[i]->hidden && system_column(sc->rtes.items[i], f0, out))
                    matches++;
            if (matches == 1) {
                out->location = cr->location;
                note_ref(c, sc);
                return true;
            }
            if (matches > 1)
                return fail(c, cr->location, "column reference \"%s\" is ambiguous", f0);
            /* a whole-row reference to a table */
            rte *r = find_rte(sc, NULL, f0, &matches);
            if (r && matches == 1) {
                *out = null_expr;
                out->type = r->rowtype;
                out->typmod = -1;
                out->notnull = !r->nullable;
                out->row = r;
                out->location = cr->location;
                note_ref(c, sc);
                return true;
            }
        }
        return fail(c, cr->location, "column \"%s\" does not exist", f0);
    }
    const char *schema = n >= 3 ? str_of(cr->fields[n - 3]) : NULL;
    const char *rel = str_of(cr->fields[n - 2]);
    const char *col = star ? NULL : str_of(cr->fields[n - 1]);
    if (n > 3)
        return fail(c, cr->location, "improper qualified name (too many dotted names): %s",
                    names_str(c, cr->fields, n));
    for (scope *sc = s; sc; sc = sc->parent) {
        int matches = 0;
        rte *r = find_rte(sc, schema, rel, &matches);
        if (matches > 1)
            return fail(c, cr->location, "table reference \"%s\" is ambiguous", rel);
        if (!r)
            continue;
        if (star) {
            *out = null_expr;
            out->type = r->rowtype;
            out->typmod = -1;
            out->notnull = !r->nullable;
            out->row = r;
            out->location = cr->location;
            note_ref(c, sc);
            return true;
        }
        int found = 0;
        LIST_EACH(i, r->cols.len)
            if (strcmp(r->cols.items[i].name, col) == 0 && found++ == 0)
                *out = col_expr(r, &r->cols.items[i]);
        if (found > 1)
            return fail(c, cr->location, "column reference \"%s\" is ambiguous", col);
        if (found == 1) {
            out->location = cr->location;
            note_ref(c, sc);
            return true;
        }
        if (system_column(r, col, out)) {
            out->location = cr->location;
            note_ref(c, sc);
            return true;
        }
        /* composite column's field: t.col.field is an indirection, not here */
        return fail(c, cr->location, "column %s.%s does not exist", rel, col);
    }
    if (n == 2 && !star) {
        /* col.field: a composite column's field */
        expr base;
        PgQuery__ColumnRef one = *cr;
        one.n_fields = 1;
        if (column_ref(c, s, &one, &base)) {
            const pgc_rel *tr = pgc_cat_type_rel(c->cat, base.type);
            if (tr)
                LIST_EACH(i, tr->cols.len)
                    if (strcmp(tr->cols.items[i].name, col) == 0) {
                        *out = null_expr;
                        out->type = tr->cols.items[i].type;
                        out->typmod = tr->cols.items[i].typmod;
                        out->location = cr->location;
                        return true;
                    }
        }
        return false;
    }
    return fail(c, cr->location, "missing FROM-clause entry for table \"%s\"", rel);
}

/* ------------------------------------------------------------------------ */
/* FROM                                                                      */
/* ------------------------------------------------------------------------ */

void add_rte(actx *c, scope *s, rte *r)
{
    PGC_PUSH(c->a, s->rtes, r);
}

fitem *leaf(actx *c, rte *r)
{
    fitem *f = pgc_arena_alloc(c->a, sizeof *f);
    f->r = r;
    return f;
}

static void mark_nullable(fitem *f)
{
    if (f->r) {
        f->r->nullable = true;
        return;
    }
    if (f->merged)
        f->merged->nullable = true;
    if (f->alias)
        f->alias->nullable = true;
    mark_nullable(f->left);
    mark_nullable(f->right);
}

static void hide(fitem *f)
{
    if (f->r) {
        f->r->hidden = true;
        return;
    }
    if (f->alias)
        f->alias->hidden = true;
    hide(f->left);
    hide(f->right);
}

/* The columns of a FROM item as SELECT * gives them. */
void item_columns(actx *c, const fitem *f, rcols *out)
{
    /* a join with an alias gives the alias's columns (renamed by its list) */
    const rte *whole = f->r ? f->r : f->alias;
    if (whole) {
        LIST_EACH(i, whole->cols.len) {
            rcol col = whole->cols.items[i];
            col.e = col_expr(whole, &whole->cols.items[i]);
            PGC_PUSH(c->a, *out, col);
        }
        return;
    }
    rcols l = {0}, r = {0};
    item_columns(c, f->left, &l);
    item_columns(c, f->right, &r);
    if (f->merged)
        LIST_EACH(i, f->merged->cols.len) {
            rcol col = f->merged->cols.items[i];
            col.e = col_expr(f->merged, &f->merged->cols.items[i]);
            PGC_PUSH(c->a, *out, col);
        }
    rcols *sides[2] = {&l, &r};
    LIST_EACH(k, 2)
        LIST_EACH(i, sides[k]->len) {
            bool merged = false;
            if (f->merged)
                LIST_EACH(m, f->merged->cols.len)
                    if (strcmp(f->merged->cols.items[m].name, sides[k]->items[i].name) == 0)
                        merged = true;
            if (!merged)
                PGC_PUSH(c->a, *out, sides[k]->items[i]);
        }
}

static bool apply_alias(actx *c, rte *r, const PgQuery__Alias *alias)
{
    if (!alias)
        return true;
    r->alias = alias->aliasname;
    if (alias->n_colnames > r->cols.len)
        return fail(c, -1, "table \"%s\" has %zu columns available but %zu columns specified",
                    alias->aliasname, r->cols.len, alias->n_colnames);
    LIST_EACH(i, alias->n_colnames)
        r->cols.items[i].name = str_of(alias->colnames[i]);
    return true;
}

static cte *find_cte(scope *s, const char *name)
{
    for (; s; s = s->parent)
        for (size_t i = s->ctes.len; i-- > 0;)
            if (strcmp(s->ctes.items[i]->name, name) == 0)
                return s->ctes.items[i];
    return NULL;
}

/* A relation in FROM: a CTE's name (when ctes) or a catalog relation. */
bool range_var_in(actx *c, scope *s, const PgQuery__RangeVar *rv, bool ctes, rte **out)
{
    const char *schema = rv->schemaname && *rv->schemaname ? rv->schemaname : NULL;
    cte *k = schema || !ctes ? NULL : find_cte(s, rv->relname);
    rte *r = new_rte(c, rv->relname);
    if (k) {
        if (k->pending)
            return fail(c, rv->location, "pgc cannot type the recursive reference to \"%s\" "
                                         "here", rv->relname);
        LIST_EACH(i, k->cols.len)
            PGC_PUSH(c->a, r->cols, k->cols.items[i]);
    } else {
        pgc_rel *rel = pgc_cat_find_rel(c->cat, schema, rv->relname);
        if (rel && c->deps)
            PGC_PUSH(c->a, *c->deps, rel);
        if (!rel) {
            if (schema && strcmp(schema, PGC_HOME_SCHEMA) != 0) {
                fail(c, rv->location, "relation \"%s.%s\" does not exist", schema,
                     rv->relname);
                pgc_cat_note_unknown_schema(c->cat, c->d, c->t, rv->location, schema);
                return false;
            }
            fail(c, rv->location, "relation \"%s\" does not exist", rv->relname);
            if (!schema)
                pgc_cat_note_home(c->cat, c->d, c->t, rv->location, 'r', rv->relname);
            return false;
        }
        r->schema = rel->schema;
        r->rowtype = rel->rowtype;
        r->open = true;
        LIST_EACH(i, rel->cols.len) {
            const pgc_col *col = &rel->cols.items[i];
            rcol rc = {0};
            rc.name = col->name;
            rc.e.type = col->type;
            rc.e.typmod = col->typmod;
            rc.e.notnull = col->not_null;
            rc.e.table = rel->name;
            rc.e.column = col->name;
            PGC_PUSH(c->a, r->cols, rc);
        }
    }
    if (!apply_alias(c, r, rv->alias))
        return false;
    *out = r;
    return true;
}

bool range_var(actx *c, scope *s, const PgQuery__RangeVar *rv, rte **out)
{
    return range_var_in(c, s, rv, true, out);
}

/* A function in FROM: its columns. */
static bool range_function(actx *c, scope *s, const PgQuery__RangeFunction *rf, rte **out)
{
    rte *r = new_rte(c, NULL);
    bool scalar = false;
    LIST_EACH(i, rf->n_functions) {
        const PgQuery__List *pair = rf->functions[i]->list;
        PgQuery__Node *call = pair->items[0];
        PgQuery__Node *coldefs = pair->n_items > 1 ? pair->items[1] : NULL;
        PgQuery__List single = PG_QUERY__LIST__INIT;
        PgQuery__Node wrap = PG_QUERY__NODE__INIT;
        if (rf->n_functions == 1 && rf->n_coldeflist) {
            /* f(...) AS alias(a int, b text) */
            single.n_items = rf->n_coldeflist;
            single.items = rf->coldeflist;
            wrap.node_case = PG_QUERY__NODE__NODE_LIST;
            wrap.list = &single;
            coldefs = &wrap;
        }
        expr fe;
        const pgc_bi_func *f = NULL;
        const char *fname = colname_of(call);
        if (call->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
            if (!func_call(c, s, call->func_call, &fe, &f))
                return false;
        } else if (!analyze_expr(c, s, call, &fe)) {
            return false;
        }
        if (!r->alias)
            r->alias = fname;
        const pgc_rel *tr = pgc_cat_type_rel(c->cat, fe.type);
        bool series = f && f->oid < PGC_USER_OID_BASE
                      && (strcmp(f->name, "generate_series") == 0
                          || strcmp(f->name, "generate_subscripts") == 0);
        if (coldefs && coldefs->node_case == PG_QUERY__NODE__NODE_LIST
            && coldefs->list->n_items) {
            LIST_EACH(k, coldefs->list->n_items) {
                const PgQuery__ColumnDef *cd = coldefs->list->items[k]->column_def;
                rcol rc = {0};
                rc.name = cd->colname;
                if (!pgc_cat_typename(c->cat, c->d, c->t, cd->type_name, &rc.e.type,
                                      &rc.e.typmod))
                    return false;
                PGC_PUSH(c->a, r->cols, rc);
            }
        } else if (tr) {
            r->open = true;
            LIST_EACH(k, tr->cols.len) {
                rcol rc = {0};
                rc.name = tr->cols.items[k].name;
                rc.e.type = tr->cols.items[k].type;
                rc.e.typmod = tr->cols.items[k].typmod;
                PGC_PUSH(c->a, r->cols, rc);
            }
        } else if (fe.type == OID_RECORD && f && f->nouts) {
            LIST_EACH(k, f->nouts) {
                rcol rc = {0};
                rc.name = f->outs[k].name;
                rc.e.type = f->outs[k].type;
                rc.e.typmod = -1;
                PGC_PUSH(c->a, r->cols, rc);
            }
        } else if (fe.type == OID_RECORD) {
            return fail(c, node_location(call), "a column definition list is required for "
                                                "functions returning \"record\"");
        } else {
            rcol rc = {0};
            rc.name = f && f->nouts == 1 && f->outs[0].name[0] ? f->outs[0].name : fname;
            scalar = !(f && f->nouts == 1 && f->outs[0].name[0]);
            rc.e.type = fe.type;
            rc.e.typmod = fe.typmod;
            /* generate_series() yields no NULL (a NULL argument: no rows),
             * unless ROWS FROM pads it with NULLs to a longer function's rows */
            rc.e.notnull = series && rf->n_functions == 1;
            PGC_PUSH(c->a, r->cols, rc);
        }
    }
    if (rf->ordinality) {
        rcol rc = {0};
        rc.name = "ordinality";
        rc.e.type = OID_INT8;
        rc.e.typmod = -1;
        rc.e.notnull = true;
        PGC_PUSH(c->a, r->cols, rc);
    }
    if (rf->alias && rf->n_functions == 1 && scalar && rf->alias->n_colnames == 0) {
        /* a scalar function's column takes the alias as its name */
        r->cols.items[0].name = rf->alias->aliasname;
    }
    if (!apply_alias(c, r, rf->alias))
        return false;
    *out = r;
    return true;
}

static bool from_item(actx *c, scope *s, PgQuery__Node *n, fitem **out);

/* rcols from an analyzed query, as an entry. */
rte *rte_from_cols(actx *c, const char *alias, const rcols *cols)
{
    rte *r = new_rte(c, alias);
    LIST_EACH(i, cols->len) {
        rcol rc = cols->items[i];
        rc.e.param = 0;
        rc.e.is_const = false;
        rc.embed = NULL;
        PGC_PUSH(c->a, r->cols, rc);
    }
    return r;
}

/* Does a FROM item hold a column that a later migration may add to? */
static bool item_open(const fitem *f)
{
    if (f->r)
        return f->r->open;
    if (f->alias)
        return f->alias->open;
    return item_open(f->left) || item_open(f->right);
}

bool join_expr(actx *c, scope *s, const PgQuery__JoinExpr *je, fitem **out)
{
    fitem *l, *r;
    if (!from_item(c, s, je->larg, &l) || !from_item(c, s, je->rarg, &r))
        return false;
    fitem *f = pgc_arena_alloc(c->a, sizeof *f);
    f->left = l;
    f->right = r;
    /* the items are visible to ON (and to what follows) */
    PGC_PUSH(c->a, s->from, f);
    PGC_VEC(const char *) using = {0};
    if (je->is_natural) {
        rcols lc = {0}, rc = {0};
        item_columns(c, l, &lc);
        item_columns(c, r, &rc);
        LIST_EACH(i, lc.len)
            LIST_EACH(k, rc.len)
                if (strcmp(lc.items[i].name, rc.items[k].name) == 0)
                    PGC_PUSH(c->a, using, lc.items[i].name);
    }
    LIST_EACH(i, je->n_using_clause)
        PGC_PUSH(c->a, using, str_of(je->using_clause[i]));
    if (using.len) {
        f->merged = new_rte(c, NULL);
        rcols lc = {0}, rc = {0};
        item_columns(c, l, &lc);
        item_columns(c, r, &rc);
        LIST_EACH(i, using.len) {
            const rcol *a = NULL, *b = NULL;
            LIST_EACH(k, lc.len)
                if (strcmp(lc.items[k].name, using.items[i]) == 0)
                    a = &lc.items[k];
            LIST_EACH(k, rc.len)
                if (strcmp(rc.items[k].name, using.items[i]) == 0)
                    b = &rc.items[k];
            if (!a || !b)
                return fail(c, -1, "column \"%s\" specified in USING clause does not exist in "
                                   "%s table", using.items[i], a ? "right" : "left");
            expr ea = a->e, eb = b->e, res;
            if (!make_op(c, NULL, "=", &ea, &eb, -1, &res))
                return false;
            /* buildMergedJoinVar(): the common type; a side that needs no
             * coercion stays a plain column */
            expr both[2] = {a->e, b->e};
            uint32_t t;
            int32_t typmod;
            if (!common_type(c, both, 2, "JOIN/USING", &t, &typmod))
                return false;
            expr sides[2] = {a->e, b->e};
            bool plain[2];
            LIST_EACH(k, 2) {
                plain[k] = sides[k].type == t && sides[k].typmod == typmod;
                if (!plain[k]) {
                    sides[k].type = t;
                    sides[k].typmod = typmod;
                    sides[k].table = sides[k].column = NULL;
                }
            }
            rcol m = {0};
            m.name = using.items[i];
            switch ((int)je->jointype) {
            case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
                m.e = sides[1];
                break;
            case PG_QUERY__JOIN_TYPE__JOIN_FULL:
                m.e = null_expr;
                m.e.type = t;
                m.e.typmod = typmod;
                m.e.notnull = a->e.notnull || b->e.notnull;
                break;
            case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
                m.e = sides[0];
                break;
            default:
                m.e = plain[0] || !plain[1] ? sides[0] : sides[1];
                m.e.notnull = a->e.notnull || b->e.notnull;
                break;
            }
            PGC_PUSH(c->a, f->merged->cols, m);
        }
    }
    if (je->quals) {
        expr q;
        if (!analyze_expr(c, s, je->quals, &q) || !coerce_bool(c, &q, "JOIN/ON"))
            return false;
    }
    s->from.len--; /* the caller places f */
    switch ((int)je->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
        mark_nullable(r);
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
        mark_nullable(l);
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL:
        mark_nullable(l);
        mark_nullable(r);
        break;
    default:
        break;
    }
    if (je->alias) {
        rcols cols = {0};
        item_columns(c, f, &cols);
        hide(f);
        bool open = item_open(f);
        f->alias = rte_from_cols(c, NULL, &cols);
        f->alias->open = open;
        LIST_EACH(i, f->alias->cols.len)
            f->alias->cols.items[i].e.notnull = cols.items[i].e.notnull;
        if (!apply_alias(c, f->alias, je->alias))
            return false;
        add_rte(c, s, f->alias);
    }
    *out = f;
    return true;
}


static bool from_item(actx *c, scope *s, PgQuery__Node *n, fitem **out)
{
    rte *r = NULL;
    switch ((int)n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        if (!range_var(c, s, n->range_var, &r))
            return false;
        break;
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
        const PgQuery__RangeSubselect *rs = n->range_subselect;
        rcols cols = {0};
        /* a non-LATERAL subquery sees only the enclosing queries */
        scope *sees = s;
        scope outer = {0};
        if (!rs->lateral) {
            outer.parent = s->parent;
            outer.ctes = s->ctes;
            sees = &outer;
        }
        if (!analyze_stmt(c, sees, rs->subquery, true, &cols))
            return false;
        r = rte_from_cols(c, NULL, &cols);
        if (!rs->alias)
            return fail(c, -1, "subquery in FROM must have an alias");
        if (!apply_alias(c, r, rs->alias))
            return false;
        break;
    }
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
        if (!range_function(c, s, n->range_function, &r))
            return false;
        break;
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
        return join_expr(c, s, n->join_expr, out);
    case PG_QUERY__NODE__NODE_RANGE_TABLE_SAMPLE: {
        const PgQuery__RangeTableSample *ts = n->range_table_sample;
        if (!from_item(c, s, ts->relation, out))
            return false;
        LIST_EACH(i, ts->n_args) {
            expr e;
            if (!analyze_expr(c, s, ts->args[i], &e) || !coerce(c, &e, OID_FLOAT4, -1, CC_IMPLICIT, NULL))
                return false;
        }
        return true;
    }
    default:
        return fail(c, -1, "pgc cannot type this FROM item (%s)", node_name(n));
    }
    add_rte(c, s, r);
    *out = leaf(c, r);
    return true;
}

bool from_clause(actx *c, scope *s, PgQuery__Node **items, size_t n)
{
    LIST_EACH(i, n) {
        fitem *f;
        if (!from_item(c, s, items[i], &f))
            return false;
        PGC_PUSH(c->a, s->from, f);
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Stars spelled out                                                         */
/* ------------------------------------------------------------------------ */

/*
 * `*`, `t.*`, `(x).*` and RETURNING * are written into the statement sent
 * at run time as the columns they stand for now (t."a", t."b"), as sqlc
 * does, so that a column added to a live table changes no deployed call.
 * A star whose columns cannot be named one by one (a subquery's duplicate
 * column names, ...) stays when nothing behind it can change after
 * deployment; otherwise the query is refused.
 */

/* A column of a star: its name, and how the SELECT list names it. */
typedef struct star_col {
    const char *name, *text;
} star_col;
typedef PGC_VEC(star_col) star_cols;

/* name as a quoted identifier (pgc_sb_add_ident: never a line break). */
static const char *quoted(actx *c, const char *name)
{
    pgc_strbuf b = {.a = c->a};
    pgc_sb_add_ident(&b, name);
    return pgc_sb_take(&b);
}

/* Does r's reference name, looked up from s, find r and only r? */
static bool names_rte(scope *s, const rte *r)
{
    for (scope *sc = s; sc; sc = sc->parent) {
        int matches = 0;
        rte *found = find_rte(sc, NULL, r->alias, &matches);
        if (found)
            return found == r && matches == 1;
    }
    return false;
}

/* r's columns as ref."col"; false with *why when they cannot be so named. */
static bool rte_star(actx *c, scope *s, const rte *r, star_cols *out, const char **why)
{
    if (!r->alias || !names_rte(s, r)) {
        *why = r->alias ? pgc_arena_printf(c->a, "\"%s\" names more than one table here",
                                           r->alias)
                        : "a table has no name to qualify its columns";
        return false;
    }
    const char *ref = quoted(c, r->alias);
    LIST_EACH(i, r->cols.len) {
        const char *name = r->cols.items[i].name;
        LIST_EACH(k, i)
            if (strcmp(r->cols.items[k].name, name) == 0) {
                *why = pgc_arena_printf(c->a, "\"%s\" has two columns named \"%s\"", r->alias,
                                        name);
                return false;
            }
        star_col sc = {name, pgc_arena_printf(c->a, "%s.%s", ref, quoted(c, name))};
        PGC_PUSH(c->a, *out, sc);
    }
    return true;
}

/* A FROM item's columns as `*` gives them (item_columns' order). */
static bool item_star(actx *c, scope *s, const fitem *f, star_cols *out, const char **why)
{
    if (f->r || f->alias)
        return rte_star(c, s, f->r ? f->r : f->alias, out, why);
    star_cols sides[2] = {{0}, {0}};
    if (!item_star(c, s, f->left, &sides[0], why) || !item_star(c, s, f->right, &sides[1], why))
        return false;
    size_t nmerged = f->merged ? f->merged->cols.len : 0;
    LIST_EACH(i, nmerged) {
        /* a USING column, unqualified: it must name the merged column alone */
        const char *name = f->merged->cols.items[i].name;
        int matches = 0;
        expr ignored;
        LIST_EACH(k, s->from.len)
            find_in_item(s->from.items[k], name, &ignored, &matches);
        if (matches != 1) {
            *why = pgc_arena_printf(c->a, "the JOIN USING column \"%s\" is ambiguous here",
                                    name);
            return false;
        }
        PGC_PUSH(c->a, *out, ((star_col){name, quoted(c, name)}));
    }
    LIST_EACH(k, 2)
        LIST_EACH(i, sides[k].len) {
            bool merged = false;
            LIST_EACH(m, nmerged)
                if (strcmp(f->merged->cols.items[m].name, sides[k].items[i].name) == 0)
                    merged = true;
            if (!merged)
                PGC_PUSH(c->a, *out, sides[k].items[i]);
        }
    return true;
}

/* The offset of the '*' that ends the star starting at canonical offset at
 * (past quoted names and comments), or the text's length if none. */
static size_t star_end(const char *sql, size_t len, size_t at)
{
    for (size_t i = at; i < len; i++) {
        if (sql[i] == '*')
            return i;
        if (sql[i] == '"') {
            for (i++; i < len && !(sql[i] == '"' && sql[i + 1] != '"'); i++)
                if (sql[i] == '"')
                    i++;
        } else if (sql[i] == '/' && sql[i + 1] == '*') {
            const char *e = strstr(sql + i + 2, "*/");
            i = e ? (size_t)(e - sql) + 1 : len;
        } else if (sql[i] == '-' && sql[i + 1] == '-') {
            const char *e = strchr(sql + i, '\n');
            i = e ? (size_t)(e - sql) : len;
        }
    }
    return len;
}

/*
 * Replaces canonical bytes [at, end] (a star ending at its '*') with the
 * columns; when they could not be named (ok false, *why says why), leaves
 * the star if nothing behind it can change (open false), else refuses.
 */
static bool star_edit(actx *c, int32_t at, size_t end, bool open, bool ok,
                      const star_cols *cols, const char *why)
{
    if (!ok)
        return !open || fail(c, at, "pgc cannot spell out this * as its columns (%s), and "
                                    "the columns behind it can change after deployment: list "
                                    "the columns",
                             why);
    if (at < 0 || end >= c->t->canon_len || cols->len == 0)
        return true;
    pgc_strbuf b = {.a = c->a};
    LIST_EACH(i, cols->len)
        pgc_sb_printf(&b, "%s%s", i ? ", " : "", cols->items[i].text);
    pgc_sql_edit ed = {(size_t)at, end + 1 - (size_t)at, pgc_sb_take(&b)};
    PGC_PUSH(c->a, c->edits, ed);
    return true;
}

/* SELECT * (or RETURNING *) at location: every FROM item's columns. */
bool expand_all(actx *c, scope *s, int32_t location)
{
    star_cols cols = {0};
    const char *why = NULL;
    bool ok = true, open = false;
    LIST_EACH(k, s->from.len) {
        open |= item_open(s->from.items[k]);
        ok = ok && item_star(c, s, s->from.items[k], &cols, &why);
    }
    return star_edit(c, location, star_end(c->t->canon, c->t->canon_len, (size_t)location), open,
                     ok, &cols, why);
}

/* t.* at location, t being r. */
bool expand_rte(actx *c, scope *s, const rte *r, int32_t location)
{
    star_cols cols = {0};
    const char *why = NULL;
    bool ok = rte_star(c, s, r, &cols, &why);
    return star_edit(c, location, star_end(c->t->canon, c->t->canon_len, (size_t)location),
                     r->open, ok, &cols, why);
}

/* The offset of the ')' that closes the '(' at sql[at], or len. */
static size_t closing_paren(const char *sql, size_t len, size_t at)
{
    int depth = 0;
    for (size_t i = at; i < len; i++) {
        if (sql[i] == '"' || sql[i] == '\'') {
            char q = sql[i];
            for (i++; i < len && !(sql[i] == q && sql[i + 1] != q); i++)
                if (sql[i] == q)
                    i++;
        } else if (sql[i] == '(') {
            depth++;
        } else if (sql[i] == ')' && --depth == 0) {
            return i;
        }
    }
    return len;
}

/*
 * (x).* at location (its '('), x a column or whole row of composite type
 * tr: (x)."a", (x)."b".  Other expressions would be evaluated once per
 * field, so they are refused.
 */
bool expand_fields(actx *c, const PgQuery__AIndirection *ind, const pgc_rel *tr,
                   int32_t location)
{
    const char *sql = c->t->canon;
    size_t len = c->t->canon_len, at = (size_t)location;
    size_t close = location >= 0 && at < len && sql[at] == '(' ? closing_paren(sql, len, at) : len;
    size_t end = close < len ? close + 1 : len;
    while (end < len && (sql[end] == ' ' || sql[end] == '.'))
        end++;
    bool simple = ind->n_indirection == 1 && ind->arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF
                  && end < len && sql[end] == '*';
    for (size_t i = 0; simple && i < c->t->map.n; i++)
        if (c->t->map.seg[i].out_off < close && c->t->map.seg[i].out_off + c->t->map.seg[i].out_len > at)
            simple = false;
    /* the text is copied once per field: no comment (a "--" would swallow
       what follows it) and no line break in it */
    if (simple)
        for (size_t i = at; i < close; i++)
            if (sql[i] == '\n' || sql[i] == '-' || sql[i] == '/')
                simple = false;
    if (!simple)
        return fail(c, node_location(ind->arg), "pgc cannot spell out this (...).* as its "
                                                "fields, which can change after deployment: "
                                                "list the fields");
    star_cols cols = {0};
    const char *arg = pgc_arena_strndup(c->a, sql + at, close + 1 - at);
    LIST_EACH(k, tr->cols.len) {
        const char *name = tr->cols.items[k].name;
        PGC_PUSH(c->a, cols, ((star_col){name, pgc_arena_printf(c->a, "%s.%s", arg,
                                                                 quoted(c, name))}));
    }
    return star_edit(c, location, end, true, true, &cols, NULL);
}

const char *take_embed(actx *c, const char *table)
{
    if (!c->q)
        return NULL;
    for (size_t i = c->embeds_used; i < c->q->embeds.len; i++)
        if (strcmp(c->q->embeds.items[i], table) == 0) {
            c->embeds_used = i + 1;
            return table;
        }
    return NULL;
}

