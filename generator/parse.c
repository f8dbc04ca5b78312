/*
 * parse.c - the bridge to libpg_query (parse.h).  libpg_query parses the
 * canonical SQL with PostgreSQL 15's grammar and hands back the tree as
 * protobuf; protobuf-c unpacks it into C structs, in an arena of the
 * tree's own.  A syntax error's position (a 1-based character offset into
 * the canonical SQL) goes back through the statement's map to the user's
 * file.
 */
#include "parse.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqllex.h"

/* Whether this thread has called libpg_query (which then holds memory). */
static _Thread_local bool parsed;

/*
 * The nesting depth of the messages in a serialized tree, measured without
 * recursion, or -1 if it exceeds limit (or the bytes cannot be read).
 * protobuf-c's unpack and free, and the analyzer after them, recurse once
 * or more per level: a tree deeper than the stack allows must be refused
 * before any of them sees it.
 */
static int tree_depth(const uint8_t *p, size_t len, int limit)
{
    typedef struct {
        size_t end;
        const ProtobufCMessageDescriptor *desc;
    } level;
    /* most trees are shallow: a stack on ours, on the heap only past it */
    enum { SHALLOW = 128 };
    level shallow[SHALLOW], *stack = shallow;
    int room = SHALLOW;
    int depth = 0, max = 0;
    stack[0].end = len;
    stack[0].desc = &pg_query__parse_result__descriptor;
    size_t at = 0;
    for (;;) {
        while (depth > 0 && at >= stack[depth].end)
            depth--;
        if (at >= len)
            break;
        uint64_t key = 0, v = 0;
        int shift = 0;
        do {
            if (at >= len || shift > 63)
                goto bad;
            key |= (uint64_t)(p[at] & 0x7f) << shift;
            shift += 7;
        } while (p[at++] & 0x80);
        switch (key & 7) {
        case 0: /* varint */
            do {
                if (at >= len)
                    goto bad;
            } while (p[at++] & 0x80);
            break;
        case 1: /* 64-bit */
            at += 8;
            break;
        case 5: /* 32-bit */
            at += 4;
            break;
        case 2: { /* length-delimited: bytes, string, packed, or a message */
            shift = 0;
            do {
                if (at >= len || shift > 63)
                    goto bad;
                v |= (uint64_t)(p[at] & 0x7f) << shift;
                shift += 7;
            } while (p[at++] & 0x80);
            if (v > len - at)
                goto bad;
            const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
                stack[depth].desc, (unsigned)(key >> 3));
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                if (depth == limit) {
                    max = -1;
                    goto done;
                }
                if (depth + 1 == room) {
                    int more = room * 4 < limit + 1 ? room * 4 : limit + 1;
                    level *bigger = malloc((size_t)more * sizeof *bigger);
                    if (!bigger)
                        goto bad;
                    memcpy(bigger, stack, (size_t)room * sizeof *stack);
                    if (stack != shallow)
                        free(stack);
                    stack = bigger;
                    room = more;
                }
                depth++;
                stack[depth].end = at + (size_t)v;
                stack[depth].desc = f->descriptor;
                if (depth > max)
                    max = depth;
            } else {
                at += (size_t)v;
            }
            break;
        }
        default:
            goto bad;
        }
        if (at > stack[depth].end)
            goto bad;
    }
done:
    if (stack != shallow)
        free(stack);
    return max;
bad:
    if (stack != shallow)
        free(stack);
    return -1;
}

/*
 * Whether sql holds a run of more than limit code tokens with no comma,
 * semicolon or bracket between them, at any bracket level; a bracketed
 * group counts as one token of the run around it (see PGC_PARSE_MAX_RUN).
 * Iterative, with one counter per open bracket.  Lexer errors end the scan:
 * libpg_query reports them.
 */
static bool run_too_long(const char *sql, size_t len, int limit)
{
    enum { LEVELS = 64 }; /* deeper brackets share the last counter */
    int run[LEVELS] = {0}, level = 0;
    pgc_lexer lx;
    pgc_token tok;
    pgc_lexer_init(&lx, sql, len);
    while (pgc_lex(&lx, &tok) != PGC_TOK_EOF && tok.kind != PGC_TOK_ERROR) {
        pgc_tok k = tok.kind;
        if (k == PGC_TOK_SPACE || k == PGC_TOK_COMMENT)
            continue;
        if (k == PGC_TOK_LPAREN || k == PGC_TOK_LBRACKET) {
            if (++level < LEVELS)
                run[level] = 0;
            continue;
        }
        if ((k == PGC_TOK_RPAREN || k == PGC_TOK_RBRACKET) && level > 0)
            level--; /* and the group counts as one token of the outer run */
        int *here = &run[level < LEVELS ? level : LEVELS - 1];
        if (k == PGC_TOK_COMMA || k == PGC_TOK_SEMI)
            *here = 0;
        else if (++*here > limit)
            return true;
    }
    return false;
}

