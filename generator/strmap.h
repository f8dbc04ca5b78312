/*
 * strmap.h - a hash map from strings to pointers, in an arena.
 *
 * For the generator's name lookups (unique C names, duplicate query names),
 * which a linear search made quadratic in the size of a project.  Keys are
 * not copied: they must live as long as the map (arena strings do).  There
 * is no removal; the map grows by doubling, its old slots left to the
 * arena.
 *
 *     pgc_strmap m = {0};
 *     pgc_strmap_put(arena, &m, name, value);
 *     void *v = pgc_strmap_get(&m, name);   // NULL if absent
 *
 * Takes: string keys that live in an arena.  Gives: their values by hash
 * (strmap.c).
 */
#ifndef PGC_STRMAP_H
#define PGC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "gen.h"

typedef struct pgc_strmap_slot {
    const char *key; /* NULL: empty */
    const void *value;
} pgc_strmap_slot;

typedef struct pgc_strmap {
    pgc_strmap_slot *slots;
    size_t cap; /* 0 or a power of two */
    size_t len;
} pgc_strmap;

/* The value of key, or NULL if key is not in the map. */
const void *pgc_strmap_get(const pgc_strmap *m, const char *key);

/* Whether key is in the map. */
bool pgc_strmap_has(const pgc_strmap *m, const char *key);

/* Sets key's value (value must not be NULL), adding key if it is new. */
void pgc_strmap_put(pgc_arena *a, pgc_strmap *m, const char *key, const void *value);

#endif
