/*
 * emit.c - the emitter: the analyzed program as C (emit.h).
 *
 * What is written comes from templates/emit.tmpl (built into
 * build/gen/templates.c); this file decides which sections to print and
 * computes the values of their @keys@: names, types, parameter binding,
 * row reading, string literals.
 */
#include "emit.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"
#include "catalog_internal.h"
#include "pgc.h"
#include "sqltext.h"

/* build/gen/templates.c, from templates/emit.tmpl: one string per line. */
extern const char *const pgc_emit_template[];
extern const size_t pgc_emit_template_lines;

/* ---- text buffers --------------------------------------------------------------------------- */

typedef struct strbuf {
    pgc_arena *a;
    char *p;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = pgc_arena_alloc(b->a, cap);
        if (b->len)
            memcpy(p, b->p, b->len);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(strbuf *b, const char *fmt, ...) PGC_PRINTF(2, 3);
static void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *tmp = pgc_arena_alloc(b->a, (size_t)n + 1);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    sb_add(b, tmp, (size_t)n);
}

/* The text so far ("" when empty), and the buffer emptied. */
static const char *sb_take(strbuf *b)
{
    const char *s = b->p ? b->p : "";
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ---- templates ------------------------------------------------------------------------------ */

enum { MAX_KEYS = 32 };

typedef struct tmpl {
    pgc_arena *a;
    size_t nkeys;
    const char *keys[MAX_KEYS], *values[MAX_KEYS];
} tmpl;

static void set(tmpl *t, const char *key, const char *value)
{
    for (size_t i = 0; i < t->nkeys; i++) {
        if (strcmp(t->keys[i], key) == 0) {
            t->values[i] = value;
            return;
        }
    }
    if (t->nkeys == MAX_KEYS) {
        fprintf(stderr, "pgc: internal error: too many template keys\n");
        abort();
    }
    t->keys[t->nkeys] = key;
    t->values[t->nkeys++] = value;
}

static const char *lookup(const tmpl *t, const char *key, size_t n)
{
    for (size_t i = 0; i < t->nkeys; i++)
        if (strlen(t->keys[i]) == n && memcmp(t->keys[i], key, n) == 0)
            return t->values[i];
    fprintf(stderr, "pgc: internal error: template key @%.*s@ has no value\n", (int)n, key);
    abort();
}

/* The line index of section name's first line; aborts if there is none
 * (the template and this file are built together). */
static size_t section(const char *name)
{
    for (size_t i = 0; i < pgc_emit_template_lines; i++) {
        const char *l = pgc_emit_template[i];
        if (strncmp(l, "@@ ", 3) == 0 && strcmp(l + 3, name) == 0)
            return i + 1;
    }
    fprintf(stderr, "pgc: internal error: no template section '%s'\n", name);
    abort();
}

/* Prints section name into out with t's values.  Trailing blank lines of
 * the section are not printed. */
static void fill(strbuf *out, const tmpl *t, const char *name)
{
    size_t first = section(name), end = first;
    while (end < pgc_emit_template_lines && strncmp(pgc_emit_template[end], "@@ ", 3) != 0)
        end++;
    while (end > first && pgc_emit_template[end - 1][0] == '\0')
        end--;
    for (size_t i = first; i < end; i++) {
        const char *l = pgc_emit_template[i];
        size_t n = strlen(l);
        /* a line that is one @key@: the value's lines, or nothing */
        if (n > 2 && l[0] == '@' && l[n - 1] == '@' && !memchr(l + 1, '@', n - 2)) {
            const char *v = lookup(t, l + 1, n - 2);
            if (*v) {
                sb_puts(out, v);
                if (v[strlen(v) - 1] != '\n')
                    sb_puts(out, "\n");
            }
            continue;
        }
        while (*l) {
            const char *at = strchr(l, '@'), *close = at ? strchr(at + 1, '@') : NULL;
            if (!close) {
                sb_puts(out, l);
                break;
            }
            sb_add(out, l, (size_t)(at - l));
            sb_puts(out, lookup(t, at + 1, (size_t)(close - at - 1)));
            l = close + 1;
        }
        sb_puts(out, "\n");
    }
}

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "NULL",
    "errno", "assert", "offsetof",
};

static bool is_c_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof c_keywords / sizeof c_keywords[0]; i++)
        if (strcmp(s, c_keywords[i]) == 0)
            return true;
    return s[0] == '_' && (isupper((unsigned char)s[1]) || s[1] == '_');
}

static bool is_identifier(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* GetUser -> get_user, HTTPServer -> http_server, list_v2 -> list_v2. */
static char *snake_case(pgc_arena *a, const char *name)
{
    strbuf b = {.a = a};
    for (size_t i = 0; name[i]; i++) {
        unsigned char c = (unsigned char)name[i], prev = i ? (unsigned char)name[i - 1] : 0,
                      next = (unsigned char)name[i + 1];
        if (isupper(c) && i > 0 && prev != '_'
            && (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))))
            sb_puts(&b, "_");
        char lc = (char)tolower(c);
        sb_add(&b, &lc, 1);
    }
    return (char *)sb_take(&b);
}

/* Any text as a C identifier: other bytes become '_', runs of '_' one, no
 * '_' at either end; `fallback` if nothing is left; upper case if asked. */
