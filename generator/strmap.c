/*
 * strmap.c - a hash map from strings to pointers (strmap.h): open
 * addressing with linear probing, FNV-1a hashes, at most half full.
 *
 * Takes: string keys that live in an arena.  Gives: their values by hash.
 */
#include <stdint.h>
#include <string.h>

#include "strmap.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a, 64 bits */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static pgc_strmap_slot *find(const pgc_strmap *m, const char *key)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)hash(key) & mask;; i = (i + 1) & mask) {
        pgc_strmap_slot *s = &m->slots[i];
        if (!s->key || strcmp(s->key, key) == 0)
            return s;
    }
}

const void *pgc_strmap_get(const pgc_strmap *m, const char *key)
{
    if (m->len == 0)
        return NULL;
    return find(m, key)->value;
}

bool pgc_strmap_has(const pgc_strmap *m, const char *key)
{
    return pgc_strmap_get(m, key) != NULL;
}

static void grow(pgc_arena *a, pgc_strmap *m)
{
    pgc_strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = pgc_arena_alloc(a, m->cap * sizeof *m->slots); /* zeroed: all empty */
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *find(m, old.slots[i].key) = old.slots[i];
}

void pgc_strmap_put(pgc_arena *a, pgc_strmap *m, const char *key, const void *value)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(a, m);
    pgc_strmap_slot *s = find(m, key);
    if (!s->key) {
        s->key = key;
        m->len++;
    }
    s->value = value;
}
