/*
 * analyze.c - types each query against the catalog (semantic.h): its
 * parameters, and its result columns with names, types, typmods and a
 * sound nullability.  This file holds the statements (SELECT, VALUES, set
 * operations, INSERT/UPDATE/DELETE, WITH, CALL) and the entry points;
 * expressions, FROM and the type system are in the files named by
 * analyze_internal.h.
 *
 * Takes: a query's parse tree and the catalog.  Gives: pgc_analyze_query()
 * and pgc_analyze_relation() (semantic.h, ddl.h).
 *
 * The typing follows PostgreSQL 15's parse analysis closely, because the
 * answer must equal what the server reports for the prepared statement:
 *   - parameters start as "unknown" and take the type of the first context
 *     that coerces them (parse_param.c's variable_coerce_param_hook); a
 *     parameter still unknown at the end is an error;
 *   - functions and operators are chosen as func_get_detail() and
 *     oper_select_candidate() choose them (exact match, implicit-cast
 *     candidates, func_select_candidate()'s preferred types and
 *     categories, unknown inputs), with polymorphic arguments and results
 *     resolved as parse_coerce.c does;
 *   - UNION, CASE, COALESCE, GREATEST, ARRAY, VALUES and IN pick their
 *     type with select_common_type(), their typmod as exprTypmod() does;
 *   - result columns are named as FigureColname() names them;
 *   - unknown-type literals and parameters left in a SELECT list become
 *     text, except in INSERT ... SELECT and set operations' branches.
 * Nullability is this module's own: a column is NOT NULL only when proven
 * (see expr.notnull).
 *
 * The transform functions return false after reporting an error; the
 * first error ends the query's analysis.
 */
#include <stdlib.h>
#include <string.h>

#include "typesys.h"

/* ------------------------------------------------------------------------ */
/* Target lists                                                              */
/* ------------------------------------------------------------------------ */

/* SELECT list / RETURNING list: expressions, *, t.*, (x).* */
bool target_list(actx *c, scope *s, PgQuery__Node **items, size_t n, rcols *out)
{
    LIST_EACH(i, n) {
        const PgQuery__ResTarget *rt = items[i]->res_target;
        PgQuery__Node *v = rt->val;
        if (v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
            const PgQuery__ColumnRef *cr = v->column_ref;
            if (cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
                if (cr->n_fields == 1) {
                    if (s->from.len == 0)
                        return fail(c, cr->location, "SELECT * with no tables specified is "
                                                     "not valid");
                    LIST_EACH(k, s->from.len)
                        item_columns(c, s->from.items[k], out);
                    if (!expand_all(c, s, cr->location))
                        return false;
                    continue;
                }
                const char *schema = cr->n_fields >= 3 ? str_of(cr->fields[cr->n_fields - 3])
                                                       : NULL;
                const char *rel = str_of(cr->fields[cr->n_fields - 2]);
                rte *r = NULL;
                for (scope *sc = s; sc && !r; sc = sc->parent) {
                    int matches = 0;
                    r = find_rte(sc, schema, rel, &matches);
                    if (matches > 1)
                        return fail(c, cr->location, "table reference \"%s\" is ambiguous",
                                    rel);
                }
                if (!r)
                    return fail(c, cr->location, "missing FROM-clause entry for table \"%s\"",
                                rel);
                if (!expand_rte(c, s, r, cr->location))
                    return false;
                const char *embed = take_embed(c, rel);
                LIST_EACH(k, r->cols.len) {
                    rcol col = r->cols.items[k];
                    col.e = col_expr(r, &r->cols.items[k]);
                    col.embed = embed;
                    col.embed_type = embed ? r->rowtype : 0;
                    PGC_PUSH(c->a, *out, col);
                }
                continue;
            }
        }
        if (v->node_case == PG_QUERY__NODE__NODE_A_INDIRECTION) {
            const PgQuery__AIndirection *ind = v->a_indirection;
            if (ind->indirection[ind->n_indirection - 1]->node_case
                == PG_QUERY__NODE__NODE_A_STAR) {
                PgQuery__AIndirection inner = *ind;
                inner.n_indirection--;
                PgQuery__Node wrap = PG_QUERY__NODE__INIT;
                wrap.node_case = PG_QUERY__NODE__NODE_A_INDIRECTION;
                wrap.a_indirection = &inner;
                expr e;
                if (!(inner.n_indirection ? analyze_expr(c, s, &wrap, &e) : analyze_expr(c, s, ind->arg, &e)))
                    return false;
                const pgc_rel *tr = pgc_cat_type_rel(c->cat, e.type);
                if (!tr)
                    return fail(c, node_location(ind->arg),
                                "type %s is not composite", tname(c, e.type));
                if (!expand_fields(c, ind, tr, rt->location))
                    return false;
                LIST_EACH(k, tr->cols.len) {
                    rcol col = {0};
                    col.name = tr->cols.items[k].name;
                    col.e.type = tr->cols.items[k].type;
                    col.e.typmod = tr->cols.items[k].typmod;
                    PGC_PUSH(c->a, *out, col);
                }
                continue;
            }
        }
        rcol col = {0};
        if (!analyze_expr(c, s, v, &col.e))
            return false;
        if (v->node_case == PG_QUERY__NODE__NODE_PARAM_REF && !(rt->name && *rt->name)
            && c->uses.len)
            c->uses.items[c->uses.len - 1].bare_target = true;
        col.name = rt->name && *rt->name ? rt->name : colname_of(v);
        if (col.e.location < 0)
            col.e.location = rt->location;
        PGC_PUSH(c->a, *out, col);
    }
    return true;
}