static char *c_name(pgc_arena *a, const char *s, bool upper, const char *fallback)
{
    strbuf b = {.a = a};
    bool gap = false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80 && isalnum(c)) {
            if (gap && b.len)
                sb_puts(&b, "_");
            gap = false;
            char o = (char)(upper ? toupper(c) : c);
            sb_add(&b, &o, 1);
        } else {
            gap = true;
        }
    }
    const char *r = sb_take(&b);
    if (!*r)
        return pgc_arena_strdup(a, fallback);
    if (isdigit((unsigned char)r[0]))
        return pgc_arena_printf(a, "%s_%s", upper ? "V" : "c", r);
    return (char *)r;
}

typedef PGC_VEC(const char *) names;

static bool taken(const names *used, const char *s)
{
    for (size_t i = 0; i < used->len; i++)
        if (strcmp(used->items[i], s) == 0)
            return true;
    return false;
}

/* base, or base_2, base_3...: a name not in used (nor a C keyword), added to it. */
static const char *unique(pgc_arena *a, names *used, const char *base)
{
    const char *s = is_c_keyword(base) ? pgc_arena_printf(a, "%s_", base) : base;
    for (int k = 2; taken(used, s); k++)
        s = pgc_arena_printf(a, "%s_%d", base, k);
    PGC_PUSH(a, *used, s);
    return s;
}

/* ---- types ---------------------------------------------------------------------------------- */

typedef enum vkind {
    V_INT2, V_INT4, V_INT8, V_FLOAT4, V_FLOAT8, V_BOOL, V_TEXT, V_JSONB, V_NUMERIC,
    V_BYTES, V_UUID, V_DATE, V_TIMESTAMP, V_ENUM
} vkind;

/* How one PostgreSQL type is handled. */
typedef struct ctype {
    vkind kind;
    const char *c;        /* the C type */
    const char *suffix;   /* of pgc_put_* / pgc_get_*; NULL: text parameter */
    int size;             /* binary parameter size, 0: variable or text */
    uint32_t oid;         /* the OID the server reports (domains: their base), 0: unknown */
    const char *enum_c;   /* V_ENUM: the C enum */
} ctype;

typedef struct emitter {
    pgc_arena *a;
    pgc_diags *d;
    pgc_program *p;
    const char *name;
    PGC_VEC(uint32_t) enums;           /* enum oids used, by oid */
    names enum_names;                  /* their C names, same order */
    names globals;                     /* C names at file scope */
} emitter;

static const char *enum_c_name(emitter *e, uint32_t oid)
{
    for (size_t i = 0; i < e->enums.len; i++)
        if (e->enums.items[i] == oid)
            return e->enum_names.items[i];
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    const char *type = u->schema && strcmp(u->schema, PGC_HOME_SCHEMA) != 0
                               && strcmp(u->schema, "public") != 0
                           ? pgc_arena_printf(e->a, "%s_%s", u->schema, u->name)
                           : u->name;
    const char *c = pgc_arena_printf(e->a, "%s_%s", e->name, c_name(e->a, type, false, "enum"));
    c = unique(e->a, &e->globals, c);
    /* keep the list sorted by oid, for a stable order */
    size_t at = e->enums.len;
    PGC_PUSH(e->a, e->enums, oid);
    PGC_PUSH(e->a, e->enum_names, c);
    while (at > 0 && e->enums.items[at - 1] > oid) {
        e->enums.items[at] = e->enums.items[at - 1];
        e->enum_names.items[at] = e->enum_names.items[at - 1];
        at--;
    }
    e->enums.items[at] = oid;
    e->enum_names.items[at] = c;
    return c;
}

/* The handling of type oid, or false if there is none yet. */
static bool type_of(emitter *e, uint32_t oid, ctype *out)
{
    uint32_t base = pgc_cat_base_type(e->p->catalog, oid);
    memset(out, 0, sizeof *out);
    out->oid = base;
    switch (base) {
    case 21: *out = (ctype){V_INT2, "int16_t", "int2", 2, base, NULL}; return true;
    case 23: *out = (ctype){V_INT4, "int32_t", "int4", 4, base, NULL}; return true;
    case 20: *out = (ctype){V_INT8, "int64_t", "int8", 8, base, NULL}; return true;
    case 700: *out = (ctype){V_FLOAT4, "float", "float4", 4, base, NULL}; return true;
    case 701: *out = (ctype){V_FLOAT8, "double", "float8", 8, base, NULL}; return true;
    case 16: *out = (ctype){V_BOOL, "bool", "bool", 1, base, NULL}; return true;
    case 25: case 1043: case 1042: case 19: case 114:
        *out = (ctype){V_TEXT, "const char *", NULL, 0, base, NULL};
        return true;
    case 3802: *out = (ctype){V_JSONB, "const char *", NULL, 0, base, NULL}; return true;
    case 1700: *out = (ctype){V_NUMERIC, "const char *", NULL, 0, base, NULL}; return true;
    case 17: *out = (ctype){V_BYTES, "pgc_bytes", NULL, 0, base, NULL}; return true;
    case 2950: *out = (ctype){V_UUID, "pgc_uuid", "uuid", 16, base, NULL}; return true;
    case 1082: *out = (ctype){V_DATE, "pgc_date", "date", 4, base, NULL}; return true;
    case 1114: case 1184:
        *out = (ctype){V_TIMESTAMP, "pgc_timestamp", "timestamp", 8, base, NULL};
        return true;
    default:
        break;
    }
    pgc_utype *u = pgc_cat_utype(e->p->catalog, base);
    if (!u || u->dropped)
        return false;
    if (u->t.type == 'e') {
        const char *c = enum_c_name(e, base);
        *out = (ctype){V_ENUM, c, NULL, 0, 0, c};
        return true;
    }
    if (u->t.type == 'b' && strcmp(u->name, "citext") == 0) {
        *out = (ctype){V_TEXT, "const char *", NULL, 0, 0, NULL};
        return true;
    }
    return false;
}

