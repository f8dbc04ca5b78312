/*
 * arena.c - memory by lifetime (gen.h).  An arena is a list of blocks;
 * allocation bumps a pointer in the newest block, and freeing the arena
 * frees every block at once.  Large requests get a block of their own.
 * A growing text (pgc_strbuf) past a quarter block lives alone in a block
 * that grows in place (realloc), so that a file's text of many megabytes
 * leaves no trail of smaller copies behind it, and is never zeroed.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define BLOCK_SIZE (64 * 1024)
#define ALIGN alignof(max_align_t)

typedef struct block {
    struct block *next, *prev; /* prev NULL: the arena's head */
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
} block;

struct pgc_arena {
    block *head; /* the block being filled; older ones follow */
};

static void out_of_memory(size_t size)
{
    fprintf(stderr, "pgc: error: out of memory (allocating %zu bytes)\n", size);
    abort();
}

/* A block of size bytes, zeroed if asked (calloc: large ones come zeroed
 * from the system, untouched). */
static block *block_new(size_t size, bool zeroed)
{
    if (size > SIZE_MAX - sizeof(block))
        out_of_memory(size);
    block *b = zeroed ? calloc(1, sizeof(block) + size) : malloc(sizeof(block) + size);
    if (!b)
        out_of_memory(size);
    b->next = b->prev = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

/* Puts b in a's list: first, or behind the head so that the head keeps
 * filling. */
static void block_link(pgc_arena *a, block *b, bool first)
{
    block *before = first ? NULL : a->head;
    b->prev = before;
    b->next = before ? before->next : a->head;
    if (b->next)
        b->next->prev = b;
    if (before)
        before->next = b;
    else
        a->head = b;
}

/* A block of its own for a large request, behind the current one. */
static void *alloc_alone(pgc_arena *a, size_t need, bool zeroed)
{
    block *big = block_new(need, zeroed);
    big->used = need;
    block_link(a, big, a->head == NULL);
    return big->data;
}

pgc_arena *pgc_arena_new(void)
{
    pgc_arena *a = malloc(sizeof *a);
    if (!a)
        out_of_memory(sizeof *a);
    a->head = NULL;
    return a;
}

void pgc_arena_free(pgc_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static size_t rounded(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ALIGN)
        out_of_memory(size);
    return (size + ALIGN - 1) & ~(ALIGN - 1);
}

/* size bytes, zeroed if asked. */
static void *arena_alloc(pgc_arena *a, size_t size, bool zeroed)
{
    size_t need = rounded(size);
    block *b = a->head;
    if (!b || b->size - b->used < need) {
        if (need > BLOCK_SIZE / 4)
            return alloc_alone(a, need, zeroed);
        b = block_new(BLOCK_SIZE, false);
        block_link(a, b, true);
    }
    void *p = b->data + b->used;
    b->used += need;
    if (zeroed)
        memset(p, 0, need);
    return p;
}

void pgc_arena_reset(pgc_arena *a)
{
    /* keep the newest ordinary block (the head, unless a text alone in its
     * block was the first thing allocated) for what comes next */
    block *keep = a->head && a->head->size == BLOCK_SIZE ? a->head : NULL;
    block *b = a->head;
    while (b) {
        block *next = b->next;
        if (b != keep)
            free(b);
        b = next;
    }
    a->head = keep;
    if (keep) {
        keep->next = keep->prev = NULL;
        keep->used = 0;
    }
}

void *pgc_arena_alloc(pgc_arena *a, size_t size)
{
    return arena_alloc(a, size, true);
}

char *pgc_arena_strndup(pgc_arena *a, const char *s, size_t n)
{
    char *p = pgc_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pgc_arena_strdup(pgc_arena *a, const char *s)
{
    return pgc_arena_strndup(a, s, strlen(s));
}

char *pgc_arena_printf(pgc_arena *a, const char *fmt, ...)
{
    /* Print straight into the free end of the current block; only a text
     * longer than that room is measured there and printed again into an
     * allocation of its own.  The generator prints millions of small
     * strings: this halves the vsnprintf calls and skips the zeroing. */
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    block *b = a->head;
    size_t room = b ? b->size - b->used : 0;
    char *at = b ? (char *)b->data + b->used : NULL;
    int n = vsnprintf(at, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return pgc_arena_strdup(a, "");
    }
    char *p;
    if ((size_t)n < room) {
        /* used and size are multiples of ALIGN, so the rounded size fits */
        p = at;
        b->used += ((size_t)n + 1 + ALIGN - 1) & ~(ALIGN - 1);
    } else {
        p = pgc_arena_alloc(a, (size_t)n + 1);
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    return p;
}

/* ---- growing text ---------------------------------------------------------------------------- */

/* The block whose data p is (a text alone in its block). */
static block *block_of(char *p)
{
    return (block *)(void *)(p - offsetof(block, data));
}

void pgc_sb_reserve(pgc_strbuf *b, size_t n)
{
    if (n > SIZE_MAX / 4 - b->len)
        out_of_memory(n);
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    if (b->alone) {
        /* grow the block in place (or move it: realloc copies) and relink it */
        block *old = block_of(b->p), *prev = old->prev, *next = old->next;
        block *grown = realloc(old, sizeof(block) + cap);
        if (!grown)
            out_of_memory(cap);
        grown->size = grown->used = cap;
        if (prev)
            prev->next = grown;
        else
            b->a->head = grown;
        if (next)
            next->prev = grown;
        b->p = (char *)grown->data;
    } else {
        char *p;
        if (cap > BLOCK_SIZE / 4) {
            p = alloc_alone(b->a, rounded(cap), false);
            b->alone = true;
        } else {
            p = arena_alloc(b->a, cap, false);
        }
        if (b->len)
            memcpy(p, b->p, b->len);
        b->p = p;
    }
    b->cap = cap;
}

void pgc_sb_add(pgc_strbuf *b, const char *s, size_t n)
{
    pgc_sb_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void pgc_sb_puts(pgc_strbuf *b, const char *s)
{
    pgc_sb_add(b, s, strlen(s));
}

void pgc_sb_printf(pgc_strbuf *b, const char *fmt, ...)
{
    /* Print into the spare room; grow and print again only when it is short. */
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= room) {
        pgc_sb_reserve(b, (size_t)n);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (n > 0)
        b->len += (size_t)n;
}

void pgc_sb_release(pgc_strbuf *b)
{
    if (b->alone) {
        block *old = block_of(b->p);
        if (old->prev)
            old->prev->next = old->next;
        else
            b->a->head = old->next;
        if (old->next)
            old->next->prev = old->prev;
        free(old);
    }
    b->p = NULL;
    b->len = b->cap = 0;
    b->alone = false;
}

const char *pgc_sb_take(pgc_strbuf *b)
{
    const char *s = b->p ? b->p : "";
    b->p = NULL;
    b->len = b->cap = 0;
    b->alone = false; /* its block stays in the arena, at its size */
    return s;
}

void pgc_sb_add_ident(pgc_strbuf *b, const char *name)
{
    bool control = false;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            control = true;
    pgc_sb_puts(b, control ? "U&\"" : "\"");
    for (const char *p = name; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"')
            pgc_sb_puts(b, "\"\"");
        else if (control && ch == '\\')
            pgc_sb_puts(b, "\\\\");
        else if (control && (ch < 0x20 || ch == 0x7f))
            pgc_sb_printf(b, "\\%04X", ch);
        else
            pgc_sb_add(b, p, 1);
    }
    pgc_sb_puts(b, "\"");
}