/* Unknown literals and parameters left in a result become text. */
static bool resolve_unknowns(actx *c, rcols *cols)
{
    LIST_EACH(i, cols->len) {
        expr *e = &cols->items[i].e;
        if (e->type == OID_UNKNOWN && !coerce(c, e, OID_TEXT, -1, CC_IMPLICIT, NULL))
            return false;
    }
    return true;
}

/* ORDER BY / GROUP BY / DISTINCT ON items: output names, positions, or
 * expressions. */
static bool sort_item(actx *c, scope *s, PgQuery__Node *n, bool group)
{
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST
        && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
        return true;
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1
        && s->outputs) {
        const char *name = str_of(n->column_ref->fields[0]);
        bool is_output = false;
        if (name)
            LIST_EACH(i, s->outputs->len)
                if (strcmp(s->outputs->items[i].name, name) == 0)
                    is_output = true;
        if (is_output) {
            /* GROUP BY prefers an input column, ORDER BY the output */
            if (!group)
                return true;
            int matches = 0;
            expr e;
            LIST_EACH(i, s->from.len)
                find_in_item(s->from.items[i], name, &e, &matches);
            if (matches == 0)
                return true;
        }
    }
    if (n->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
        const PgQuery__GroupingSet *gs = n->grouping_set;
        LIST_EACH(k, gs->n_content)
            if (!sort_item(c, s, gs->content[k], group))
                return false;
        return true;
    }
    expr e;
    return analyze_expr(c, s, n, &e);
}

static bool limit_clause(actx *c, scope *s, PgQuery__Node *n, const char *what)
{
    if (!n)
        return true;
    expr e;
    if (!analyze_expr(c, s, n, &e))
        return false;
    hint_param(c, &e, strcmp(what, "LIMIT") == 0 ? "limit" : "offset");
    return coerce(c, &e, OID_INT8, -1, CC_IMPLICIT, what);
}

static bool with_clause(actx *c, scope *s, const PgQuery__WithClause *w);
static bool analyze_select(actx *c, scope *parent, const PgQuery__SelectStmt *st,
                           bool resolve, rcols *out);

/* VALUES (...), (...) as a query. */
static bool values_query(actx *c, scope *s, const PgQuery__SelectStmt *st, rcols *out)
{
    size_t nrows = st->n_values_lists;
    size_t ncols = st->values_lists[0]->list->n_items;
    expr *es = pgc_arena_alloc(c->a, nrows * ncols * sizeof *es);
    LIST_EACH(r, nrows) {
        const PgQuery__List *row = st->values_lists[r]->list;
        if (row->n_items != ncols)
            return fail(c, row->n_items ? node_location(row->items[0]) : -1,
                        "VALUES lists must all be the same length");
        LIST_EACH(k, ncols)
            if (!analyze_expr(c, s, row->items[k], &es[k * nrows + r]))
                return false;
    }
    LIST_EACH(k, ncols) {
        rcol col = {0};
        col.name = pgc_arena_printf(c->a, "column%zu", k + 1);
        uint32_t t;
        int32_t typmod;
        if (!common_type(c, &es[k * nrows], nrows, "VALUES", &t, &typmod))
            return false;
        col.e.type = t;
        col.e.typmod = typmod;
        col.e.notnull = true;
        LIST_EACH(r, nrows)
            col.e.notnull = col.e.notnull && es[k * nrows + r].notnull;
        PGC_PUSH(c->a, *out, col);
    }
    return true;
}

/* A set operation's branches: rcols with their expressions as they are
 * (unknowns unresolved), then the common types. */
static bool set_operation(actx *c, scope *parent, const PgQuery__SelectStmt *st, rcols *out)
{
    rcols l = {0}, r = {0};
    if (!analyze_select(c, parent, st->larg, false, &l)
        || !analyze_select(c, parent, st->rarg, false, &r))
        return false;
    if (l.len != r.len)
        return fail(c, r.len ? r.items[0].e.location : -1, "each %s query must have the same number of columns",
                    st->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? "UNION"
                    : st->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT"
                                                                         : "EXCEPT");
    const char *what = st->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? "UNION"
                       : st->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT"
                                                                            : "EXCEPT";
    LIST_EACH(i, l.len) {
        expr both[2] = {l.items[i].e, r.items[i].e};
        uint32_t types[2] = {both[0].type, both[1].type};
        uint32_t t = select_common_type_oids(c, types, 2, false,
                                             both[1].type != OID_UNKNOWN ? both[1].location
                                                                         : both[0].location,
                                             what);
        if (!t)
            return false;
        int32_t typmod = common_typmod(both, 2, t);
        LIST_EACH(k, 2) {
            if (both[k].type == OID_UNKNOWN && !both[k].is_const && !both[k].param)
                continue;
            if (!can_coerce1(c, both[k].type, t, CC_IMPLICIT))
                return fail(c, both[k].location, "%s could not convert type %s to %s", what,
                            tname(c, both[k].type), tname(c, t));
            if (!coerce(c, &both[k], t, -1, CC_IMPLICIT, NULL))
                return false;
        }
        rcol col = l.items[i];
        col.e = null_expr;
        col.e.type = t;
        col.e.typmod = typmod;
        col.e.location = l.items[i].e.location;
        switch ((int)st->op) {
        case PG_QUERY__SET_OPERATION__SETOP_INTERSECT:
            col.e.notnull = l.items[i].e.notnull || r.items[i].e.notnull;
            break;
        case PG_QUERY__SET_OPERATION__SETOP_EXCEPT:
            col.e.notnull = l.items[i].e.notnull;
            break;
        default:
            col.e.notnull = l.items[i].e.notnull && r.items[i].e.notnull;
            break;
        }
        col.embed = NULL;
        PGC_PUSH(c->a, *out, col);
    }
    return true;
}