static bool is_string(const ctype *t)
{
    return t->kind == V_TEXT || t->kind == V_JSONB || t->kind == V_NUMERIC;
}

/* ---- C string literals ---------------------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (s[0] >= 0xF8 || len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/*
 * text as a C string literal, one source line per line of text, lines
 * after the first indented by `indent` spaces.  Escapes what C needs
 * (quotes, backslashes, "??" trigraphs, control bytes, invalid UTF-8 as
 * octal); valid UTF-8 is kept as it is.
 */
static const char *c_string(pgc_arena *a, const char *text, size_t len, int indent)
{
    strbuf b = {.a = a};
    sb_puts(&b, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            sb_puts(&b, "\\n");
            if (i + 1 < len)
                sb_printf(&b, "\"\n%*s\"", indent, "");
        } else if (c == '"' || c == '\\') {
            sb_printf(&b, "\\%c", c);
        } else if (c == '?' && i > 0 && text[i - 1] == '?') {
            sb_puts(&b, "\\?");
        } else if (c == '\t') {
            sb_puts(&b, "\\t");
        } else if (c == '\r') {
            sb_puts(&b, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(&b, "\\%03o", c);
        } else if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)text + i, len - i);
            if (n == 0) {
                sb_printf(&b, "\\%03o", c);
            } else {
                sb_add(&b, text + i, n);
                i += n - 1;
            }
        } else {
            char ch = (char)c;
            sb_add(&b, &ch, 1);
        }
    }
    sb_puts(&b, "\"");
    return sb_take(&b);
}

/* Text for a C comment: no comment end inside. */
static const char *comment_text(pgc_arena *a, const char *s)
{
    strbuf b = {.a = a};
    for (; *s; s++) {
        sb_add(&b, s, 1);
        if (s[0] == '*' && s[1] == '/')
            sb_puts(&b, " ");
    }
    return sb_take(&b);
}

/* ---- the query's SQL ------------------------------------------------------------------------ */

/*
 * The query as the runtime wants it: parameters as $n (as in canonical
 * SQL) but templates kept as the user wrote them, for the runtime to
 * render per schema.  The canonical text's map says which bytes replaced
 * what: a replaced "{{...}}" goes back to the source.
 */
static const char *runtime_sql(pgc_arena *a, const pgc_stmt_text *t)
{
    strbuf b = {.a = a};
    const char *src = t->file->text + t->offset;
    size_t at = 0;
    for (size_t i = 0; i < t->map.n; i++) {
        const pgc_render_seg *s = &t->map.seg[i];
        sb_add(&b, t->canon + at, s->out_off - at);
        if (s->src_len >= 2 && src[s->src_off] == '{' && src[s->src_off + 1] == '{')
            sb_add(&b, src + s->src_off, s->src_len);
        else
            sb_add(&b, t->canon + s->out_off, s->out_len);
        at = s->out_off + s->out_len;
    }
    sb_add(&b, t->canon + at, t->canon_len - at);
    return sb_take(&b);
}

/* ---- one query ------------------------------------------------------------------------------ */

typedef struct param {
    const pgc_param_info *info;
    const char *c;          /* C name */
    ctype t;
} param;

typedef struct column {
    const pgc_column_info *info;
    const char *c;          /* member name */
    const char *is_null;    /* companion's name, or NULL */
    ctype t;
} column;

static void query_error(emitter *e, const pgc_query_src *q, const char *fmt, ...) PGC_PRINTF(3, 4);
static void query_error(emitter *e, const pgc_query_src *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = pgc_arena_alloc(e->a, 1024);
    vsnprintf(msg, 1024, fmt, ap);
    va_end(ap);
    pgc_diag_error(e->d, q->text.file, q->annotation_offset, "query %s: %s", q->name, msg);
}

static const char *const param_reserved[] = {
    "db", "row", "it", "err", "affected", "res", "values", "lengths", "formats", "bin", "rc",
};

