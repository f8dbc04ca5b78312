/*
 * template.h - SQL template rendering ({{schema}}, {{tables.t}}) with a map
 * from rendered offsets back to the source, and the UTF-8 check names
 * share (template.c).  Part of the lexical layer the runtime and the
 * generator share (sqllex.h, template.h, sqltext.h); not installed.
 * pgc_render() and pgc_check_identifier() are public (pgc.h).
 */
#ifndef PGC_TEMPLATE_H
#define PGC_TEMPLATE_H

#include <stddef.h>

#include "pgc.h" /* pgc_error */

/*
 * One template that rendering replaced: rendered bytes
 * [out_off, out_off + out_len) stand for source bytes
 * [src_off, src_off + src_len) (the whole "{{...}}").  Text between
 * segments is copied unchanged.
 */
typedef struct pgc_render_seg {
    size_t out_off, out_len;
    size_t src_off, src_len;
} pgc_render_seg;

/* The segments of one rendering, by increasing offset. */
typedef struct pgc_render_map {
    size_t n;
    pgc_render_seg *seg; /* malloc'd; NULL when n == 0 */
} pgc_render_map;

/*
 * pgc_render() for text of known length (which may hold NUL bytes: they are
 * refused as PGC_ESYNTAX).  *out is malloc'd and NUL-terminated, free it
 * with free(); *out_len (out_len may be NULL) is its length.  map may be
 * NULL; otherwise it is overwritten and, on success, must be freed with
 * pgc_render_map_free().  On failure *out is NULL and *map empty.
 */
int pgc_render_ex(const char *sql, size_t len, const char *schema, char **out,
                  size_t *out_len, pgc_render_map *map, pgc_error *err);

/* The source offset of a rendered offset: itself shifted by the templates
 * before it, or the start of the template it falls in.  map may be NULL
 * (identity). */
size_t pgc_render_map_source(const pgc_render_map *map, size_t rendered_offset);

/* Frees the segments and empties the map; NULL is accepted. */
void pgc_render_map_free(pgc_render_map *map);

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (n > 0), or 0 if
 * there is none: overlong forms, surrogates and code points past U+10FFFF
 * are refused.
 */
size_t pgc_utf8_sequence(const unsigned char *s, size_t n);

#endif /* PGC_TEMPLATE_H */
