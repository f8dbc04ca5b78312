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
#include <unistd.h>

#include "builtins.h"
#include "catalog.h"
#include "parse.h"
#include "pgc.h"
#include "sqltext.h"
#include "strmap.h"

/* build/gen/templates.c, from templates/emit.tmpl: one string per line. */
extern const char *const pgc_emit_template[];
extern const size_t pgc_emit_template_lines;

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
static void fill(pgc_strbuf *out, const tmpl *t, const char *name)
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
                pgc_sb_puts(out, v);
                if (v[strlen(v) - 1] != '\n')
                    pgc_sb_puts(out, "\n");
            }
            continue;
        }
        while (*l) {
            const char *at = strchr(l, '@'), *close = at ? strchr(at + 1, '@') : NULL;
            if (!close) {
                pgc_sb_puts(out, l);
                break;
            }
            pgc_sb_add(out, l, (size_t)(at - l));
            pgc_sb_puts(out, lookup(t, at + 1, (size_t)(close - at - 1)));
            l = close + 1;
        }
        pgc_sb_puts(out, "\n");
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
    pgc_strbuf b = {.a = a};
    for (size_t i = 0; name[i]; i++) {
        unsigned char c = (unsigned char)name[i], prev = i ? (unsigned char)name[i - 1] : 0,
                      next = (unsigned char)name[i + 1];
        if (isupper(c) && i > 0 && prev != '_'
            && (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))))
            pgc_sb_puts(&b, "_");
        char lc = (char)tolower(c);
        pgc_sb_add(&b, &lc, 1);
    }
    return (char *)pgc_sb_take(&b);
}

/* Any text as a C identifier: other bytes become '_', runs of '_' one, no
 * '_' at either end; `fallback` if nothing is left; upper case if asked. */
static char *c_name(pgc_arena *a, const char *s, bool upper, const char *fallback)
{
    pgc_strbuf b = {.a = a};
    bool gap = false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80 && isalnum(c)) {
            if (gap && b.len)
                pgc_sb_puts(&b, "_");
            gap = false;
            char o = (char)(upper ? toupper(c) : c);
            pgc_sb_add(&b, &o, 1);
        } else {
            gap = true;
        }
    }
    const char *r = pgc_sb_take(&b);
    if (!*r)
        return pgc_arena_strdup(a, fallback);
    if (isdigit((unsigned char)r[0]))
        return pgc_arena_printf(a, "%s_%s", upper ? "V" : "c", r);
    return (char *)r;
}

/* A set of names: a hash map whose values are the names themselves (a
 * project has thousands of global names; a linear search made unique()
 * quadratic). */
typedef pgc_strmap names;

static bool taken(const names *used, const char *s)
{
    return pgc_strmap_has(used, s);
}

/*
 * Who defines a C name at file scope, for the error when a query's names
 * would clash (emitter.globals maps each name to one): `what` of query q,
 * or, q NULL, what the module itself defines ("the migrations' function")
 * or a name the emitter chose to be unique (`what` NULL).
 */
typedef struct owner {
    const char *what;
    const pgc_query_src *q;
} owner;

static const owner unique_name = {NULL, NULL};

static void add_name(pgc_arena *a, names *used, const char *s)
{
    pgc_strmap_put(a, used, s, &unique_name);
}

/* base, or base_2, base_3...: a name not in used (nor a C keyword), added to it. */
static const char *unique(pgc_arena *a, names *used, const char *base)
{
    const char *s = is_c_keyword(base) ? pgc_arena_printf(a, "%s_", base) : base;
    for (int k = 2; taken(used, s); k++)
        s = pgc_arena_printf(a, "%s_%d", base, k);
    add_name(a, used, s);
    return s;
}

/* ---- types ---------------------------------------------------------------------------------- */

typedef enum vkind {
    V_INT2, V_INT4, V_INT8, V_FLOAT4, V_FLOAT8, V_BOOL, V_TEXT, V_JSONB, V_NUMERIC,
    V_BYTES, V_UUID, V_DATE, V_TIMESTAMP, V_INTERVAL, V_ENUM, V_ARRAY, V_COMPOSITE, V_RANGE
} vkind;

typedef struct cstruct cstruct;

/* How one PostgreSQL type is handled. */
typedef struct ctype {
    vkind kind;
    const char *c;        /* the C type */
    const char *suffix;   /* of pgc_put_* (binary parameters) and pgc_field_*, or NULL */
    int size;             /* binary parameter size, 0: variable or text */
    uint32_t oid;         /* the OID the server reports (domains: their base), 0: unknown */
    const char *enum_c;   /* V_ENUM, and V_ARRAY of an enum: the C enum */
    uint32_t elem;        /* V_ARRAY: the element type's OID, 0: sent as text ({"a","b"}) */
    const char *decode;   /* V_ARRAY: pgc_field_<decode>_array reads it */
    cstruct *st;          /* V_COMPOSITE: its struct */
} ctype;

/* A member of a struct: a field of a composite type, a column of a table. */
typedef struct member {
    const pgc_col *col;
    const char *c;        /* member name */
    const char *is_null;  /* companion's name, or NULL */
    bool nullable;        /* decided before any code is written (see plan_structs) */
    bool ok;              /* has a C type */
    ctype t;
} member;

/*
 * The C struct of a composite type: CREATE TYPE x AS (...), or a table's
 * row type (for a column of that type, and for sqlc.embed(t)).  One per
 * type, named NAME_TYPE.
 */
struct cstruct {
    uint32_t oid;
    const pgc_rel *rel;
    const char *c;        /* the C type */
    const char *reader;   /* its decoder's name, once a value of the type is read */
    const char *writer;   /* its encoder's name, once a value is a parameter */
    const char *sqltype;
    PGC_VEC(member) m;
    bool resolved;        /* members' C types known */
    bool emitted;
};

typedef struct emitter {
    pgc_arena *a;
    pgc_diags *d;
    pgc_program *p;
    const char *name;
    PGC_VEC(uint32_t) enums;           /* enum oids used, by oid */
    PGC_VEC(const char *) enum_names;  /* their C names, same order */
    PGC_VEC(cstruct *) structs;        /* composite types used, in first-use order */
    names globals;                     /* C names at file scope, each to its owner */
    const char *free_arrays, *arrays_failed; /* helpers' names, once array parameters need them */
    /* Where query_line() stopped counting: queries come in file order, so
     * counting on from the previous one keeps a file's lines linear. */
    const pgc_file *line_file;
    size_t line_offset;
    int line;
} emitter;

/* The line of q's annotation (what pgc_text_position gives), counted on
 * from the previous query's when it is further down the same file. */
static int query_line(emitter *e, const pgc_query_src *q)
{
    const pgc_file *file = q->text.file;
    size_t offset = q->annotation_offset < file->len ? q->annotation_offset : file->len;
    if (file != e->line_file || offset < e->line_offset) {
        e->line_file = file;
        e->line_offset = 0;
        e->line = 1;
    }
    const char *text = file->text;
    for (size_t i = e->line_offset; i < offset; i++)
        if (text[i] == '\n')
            e->line++;
    e->line_offset = offset;
    return e->line;
}

/* A user type's name as a C identifier: NAME_type, or NAME_schema_type
 * outside the schemas shown without qualification. */
static const char *user_c_name(emitter *e, const pgc_utype *u, const char *fallback)
{
    const char *type = u->schema && strcmp(u->schema, PGC_HOME_SCHEMA) != 0
                               && strcmp(u->schema, "public") != 0
                           ? pgc_arena_printf(e->a, "%s_%s", u->schema, u->name)
                           : u->name;
    const char *c = pgc_arena_printf(e->a, "%s_%s", e->name, c_name(e->a, type, false, fallback));
    /* A query's names (claimed first) stay: the type gives way, NAME_TYPE_type
     * (then _2, _3...), until it and its functions' names are free. */
    bool is_enum = u->t.type == 'e';
    const char *base = c;
    for (int k = 1;; k++) {
        if (!taken(&e->globals, c)
            && (!is_enum || (!taken(&e->globals, pgc_arena_printf(e->a, "%s_to_text", c))
                             && !taken(&e->globals, pgc_arena_printf(e->a, "%s_from_text", c)))))
            break;
        c = k == 1 ? pgc_arena_printf(e->a, "%s_type", base)
                   : pgc_arena_printf(e->a, "%s_type_%d", base, k);
    }
    add_name(e->a, &e->globals, c);
    if (is_enum) {
        add_name(e->a, &e->globals, pgc_arena_printf(e->a, "%s_to_text", c));
        add_name(e->a, &e->globals, pgc_arena_printf(e->a, "%s_from_text", c));
    }
    return c;
}

