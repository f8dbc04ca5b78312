/*
 * typesys.h - PostgreSQL's type system over the analyzer's expressions:
 * coercion (coerce.c, as parse_coerce.c) and function and operator
 * resolution (resolve.c, as parse_func.c and parse_oper.c).
 *
 * Takes: the catalog's types, casts, functions and operators
 * (catalog.h) and the analysis state (analyze_internal.h).
 * Gives: whether and how a type coerces to another, the common type of a
 * set of expressions, the polymorphic types of a call, the function or
 * operator a call means.  It calls no other part of the analyzer.
 */
#ifndef PGC_TYPESYS_H
#define PGC_TYPESYS_H

#include "analyze_internal.h"

/* ---- coerce.c: coercion (parse_coerce.c) ------------------------------------ */

/* How find_coercion_pathway() would coerce. */
typedef enum { PATH_NONE, PATH_FUNC, PATH_RELABEL, PATH_ARRAY, PATH_IO } path_kind;

bool is_polymorphic(uint32_t t);
char category(actx *c, uint32_t t);
bool is_complex(actx *c, uint32_t t);
uint32_t range_subtype(actx *c, uint32_t t);
uint32_t multirange_range(actx *c, uint32_t t);
path_kind coercion_path(actx *c, uint32_t target, uint32_t source, int cc);
bool can_coerce(actx *c, size_t n, const uint32_t *input, const uint32_t *target, int cc);
bool can_coerce1(actx *c, uint32_t in, uint32_t to, int cc);
uint32_t select_common_type_oids(actx *c, const uint32_t *types, size_t n, bool noerror,
                                 int32_t location, const char *context);
bool coerce(actx *c, expr *e, uint32_t target, int32_t typmod, int cc, const char *what);
bool coerce_bool(actx *c, expr *e, const char *constr);
int32_t common_typmod(const expr *es, size_t n, uint32_t type);
bool common_type(actx *c, expr *es, size_t n, const char *context, uint32_t *type,
                 int32_t *typmod);

/* ---- resolve.c: function and operator resolution (parse_func.c, parse_oper.c) */

/* A candidate function or operator with its declared types in call order. */
typedef struct cand {
    const pgc_bi_func *f;
    const pgc_bi_oper *o;
    uint32_t *args;       /* declared types in call order */
    bool variadic_expanded;
} cand;
typedef PGC_VEC(cand) cands;

const cand *best_candidate(actx *c, size_t nargs, const uint32_t *input, cands *cs,
                           bool *ambiguous);
bool enforce_generic(actx *c, const uint32_t *actual, uint32_t *declared, size_t n,
                     uint32_t *rettype, int32_t location);
const char *signature(actx *c, const char *name, const uint32_t *types, size_t n);
bool make_op(actx *c, const char *schema, const char *opname, expr *l, expr *r,
             int32_t location, expr *out);
bool candidate_args(actx *c, const pgc_bi_func *f, size_t nargs, const char *const *names,
                    bool call_variadic, uint32_t *args, bool *expanded);

#endif /* PGC_TYPESYS_H */