/* Names and types of the query's parameters and columns; false after reporting. */
static bool resolve_query(emitter *e, const pgc_query_info *qi, param **params, column **cols)
{
    const pgc_query_src *q = qi->src;
    bool ok = true;
    names used = {0};
    for (size_t i = 0; i < sizeof param_reserved / sizeof param_reserved[0]; i++)
        PGC_PUSH(e->a, used, param_reserved[i]);
    *params = pgc_arena_alloc(e->a, (qi->params.len + 1) * sizeof **params);
    for (size_t i = 0; i < qi->params.len; i++) {
        const pgc_param_info *pi = &qi->params.items[i];
        param *p = &(*params)[i];
        p->info = pi;
        p->c = unique(e->a, &used, c_name(e->a, pi->name, false, "param"));
        if (pi->kind == PGC_PARAM_SLICE || !type_of(e, pi->type, &p->t)) {
            query_error(e, q, "parameter %s has type %s, which pgc generate does not support yet",
                        pi->name, pgc_catalog_type_name(e->p->catalog, pi->type, -1));
            ok = false;
        }
    }
    used.len = 0;
    PGC_PUSH(e->a, used, "result");
    *cols = pgc_arena_alloc(e->a, (qi->columns.len + 1) * sizeof **cols);
    for (size_t i = 0; i < qi->columns.len; i++) {
        const pgc_column_info *ci = &qi->columns.items[i];
        column *c = &(*cols)[i];
        c->info = ci;
        char fallback[32];
        snprintf(fallback, sizeof fallback, "column_%zu", i + 1);
        const char *base = c_name(e->a, ci->name, false, fallback);
        if (ci->embed)
            base = pgc_arena_printf(e->a, "%s_%s", c_name(e->a, ci->embed, false, "embed"), base);
        c->c = unique(e->a, &used, base);
        if (ci->nullable)
            c->is_null = unique(e->a, &used, pgc_arena_printf(e->a, "%s_is_null", c->c));
        if (!type_of(e, ci->type, &c->t)) {
            query_error(e, q, "column %s has type %s, which pgc generate does not support yet",
                        ci->name, pgc_catalog_type_name(e->p->catalog, ci->type, ci->typmod));
            ok = false;
        }
    }
    return ok;
}

/* "const int64_t *x" and the like. */
static const char *param_decl(emitter *e, const param *p)
{
    bool ptr = p->info->nullable && !is_string(&p->t);
    const char *c = p->t.c;
    if (is_string(&p->t))
        return pgc_arena_printf(e->a, "%s%s", c, p->c);
    return pgc_arena_printf(e->a, "%s%s %s%s", ptr ? "const " : "", c, ptr ? "*" : "", p->c);
}

/* The statements binding each parameter into values[] (and bin[], lengths[]). */
static const char *binds(emitter *e, const char *fn, const param *ps, size_t n)
{
    strbuf b = {.a = e->a};
    for (size_t i = 0; i < n; i++) {
        const param *p = &ps[i];
        const char *x = p->c;
        bool null = p->info->nullable;
        const char *v = null ? pgc_arena_printf(e->a, "*%s", x) : x;
        switch (p->t.kind) {
        case V_TEXT: case V_JSONB: case V_NUMERIC:
            if (!null)
                sb_printf(&b,
                          "    if (!%s)\n"
                          "        return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                          "                              \"parameter %s is NULL\");\n",
                          x, fn, x);
            sb_printf(&b, "    values[%zu] = %s;\n", i, x);
            break;
        case V_BYTES: {
            const char *acc = null ? pgc_arena_printf(e->a, "%s->", x)
                                   : pgc_arena_printf(e->a, "%s.", x);
            const char *ind = null ? "        " : "    ";
            if (null)
                sb_printf(&b, "    values[%zu] = NULL;\n    if (%s) {\n", i, x);
            sb_printf(&b,
                      "%sif (%slen > INT_MAX)\n"
                      "%s    return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "%s                          \"parameter %s is too long\");\n"
                      "%svalues[%zu] = %sdata ? (const char *)%sdata : \"\";\n"
                      "%slengths[%zu] = (int)%slen;\n",
                      ind, acc, ind, fn, ind, x, ind, i, acc, acc, ind, i, acc);
            if (null)
                sb_puts(&b, "    }\n");
            break;
        }
        case V_ENUM:
            if (null)
                sb_printf(&b,
                          "    values[%zu] = NULL;\n"
                          "    if (%s && !(values[%zu] = %s_to_text(*%s)))\n",
                          i, x, i, p->t.enum_c, x);
            else
                sb_printf(&b, "    values[%zu] = %s_to_text(%s);\n    if (!values[%zu])\n", i,
                          p->t.enum_c, x, i);
            sb_printf(&b,
                      "        return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "                              \"parameter %s is not a %s value\");\n",
                      fn, x, p->t.enum_c);
            break;
        case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
        case V_UUID: case V_DATE: case V_TIMESTAMP:
            if (null)
                sb_printf(&b, "    values[%zu] = %s ? pgc_put_%s(bin[%zu], %s) : NULL;\n", i, x,
                          p->t.suffix, i, v);
            else
                sb_printf(&b, "    values[%zu] = pgc_put_%s(bin[%zu], %s);\n", i, p->t.suffix, i,
                          v);
            break;
        }
    }
    return sb_take(&b);
}

