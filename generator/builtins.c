/*
 * builtins.c - lookups over the built-in rows of builtins_data.c: binary
 * searches over the orders tools/gen-builtins sorted them in (builtins.h).
 */
#include <string.h>

#include "builtins.h"

/* The name at position i of some array sorted by that name. */
typedef const char *name_at_fn(size_t i);

/* The first position in [0, n) whose name is not below key (n if none). */
static size_t lower_bound(size_t n, name_at_fn *name_at, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(name_at(mid), key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first position in [0, n) whose name is above key (n if none). */
static size_t upper_bound(size_t n, name_at_fn *name_at, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(name_at(mid), key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const char *type_name_at(size_t i)
{
    return pgc_bi_types[pgc_bi_types_by_name[i]].name;
}

static const char *type_typname_at(size_t i)
{
    return pgc_bi_types[pgc_bi_types_by_typname[i]].typname;
}

static const char *func_name_at(size_t i)
{
    return pgc_bi_funcs[i].name;
}

static const char *oper_name_at(size_t i)
{
    return pgc_bi_opers[i].name;
}

const pgc_bi_type *pgc_bi_type_by_oid(pgc_bi_oid oid)
{
    size_t lo = 0, hi = pgc_bi_ntypes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pgc_bi_types[mid].oid < oid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pgc_bi_ntypes && pgc_bi_types[lo].oid == oid ? &pgc_bi_types[lo] : NULL;
}

const pgc_bi_type *pgc_bi_type_by_typname(const char *typname)
{
    size_t i = lower_bound(pgc_bi_ntypes, type_typname_at, typname);
    if (i == pgc_bi_ntypes || strcmp(type_typname_at(i), typname) != 0)
        return NULL;
    return &pgc_bi_types[pgc_bi_types_by_typname[i]];
}

const pgc_bi_type *pgc_bi_type_by_name(const char *name)
{
    size_t i = lower_bound(pgc_bi_ntypes, type_name_at, name);
    if (i == pgc_bi_ntypes || strcmp(type_name_at(i), name) != 0)
        return NULL;
    return &pgc_bi_types[pgc_bi_types_by_name[i]];
}

const pgc_bi_func *pgc_bi_funcs_named(const char *name, size_t *n)
{
    size_t first = lower_bound(pgc_bi_nfuncs, func_name_at, name);
    size_t end = upper_bound(pgc_bi_nfuncs, func_name_at, name);
    *n = end - first;
    return *n ? &pgc_bi_funcs[first] : NULL;
}

const pgc_bi_func *pgc_bi_func_by_oid(pgc_bi_oid oid)
{
    size_t lo = 0, hi = pgc_bi_nfuncs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pgc_bi_funcs[pgc_bi_funcs_by_oid[mid]].oid < oid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == pgc_bi_nfuncs || pgc_bi_funcs[pgc_bi_funcs_by_oid[lo]].oid != oid)
        return NULL;
    return &pgc_bi_funcs[pgc_bi_funcs_by_oid[lo]];
}

const pgc_bi_oper *pgc_bi_opers_named(const char *name, size_t *n)
{
    size_t first = lower_bound(pgc_bi_nopers, oper_name_at, name);
    size_t end = upper_bound(pgc_bi_nopers, oper_name_at, name);
    *n = end - first;
    return *n ? &pgc_bi_opers[first] : NULL;
}

const pgc_bi_cast *pgc_bi_cast_find(pgc_bi_oid source, pgc_bi_oid target)
{
    size_t lo = 0, hi = pgc_bi_ncasts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const pgc_bi_cast *c = &pgc_bi_casts[mid];
        if (c->source < source || (c->source == source && c->target < target))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == pgc_bi_ncasts || pgc_bi_casts[lo].source != source
        || pgc_bi_casts[lo].target != target)
        return NULL;
    return &pgc_bi_casts[lo];
}