static bool analyze_select(actx *c, scope *parent, const PgQuery__SelectStmt *st,
                           bool resolve, rcols *out)
{
    scope *s = pgc_arena_alloc(c->a, sizeof *s);
    s->parent = parent;
    if (st->with_clause && !with_clause(c, s, st->with_clause))
        return false;
    if (st->op > PG_QUERY__SET_OPERATION__SETOP_NONE) {
        if (!set_operation(c, s, st, out))
            return false;
        /* ORDER BY / LIMIT of the whole */
        s->outputs = out;
        LIST_EACH(i, st->n_sort_clause)
            if (!sort_item(c, s, st->sort_clause[i]->sort_by->node, false))
                return false;
        if (!limit_clause(c, s, st->limit_offset, "OFFSET")
            || !limit_clause(c, s, st->limit_count, "LIMIT"))
            return false;
        return !resolve || resolve_unknowns(c, out);
    }
    if (st->n_values_lists) {
        if (!values_query(c, s, st, out))
            return false;
        s->outputs = out;
        LIST_EACH(i, st->n_sort_clause)
            if (!sort_item(c, s, st->sort_clause[i]->sort_by->node, false))
                return false;
        return limit_clause(c, s, st->limit_offset, "OFFSET")
               && limit_clause(c, s, st->limit_count, "LIMIT");
    }
    s->grouped = st->n_group_clause > 0;
    LIST_EACH(i, st->n_group_clause)
        if (st->group_clause[i]->node_case == PG_QUERY__NODE__NODE_GROUPING_SET)
            s->grouped = false;
    if (!from_clause(c, s, st->from_clause, st->n_from_clause))
        return false;
    if (!target_list(c, s, st->target_list, st->n_target_list, out))
        return false;
    s->outputs = out;
    if (!where_clause(c, s, st->where_clause))
        return false;
    if (st->having_clause) {
        expr h;
        if (!analyze_expr(c, s, st->having_clause, &h) || !coerce_bool(c, &h, "HAVING"))
            return false;
    }
    LIST_EACH(i, st->n_sort_clause)
        if (!sort_item(c, s, st->sort_clause[i]->sort_by->node, false))
            return false;
    bool grouping_sets = false;
    LIST_EACH(i, st->n_group_clause) {
        const PgQuery__Node *g = st->group_clause[i];
        if (g->node_case == PG_QUERY__NODE__NODE_GROUPING_SET
            && g->grouping_set->kind != PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY)
            grouping_sets = true;
        if (!sort_item(c, s, st->group_clause[i], true))
            return false;
    }
    /* ROLLUP, CUBE, GROUPING SETS: grouped columns are NULL in the
     * super-aggregate rows */
    if (grouping_sets)
        LIST_EACH(i, out->len)
            out->items[i].e.notnull = false;
    LIST_EACH(i, st->n_distinct_clause)
        if (st->distinct_clause[i]
            && st->distinct_clause[i]->node_case != PG_QUERY__NODE__NODE__NOT_SET
            && !sort_item(c, s, st->distinct_clause[i], false))
            return false;
    if (!limit_clause(c, s, st->limit_offset, "OFFSET")
        || !limit_clause(c, s, st->limit_count, "LIMIT"))
        return false;
    LIST_EACH(i, st->n_window_clause) {
        const PgQuery__WindowDef *w = st->window_clause[i]->window_def;
        LIST_EACH(k, w->n_partition_clause) {
            expr e;
            if (!analyze_expr(c, s, w->partition_clause[k], &e))
                return false;
        }
        LIST_EACH(k, w->n_order_clause) {
            expr e;
            if (!analyze_expr(c, s, w->order_clause[k]->sort_by->node, &e))
                return false;
        }
    }
    /* an aggregate without GROUP BY, HAVING, LIMIT, OFFSET or a set-returning
     * function returns exactly one row, even from no input */
    c->one_row = s->has_aggs && !s->has_srf && st->n_group_clause == 0 && !st->having_clause
                 && !st->limit_count && !st->limit_offset;
    return !resolve || resolve_unknowns(c, out);
}

/* ------------------------------------------------------------------------ */
/* INSERT, UPDATE, DELETE                                                    */
/* ------------------------------------------------------------------------ */

/* The target table as an entry. */
static bool target_rte(actx *c, scope *s, const PgQuery__RangeVar *rv, const pgc_rel **rel,
                       rte **out)
{
    const char *schema = rv->schemaname && *rv->schemaname ? rv->schemaname : NULL;
    *rel = pgc_cat_find_rel(c->cat, schema, rv->relname);
    if (!*rel) {
        fail(c, rv->location, "relation \"%s\" does not exist", rv->relname);
        if (!schema)
            pgc_cat_note_home(c->cat, c->d, c->t, rv->location, 'r', rv->relname);
        return false;
    }
    if ((*rel)->kind == 'm')
        return fail(c, rv->location, "cannot change materialized view \"%s\"", rv->relname);
    if ((*rel)->kind == 'S')
        return fail(c, rv->location, "cannot change sequence \"%s\"", rv->relname);
    /* the target is always the catalog relation, never a CTE of that name */
    return range_var_in(c, s, rv, false, out);
}