/* The statements reading column i of row 0 of res into row. */
static void read_column(emitter *e, strbuf *b, const char *fn, const column *c, size_t i)
{
    (void)e;
    const char *m = c->c;
    switch (c->t.kind) {
    case V_ENUM:
        if (c->is_null) {
            sb_printf(b, "    row->%s = pgc_result_is_null(res, 0, %zu);\n", c->is_null, i);
            sb_printf(b, "    if (!row->%s\n        && !%s_from_text(pgc_get_text(res, 0, %zu), "
                         "&row->%s))\n", c->is_null, c->t.enum_c, i, m);
        } else {
            sb_printf(b, "    if (!%s_from_text(pgc_get_text(res, 0, %zu), &row->%s))\n",
                      c->t.enum_c, i, m);
        }
        sb_printf(b,
                  "        return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                  "                              \"column %s: '%%s' is not a %s label\",\n"
                  "                              pgc_result_value(res, 0, %zu));\n",
                  fn, m, c->t.enum_c, i);
        return;
    case V_NUMERIC:
        sb_printf(b, "    row->%s = pgc_get_numeric(res, 0, %zu, err);\n", m, i);
        if (c->is_null)
            sb_printf(b, "    row->%s = pgc_result_is_null(res, 0, %zu);\n", c->is_null, i);
        sb_printf(b, "    if (!row->%s && !pgc_result_is_null(res, 0, %zu))\n"
                     "        return PGC_ENOMEM;\n", m, i);
        return;
    case V_TEXT:
        sb_printf(b, "    row->%s = pgc_get_text(res, 0, %zu);\n", m, i);
        break;
    case V_JSONB:
        sb_printf(b, "    row->%s = pgc_get_jsonb(res, 0, %zu);\n", m, i);
        break;
    case V_BYTES:
        sb_printf(b, "    row->%s = pgc_get_bytes(res, 0, %zu);\n", m, i);
        break;
    case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
    case V_UUID: case V_DATE: case V_TIMESTAMP:
        sb_printf(b, "    row->%s = pgc_get_%s(res, 0, %zu);\n", m, c->t.suffix, i);
        break;
    }
    if (c->is_null)
        sb_printf(b, "    row->%s = pgc_result_is_null(res, 0, %zu);\n", c->is_null, i);
}

static void emit_query(emitter *e, const pgc_query_info *qi, strbuf *h, strbuf *c)
{
    const pgc_query_src *q = qi->src;
    param *ps;
    column *cs;
    if (!resolve_query(e, qi, &ps, &cs))
        return;
    size_t np = qi->params.len, nc = qi->columns.len;
    switch (q->cmd) {
    case PGC_CMD_ONE: case PGC_CMD_MANY:
        if (nc == 0) {
            query_error(e, q, "%s needs a query that returns columns (add RETURNING, or use "
                              ":exec)", pgc_cmd_name(q->cmd));
            return;
        }
        break;
    case PGC_CMD_EXEC: case PGC_CMD_EXECROWS: case PGC_CMD_EXECRESULT:
        break;
    case PGC_CMD_COPYFROM: case PGC_CMD_BATCHEXEC: case PGC_CMD_BATCHONE:
    case PGC_CMD_BATCHMANY:
        query_error(e, q, "%s is not supported by pgc generate yet", pgc_cmd_name(q->cmd));
        return;
    }

    pgc_arena *a = e->a;
    const char *fn = unique(a, &e->globals,
                            pgc_arena_printf(a, "%s_%s", e->name, snake_case(a, q->name)));
    int line;
    pgc_text_position(q->text.file->text, q->text.file->len, q->annotation_offset, &line, NULL);
    tmpl t = {.a = a};
    set(&t, "fn", fn);
    set(&t, "query", pgc_arena_printf(a, "%s %s", q->name, pgc_cmd_name(q->cmd)));
    set(&t, "where", comment_text(a, pgc_arena_printf(a, "%s:%d", q->text.file->path, line)));
    set(&t, "row", pgc_arena_printf(a, "%s_row", fn));
    set(&t, "iter", pgc_arena_printf(a, "%s_iter", fn));

    /* parameters, as declared and as called */
    strbuf b = {.a = a};
    sb_puts(&b, "pgc_db *db, ");
    for (size_t i = 0; i < np; i++)
        sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    set(&t, "params", sb_take(&b));
    sb_puts(&b, "db, ");
    for (size_t i = 0; i < np; i++)
        sb_printf(&b, "%s, ", ps[i].c);
    set(&t, "call", sb_take(&b));

    /* the statement */
    bool any_binary = false;
    int bin_size = 0;
    for (size_t i = 0; i < np; i++) {
        if (ps[i].t.size || ps[i].t.kind == V_BYTES)
            any_binary = true;
        if (ps[i].t.size > bin_size)
            bin_size = ps[i].t.size;
    }
    if (np) {
        sb_printf(&b, "static const Oid %s_types[] = {", fn);
        for (size_t i = 0; i < np; i++)
            sb_printf(&b, "%s%u", i ? ", " : "", ps[i].t.oid);
        sb_puts(&b, "};\n");
        if (any_binary) {
            sb_printf(&b, "static const int %s_formats[] = {", fn);
            for (size_t i = 0; i < np; i++)
                sb_printf(&b, "%s%d", i ? ", " : "",
                          ps[i].t.size || ps[i].t.kind == V_BYTES ? 1 : 0);
            sb_puts(&b, "};\n");
        }
    }
    set(&t, "param_arrays", sb_take(&b));
    const char *sql = runtime_sql(a, &q->text);
    set(&t, "sql", c_string(a, sql, strlen(sql), 11));
    set(&t, "nparams", pgc_arena_printf(a, "%zu", np));
    set(&t, "param_types", np ? pgc_arena_printf(a, "%s_types", fn) : "NULL");
    set(&t, "result_format", nc ? "1" : "0");
    fill(c, &t, "stmt");

    /* the row */
    if (q->cmd == PGC_CMD_ONE || q->cmd == PGC_CMD_MANY) {
        for (size_t i = 0; i < nc; i++) {
            const column *col = &cs[i];
            const char *type = col->t.c;
            sb_printf(&b, "    %s%s%s;\n", type, type[strlen(type) - 1] == '*' ? "" : " ", col->c);
            if (col->is_null)
                sb_printf(&b, "    bool %s;\n", col->is_null);
        }
        if (q->cmd == PGC_CMD_ONE)
            sb_printf(&b, "    pgc_result *result; /* the row's: %s_row_clear() frees it */\n", fn);
        set(&t, "members", sb_take(&b));
        fill(h, &t, "header_row");
        sb_puts(h, "\n");

        sb_puts(c, "\n");
        for (size_t i = 0; i < nc; i++)
            sb_printf(&b, "%s%u", i ? ", " : "", cs[i].t.oid);
        set(&t, "oids", sb_take(&b));
        fill(c, &t, "column_types");
        sb_puts(c, "\n");
        for (size_t i = 0; i < nc; i++)
            read_column(e, &b, fn, &cs[i], i);
        set(&t, "reads", sb_take(&b));
        set(&t, "ncols", pgc_arena_printf(a, "%zu", nc));
        fill(c, &t, "read_row");
    }

    /* the function */
    if (np) {
        sb_printf(&b, "    const char *values[%zu];\n", np);
        if (any_binary) {
            sb_printf(&b, "    int lengths[%zu] = {", np);
            for (size_t i = 0; i < np; i++)
                sb_printf(&b, "%s%d", i ? ", " : "", ps[i].t.size);
            sb_puts(&b, "};\n");
        }
        if (bin_size)
            sb_printf(&b, "    char bin[%zu][%d];\n", np, bin_size);
        set(&t, "args", any_binary ? pgc_arena_printf(a, "values, lengths, %s_formats", fn)
                                   : "values, NULL, NULL");
    } else {
        set(&t, "args", "NULL, NULL, NULL");
    }
    const char *locals = sb_take(&b);
    set(&t, "locals", locals);
    set(&t, "locals_block", *locals ? pgc_arena_printf(a, "%s\n", locals) : "");
    const char *bind = binds(e, fn, ps, np);
    set(&t, "binds", *bind ? pgc_arena_printf(a, "%s\n", bind) : "");
    const char *kind = NULL;
    switch (q->cmd) {
    case PGC_CMD_ONE: kind = "one"; break;
    case PGC_CMD_MANY: kind = "many"; break;
    case PGC_CMD_EXEC: kind = "exec"; break;
    case PGC_CMD_EXECROWS: kind = "execrows"; break;
    case PGC_CMD_EXECRESULT: kind = "execresult"; break;
    case PGC_CMD_COPYFROM: case PGC_CMD_BATCHEXEC: case PGC_CMD_BATCHONE:
    case PGC_CMD_BATCHMANY: return;
    }
    fill(h, &t, pgc_arena_printf(a, "header_%s", kind));
    sb_puts(h, "\n");
    sb_puts(c, "\n");
    fill(c, &t, pgc_arena_printf(a, "%s_impl", kind));
    sb_puts(c, "\n");
}