static const char *enum_c_name(emitter *e, uint32_t oid)
{
    for (size_t i = 0; i < e->enums.len; i++)
        if (e->enums.items[i] == oid)
            return e->enum_names.items[i];
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    const char *c = user_c_name(e, u, "enum");
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

static bool type_of(emitter *e, uint32_t oid, ctype *out);

/*
 * The struct of composite type oid, made on first use with its members'
 * names and nullability: every field of a CREATE TYPE composite may be
 * NULL (it cannot be declared NOT NULL); a table's row follows the table's
 * NOT NULLs (a NULL there is refused at run time, as for columns).
 * Members' C types are resolved by resolve_struct, once nullability is
 * final.
 */
static cstruct *struct_of(emitter *e, uint32_t oid)
{
    for (size_t i = 0; i < e->structs.len; i++)
        if (e->structs.items[i]->oid == oid)
            return e->structs.items[i];
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    const pgc_rel *rel = pgc_cat_type_rel(e->p->catalog, oid);
    if (!u || !rel || u->dropped)
        return NULL;
    cstruct *st = pgc_arena_alloc(e->a, sizeof *st);
    memset(st, 0, sizeof *st);
    st->oid = oid;
    st->rel = rel;
    st->c = user_c_name(e, u, "row");
    st->sqltype = pgc_catalog_type_name(e->p->catalog, oid, -1);
    names used = {0};
    for (size_t i = 0; i < rel->cols.len; i++) {
        member m = {0};
        m.col = &rel->cols.items[i];
        char fallback[32];
        snprintf(fallback, sizeof fallback, "field_%zu", i + 1);
        m.c = unique(e->a, &used, c_name(e->a, m.col->name, false, fallback));
        m.nullable = rel->kind == 'c' || !m.col->not_null;
        PGC_PUSH(e->a, st->m, m);
    }
    PGC_PUSH(e->a, e->structs, st);
    return st;
}

/* The members' C types and companions' names; call once nullability is final. */
static void resolve_struct(emitter *e, cstruct *st)
{
    if (st->resolved)
        return;
    st->resolved = true;
    names used = {0};
    for (size_t i = 0; i < st->m.len; i++)
        add_name(e->a, &used, st->m.items[i].c);
    for (size_t i = 0; i < st->m.len; i++) {
        member *m = &st->m.items[i];
        m->ok = type_of(e, m->col->type, &m->t);
        if (m->nullable)
            m->is_null = unique(e->a, &used, pgc_arena_printf(e->a, "%s_is_null", m->c));
    }
}

/* The handling of type oid, or false if there is none yet. */
static bool type_of(emitter *e, uint32_t oid, ctype *out)
{
    uint32_t base = pgc_cat_base_type(e->p->catalog, oid);
    memset(out, 0, sizeof *out);
    out->oid = base;
    switch (base) {
    case 21: *out = (ctype){V_INT2, "int16_t", "int2", 2, base, NULL, 0, NULL, NULL}; return true;
    case 23: *out = (ctype){V_INT4, "int32_t", "int4", 4, base, NULL, 0, NULL, NULL}; return true;
    case 20: *out = (ctype){V_INT8, "int64_t", "int8", 8, base, NULL, 0, NULL, NULL}; return true;
    case 700:
        *out = (ctype){V_FLOAT4, "float", "float4", 4, base, NULL, 0, NULL, NULL};
        return true;
    case 701:
        *out = (ctype){V_FLOAT8, "double", "float8", 8, base, NULL, 0, NULL, NULL};
        return true;
    case 16: *out = (ctype){V_BOOL, "bool", "bool", 1, base, NULL, 0, NULL, NULL}; return true;
    case 25: case 1043: case 1042: case 19: case 114:
        *out = (ctype){V_TEXT, "const char *", "text", 0, base, NULL, 0, NULL, NULL};
        return true;
    case 3802:
        *out = (ctype){V_JSONB, "const char *", "jsonb", 0, base, NULL, 0, NULL, NULL};
        return true;
    case 1700:
        *out = (ctype){V_NUMERIC, "const char *", "numeric", 0, base, NULL, 0, NULL, NULL};
        return true;
    case 17:
        *out = (ctype){V_BYTES, "pgc_bytes", "bytes", 0, base, NULL, 0, NULL, NULL};
        return true;
    case 2950: *out = (ctype){V_UUID, "pgc_uuid", "uuid", 16, base, NULL, 0, NULL, NULL}; return true;
    case 1082: *out = (ctype){V_DATE, "pgc_date", "date", 4, base, NULL, 0, NULL, NULL}; return true;
    case 1114: case 1184:
        *out = (ctype){V_TIMESTAMP, "pgc_timestamp", "timestamp", 8, base, NULL, 0, NULL, NULL};
        return true;
    case 1186:
        *out = (ctype){V_INTERVAL, "pgc_interval", "interval", 16, base, NULL, 0, NULL, NULL};
        return true;
    default:
        break;
    }
    /*
     * One-dimensional arrays: of the scalars that have a binary form, sent
     * in binary; of numeric and jsonb as text ({"1.5","2"}), so that the
     * caller's text is what the server parses.  `name` is the C type's
     * (pgc_NAME_array) and the encoder's; `decode` the decoder's.
     */
    static const struct {
        uint32_t oid, elem;
        const char *name, *decode;
        bool text;
    } arrays[] = {
        {1005, 21, "int2", "int2", false}, {1007, 23, "int4", "int4", false},
        {1016, 20, "int8", "int8", false}, {1021, 700, "float4", "float4", false},
        {1022, 701, "float8", "float8", false}, {1000, 16, "bool", "bool", false},
        {2951, 2950, "uuid", "uuid", false}, {1182, 1082, "date", "date", false},
        {1115, 1114, "timestamp", "timestamp", false},
        {1185, 1184, "timestamp", "timestamp", false},
        {1187, 1186, "interval", "interval", false}, {1001, 17, "bytes", "bytes", false},
        {1009, 25, "text", "text", false}, {1015, 1043, "text", "text", false},
        {1014, 1042, "text", "text", false}, {1003, 19, "text", "text", false},
        {199, 114, "text", "text", false}, {1231, 1700, "text", "numeric", true},
        {3807, 3802, "text", "jsonb", true},
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        if (arrays[i].oid == base) {
            *out = (ctype){V_ARRAY, pgc_arena_printf(e->a, "pgc_%s_array", arrays[i].name),
                           pgc_arena_printf(e->a, "%s_array", arrays[i].name), 0, base, NULL,
                           arrays[i].text ? 0 : arrays[i].elem, arrays[i].decode, NULL};
            return true;
        }
    }
    /* ranges of the scalars that have a binary form, sent in binary */
    static const struct {
        uint32_t oid;
        const char *name;
    } ranges[] = {
        {3904, "int4"}, {3926, "int8"}, {3906, "numeric"}, {3912, "date"}, {3908, "timestamp"},
        {3910, "timestamp"},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (ranges[i].oid == base) {
            *out = (ctype){V_RANGE, pgc_arena_printf(e->a, "pgc_%s_range", ranges[i].name),
                           pgc_arena_printf(e->a, "%s_range", ranges[i].name), 0, base, NULL, 0,
                           NULL, NULL};
            return true;
        }
    }
    pgc_utype *u = pgc_cat_utype(e->p->catalog, base);
    if (!u || u->dropped)
        return false;
    if (u->t.type == 'e') {
        const char *c = enum_c_name(e, base);
        *out = (ctype){V_ENUM, c, NULL, 0, 0, c, 0, NULL, NULL};
        return true;
    }
    if (u->t.type == 'b' && strcmp(u->name, "citext") == 0) {
        *out = (ctype){V_TEXT, "const char *", "text", 0, 0, NULL, 0, NULL, NULL};
        return true;
    }
    if (u->t.type == 'c') {
        cstruct *st = struct_of(e, base);
        if (!st)
            return false;
        *out = (ctype){V_COMPOSITE, st->c, NULL, 0, 0, NULL, 0, NULL, st};
        return true;
    }
    /* an array of an enum: its labels, as text both ways */
    uint32_t elem = pgc_cat_elem_type(e->p->catalog, base);
    pgc_utype *eu = elem ? pgc_cat_utype(e->p->catalog, elem) : NULL;
    if (eu && !eu->dropped && eu->t.type == 'e') {
        *out = (ctype){V_ARRAY, "pgc_text_array", "text_array", 0, 0, enum_c_name(e, elem), 0,
                       "label", NULL};
        return true;
    }
    return false;
}

/* Why type oid has no C mapping, for a message ending "... which <why>". */
static const char *unsupported_why(emitter *e, uint32_t oid)
{
    uint32_t base = pgc_cat_base_type(e->p->catalog, oid);
    if (base == OID_RECORD)
        return "pgc generate cannot map: an anonymous record has no fields to map; cast it to "
               "a composite type (ROW(...)::t)";
    const pgc_bi_type *t = pgc_cat_type(e->p->catalog, base);
    uint32_t elem = pgc_cat_elem_type(e->p->catalog, base);
    if (t && (t->type == 'r' || t->type == 'm'))
        return "pgc generate does not support yet (multiranges, ranges of other types: select "
               "lower(x), upper(x) instead)";
    if (elem && pgc_cat_type_rel(e->p->catalog, elem))
        return "pgc generate does not support yet (arrays of composite types)";
    return "pgc generate does not support yet";
}

static bool is_string(const ctype *t)
{
    return t->kind == V_TEXT || t->kind == V_JSONB || t->kind == V_NUMERIC;
}

/* ---- input text in C: one function per context ------------------------------------------- */

/*
 * Every byte of input text (type, label, column, query and file names,
 * SQL) reaches the C the emitter writes through one of three functions,
 * one per context, so that no input can change the meaning of the C:
 *   c_string()   inside a string literal,
 *   c_comment()  inside a block comment,
 *   c_name()     as (part of) an identifier (names section above).
 * No #line directive is written.  Each is fed hostile text by gen_emit's
 * emit__hostile_* tests and by fuzz/fuzz_emit.c.
 */

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (s[0] >= 0xF8 || len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)
        || (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* Is the valid UTF-8 sequence at s a bidirectional control (U+061C,
 * U+200E-F, U+202A-E, U+2066-9), which can make code read otherwise than
 * it compiles (and fails GCC's -Wbidi-chars with -Werror)? */
static bool bidi_control(const unsigned char *s, size_t n)
{
    if (n == 2)
        return s[0] == 0xD8 && s[1] == 0x9C;
    if (n != 3 || s[0] != 0xE2)
        return false;
    return (s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
           || (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9);
}

/* The number of bytes at text[i] kept as they are in a literal or a
 * comment: 1 for printable ASCII, a valid UTF-8 sequence's length but for
 * bidirectional controls, else 0 (to be escaped). */
static size_t plain_len(const char *text, size_t i, size_t len)
{
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x20 && c < 0x7f)
        return 1;
    if (c < 0x80)
        return 0;
    size_t n = utf8_len((const unsigned char *)text + i, len - i);
    return n && !bidi_control((const unsigned char *)text + i, n) ? n : 0;
}

/*
 * text as a C string literal, one source line per line of text, lines
 * after the first indented by `indent` spaces.  Quotes and backslashes are
 * escaped, a '?' after a '?' is \? (no trigraph), tab, CR and newline are
 * \t \r \n, every other byte not kept by plain_len is octal (always three
 * digits, so a digit after it stays a digit).  Pieces are split only at
 * newlines; a caller whose text may pass C's 4095 bytes says so to the
 * compiler (long_literal()).
 */
static const char *c_string(pgc_arena *a, const char *text, size_t len, int indent)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "\"");
    size_t line = 0; /* where the current line of C starts in b */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        size_t n = plain_len(text, i, len);
        if (c == '\n') {
            pgc_sb_puts(&b, "\\n");
            if (i + 1 < len)
                pgc_sb_printf(&b, "\"\n%*s\"", indent, "");
            line = b.len;
        } else if (c == ' ' && i > 0 && text[i - 1] == ',' && i + 1 < len && b.len - line > 100) {
            /* a long line (a star spelled out) goes on in the next literal */
            pgc_sb_printf(&b, " \"\n%*s\"", indent, "");
            line = b.len;
        } else if (c == '"' || c == '\\') {
            pgc_sb_printf(&b, "\\%c", c);
        } else if (c == '?' && i > 0 && text[i - 1] == '?') {
            pgc_sb_puts(&b, "\\?");
        } else if (c == '\t') {
            pgc_sb_puts(&b, "\\t");
        } else if (c == '\r') {
            pgc_sb_puts(&b, "\\r");
        } else if (n == 0) {
            pgc_sb_printf(&b, "\\%03o", c);
        } else if (c >= 0x80 && bidi_control((const unsigned char *)text + i, n)) {
            for (size_t k = 0; k < n; k++)
                pgc_sb_printf(&b, "\\%03o", (unsigned char)text[i + k]);
            i += n - 1;
        } else {
            pgc_sb_add(&b, text + i, n);
            i += n - 1;
        }
    }
    pgc_sb_puts(&b, "\"");
    return pgc_sb_take(&b);
}

/* Past the 4095 bytes C guarantees for a string literal (SQL, as for long
 * migrations): before (push) and after the code holding it, so that
 * -Wpedantic's -Woverlength-strings accepts it. */
static void long_literal(pgc_strbuf *c, bool is_long, bool push)
{
    if (is_long && push)
        pgc_sb_puts(c, "#if defined(__GNUC__)\n#pragma GCC diagnostic push\n"
                       "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n#endif\n");
    else if (is_long)
        pgc_sb_puts(c, "#if defined(__GNUC__)\n#pragma GCC diagnostic pop\n#endif\n");
}

/*
 * Any text as the inside of a C block comment, on one line, inert: what
 * plain_len keeps stays, but "*" "/" and "/" "*" are split by a space (no
 * comment end, no -Wcomment) and so is "??" (no trigraph: ??/ is a
 * backslash); a backslash is \x5c and other bytes \n, \t, \xHH, so no
 * backslash is ever followed by a newline (a line splice).  The result
 * neither starts nor ends with '*', '/' or '?', so it stays inert whatever
 * the template puts beside it.
 */
static const char *c_comment(pgc_arena *a, const char *text)
{
    pgc_strbuf b = {.a = a};
    size_t len = strlen(text);
    if (len && strchr("*/?", text[0]))
        pgc_sb_puts(&b, " ");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        size_t n = plain_len(text, i, len);
        if (c == '\\' || n == 0 || (c >= 0x80 && bidi_control((const unsigned char *)text + i, n))) {
            if (c == '\n')
                pgc_sb_puts(&b, "\\n");
            else if (c == '\t')
                pgc_sb_puts(&b, "\\t");
            else
                pgc_sb_printf(&b, "\\x%02x", c);
            continue;
        }
        pgc_sb_add(&b, text + i, n);
        i += n - 1;
        char next = i + 1 < len ? text[i + 1] : '\0';
        if ((c == '*' && next == '/') || (c == '/' && next == '*') || (c == '?' && next == '?'))
            pgc_sb_puts(&b, " ");
    }
    if (len && strchr("*/?", text[len - 1]))
        pgc_sb_puts(&b, " ");
    return pgc_sb_take(&b);
}

