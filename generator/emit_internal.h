/*
 * emit_internal.h - what the emitter's files share; emit.h is the
 * emitter's interface, this header its inside:
 *
 *   emit_template.c  the template engine (templates/emit.tmpl) and line wrapping
 *   emit_text.c      input text as C identifiers, string literals, comments
 *   typemap.c        PostgreSQL types to C types (runtime/pgc_types.def)
 *   emit.c           the program as NAME.h and NAME.c: per query, enums, structs,
 *                    migrations, the files
 *   emit_copy.c      :copyfrom as a binary COPY
 */
#ifndef PGC_EMIT_INTERNAL_H
#define PGC_EMIT_INTERNAL_H

#include "emit.h"

#include "builtins.h"
#include "catalog.h"
#include "pgc.h"
#include "sqltext.h"
#include "strmap.h"

/* ---- emit_template.c ---------------------------------------------------------------------- */

/* build/gen/templates.c, from templates/emit.tmpl: one string per line. */
extern const char *const pgc_emit_template[];
extern const size_t pgc_emit_template_lines;

/* The values of a section's @keys@, set before it is filled. */
enum { MAX_KEYS = 48 };

typedef struct tmpl {
    pgc_arena *a;
    size_t nkeys;
    const char *keys[MAX_KEYS], *values[MAX_KEYS];
} tmpl;

/* Sets (or replaces) key's value. */
void tmpl_set(tmpl *t, const char *key, const char *value);
/* Section name of the template with t's values, appended to out; aborts on
 * a key without a value (the template and the emitter are built together). */
void tmpl_fill(pgc_strbuf *out, const tmpl *t, const char *name);
/* Code lines longer than 100 columns broken after commas. */
const char *wrap_lines(pgc_arena *a, const char *text);

/* ---- emit_text.c -------------------------------------------------------------------------- */

/* The C names of one scope (file scope: emitter.globals; a function's
 * parameters; a struct's members), each to its owner. */
typedef pgc_strmap names;

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

bool is_c_keyword(const char *s);
bool is_identifier(const char *s);
char *snake_case(pgc_arena *a, const char *name);
char *c_name(pgc_arena *a, const char *s, bool upper, const char *fallback);
bool name_taken(const names *used, const char *s);
void name_add(pgc_arena *a, names *used, const char *s);
const char *name_unique(pgc_arena *a, names *used, const char *base);
const char *c_string(pgc_arena *a, const char *text, size_t len, int indent);
void long_literal(pgc_strbuf *c, bool is_long, bool push);
const char *c_comment(pgc_arena *a, const char *text);
const char *sql_literal(pgc_arena *a, const char *text);

/* ---- typemap.c ---------------------------------------------------------------------------- */

/* A value's C form: pgc_types.def's kinds, then the shapes built of them. */
typedef enum vkind {
#define PGC_KIND(KIND, kind, ctype, size) V_##KIND,
#include "pgc_types.def"
    V_ENUM, V_ARRAY, V_COMPOSITE, V_RANGE
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
    const char *code;     /* its pgc_type_code (pgc_gen.h), for the column tables */
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
    const char *reader;   /* its pgc_row_type's name, once a value is read or sent */
    const char *fields;   /* and its pgc_column table's */
    const char *sqltype;
    PGC_VEC(member) m;
    bool resolved;        /* members' C types known */
    bool emitted;
};

/*
 * Two arenas: `a`, a query's scratch while it is emitted (emptied after
 * it), else the same as `keep`; `keep`, what lives until the files are
 * written: everything the emitter keeps across queries (the lists below,
 * the globals map and its names, the structs and their members' types).
 */
typedef struct emitter {
    pgc_arena *a;
    pgc_arena *keep;
    pgc_diags *d;
    pgc_program *p;
    const char *name;
    bool no_async;                     /* leave out NAME_send, NAME_recv */
    PGC_VEC(uint32_t) enums;           /* enum oids used, by oid */
    PGC_VEC(const char *) enum_names;  /* their C names, same order */
    PGC_VEC(const char *) enum_types;  /* their pgc_enum_type's names once read, same order */
    PGC_VEC(cstruct *) structs;        /* composite types used, in first-use order */
    names globals;                     /* C names at file scope, each to its owner */
    /* Where query_line() stopped counting: queries come in file order, so
     * counting on from the previous one keeps a file's lines linear. */
    const pgc_file *line_file;
    size_t line_offset;
    int line;
} emitter;

cstruct *struct_of(emitter *e, uint32_t oid);
void resolve_struct(emitter *e, cstruct *st);
const char *oid_name(pgc_arena *a, uint32_t oid);
/* ctype_of's texts are in e->a: what outlives the query is made in e->keep
 * (enum names, structs and their members' types). */
bool ctype_of(emitter *e, uint32_t oid, ctype *out);
const char *unsupported_why(emitter *e, uint32_t oid);
bool is_string(const ctype *t);

/* ---- emit.c, emit_copy.c ------------------------------------------------------------------ */

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

void query_error(emitter *e, const pgc_query_src *q, const char *fmt, ...) PGC_PRINTF(3, 4);
const char *query_function(emitter *e, const pgc_query_src *q, tmpl *t);
/* The name of the pgc_enum_type of C enum enum_c, which is then emitted. */
const char *enum_type_name(emitter *e, const char *enum_c);

/* The pgc_column line of member path of struct row (emit.c). */
void emit_column_entry(emitter *e, pgc_strbuf *b, const char *row, const char *path,
                       const char *is_null, bool notnull, const ctype *t);
void emit_copyfrom(emitter *e, const pgc_query_info *qi, const param *qps, pgc_strbuf *h,
                   pgc_strbuf *c);

#endif /* PGC_EMIT_INTERNAL_H */
