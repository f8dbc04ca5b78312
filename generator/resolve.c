/*
 * resolve.c - function and operator resolution, as PostgreSQL's
 * parse_func.c (func_get_detail, func_select_candidate) and parse_oper.c
 * (oper_select_candidate, make_op): exact matches, implicit-cast
 * candidates, preferred types and categories, unknown inputs, then the
 * polymorphic declared and result types (enforce_generic_type_consistency).
 *
 * Takes: the catalog's functions and operators (catalog.h) and
 * coercion (coerce.c).  Gives: the resolution half of typesys.h.
 */
#include <stdint.h>
#include <string.h>

#include "typesys.h"

/* ------------------------------------------------------------------------ */
/* Function and operator resolution                                          */
/* ------------------------------------------------------------------------ */

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
const cand *best_candidate(actx *c, size_t nargs, const uint32_t *input, cands *cs,
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
bool enforce_generic(actx *c, const uint32_t *actual, uint32_t *declared, size_t n,
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
const char *signature(actx *c, const char *name, const uint32_t *types, size_t n)
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
bool make_op(actx *c, const char *schema, const char *opname, expr *l, expr *r,
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


/* The declared types of f for a call with nargs arguments (named ones
 * matched to f's argument names), or false when f cannot take them. */
bool candidate_args(actx *c, const pgc_bi_func *f, size_t nargs, const char *const *names,
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

