/*
 * coerce.c - coercion, as PostgreSQL's parse_coerce.c: type categories,
 * coercion paths (pg_cast, arrays, I/O), polymorphic consistency, the
 * common type of UNION/CASE/COALESCE/ARRAY/VALUES, and coercing an
 * expression (an unknown parameter takes the type it is coerced to).
 *
 * Takes: the catalog's types and casts (catalog.h).  Gives: the
 * coercion half of typesys.h.
 */
#include "typesys.h"

/* ------------------------------------------------------------------------ */
/* Types: categories, coercion paths, polymorphism                           */
/* ------------------------------------------------------------------------ */

bool is_polymorphic(uint32_t t)
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

char category(actx *c, uint32_t t)
{
    if (t == OID_UNKNOWN)
        return 'X';
    return pgc_cat_category(c->cat, t);
}

bool is_complex(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt && bt->type == 'c';
}

static bool is_enum(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt && bt->type == 'e';
}

uint32_t range_subtype(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt ? bt->range_subtype : 0;
}

uint32_t multirange_range(actx *c, uint32_t t)
{
    const pgc_bi_type *bt = pgc_cat_type(c->cat, pgc_cat_base_type(c->cat, t));
    return bt ? bt->range : 0;
}

/* find_coercion_pathway() */
path_kind coercion_path(actx *c, uint32_t target, uint32_t source, int cc)
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
bool can_coerce(actx *c, size_t n, const uint32_t *input, const uint32_t *target, int cc)
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

bool can_coerce1(actx *c, uint32_t in, uint32_t to, int cc)
{
    return can_coerce(c, 1, &in, &to, cc);
}

/* select_common_type() over type oids (unknowns included). */
uint32_t select_common_type_oids(actx *c, const uint32_t *types, size_t n, bool noerror,
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
bool coerce(actx *c, expr *e, uint32_t target, int32_t typmod, int cc, const char *what)
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

bool coerce_bool(actx *c, expr *e, const char *constr)
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
int32_t common_typmod(const expr *es, size_t n, uint32_t type)
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
bool common_type(actx *c, expr *es, size_t n, const char *context, uint32_t *type,
                 int32_t *typmod)
{
    uint32_t types[FUNC_MAX_ARGS * 4] = {0}; /* gcc -O1 cannot see n == 0 reads none */
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

