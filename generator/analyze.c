/*
 * analyze.c - types each query against the catalog (semantic.h): its
 * parameters, and its result columns with names, types, typmods and a
 * sound nullability.
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
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

#define LIST_EACH(i, n) for (size_t i = 0; i < (n); i++)
#define FUNC_MAX_ARGS 100

/* libpg_query's enums are switched on as int: -Wswitch-enum would want
 * every one of their values named. */

/* ------------------------------------------------------------------------ */
/* The analysis state                                                        */
/* ------------------------------------------------------------------------ */

/* A transformed expression: what the analyzer knows of it. */
typedef struct expr {
    uint32_t type;        /* OID_UNKNOWN for an untyped literal or parameter */
    int32_t typmod;
    bool notnull;         /* proven never NULL */
    int param;            /* > 0: a bare parameter $param */
    bool is_const;        /* a literal (A_Const), NULL included */
    const char *table;    /* origin when a plain column reference */
    const char *column;
    const char *colname;  /* the column it names (for parameter names) */
    const struct rte *row;  /* a whole-row reference to this entry */
    int32_t location;
} expr;

typedef struct param {
    uint32_t type;        /* 0 until seen; OID_UNKNOWN until coerced */
    const char *hint;     /* a derived name */
    bool nullable;
    int32_t location;
} param;

/* A column of a range table entry or of a query's result. */
typedef struct rcol {
    const char *name;
    expr e;
    const char *embed;
    uint32_t embed_type;  /* the embedded relation's row type, or RECORD */
} rcol;
typedef PGC_VEC(rcol) rcols;

/* A FROM item: a relation, subquery, function, CTE reference or VALUES. */
typedef struct rte {
    const char *alias;    /* the name that qualifies its columns */
    const char *schema;   /* for schema.table.column, when a catalog relation */
    rcols cols;
    uint32_t rowtype;     /* whole-row type: the relation's, or RECORD */
    bool nullable;        /* on the nullable side of an outer join */
    bool hidden;          /* hidden by an enclosing join's alias */
    bool open;            /* its columns follow a catalog relation's or type's, which a
                             later migration may extend (not a subquery's, CTE's, ...) */
} rte;

/* A FROM tree node: a range table entry, or a join of two. */
typedef struct fitem {
    rte *r;               /* leaf */
    struct fitem *left, *right;
    rte *merged;          /* join: USING / NATURAL columns (never hidden, no alias) */
    rte *alias;           /* join: AS alias, with the join's columns */
} fitem;

typedef struct cte {
    const char *name;
    rcols cols;
    bool pending;         /* a recursive CTE's own reference, before it is typed */
} cte;

typedef struct scope {
    struct scope *parent;
    PGC_VEC(fitem *) from;    /* top-level FROM items, in order */
    PGC_VEC(rte *) rtes;      /* every entry, for qualified names */
    PGC_VEC(cte *) ctes;
    const rcols *outputs;     /* the target list (ORDER BY / GROUP BY names) */
    bool grouped;             /* GROUP BY without grouping sets: every group has a row */
    bool has_aggs;            /* an aggregate of this level was seen */
    bool has_srf;             /* a set-returning function was called here */
} scope;

typedef struct actx {
    pgc_catalog *cat;
    pgc_arena *a;
    pgc_diags *d;
    const pgc_stmt_text *t;
    PGC_VEC(param) params;    /* items[0] unused */
    bool allow_params;
    const pgc_query_src *q;
    size_t embeds_used;
    pgc_rel_list *deps;       /* relations read, when asked (views) */
    PGC_VEC(const scope *) refs; /* the scope each column reference resolved in */
    bool one_row;             /* the SELECT just analyzed returns exactly one row */
    bool calling;             /* resolving CALL's procedure: only procedures match */
    PGC_VEC(pgc_sql_edit) edits;  /* stars spelled out (any order, maybe repeated) */
    PGC_VEC(pgc_param_use) uses;  /* parameters met (likewise) */
} actx;

/* Coercion contexts (primnodes.h CoercionContext). */
enum { CC_IMPLICIT, CC_ASSIGNMENT, CC_EXPLICIT };

static const expr null_expr = {0};

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                               */
/* ------------------------------------------------------------------------ */

PGC_PRINTF(3, 4)
static bool fail(actx *c, int32_t location, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pgc_diag_verror(c->d, c->t->file, pgc_parse_source_offset(c->t, location), fmt, ap);
    va_end(ap);
    return false;
}

static const char *node_name(const PgQuery__Node *n)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (unsigned)n->node_case);
    return f ? f->name : "?";
}

static const char *tname(actx *c, uint32_t oid)
{
    return pgc_catalog_type_name(c->cat, oid, -1);
}

static const char *str_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* "schema.name" of a List of String nodes, for messages. */
static const char *names_str(actx *c, PgQuery__Node **names, size_t n)
{
    const char *s = "";
    LIST_EACH(i, n)
        s = pgc_arena_printf(c->a, "%s%s%s", s, i ? "." : "", str_of(names[i]) ? str_of(names[i]) : "*");
    return s;
}

/* The location of an expression node, or -1. */
static int32_t node_location(const PgQuery__Node *n)
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

static param *get_param(actx *c, int n)
{
    while (c->params.len <= (size_t)n) {
        param p = {0};
        p.location = -1;
        PGC_PUSH(c->a, c->params, p);
    }
    return &c->params.items[n];
}

/* A derived name for $n, unless it has one already. */
static void hint_param(actx *c, const expr *e, const char *name)
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

static void nullable_param(actx *c, const expr *e)
{
    if (e->param > 0)
        get_param(c, e->param)->nullable = true;
}

/* ------------------------------------------------------------------------ */
/* Types: categories, coercion paths, polymorphism                           */
/* ------------------------------------------------------------------------ */