static const pgc_col *target_col(actx *c, const pgc_rel *rel, const char *name, int32_t loc)
{
    LIST_EACH(i, rel->cols.len)
        if (strcmp(rel->cols.items[i].name, name) == 0)
            return &rel->cols.items[i];
    fail(c, loc, "column \"%s\" of relation \"%s\" does not exist", name, rel->name);
    return NULL;
}

/* Does the type reject NULL on assignment (a NOT NULL domain, or a domain
 * over one)? */
static bool domain_not_null(actx *c, uint32_t type)
{
    for (int depth = 0; depth < 64; depth++) {
        const pgc_utype *u = pgc_cat_utype(c->cat, type);
        if (!u || u->t.type != 'd')
            return false;
        if (u->not_null)
            return true;
        type = u->t.base;
    }
    return false;
}

/* An expression assigned to a column (INSERT, UPDATE SET). */
static bool assign(actx *c, scope *s, PgQuery__Node *n, const pgc_col *col, expr *pre)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT)
        return true;
    expr e;
    if (pre)
        e = *pre;
    else if (!analyze_expr(c, s, n, &e))
        return false;
    hint_param(c, &e, col->name);
    if (!col->not_null && !domain_not_null(c, col->type))
        nullable_param(c, &e);
    return coerce(c, &e, col->type, col->typmod, CC_ASSIGNMENT,
                  pgc_arena_printf(c->a, "column \"%s\"", col->name));
}

static bool returning(actx *c, scope *s, PgQuery__Node **items, size_t n, rcols *out)
{
    if (!target_list(c, s, items, n, out))
        return false;
    return resolve_unknowns(c, out);
}

/* The location of the INSERT's k-th target column, or -1. */
static int32_t insert_col_location(const PgQuery__InsertStmt *is, size_t k)
{
    return k < is->n_cols ? node_location(is->cols[k]) : -1;
}

static bool conflict_target(actx *c, const pgc_rel *rel, const PgQuery__OnConflictClause *oc);

static bool analyze_insert(actx *c, scope *parent, const PgQuery__InsertStmt *is, rcols *out)
{
    scope *s = pgc_arena_alloc(c->a, sizeof *s);
    s->parent = parent;
    if (is->with_clause && !with_clause(c, s, is->with_clause))
        return false;
    const pgc_rel *rel;
    rte *tr;
    scope tmp = {0};
    tmp.parent = s->parent;
    tmp.ctes = s->ctes;
    if (!target_rte(c, &tmp, is->relation, &rel, &tr))
        return false;
    /* the target columns */
    PGC_VEC(const pgc_col *) cols = {0};
    if (is->n_cols) {
        LIST_EACH(i, is->n_cols) {
            const PgQuery__ResTarget *rt = is->cols[i]->res_target;
            const pgc_col *col = target_col(c, rel, rt->name, rt->location);
            if (!col)
                return false;
            PGC_PUSH(c->a, cols, col);
        }
    } else {
        LIST_EACH(i, rel->cols.len)
            PGC_PUSH(c->a, cols, &rel->cols.items[i]);
    }
    PgQuery__Node *src = is->select_stmt;
    if (src) {
        const PgQuery__SelectStmt *st = src->select_stmt;
        if (st->n_values_lists && st->op <= PG_QUERY__SET_OPERATION__SETOP_NONE
            && !st->n_sort_clause && !st->limit_count && !st->limit_offset) {
            scope *vs = pgc_arena_alloc(c->a, sizeof *vs);
            vs->parent = s;
            if (st->with_clause && !with_clause(c, vs, st->with_clause))
                return false;
            if (!is->n_cols && cols.len > st->values_lists[0]->list->n_items)
                cols.len = st->values_lists[0]->list->n_items;
            LIST_EACH(r, st->n_values_lists) {
                const PgQuery__List *row = st->values_lists[r]->list;
                if (row->n_items > cols.len)
                    return fail(c, node_location(row->items[cols.len]),
                                "INSERT has more expressions than target columns");
                if (row->n_items < cols.len)
                    return fail(c, insert_col_location(is, row->n_items),
                                "INSERT has more target columns than expressions");
                LIST_EACH(k, row->n_items)
                    if (!assign(c, vs, row->items[k], cols.items[k], NULL))
                        return false;
            }
        } else {
            rcols sel = {0};
            if (!analyze_stmt(c, s, src, false, &sel))
                return false;
            if (!is->n_cols && cols.len > sel.len)
                cols.len = sel.len;
            if (sel.len > cols.len)
                return fail(c, sel.items[cols.len].e.location,
                            "INSERT has more expressions than target columns");
            if (sel.len < cols.len)
                return fail(c, insert_col_location(is, sel.len),
                            "INSERT has more target columns than expressions");
            LIST_EACH(k, sel.len)
                if (!assign(c, s, NULL, cols.items[k], &sel.items[k].e))
                    return false;
        }
    }
    /* ON CONFLICT DO UPDATE: the target and EXCLUDED */
    add_rte(c, s, tr);
    PGC_PUSH(c->a, s->from, leaf(c, tr));
    if (is->on_conflict_clause) {
        const PgQuery__OnConflictClause *oc = is->on_conflict_clause;
        if (!conflict_target(c, rel, oc))
            return false;
        if (oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
            scope *us = pgc_arena_alloc(c->a, sizeof *us);
            us->parent = s->parent;
            us->ctes = s->ctes;
            add_rte(c, us, tr);
            PGC_PUSH(c->a, us->from, leaf(c, tr));
            rte *ex = rte_from_cols(c, "excluded", &tr->cols);
            add_rte(c, us, ex);
            LIST_EACH(i, oc->n_target_list) {
                const PgQuery__ResTarget *rt = oc->target_list[i]->res_target;
                const pgc_col *col = target_col(c, rel, rt->name, rt->location);
                if (!col || !assign(c, us, rt->val, col, NULL))
                    return false;
            }
            if (!where_clause(c, us, oc->where_clause))
                return false;
        }
    }
    return returning(c, s, is->returning_list, is->n_returning_list, out);
}