/* ---- the query's SQL ------------------------------------------------------------------------ */

uint32_t pgc_param_sent_oid(uint32_t type)
{
    return type < PGC_USER_OID_BASE ? type : 0;
}

/*
 * Type oid as a cast spells it, with no typmod that a keyword would add
 * (pg_catalog."bpchar", not character, which is character(1)): built-in
 * types in pg_catalog, user types in their schema, the library's own as
 * {{schema}}."t" (or "__pgc_home"."t" when canonical), arrays with [].
 */
static void add_type_sql(pgc_strbuf *b, pgc_catalog *cat, uint32_t oid, bool canonical)
{
    const pgc_utype *u = pgc_cat_utype(cat, oid);
    const pgc_bi_type *t = pgc_cat_type(cat, oid);
    if (t && t->category == 'A' && t->elem && t->type != 'd') {
        add_type_sql(b, cat, t->elem, canonical);
        pgc_sb_puts(b, "[]");
        return;
    }
    if (!u) {
        pgc_sb_puts(b, "pg_catalog.");
        pgc_sb_add_ident(b, t ? t->typname : "unknown");
        return;
    }
    if (strcmp(u->schema, PGC_HOME_SCHEMA) == 0 && !canonical)
        pgc_sb_puts(b, "{{schema}}");
    else
        pgc_sb_add_ident(b, u->schema);
    pgc_sb_puts(b, ".");
    pgc_sb_add_ident(b, u->name);
}

/* A replacement of canonical bytes [off, off + len), and the source bytes
 * (from the statement's start) it stands for. */
typedef struct replacement {
    size_t off, len;
    const char *text;
    size_t src_off, src_len;
    int kind;             /* at one offset: 0 edit, 1 cast, 2 template or parameter */
} replacement;

static int by_offset(const void *x, const void *y)
{
    const replacement *a = x, *b = y;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1; /* the longer first: it holds the other */
    return (a->kind > b->kind) - (a->kind < b->kind);
}

void pgc_runtime_statement(pgc_arena *a, pgc_catalog *cat, const pgc_query_info *qi,
                           pgc_stmt_form form, pgc_runtime_stmt *out)
{
    const pgc_stmt_text *t = &qi->src->text;
    const char *src = t->file->text + t->offset;
    bool canonical = form != PGC_STMT_RUNTIME;
    memset(out, 0, sizeof *out);
    size_t np = qi->params.len;
    uint32_t *oids = pgc_arena_alloc(a, (np + 1) * sizeof *oids);
    const char **casts = pgc_arena_alloc(a, (np + 1) * sizeof *casts);
    for (size_t i = 0; i < np; i++) {
        uint32_t type = qi->params.items[i].type;
        oids[i] = pgc_param_sent_oid(type);
        if (oids[i] && form != PGC_STMT_CHECK)
            continue;
        /* the check casts every parameter to the type it is sent as */
        pgc_strbuf b = {.a = a};
        pgc_sb_printf(&b, "($%zu::", i + 1);
        add_type_sql(&b, cat, oids[i] ? oids[i] : type, canonical);
        pgc_sb_puts(&b, ")");
        casts[i] = pgc_sb_take(&b);
    }
    PGC_VEC(replacement) reps = {0};
    for (size_t i = 0; i < t->map.n; i++) {
        const pgc_render_seg *s = &t->map.seg[i];
        bool is_tmpl = s->src_len >= 2 && src[s->src_off] == '{' && src[s->src_off + 1] == '{';
        const char *text = is_tmpl && !canonical ? pgc_arena_strndup(a, src + s->src_off, s->src_len)
                                              : pgc_arena_strndup(a, t->canon + s->out_off,
                                                                  s->out_len);
        replacement r = {s->out_off, s->out_len, text, s->src_off, s->src_len, 2};
        PGC_PUSH(a, reps, r);
    }
    for (size_t i = 0; i < qi->edits.len; i++) {
        const pgc_sql_edit *e = &qi->edits.items[i];
        size_t from = pgc_render_map_source(&t->map, e->offset);
        size_t to = pgc_render_map_source(&t->map, e->offset + e->len);
        replacement r = {e->offset, e->len, e->text, from, to > from ? to - from : 0, 0};
        PGC_PUSH(a, reps, r);
    }
    for (size_t i = 0; i < qi->uses.len; i++) {
        const pgc_param_use *u = &qi->uses.items[i];
        if (u->index < 1 || (size_t)u->index > np || !casts[u->index - 1])
            continue;
        size_t from = pgc_render_map_source(&t->map, u->offset);
        size_t to = pgc_render_map_source(&t->map, u->offset + u->len);
        const char *text = u->bare_target
                               ? pgc_arena_printf(a, "%s AS \"?column?\"", casts[u->index - 1])
                               : casts[u->index - 1];
        replacement r = {u->offset, u->len, text, from, to > from ? to - from : 0, 1};
        PGC_PUSH(a, reps, r);
    }
    if (reps.len)
        qsort(reps.items, reps.len, sizeof *reps.items, by_offset);
    pgc_strbuf b = {.a = a};
    PGC_VEC(pgc_render_seg) segs = {0};
    size_t at = 0;
    for (size_t i = 0; i < reps.len; i++) {
        const replacement *r = &reps.items[i];
        if (r->off < at)
            continue; /* inside the edit or cast before it */
        pgc_sb_add(&b, t->canon + at, r->off - at);
        pgc_render_seg s = {b.len, strlen(r->text), r->src_off, r->src_len};
        PGC_PUSH(a, segs, s);
        pgc_sb_puts(&b, r->text);
        at = r->off + r->len;
    }
    pgc_sb_add(&b, t->canon + at, t->canon_len - at);
    out->sql = pgc_sb_take(&b);
    out->nparams = np;
    out->oids = oids;
    out->map.n = segs.len;
    out->map.seg = segs.items;
}

/* ---- generate's self-check ------------------------------------------------------------------ */

/* "$1 mood, $2 bigint": each parameter and the type it is sent as. */
static const char *sent_types(emitter *e, const pgc_query_info *qi)
{
    pgc_strbuf b = {.a = e->a};
    for (size_t i = 0; i < qi->params.len; i++)
        pgc_sb_printf(&b, "%s$%zu %s", i ? ", " : "", i + 1,
                      pgc_catalog_type_name(e->p->catalog, qi->params.items[i].type, -1));
    return pgc_sb_take(&b);
}

/*
 * The statement as sent, every parameter cast to the type it is sent as,
 * analysed again: it must be accepted, with the same parameters and result
 * columns.  Else the server would not run the call as the C code expects
 * it to, and the query is refused (the analysis' error where it arose).
 */
static bool check_statement(emitter *e, const pgc_query_info *qi)
{
    const pgc_query_src *q = qi->src;
    if (q->cmd == PGC_CMD_COPYFROM || (qi->params.len == 0 && qi->edits.len == 0))
        return true;
    pgc_runtime_stmt rs;
    pgc_runtime_statement(e->a, e->p->catalog, qi, PGC_STMT_CHECK, &rs);
    pgc_query_src again = *q;
    again.text.canon = rs.sql;
    again.text.canon_len = strlen(rs.sql);
    again.text.map = rs.map;
    int errors = e->d->errors;
    pgc_query_info info;
    memset(&info, 0, sizeof info);
    PgQuery__ParseResult *tree = pgc_parse(e->d, &again.text);
    bool same = tree && tree->n_stmts == 1
                && pgc_analyze_query(e->p->catalog, e->a, e->d, &again, tree->stmts[0], &info);
    pgc_parse_free(tree);
    const char *what = NULL;
    if (same && info.params.len != qi->params.len)
        what = "another number of parameters";
    for (size_t i = 0; same && !what && i < info.params.len; i++)
        if (pgc_param_sent_oid(info.params.items[i].type) != rs.oids[i])
            what = pgc_arena_printf(e->a, "parameter $%zu typed otherwise", i + 1);
    if (same && !what && info.columns.len != qi->columns.len)
        what = "another number of result columns";
    for (size_t i = 0; same && !what && i < info.columns.len; i++) {
        const pgc_column_info *x = &info.columns.items[i], *y = &qi->columns.items[i];
        if (x->type != y->type || x->typmod != y->typmod || strcmp(x->name, y->name) != 0)
            what = pgc_arena_printf(e->a, "column %zu \"%s\" of type %s, not \"%s\" of type %s",
                                    i + 1, x->name,
                                    pgc_catalog_type_name(e->p->catalog, x->type, x->typmod),
                                    y->name,
                                    pgc_catalog_type_name(e->p->catalog, y->type, y->typmod));
    }
    if (same && !what)
        return true;
    if (what)
        pgc_diag_error(e->d, q->text.file, q->text.offset,
                       "query %s: sent as the generated code sends it, PostgreSQL would give "
                       "%s",
                       q->name, what);
    if (e->d->errors == errors) /* the parser or analyser stopped without a word */
        pgc_diag_error(e->d, q->text.file, q->text.offset, "query %s is not accepted as sent",
                       q->name);
    pgc_diag_note(e->d, q->text.file, q->text.offset,
                  "query %s is checked as the generated code sends it, each parameter of "
                  "the type the analysis gave it (%s): pgc generate refuses a query that "
                  "PostgreSQL would then reject or type otherwise",
                  q->name, sent_types(e, qi));
    return false;
}

/* ---- one query ------------------------------------------------------------------------------ */

typedef struct param {
    const pgc_param_info *info;
    const char *c;          /* C name */
    ctype t;
} param;

typedef struct column {
    const pgc_column_info *info;
    const char *c;          /* member name: row->c, or row->embed.c */
    const char *is_null;    /* companion's name, or NULL */
    ctype t;
    const char *embed;      /* sqlc.embed(t): the row's member of t's struct, else NULL */
    cstruct *embed_st;      /* that struct */
    bool embed_first;       /* the first column of its embed (declares the member) */
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
    "b", "arrays",
    /* what the functions' declarations and bodies name besides */
    "size_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint32_t", "Oid", "INT_MAX",
    "memset", "free", "strlen", "snprintf", "strcmp",
};

/*
 * A parameter's C name: a local that must not hide a name its function
 * uses.  Those are the module's (NAME_...), the runtime's (pgc_..., PGC_...),
 * the array helpers and param_reserved: such a name gets "arg_" in front
 * ("param_" for a module named arg).
 */
static const char *param_c_name(emitter *e, const char *name)
{
    const char *c = c_name(e->a, name, false, "param");
    size_t n = strlen(e->name);
    bool hides = (strncasecmp(c, e->name, n) == 0 && (c[n] == '_' || !c[n]))
                 || strncasecmp(c, "pgc_", 4) == 0 || strncmp(c, "free_arrays", 11) == 0;
    if (!hides)
        return c;
    return pgc_arena_printf(e->a, "%s%s", strcasecmp(e->name, "arg") == 0 ? "param_" : "arg_",
                            c);
}

/*
 * The number of columns from i on that are one sqlc.embed(t) of a table
 * (or view) whose row type has exactly these columns, or 0: such columns
 * are read into a struct of t's row type.  Other embeds (of a subquery)
 * stay flat, named t_column.
 */
static size_t embed_group(emitter *e, const pgc_query_info *qi, size_t i)
{
    const pgc_column_info *ci = &qi->columns.items[i];
    if (!ci->embed || (i > 0 && qi->columns.items[i - 1].embed
                       && strcmp(qi->columns.items[i - 1].embed, ci->embed) == 0))
        return 0;
    const pgc_rel *rel = ci->embed_type ? pgc_cat_type_rel(e->p->catalog, ci->embed_type) : NULL;
    if (!rel || !struct_of(e, ci->embed_type))
        return 0;
    size_t n = 0;
    while (i + n < qi->columns.len && qi->columns.items[i + n].embed
           && strcmp(qi->columns.items[i + n].embed, ci->embed) == 0)
        n++;
    if (n != rel->cols.len)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(qi->columns.items[i + k].name, rel->cols.items[k].name) != 0
            || qi->columns.items[i + k].type != rel->cols.items[k].type)
            return 0;
    return n;
}