/* ---- enums ---------------------------------------------------------------------------------- */

static void emit_enum(emitter *e, uint32_t oid, const char *ctype_name, strbuf *h, strbuf *c)
{
    pgc_arena *a = e->a;
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    tmpl t = {.a = a};
    set(&t, "ctype", ctype_name);
    set(&t, "sqltype", comment_text(a, pgc_catalog_type_name(e->p->catalog, oid, -1)));
    const char *prefix = c_name(a, ctype_name, true, "ENUM");
    names used = {0};
    strbuf en = {.a = a}, cases = {.a = a}, labels = {.a = a};
    for (size_t i = 0; i < u->labels.len; i++) {
        const char *label = u->labels.items[i];
        const char *id = unique(a, &used, pgc_arena_printf(a, "%s_%s", prefix,
                                                           c_name(a, label, true, "EMPTY")));
        const char *lit = c_string(a, label, strlen(label), 0);
        sb_printf(&en, "    %s = %zu,%s\n", id, i + 1,
                  strcasecmp(id + strlen(prefix) + 1, label) != 0
                      ? pgc_arena_printf(a, " /* %s */", comment_text(a, lit))
                      : "");
        sb_printf(&cases, "    case %s:\n        return %s;\n", id, lit);
        sb_printf(&labels, "        {%s, %s},\n", lit, id);
    }
    set(&t, "enumerators", sb_take(&en));
    set(&t, "cases", sb_take(&cases));
    set(&t, "labels", sb_take(&labels));
    fill(h, &t, "header_enum");
    sb_puts(h, "\n");
    fill(c, &t, "enum_impl");
    sb_puts(c, "\n");
}

/* ---- migrations ----------------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* What the runtime runs for a file: the file itself when its up part is
 * all of it (so the checksum is the one pgc_migration_set_load computes),
 * else the up part alone. */
static const char *migration_sql(const pgc_migration_file *m)
{
    const char *text = m->file->text, *up = m->up_sql;
    size_t n = strlen(up);
    if (strncmp(text, up, n) != 0)
        return up;
    for (const char *s = text + n; *s; s++)
        if (!isspace((unsigned char)*s))
            return up;
    return text;
}