/* Whether the unique index u is on exactly the columns of infer's list. */
static bool unique_matches(const pgc_unique *u, const PgQuery__InferClause *infer)
{
    LIST_EACH(i, infer->n_index_elems) {
        bool in = false;
        LIST_EACH(k, u->cols.len)
            in = in || strcmp(u->cols.items[k], infer->index_elems[i]->index_elem->name) == 0;
        if (!in)
            return false;
    }
    LIST_EACH(k, u->cols.len) {
        bool in = false;
        LIST_EACH(i, infer->n_index_elems)
            in = in || strcmp(u->cols.items[k], infer->index_elems[i]->index_elem->name) == 0;
        if (!in)
            return false;
    }
    return true;
}

/*
 * ON CONFLICT (cols): PostgreSQL infers the arbiter among the target's
 * unique indexes on exactly those columns and refuses a target with none
 * (42P10); DO UPDATE needs a target.  Checked where the catalog knows every
 * unique index of a table: not for expressions, WHERE, ON CONSTRAINT,
 * partitions and inheritance children, or tables marked uniques_unknown.
 */
static bool conflict_target(actx *c, const pgc_rel *rel, const PgQuery__OnConflictClause *oc)
{
    const PgQuery__InferClause *infer = oc->infer;
    if (!infer) {
        if (oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE)
            return fail(c, oc->location, "ON CONFLICT DO UPDATE requires inference "
                                         "specification or constraint name");
        return true;
    }
    if (infer->where_clause || (infer->conname && *infer->conname) || rel->system
        || rel->uniques_unknown || rel->parents.len || (rel->kind != 'r' && rel->kind != 'p'))
        return true;
    LIST_EACH(i, infer->n_index_elems) {
        const PgQuery__Node *n = infer->index_elems[i];
        if (n->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || !n->index_elem->name
            || !*n->index_elem->name)
            return true; /* an expression */
        if (!target_col(c, rel, n->index_elem->name, infer->location))
            return false;
    }
    LIST_EACH(k, rel->uniques.len)
        if (unique_matches(&rel->uniques.items[k], infer))
            return true;
    return fail(c, infer->location, "there is no unique or exclusion constraint matching the "
                                    "ON CONFLICT specification");
}

static bool analyze_update(actx *c, scope *parent, const PgQuery__UpdateStmt *us, rcols *out)
{
    scope *s = pgc_arena_alloc(c->a, sizeof *s);
    s->parent = parent;
    if (us->with_clause && !with_clause(c, s, us->with_clause))
        return false;
    const pgc_rel *rel;
    rte *tr;
    if (!target_rte(c, s, us->relation, &rel, &tr))
        return false;
    add_rte(c, s, tr);
    PGC_PUSH(c->a, s->from, leaf(c, tr));
    if (!from_clause(c, s, us->from_clause, us->n_from_clause))
        return false;
    LIST_EACH(i, us->n_target_list) {
        const PgQuery__ResTarget *rt = us->target_list[i]->res_target;
        const pgc_col *col = target_col(c, rel, rt->name, rt->location);
        if (!col)
            return false;
        PgQuery__Node *v = rt->val;
        if (v->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF) {
            const PgQuery__MultiAssignRef *ma = v->multi_assign_ref;
            PgQuery__Node *src = ma->source;
            if (src->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
                if ((size_t)ma->colno > src->row_expr->n_args)
                    return fail(c, rt->location, "number of columns does not match number of "
                                                 "values");
                if (!assign(c, s, src->row_expr->args[ma->colno - 1], col, NULL))
                    return false;
            } else if (src->node_case == PG_QUERY__NODE__NODE_SUB_LINK) {
                if (ma->colno == 1) {
                    rcols sub = {0};
                    if (!analyze_stmt(c, s, src->sub_link->subselect, true, &sub))
                        return false;
                    if (sub.len != (size_t)ma->ncolumns)
                        return fail(c, rt->location, "number of columns does not match number "
                                                     "of values");
                    LIST_EACH(k, sub.len) {
                        const PgQuery__ResTarget *tk = us->target_list[i + k]->res_target;
                        const pgc_col *ck = target_col(c, rel, tk->name, tk->location);
                        expr e = sub.items[k].e;
                        e.param = 0;
                        if (!ck || !assign(c, s, NULL, ck, &e))
                            return false;
                    }
                }
            } else {
                return fail(c, rt->location, "pgc cannot type this multiple-column assignment");
            }
            continue;
        }
        if (rt->n_indirection) {
            /* SET a[i] = x, SET c.f = x: the element's or field's type */
            pgc_col part = *col;
            LIST_EACH(k, rt->n_indirection) {
                const PgQuery__Node *ind = rt->indirection[k];
                if (ind->node_case == PG_QUERY__NODE__NODE_A_INDICES) {
                    const PgQuery__AIndices *ai = ind->a_indices;
                    PgQuery__Node *idx[2] = {ai->lidx, ai->uidx};
                    LIST_EACH(j, 2) {
                        expr ie;
                        if (idx[j] && (!analyze_expr(c, s, idx[j], &ie)
                                       || !coerce(c, &ie, OID_INT4, -1, CC_ASSIGNMENT, NULL)))
                            return false;
                    }
                    if (!ai->is_slice) {
                        part.type = pgc_cat_elem_type(c->cat, part.type);
                        if (!part.type)
                            return fail(c, rt->location, "cannot subscript column \"%s\"",
                                        rt->name);
                    }
                } else if (ind->node_case == PG_QUERY__NODE__NODE_STRING) {
                    const pgc_rel *ftr = pgc_cat_type_rel(c->cat, part.type);
                    const pgc_col *f = NULL;
                    if (ftr)
                        LIST_EACH(j, ftr->cols.len)
                            if (strcmp(ftr->cols.items[j].name, ind->string->sval) == 0)
                                f = &ftr->cols.items[j];
                    if (!f)
                        return fail(c, rt->location, "cannot assign to field \"%s\" of column "
                                                     "\"%s\"", ind->string->sval, rt->name);
                    part = *f;
                    part.not_null = false;
                } else {
                    return fail(c, rt->location, "pgc cannot type this assignment");
                }
            }
            part.not_null = false;
            if (!assign(c, s, v, &part, NULL))
                return false;
            continue;
        }
        if (!assign(c, s, v, col, NULL))
            return false;
    }
    if (!where_clause(c, s, us->where_clause))
        return false;
    return returning(c, s, us->returning_list, us->n_returning_list, out);
}

