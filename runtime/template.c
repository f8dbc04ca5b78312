/*
 * template.c - renders SQL templates for a schema, and checks identifiers.
 *
 *     template = "{{" space* body space* "}}"        (one TEMPLATE token)
 *     body     = "schema"                      -> "schema"  ("public")
 *              | "tables" "." table            -> "schema".table  (table)
 *              | "tables" "." schema "." table -> "schema".table
 *
 * The lexer finds templates in code only, so strings, quoted identifiers,
 * dollar quotes and comments are copied byte for byte.  Schema names are
 * checked and always double-quoted (a valid one holds no quote); table
 * names are plain ASCII identifiers, emitted as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqllex.h"
#include "sqltext.h"
#include "template.h"

#define NAME_MAX_BYTES 63  /* PostgreSQL's NAMEDATALEN - 1 */
#define SHOWN_MAX_BYTES 80 /* longest name quoted whole in a message */

/* ------------------------------------------------------------------ */
/* Identifiers                                                          */
/* ------------------------------------------------------------------ */

static int is_ascii_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_ascii_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n), or 0 if there is
 * none (overlong forms, surrogates and code points past U+10FFFF refused).
 */
size_t pgc_utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned long cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
        || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = pgc_utf8_sequence(u + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Appends c to a message as itself when printable ASCII, else as \xNN. */
static void show_byte(char *buf, size_t size, unsigned char c)
{
    if (c > 0x20 && c < 0x7F && c != '"' && c != '\\')
        snprintf(buf, size, "\"%c\"", c);
    else
        snprintf(buf, size, "\"\\x%02X\"", c);
}

/*
 * Writes s[0..n) to buf as a double-quoted literal for a message: `"` and
 * `\` escaped with a backslash, control bytes (and every byte >= 0x80 when
 * s is not valid UTF-8) as \xNN, and cut with "..." after SHOWN_MAX_BYTES.
 */
static void quote_for_message(char *buf, size_t size, const char *s, size_t n)
{
    int keep_high = utf8_valid(s, n);
    size_t k = 0;
    buf[k++] = '"';
    for (size_t i = 0; i < n && k + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= SHOWN_MAX_BYTES && (c & 0xC0) != 0x80) {
            memcpy(buf + k, "...", 3);
            k += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            buf[k++] = '\\';
            buf[k++] = (char)c;
        } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !keep_high)) {
            k += (size_t)snprintf(buf + k, size - k, "\\x%02X", c);
        } else {
            buf[k++] = (char)c;
        }
    }
    buf[k++] = '"';
    buf[k] = '\0';
}

/*
 * Checks name[0..n) as an identifier and returns 0, or -1 with the reason
 * in why.  PostgreSQL's rules (schema names):
 *
 *     ident = ( letter | "_" | non-ASCII ) ( letter | digit | "_" | "$" | non-ASCII )*
 *
 * with valid UTF-8 and at most 63 bytes.  ascii_only (table names) refuses
 * non-ASCII characters.
 */
static int identifier_problem(const char *name, size_t n, int ascii_only,
                              char *why, size_t why_size)
{
    char shown[16];
    if (n == 0) {
        snprintf(why, why_size, "it is empty");
        return -1;
    }
    if (n > NAME_MAX_BYTES) {
        snprintf(why, why_size, "it is %zu bytes long; the limit is %d", n,
                 NAME_MAX_BYTES);
        return -1;
    }
    if (!utf8_valid(name, n)) {
        snprintf(why, why_size, "it is not valid UTF-8");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = is_ascii_letter(c) || c == '_' || (c >= 0x80 && !ascii_only);
        if (i > 0)
            ok = ok || is_ascii_digit(c) || c == '$';
        if (ok)
            continue;
        show_byte(shown, sizeof shown, c);
        if (i == 0)
            snprintf(why, why_size, "it begins with %s; it must begin with "
                     "a letter or \"_\"", shown);
        else
            snprintf(why, why_size, "character %s is not allowed (letters, "
                     "digits, \"_\" and \"$\" are)", shown);
        return -1;
    }
    return 0;
}

