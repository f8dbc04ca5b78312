/*
 * analyze_expr.c - expressions: each parse node of an expression becomes
 * an expr (type, typmod, proven nullability, origin), as PostgreSQL's
 * transformExpr() types it; result columns are named as FigureColname()
 * names them.
 *
 * Takes: the analysis state (analyze_internal.h), the type system
 * (typesys.h) for every coercion and call, FROM's column references and
 * statements' subqueries.  Gives: analyze_expr(), the dispatcher every
 * clause calls, and the node helpers the other files share.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "typesys.h"

/* ------------------------------------------------------------------------ */
/* Nodes                                                                     */
/* ------------------------------------------------------------------------ */

const char *node_name(const PgQuery__Node *n)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (unsigned)n->node_case);
    return f ? f->name : "?";
}

/* "schema.name" of a List of String nodes, for messages. */
const char *names_str(actx *c, PgQuery__Node **names, size_t n)
{
    const char *s = "";
    LIST_EACH(i, n)
        s = pgc_arena_printf(c->a, "%s%s%s", s, i ? "." : "", str_of(names[i]) ? str_of(names[i]) : "*");
    return s;
}

/* The location of an expression node, or -1. */
int32_t node_location(const PgQuery__Node *n)
{
    if (!n)
        return -1;
    switch ((int)n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST: return n->a_const->location;
    case PG_QUERY__NODE__NODE_PARAM_REF: return n->param_ref->location;
    case PG_QUERY__NODE__NODE_COLUMN_REF: return n->column_ref->location;
    case PG_QUERY__NODE__NODE_A_EXPR: return n->a_expr->location;
    case PG_QUERY__NODE__NODE_FUNC_CALL: return n->func_call->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST: return n->type_cast->location;
    case PG_QUERY__NODE__NODE_BOOL_EXPR: return n->bool_expr->location;
    case PG_QUERY__NODE__NODE_SUB_LINK: return n->sub_link->location;
    case PG_QUERY__NODE__NODE_CASE_EXPR: return n->case_expr->location;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: return n->coalesce_expr->location;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: return n->min_max_expr->location;
    case PG_QUERY__NODE__NODE_NULL_TEST: return n->null_test->location;
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: return n->boolean_test->location;
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: return n->a_array_expr->location;
    case PG_QUERY__NODE__NODE_ROW_EXPR: return n->row_expr->location;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: return n->sqlvalue_function->location;
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: return n->collate_clause->location;
    case PG_QUERY__NODE__NODE_A_INDIRECTION: return node_location(n->a_indirection->arg);
    case PG_QUERY__NODE__NODE_NAMED_ARG_EXPR: return n->named_arg_expr->location;
    case PG_QUERY__NODE__NODE_RES_TARGET: return n->res_target->location;
    case PG_QUERY__NODE__NODE_GROUPING_FUNC: return n->grouping_func->location;
    default: return -1;
    }
}

/* ------------------------------------------------------------------------ */
/* Parameters                                                                */
/* ------------------------------------------------------------------------ */

/* A derived name for $n, unless it has one already. */
void hint_param(actx *c, const expr *e, const char *name)
{
    if (e->param > 0 && name) {
        param *p = get_param(c, e->param);
        if (!p->hint)
            p->hint = name;
    }
}

/* A copy of a bare parameter's expression, taken before its first use
 * typed it, sees the type now known (the server transforms each use anew). */
static void refresh(actx *c, expr *e)
{
    if (e->param > 0 && e->type == OID_UNKNOWN)
        e->type = get_param(c, e->param)->type;
}

void nullable_param(actx *c, const expr *e)
{
    if (e->param > 0)
        get_param(c, e->param)->nullable = true;
}

/* ------------------------------------------------------------------------ */
/* Names (FigureColname)                                                     */
/* ------------------------------------------------------------------------ */

static int figure_colname(const PgQuery__Node *n, const char **name);

static const char *sublink_colname(const PgQuery__Node *sub)
{
    if (!sub || sub->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return NULL;
    const PgQuery__SelectStmt *s = sub->select_stmt;
    while (s->larg && s->op > PG_QUERY__SET_OPERATION__SETOP_NONE)
        s = s->larg;
    if (s->n_target_list == 0 || s->target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
        return NULL;
    const PgQuery__ResTarget *rt = s->target_list[0]->res_target;
    if (rt->name && *rt->name)
        return rt->name;
    const char *name = NULL;
    if (figure_colname(rt->val, &name) && name)
        return name;
    return "?column?";
}

/* FigureColnameInternal(): 0 no name, 1 a weak one (type names), 2 strong. */
static int figure_colname(const PgQuery__Node *n, const char **name)
{
    if (!n)
        return 0;
    switch ((int)n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const PgQuery__ColumnRef *cr = n->column_ref;
        for (size_t i = cr->n_fields; i-- > 0;) {
            const char *s = str_of(cr->fields[i]);
            if (s) {
                *name = s;
                return 2;
            }
        }
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
        const PgQuery__AIndirection *ind = n->a_indirection;
        for (size_t i = ind->n_indirection; i-- > 0;) {
            const char *s = str_of(ind->indirection[i]);
            if (s) {
                *name = s;
                return 2;
            }
        }
        return figure_colname(ind->arg, name);
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        *name = str_of(n->func_call->funcname[n->func_call->n_funcname - 1]);
        return 2;
    case PG_QUERY__NODE__NODE_A_EXPR:
        if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            *name = "nullif";
            return 2;
        }
        return 0;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        int strength = figure_colname(n->type_cast->arg, name);
        if (strength <= 1) {
            const PgQuery__TypeName *tn = n->type_cast->type_name;
            if (tn && tn->n_names) {
                *name = str_of(tn->names[tn->n_names - 1]);
                return 1;
            }
        }
        return strength;
    }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
        return figure_colname(n->collate_clause->arg, name);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC:
        *name = "grouping";
        return 2;
    case PG_QUERY__NODE__NODE_SUB_LINK:
        switch ((int)n->sub_link->sub_link_type) {
        case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
            *name = "exists";
            return 2;
        case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:
            *name = "array";
            return 2;
        case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: {
            const char *s = sublink_colname(n->sub_link->subselect);
            if (s) {
                *name = s;
                return 2;
            }
            return 0;
        }
        default:
            return 0;
        }
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
        int strength = figure_colname(n->case_expr->defresult, name);
        if (strength <= 1) {
            *name = "case";
            return 1;
        }
        return strength;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        *name = "array";
        return 2;
    case PG_QUERY__NODE__NODE_ROW_EXPR:
        *name = "row";
        return 2;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        *name = "coalesce";
        return 2;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        *name = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
        return 2;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        switch ((int)n->sqlvalue_function->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: *name = "current_date"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N: *name = "current_time"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
            *name = "current_timestamp";
            break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: *name = "localtime"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
            *name = "localtimestamp";
            break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: *name = "current_role"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: *name = "current_user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: *name = "user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: *name = "session_user"; break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
            *name = "current_catalog";
            break;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: *name = "current_schema"; break;
        default: return 0;
        }
        return 2;
    default:
        return 0;
    }
}

