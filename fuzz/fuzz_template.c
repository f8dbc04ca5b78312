/*
 * fuzz_template.c - libFuzzer harness for template rendering
 * (runtime/template.c: pgc_render_ex, pgc_render, pgc_check_identifier,
 * pgc_render_map_source).
 *
 * Input: one flag byte (bit 0 set: no schema, as a standalone db without
 * one), the schema name up to the first newline, then the SQL (any bytes,
 * NUL included, not NUL-terminated).  A schema name from a host
 * application is untrusted data, so the checked promises are:
 *   - a schema name is accepted exactly when it follows PostgreSQL's
 *     identifier rules (checked against the independent oracle below), and
 *     a refused one fails rendering with PGC_EIDENT;
 *   - on success, the text between templates is copied byte for byte, each
 *     template's source is a whole "{{...}}", and what it renders to is
 *     nothing but identifiers and dots (so no schema or table name can
 *     become SQL); the map sends every rendered offset into the source,
 *     in order;
 *   - on failure, nothing is returned and the error says why (code,
 *     message, line and column);
 *   - pgc_render() on the same NUL-free text renders the same bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h" /* pgc_check_identifier */
#include "sqllex.h"
#include "sqltext.h"

/* PostgreSQL's identifier rule, written independently of template.c:
 * [A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*, 1 to 63 bytes, valid UTF-8. */
static int oracle_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t k = pgc_utf8_sequence((const unsigned char *)s + i, n - i);
            if (k == 0)
                return 0;
            i += k;
            continue;
        }
        int letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        int digit = (c >= '0' && c <= '9') || c == '$';
        if (!letter && !(digit && i > 0))
            return 0;
        i++;
    }
    return 1;
}

/* What a template rendered to: identifiers and quoted identifiers joined by
 * dots, nothing else. */
static void check_rendered_name(const char *s, size_t n)
{
    pgc_lexer lx;
    pgc_token t;
    int want_name = 1;
    pgc_lexer_init(&lx, s, n);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (want_name)
            FUZZ_CHECK(t.kind == PGC_TOK_IDENT || t.kind == PGC_TOK_QIDENT);
        else
            FUZZ_CHECK(t.kind == PGC_TOK_DOT);
        want_name = !want_name;
    }
    FUZZ_CHECK(!want_name);
}

static void check_success(const char *sql, size_t len, const char *out, size_t out_len,
                          const pgc_render_map *map)
{
    FUZZ_CHECK(out != NULL && out[out_len] == '\0');
    size_t src = 0, dst = 0; /* ends of the previous segment */
    for (size_t i = 0; i < map->n; i++) {
        const pgc_render_seg *s = &map->seg[i];
        FUZZ_CHECK(s->src_off >= src && s->src_off <= len && s->src_len <= len - s->src_off);
        FUZZ_CHECK(s->out_off >= dst && s->out_off <= out_len
                   && s->out_len <= out_len - s->out_off);
        /* the gap before it, copied */
        FUZZ_CHECK(s->src_off - src == s->out_off - dst);
        FUZZ_CHECK(memcmp(sql + src, out + dst, s->src_off - src) == 0);
        FUZZ_CHECK(s->src_len >= 4 && memcmp(sql + s->src_off, "{{", 2) == 0
                   && memcmp(sql + s->src_off + s->src_len - 2, "}}", 2) == 0);
        check_rendered_name(out + s->out_off, s->out_len);
        src = s->src_off + s->src_len;
        dst = s->out_off + s->out_len;
    }
    FUZZ_CHECK(len - src == out_len - dst);
    FUZZ_CHECK(memcmp(sql + src, out + dst, len - src) == 0);

    size_t prev = 0;
    for (size_t off = 0; off <= out_len; off++) {
        size_t at = pgc_render_map_source(map, off);
        FUZZ_CHECK(at <= len && at >= prev);
        prev = at;
    }
    FUZZ_CHECK(pgc_render_map_source(map, out_len) == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int no_schema = data[0] & 1;
    const char *rest = (const char *)data + 1;
    size_t rest_len = size - 1;
    const char *nl = memchr(rest, '\n', rest_len);
    size_t schema_len = nl ? (size_t)(nl - rest) : rest_len;
    char *schema = malloc(schema_len + 1); /* a C string: cut at a NUL */
    if (!schema)
        return 0;
    memcpy(schema, rest, schema_len);
    schema[schema_len] = '\0';
    const char *sql = nl ? nl + 1 : rest + rest_len;
    size_t len = rest_len - (size_t)(sql - rest);

    pgc_error err = {0};
    int valid = pgc_check_identifier(schema, "schema name", &err) == PGC_OK;
    FUZZ_CHECK(valid == oracle_identifier(schema));
    FUZZ_CHECK(valid ? err.code == PGC_OK : err.code == PGC_EIDENT && err.message[0]);

    const char *use = no_schema ? NULL : schema;
    char *out = (char *)"unset";
    size_t out_len = 12345;
    pgc_render_map map = {7, (pgc_render_seg *)"x"};
    memset(&err, 0, sizeof err);
    int rc = pgc_render_ex(sql, len, use, &out, &out_len, &map, &err);
    if (rc == PGC_OK) {
        FUZZ_CHECK(no_schema || valid);
        check_success(sql, len, out, out_len, &map);
    } else {
        FUZZ_CHECK(out == NULL && out_len == 0 && map.n == 0 && map.seg == NULL);
        FUZZ_CHECK(err.code == rc && err.message[0]);
        FUZZ_CHECK(rc == PGC_EIDENT || rc == PGC_ETEMPLATE || rc == PGC_ESYNTAX);
        if (!no_schema && !valid)
            FUZZ_CHECK(rc == PGC_EIDENT);
        else
            FUZZ_CHECK(err.line >= 1 && err.column >= 1);
    }

    /* The public entry point on the same text, when it has no NUL. */
    if (!memchr(sql, '\0', len)) {
        char *text = malloc(len + 1), *out2 = NULL;
        if (text) {
            memcpy(text, sql, len);
            text[len] = '\0';
            pgc_error err2 = {0};
            int rc2 = pgc_render(text, use, &out2, &err2);
            FUZZ_CHECK(rc2 == rc);
            if (rc == PGC_OK)
                FUZZ_CHECK(strlen(out2) == out_len && memcmp(out, out2, out_len) == 0);
            else
                FUZZ_CHECK(out2 == NULL && strcmp(err.message, err2.message) == 0);
            free(out2);
            free(text);
        }
    }
    if (rc == PGC_OK) {
        free(out);
        pgc_render_map_free(&map);
    }
    free(schema);
    return 0;
}