/*
 * Before any code is written: every struct's members' nullability.  A
 * member is nullable if its column or field may be NULL in any use: an
 * embed from the outer side of a join makes each of t's members nullable.
 */
static void plan_structs(emitter *e)
{
    for (size_t q = 0; q < e->p->infos.len; q++) {
        const pgc_query_info *qi = &e->p->infos.items[q];
        for (size_t i = 0; i < qi->columns.len; i++) {
            size_t n = embed_group(e, qi, i);
            if (!n)
                continue;
            cstruct *st = struct_of(e, qi->columns.items[i].embed_type);
            for (size_t k = 0; k < n; k++)
                if (qi->columns.items[i + k].nullable)
                    st->m.items[k].nullable = true;
            i += n - 1;
        }
    }
}

/* A composite's fields (and theirs) all have C types; else reports the
 * first that has none, naming the column.  Gives the struct a reader. */
static bool check_struct(emitter *e, const pgc_query_src *q, const char *colname,
                         const ctype *t)
{
    if (t->kind != V_COMPOSITE)
        return true;
    cstruct *st = t->st;
    resolve_struct(e, st);
    if (!st->reader)
        st->reader = unique(e->a, &e->globals, pgc_arena_printf(e->a, "%s_read", st->c));
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        if (!m->ok) {
            query_error(e, q, "column %s has type %s, whose field %s has type %s, which %s",
                        colname, st->sqltype, m->col->name,
                        pgc_catalog_type_name(e->p->catalog, m->col->type, m->col->typmod),
                        unsupported_why(e, m->col->type));
            return false;
        }
        if (!check_struct(e, q, colname, &m->t))
            return false;
    }
    return true;
}

/*
 * A composite parameter is sent in binary (record_recv), which names each
 * field's type OID and has the server check it: only fields of built-in
 * types, whose OIDs are known here, and with a binary encoder.  Else
 * reports the first field that is not, naming the parameter.
 */
static bool check_struct_param(emitter *e, const pgc_query_src *q, const pgc_param_info *pi,
                               const ctype *t)
{
    if (t->kind != V_COMPOSITE)
        return true;
    cstruct *st = t->st;
    resolve_struct(e, st);
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        bool builtin = m->col->type < PGC_USER_OID_BASE;
        if (!m->ok || !builtin || m->t.kind == V_ENUM || m->t.kind == V_COMPOSITE
            || (m->t.kind == V_ARRAY && !m->t.elem)) {
            query_error(e, q, "parameter %s has type %s, whose field %s has type %s, which a "
                              "composite parameter cannot hold yet (only built-in types with a "
                              "binary form: the database numbers enums, domains and composites); "
                              "pass the fields and write ROW(@a, @b)::%s",
                        pi->name, st->sqltype, m->col->name,
                        pgc_catalog_type_name(e->p->catalog, m->col->type, m->col->typmod),
                        st->sqltype);
            return false;
        }
    }
    if (!st->writer)
        st->writer = unique(e->a, &e->globals, pgc_arena_printf(e->a, "%s_put", st->c));
    return true;
}

/* Names and types of the query's parameters and columns; false after reporting. */
static bool resolve_query(emitter *e, const pgc_query_info *qi, param **params, column **cols)
{
    const pgc_query_src *q = qi->src;
    bool ok = true;
    names used = {0};
    for (size_t i = 0; i < sizeof param_reserved / sizeof param_reserved[0]; i++)
        add_name(e->a, &used, param_reserved[i]);
    *params = pgc_arena_alloc(e->a, (qi->params.len + 1) * sizeof **params);
    for (size_t i = 0; i < qi->params.len; i++) {
        const pgc_param_info *pi = &qi->params.items[i];
        param *p = &(*params)[i];
        p->info = pi;
        p->c = unique(e->a, &used, param_c_name(e, pi->name));
        if (!type_of(e, pi->type, &p->t)) {
            query_error(e, q, "parameter %s has type %s, which %s", pi->name,
                        pgc_catalog_type_name(e->p->catalog, pi->type, -1),
                        unsupported_why(e, pi->type));
            ok = false;
        } else if (!check_struct_param(e, q, pi, &p->t)) {
            ok = false;
        }
    }
    used = (names){0};
    add_name(e->a, &used, "result");
    *cols = pgc_arena_alloc(e->a, (qi->columns.len + 1) * sizeof **cols);
    for (size_t i = 0; i < qi->columns.len; i++) {
        const pgc_column_info *ci = &qi->columns.items[i];
        column *c = &(*cols)[i];
        memset(c, 0, sizeof *c);
        c->info = ci;
        /* sqlc.embed(t): t's columns, in order, become a member of t's struct */
        size_t n = embed_group(e, qi, i);
        if (n) {
            cstruct *st = struct_of(e, ci->embed_type);
            const char *m = unique(e->a, &used, c_name(e->a, ci->embed, false, "embed"));
            resolve_struct(e, st);
            for (size_t k = 0; k < n; k++) {
                column *ck = &(*cols)[i + k];
                memset(ck, 0, sizeof *ck);
                ck->info = &qi->columns.items[i + k];
                ck->embed = m;
                ck->embed_st = st;
                ck->embed_first = k == 0;
                ck->c = st->m.items[k].c;
                ck->is_null = st->m.items[k].is_null;
                ck->t = st->m.items[k].t;
                if (!st->m.items[k].ok) {
                    query_error(e, q, "column %s has type %s, which %s", ck->info->name,
                                pgc_catalog_type_name(e->p->catalog, ck->info->type,
                                                      ck->info->typmod),
                                unsupported_why(e, ck->info->type));
                    ok = false;
                } else if (!check_struct(e, q, ck->info->name, &ck->t)) {
                    ok = false;
                }
            }
            i += n - 1;
            continue;
        }
        char fallback[32];
        snprintf(fallback, sizeof fallback, "column_%zu", i + 1);
        const char *base = c_name(e->a, ci->name, false, fallback);
        if (ci->embed)
            base = pgc_arena_printf(e->a, "%s_%s", c_name(e->a, ci->embed, false, "embed"), base);
        c->c = unique(e->a, &used, base);
        if (ci->nullable)
            c->is_null = unique(e->a, &used, pgc_arena_printf(e->a, "%s_is_null", c->c));
        if (!type_of(e, ci->type, &c->t)) {
            query_error(e, q, "column %s has type %s, which %s", ci->name,
                        pgc_catalog_type_name(e->p->catalog, ci->type, ci->typmod),
                        unsupported_why(e, ci->type));
            ok = false;
        } else if (!check_struct(e, q, ci->name, &c->t)) {
            ok = false;
        }
    }
    return ok;
}

/* Is a parameter of type t sent in binary (else as text)? */
static bool binary_param(const ctype *t)
{
    return t->size || t->kind == V_BYTES || t->kind == V_RANGE || t->kind == V_COMPOSITE
           || (t->kind == V_ARRAY && t->elem);
}

/* Is a parameter of type t encoded into memory freed after the call (arrays, ranges)? */
static bool encoded_param(const ctype *t)
{
    return t->kind == V_ARRAY || t->kind == V_RANGE || t->kind == V_COMPOSITE;
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
    pgc_strbuf b = {.a = e->a};
    for (size_t i = 0; i < n; i++) {
        const param *p = &ps[i];
        const char *x = p->c;
        bool null = p->info->nullable;
        const char *v = null ? pgc_arena_printf(e->a, "*%s", x) : x;
        switch (p->t.kind) {
        case V_TEXT: case V_JSONB: case V_NUMERIC:
            if (!null)
                pgc_sb_printf(&b,
                          "    if (!%s)\n"
                          "        return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                          "                              \"parameter %s is NULL\");\n",
                          x, fn, x);
            pgc_sb_printf(&b, "    values[%zu] = %s;\n", i, x);
            break;
        case V_BYTES: {
            const char *acc = null ? pgc_arena_printf(e->a, "%s->", x)
                                   : pgc_arena_printf(e->a, "%s.", x);
            const char *ind = null ? "        " : "    ";
            if (null)
                pgc_sb_printf(&b, "    values[%zu] = NULL;\n    if (%s) {\n", i, x);
            pgc_sb_printf(&b,
                      "%sif (%slen > INT_MAX || (!%sdata && %slen))\n"
                      "%s    return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "%s                          \"parameter %s: no data or too long\");\n"
                      "%svalues[%zu] = %sdata ? (const char *)%sdata : \"\";\n"
                      "%slengths[%zu] = (int)%slen;\n",
                      ind, acc, acc, acc, ind, fn, ind, x, ind, i, acc, acc, ind, i, acc);
            if (null)
                pgc_sb_puts(&b, "    }\n");
            break;
        }
        case V_ENUM:
            if (null)
                pgc_sb_printf(&b,
                          "    values[%zu] = NULL;\n"
                          "    if (%s && !(values[%zu] = %s_to_text(*%s)))\n",
                          i, x, i, p->t.enum_c, x);
            else
                pgc_sb_printf(&b, "    values[%zu] = %s_to_text(%s);\n    if (!values[%zu])\n", i,
                          p->t.enum_c, x, i);
            pgc_sb_printf(&b,
                      "        return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "                              \"parameter %s is not a %s value\");\n",
                      fn, x, p->t.enum_c);
            break;
        case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
        case V_UUID: case V_DATE: case V_TIMESTAMP: case V_INTERVAL:
            if (null)
                pgc_sb_printf(&b, "    values[%zu] = %s ? pgc_put_%s(bin[%zu], %s) : NULL;\n", i, x,
                          p->t.suffix, i, v);
            else
                pgc_sb_printf(&b, "    values[%zu] = pgc_put_%s(bin[%zu], %s);\n", i, p->t.suffix,
                              i, v);
            break;
        case V_ARRAY: case V_RANGE: case V_COMPOSITE: /* encoded below */
            break;
        }
    }
    /* arrays and ranges last, encoded into arrays[] (freed after the call) */
    size_t k = 0, narrays = 0;
    for (size_t i = 0; i < n; i++)
        narrays += encoded_param(&ps[i].t);

    for (size_t i = 0; i < n; i++) {
        const param *p = &ps[i];
        if (!encoded_param(&p->t))
            continue;
        bool null = p->info->nullable;
        /* binary, or text ({"a","b"}) for numeric, jsonb and enums */
        const char *call =
            p->t.kind == V_COMPOSITE
                ? pgc_arena_printf(e->a, "%s(%s%s, &arrays[%zu], &lengths[%zu])", p->t.st->writer,
                                   null ? "" : "&", p->c, k, i)
            : p->t.kind == V_RANGE
                ? pgc_arena_printf(e->a, "pgc_put_%s(%s%s, &arrays[%zu], &lengths[%zu])",
                                   p->t.suffix, null ? "*" : "", p->c, k, i)
            : p->t.elem ? pgc_arena_printf(e->a, "pgc_put_%s(%s%s, %u, &arrays[%zu], &lengths[%zu])",
                                         p->t.suffix, null ? "*" : "", p->c, p->t.elem, k, i)
                      : pgc_arena_printf(e->a, "pgc_put_array_literal(%s%s, &arrays[%zu], "
                                               "&lengths[%zu])", null ? "*" : "", p->c, k, i);
        if (null)
            pgc_sb_printf(&b, "    rc = %s ? %s : PGC_OK;\n", p->c, call);
        else
            pgc_sb_printf(&b, "    rc = %s;\n", call);
        pgc_sb_printf(&b, "    if (rc != PGC_OK)\n"
                      "        return %s(arrays, %zu, rc, &%s_stmt, \"%s\", err);\n"
                      "    values[%zu] = arrays[%zu];\n",
                  e->arrays_failed, narrays, fn, p->c, i, k);
        k++;
    }
    return pgc_sb_take(&b);
}