const char *colname_of(const PgQuery__Node *n)
{
    const char *name = NULL;
    figure_colname(n, &name);
    return name ? name : "?column?";
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                               */
/* ------------------------------------------------------------------------ */


/* WHERE cond: typed in s and coerced to boolean; no clause is fine. */
bool where_clause(actx *c, scope *s, PgQuery__Node *cond)
{
    expr w;
    return !cond || (analyze_expr(c, s, cond, &w) && coerce_bool(c, &w, "WHERE"));
}

bool a_const(actx *c, const PgQuery__AConst *k, expr *out)
{
    *out = null_expr;
    out->location = k->location;
    out->is_const = true;
    out->typmod = -1;
    if (k->isnull) {
        out->type = OID_UNKNOWN;
        return true;
    }
    out->notnull = true;
    switch ((int)k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        out->type = OID_INT4;
        return true;
    case PG_QUERY__A__CONST__VAL_FVAL: {
        const char *s = k->fval->fval;
        bool integral = *s != '\0';
        for (const char *p = *s == '-' ? s + 1 : s; *p; p++)
            if (!isdigit((unsigned char)*p))
                integral = false;
        if (integral) {
            errno = 0;
            (void)strtoll(s, NULL, 10);
            out->type = errno == ERANGE ? OID_NUMERIC : OID_INT8;
        } else {
            out->type = OID_NUMERIC;
        }
        return true;
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        out->type = OID_BOOL;
        return true;
    case PG_QUERY__A__CONST__VAL_SVAL:
        out->type = OID_UNKNOWN;
        return true;
    case PG_QUERY__A__CONST__VAL_BSVAL:
        out->type = OID_BIT;
        return true;
    default:
        return fail(c, k->location, "unsupported constant");
    }
}

static bool param_ref(actx *c, const PgQuery__ParamRef *pr, expr *out)
{
    if (!c->allow_params)
        return fail(c, pr->location, "there is no parameter $%d", pr->number);
    if (pr->number < 1 || pr->number > 65535)
        return fail(c, pr->location, "there is no parameter $%d", pr->number);
    param *p = get_param(c, pr->number);
    if (p->type == 0) {
        p->type = OID_UNKNOWN;
        p->location = pr->location;
    }
    *out = null_expr;
    out->type = p->type;
    out->typmod = -1;
    out->param = pr->number;
    out->location = pr->location;
    if (pr->location >= 0 && (size_t)pr->location < c->t->canon_len
        && c->t->canon[pr->location] == '$') {
        size_t len = 1;
        while (c->t->canon[pr->location + len] >= '0' && c->t->canon[pr->location + len] <= '9')
            len++;
        PGC_PUSH(c->a, c->uses, ((pgc_param_use){(size_t)pr->location, len, pr->number, false}));
    }
    return true;
}

static const char *op_name(PgQuery__Node **names, size_t n, const char **schema)
{
    *schema = n >= 2 ? str_of(names[n - 2]) : NULL;
    return str_of(names[n - 1]);
}

/* Names a parameter compared with (or assigned to) a column. */
static void hint_pair(actx *c, const expr *a, const expr *b)
{
    if (a->param && b->colname)
        hint_param(c, a, b->colname);
    if (b->param && a->colname)
        hint_param(c, b, a->colname);
}

static bool row_compare(actx *c, scope *s, const PgQuery__AExpr *ae, const char *schema,
                        const char *opname, expr *out)
{
    const PgQuery__RowExpr *l = ae->lexpr->row_expr, *r = ae->rexpr->row_expr;
    if (l->n_args != r->n_args)
        return fail(c, ae->location, "unequal number of entries in row expressions");
    bool notnull = true;
    LIST_EACH(i, l->n_args) {
        expr a, b, res;
        if (!analyze_expr(c, s, l->args[i], &a) || !analyze_expr(c, s, r->args[i], &b))
            return false;
        hint_pair(c, &a, &b);
        if (!make_op(c, schema, opname, &a, &b, ae->location, &res))
            return false;
        notnull = notnull && res.notnull;
    }
    *out = null_expr;
    out->type = OID_BOOL;
    out->typmod = -1;
    out->notnull = notnull;
    out->location = ae->location;
    return true;
}

static bool is_row(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_ROW_EXPR;
}

/* x op ANY (array) / x op ALL (array): make_scalar_array_op(). */
static bool scalar_array_op(actx *c, const char *schema, const char *opname, expr *l, expr *arr,
                            int32_t location, expr *out)
{
    uint32_t rtype = OID_UNKNOWN;
    if (arr->type != OID_UNKNOWN) {
        rtype = pgc_cat_elem_type(c->cat, arr->type);
        if (!rtype)
            return fail(c, location, "op ANY/ALL (array) requires array on right side");
    }
    expr elem = *arr;
    elem.type = rtype;
    elem.param = 0;
    expr opres;
    expr lcopy = *l;
    if (!make_op(c, schema, opname, &lcopy, &elem, location, &opres))
        return false;
    *l = lcopy;
    /* the array side: an array of the operator's right type */
    uint32_t want = elem.type;
    if (arr->type == OID_UNKNOWN) {
        uint32_t at = pgc_cat_array_type(c->cat, want);
        if (!at)
            return fail(c, location, "could not find array type for data type %s",
                        tname(c, want));
        if (!coerce(c, arr, at, -1, CC_IMPLICIT, NULL))
            return false;
    } else if (pgc_cat_elem_type(c->cat, arr->type) != want) {
        uint32_t at = pgc_cat_array_type(c->cat, want);
        if (at && !coerce(c, arr, at, -1, CC_IMPLICIT, NULL))
            return false;
    }
    *out = null_expr;
    out->type = OID_BOOL;
    out->typmod = -1;
    out->location = location;
    /* NULL elements make the result NULL: nullable */
    return true;
}

static bool a_expr(actx *c, scope *s, const PgQuery__AExpr *ae, expr *out)
{
    const char *schema = NULL;
    const char *opname = ae->n_name ? op_name(ae->name, ae->n_name, &schema) : "=";
    switch ((int)ae->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR: {
        if (is_row(ae->lexpr) && is_row(ae->rexpr))
            return row_compare(c, s, ae, schema, opname, out);
        expr l, r;
        if (ae->lexpr && !analyze_expr(c, s, ae->lexpr, &l))
            return false;
        if (!analyze_expr(c, s, ae->rexpr, &r))
            return false;
        if (ae->lexpr)
            hint_pair(c, &l, &r);
        return make_op(c, schema, opname, ae->lexpr ? &l : NULL, &r, ae->location, out);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
        expr l, r;
        if (!analyze_expr(c, s, ae->lexpr, &l) || !analyze_expr(c, s, ae->rexpr, &r))
            return false;
        hint_pair(c, &l, &r);
        return scalar_array_op(c, schema, opname, &l, &r, ae->location, out);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: {
        if (is_row(ae->lexpr) && is_row(ae->rexpr)) {
            if (!row_compare(c, s, ae, schema, "=", out))
                return false;
        } else {
            expr l, r, res;
            if (!analyze_expr(c, s, ae->lexpr, &l) || !analyze_expr(c, s, ae->rexpr, &r))
                return false;
            hint_pair(c, &l, &r);
            nullable_param(c, &l);
            nullable_param(c, &r);
            if (!make_op(c, schema, "=", &l, &r, ae->location, &res))
                return false;
        }
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = true;
        out->location = ae->location;
        return true;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
        expr l, r, res;
        if (!analyze_expr(c, s, ae->lexpr, &l) || !analyze_expr(c, s, ae->rexpr, &r))
            return false;
        hint_pair(c, &l, &r);
        if (!make_op(c, schema, "=", &l, &r, ae->location, &res))
            return false;
        *out = l;
        out->notnull = false;
        out->param = 0;
        out->is_const = false;
        out->table = out->column = NULL;
        out->location = ae->location;
        return true;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
        /* transformAExprIn(): a common type for the left side and the
         * list's non-Var items, else one comparison per item */
        const PgQuery__List *list = ae->rexpr->list;
        bool negate = strcmp(opname, "<>") == 0;
        if (is_row(ae->lexpr)) {
            bool notnull = true;
            LIST_EACH(i, list->n_items) {
                if (!is_row(list->items[i]))
                    return fail(c, ae->location, "pgc cannot type this row IN list");
                PgQuery__AExpr one = *ae;
                one.kind = PG_QUERY__A__EXPR__KIND__AEXPR_OP;
                one.rexpr = list->items[i];
                expr res;
                if (!row_compare(c, s, &one, schema, negate ? "<>" : "=", &res))
                    return false;
                notnull = notnull && res.notnull;
            }
            *out = null_expr;
            out->type = OID_BOOL;
            out->typmod = -1;
            out->notnull = notnull;
            return true;
        }
        size_t n = list->n_items + 1;
        expr *es = pgc_arena_alloc(c->a, n * sizeof *es);
        if (!analyze_expr(c, s, ae->lexpr, &es[0]))
            return false;
        LIST_EACH(i, list->n_items) {
            if (!analyze_expr(c, s, list->items[i], &es[i + 1]))
                return false;
            hint_pair(c, &es[0], &es[i + 1]);
        }
        bool notnull = true;
        LIST_EACH(i, n)
            notnull = notnull && es[i].notnull;
        uint32_t types[FUNC_MAX_ARGS];
        bool all_consts = n <= FUNC_MAX_ARGS;
        LIST_EACH(i, n) {
            if (all_consts)
                types[i] = es[i].type;
            if (i > 0 && !es[i].is_const && !es[i].param)
                all_consts = false;
        }
        uint32_t t = 0;
        if (all_consts && list->n_items > 1)
            t = select_common_type_oids(c, types, n, true, -1, NULL);
        if (t && t != OID_UNKNOWN && pgc_cat_array_type(c->cat, t)) {
            bool coercible = true;
            LIST_EACH(i, n)
                coercible = coercible && can_coerce1(c, es[i].type, t, CC_IMPLICIT);
            if (coercible) {
                LIST_EACH(i, n)
                    if (!coerce(c, &es[i], t, -1, CC_IMPLICIT, NULL))
                        return false;
                expr arr = null_expr, res;
                arr.type = pgc_cat_array_type(c->cat, t);
                arr.typmod = -1;
                if (!scalar_array_op(c, schema, opname, &es[0], &arr, ae->location, &res))
                    return false;
                *out = res;
                out->notnull = notnull;
                return true;
            }
        }
        LIST_EACH(i, list->n_items) {
            expr l = es[0], res;
            refresh(c, &l);
            refresh(c, &es[i + 1]);
            if (!make_op(c, schema, opname, &l, &es[i + 1], ae->location, &res))
                return false;
            notnull = notnull && res.notnull;
        }
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = notnull;
        out->location = ae->location;
        return true;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
        bool not = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN
                   || ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
        const PgQuery__List *list = ae->rexpr->list;
        expr a, lo, hi, r1, r2;
        if (!analyze_expr(c, s, ae->lexpr, &a) || !analyze_expr(c, s, list->items[0], &lo)
            || !analyze_expr(c, s, list->items[1], &hi))
            return false;
        hint_pair(c, &a, &lo);
        hint_pair(c, &a, &hi);
        expr a2 = a;
        if (!make_op(c, NULL, not ? "<" : ">=", &a, &lo, ae->location, &r1))
            return false;
        refresh(c, &a2);
        refresh(c, &hi);
        if (!make_op(c, NULL, not ? ">" : "<=", &a2, &hi, ae->location, &r2))
            return false;
        if (ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM
            || ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM) {
            expr r3, r4, a3 = a2, a4 = a2;
            refresh(c, &a3);
            refresh(c, &a4);
            refresh(c, &lo);
            if (!make_op(c, NULL, not ? "<" : ">=", &a3, &hi, ae->location, &r3)
                || !make_op(c, NULL, not ? ">" : "<=", &a4, &lo, ae->location, &r4))
                return false;
        }
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = r1.notnull && r2.notnull;
        out->location = ae->location;
        return true;
    }
    default:
        return fail(c, ae->location, "pgc cannot type this expression");
    }
}

/* Functions known to return NOT NULL for NOT NULL arguments (built-ins;
 * checked against their definitions), and those never NULL at all. */
static bool total_function(const char *name, bool *always)
{
    static const char *const never_null[] = {
        "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
        "gen_random_uuid", "random", "pi", "concat", "json_build_object", "jsonb_build_object",
        "json_build_array", "jsonb_build_array", "nextval", "timeofday", "version",
        "pg_backend_pid", "txid_current", "current_database",
    };
    static const char *const total[] = {
        "lower", "upper", "length", "char_length", "character_length", "octet_length",
        "bit_length", "abs", "btrim", "ltrim", "rtrim", "md5", "round", "floor", "ceil",
        "ceiling", "trunc", "sign", "replace", "substr", "substring", "left", "right", "repeat",
        "reverse", "lpad", "rpad", "initcap", "date_trunc", "timezone",
        "age", "cardinality", "to_json", "to_jsonb", "format", "strpos", "position", "sqrt",
        "exp", "ln", "log", "power", "mod", "div", "int2", "int4", "int8", "float4", "float8",
        "numeric", "text", "date", "concat_ws", "quote_ident", "quote_literal", "encode",
        "decode", "sha256", "sha512", "translate", "overlay", "to_timestamp", "make_date",
        "make_interval", "make_timestamp", "make_timestamptz", "justify_days",
        "justify_hours", "justify_interval", "array_to_string", "jsonb_typeof", "json_typeof",
        "jsonb_pretty", "starts_with", "split_part", "chr", "ascii", "to_hex", "greatest",
        "least", "uuid_generate_v4", "uuid_generate_v1",
    };
    *always = false;
    LIST_EACH(i, sizeof never_null / sizeof *never_null)
        if (strcmp(never_null[i], name) == 0) {
            *always = true;
            return true;
        }
    LIST_EACH(i, sizeof total / sizeof *total)
        if (strcmp(total[i], name) == 0)
            return true;
    return false;
}

static bool window_never_null(const char *name)
{
    static const char *const w[] = {"row_number", "rank", "dense_rank", "percent_rank",
                                    "cume_dist", "count"};
    LIST_EACH(i, sizeof w / sizeof *w)
        if (strcmp(w[i], name) == 0)
            return true;
    return false;
}

/* A FuncCall as a function, aggregate or window function. */
/* Whether an aggregate called in scope s belongs to s's query level, as
 * PostgreSQL decides (check_agg_arguments): the innermost level its
 * arguments reference, s itself when they reference none.  refs_from is
 * where the aggregate's column references start in c->refs. */
static bool agg_is_local(const actx *c, const scope *s, size_t refs_from)
{
    bool outer = false;
    for (size_t i = refs_from; i < c->refs.len; i++) {
        if (c->refs.items[i] == s)
            return true;
        for (const scope *p = s->parent; p; p = p->parent)
            outer = outer || c->refs.items[i] == p;
    }
    return !outer;
}

/* sum, min, max, avg (and array_agg) of a NOT NULL argument are NOT NULL
 * in a grouped query: every group has at least one row.  Not without
 * GROUP BY (an empty input gives one row of NULL), not with grouping sets
 * (the empty set), not with FILTER (it may leave a group no row), and not
 * when the aggregate belongs to an enclosing query. */
static bool grouped_agg_notnull(const actx *c, const scope *s, const PgQuery__FuncCall *fc,
                                const pgc_bi_func *f, bool args_notnull, size_t refs_from)
{
    static const char *const strict_aggs[] = {"sum", "min", "max", "avg"};
    if (!s->grouped || fc->agg_filter || fc->agg_within_group || !agg_is_local(c, s, refs_from))
        return false;
    if (strcmp(f->name, "array_agg") == 0)
        return true;
    LIST_EACH(i, sizeof strict_aggs / sizeof *strict_aggs)
        if (strcmp(f->name, strict_aggs[i]) == 0)
            return args_notnull;
    return false;
}

bool func_call(actx *c, scope *s, const PgQuery__FuncCall *fc, expr *out,
               const pgc_bi_func **chosen_out)
{
    const char *schema = fc->n_funcname >= 2 ? str_of(fc->funcname[fc->n_funcname - 2]) : NULL;
    const char *name = str_of(fc->funcname[fc->n_funcname - 1]);
    size_t nargs = fc->n_args + (fc->agg_within_group ? fc->n_agg_order : 0);
    if (nargs > FUNC_MAX_ARGS)
        return fail(c, fc->location, "cannot pass more than %d arguments to a function",
                    FUNC_MAX_ARGS);
    expr *args = pgc_arena_alloc(c->a, (nargs ? nargs : 1) * sizeof *args);
    size_t refs_from = c->refs.len;
    const char **argnames = pgc_arena_alloc(c->a, (nargs ? nargs : 1) * sizeof *argnames);
    uint32_t input[FUNC_MAX_ARGS];
    LIST_EACH(i, fc->n_args) {
        PgQuery__Node *a = fc->args[i];
        if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
            argnames[i] = a->named_arg_expr->name;
            if (!analyze_expr(c, s, a->named_arg_expr->arg, &args[i]))
                return false;
            hint_param(c, &args[i], argnames[i]);
        } else if (!analyze_expr(c, s, a, &args[i])) {
            return false;
        }
    }
    if (fc->agg_within_group)
        LIST_EACH(i, fc->n_agg_order) {
            const PgQuery__SortBy *sb = fc->agg_order[i]->sort_by;
            if (!analyze_expr(c, s, sb->node, &args[fc->n_args + i]))
                return false;
        }
    LIST_EACH(i, nargs)
        input[i] = args[i].type;
    pgc_func_list fl = {0};
    pgc_cat_funcs_named(c->cat, c->a, schema, name, &fl);
    cands cs = {0};
    LIST_EACH(i, fl.len) {
        const pgc_bi_func *f = fl.items[i];
        if (fc->agg_star && f->kind != 'a')
            continue;
        if (fc->agg_within_group != (f->aggkind == 'o' || f->aggkind == 'h'))
            continue;
        if ((f->kind == 'p') != c->calling)
            continue; /* procedures only in CALL, and only they */
        cand k = {0};
        k.f = f;
        k.args = pgc_arena_alloc(c->a, (nargs ? nargs : 1) * sizeof *k.args);
        if (!candidate_args(c, f, nargs, argnames, fc->func_variadic, k.args,
                            &k.variadic_expanded))
            continue;
        PGC_PUSH(c->a, cs, k);
    }
    bool ambiguous = false;
    const cand *best = cs.len ? best_candidate(c, nargs, input, &cs, &ambiguous) : NULL;
    if (!best) {
        /* a function-style cast: typename(x) */
        if (nargs == 1 && !argnames[0] && !fc->agg_star && !fc->over) {
            PgQuery__TypeName tn = PG_QUERY__TYPE_NAME__INIT;
            tn.n_names = fc->n_funcname;
            tn.names = fc->funcname;
            tn.typemod = -1;
            tn.location = fc->location;
            uint32_t t;
            int32_t typmod;
            if (pgc_cat_typename(c->cat, NULL, c->t, &tn, &t, &typmod)) {
                path_kind p = coercion_path(c, t, args[0].type, CC_EXPLICIT);
                if (args[0].type == OID_UNKNOWN || p == PATH_RELABEL || p == PATH_IO) {
                    *out = args[0];
                    if (!coerce(c, out, t, -1, CC_EXPLICIT, NULL))
                        return false;
                    out->location = fc->location;
                    if (chosen_out)
                        *chosen_out = NULL;
                    return true;
                }
            }
        }
        const char *sig = signature(c, schema ? pgc_arena_printf(c->a, "%s.%s", schema, name)
                                              : name,
                                    input, nargs);
        if (fc->agg_star)
            sig = pgc_arena_printf(c->a, "%s(*)", name);
        if (ambiguous)
            return fail(c, fc->location, "function %s is not unique", sig);
        fail(c, fc->location, "function %s does not exist", sig);
        if (!schema)
            pgc_cat_note_home(c->cat, c->d, c->t, fc->location, 'f', name);
        return false;
    }
    const pgc_bi_func *f = best->f;
    uint32_t declared[FUNC_MAX_ARGS];
    LIST_EACH(i, nargs)
        declared[i] = best->args[i];
    uint32_t rettype = f->rettype;
    /* variadic "any" takes its arguments as they are */
    if (!enforce_generic(c, input, declared, nargs, &rettype, fc->location))
        return false;
    LIST_EACH(i, nargs) {
        if (f->argnames && !argnames[i] && i < f->nargs && f->argnames[i][0])
            hint_param(c, &args[i], f->argnames[i]);
        if (!coerce(c, &args[i], declared[i], -1, CC_IMPLICIT, NULL))
            return false;
    }
    if (fc->agg_filter) {
        expr fe;
        if (!analyze_expr(c, s, fc->agg_filter, &fe) || !coerce_bool(c, &fe, "FILTER"))
            return false;
    }
    if (!fc->agg_within_group)
        LIST_EACH(i, fc->n_agg_order) {
            expr oe;
            if (!analyze_expr(c, s, fc->agg_order[i]->sort_by->node, &oe))
                return false;
        }
    if (fc->over) {
        const PgQuery__WindowDef *w = fc->over;
        LIST_EACH(i, w->n_partition_clause) {
            expr pe;
            if (!analyze_expr(c, s, w->partition_clause[i], &pe))
                return false;
        }
        LIST_EACH(i, w->n_order_clause) {
            expr oe;
            if (!analyze_expr(c, s, w->order_clause[i]->sort_by->node, &oe))
                return false;
        }
        if (f->kind == 'f')
            return fail(c, fc->location, "OVER specified, but %s is not a window function nor "
                                         "an aggregate function", name);
    } else if (f->kind == 'w') {
        return fail(c, fc->location, "window function %s requires an OVER clause", name);
    }
    if (f->retset)
        s->has_srf = true;
    if (f->kind == 'a' && !fc->over && agg_is_local(c, s, refs_from))
        s->has_aggs = true;
    *out = null_expr;
    out->type = rettype;
    out->typmod = -1;
    out->location = fc->location;
    if (f->oid < PGC_USER_OID_BASE) {
        bool all = true;
        LIST_EACH(i, nargs)
            all = all && args[i].notnull;
        bool always;
        if (fc->over)
            out->notnull = window_never_null(f->name);
        else if (f->kind == 'a')
            out->notnull = strcmp(f->name, "count") == 0
                           || grouped_agg_notnull(c, s, fc, f, all, refs_from);
        else if (total_function(f->name, &always) && !always) {
            /* the curated names are total on strings, numbers, dates and
             * the like, not on ranges (lower('empty')) or geometry */
            out->notnull = all;
            LIST_EACH(i, nargs) {
                char cat = category(c, declared[i]);
                if (cat == 'R' || cat == 'G' || cat == 'P')
                    out->notnull = false;
            }
        } else if (always) {
            /* concat(VARIADIC NULL::text[]) and the like are NULL */
            out->notnull = !fc->func_variadic;
        }
        /* substring(text FROM pattern) is NULL when nothing matches */
        if (strcmp(f->name, "substring") == 0 && nargs >= 2
            && category(c, declared[1]) == 'S')
            out->notnull = false;
        if (strcmp(f->name, "ntile") == 0 && fc->over)
            out->notnull = all;
    }
    if (chosen_out)
        *chosen_out = f;
    return true;
}

static bool type_cast(actx *c, scope *s, const PgQuery__TypeCast *tc, expr *out)
{
    uint32_t t;
    int32_t typmod;
    if (!pgc_cat_typename(c->cat, c->d, c->t, tc->type_name, &t, &typmod))
        return false;
    if (tc->arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR && pgc_cat_elem_type(c->cat, t)) {
        /* ARRAY[...]::t[]: the elements are cast to the element type */
        const PgQuery__AArrayExpr *ae = tc->arg->a_array_expr;
        uint32_t et = pgc_cat_elem_type(c->cat, t);
        LIST_EACH(i, ae->n_elements) {
            expr e;
            if (!analyze_expr(c, s, ae->elements[i], &e))
                return false;
            if (e.type != et && !coerce(c, &e, et, -1, CC_EXPLICIT, NULL))
                return false;
        }
        *out = null_expr;
        out->type = t;
        out->typmod = typmod;
        out->notnull = true;
        out->location = tc->location;
        return true;
    }
    if (!analyze_expr(c, s, tc->arg, out))
        return false;
    if (out->type == OID_UNKNOWN && out->param == 0) {
        out->type = t;
        out->typmod = typmod;
        out->table = out->column = NULL;
    } else if (!coerce(c, out, t, typmod, CC_EXPLICIT, NULL)) {
        return false;
    }
    out->param = 0;
    out->is_const = false;
    out->location = tc->location;
    return true;
}

static bool case_expr(actx *c, scope *s, const PgQuery__CaseExpr *ce, expr *out)
{
    expr arg;
    bool has_arg = ce->arg != NULL;
    if (has_arg) {
        if (!analyze_expr(c, s, ce->arg, &arg))
            return false;
        if (arg.type == OID_UNKNOWN && !coerce(c, &arg, OID_TEXT, -1, CC_IMPLICIT, NULL))
            return false;
    }
    size_t n = ce->n_args + 1;
    expr *rs = pgc_arena_alloc(c->a, n * sizeof *rs);
    /* the default first: select_common_type() sees it first */
    LIST_EACH(i, ce->n_args) {
        const PgQuery__CaseWhen *w = ce->args[i]->case_when;
        expr cond;
        if (!analyze_expr(c, s, w->expr, &cond))
            return false;
        if (has_arg) {
            expr a = arg, res;
            refresh(c, &cond);
            hint_pair(c, &a, &cond);
            if (!make_op(c, NULL, "=", &a, &cond, w->location, &res))
                return false;
        } else if (!coerce_bool(c, &cond, "CASE/WHEN")) {
            return false;
        }
        if (!analyze_expr(c, s, w->result, &rs[i + 1]))
            return false;
    }
    if (ce->defresult) {
        if (!analyze_expr(c, s, ce->defresult, &rs[0]))
            return false;
    } else {
        rs[0] = null_expr;
        rs[0].type = OID_UNKNOWN;
        rs[0].typmod = -1;
        rs[0].is_const = true;
        rs[0].location = ce->location;
    }
    uint32_t t;
    int32_t typmod;
    if (!common_type(c, rs, n, "CASE", &t, &typmod))
        return false;
    *out = null_expr;
    out->type = t;
    out->typmod = ce->defresult ? typmod : -1;
    out->notnull = true;
    LIST_EACH(i, n)
        out->notnull = out->notnull && rs[i].notnull;
    out->location = ce->location;
    return true;
}

static bool coalesce_like(actx *c, scope *s, PgQuery__Node **args, size_t n, const char *what,
                          int32_t location, expr *out)
{
    expr *es = pgc_arena_alloc(c->a, (n ? n : 1) * sizeof *es);
    LIST_EACH(i, n)
        if (!analyze_expr(c, s, args[i], &es[i]))
            return false;
    uint32_t t;
    int32_t typmod;
    if (!common_type(c, es, n, what, &t, &typmod))
        return false;
    *out = null_expr;
    out->type = t;
    out->typmod = typmod;
    out->location = location;
    LIST_EACH(i, n)
        out->notnull = out->notnull || es[i].notnull;
    return true;
}

/* ARRAY[...] (elements of one common type; nested ARRAY[...] for more dims). */
static bool array_expr(actx *c, scope *s, const PgQuery__AArrayExpr *ae, expr *out)
{
    if (ae->n_elements == 0)
        return fail(c, ae->location, "cannot determine type of empty array");
    expr *es = pgc_arena_alloc(c->a, ae->n_elements * sizeof *es);
    LIST_EACH(i, ae->n_elements)
        if (!analyze_expr(c, s, ae->elements[i], &es[i]))
            return false;
    uint32_t t;
    int32_t typmod;
    if (!common_type(c, es, ae->n_elements, "ARRAY", &t, &typmod))
        return false;
    bool multidim = ae->elements[0]->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR;
    *out = null_expr;
    out->type = multidim ? t : pgc_cat_array_type(c->cat, t);
    if (!out->type)
        return fail(c, ae->location, "could not find array type for data type %s", tname(c, t));
    out->typmod = typmod;
    out->notnull = true;
    out->location = ae->location;
    return true;
}

static bool sql_value_function(const PgQuery__SQLValueFunction *sv, expr *out)
{
    *out = null_expr;
    out->typmod = -1;
    out->notnull = true;
    out->location = sv->location;
    switch ((int)sv->op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: out->type = OID_DATE; break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME: out->type = OID_TIMETZ; break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N:
        out->type = OID_TIMETZ;
        out->typmod = sv->typmod;
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP: out->type = OID_TIMESTAMPTZ; break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
        out->type = OID_TIMESTAMPTZ;
        out->typmod = sv->typmod;
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME: out->type = OID_TIME; break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N:
        out->type = OID_TIME;
        out->typmod = sv->typmod;
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP: out->type = OID_TIMESTAMP; break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
        out->type = OID_TIMESTAMP;
        out->typmod = sv->typmod;
        break;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
        out->type = OID_NAME;
        out->notnull = false; /* NULL with an empty search_path */
        break;
    default:
        out->type = OID_NAME;
        break;
    }
    return true;
}

bool sub_link(actx *c, scope *s, const PgQuery__SubLink *sl, expr *out)
{
    rcols cols = {0};
    const PgQuery__SelectStmt *sub = sl->subselect->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
                                         ? sl->subselect->select_stmt
                                         : NULL;
    /* analyze_select() sets c->one_row last for a plain SELECT only */
    bool plain_select = sub && sub->op == PG_QUERY__SET_OPERATION__SETOP_NONE
                        && sub->n_values_lists == 0;
    c->one_row = false;
    if (!analyze_stmt(c, s, sl->subselect, true, &cols))
        return false;
    *out = null_expr;
    out->typmod = -1;
    out->location = sl->location;
    switch ((int)sl->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
        out->type = OID_BOOL;
        out->notnull = true;
        return true;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:
        if (cols.len != 1)
            return fail(c, sl->location, "subquery must return only one column");
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK) {
            out->type = cols.items[0].e.type;
            out->typmod = cols.items[0].e.typmod;
            /* a subquery that always returns one row: its value's nullability */
            out->notnull = plain_select && c->one_row && cols.items[0].e.notnull;
            return true;
        }
        out->type = pgc_cat_array_type(c->cat, cols.items[0].e.type);
        if (pgc_cat_elem_type(c->cat, cols.items[0].e.type))
            out->type = cols.items[0].e.type; /* array_agg of arrays: same array type */
        if (!out->type)
            return fail(c, sl->location, "could not find array type for data type %s",
                        tname(c, cols.items[0].e.type));
        out->typmod = cols.items[0].e.typmod;
        out->notnull = true;
        return true;
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: {
        const char *schema = NULL;
        const char *opname = sl->n_oper_name ? op_name(sl->oper_name, sl->n_oper_name, &schema)
                                             : "=";
        if (is_row(sl->testexpr)) {
            const PgQuery__RowExpr *row = sl->testexpr->row_expr;
            if (row->n_args != cols.len)
                return fail(c, sl->location, "subquery has too %s columns",
                            row->n_args > cols.len ? "few" : "many");
            LIST_EACH(i, row->n_args) {
                expr l, r = cols.items[i].e, res;
                r.param = 0;
                if (!analyze_expr(c, s, row->args[i], &l) || !make_op(c, schema, opname, &l, &r,
                                                            sl->location, &res))
                    return false;
            }
        } else {
            if (cols.len != 1)
                return fail(c, sl->location, "subquery has too many columns");
            expr l, r = cols.items[0].e, res;
            r.param = 0;
            if (!analyze_expr(c, s, sl->testexpr, &l))
                return false;
            hint_pair(c, &l, &r);
            if (!make_op(c, schema, opname, &l, &r, sl->location, &res))
                return false;
        }
        out->type = OID_BOOL;
        return true;
    }
    default:
        return fail(c, sl->location, "pgc cannot type this kind of subquery");
    }
}

/* x[i], x[i:j], (x).field */
bool indirection(actx *c, scope *s, const PgQuery__AIndirection *ind, expr *out)
{
    if (!analyze_expr(c, s, ind->arg, out))
        return false;
    LIST_EACH(i, ind->n_indirection) {
        const PgQuery__Node *n = ind->indirection[i];
        if (n->node_case == PG_QUERY__NODE__NODE_A_INDICES) {
            const PgQuery__AIndices *ai = n->a_indices;
            uint32_t container = out->type;
            uint32_t elem = pgc_cat_elem_type(c->cat, container);
            uint32_t base = pgc_cat_base_type(c->cat, container);
            uint32_t subtype = OID_INT4;
            uint32_t result;
            if (elem) {
                result = ai->is_slice ? base : elem;
            } else if (base == OID_JSONB) {
                result = OID_JSONB;
                subtype = 0;
            } else {
                return fail(c, out->location,
                            "cannot subscript type %s because it does not support subscripting",
                            tname(c, container));
            }
            PgQuery__Node *idx[2] = {ai->lidx, ai->uidx};
            LIST_EACH(k, 2) {
                if (!idx[k])
                    continue;
                expr ie;
                if (!analyze_expr(c, s, idx[k], &ie))
                    return false;
                if (subtype) {
                    if (!coerce(c, &ie, subtype, -1, CC_ASSIGNMENT, NULL))
                        return false;
                } else if (ie.type == OID_UNKNOWN
                           && !coerce(c, &ie, OID_TEXT, -1, CC_IMPLICIT, NULL)) {
                    return false;
                }
            }
            int32_t typmod = out->typmod;
            *out = null_expr;
            out->type = result;
            out->typmod = elem ? typmod : -1;
            out->location = node_location(ind->arg);
        } else if (n->node_case == PG_QUERY__NODE__NODE_STRING && out->row
                   && out->type == out->row->rowtype) {
            /* (t).col of a whole-row reference is the column itself, NOT
             * NULL only while the whole-row value is still proven present:
             * copied through a subquery, a CTE, an outer join's nullable
             * side or grouping sets, the row may be NULL (its field too)
             * although the entry's column is not. */
            const rte *r = out->row;
            bool present = out->notnull;
            bool found = false;
            LIST_EACH(k, r->cols.len)
                if (!found && strcmp(r->cols.items[k].name, n->string->sval) == 0) {
                    *out = col_expr(r, &r->cols.items[k]);
                    out->notnull = out->notnull && present;
                    found = true;
                }
            if (!found)
                return fail(c, node_location(ind->arg), "column \"%s\" not found in data type %s",
                            n->string->sval, tname(c, out->type));
        } else if (n->node_case == PG_QUERY__NODE__NODE_STRING) {
            const char *field = n->string->sval;
            const pgc_rel *tr = pgc_cat_type_rel(c->cat, out->type);
            const pgc_col *col = NULL;
            if (tr)
                LIST_EACH(k, tr->cols.len)
                    if (strcmp(tr->cols.items[k].name, field) == 0)
                        col = &tr->cols.items[k];
            if (!col)
                return fail(c, out->location, "column \"%s\" not found in data type %s", field,
                            tname(c, out->type));
            *out = null_expr;
            out->type = col->type;
            out->typmod = col->typmod;
            out->location = node_location(ind->arg);
        } else {
            return fail(c, node_location(ind->arg), "row expansion via \"*\" is not supported here");
        }
    }
    return true;
}

bool analyze_expr(actx *c, scope *s, PgQuery__Node *n, expr *out)
{
    switch ((int)n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return a_const(c, n->a_const, out);
    case PG_QUERY__NODE__NODE_PARAM_REF:
        return param_ref(c, n->param_ref, out);
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        return column_ref(c, s, n->column_ref, out);
    case PG_QUERY__NODE__NODE_A_EXPR:
        return a_expr(c, s, n->a_expr, out);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        const PgQuery__BoolExpr *be = n->bool_expr;
        bool notnull = true;
        const char *what = be->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? "AND"
                           : be->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? "OR"
                                                                              : "NOT";
        LIST_EACH(i, be->n_args) {
            expr e;
            if (!analyze_expr(c, s, be->args[i], &e) || !coerce_bool(c, &e, what))
                return false;
            notnull = notnull && e.notnull;
        }
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = notnull;
        out->location = be->location;
        return true;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return func_call(c, s, n->func_call, out, NULL);
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        return type_cast(c, s, n->type_cast, out);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
        if (!analyze_expr(c, s, n->collate_clause->arg, out))
            return false;
        if (out->type == OID_UNKNOWN && !coerce(c, out, OID_TEXT, -1, CC_IMPLICIT, NULL))
            return false;
        out->table = out->column = NULL;
        return true;
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        return case_expr(c, s, n->case_expr, out);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        if (!coalesce_like(c, s, n->coalesce_expr->args, n->coalesce_expr->n_args, "COALESCE",
                           n->coalesce_expr->location, out))
            return false;
        return true;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        return coalesce_like(c, s, n->min_max_expr->args, n->min_max_expr->n_args,
                             n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST
                                 ? "GREATEST"
                                 : "LEAST",
                             n->min_max_expr->location, out);
    case PG_QUERY__NODE__NODE_NULL_TEST: {
        expr e;
        if (!analyze_expr(c, s, n->null_test->arg, &e))
            return false;
        nullable_param(c, &e);
        /* $1::type IS NULL: the parameter may be NULL too */
        const PgQuery__Node *arg = n->null_test->arg;
        while (arg->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
            arg = arg->type_cast->arg;
        if (arg->node_case == PG_QUERY__NODE__NODE_PARAM_REF)
            get_param(c, arg->param_ref->number)->nullable = true;
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = true;
        out->location = n->null_test->location;
        return true;
    }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
        expr e;
        if (!analyze_expr(c, s, n->boolean_test->arg, &e) || !coerce_bool(c, &e, "IS TRUE"))
            return false;
        nullable_param(c, &e);
        *out = null_expr;
        out->type = OID_BOOL;
        out->typmod = -1;
        out->notnull = true;
        out->location = n->boolean_test->location;
        return true;
    }
    case PG_QUERY__NODE__NODE_SUB_LINK:
        return sub_link(c, s, n->sub_link, out);
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        return array_expr(c, s, n->a_array_expr, out);
    case PG_QUERY__NODE__NODE_ROW_EXPR: {
        const PgQuery__RowExpr *re = n->row_expr;
        LIST_EACH(i, re->n_args) {
            expr e;
            if (!analyze_expr(c, s, re->args[i], &e))
                return false;
            if (e.type == OID_UNKNOWN && !coerce(c, &e, OID_TEXT, -1, CC_IMPLICIT, NULL))
                return false;
        }
        *out = null_expr;
        out->type = OID_RECORD;
        out->typmod = -1;
        out->notnull = true;
        out->location = re->location;
        return true;
    }
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return sql_value_function(n->sqlvalue_function, out);
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        return indirection(c, s, n->a_indirection, out);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC:
        *out = null_expr;
        out->type = OID_INT4;
        out->typmod = -1;
        out->notnull = true;
        out->location = n->grouping_func->location;
        return true;
    case PG_QUERY__NODE__NODE_SET_TO_DEFAULT:
        return fail(c, -1, "DEFAULT is not allowed in this context");
    default:
        return fail(c, node_location(n), "pgc cannot type this expression (%s)", node_name(n));
    }
}