static bool is_polymorphic(uint32_t t)
{
    switch (t) {
    case OID_ANYELEMENT: case OID_ANYARRAY: case OID_ANYNONARRAY: case OID_ANYENUM:
    case OID_ANYRANGE: case OID_ANYMULTIRANGE: case OID_ANYCOMPATIBLE:
    case OID_ANYCOMPATIBLEARRAY: case OID_ANYCOMPATIBLENONARRAY: case OID_ANYCOMPATIBLERANGE:
    case OID_ANYCOMPATIBLEMULTIRANGE:
        return true;
    default:
        return false;
    }
}

static char category(actx *c, uint32_t t)
{
    if (t == OID_UNKNOWN)
        return 'X';
    return pgc_cat_category(c->cat, t);
}

static bool is_complex(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt && bt->type == 'c';
}

static bool is_enum(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt && bt->type == 'e';
}

static uint32_t range_subtype(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt ? bt->range_subtype : 0;
}

static uint32_t multirange_range(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt ? bt->range : 0;
}

typedef enum { PATH_NONE, PATH_FUNC, PATH_RELABEL, PATH_ARRAY, PATH_IO } path_kind;

/* find_coercion_pathway() */
static path_kind coercion_path(actx *c, uint32_t target, uint32_t source, int cc)
{
    if (source == target)
        return PATH_RELABEL;
    source = pgc_cat_base_type(c->cat, source);
    target = pgc_cat_base_type(c->cat, target);
    if (source == target)
        return PATH_RELABEL;
    const pgc_bi_cast *k = pgc_cat_cast(c->cat, source, target);
    if (k) {
        int ctx = k->context == 'i' ? CC_IMPLICIT : k->context == 'a' ? CC_ASSIGNMENT
                                                                       : CC_EXPLICIT;
        if (cc < ctx)
            return PATH_NONE;
        return k->method == 'b' ? PATH_RELABEL : k->method == 'i' ? PATH_IO : PATH_FUNC;
    }
    if (target != OID_OIDVECTOR && target != OID_INT2VECTOR) {
        uint32_t te = pgc_cat_elem_type(c->cat, target), se = pgc_cat_elem_type(c->cat, source);
        if (te && se && coercion_path(c, te, se, cc) != PATH_NONE)
            return PATH_ARRAY;
    }
    if (cc >= CC_ASSIGNMENT && category(c, target) == 'S')
        return PATH_IO;
    if (cc >= CC_EXPLICIT && category(c, source) == 'S')
        return PATH_IO;
    return PATH_NONE;
}

static uint32_t select_common_type_oids(actx *c, const uint32_t *types, size_t n, bool noerror,
                                        int32_t location, const char *context);

/* check_generic_type_consistency() */
static bool generic_consistent(actx *c, const uint32_t *actual, const uint32_t *declared,
                               size_t n)
{
    uint32_t elem = 0, array = 0, range = 0, multirange = 0, crange = 0;
    bool nonarray = false, anyenum = false, cnonarray = false;
    uint32_t compat[FUNC_MAX_ARGS];
    size_t ncompat = 0;
    LIST_EACH(j, n) {
        uint32_t d = declared[j], a = actual[j];
        if (d == OID_ANYELEMENT || d == OID_ANYNONARRAY || d == OID_ANYENUM) {
            nonarray |= d == OID_ANYNONARRAY;
            anyenum |= d == OID_ANYENUM;
            if (a == OID_UNKNOWN)
                continue;
            if (elem && a != elem)
                return false;
            elem = a;
        } else if (d == OID_ANYARRAY) {
            if (a == OID_UNKNOWN)
                continue;
            a = pgc_cat_base_type(c->cat, a);
            if (array && a != array)
                return false;
            array = a;
        } else if (d == OID_ANYRANGE) {
            if (a == OID_UNKNOWN)
                continue;
            a = pgc_cat_base_type(c->cat, a);
            if (range && a != range)
                return false;
            range = a;
        } else if (d == OID_ANYMULTIRANGE) {
            if (a == OID_UNKNOWN)
                continue;
            a = pgc_cat_base_type(c->cat, a);
            if (multirange && a != multirange)
                return false;
            multirange = a;
        } else if (d == OID_ANYCOMPATIBLE || d == OID_ANYCOMPATIBLENONARRAY) {
            if (a == OID_UNKNOWN)
                continue;
            cnonarray |= d == OID_ANYCOMPATIBLENONARRAY;
            compat[ncompat++] = a;
        } else if (d == OID_ANYCOMPATIBLEARRAY) {
            if (a == OID_UNKNOWN)
                continue;
            uint32_t e = pgc_cat_elem_type(c->cat, a);
            if (!e)
                return false;
            compat[ncompat++] = e;
        } else if (d == OID_ANYCOMPATIBLERANGE) {
            if (a == OID_UNKNOWN)
                continue;
            a = pgc_cat_base_type(c->cat, a);
            if (crange && a != crange)
                return false;
            crange = a;
            uint32_t e = range_subtype(c, a);
            if (!e)
                return false;
            compat[ncompat++] = e;
        } else if (d == OID_ANYCOMPATIBLEMULTIRANGE) {
            if (a == OID_UNKNOWN)
                continue;
            uint32_t r = multirange_range(c, a);
            if (!r)
                return false;
            crange = crange ? crange : r;
            compat[ncompat++] = range_subtype(c, r);
        }
    }
    if (array) {
        uint32_t e = pgc_cat_elem_type(c->cat, array);
        if (!e)
            return false;
        if (!elem)
            elem = e;
        else if (e != elem)
            return false;
    }
    if (multirange) {
        uint32_t r = multirange_range(c, multirange);
        if (!r)
            return false;
        if (!range)
            range = r;
        else if (r != range)
            return false;
    }
    if (range) {
        uint32_t e = range_subtype(c, range);
        if (!e)
            return false;
        if (!elem)
            elem = e;
        else if (e != elem)
            return false;
    }
    if (nonarray && elem && pgc_cat_elem_type(c->cat, elem))
        return false;
    if (anyenum && elem && !is_enum(c, elem))
        return false;
    if (ncompat) {
        uint32_t common = select_common_type_oids(c, compat, ncompat, true, -1, NULL);
        if (!common)
            return false;
        if (cnonarray && pgc_cat_elem_type(c->cat, common))
            return false;
    }
    return true;
}