static void emit_migrations(emitter *e, strbuf *h, strbuf *c)
{
    pgc_arena *a = e->a;
    tmpl t = {.a = a};
    set(&t, "module", e->name);
    fill(h, &t, "header_migrate");
    sb_puts(h, "\n");

    strbuf files = {.a = a};
    for (size_t i = 0; i < e->p->migrations.len; i++) {
        const pgc_migration_file *m = &e->p->migrations.items[i];
        const char *name = base_name(m->file->path);
        const char *sql = migration_sql(m);
        size_t len = strlen(sql);
        char sum[65];
        pgc_migration_checksum(sql, len, sum);
        char *stem = pgc_arena_strdup(a, name);
        if (strlen(stem) > 4 && strcmp(stem + strlen(stem) - 4, ".sql") == 0)
            stem[strlen(stem) - 4] = '\0';
        const char *var = unique(a, &e->globals, pgc_arena_printf(a, "%s_%s", e->name,
                                                                  c_name(a, pgc_arena_printf(a, "migration_%s", stem), false, "file")));
        set(&t, "var", var);
        set(&t, "sql", pgc_arena_printf(a, "    %s", c_string(a, sql, len, 4)));
        fill(c, &t, len > 4095 ? "migration_long" : "migration");
        sb_puts(c, "\n");
        sb_printf(&files, "    {%llu, %s, %s,\n     \"%s\"},\n", (unsigned long long)m->version,
                  c_string(a, name, strlen(name), 0), var, sum);
    }
    set(&t, "files", sb_take(&files));
    fill(c, &t, "migrate_impl");
}

/* ---- long lines ----------------------------------------------------------------------------- */

enum { MAX_LINE = 100 };

/*
 * Code lines longer than MAX_LINE (prototypes, calls, number arrays) broken
 * after commas, the next lines aligned after the first "(" or "{".  Lines
 * with a string or in a comment are left alone.
 */
static const char *wrap_lines(pgc_arena *a, const char *text)
{
    strbuf b = {.a = a};
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        const char *open = NULL;
        for (size_t i = 0; i < n && !open; i++)
            if (text[i] == '(' || text[i] == '{')
                open = text + i;
        size_t lead = strspn(text, " ");
        if (n <= MAX_LINE || !open || memchr(text, '"', n) || text[lead] == '*'
            || text[lead] == '/') {
            sb_add(&b, text, n);
        } else {
            size_t indent = (size_t)(open - text) + 1, col = 0;
            const char *s = text, *end = text + n;
            while (s < end) {
                /* the longest piece ending after a ", " that fits */
                const char *cut = NULL;
                for (const char *p = s; p + 1 < end; p++)
                    if (p[0] == ',' && p[1] == ' ' && col + (size_t)(p + 1 - s) <= MAX_LINE)
                        cut = p + 1;
                if (col + (size_t)(end - s) <= MAX_LINE || !cut) {
                    sb_add(&b, s, (size_t)(end - s));
                    break;
                }
                sb_add(&b, s, (size_t)(cut - s));
                sb_printf(&b, "\n%*s", (int)indent, "");
                col = indent;
                s = cut + 1;
            }
        }
        if (!nl)
            break;
        sb_puts(&b, "\n");
        text = nl + 1;
    }
    return sb_take(&b);
}

/* ---- files ---------------------------------------------------------------------------------- */

bool pgc_emit(pgc_arena *a, pgc_diags *d, pgc_program *p, const pgc_emit_options *o,
              char **header, char **source)
{
    int errors = d->errors;
    emitter e = {.a = a, .d = d, .p = p, .name = o->name};
    *header = *source = NULL;
    if (!is_identifier(o->name) || is_c_keyword(o->name)) {
        pgc_diag_error(d, NULL, 0, "the name '%s' must be a C identifier", o->name);
        return false;
    }
    if (p->migrations.len == 0) {
        pgc_diag_error(d, NULL, 0, "no migrations: give -m MIGRATION...");
        return false;
    }
    PGC_PUSH(a, e.globals, pgc_arena_printf(a, "%s_migrate", o->name));
    PGC_PUSH(a, e.globals, pgc_arena_printf(a, "%s_migration_set", o->name));
    PGC_PUSH(a, e.globals, pgc_arena_printf(a, "%s_migrations", o->name));

    /* queries first: they decide which enums are used */
    strbuf qh = {.a = a}, qc = {.a = a};
    for (size_t i = 0; i < p->infos.len; i++)
        emit_query(&e, &p->infos.items[i], &qh, &qc);
    if (d->errors != errors)
        return false;

    tmpl t = {.a = a};
    strbuf b = {.a = a};
    sb_puts(&b, " * Inputs:\n");
    for (size_t i = 0; i < o->ninputs; i++)
        sb_printf(&b, " *   %s\n", comment_text(a, o->inputs[i]));
    set(&t, "inputs", sb_take(&b));
    set(&t, "version", PGC_VERSION);
    set(&t, "guard", pgc_arena_printf(a, "%s_H", c_name(a, o->name, true, "PGC")));
    set(&t, "header", pgc_arena_printf(a, "%s.h", o->name));

    strbuf h = {.a = a}, c = {.a = a}, ec = {.a = a};
    fill(&h, &t, "banner");
    fill(&h, &t, "header_top");
    sb_puts(&h, "\n");
    for (size_t i = 0; i < e.enums.len; i++)
        emit_enum(&e, e.enums.items[i], e.enum_names.items[i], &h, &ec);
    emit_migrations(&e, &h, &c);
    sb_add(&h, qh.p ? qh.p : "", qh.len);
    fill(&h, &t, "header_bottom");

    strbuf out = {.a = a};
    fill(&out, &t, "banner");
    fill(&out, &t, "source_top");
    sb_puts(&out, "\n");
    sb_add(&out, ec.p ? ec.p : "", ec.len);
    sb_add(&out, qc.p ? qc.p : "", qc.len);
    sb_puts(&out, "\n");
    sb_add(&out, c.p ? c.p : "", c.len);
    *header = (char *)wrap_lines(a, sb_take(&h));
    *source = (char *)wrap_lines(a, sb_take(&out));
    return true;
}