/*
 * A tree is unpacked into an arena of its own (protobuf-c's allocator
 * hook): one bump per node instead of a malloc, and freeing the tree frees
 * the arena's few blocks instead of walking every node.  protobuf-c makes
 * the top message its first allocation; that one is preceded by a header
 * naming the arena, which pgc_parse_free() finds before the tree.
 */
typedef struct tree_header {
    pgc_arena *a;
    const void *self; /* the tree that follows: a check that this is a header */
} tree_header;

#define HEADER_SIZE ((sizeof(tree_header) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

typedef struct unpack_ctx {
    pgc_arena *a;
    void *first; /* the first allocation (the tree), after its header */
} unpack_ctx;

static void *tree_alloc(void *data, size_t size)
{
    unpack_ctx *c = data;
    if (c->first)
        return pgc_arena_alloc(c->a, size);
    unsigned char *p = pgc_arena_alloc(c->a, HEADER_SIZE + size);
    tree_header *h = (tree_header *)(void *)p;
    c->first = p + HEADER_SIZE;
    h->a = c->a;
    h->self = c->first;
    return c->first;
}

static void tree_free(void *data, void *p)
{
    (void)data; /* the arena goes whole */
    (void)p;
}

static PgQuery__ParseResult *unpack(const PgQueryProtobufParseResult *r)
{
    unpack_ctx c = {pgc_arena_new(), NULL};
    ProtobufCAllocator alloc = {tree_alloc, tree_free, &c};
    PgQuery__ParseResult *tree = pg_query__parse_result__unpack(
        &alloc, r->parse_tree.len, (const uint8_t *)r->parse_tree.data);
    if (!tree) {
        pgc_arena_free(c.a);
        return NULL;
    }
    if ((void *)tree != c.first) {
        fputs("pgc: internal error: protobuf-c did not allocate the tree first\n", stderr);
        abort();
    }
    return tree;
}

PgQuery__ParseResult *pgc_parse(pgc_diags *d, const pgc_stmt_text *t)
{
    parsed = true;
    if (run_too_long(t->canon, t->canon_len, PGC_PARSE_MAX_RUN)) {
        pgc_diag_error(d, t->file, t->offset, "statement nested too deeply");
        return NULL;
    }
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(t->canon);
    if (r.error) {
        size_t at = 0;
        if (r.error->cursorpos > 0)
            at = pgc_char_to_byte_offset(t->canon, t->canon_len, r.error->cursorpos);
        pgc_diag_error(d, t->file, pgc_stmt_text_source(t, at), "%s", r.error->message);
        pg_query_free_protobuf_parse_result(r);
        return NULL;
    }
    if (tree_depth((const uint8_t *)r.parse_tree.data, r.parse_tree.len, PGC_PARSE_MAX_DEPTH)
        < 0) {
        pg_query_free_protobuf_parse_result(r);
        pgc_diag_error(d, t->file, t->offset, "statement nested too deeply");
        return NULL;
    }
    PgQuery__ParseResult *tree = unpack(&r);
    pg_query_free_protobuf_parse_result(r);
    if (!tree)
        pgc_diag_error(d, t->file, t->offset, "libpg_query returned a tree that cannot be read");
    return tree;
}

PgQuery__ParseResult *pgc_parse_quiet(const char *sql)
{
    parsed = true;
    if (run_too_long(sql, strlen(sql), PGC_PARSE_MAX_RUN))
        return NULL;
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
    PgQuery__ParseResult *tree = NULL;
    if (!r.error
        && tree_depth((const uint8_t *)r.parse_tree.data, r.parse_tree.len, PGC_PARSE_MAX_DEPTH)
               >= 0)
        tree = unpack(&r);
    pg_query_free_protobuf_parse_result(r);
    return tree;
}

void pgc_parse_free(PgQuery__ParseResult *tree)
{
    if (!tree)
        return;
    const tree_header *h = (const void *)((const unsigned char *)tree - HEADER_SIZE);
    if (h->self != tree) {
        fputs("pgc: internal error: pgc_parse_free of a tree pgc_parse did not make\n", stderr);
        abort();
    }
    pgc_arena_free(h->a);
}

size_t pgc_parse_source_offset(const pgc_stmt_text *t, int32_t location)
{
    if (location < 0)
        return t->offset;
    return pgc_stmt_text_source(t, (size_t)location);
}

void pgc_parse_exit(void)
{
    if (parsed)
        pg_query_exit(); /* leaves libpg_query unusable in this thread */
    parsed = false;
}
