/*
 * parse.c - the bridge to libpg_query (parse.h).  libpg_query parses the
 * canonical SQL with PostgreSQL 15's grammar and hands back the tree as
 * protobuf; protobuf-c unpacks it into C structs.  A syntax error's
 * position (a 1-based character offset into the canonical SQL) goes back
 * through the statement's map to the user's file.
 */
#include "parse.h"

/* Whether this thread has called libpg_query (which then holds memory). */
static _Thread_local bool parsed;

PgQuery__ParseResult *pgc_parse(pgc_diags *d, const pgc_stmt_text *t)
{
    parsed = true;
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(t->canon);
    if (r.error) {
        size_t at = 0;
        if (r.error->cursorpos > 0)
            at = pgc_char_to_byte_offset(t->canon, t->canon_len, r.error->cursorpos);
        pgc_diag_error(d, t->file, pgc_stmt_text_source(t, at), "%s", r.error->message);
        pg_query_free_protobuf_parse_result(r);
        return NULL;
    }
    PgQuery__ParseResult *tree = pg_query__parse_result__unpack(
        NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
    pg_query_free_protobuf_parse_result(r);
    if (!tree)
        pgc_diag_error(d, t->file, t->offset, "libpg_query returned a tree that cannot be read");
    return tree;
}

void pgc_parse_free(PgQuery__ParseResult *tree)
{
    if (tree)
        pg_query__parse_result__free_unpacked(tree, NULL);
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