/*
 * How a value is read: from pgc_field `f` (an expression) into `dest` and
 * its companion `is_null` (NULL: none), in code whose statement is `stmt`
 * (an expression).  `what` names the value in messages: a printf format
 * ("column tags", or "%s, field zip" in a struct's reader) with its
 * arguments in `args` ("" or ", what").
 */
typedef struct value_read {
    const char *f, *dest, *is_null, *stmt, *what, *args;
    bool notnull;         /* a NULL is refused: generated as NOT NULL */
} value_read;

static void read_value(emitter *e, pgc_strbuf *b, const value_read *v, const ctype *t)
{
    const char *fail_rc = pgc_arena_printf(e->a,
                                           "    if (rc != PGC_OK)\n"
                                           "        return pgc_fail_value(err, rc, %s, \"%s\"%s);\n",
                                           v->stmt, v->what, v->args);
    if (v->notnull)
        pgc_sb_printf(b,
                  "    if (!%s.data)\n"
                  "        return pgc_fail_query(err, PGC_EINVAL, %s,\n"
                  "                              \"%s is NULL, but was generated as NOT NULL\"%s);\n",
                  v->f, v->stmt, v->what, v->args);
    if (v->is_null)
        pgc_sb_printf(b, "    %s = !%s.data;\n", v->is_null, v->f);
    switch (t->kind) {
    case V_ENUM:
        pgc_sb_printf(b,
                  "    if (%s.data && !%s_from_text(%s.data, &%s))\n"
                  "        return pgc_fail_query(err, PGC_EINVAL, %s,\n"
                  "                              \"%s: '%%s' is not a %s label\"%s, %s.data);\n",
                  v->f, t->enum_c, v->f, v->dest, v->stmt, v->what, t->enum_c, v->args, v->f);
        return;
    case V_NUMERIC: case V_JSONB:
        pgc_sb_printf(b, "    rc = pgc_field_%s(%s%s, &%s, err);\n%s", t->suffix,
                  t->kind == V_NUMERIC ? "res, " : "", v->f, v->dest, fail_rc);
        return;
    case V_TEXT: case V_BYTES: case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4:
    case V_FLOAT8: case V_BOOL: case V_UUID: case V_DATE: case V_TIMESTAMP: case V_INTERVAL:
        pgc_sb_printf(b, "    %s = pgc_field_%s(%s);\n", v->dest, t->suffix, v->f);
        return;
    case V_RANGE:
        pgc_sb_printf(b, "    rc = pgc_field_%s(res, %s, &%s, err);\n%s", t->suffix, v->f, v->dest,
                  fail_rc);
        return;
    case V_ARRAY:
        pgc_sb_printf(b, "    rc = pgc_field_%s_array(res, %s, &%s, err);\n%s", t->decode, v->f,
                  v->dest, fail_rc);
        if (t->enum_c)
            pgc_sb_printf(b,
                      "    for (size_t k = 0; k < %s.len; k++) {\n"
                      "        %s label;\n"
                      "        if (%s.items[k] && !%s_from_text(%s.items[k], &label))\n"
                      "            return pgc_fail_query(err, PGC_EINVAL, %s,\n"
                      "                                  \"%s: '%%s' is not a %s label\"%s,\n"
                      "                                  %s.items[k]);\n"
                      "    }\n",
                      v->dest, t->enum_c, v->dest, t->enum_c, v->dest, v->stmt, v->what,
                      t->enum_c, v->args, v->dest);
        return;
    case V_COMPOSITE:
        if (*v->args) {
            /* in a reader: the nested value's name is made at run time */
            pgc_sb_printf(b,
                      "    {\n"
                      "        char name[256];\n"
                      "        snprintf(name, sizeof name, \"%s\"%s);\n"
                      "        rc = %s(res, %s, &%s, %s, name, err);\n"
                      "    }\n",
                      v->what, v->args, t->st->reader, v->f, v->dest, v->stmt);
        } else {
            pgc_sb_printf(b, "    rc = %s(res, %s, &%s, %s, \"%s\", err);\n", t->st->reader, v->f,
                      v->dest, v->stmt, v->what);
        }
        pgc_sb_puts(b, "    if (rc != PGC_OK)\n        return rc;\n");
        return;
    }
}

/* The statements reading column i of row r of res into row. */
static void read_column(emitter *e, pgc_strbuf *b, const char *fn, const column *c, size_t i,
                        const char *r)
{
    const char *path = c->embed ? pgc_arena_printf(e->a, "%s.%s", c->embed, c->c) : c->c;
    value_read v = {
        .f = "f",
        .dest = pgc_arena_printf(e->a, "row->%s", path),
        .is_null = c->is_null ? pgc_arena_printf(e->a, "row->%s%s%s", c->embed ? c->embed : "",
                                                 c->embed ? "." : "", c->is_null)
                              : NULL,
        .stmt = pgc_arena_printf(e->a, "&%s_stmt", fn),
        .what = pgc_arena_printf(e->a, "column %s", path),
        .args = "",
        .notnull = !c->info->nullable,
    };
    pgc_sb_printf(b, "    f = pgc_get_field(res, %s, %zu);\n", r, i);
    read_value(e, b, &v, &c->t);
}

/* ---- composite types ------------------------------------------------------------------------ */

/* The encoder of a composite parameter (check_struct_param says which can be). */
static void emit_struct_writer(emitter *e, const cstruct *st, pgc_strbuf *c)
{
    pgc_arena *a = e->a;
    tmpl t = {.a = a};
    pgc_strbuf b = {.a = a};
    bool need_bin = false, need_enc = false;
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        const ctype *mt = &m->t;
        uint32_t oid = m->col->type;
        const char *v = pgc_arena_printf(a, "v->%s", m->c), *put = NULL;
        bool string = is_string(mt);
        switch (mt->kind) {
        case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
        case V_UUID: case V_DATE: case V_TIMESTAMP: case V_INTERVAL:
            put = pgc_arena_printf(a, "pgc_record_add(&r, %u, pgc_put_%s(bin, %s), %d);", oid,
                                   mt->suffix, v, mt->size);
            need_bin = true;
            break;
        case V_TEXT:
            put = pgc_arena_printf(a, "pgc_record_add(&r, %u, %s, strlen(%s));", oid, v, v);
            break;
        case V_BYTES:
            put = pgc_arena_printf(a, "pgc_record_add(&r, %u, %s.data ? (const char *)%s.data : "
                                      "\"\", %s.len);", oid, v, v, v);
            break;
        case V_JSONB: case V_NUMERIC:
            put = pgc_arena_printf(a, "rc = pgc_put_%s(%s, &enc, &enc_len);\n        "
                                      "pgc_record_add_encoded(&r, %u, rc, enc, enc_len);",
                                   mt->suffix, v, oid);
            need_enc = true;
            break;
        case V_ARRAY: case V_RANGE:
            put = pgc_arena_printf(a, "rc = pgc_put_%s(%s%s, &enc, &enc_len);\n        "
                                      "pgc_record_add_encoded(&r, %u, rc, enc, enc_len);",
                                   mt->suffix, v,
                                   mt->kind == V_ARRAY ? pgc_arena_printf(a, ", %u", mt->elem) : "",
                                   oid);
            need_enc = true;
            break;
        case V_ENUM: case V_COMPOSITE: /* refused by check_struct_param */
            break;
        }
        const char *null = m->is_null && string
                               ? pgc_arena_printf(a, "v->%s || !%s", m->is_null, v)
                           : m->is_null ? pgc_arena_printf(a, "v->%s", m->is_null)
                           : string     ? pgc_arena_printf(a, "!%s", v)
                                        : NULL;
        if (null)
            pgc_sb_printf(&b, "    if (%s) {\n        pgc_record_add(&r, %u, NULL, 0);\n"
                          "    } else {\n        %s\n    }\n", null, oid, put);
        else
            pgc_sb_printf(&b, "    %s\n", put);
    }
    set(&t, "ctype", st->c);
    set(&t, "writer", st->writer);
    set(&t, "sqltype", c_comment(a, st->sqltype));
    set(&t, "nfields", pgc_arena_printf(a, "%zu", st->m.len));
    set(&t, "puts", pgc_sb_take(&b));
    set(&t, "put_locals", pgc_arena_printf(a, "%s%s", need_bin ? "    char bin[16];\n" : "",
                                           need_enc ? "    char *enc;\n    int enc_len;\n"
                                                      "    int rc;\n"
                                                    : ""));
    fill(c, &t, "struct_put");
    pgc_sb_puts(c, "\n");
}

/* The struct of a composite type, its members' structs first. */
static void emit_struct(emitter *e, cstruct *st, pgc_strbuf *h, pgc_strbuf *c)
{
    if (st->emitted)
        return;
    st->emitted = true;
    for (size_t i = 0; i < st->m.len; i++)
        if (st->m.items[i].t.kind == V_COMPOSITE)
            emit_struct(e, st->m.items[i].t.st, h, c);
    pgc_arena *a = e->a;
    tmpl t = {.a = a};
    pgc_strbuf b = {.a = a};
    set(&t, "ctype", st->c);
    set(&t, "reader", st->reader ? st->reader : "");
    set(&t, "what", st->rel->kind == 'c' ? "composite type" : "row type of");
    set(&t, "sqltype", c_comment(a, st->sqltype));
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        const char *type = m->t.c;
        pgc_sb_printf(&b, "    %s%s%s;\n", type, type[strlen(type) - 1] == '*' ? "" : " ", m->c);
        if (m->is_null)
            pgc_sb_printf(&b, "    bool %s;\n", m->is_null);
    }
    set(&t, "members", pgc_sb_take(&b));
    fill(h, &t, "header_struct");
    pgc_sb_puts(h, "\n");
    if (st->writer)
        emit_struct_writer(e, st, c);
    if (!st->reader)
        return;
    for (size_t i = 0; i < st->m.len; i++)
        pgc_sb_printf(&b, "%s%u", i ? ", " : "", st->m.items[i].t.oid);
    set(&t, "oids", pgc_sb_take(&b));
    set(&t, "nfields", pgc_arena_printf(a, "%zu", st->m.len));
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        value_read v = {
            .f = pgc_arena_printf(a, "v[%zu]", i),
            .dest = pgc_arena_printf(a, "out->%s", m->c),
            .is_null = m->is_null ? pgc_arena_printf(a, "out->%s", m->is_null) : NULL,
            .stmt = "stmt",
            .what = pgc_arena_printf(a, "%%s, field %s", m->c),
            .args = ", what",
            .notnull = !m->nullable,
        };
        read_value(e, &b, &v, &m->t);
    }
    set(&t, "reads", pgc_sb_take(&b));
    fill(c, &t, "struct_read");
    pgc_sb_puts(c, "\n");
}

/* ---- :copyfrom ------------------------------------------------------------------------------ */

/* A name for the COPY statement, always quoted: a column may be named
 * like a reserved word ("order"). */
static const char *sql_ident(pgc_arena *a, const char *name)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_add_ident(&b, name);
    return pgc_sb_take(&b);
}

/* text as an SQL string constant: 'it''s'. */
static const char *sql_literal(pgc_arena *a, const char *text)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "'");
    for (const char *s = text; *s; s++) {
        if (*s == '\'')
            pgc_sb_puts(&b, "'");
        pgc_sb_add(&b, s, 1);
    }
    pgc_sb_puts(&b, "'");
    return pgc_sb_take(&b);
}

/* The table of the INSERT as the user wrote it ("{{tables.t}}" kept), from
 * the canonical offset of its RangeVar. */