static bool analyze_delete(actx *c, scope *parent, const PgQuery__DeleteStmt *ds, rcols *out)
{
    scope *s = pgc_arena_alloc(c->a, sizeof *s);
    s->parent = parent;
    if (ds->with_clause && !with_clause(c, s, ds->with_clause))
        return false;
    const pgc_rel *rel;
    rte *tr;
    if (!target_rte(c, s, ds->relation, &rel, &tr))
        return false;
    add_rte(c, s, tr);
    PGC_PUSH(c->a, s->from, leaf(c, tr));
    if (!from_clause(c, s, ds->using_clause, ds->n_using_clause))
        return false;
    if (!where_clause(c, s, ds->where_clause))
        return false;
    return returning(c, s, ds->returning_list, ds->n_returning_list, out);
}

/* ------------------------------------------------------------------------ */
/* WITH                                                                      */
/* ------------------------------------------------------------------------ */

static bool cte_columns(actx *c, cte *k, const PgQuery__CommonTableExpr *ce)
{
    if (ce->n_aliascolnames > k->cols.len)
        return fail(c, ce->location, "WITH query \"%s\" has %zu columns available but %zu "
                                     "columns specified",
                    ce->ctename, k->cols.len, ce->n_aliascolnames);
    LIST_EACH(i, ce->n_aliascolnames)
        k->cols.items[i].name = str_of(ce->aliascolnames[i]);
    LIST_EACH(i, k->cols.len) {
        k->cols.items[i].e.param = 0;
        k->cols.items[i].e.is_const = false;
        k->cols.items[i].embed = NULL;
    }
    return true;
}

/* Does a query's FROM (or a branch's) name the relation `name`? */
static bool mentions(const PgQuery__Node *n, const char *name)
{
    if (!n)
        return false;
    switch ((int)n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        return (!n->range_var->schemaname || !*n->range_var->schemaname)
               && strcmp(n->range_var->relname, name) == 0;
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
        return mentions(n->join_expr->larg, name) || mentions(n->join_expr->rarg, name);
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
        return mentions(n->range_subselect->subquery, name);
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
        const PgQuery__SelectStmt *st = n->select_stmt;
        LIST_EACH(i, st->n_from_clause)
            if (mentions(st->from_clause[i], name))
                return true;
        PgQuery__Node l = PG_QUERY__NODE__INIT, r = PG_QUERY__NODE__INIT;
        l.node_case = r.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
        l.select_stmt = st->larg;
        r.select_stmt = st->rarg;
        return (st->larg && mentions(&l, name)) || (st->rarg && mentions(&r, name));
    }
    default:
        return false;
    }
}