int pgc_check_identifier(const char *name, const char *what, pgc_error *err)
{
    char why[128], shown[SHOWN_MAX_BYTES * 4 + 16];
    if (!what)
        what = "identifier";
    if (!name)
        return pgc_fail(err, PGC_EINVAL, "%s is NULL", what);
    size_t n = strlen(name);
    if (identifier_problem(name, n, 0, why, sizeof why) == 0)
        return PGC_OK;
    quote_for_message(shown, sizeof shown, name, n);
    return pgc_fail(err, PGC_EIDENT, "%s %s is not a valid identifier: %s",
                    what, shown, why);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                            */
/* ------------------------------------------------------------------ */

/* The rendered text and its map, growing. */
typedef struct render_out {
    char *buf;
    size_t len, cap;
    pgc_render_seg *seg;
    size_t nseg, segcap;
} render_out;

static int out_append(render_out *o, const char *s, size_t n)
{
    if (o->cap - o->len <= n) { /* keep room for the final NUL */
        size_t cap = o->cap ? o->cap : 256;
        while (cap - o->len <= n)
            cap *= 2;
        char *p = realloc(o->buf, cap);
        if (!p)
            return -1;
        o->buf = p;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return 0;
}

/* Appends `"name"`: name is a checked identifier, so it holds no quote. */
static int out_quoted(render_out *o, const char *name, size_t n)
{
    if (out_append(o, "\"", 1) || out_append(o, name, n)
        || out_append(o, "\"", 1))
        return -1;
    return 0;
}

static int out_segment(render_out *o, const pgc_render_seg *seg)
{
    if (o->nseg == o->segcap) {
        size_t cap = o->segcap ? o->segcap * 2 : 8;
        pgc_render_seg *p = realloc(o->seg, cap * sizeof *p);
        if (!p)
            return -1;
        o->seg = p;
        o->segcap = cap;
    }
    o->seg[o->nseg++] = *seg;
    return 0;
}

/* A template as parsed: its body, with the spaces inside the braces
 * trimmed, and the parts around its dots. */
typedef struct tmpl {
    const char *body;
    size_t body_len;
    const char *schema; /* NULL unless "tables.schema.table" */
    size_t schema_len;
    const char *table;  /* NULL for "schema" */
    size_t table_len;
} tmpl;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Parses the TEMPLATE token text[0..n) ("{{...}}"); 0, or -1 if its form
 * is unknown. */
static int parse_template(const char *text, size_t n, tmpl *t)
{
    const char *b = text + 2, *e = text + n - 2;
    while (b < e && is_blank(*b))
        b++;
    while (e > b && is_blank(e[-1]))
        e--;
    memset(t, 0, sizeof *t);
    t->body = b;
    t->body_len = (size_t)(e - b);

    static const char tables[] = "tables.";
    size_t tl = sizeof tables - 1;
    if (t->body_len == 6 && memcmp(b, "schema", 6) == 0)
        return 0;
    if (t->body_len < tl || memcmp(b, tables, tl) != 0)
        return -1;
    const char *rest = b + tl;
    const char *dot = memchr(rest, '.', (size_t)(e - rest));
    if (!dot) {
        t->table = rest;
        t->table_len = (size_t)(e - rest);
        return 0;
    }
    if (memchr(dot + 1, '.', (size_t)(e - dot - 1)))
        return -1;
    t->schema = rest;
    t->schema_len = (size_t)(dot - rest);
    t->table = dot + 1;
    t->table_len = (size_t)(e - dot - 1);
    return 0;
}

/* Refuses a bad name in a template, naming both. */
static int fail_name(pgc_error *err, const pgc_token *tok, const char *src,
                     const char *what, const char *name, size_t n,
                     const char *why)
{
    char shown[SHOWN_MAX_BYTES * 4 + 16], tshown[SHOWN_MAX_BYTES * 4 + 16];
    quote_for_message(shown, sizeof shown, name, n);
    quote_for_message(tshown, sizeof tshown, src + tok->off, tok->len);
    return pgc_fail_at(err, PGC_EIDENT, tok->line, tok->col,
                       "%s %s in template %s is not a valid identifier: %s",
                       what, shown, tshown, why);
}

/* Appends the text that the TEMPLATE token stands for. */
static int expand_template(render_out *o, const char *src, const pgc_token *tok,
                           const char *schema, pgc_error *err)
{
    tmpl t;
    char why[128];
    if (parse_template(src + tok->off, tok->len, &t) != 0) {
        char shown[SHOWN_MAX_BYTES * 4 + 16];
        quote_for_message(shown, sizeof shown, src + tok->off, tok->len);
        return pgc_fail_at(err, PGC_ETEMPLATE, tok->line, tok->col,
                           "unknown template %s; expected {{schema}}, "
                           "{{tables.NAME}} or {{tables.SCHEMA.NAME}}", shown);
    }
    if (t.schema && identifier_problem(t.schema, t.schema_len, 0, why, sizeof why))
        return fail_name(err, tok, src, "schema name", t.schema, t.schema_len, why);
    if (t.table && identifier_problem(t.table, t.table_len, 1, why, sizeof why))
        return fail_name(err, tok, src, "table name", t.table, t.table_len, why);

    pgc_render_seg seg = {o->len, 0, tok->off, tok->len};
    int bad;
    if (t.schema) /* {{tables.s.t}} */
        bad = out_quoted(o, t.schema, t.schema_len) || out_append(o, ".", 1)
              || out_append(o, t.table, t.table_len);
    else if (t.table && schema) /* {{tables.t}} */
        bad = out_quoted(o, schema, strlen(schema)) || out_append(o, ".", 1)
              || out_append(o, t.table, t.table_len);
    else if (t.table) /* {{tables.t}}, no schema */
        bad = out_append(o, t.table, t.table_len);
    else /* {{schema}} */
        bad = schema ? out_quoted(o, schema, strlen(schema))
                     : out_append(o, "\"public\"", 8);
    seg.out_len = o->len - seg.out_off;
    if (bad || out_segment(o, &seg))
        return pgc_fail(err, PGC_ENOMEM, "out of memory rendering SQL");
    return PGC_OK;
}

int pgc_render_ex(const char *sql, size_t len, const char *schema, char **out,
                  size_t *out_len, pgc_render_map *map, pgc_error *err)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (map) {
        map->n = 0;
        map->seg = NULL;
    }
    if (!sql || !out)
        return pgc_fail(err, PGC_EINVAL, "pgc_render: sql and out must not be NULL");
    int rc = schema ? pgc_check_identifier(schema, "schema name", err) : PGC_OK;
    if (rc != PGC_OK)
        return rc;

    render_out o = {0};
    pgc_lexer lx;
    pgc_token tok;
    size_t copied = 0; /* source bytes before this are in the output */
    pgc_lexer_init(&lx, sql, len);
    while (rc == PGC_OK && pgc_lex(&lx, &tok) != PGC_TOK_EOF) {
        if (tok.kind == PGC_TOK_ERROR) {
            rc = pgc_fail_at(err, PGC_ESYNTAX, tok.line, tok.col, "%s",
                             pgc_lex_error_message(tok.error));
        } else if (tok.kind == PGC_TOK_TEMPLATE) {
            if (out_append(&o, sql + copied, tok.off - copied))
                rc = pgc_fail(err, PGC_ENOMEM, "out of memory rendering SQL");
            else
                rc = expand_template(&o, sql, &tok, schema, err);
            copied = tok.off + tok.len;
        }
    }
    if (rc == PGC_OK && out_append(&o, sql + copied, len - copied))
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory rendering SQL");
    if (rc != PGC_OK) {
        free(o.buf);
        free(o.seg);
        return rc;
    }
    o.buf[o.len] = '\0'; /* out_append kept room */
    *out = o.buf;
    if (out_len)
        *out_len = o.len;
    if (map) {
        map->n = o.nseg;
        map->seg = o.seg;
    } else {
        free(o.seg);
    }
    return PGC_OK;
}

int pgc_render(const char *sql, const char *schema, char **out, pgc_error *err)
{
    if (!sql) {
        if (out)
            *out = NULL;
        return pgc_fail(err, PGC_EINVAL, "pgc_render: sql must not be NULL");
    }
    return pgc_render_ex(sql, strlen(sql), schema, out, NULL, NULL, err);
}

size_t pgc_render_map_source(const pgc_render_map *map, size_t rendered_offset)
{
    /* lo: how many segments start at or before rendered_offset */
    size_t lo = 0, hi = map ? map->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->seg[mid].out_off <= rendered_offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return rendered_offset;
    const pgc_render_seg *s = &map->seg[lo - 1];
    size_t out_end = s->out_off + s->out_len;
    if (rendered_offset < out_end)
        return s->src_off;
    return s->src_off + s->src_len + (rendered_offset - out_end);
}

void pgc_render_map_free(pgc_render_map *map)
{
    if (!map)
        return;
    free(map->seg);
    map->seg = NULL;
    map->n = 0;
}