static const char *copy_table(pgc_arena *a, const pgc_stmt_text *t, const PgQuery__RangeVar *rv)
{
    const char *src = t->file->text + t->offset;
    for (size_t i = 0; i < t->map.n; i++) {
        const pgc_render_seg *s = &t->map.seg[i];
        if (s->out_off == (size_t)rv->location && s->src_len >= 2 && src[s->src_off] == '{'
            && src[s->src_off + 1] == '{')
            return pgc_arena_printf(a, "%.*s", (int)s->src_len, src + s->src_off);
    }
    if (rv->schemaname && *rv->schemaname)
        return pgc_arena_printf(a, "%s.%s", sql_ident(a, rv->schemaname),
                                sql_ident(a, rv->relname));
    return sql_ident(a, rv->relname);
}

/* The $n of a VALUES item ($n or $n::type), or 0. */
static int param_number(const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    if (n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF && n->param_ref)
        return n->param_ref->number;
    return 0;
}

/* A query's function name (NAME_query_name, claimed with the names made
 * from it by claim_query_names), set in t as "fn" beside "query" (its annotation) and "where"
 * (file:line), as every query's template wants them. */
static const char *query_function(emitter *e, const pgc_query_src *q, tmpl *t)
{
    pgc_arena *a = e->a;
    const char *fn = pgc_arena_printf(a, "%s_%s", e->name, snake_case(a, q->name));
    set(t, "fn", fn);
    set(t, "query", c_comment(a, pgc_arena_printf(a, "%s %s", q->name, pgc_cmd_name(q->cmd))));
    set(t, "where", c_comment(a, pgc_arena_printf(a, "%s:%d", q->text.file->path,
                                                     query_line(e, q))));
    /* where the statement starts, for the runtime's errors (pgc_stmt.file) */
    const pgc_file *f = q->text.file;
    size_t at = q->text.offset < f->len ? q->text.offset : f->len, start = at;
    int line = e->line, col;
    for (size_t i = e->line_offset; i < at; i++)
        line += f->text[i] == '\n';
    while (start > 0 && f->text[start - 1] != '\n')
        start--;
    int ignored;
    pgc_text_position(f->text + start, at - start, at - start, &ignored, &col);
    set(t, "file", c_string(a, f->path, strlen(f->path), 0));
    set(t, "line", pgc_arena_printf(a, "%d", line));
    set(t, "column", pgc_arena_printf(a, "%d", col));
    return fn;
}

enum { MAX_QUERY_NAME = 200 };

/* The names a query defines at file scope, by command: its function
 * name's suffix and what it is (for errors).  Claimed before anything is
 * written, so that a clash between two queries is an error, not C that
 * does not compile. */
typedef struct derived {
    const char *suffix, *what;
} derived;

static const derived *query_names(pgc_cmd cmd, size_t *n)
{
#define STMT {"_stmt", "statement"}, {"_types", "parameter types"}, \
             {"_formats", "parameter formats"}
#define ROW {"_row", "row type"}, {"_columns", "column types"}, {"_read", "row reader"}
#define BATCH {"", "name"}, {"_batch", "batch type"}, {"_begin", "function"}, \
              {"_queue", "function"}, {"_end", "function"}
    static const derived one[] = {{"", "function"}, STMT, ROW, {"_row_clear", "function"}};
    static const derived many[] = {{"", "name"}, STMT, ROW, {"_iter", "iterator type"},
                                   {"_open", "function"}, {"_next", "function"},
                                   {"_close", "function"}};
    static const derived exec[] = {{"", "function"}, STMT};
    static const derived batchexec[] = {BATCH, STMT};
    static const derived batchone[] = {BATCH, STMT, ROW, {"_result", "function"},
                                       {"_next", "function"}, {"_row_clear", "function"}};
    static const derived batchmany[] = {BATCH, STMT, ROW, {"_result", "function"},
                                        {"_next", "function"}, {"_get", "function"}};
    static const derived copyfrom[] = {{"", "function"}, {"_stmt", "statement"},
                                       {"_params", "row type"}};
#undef STMT
#undef ROW
#undef BATCH
#define N(x) (*n = sizeof x / sizeof x[0], x)
    switch (cmd) {
    case PGC_CMD_ONE: return N(one);
    case PGC_CMD_MANY: return N(many);
    case PGC_CMD_EXEC: case PGC_CMD_EXECROWS: case PGC_CMD_EXECRESULT: return N(exec);
    case PGC_CMD_BATCHEXEC: return N(batchexec);
    case PGC_CMD_BATCHONE: return N(batchone);
    case PGC_CMD_BATCHMANY: return N(batchmany);
    case PGC_CMD_COPYFROM: return N(copyfrom);
    }
#undef N
    *n = 0;
    return NULL;
}

/*
 * Claims every name query q defines at file scope in e->globals.  A name
 * another query (or the module) already has is an error naming both, the
 * other query's definition in a note; so is a name too long for C's
 * limits.  False after reporting.
 */
static bool claim_query_names(emitter *e, const pgc_query_src *q)
{
    pgc_arena *a = e->a;
    if (strlen(q->name) > MAX_QUERY_NAME) {
        pgc_diag_error(e->d, q->text.file, q->annotation_offset,
                       "query %.32s...: the name has %zu characters; pgc generate takes at most "
                       "%d (C identifiers and string literals are made from it)",
                       q->name, strlen(q->name), MAX_QUERY_NAME);
        return false;
    }
    const char *fn = pgc_arena_printf(a, "%s_%s", e->name, snake_case(a, q->name));
    size_t n;
    const derived *ds = query_names(q->cmd, &n);
    for (size_t i = 0; i < n; i++) {
        const char *c = pgc_arena_printf(a, "%s%s", fn, ds[i].suffix);
        const owner *other = pgc_strmap_get(&e->globals, c);
        if (other && other->q) {
            pgc_diag_error(e->d, q->text.file, q->annotation_offset,
                           "query %s: its %s %s is also the %s of query %s; rename one of them",
                           q->name, ds[i].what, c, other->what, other->q->name);
            pgc_diag_note(e->d, other->q->text.file, other->q->annotation_offset,
                          "%s is defined here", other->q->name);
            return false;
        }
        if (other) {
            pgc_diag_error(e->d, q->text.file, q->annotation_offset,
                           "query %s: its %s %s is also %s; rename the query", q->name,
                           ds[i].what, c, other->what);
            return false;
        }
        owner *o = pgc_arena_alloc(a, sizeof *o);
        *o = (owner){ds[i].what, q};
        pgc_strmap_put(a, &e->globals, c, o);
    }
    return true;
}

/* The names the module defines, before any query's: migrations and the
 * header's guard. */