bool pgc_emit_write_file(pgc_diags *d, const char *path, const char *text)
{
    size_t len = strlen(text);
    FILE *f = fopen(path, "rb");
    if (f) {
        bool same = true;
        size_t at = 0;
        char buf[8192];
        size_t n;
        while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
            same = at + n <= len && memcmp(buf, text + at, n) == 0;
            at += n;
        }
        same = same && !ferror(f) && at == len;
        fclose(f);
        if (same)
            return true;
    }
    size_t tn = strlen(path) + 32;
    char *tmp = malloc(tn);
    if (!tmp) {
        pgc_diag_error(d, NULL, 0, "out of memory");
        return false;
    }
    snprintf(tmp, tn, "%s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        pgc_diag_error(d, NULL, 0, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return ok;
}

/* ---- the command ---------------------------------------------------------------------------- */

#define USAGE                                                                         \
    "usage: pgc generate -m MIGRATION... -q QUERY... -n NAME -o OUTDIR\n"             \
    "  -m, --migrations PATH...  migration files or directories, in any order\n"      \
    "  -q, --queries PATH...     annotated query files or directories\n"              \
    "  -n, --name NAME           the C prefix and module name (a C identifier)\n"     \
    "  -o, --out OUTDIR          where NAME.h and NAME.c are written\n"               \
    "Writes a typed C function per query and the migrations, embedded.\n"

typedef PGC_VEC(const char *) strings;

typedef struct options {
    strings migrations, queries, inputs;
    const char *name, *out;
} options;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("pgc generate: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try pgc generate --help)\n", stderr);
    return 2;
}

/* Returns 0 to go on, 2 on a usage error, -1 after --help. */
static int parse_options(pgc_arena *a, int argc, char **argv, options *o)
{
    strings *into = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "-m") == 0 || strcmp(arg, "--migrations") == 0) {
                into = &o->migrations;
            } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--queries") == 0) {
                into = &o->queries;
            } else if (strcmp(arg, "-n") == 0 || strcmp(arg, "--name") == 0
                       || strcmp(arg, "-o") == 0 || strcmp(arg, "--out") == 0) {
                if (i + 1 >= argc)
                    return usage_error("'%s' needs a value", arg);
                if (arg[1] == 'n' || arg[2] == 'n')
                    o->name = argv[++i];
                else
                    o->out = argv[++i];
                into = NULL;
            } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
                fputs(USAGE, stdout);
                return -1;
            } else {
                return usage_error("unknown option '%s'", arg);
            }
            continue;
        }
        if (!into)
            return usage_error("'%s' must follow -m or -q", arg);
        PGC_PUSH(a, *into, arg);
    }
    if (o->migrations.len == 0)
        return usage_error("%s", "no migrations: give -m MIGRATION...");
    if (!o->name || !o->out)
        return usage_error("%s", "give -n NAME and -o OUTDIR");
    return 0;
}

int pgc_generate_main(int argc, char **argv)
{
    pgc_arena *a = pgc_arena_new();
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(a, argc, argv, &o);
    if (rc != 0) {
        pgc_arena_free(a);
        return rc < 0 ? 0 : rc;
    }
    pgc_diags d = {.out = stderr};
    pgc_program p;
    char *header = NULL, *source = NULL;
    bool ok = pgc_program_load(a, &d, o.migrations.items, o.migrations.len, o.queries.items,
                               o.queries.len, &p);
    if (ok) {
        /* the banner names every input file, as read (directories expanded) */
        for (size_t i = 0; i < p.migrations.len; i++)
            PGC_PUSH(a, o.inputs, p.migrations.items[i].file->path);
        const pgc_file *last = NULL;
        for (size_t i = 0; i < p.queries.len; i++) {
            if (p.queries.items[i].text.file != last) {
                last = p.queries.items[i].text.file;
                PGC_PUSH(a, o.inputs, last->path);
            }
        }
        pgc_emit_options eo = {o.name, o.inputs.items, o.inputs.len};
        ok = pgc_emit(a, &d, &p, &eo, &header, &source);
    }
    if (ok) {
        struct stat st;
        if (stat(o.out, &st) != 0 || !S_ISDIR(st.st_mode)) {
            pgc_diag_error(&d, NULL, 0, "the output folder %s does not exist", o.out);
            ok = false;
        }
    }
    if (ok) {
        char *hpath = pgc_arena_printf(a, "%s/%s.h", o.out, o.name);
        char *cpath = pgc_arena_printf(a, "%s/%s.c", o.out, o.name);
        ok = pgc_emit_write_file(&d, hpath, header) && pgc_emit_write_file(&d, cpath, source);
    }
    pgc_program_free(&p);
    pgc_arena_free(a);
    return ok ? 0 : 1;
}