static bool with_clause(actx *c, scope *s, const PgQuery__WithClause *w)
{
    LIST_EACH(i, w->n_ctes) {
        const PgQuery__CommonTableExpr *ce = w->ctes[i]->common_table_expr;
        cte *k = pgc_arena_alloc(c->a, sizeof *k);
        k->name = ce->ctename;
        PgQuery__Node *q = ce->ctequery;
        const PgQuery__SelectStmt *st = q->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
                                            ? q->select_stmt
                                            : NULL;
        PgQuery__Node rarg = PG_QUERY__NODE__INIT;
        rarg.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
        rarg.select_stmt = st ? st->rarg : NULL;
        if (w->recursive && st && st->op == PG_QUERY__SET_OPERATION__SETOP_UNION
            && mentions(&rarg, ce->ctename)) {
            /* the non-recursive term types the columns; the recursive term
             * is typed against them, until nullability settles */
            rcols first = {0};
            if (!analyze_select(c, s, st->larg, true, &first))
                return false;
            k->cols = first;
            if (!cte_columns(c, k, ce))
                return false;
            PGC_PUSH(c->a, s->ctes, k);
            /* each round but the last makes a column nullable: at most
             * ncols + 1 rounds to the fixpoint */
            for (;;) {
                rcols rec = {0};
                if (!analyze_select(c, s, st->rarg, true, &rec))
                    return false;
                if (rec.len != k->cols.len)
                    return fail(c, ce->location, "each UNION query must have the same number "
                                                 "of columns");
                bool changed = false;
                LIST_EACH(j, rec.len) {
                    rcol *col = &k->cols.items[j];
                    if (col->e.notnull && !rec.items[j].e.notnull) {
                        col->e.notnull = false;
                        changed = true;
                    }
                    if (rec.items[j].e.type != col->e.type
                        && !can_coerce1(c, rec.items[j].e.type, col->e.type, CC_ASSIGNMENT))
                        return fail(c, ce->location,
                                    "recursive query \"%s\" column %zu has type %s in "
                                    "non-recursive term but type %s overall",
                                    ce->ctename, j + 1, tname(c, col->e.type),
                                    tname(c, rec.items[j].e.type));
                    if (rec.items[j].e.typmod != col->e.typmod)
                        col->e.typmod = -1;
                    col->e.table = col->e.column = NULL;
                    col->e.row = NULL; /* the rows come from both terms */
                }
                if (!changed)
                    break;
            }
            if (st->n_sort_clause || st->limit_count)
                return fail(c, ce->location, "ORDER BY/LIMIT in a recursive query is not "
                                             "implemented");
            continue;
        }
        if (!analyze_stmt(c, s, q, true, &k->cols) || !cte_columns(c, k, ce))
            return false;
        PGC_PUSH(c->a, s->ctes, k);
    }
    return true;
}

/*
 * CALL proc(args): the arguments typed as for a function call, among
 * procedures only; no result (a procedure with OUT parameters, whose CALL
 * returns a row, is refused).
 */
static bool analyze_call(actx *c, const PgQuery__CallStmt *cs)
{
    scope *s = pgc_arena_alloc(c->a, sizeof *s);
    expr e;
    const pgc_bi_func *f = NULL;
    c->calling = true;
    bool ok = func_call(c, s, cs->funccall, &e, &f);
    c->calling = false;
    if (ok && f && f->nouts)
        return fail(c, cs->funccall->location,
                    "pgc cannot type CALL of a procedure with OUT or INOUT parameters");
    return ok;
}

/* Statements that change the schema or run code: no parameters, no result. */
static bool is_ddl(const PgQuery__Node *stmt)
{
    switch ((int)stmt->node_case) {
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
    case PG_QUERY__NODE__NODE_INDEX_STMT:
    case PG_QUERY__NODE__NODE_DROP_STMT:
    case PG_QUERY__NODE__NODE_RENAME_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
    case PG_QUERY__NODE__NODE_VIEW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
        return true;
    default:
        return false;
    }
}