/* can_coerce_type() */
static bool can_coerce(actx *c, size_t n, const uint32_t *input, const uint32_t *target, int cc)
{
    bool generic = false;
    LIST_EACH(i, n) {
        uint32_t in = input[i], to = target[i];
        if (in == to || to == OID_ANY)
            continue;
        if (is_polymorphic(to)) {
            generic = true;
            continue;
        }
        if (in == OID_UNKNOWN)
            continue;
        if (coercion_path(c, to, in, cc) != PATH_NONE)
            continue;
        if (in == OID_RECORD && is_complex(c, to))
            continue;
        if (to == OID_RECORD && is_complex(c, in))
            continue;
        if (to == OID_RECORDARRAY && is_complex(c, pgc_cat_elem_type(c->cat, in)))
            continue;
        return false;
    }
    return !generic || generic_consistent(c, input, target, n);
}

static bool can_coerce1(actx *c, uint32_t in, uint32_t to, int cc)
{
    return can_coerce(c, 1, &in, &to, cc);
}

/* select_common_type() over type oids (unknowns included). */
static uint32_t select_common_type_oids(actx *c, const uint32_t *types, size_t n, bool noerror,
                                        int32_t location, const char *context)
{
    if (n == 0)
        return OID_TEXT;
    uint32_t ptype = types[0];
    size_t i = 1;
    if (ptype != OID_UNKNOWN) {
        while (i < n && types[i] == ptype)
            i++;
        if (i == n)
            return ptype;
    }
    ptype = pgc_cat_base_type(c->cat, ptype);
    char pcat = category(c, ptype);
    bool ppref = pgc_cat_preferred(c->cat, ptype);
    for (; i < n; i++) {
        uint32_t ntype = pgc_cat_base_type(c->cat, types[i]);
        if (ntype == OID_UNKNOWN || ntype == ptype)
            continue;
        char ncat = category(c, ntype);
        bool npref = pgc_cat_preferred(c->cat, ntype);
        if (ptype == OID_UNKNOWN) {
            ptype = ntype;
            pcat = ncat;
            ppref = npref;
        } else if (ncat != pcat) {
            if (noerror)
                return 0;
            fail(c, location, "%s types %s and %s cannot be matched", context, tname(c, ptype),
                 tname(c, ntype));
            return 0;
        } else if (!ppref && can_coerce1(c, ptype, ntype, CC_IMPLICIT)
                   && !can_coerce1(c, ntype, ptype, CC_IMPLICIT)) {
            ptype = ntype;
            pcat = ncat;
            ppref = npref;
        }
    }
    if (ptype == OID_UNKNOWN)
        ptype = OID_TEXT;
    return ptype;
}

/* ------------------------------------------------------------------------ */
/* Coercion of expressions                                                   */
/* ------------------------------------------------------------------------ */

/*
 * coerce_to_target_type(): e becomes of type target (typmod applied when
 * >= 0).  An unknown parameter takes the type; an unknown literal is read
 * as one.  `what` words the error ("argument of WHERE", a column name).
 */
static bool coerce(actx *c, expr *e, uint32_t target, int32_t typmod, int cc, const char *what)
{
    if (target == OID_ANY || is_polymorphic(target) || target == 0)
        return true;
    if (e->type == target) {
        /* coerce_type_typmod(): explicit and assignment casts expose the
         * target typmod, -1 included */
        if ((typmod >= 0 || cc != CC_IMPLICIT) && typmod != e->typmod) {
            e->typmod = typmod;
            e->table = e->column = NULL;
        }
        return true;
    }
    if (e->type == OID_UNKNOWN) {
        if (e->param > 0) {
            param *p = get_param(c, e->param);
            if (p->type != OID_UNKNOWN && p->type != target)
                return fail(c, e->location, "inconsistent types deduced for parameter $%d",
                            e->param);
            p->type = target;
        }
        e->type = target;
        e->typmod = typmod;
        return true;
    }
    bool ok = coercion_path(c, target, e->type, cc) != PATH_NONE
              || (e->type == OID_RECORD && is_complex(c, target))
              || (target == OID_RECORD && is_complex(c, e->type));
    if (!ok) {
        if (cc == CC_EXPLICIT)
            return fail(c, e->location, "cannot cast type %s to %s", tname(c, e->type),
                        tname(c, target));
        if (what)
            return fail(c, e->location, "%s is of type %s but expression is of type %s", what,
                        tname(c, target), tname(c, e->type));
        return fail(c, e->location, "cannot coerce type %s to %s", tname(c, e->type),
                    tname(c, target));
    }
    e->type = target;
    e->typmod = typmod;
    e->table = e->column = NULL;
    return true;
}

static bool coerce_bool(actx *c, expr *e, const char *constr)
{
    if (e->type != OID_BOOL && e->type != OID_UNKNOWN
        && pgc_cat_base_type(c->cat, e->type) != OID_BOOL
        && coercion_path(c, OID_BOOL, e->type, CC_ASSIGNMENT) == PATH_NONE)
        return fail(c, e->location, "argument of %s must be type boolean, not type %s", constr,
                    tname(c, e->type));
    return coerce(c, e, OID_BOOL, -1, CC_ASSIGNMENT, NULL);
}

/* The typmod exprTypmod() gives a CASE/COALESCE/ARRAY/UNION of these
 * (after coercion to type): theirs when all have type and one typmod. */
static int32_t common_typmod(const expr *es, size_t n, uint32_t type)
{
    if (n == 0)
        return -1;
    int32_t typmod = es[0].typmod;
    LIST_EACH(i, n)
        if (es[i].type != type || es[i].typmod != typmod)
            return -1;
    return typmod;
}