static void claim_module_names(emitter *e)
{
    static const struct {
        const char *fmt;
        owner o;
    } fixed[] = {
        {"%s_migrate", {"the migrations' function", NULL}},
        {"%s_migration_set", {"the migrations' function", NULL}},
        {"%s_migration_set_", {"the migrations' set", NULL}},
        {"%s_migrations", {"the migrations' array", NULL}},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        pgc_strmap_put(e->a, &e->globals, pgc_arena_printf(e->a, fixed[i].fmt, e->name),
                       &fixed[i].o);
    add_name(e->a, &e->globals, pgc_arena_printf(e->a, "%s_H", c_name(e->a, e->name, true, "PGC")));
}

/*
 * :copyfrom (sqlc's): `INSERT INTO t (a, b) VALUES ($1, $2)` becomes a
 * params struct and a function streaming an array of them with a binary
 * COPY t (a, b) FROM STDIN.
 */
static void emit_copyfrom(emitter *e, const pgc_query_info *qi, const param *qps, pgc_strbuf *h,
                          pgc_strbuf *c)
{
    const pgc_query_src *q = qi->src;
    pgc_arena *a = e->a;
    const char *shape = "a :copyfrom query must be INSERT INTO t (a, b, ...) VALUES ($1, $2, "
                        "...), each column set from its own parameter";
    PgQuery__ParseResult *tree = pgc_parse(e->d, &q->text);
    if (!tree)
        return;
    const PgQuery__Node *stmt = tree->n_stmts == 1 ? tree->stmts[0]->stmt : NULL;
    const PgQuery__InsertStmt *ins =
        stmt && stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ? stmt->insert_stmt : NULL;
    const PgQuery__SelectStmt *sel =
        ins && ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
            ? ins->select_stmt->select_stmt
            : NULL;
    const PgQuery__List *values =
        sel && sel->n_values_lists == 1 && sel->values_lists[0]->node_case == PG_QUERY__NODE__NODE_LIST
            ? sel->values_lists[0]->list
            : NULL;
    size_t np = qi->params.len;
    if (!values || ins->on_conflict_clause || ins->n_returning_list || ins->with_clause
        || ins->n_cols == 0 || values->n_items != ins->n_cols || np != ins->n_cols) {
        query_error(e, q, "%s", shape);
        pgc_parse_free(tree);
        return;
    }
    /* column k is set from parameter order[k] */
    size_t *order = pgc_arena_alloc(a, np * sizeof *order);
    pgc_strbuf cols = {.a = a};
    for (size_t k = 0; k < np; k++) {
        int n = param_number(values->items[k]);
        const PgQuery__Node *col = ins->cols[k];
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen = seen || order[j] == (size_t)n - 1;
        if (n < 1 || (size_t)n > np || seen || col->node_case != PG_QUERY__NODE__NODE_RES_TARGET
            || col->res_target->n_indirection) {
            query_error(e, q, "%s", shape);
            pgc_parse_free(tree);
            return;
        }
        order[k] = (size_t)n - 1;
        pgc_sb_printf(&cols, "%s%s", k ? ", " : "", sql_ident(a, col->res_target->name));
    }
    /* one line, or the columns on lines of their own when that is long */
    const char *table = copy_table(a, &q->text, ins->relation), *list = pgc_sb_take(&cols);
    const char *copy_sql = pgc_arena_printf(a, "COPY %s (%s) FROM STDIN (FORMAT binary)", table,
                                            list);
    if (strlen(copy_sql) > 72) {
        pgc_sb_printf(&cols, "COPY %s (\n   ", table);
        size_t col = 3;
        for (const char *s = list; *s;) {
            const char *end = strstr(s, ", ");
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (col > 3 && col + 1 + n + 1 > 72) {
                pgc_sb_puts(&cols, "\n   ");
                col = 3;
            }
            pgc_sb_printf(&cols, " %.*s%s", (int)n, s, end ? "," : "");
            col += 1 + n + (end ? 1 : 0);
            s = end ? end + 2 : s + n;
        }
        pgc_sb_puts(&cols, "\n) FROM STDIN (FORMAT binary)");
        copy_sql = pgc_sb_take(&cols);
    }
    /* members named as the parameters, or as their columns for $n */
    param *ps = pgc_arena_alloc(a, np * sizeof *ps);
    memcpy(ps, qps, np * sizeof *ps);
    names used = {0};
    for (size_t i = 0; i < np; i++) {
        for (size_t k = 0; k < np; k++) {
            const pgc_param_src *src = &q->params.items[order[k]];
            if (order[k] == i && !src->name)
                ps[i].c = c_name(a, ins->cols[k]->res_target->name, false, ps[i].c);
        }
        ps[i].c = unique(a, &used, ps[i].c);
    }
    pgc_parse_free(tree);

    for (size_t i = 0; i < np; i++) {
        /* binary COPY needs each array item's binary form: numeric's and
         * jsonb's arrays are sent as text elsewhere, and an enum's OID is
         * the database's */
        if (ps[i].t.kind == V_ARRAY && !ps[i].t.elem) {
            query_error(e, q, "parameter %s has type %s, which :copyfrom does not support yet",
                        ps[i].info->name, pgc_catalog_type_name(e->p->catalog, ps[i].info->type, -1));
            return;
        }
    }

    tmpl t = {.a = a};
    const char *fn = query_function(e, q, &t);
    set(&t, "params_t", pgc_arena_printf(a, "%s_params", fn));
    set(&t, "sql", c_string(a, copy_sql, strlen(copy_sql), 11));
    set(&t, "ncols", pgc_arena_printf(a, "%zu", np));

    /* the struct: members in parameter order, a companion for nullable non-strings */
    pgc_strbuf b = {.a = a};
    const char **is_null = pgc_arena_alloc(a, np * sizeof *is_null);
    for (size_t i = 0; i < np; i++) {
        const param *p = &ps[i];
        const char *type = p->t.c;
        is_null[i] = p->info->nullable && !is_string(&p->t)
                         ? unique(a, &used, pgc_arena_printf(a, "%s_is_null", p->c))
                         : NULL;
        pgc_sb_printf(&b, "    %s%s%s;%s\n", type, type[strlen(type) - 1] == '*' ? "" : " ", p->c,
                  p->info->nullable && is_string(&p->t) ? " /* NULL: SQL NULL */" : "");
        if (is_null[i])
            pgc_sb_printf(&b, "    bool %s;\n", is_null[i]);
    }
    set(&t, "members", pgc_sb_take(&b));

    /* checks before anything is sent, then the fields in column order */
    for (size_t i = 0; i < np; i++) {
        const param *p = &ps[i];
        if (is_string(&p->t) && !p->info->nullable)
            pgc_sb_printf(&b,
                      "        if (!rows[i].%s)\n"
                      "            return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "                                  \"row %%zu: %s is NULL\", i);\n",
                      p->c, fn, p->c);
        if (p->t.kind == V_ARRAY)
            pgc_sb_printf(&b,
                      "        if (%s!rows[i].%s.items && rows[i].%s.len)\n"
                      "            return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "                                  \"row %%zu: %s has no items\", i);\n",
                      is_null[i] ? pgc_arena_printf(a, "!rows[i].%s && ", is_null[i]) : "",
                      p->c, p->c, fn, p->c);
        if (p->t.kind == V_ENUM)
            pgc_sb_printf(&b,
                      "        if (%s!%s_to_text(rows[i].%s))\n"
                      "            return pgc_fail_query(err, PGC_EINVAL, &%s_stmt,\n"
                      "                                  \"row %%zu: %s is not a %s value\", i);\n",
                      is_null[i] ? pgc_arena_printf(a, "!rows[i].%s && ", is_null[i]) : "",
                      p->t.enum_c, p->c, fn, p->c, p->t.enum_c);
    }
    const char *checks = pgc_sb_take(&b);
    set(&t, "checks", *checks ? pgc_arena_printf(a, "    for (size_t i = 0; i < n; i++) {\n%s"
                                                    "    }\n", checks)
                              : "");
    bool need_bin = false, need_enc = false;
    for (size_t k = 0; k < np; k++) {
        const param *p = &ps[order[k]];
        const char *v = pgc_arena_printf(a, "r->%s", p->c), *call = NULL;
        switch (p->t.kind) {
        case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
            call = pgc_arena_printf(a, "pgc_copy_%s(c, %s, NULL);", p->t.suffix, v);
            break;
        case V_TEXT:
            call = pgc_arena_printf(a, "pgc_copy_text(c, %s, NULL);", v);
            break;
        case V_JSONB: case V_NUMERIC:
            call = pgc_arena_printf(a, "pgc_copy_%s(c, %s, NULL);", p->t.suffix, v);
            break;
        case V_ENUM:
            call = pgc_arena_printf(a, "pgc_copy_text(c, %s_to_text(%s), NULL);", p->t.enum_c, v);
            break;
        case V_BYTES:
            call = pgc_arena_printf(a, "pgc_copy_bytes(c, %s.data, %s.len, NULL);", v, v);
            break;
        case V_UUID:
            call = pgc_arena_printf(a, "pgc_copy_bytes(c, %s.b, sizeof %s.b, NULL);", v, v);
            break;
        case V_DATE:
            call = pgc_arena_printf(a, "pgc_copy_int4(c, %s.days, NULL);", v);
            break;
        case V_TIMESTAMP:
            call = pgc_arena_printf(a, "pgc_copy_int8(c, %s.usec, NULL);", v);
            break;
        case V_INTERVAL:
            call = pgc_arena_printf(a, "pgc_copy_bytes(c, pgc_put_interval(bin, %s), 16, NULL);", v);
            need_bin = true;
            break;
        case V_ARRAY: case V_RANGE: {
            const char *ind = is_null[order[k]] ? "            " : "        ";
            const char *elem = p->t.kind == V_ARRAY ? pgc_arena_printf(a, ", %u", p->t.elem) : "";
            call = pgc_arena_printf(a, "rc = pgc_put_%s(%s%s, &enc, &enc_len);\n"
                                       "%spgc_copy_encoded(c, rc, enc, enc_len, NULL);",
                                    p->t.suffix, v, elem, ind);
            need_enc = true;
            break;
        }
        case V_COMPOSITE: {
            const char *ind = is_null[order[k]] ? "            " : "        ";
            call = pgc_arena_printf(a, "rc = %s(&%s, &enc, &enc_len);\n"
                                       "%spgc_copy_encoded(c, rc, enc, enc_len, NULL);",
                                    p->t.st->writer, v, ind);
            need_enc = true;
            break;
        }
        }
        if (is_null[order[k]])
            pgc_sb_printf(&b, "        if (r->%s) {\n            pgc_copy_null(c, NULL);\n"
                          "        } else {\n            %s\n        }\n", is_null[order[k]], call);
        else
            pgc_sb_printf(&b, "        %s\n", call);
    }
    set(&t, "fields", pgc_sb_take(&b));
    set(&t, "copy_locals", pgc_arena_printf(a, "%s%s", need_bin ? "    char bin[16];\n" : "",
                                            need_enc ? "    char *enc;\n    int enc_len;\n"
                                                     : ""));

    fill(h, &t, "header_copyfrom");
    pgc_sb_puts(h, "\n");
    long_literal(c, strlen(copy_sql) > 4095, true);
    fill(c, &t, "copyfrom_impl");
    long_literal(c, strlen(copy_sql) > 4095, false);
    pgc_sb_puts(c, "\n");
}

static void emit_query(emitter *e, const pgc_query_info *qi, pgc_strbuf *h, pgc_strbuf *c)
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
    case PGC_CMD_BATCHEXEC:
        break;
    case PGC_CMD_BATCHONE: case PGC_CMD_BATCHMANY:
        if (nc == 0) {
            query_error(e, q, "%s needs a query that returns columns (add RETURNING, or use "
                              ":batchexec)", pgc_cmd_name(q->cmd));
            return;
        }
        break;
    case PGC_CMD_COPYFROM:
        emit_copyfrom(e, qi, ps, h, c);
        return;
    }

    pgc_arena *a = e->a;
    tmpl t = {.a = a};
    const char *fn = query_function(e, q, &t);
    set(&t, "row", pgc_arena_printf(a, "%s_row", fn));
    set(&t, "iter", pgc_arena_printf(a, "%s_iter", fn));

    /* parameters, as declared and as called */
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "pgc_db *db, ");
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    set(&t, "params", pgc_sb_take(&b));
    pgc_sb_printf(&b, "%s_batch *b, ", fn);
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    set(&t, "qparams", pgc_sb_take(&b));
    pgc_sb_puts(&b, "db, ");
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", ps[i].c);
    set(&t, "call", pgc_sb_take(&b));

    /* the statement */
    bool any_binary = false;
    int bin_size = 0;
    size_t narrays = 0;
    for (size_t i = 0; i < np; i++) {
        if (binary_param(&ps[i].t))
            any_binary = true;
        if (encoded_param(&ps[i].t))
            narrays++;
        if (ps[i].t.size > bin_size)
            bin_size = ps[i].t.size;
    }
    if (narrays && !e->arrays_failed) {
        e->free_arrays = unique(a, &e->globals, "free_arrays");
        e->arrays_failed = unique(a, &e->globals, "free_arrays_and_fail");
    }
    pgc_runtime_stmt rs;
    pgc_runtime_statement(a, e->p->catalog, qi, PGC_STMT_RUNTIME, &rs);
    if (np) {
        pgc_sb_printf(&b, "static const Oid %s_types[] = {", fn);
        for (size_t i = 0; i < np; i++)
            pgc_sb_printf(&b, "%s%u", i ? ", " : "", rs.oids[i]);
        pgc_sb_puts(&b, "};\n");
        if (any_binary) {
            pgc_sb_printf(&b, "static const int %s_formats[] = {", fn);
            for (size_t i = 0; i < np; i++)
                pgc_sb_printf(&b, "%s%d", i ? ", " : "", binary_param(&ps[i].t) ? 1 : 0);
            pgc_sb_puts(&b, "};\n");
        }
    }
    set(&t, "param_arrays", pgc_sb_take(&b));
    const char *sql = rs.sql;
    set(&t, "sql", c_string(a, sql, strlen(sql), 11));
    set(&t, "nparams", pgc_arena_printf(a, "%zu", np));
    set(&t, "param_types", np ? pgc_arena_printf(a, "%s_types", fn) : "NULL");
    set(&t, "result_format", nc ? "1" : "0");
    bool long_sql = strlen(sql) > 4095;
    long_literal(c, long_sql, true);
    fill(c, &t, "stmt");
    long_literal(c, long_sql, false);

    /* the row */
    bool batch = q->cmd == PGC_CMD_BATCHEXEC || q->cmd == PGC_CMD_BATCHONE
                 || q->cmd == PGC_CMD_BATCHMANY;
    set(&t, "batch", pgc_arena_printf(a, "%s_batch", fn));
    if (q->cmd == PGC_CMD_ONE || q->cmd == PGC_CMD_MANY || q->cmd == PGC_CMD_BATCHONE
        || q->cmd == PGC_CMD_BATCHMANY) {
        bool at = q->cmd == PGC_CMD_BATCHMANY;
        for (size_t i = 0; i < nc; i++) {
            const column *col = &cs[i];
            if (col->embed) {
                if (col->embed_first)
                    pgc_sb_printf(&b, "    %s %s; /* sqlc.embed(%s) */\n", col->embed_st->c,
                              col->embed, c_comment(a, col->info->embed));
                continue;
            }
            const char *type = col->t.c;
            pgc_sb_printf(&b, "    %s%s%s;\n", type, type[strlen(type) - 1] == '*' ? "" : " ",
                          col->c);
            if (col->is_null)
                pgc_sb_printf(&b, "    bool %s;\n", col->is_null);
        }
        if (q->cmd == PGC_CMD_ONE || q->cmd == PGC_CMD_BATCHONE)
            pgc_sb_printf(&b, "    pgc_result *result; /* the row's: %s_row_clear() frees it */\n",
                          fn);
        set(&t, "members", pgc_sb_take(&b));
        fill(h, &t, "header_row");
        pgc_sb_puts(h, "\n");

        pgc_sb_puts(c, "\n");
        for (size_t i = 0; i < nc; i++)
            pgc_sb_printf(&b, "%s%u", i ? ", " : "", cs[i].t.oid);
        set(&t, "oids", pgc_sb_take(&b));
        fill(c, &t, "column_types");
        pgc_sb_puts(c, "\n");
        for (size_t i = 0; i < nc; i++)
            read_column(e, &b, fn, &cs[i], i, at ? "r" : "0");
        set(&t, "reads", pgc_sb_take(&b));
        set(&t, "ncols", pgc_arena_printf(a, "%zu", nc));
        fill(c, &t, at ? "read_row_at" : q->cmd == PGC_CMD_MANY ? "read_row_stream" : "read_row");
    }

    /* the function */
    if (np) {
        pgc_sb_printf(&b, "    const char *values[%zu];\n", np);
        if (any_binary || narrays) { /* an array writer sets its length, even as text */
            pgc_sb_printf(&b, "    int lengths[%zu] = {", np);
            for (size_t i = 0; i < np; i++)
                pgc_sb_printf(&b, "%s%d", i ? ", " : "", ps[i].t.size);
            pgc_sb_puts(&b, "};\n");
        }
        if (bin_size)
            pgc_sb_printf(&b, "    char bin[%zu][%d];\n", np, bin_size);
        if (narrays) {
            pgc_sb_printf(&b, "    char *arrays[%zu] = {NULL};\n", narrays);
            /* the shapes that return the runtime's call directly need rc */
            if (q->cmd != PGC_CMD_ONE && q->cmd != PGC_CMD_EXECROWS)
                pgc_sb_puts(&b, "    int rc;\n");
        }
        set(&t, "args", any_binary ? pgc_arena_printf(a, "values, lengths, %s_formats", fn)
                                   : "values, NULL, NULL");
    } else {
        set(&t, "args", "NULL, NULL, NULL");
    }
    const char *locals = pgc_sb_take(&b);
    set(&t, "locals", locals);
    set(&t, "locals_block", *locals ? pgc_arena_printf(a, "%s\n", locals) : "");
    /* the runtime's call, and the arrays freed after it */
    const char *args = lookup(&t, "args", 4), *callee = NULL;
    switch (q->cmd) {
    case PGC_CMD_EXEC:
        callee = pgc_arena_printf(a, "pgc_query(db, &%s_stmt, %s, NULL, err)", fn, args);
        break;
    case PGC_CMD_EXECRESULT:
        callee = pgc_arena_printf(a, "pgc_query(db, &%s_stmt, %s, res, err)", fn, args);
        break;
    case PGC_CMD_MANY:
        callee = pgc_arena_printf(a, "pgc_stream_open(db, &%s_stmt, %s, &it->stream, err)", fn,
                                  args);
        break;
    case PGC_CMD_BATCHEXEC: case PGC_CMD_BATCHONE: case PGC_CMD_BATCHMANY:
        callee = pgc_arena_printf(a, "pgc_batch_queue(b->batch, &%s_stmt, %s, err)", fn, args);
        break;
    case PGC_CMD_ONE: case PGC_CMD_EXECROWS: case PGC_CMD_COPYFROM:
        break;
    }
    if (narrays == 1)
        pgc_sb_puts(&b, "    free(arrays[0]);\n");
    else if (narrays)
        pgc_sb_printf(&b, "    %s(arrays, %zu);\n", e->free_arrays, narrays);
    const char *frees = pgc_sb_take(&b);
    set(&t, "free_arrays", frees);
    set(&t, "return_call", !callee ? ""
                           : narrays ? pgc_arena_printf(a, "    rc = %s;\n%s    return rc;", callee,
                                                        frees)
                                     : pgc_arena_printf(a, "    return %s;", callee));
    const char *bind = binds(e, fn, ps, np);
    set(&t, "binds", *bind ? pgc_arena_printf(a, "%s\n", bind) : "");
    const char *kind = NULL;
    switch (q->cmd) {
    case PGC_CMD_ONE: kind = "one"; break;
    case PGC_CMD_MANY: kind = "many"; break;
    case PGC_CMD_EXEC: kind = "exec"; break;
    case PGC_CMD_EXECROWS: kind = "execrows"; break;
    case PGC_CMD_EXECRESULT: kind = "execresult"; break;
    case PGC_CMD_BATCHEXEC: kind = "batchexec"; break;
    case PGC_CMD_BATCHONE: kind = "batchone"; break;
    case PGC_CMD_BATCHMANY: kind = "batchmany"; break;
    case PGC_CMD_COPYFROM: return;
    }
    if (batch) {
        bool many = q->cmd == PGC_CMD_BATCHMANY;
        set(&t, "batch_members",
            q->cmd == PGC_CMD_BATCHEXEC ? "    pgc_batch *batch;"
            : many ? "    pgc_batch *batch;\n"
                     "    pgc_result *result; /* the current call's rows */\n"
                     "    int read;           /* calls read so far */"
                   : "    pgc_batch *batch;\n"
                     "    int read; /* calls read so far */");
        set(&t, "end_body", many ? "    int rc;\n\n"
                                   "    pgc_result_free(b->result);\n"
                                   "    rc = pgc_batch_end(b->batch, err);"
                                 : "    int rc = pgc_batch_end(b->batch, err);\n\n");
        pgc_strbuf decls = {.a = a};
        fill(&decls, &t, "header_batch");
        set(&t, "batch_decls", pgc_sb_take(&decls));
        fill(h, &t, pgc_arena_printf(a, "header_%s", kind));
        pgc_sb_puts(h, "\n");
        pgc_sb_puts(c, "\n");
        fill(c, &t, "batch_impl");
        pgc_sb_puts(c, "\n");
        if (q->cmd != PGC_CMD_BATCHEXEC) {
            fill(c, &t, "batch_result");
            pgc_sb_puts(c, "\n");
            fill(c, &t, pgc_arena_printf(a, "%s_impl", kind));
            pgc_sb_puts(c, "\n");
        }
        return;
    }
    fill(h, &t, pgc_arena_printf(a, "header_%s", kind));
    pgc_sb_puts(h, "\n");
    pgc_sb_puts(c, "\n");
    fill(c, &t, pgc_arena_printf(a, "%s_impl", kind));
    pgc_sb_puts(c, "\n");
}