bool analyze_stmt(actx *c, scope *parent, PgQuery__Node *stmt, bool resolve, rcols *out)
{
    if (is_ddl(stmt)) {
        /* the server does not analyze them at PREPARE time; a $n in one is
         * left untyped (an error below) */
        if (parent)
            return fail(c, -1, "pgc cannot type this statement (%s)", node_name(stmt));
        return true;
    }
    switch ((int)stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        if (stmt->select_stmt->into_clause)
            return fail(c, -1, "SELECT ... INTO is not allowed here");
        return analyze_select(c, parent, stmt->select_stmt, resolve, out);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        return analyze_insert(c, parent, stmt->insert_stmt, out);
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return analyze_update(c, parent, stmt->update_stmt, out);
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        return analyze_delete(c, parent, stmt->delete_stmt, out);
    case PG_QUERY__NODE__NODE_CALL_STMT:
        if (parent)
            return fail(c, -1, "pgc cannot type this statement (%s)", node_name(stmt));
        return analyze_call(c, stmt->call_stmt);
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
    case PG_QUERY__NODE__NODE_LOCK_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
        /* utility statements: no parameters, no result (the server does
         * not analyze them at PREPARE time) */
        if (parent)
            return fail(c, -1, "pgc cannot type this statement (%s)", node_name(stmt));
        return true;
    default:
        return fail(c, -1, "pgc cannot type this statement (%s)", node_name(stmt));
    }
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

bool pgc_analyze_relation(pgc_catalog *cat, pgc_diags *d, const pgc_stmt_text *t,
                          PgQuery__Node *query, pgc_cols *out, pgc_rel_list *deps)
{
    actx c = {0};
    c.deps = deps;
    c.cat = cat;
    c.a = pgc_cat_arena(cat);
    c.d = d;
    c.t = t;
    c.allow_params = false;
    rcols cols = {0};
    if (!analyze_stmt(&c, NULL, query, true, &cols))
        return false;
    LIST_EACH(i, cols.len) {
        const rcol *rc = &cols.items[i];
        pgc_col col = {0};
        col.name = pgc_arena_strdup(pgc_cat_arena(cat), rc->name);
        col.type = rc->e.type;
        col.typmod = rc->e.typmod;
        col.not_null = rc->e.notnull;
        col.table = rc->e.table;
        col.column = rc->e.column;
        PGC_PUSH(pgc_cat_arena(cat), *out, col);
    }
    return true;
}

static int by_edit_offset(const void *x, const void *y)
{
    const pgc_sql_edit *a = x, *b = y;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

static int by_use_offset(const void *x, const void *y)
{
    const pgc_param_use *a = x, *b = y;
    return (a->offset > b->offset) - (a->offset < b->offset);
}

/* The edits and parameter uses met, by offset, each once (a part analysed
 * twice, as a recursive CTE's term is, met them twice). */
static void take_edits(actx *c, pgc_query_info *out)
{
    if (c->edits.len)
        qsort(c->edits.items, c->edits.len, sizeof *c->edits.items, by_edit_offset);
    LIST_EACH(i, c->edits.len)
        if (i == 0 || c->edits.items[i].offset != c->edits.items[i - 1].offset)
            PGC_PUSH(c->a, out->edits, c->edits.items[i]);
    if (c->uses.len)
        qsort(c->uses.items, c->uses.len, sizeof *c->uses.items, by_use_offset);
    LIST_EACH(i, c->uses.len)
        if (i == 0 || c->uses.items[i].offset != c->uses.items[i - 1].offset)
            PGC_PUSH(c->a, out->uses, c->uses.items[i]);
}

bool pgc_analyze_query(pgc_catalog *cat, pgc_arena *a, pgc_diags *d, const pgc_query_src *q,
                       PgQuery__RawStmt *stmt, pgc_query_info *out)
{
    actx c = {0};
    c.cat = cat;
    c.a = a;
    c.d = d;
    c.t = &q->text;
    c.q = q;
    c.allow_params = true;
    LIST_EACH(i, q->params.len)
        get_param(&c, q->params.items[i].index);
    rcols cols = {0};
    memset(out, 0, sizeof *out);
    out->src = q;
    if (!analyze_stmt(&c, NULL, stmt->stmt, true, &cols))
        return false;
    /* every parameter typed, as the server insists */
    for (size_t i = 1; i < c.params.len; i++) {
        const param *p = &c.params.items[i];
        if (p->type == 0 || p->type == OID_UNKNOWN) {
            size_t off = p->location >= 0 ? pgc_parse_source_offset(c.t, p->location)
                                          : pgc_parse_source_offset(c.t, -1);
            pgc_diag_error(d, c.t->file, off, "could not determine data type of parameter $%zu",
                           i);
            return false;
        }
    }
    /* For each base name, the first suffix not yet known to be taken.  Names
     * are only ever added, so a later parameter with the same base resumes
     * there instead of testing base, base_2, base_3, ... again, which was
     * cubic in the parameters of one column, as in IN ($1, $2, ...). */
    typedef struct {
        const char *base;
        int next; /* 1: the bare base */
    } suffix;
    PGC_VEC(suffix) suffixes = {0};
    for (size_t i = 1; i < c.params.len; i++) {
        const param *p = &c.params.items[i];
        pgc_param_info pi = {0};
        pi.index = (int)i;
        pi.type = p->type;
        pi.nullable = p->nullable;
        pi.kind = PGC_PARAM_POSITIONAL;
        LIST_EACH(k, q->params.len)
            if (q->params.items[k].index == (int)i) {
                pi.kind = q->params.items[k].kind;
                pi.name = q->params.items[k].name;
            }
        if (pi.kind == PGC_PARAM_NULLABLE)
            pi.nullable = true;
        if (!pi.name) {
            const char *base = p->hint ? p->hint : pgc_arena_printf(a, "column_%zu", i);
            suffix *sx = NULL;
            LIST_EACH(k, suffixes.len)
                if (strcmp(suffixes.items[k].base, base) == 0)
                    sx = &suffixes.items[k];
            int n = sx ? sx->next : 1;
            for (;; n++) {
                const char *name = n == 1 ? base : pgc_arena_printf(a, "%s_%d", base, n);
                bool taken = false;
                LIST_EACH(k, out->params.len)
                    if (strcmp(out->params.items[k].name, name) == 0)
                        taken = true;
                LIST_EACH(k, q->params.len)
                    if (q->params.items[k].name && strcmp(q->params.items[k].name, name) == 0)
                        taken = true;
                if (!taken) {
                    pi.name = pgc_arena_strdup(a, name);
                    break;
                }
            }
            if (sx)
                sx->next = n + 1;
            else
                PGC_PUSH(a, suffixes, ((suffix){base, n + 1}));
        }
        PGC_PUSH(a, out->params, pi);
    }
    LIST_EACH(i, cols.len) {
        const rcol *rc = &cols.items[i];
        pgc_column_info ci = {0};
        ci.name = pgc_arena_strdup(a, rc->name);
        ci.type = rc->e.type;
        ci.typmod = rc->e.typmod;
        /* the server describes a domain-typed column by its base type */
        for (pgc_utype *u; (u = pgc_cat_utype(cat, ci.type)) && u->t.type == 'd';) {
            if (ci.typmod < 0)
                ci.typmod = u->base_typmod;
            ci.type = u->t.base;
        }
        ci.nullable = !rc->e.notnull;
        ci.table = rc->e.table;
        ci.column = rc->e.column;
        ci.embed = rc->embed ? pgc_arena_strdup(a, rc->embed) : NULL;
        ci.embed_type = rc->embed ? rc->embed_type : 0;
        PGC_PUSH(a, out->columns, ci);
    }
    take_edits(&c, out);
    return access_route(&c, stmt->stmt, out);
}