/* select_common_type() on expressions, then coercion of each. */
static bool common_type(actx *c, expr *es, size_t n, const char *context, uint32_t *type,
                        int32_t *typmod)
{
    uint32_t types[FUNC_MAX_ARGS * 4];
    uint32_t *tp = n <= sizeof types / sizeof *types ? types
                                                      : pgc_arena_alloc(c->a, n * sizeof *tp);
    LIST_EACH(i, n)
        tp[i] = es[i].type;
    int32_t loc = n ? es[0].location : -1;
    LIST_EACH(i, n)
        if (es[i].type != OID_UNKNOWN && es[i].type != es[0].type)
            loc = es[i].location;
    uint32_t t = select_common_type_oids(c, tp, n, false, loc, context);
    if (!t)
        return false;
    /* exprTypmod() looks at the inputs as coerced: unknowns lose nothing
     * but never match, coercions from other types give -1 */
    int32_t m = -1;
    bool first = true, same = true;
    LIST_EACH(i, n) {
        if (es[i].type != t) {
            same = false;
            break;
        }
        if (first)
            m = es[i].typmod;
        else if (m != es[i].typmod)
            same = false;
        first = false;
    }
    LIST_EACH(i, n) {
        if (!can_coerce1(c, es[i].type, t, CC_IMPLICIT))
            return fail(c, es[i].location, "%s could not convert type %s to %s", context,
                        tname(c, es[i].type), tname(c, t));
        if (!coerce(c, &es[i], t, -1, CC_IMPLICIT, NULL))
            return false;
        if (es[i].type == t && es[i].typmod < 0)
            es[i].typmod = -1;
    }
    *type = t;
    *typmod = same && n ? m : -1;
    return true;
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

static const char *colname_of(const PgQuery__Node *n)
{
    const char *name = NULL;
    figure_colname(n, &name);
    return name ? name : "?column?";
}

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

static expr col_expr(const rte *r, const rcol *col)
{
    expr e = col->e;
    e.notnull = e.notnull && !r->nullable;
    e.param = 0;
    e.is_const = false;
    e.colname = col->name;
    return e;
}

/* Looks up an unqualified column in a FROM item; counts matches. */
static void find_in_item(const fitem *f, const char *name, expr *out, int *matches)
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

static rte *find_rte(scope *s, const char *schema, const char *alias, int *matches)
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

static bool column_ref(actx *c, scope *s, const PgQuery__ColumnRef *cr, expr *out)
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
/* Function and operator resolution                                          */
/* ------------------------------------------------------------------------ */

typedef struct cand {
    const pgc_bi_func *f;
    const pgc_bi_oper *o;
    uint32_t *args;       /* declared types in call order */
    bool variadic_expanded;
} cand;
typedef PGC_VEC(cand) cands;

/* func_select_candidate() */
static const cand *select_candidate(actx *c, size_t nargs, const uint32_t *input, cand *cs,
                                    size_t n)
{
    uint32_t base[FUNC_MAX_ARGS];
    char slot_cat[FUNC_MAX_ARGS];
    bool slot_pref[FUNC_MAX_ARGS];
    size_t nunknowns = 0;
    LIST_EACH(i, nargs) {
        if (input[i] != OID_UNKNOWN) {
            base[i] = pgc_cat_base_type(c->cat, input[i]);
        } else {
            base[i] = OID_UNKNOWN;
            nunknowns++;
        }
    }
    /* most exact matches */
    size_t best = 0, keep = 0;
    LIST_EACH(k, n) {
        size_t m = 0;
        LIST_EACH(i, nargs)
            if (base[i] != OID_UNKNOWN && cs[k].args[i] == base[i])
                m++;
        if (m > best || k == 0) {
            best = m;
            keep = 0;
        }
        if (m == best)
            cs[keep++] = cs[k];
    }
    n = keep;
    if (n == 1)
        return &cs[0];
    /* exact or preferred types, within the input's category */
    LIST_EACH(i, nargs)
        slot_cat[i] = category(c, base[i]);
    best = 0;
    keep = 0;
    LIST_EACH(k, n) {
        size_t m = 0;
        LIST_EACH(i, nargs)
            if (base[i] != OID_UNKNOWN
                && (cs[k].args[i] == base[i]
                    || (pgc_cat_preferred(c->cat, cs[k].args[i])
                        && category(c, cs[k].args[i]) == slot_cat[i])))
                m++;
        if (m > best || k == 0) {
            best = m;
            keep = 0;
        }
        if (m == best)
            cs[keep++] = cs[k];
    }
    n = keep;
    if (n == 1)
        return &cs[0];
    if (nunknowns == 0)
        return NULL;
    /* categories for unknown inputs */
    bool resolved = false;
    LIST_EACH(i, nargs) {
        if (base[i] != OID_UNKNOWN)
            continue;
        resolved = true;
        slot_cat[i] = 0;
        slot_pref[i] = false;
        bool conflict = false;
        LIST_EACH(k, n) {
            uint32_t t = cs[k].args[i];
            char tc = category(c, t);
            bool tp = pgc_cat_preferred(c->cat, t);
            if (!slot_cat[i]) {
                slot_cat[i] = tc;
                slot_pref[i] = tp;
            } else if (tc == slot_cat[i]) {
                slot_pref[i] |= tp;
            } else if (tc == 'S') {
                slot_cat[i] = 'S';
                slot_pref[i] = tp;
            } else {
                conflict = true;
            }
        }
        if (conflict && slot_cat[i] != 'S') {
            resolved = false;
            break;
        }
    }
    if (resolved) {
        keep = 0;
        LIST_EACH(k, n) {
            bool ok = true;
            LIST_EACH(i, nargs) {
                if (base[i] != OID_UNKNOWN)
                    continue;
                uint32_t t = cs[k].args[i];
                if (category(c, t) != slot_cat[i]
                    || (slot_pref[i] && !pgc_cat_preferred(c->cat, t))) {
                    ok = false;
                    break;
                }
            }
            if (ok)
                cs[keep++] = cs[k];
        }
        if (keep) {
            n = keep;
            if (n == 1)
                return &cs[0];
        }
    }
    /* all known inputs of one type: assume the unknowns are too */
    if (nunknowns < nargs) {
        uint32_t known = OID_UNKNOWN;
        LIST_EACH(i, nargs) {
            if (base[i] == OID_UNKNOWN)
                continue;
            if (known == OID_UNKNOWN) {
                known = base[i];
            } else if (known != base[i]) {
                known = OID_UNKNOWN;
                break;
            }
        }
        if (known != OID_UNKNOWN) {
            uint32_t all[FUNC_MAX_ARGS];
            LIST_EACH(i, nargs)
                all[i] = known;
            const cand *last = NULL;
            size_t count = 0;
            LIST_EACH(k, n)
                if (can_coerce(c, nargs, all, cs[k].args, CC_IMPLICIT)) {
                    if (++count > 1)
                        break;
                    last = &cs[k];
                }
            if (count == 1)
                return last;
        }
    }
    return NULL;
}

/* func_match_argtypes() then func_select_candidate(); *ambiguous when
 * several remain. */
static const cand *best_candidate(actx *c, size_t nargs, const uint32_t *input, cands *cs,
                                  bool *ambiguous)
{
    *ambiguous = false;
    /* an exact match */
    LIST_EACH(k, cs->len) {
        bool same = true;
        LIST_EACH(i, nargs)
            if (cs->items[k].args[i] != input[i])
                same = false;
        if (same)
            return &cs->items[k];
    }
    size_t keep = 0;
    LIST_EACH(k, cs->len)
        if (can_coerce(c, nargs, input, cs->items[k].args, CC_IMPLICIT))
            cs->items[keep++] = cs->items[k];
    cs->len = keep;
    if (keep == 0)
        return NULL;
    if (keep == 1)
        return &cs->items[0];
    const cand *best = select_candidate(c, nargs, input, cs->items, keep);
    if (!best)
        *ambiguous = true;
    return best;
}

/*
 * enforce_generic_type_consistency(): resolves polymorphic declared
 * argument types (in place) and the result type.
 */
static bool enforce_generic(actx *c, const uint32_t *actual, uint32_t *declared, size_t n,
                            uint32_t *rettype, int32_t location)
{
    bool have_poly = is_polymorphic(*rettype);
    LIST_EACH(i, n)
        have_poly |= is_polymorphic(declared[i]);
    if (!have_poly)
        return true;
    uint32_t elem = 0, array = 0, range = 0, multirange = 0;
    uint32_t compat[FUNC_MAX_ARGS];
    size_t ncompat = 0;
    uint32_t crange = 0;
    bool have_elem_family = false, have_compat_family = false;
    LIST_EACH(j, n) {
        uint32_t d = declared[j], a = actual[j];
        if (d == OID_ANYELEMENT || d == OID_ANYNONARRAY || d == OID_ANYENUM) {
            have_elem_family = true;
            if (a == OID_UNKNOWN)
                continue;
            if (elem && a != elem)
                return fail(c, location, "arguments declared \"anyelement\" are not all alike");
            elem = a;
        } else if (d == OID_ANYARRAY) {
            have_elem_family = true;
            if (a == OID_UNKNOWN)
                continue;
            a = pgc_cat_base_type(c->cat, a);
            if (array && a != array)
                return fail(c, location, "arguments declared \"anyarray\" are not all alike");
            array = a;
        } else if (d == OID_ANYRANGE) {
            have_elem_family = true;
            if (a == OID_UNKNOWN)
                continue;
            range = pgc_cat_base_type(c->cat, a);
        } else if (d == OID_ANYMULTIRANGE) {
            have_elem_family = true;
            if (a == OID_UNKNOWN)
                continue;
            multirange = pgc_cat_base_type(c->cat, a);
        } else if (d == OID_ANYCOMPATIBLE || d == OID_ANYCOMPATIBLENONARRAY) {
            have_compat_family = true;
            if (a != OID_UNKNOWN)
                compat[ncompat++] = a;
        } else if (d == OID_ANYCOMPATIBLEARRAY) {
            have_compat_family = true;
            if (a != OID_UNKNOWN)
                compat[ncompat++] = pgc_cat_elem_type(c->cat, a);
        } else if (d == OID_ANYCOMPATIBLERANGE) {
            have_compat_family = true;
            if (a != OID_UNKNOWN) {
                crange = pgc_cat_base_type(c->cat, a);
                compat[ncompat++] = range_subtype(c, crange);
            }
        } else if (d == OID_ANYCOMPATIBLEMULTIRANGE) {
            have_compat_family = true;
            if (a != OID_UNKNOWN) {
                crange = multirange_range(c, a);
                compat[ncompat++] = range_subtype(c, crange);
            }
        }
    }
    if (array && !elem)
        elem = pgc_cat_elem_type(c->cat, array);
    if (multirange && !range)
        range = multirange_range(c, multirange);
    if (range && !elem)
        elem = range_subtype(c, range);
    if (have_elem_family && !elem) {
        /* every polymorphic input was unknown */
        return fail(c, location,
                    "could not determine polymorphic type because input has type unknown");
    }
    if (elem && !array)
        array = pgc_cat_array_type(c->cat, elem);
    uint32_t common = 0;
    if (have_compat_family) {
        if (ncompat == 0)
            return fail(c, location, "could not determine polymorphic type anycompatible "
                                     "because input has type unknown");
        if (crange) {
            common = range_subtype(c, crange);
        } else {
            common = select_common_type_oids(c, compat, ncompat, false, location,
                                             "anycompatible");
            if (!common)
                return false;
        }
    }
    LIST_EACH(j, n) {
        switch (declared[j]) {
        case OID_ANYELEMENT: case OID_ANYNONARRAY: case OID_ANYENUM:
            declared[j] = elem;
            break;
        case OID_ANYARRAY:
            declared[j] = actual[j] == OID_UNKNOWN ? array : actual[j];
            if (!declared[j])
                return fail(c, location, "could not find array type for data type %s",
                            tname(c, elem));
            break;
        case OID_ANYRANGE:
            declared[j] = range ? range : declared[j];
            break;
        case OID_ANYMULTIRANGE:
            declared[j] = multirange ? multirange : declared[j];
            break;
        case OID_ANYCOMPATIBLE: case OID_ANYCOMPATIBLENONARRAY:
            declared[j] = common;
            break;
        case OID_ANYCOMPATIBLEARRAY:
            declared[j] = pgc_cat_array_type(c->cat, common);
            break;
        case OID_ANYCOMPATIBLERANGE:
            declared[j] = crange;
            break;
        default:
            break;
        }
    }
    switch (*rettype) {
    case OID_ANYELEMENT: case OID_ANYNONARRAY: case OID_ANYENUM:
        *rettype = elem;
        break;
    case OID_ANYARRAY:
        *rettype = array;
        if (!array)
            return fail(c, location, "could not find array type for data type %s",
                        tname(c, elem));
        break;
    case OID_ANYRANGE:
        if (!range)
            return fail(c, location, "could not determine polymorphic type anyrange");
        *rettype = range;
        break;
    case OID_ANYMULTIRANGE: {
        const pgc_bi_type *rt = range ? pgc_cat_type(c->cat, range) : NULL;
        *rettype = multirange ? multirange : rt ? rt->multirange : 0;
        if (!*rettype)
            return fail(c, location, "could not determine polymorphic type anymultirange");
        break;
    }
    case OID_ANYCOMPATIBLE: case OID_ANYCOMPATIBLENONARRAY:
        *rettype = common;
        break;
    case OID_ANYCOMPATIBLEARRAY:
        *rettype = pgc_cat_array_type(c->cat, common);
        break;
    case OID_ANYCOMPATIBLERANGE:
        *rettype = crange;
        break;
    case OID_ANYCOMPATIBLEMULTIRANGE: {
        const pgc_bi_type *rt = crange ? pgc_cat_type(c->cat, crange) : NULL;
        *rettype = rt ? rt->multirange : 0;
        break;
    }
    default:
        break;
    }
    return true;
}

/* "f(integer, text)" for messages. */
static const char *signature(actx *c, const char *name, const uint32_t *types, size_t n)
{
    const char *s = pgc_arena_printf(c->a, "%s(", name);
    LIST_EACH(i, n)
        s = pgc_arena_printf(c->a, "%s%s%s", s, i ? ", " : "", tname(c, types[i]));
    return pgc_arena_printf(c->a, "%s)", s);
}

/* Operators whose result is NOT NULL when their inputs are: comparisons,
 * arithmetic, concatenation, pattern matching, containment (built-ins
 * only; their functions are strict and total). */
static bool total_operator(const char *name)
{
    static const char *const ops[] = {
        "=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "^", "||", "~~", "!~~",
        "~~*", "!~~*", "~", "!~", "~*", "!~*", "@>", "<@", "&&", "|/", "@", "&", "|", "<<",
        ">>", "?", "?|", "?&",
    };
    LIST_EACH(i, sizeof ops / sizeof *ops)
        if (strcmp(ops[i], name) == 0)
            return true;
    return false;
}

/*
 * make_op(): resolves `l op r` (l NULL for a prefix operator), coerces the
 * arguments and gives the result in *out.
 */
static bool make_op(actx *c, const char *schema, const char *opname, expr *l, expr *r,
                    int32_t location, expr *out)
{
    uint32_t input[2];
    size_t nargs = 0;
    if (l)
        input[nargs++] = l->type;
    input[nargs++] = r->type;
    pgc_oper_list ops = {0};
    pgc_cat_opers_named(c->cat, c->a, schema, opname, &ops);
    const pgc_bi_oper *chosen = NULL;
    /* binary_oper_exact(): unknown on one side takes the other's type */
    if (l) {
        uint32_t a1 = l->type, a2 = r->type;
        bool was_unknown = false;
        if (a1 == OID_UNKNOWN) {
            a1 = a2;
            was_unknown = true;
        } else if (a2 == OID_UNKNOWN) {
            a2 = a1;
            was_unknown = true;
        }
        LIST_EACH(i, ops.len)
            if (ops.items[i]->left == a1 && ops.items[i]->right == a2)
                chosen = ops.items[i];
        if (!chosen && was_unknown) {
            uint32_t b = pgc_cat_base_type(c->cat, a1);
            if (b != a1)
                LIST_EACH(i, ops.len)
                    if (ops.items[i]->left == b && ops.items[i]->right == b)
                        chosen = ops.items[i];
        }
    } else {
        LIST_EACH(i, ops.len)
            if (ops.items[i]->left == 0 && ops.items[i]->right == r->type)
                chosen = ops.items[i];
    }
    if (!chosen) {
        cands cs = {0};
        LIST_EACH(i, ops.len) {
            const pgc_bi_oper *o = ops.items[i];
            if ((l != NULL) != (o->left != 0))
                continue;
            cand k = {0};
            k.o = o;
            k.args = pgc_arena_alloc(c->a, 2 * sizeof *k.args);
            if (l) {
                k.args[0] = o->left;
                k.args[1] = o->right;
            } else {
                k.args[0] = o->right;
            }
            PGC_PUSH(c->a, cs, k);
        }
        bool ambiguous;
        const cand *best = best_candidate(c, nargs, input, &cs, &ambiguous);
        if (!best) {
            const char *lt = l ? tname(c, l->type) : NULL;
            if (ambiguous)
                return fail(c, location, "operator is not unique: %s%s%s %s", lt ? lt : "",
                            lt ? " " : "", opname, tname(c, r->type));
            return fail(c, location, "operator does not exist: %s%s%s %s", lt ? lt : "",
                        lt ? " " : "", opname, tname(c, r->type));
        }
        chosen = best->o;
    }
    uint32_t declared[2];
    size_t k = 0;
    if (l)
        declared[k++] = chosen->left;
    declared[k++] = chosen->right;
    uint32_t rettype = chosen->result;
    if (!enforce_generic(c, input, declared, nargs, &rettype, location))
        return false;
    if (l && !coerce(c, l, declared[0], -1, CC_IMPLICIT, NULL))
        return false;
    if (!coerce(c, r, declared[nargs - 1], -1, CC_IMPLICIT, NULL))
        return false;
    *out = null_expr;
    out->type = rettype;
    out->typmod = -1;
    out->location = location;
    bool builtin = chosen->oid < PGC_USER_OID_BASE;
    /* rows compare to NULL when a field is NULL, however NOT NULL the rows */
    bool rows = (l && (l->type == OID_RECORD || is_complex(c, l->type))) || r->type == OID_RECORD
                || is_complex(c, r->type);
    out->notnull = builtin && !rows && total_operator(opname) && (!l || l->notnull)
                   && r->notnull;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                               */
/* ------------------------------------------------------------------------ */

static bool tx(actx *c, scope *s, PgQuery__Node *n, expr *out);

/* WHERE cond: typed in s and coerced to boolean; no clause is fine. */
static bool where_clause(actx *c, scope *s, PgQuery__Node *cond)
{
    expr w;
    return !cond || (tx(c, s, cond, &w) && coerce_bool(c, &w, "WHERE"));
}
static bool analyze_stmt(actx *c, scope *parent, PgQuery__Node *stmt, bool resolve_unknowns,
                         rcols *out);

static bool a_const(actx *c, const PgQuery__AConst *k, expr *out)
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
        if (!tx(c, s, l->args[i], &a) || !tx(c, s, r->args[i], &b))
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
        if (ae->lexpr && !tx(c, s, ae->lexpr, &l))
            return false;
        if (!tx(c, s, ae->rexpr, &r))
            return false;
        if (ae->lexpr)
            hint_pair(c, &l, &r);
        return make_op(c, schema, opname, ae->lexpr ? &l : NULL, &r, ae->location, out);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
        expr l, r;
        if (!tx(c, s, ae->lexpr, &l) || !tx(c, s, ae->rexpr, &r))
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
            if (!tx(c, s, ae->lexpr, &l) || !tx(c, s, ae->rexpr, &r))
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
        if (!tx(c, s, ae->lexpr, &l) || !tx(c, s, ae->rexpr, &r))
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
        if (!tx(c, s, ae->lexpr, &es[0]))
            return false;
        LIST_EACH(i, list->n_items) {
            if (!tx(c, s, list->items[i], &es[i + 1]))
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
        if (!tx(c, s, ae->lexpr, &a) || !tx(c, s, list->items[0], &lo)
            || !tx(c, s, list->items[1], &hi))
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

/* The declared types of f for a call with nargs arguments (named ones
 * matched to f's argument names), or false when f cannot take them. */
static bool candidate_args(actx *c, const pgc_bi_func *f, size_t nargs, const char *const *names,
                           bool call_variadic, uint32_t *args, bool *expanded)
{
    (void)c;
    *expanded = false;
    size_t nnamed = 0;
    LIST_EACH(i, nargs)
        if (names[i])
            nnamed++;
    if (nnamed) {
        if (!f->argnames || nargs > f->nargs || nargs + f->ndefaults < f->nargs)
            return false;
        bool used[FUNC_MAX_ARGS] = {0};
        LIST_EACH(i, nargs) {
            size_t at = i;
            if (names[i]) {
                at = SIZE_MAX;
                LIST_EACH(k, f->nargs)
                    if (strcmp(f->argnames[k], names[i]) == 0)
                        at = k;
                if (at == SIZE_MAX)
                    return false;
            }
            if (used[at])
                return false;
            used[at] = true;
            args[i] = f->args[at];
        }
        /* the unused ones must have defaults */
        LIST_EACH(k, f->nargs)
            if (!used[k] && k < (size_t)(f->nargs - f->ndefaults))
                return false;
        return true;
    }
    if (f->variadic && !call_variadic && nargs >= f->nargs) {
        LIST_EACH(i, nargs)
            args[i] = i + 1 < f->nargs ? f->args[i] : f->variadic;
        *expanded = true;
        return true;
    }
    if (nargs == f->nargs || (nargs < f->nargs && nargs + f->ndefaults >= f->nargs)) {
        LIST_EACH(i, nargs)
            args[i] = f->args[i];
        return true;
    }
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

static bool func_call(actx *c, scope *s, const PgQuery__FuncCall *fc, expr *out,
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
            if (!tx(c, s, a->named_arg_expr->arg, &args[i]))
                return false;
            hint_param(c, &args[i], argnames[i]);
        } else if (!tx(c, s, a, &args[i])) {
            return false;
        }
    }
    if (fc->agg_within_group)
        LIST_EACH(i, fc->n_agg_order) {
            const PgQuery__SortBy *sb = fc->agg_order[i]->sort_by;
            if (!tx(c, s, sb->node, &args[fc->n_args + i]))
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
        if (!tx(c, s, fc->agg_filter, &fe) || !coerce_bool(c, &fe, "FILTER"))
            return false;
    }
    if (!fc->agg_within_group)
        LIST_EACH(i, fc->n_agg_order) {
            expr oe;
            if (!tx(c, s, fc->agg_order[i]->sort_by->node, &oe))
                return false;
        }
    if (fc->over) {
        const PgQuery__WindowDef *w = fc->over;
        LIST_EACH(i, w->n_partition_clause) {
            expr pe;
            if (!tx(c, s, w->partition_clause[i], &pe))
                return false;
        }
        LIST_EACH(i, w->n_order_clause) {
            expr oe;
            if (!tx(c, s, w->order_clause[i]->sort_by->node, &oe))
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
            if (!tx(c, s, ae->elements[i], &e))
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
    if (!tx(c, s, tc->arg, out))
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
        if (!tx(c, s, ce->arg, &arg))
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
        if (!tx(c, s, w->expr, &cond))
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
        if (!tx(c, s, w->result, &rs[i + 1]))
            return false;
    }
    if (ce->defresult) {
        if (!tx(c, s, ce->defresult, &rs[0]))
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
        if (!tx(c, s, args[i], &es[i]))
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
        if (!tx(c, s, ae->elements[i], &es[i]))
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

static bool sub_link(actx *c, scope *s, const PgQuery__SubLink *sl, expr *out)
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
                if (!tx(c, s, row->args[i], &l) || !make_op(c, schema, opname, &l, &r,
                                                            sl->location, &res))
                    return false;
            }
        } else {
            if (cols.len != 1)
                return fail(c, sl->location, "subquery has too many columns");
            expr l, r = cols.items[0].e, res;
            r.param = 0;
            if (!tx(c, s, sl->testexpr, &l))
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
static bool indirection(actx *c, scope *s, const PgQuery__AIndirection *ind, expr *out)
{
    if (!tx(c, s, ind->arg, out))
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
                if (!tx(c, s, idx[k], &ie))
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

static bool tx(actx *c, scope *s, PgQuery__Node *n, expr *out)
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
            if (!tx(c, s, be->args[i], &e) || !coerce_bool(c, &e, what))
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
        if (!tx(c, s, n->collate_clause->arg, out))
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
        if (!tx(c, s, n->null_test->arg, &e))
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
        if (!tx(c, s, n->boolean_test->arg, &e) || !coerce_bool(c, &e, "IS TRUE"))
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
            if (!tx(c, s, re->args[i], &e))
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

/* ------------------------------------------------------------------------ */
/* FROM                                                                      */
/* ------------------------------------------------------------------------ */

static void add_rte(actx *c, scope *s, rte *r)
{
    PGC_PUSH(c->a, s->rtes, r);
}

static fitem *leaf(actx *c, rte *r)
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
static void item_columns(actx *c, const fitem *f, rcols *out)
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
static bool range_var_in(actx *c, scope *s, const PgQuery__RangeVar *rv, bool ctes, rte **out)
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

static bool range_var(actx *c, scope *s, const PgQuery__RangeVar *rv, rte **out)
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
        } else if (!tx(c, s, call, &fe)) {
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
static rte *rte_from_cols(actx *c, const char *alias, const rcols *cols)
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

static bool join_expr(actx *c, scope *s, const PgQuery__JoinExpr *je, fitem **out)
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
        if (!tx(c, s, je->quals, &q) || !coerce_bool(c, &q, "JOIN/ON"))
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

static bool analyze_select(actx *c, scope *parent, const PgQuery__SelectStmt *st,
                           bool resolve_unknowns, rcols *out);

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
            if (!tx(c, s, ts->args[i], &e) || !coerce(c, &e, OID_FLOAT4, -1, CC_IMPLICIT, NULL))
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

static bool from_clause(actx *c, scope *s, PgQuery__Node **items, size_t n)
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
/* Target lists                                                              */
/* ------------------------------------------------------------------------ */

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
static bool expand_all(actx *c, scope *s, int32_t location)
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
static bool expand_rte(actx *c, scope *s, const rte *r, int32_t location)
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
static bool expand_fields(actx *c, const PgQuery__AIndirection *ind, const pgc_rel *tr,
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

static const char *take_embed(actx *c, const char *table)
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

/* SELECT list / RETURNING list: expressions, *, t.*, (x).* */
static bool target_list(actx *c, scope *s, PgQuery__Node **items, size_t n, rcols *out)
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
                if (!(inner.n_indirection ? tx(c, s, &wrap, &e) : tx(c, s, ind->arg, &e)))
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
        if (!tx(c, s, v, &col.e))
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
    return tx(c, s, n, &e);
}

static bool limit_clause(actx *c, scope *s, PgQuery__Node *n, const char *what)
{
    if (!n)
        return true;
    expr e;
    if (!tx(c, s, n, &e))
        return false;
    hint_param(c, &e, strcmp(what, "LIMIT") == 0 ? "limit" : "offset");
    return coerce(c, &e, OID_INT8, -1, CC_IMPLICIT, what);
}

static bool with_clause(actx *c, scope *s, const PgQuery__WithClause *w);

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
            if (!tx(c, s, row->items[k], &es[k * nrows + r]))
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
        if (!tx(c, s, st->having_clause, &h) || !coerce_bool(c, &h, "HAVING"))
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
            if (!tx(c, s, w->partition_clause[k], &e))
                return false;
        }
        LIST_EACH(k, w->n_order_clause) {
            expr e;
            if (!tx(c, s, w->order_clause[k]->sort_by->node, &e))
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
    else if (!tx(c, s, n, &e))
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
                        if (idx[j] && (!tx(c, s, idx[j], &ie)
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

static bool analyze_stmt(actx *c, scope *parent, PgQuery__Node *stmt, bool resolve, rcols *out)
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
    c.a = cat->a;
    c.d = d;
    c.t = t;
    c.allow_params = false;
    rcols cols = {0};
    if (!analyze_stmt(&c, NULL, query, true, &cols))
        return false;
    LIST_EACH(i, cols.len) {
        const rcol *rc = &cols.items[i];
        pgc_col col = {0};
        col.name = pgc_arena_strdup(cat->a, rc->name);
        col.type = rc->e.type;
        col.typmod = rc->e.typmod;
        col.not_null = rc->e.notnull;
        col.table = rc->e.table;
        col.column = rc->e.column;
        PGC_PUSH(cat->a, *out, col);
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
    return true;
}