/* ---- enums ---------------------------------------------------------------------------------- */

static void emit_enum(emitter *e, uint32_t oid, const char *ctype_name, pgc_strbuf *h,
                      pgc_strbuf *c)
{
    pgc_arena *a = e->a;
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    tmpl t = {.a = a};
    set(&t, "ctype", ctype_name);
    set(&t, "sqltype", c_comment(a, pgc_catalog_type_name(e->p->catalog, oid, -1)));
    const char *prefix = c_name(a, ctype_name, true, "ENUM");
    pgc_strbuf en = {.a = a}, cases = {.a = a}, labels = {.a = a};
    for (size_t i = 0; i < u->labels.len; i++) {
        const char *label = u->labels.items[i];
        const char *id = unique(a, &e->globals, pgc_arena_printf(a, "%s_%s", prefix,
                                                                 c_name(a, label, true, "EMPTY")));
        const char *lit = c_string(a, label, strlen(label), 0);
        pgc_sb_printf(&en, "    %s = %zu,%s\n", id, i + 1,
                  strcasecmp(id + strlen(prefix) + 1, label) != 0
                      ? pgc_arena_printf(a, " /* %s */", c_comment(a, sql_literal(a, label)))
                      : "");
        pgc_sb_printf(&cases, "    case %s:\n        return %s;\n", id, lit);
        pgc_sb_printf(&labels, "        {%s, %s},\n", lit, id);
    }
    set(&t, "enumerators", pgc_sb_take(&en));
    set(&t, "cases", pgc_sb_take(&cases));
    set(&t, "labels", pgc_sb_take(&labels));
    fill(h, &t, "header_enum");
    pgc_sb_puts(h, "\n");
    bool long_label = false;
    for (size_t i = 0; i < u->labels.len; i++)
        long_label = long_label || strlen(u->labels.items[i]) > 4095;
    long_literal(c, long_label, true);
    fill(c, &t, "enum_impl");
    long_literal(c, long_label, false);
    pgc_sb_puts(c, "\n");
}

/* ---- migrations ----------------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void emit_migrations(emitter *e, pgc_strbuf *h, pgc_strbuf *c)
{
    pgc_arena *a = e->a;
    tmpl t = {.a = a};
    set(&t, "module", e->name);
    fill(h, &t, "header_migrate");
    pgc_sb_puts(h, "\n");

    pgc_strbuf files = {.a = a};
    for (size_t i = 0; i < e->p->migrations.len; i++) {
        const pgc_migration_file *m = &e->p->migrations.items[i];
        const char *name = base_name(m->file->path);
        const char *sql = pgc_migration_set_sql(m);
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
        pgc_sb_puts(c, "\n");
        pgc_sb_printf(&files, "    {%llu, %s, %s,\n     \"%s\"},\n", (unsigned long long)m->version,
                  c_string(a, name, strlen(name), 0), var, sum);
    }
    set(&t, "files", pgc_sb_take(&files));
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
    pgc_strbuf b = {.a = a};
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
            pgc_sb_add(&b, text, n);
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
                    pgc_sb_add(&b, s, (size_t)(end - s));
                    break;
                }
                pgc_sb_add(&b, s, (size_t)(cut - s));
                pgc_sb_printf(&b, "\n%*s", (int)indent, "");
                col = indent;
                s = cut + 1;
            }
        }
        if (!nl)
            break;
        pgc_sb_puts(&b, "\n");
        text = nl + 1;
    }
    return pgc_sb_take(&b);
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
    /* every C name is NAME_...: not the runtime's, not reserved, not too long */
    if (o->name[0] == '_' || strncasecmp(o->name, "pgc", 3) == 0
        || strlen(o->name) > MAX_QUERY_NAME) {
        pgc_diag_error(d, NULL, 0, "the name '%.*s' cannot be used: it must not start with '_' "
                                   "or 'pgc' (the runtime's names), and have at most %d "
                                   "characters", MAX_QUERY_NAME, o->name, MAX_QUERY_NAME);
        return false;
    }
    if (p->migrations.len == 0) {
        pgc_diag_error(d, NULL, 0, "no migrations: give -m MIGRATION...");
        return false;
    }
    /* every query's names first: types give way to them */
    claim_module_names(&e);
    for (size_t i = 0; i < p->infos.len; i++)
        claim_query_names(&e, p->infos.items[i].src);
    if (d->errors != errors)
        return false;

    /* queries first: they decide which enums and structs are used */
    plan_structs(&e);
    pgc_strbuf qh = {.a = a}, qc = {.a = a};
    for (size_t i = 0; i < p->infos.len; i++)
        if (check_statement(&e, &p->infos.items[i]))
            emit_query(&e, &p->infos.items[i], &qh, &qc);
    if (d->errors != errors)
        return false;

    tmpl t = {.a = a};
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, " * Inputs:\n");
    for (size_t i = 0; i < o->ninputs; i++)
        pgc_sb_printf(&b, " *   %s\n", c_comment(a, o->inputs[i]));
    set(&t, "inputs", pgc_sb_take(&b));
    set(&t, "version", PGC_VERSION);
    set(&t, "guard", pgc_arena_printf(a, "%s_H", c_name(a, o->name, true, "PGC")));
    set(&t, "header", pgc_arena_printf(a, "%s.h", o->name));

    pgc_strbuf h = {.a = a}, c = {.a = a}, ec = {.a = a};
    fill(&h, &t, "banner");
    fill(&h, &t, "header_top");
    pgc_sb_puts(&h, "\n");
    for (size_t i = 0; i < e.enums.len; i++)
        emit_enum(&e, e.enums.items[i], e.enum_names.items[i], &h, &ec);
    for (size_t i = 0; i < e.structs.len; i++)
        if (e.structs.items[i]->resolved)
            emit_struct(&e, e.structs.items[i], &h, &ec);
    emit_migrations(&e, &h, &c);
    pgc_sb_add(&h, qh.p ? qh.p : "", qh.len);
    fill(&h, &t, "header_bottom");

    pgc_strbuf out = {.a = a};
    fill(&out, &t, "banner");
    fill(&out, &t, "source_top");
    pgc_sb_puts(&out, "\n");
    pgc_sb_add(&out, ec.p ? ec.p : "", ec.len);
    if (e.arrays_failed) {
        set(&t, "arrays_failed", e.arrays_failed);
        set(&t, "free_arrays", e.free_arrays);
        fill(&out, &t, "arrays_failed");
        pgc_sb_puts(&out, "\n");
    }
    pgc_sb_add(&out, qc.p ? qc.p : "", qc.len);
    pgc_sb_puts(&out, "\n");
    pgc_sb_add(&out, c.p ? c.p : "", c.len);
    *header = (char *)wrap_lines(a, pgc_sb_take(&h));
    *source = (char *)wrap_lines(a, pgc_sb_take(&out));
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
