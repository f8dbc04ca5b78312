/*
 * emit.c - the emitter: the analyzed program as C (emit.h).
 *
 * Takes the program the front end loaded; gives NAME.h and NAME.c.  What
 * is written comes from templates/emit.tmpl (emit_template.c); this file
 * decides which sections to print, per query, enum, composite type and
 * migration, and computes the values of their @keys@: each query's
 * statement, its parameter and column tables (read by runtime/rows.c),
 * its function.  Types come from typemap.c, names and literals from
 * emit_text.c, :copyfrom from emit_copy.c (emit_internal.h lists them).
 */
#include "emit.h"
#include "emit_internal.h"

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
    pgc_arena *scratch = pgc_arena_new(); /* what the check alone uses */
    pgc_runtime_stmt rs;
    pgc_runtime_statement(scratch, e->p->catalog, qi, PGC_STMT_CHECK, &rs);
    pgc_query_src again = *q;
    again.text.canon = rs.sql;
    again.text.canon_len = strlen(rs.sql);
    again.text.map = rs.map;
    again.route = PGC_ROUTE_AUTO; /* its annotation was judged (and reported) once */
    int errors = e->d->errors;
    pgc_query_info info;
    memset(&info, 0, sizeof info);
    PgQuery__ParseResult *tree = pgc_parse(e->d, &again.text);
    bool same = tree && tree->n_stmts == 1
                && pgc_analyze_query(e->p->catalog, scratch, e->d, &again, tree->stmts[0], &info);
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
    pgc_parse_free(tree);
    pgc_arena_free(scratch);
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


void query_error(emitter *e, const pgc_query_src *q, const char *fmt, ...)
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
    "b", "arrays", "args", "a", "call",
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

/* The names of st's field table and pgc_row_type, which both reading and
 * sending a value of the type use. */
static void claim_struct_table(emitter *e, cstruct *st)
{
    if (!st->reader) {
        pgc_arena *keep = e->keep;
        st->reader = name_unique(keep, &e->globals, pgc_arena_printf(keep, "%s_row_type", st->c));
        st->fields = name_unique(keep, &e->globals, pgc_arena_printf(keep, "%s_fields", st->c));
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
    claim_struct_table(e, st);
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        if (!m->ok) {
            query_error(e, q, "column %s has type %s, whose field %s has type %s, which %s",
                        colname, st->sqltype, m->col->name,
                        pgc_catalog_type_name(e->p->catalog, m->col->type, m->col->typmod),
                        unsupported_why(e, m->col->type));
            return false;
        }
        if (m->t.enum_c) /* named now: the enums are written before the structs */
            enum_type_name(e, m->t.enum_c);
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
    claim_struct_table(e, st);
    return true;
}

/* Names and types of the query's parameters and columns; false after reporting. */
static bool resolve_query(emitter *e, const pgc_query_info *qi, param **params, column **cols)
{
    const pgc_query_src *q = qi->src;
    bool ok = true;
    names used = {0};
    for (size_t i = 0; i < sizeof param_reserved / sizeof param_reserved[0]; i++)
        name_add(e->a, &used, param_reserved[i]);
    *params = pgc_arena_alloc(e->a, (qi->params.len + 1) * sizeof **params);
    for (size_t i = 0; i < qi->params.len; i++) {
        const pgc_param_info *pi = &qi->params.items[i];
        param *p = &(*params)[i];
        p->info = pi;
        p->c = name_unique(e->a, &used, param_c_name(e, pi->name));
        if (!ctype_of(e, pi->type, &p->t)) {
            query_error(e, q, "parameter %s has type %s, which %s", pi->name,
                        pgc_catalog_type_name(e->p->catalog, pi->type, -1),
                        unsupported_why(e, pi->type));
            ok = false;
        } else if (!check_struct_param(e, q, pi, &p->t)) {
            ok = false;
        }
    }
    used = (names){0};
    name_add(e->a, &used, "result");
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
            const char *m = name_unique(e->a, &used, c_name(e->a, ci->embed, false, "embed"));
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
        c->c = name_unique(e->a, &used, base);
        if (ci->nullable)
            c->is_null = name_unique(e->a, &used, pgc_arena_printf(e->a, "%s_is_null", c->c));
        if (!ctype_of(e, ci->type, &c->t)) {
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

/* "const int64_t *x" and the like. */
static const char *param_decl(emitter *e, const param *p)
{
    bool ptr = p->info->nullable && !is_string(&p->t);
    const char *c = p->t.c;
    if (is_string(&p->t))
        return pgc_arena_printf(e->a, "%s%s", c, p->c);
    return pgc_arena_printf(e->a, "%s%s %s%s", ptr ? "const " : "", c, ptr ? "*" : "", p->c);
}

/* The pgc_enum_type of the C enum enum_c, named on first use (emit_enum
 * then writes it). */
const char *enum_type_name(emitter *e, const char *enum_c)
{
    for (size_t i = 0; i < e->enum_names.len; i++) {
        if (strcmp(e->enum_names.items[i], enum_c) != 0)
            continue;
        if (!e->enum_types.items[i])
            e->enum_types.items[i] = name_unique(e->keep, &e->globals,
                                            pgc_arena_printf(e->keep, "%s_type", enum_c));
        return e->enum_types.items[i];
    }
    return NULL;
}

/*
 * The pgc_column line of member `path` of struct `row`, of type t: NOT NULL
 * (a NULL refused), with its companion `is_null`, or, nullable with no
 * companion, a string whose NULL pointer is SQL NULL.  Row readers and
 * :copyfrom's parameter rows both write their tables with it.
 */
void emit_column_entry(emitter *e, pgc_strbuf *b, const char *row, const char *path,
                       const char *is_null, bool notnull, const ctype *t)
{
    pgc_arena *a = e->a;
    const char *info = t->kind == V_COMPOSITE ? pgc_arena_printf(a, "&%s", t->st->reader)
                       : t->enum_c ? pgc_arena_printf(a, "&%s", enum_type_name(e, t->enum_c))
                                   : "NULL";
    if (notnull)
        pgc_sb_printf(b, "    PGC_COLUMN(%s, %s, %s, %s),\n", row, path, t->code, info);
    else if (!is_null)
        pgc_sb_printf(b, "    {\"%s\", %s, offsetof(%s, %s), PGC_NULL_STRING, %s},\n", path,
                      t->code, row, path, info);
    else if (strcmp(is_null, pgc_arena_printf(a, "%s_is_null", path)) == 0)
        pgc_sb_printf(b, "    PGC_COLUMN_NULL(%s, %s, %s, %s),\n", row, path, t->code, info);
    else
        pgc_sb_printf(b, "    {\"%s\", %s, offsetof(%s, %s), (ptrdiff_t)offsetof(%s, %s), %s},\n",
                      path, t->code, row, path, row, is_null, info);
}

/* The pgc_param line of parameter p. */
static void param_entry(emitter *e, pgc_strbuf *b, const param *p)
{
    const ctype *t = &p->t;
    pgc_sb_printf(b, "    {\"%s\", %s, %s, %s, %s},\n", p->c, t->code,
                  p->info->nullable ? "true" : "false",
                  t->kind == V_ENUM ? pgc_arena_printf(e->a, "&%s", enum_type_name(e, t->enum_c))
                                    : "NULL",
                  t->kind == V_COMPOSITE ? pgc_arena_printf(e->a, "&%s", t->st->reader) : "NULL");
}

/* Does a row of these columns hold only fixed-size values (nothing that
 * points into its result)? */
static bool fixed_size_row(const column *cs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (cs[i].t.kind) {
        case V_INT2: case V_INT4: case V_INT8: case V_FLOAT4: case V_FLOAT8: case V_BOOL:
        case V_UUID: case V_DATE: case V_TIMESTAMP: case V_INTERVAL: case V_ENUM:
            break;
        case V_TEXT: case V_JSONB: case V_NUMERIC: case V_BYTES: case V_ARRAY: case V_RANGE:
        case V_COMPOSITE:
            return false;
        }
    }
    return true;
}

/* ---- composite types ------------------------------------------------------------------------ */

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
    tmpl_set(&t, "ctype", st->c);
    tmpl_set(&t, "reader", st->reader ? st->reader : "");
    tmpl_set(&t, "what", st->rel->kind == 'c' ? "composite type" : "row type of");
    tmpl_set(&t, "sqltype", c_comment(a, st->sqltype));
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        const char *type = m->t.c;
        pgc_sb_printf(&b, "    %s%s%s;\n", type, type[strlen(type) - 1] == '*' ? "" : " ", m->c);
        if (m->is_null)
            pgc_sb_printf(&b, "    bool %s;\n", m->is_null);
    }
    tmpl_set(&t, "members", pgc_sb_take(&b));
    tmpl_fill(h, &t, "header_struct");
    pgc_sb_puts(h, "\n");
    if (!st->reader)
        return;
    for (size_t i = 0; i < st->m.len; i++) {
        const member *m = &st->m.items[i];
        emit_column_entry(e, &b, st->c, m->c, m->is_null, !m->nullable, &m->t);
    }
    tmpl_set(&t, "fields", st->fields);
    tmpl_set(&t, "columns", pgc_sb_take(&b));
    tmpl_fill(c, &t, "struct_read");
    pgc_sb_puts(c, "\n");
}

/* ---- a query's names ---------------------------------------------------------------------- */

/* A query's function name (NAME_query_name, claimed with the names made
 * from it by claim_query_names), set in t as "fn" beside "query" (its annotation) and "where"
 * (file:line), as every query's template wants them. */
const char *query_function(emitter *e, const pgc_query_src *q, tmpl *t)
{
    pgc_arena *a = e->a;
    const char *fn = pgc_arena_printf(a, "%s_%s", e->name, snake_case(a, q->name));
    tmpl_set(t, "fn", fn);
    tmpl_set(t, "query", c_comment(a, pgc_arena_printf(a, "%s %s", q->name, pgc_cmd_name(q->cmd))));
    tmpl_set(t, "where", c_comment(a, pgc_arena_printf(a, "%s:%d", q->text.file->path,
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
    tmpl_set(t, "file", c_string(a, f->path, strlen(f->path), 0));
    tmpl_set(t, "line", pgc_arena_printf(a, "%d", line));
    tmpl_set(t, "column", pgc_arena_printf(a, "%d", col));
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
             {"_params", "parameter table"}
#define ROW {"_row", "row type"}, {"_columns", "column table"}, {"_row_type", "row table"}
#define ASYNC {"_send", "function"}, {"_recv", "function"}
#define BATCH {"", "name"}, {"_batch", "batch type"}, {"_begin", "function"}, \
              {"_queue", "function"}, {"_end", "function"}
    static const derived one[] = {{"", "function"}, STMT, ROW, ASYNC,
                                  {"_row_clear", "function"}};
    static const derived many[] = {{"", "name"}, STMT, ROW, ASYNC, {"_iter", "iterator type"},
                                   {"_open", "function"}, {"_next", "function"},
                                   {"_close", "function"}};
    static const derived exec[] = {{"", "function"}, STMT, ASYNC};
    static const derived batchexec[] = {BATCH, STMT, ASYNC};
    static const derived batchone[] = {BATCH, STMT, ROW, ASYNC, {"_result", "function"},
                                       {"_next", "function"}, {"_row_clear", "function"}};
    static const derived batchmany[] = {BATCH, STMT, ROW, ASYNC, {"_result", "function"},
                                        {"_next", "function"}, {"_get", "function"}};
    static const derived copyfrom[] = {{"", "function"}, {"_stmt", "statement"},
                                       {"_params", "row type"}, {"_columns", "column table"},
                                       {"_row_type", "row table"}};
#undef STMT
#undef ROW
#undef BATCH
#undef ASYNC
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
    name_add(e->a, &e->globals, pgc_arena_printf(e->a, "%s_H", c_name(e->a, e->name, true, "PGC")));
}

/*
 * The non-blocking forms' values in t: NAME_send takes the parameters
 * after a pgc_async and sends them as the blocking function would
 * (pgc_send); NAME_recv decodes the completed call as the blocking
 * function returns its result.  Empty declarations when they are left out.
 */
static void set_async(emitter *e, tmpl *t, pgc_cmd cmd, const char *fn, const char *args,
                      bool keep)
{
    pgc_arena *a = e->a;
    const char *params = "", *call = "";
    switch (cmd) {
    case PGC_CMD_ONE: case PGC_CMD_BATCHONE:
        params = pgc_arena_printf(a, "%s_row *row, ", fn);
        call = pgc_arena_printf(a, "pgc_call_row(call, &%s_stmt, &%s_row_type, row, %s, err)", fn,
                                fn, keep ? "&row->result" : "NULL");
        break;
    case PGC_CMD_MANY: case PGC_CMD_BATCHMANY:
        params = pgc_arena_printf(a, "int i, %s_row *row, ", fn);
        call = pgc_arena_printf(a, "pgc_call_read_row(call, i, &%s_stmt, &%s_row_type, row, err)",
                                fn, fn);
        break;
    case PGC_CMD_EXEC: case PGC_CMD_BATCHEXEC:
        call = "pgc_call_status(call, err)";
        break;
    case PGC_CMD_EXECROWS:
        params = "int64_t *affected, ";
        call = "pgc_call_affected(call, affected, err)";
        break;
    case PGC_CMD_EXECRESULT:
        params = "pgc_result **res, ";
        call = "pgc_call_result(call, res, err)";
        break;
    case PGC_CMD_COPYFROM:
        break;
    }
    tmpl_set(t, "recv_params", params);
    tmpl_set(t, "recv_call", call);
    tmpl_set(t, "call_args", args);
    pgc_strbuf decls = {.a = a};
    if (!e->no_async)
        tmpl_fill(&decls, t, "header_async");
    tmpl_set(t, "async_decls", pgc_sb_take(&decls));
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
    tmpl_set(&t, "row", pgc_arena_printf(a, "%s_row", fn));
    tmpl_set(&t, "iter", pgc_arena_printf(a, "%s_iter", fn));

    /* parameters, as declared and as called */
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "pgc_db *db, ");
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    tmpl_set(&t, "params", pgc_sb_take(&b));
    pgc_sb_printf(&b, "%s_batch *b, ", fn);
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    tmpl_set(&t, "qparams", pgc_sb_take(&b));
    pgc_sb_puts(&b, "pgc_async *a, ");
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", param_decl(e, &ps[i]));
    tmpl_set(&t, "sparams", pgc_sb_take(&b));
    pgc_sb_puts(&b, "db, ");
    for (size_t i = 0; i < np; i++)
        pgc_sb_printf(&b, "%s, ", ps[i].c);
    tmpl_set(&t, "call", pgc_sb_take(&b));

    /* the statement, and its parameters' table */
    pgc_runtime_stmt rs;
    pgc_runtime_statement(a, e->p->catalog, qi, PGC_STMT_RUNTIME, &rs);
    if (np) {
        pgc_sb_printf(&b, "static const Oid %s_types[] = {", fn);
        for (size_t i = 0; i < np; i++)
            pgc_sb_printf(&b, "%s%s", i ? ", " : "", oid_name(a, rs.oids[i]));
        pgc_sb_puts(&b, "};\n");
        pgc_sb_printf(&b, "static const pgc_param %s_params[] = {\n", fn);
        for (size_t i = 0; i < np; i++)
            param_entry(e, &b, &ps[i]);
        pgc_sb_puts(&b, "};\n");
    }
    tmpl_set(&t, "param_arrays", pgc_sb_take(&b));
    const char *sql = rs.sql;
    tmpl_set(&t, "sql", c_string(a, sql, strlen(sql), 11));
    /* what is not 0: the parameters' count and types, binary results */
    const char *shape = np ? pgc_arena_printf(a, "    .nparams = %zu, .param_types = %s_types,",
                                              np, fn)
                           : "";
    if (nc)
        shape = pgc_arena_printf(a, "%s%s.result_format = 1,", shape, np ? " " : "    ");
    tmpl_set(&t, "shape", shape);
    tmpl_set(&t, "flags", !qi->reads_only ? ""
                          : qi->primary ? "    .flags = PGC_STMT_READS | PGC_STMT_PRIMARY,"
                                        : "    .flags = PGC_STMT_READS,");
    bool long_sql = strlen(sql) > 4095;
    long_literal(c, long_sql, true);
    tmpl_fill(c, &t, "stmt");
    long_literal(c, long_sql, false);

    /* the row */
    bool batch = q->cmd == PGC_CMD_BATCHEXEC || q->cmd == PGC_CMD_BATCHONE
                 || q->cmd == PGC_CMD_BATCHMANY;
    tmpl_set(&t, "batch", pgc_arena_printf(a, "%s_batch", fn));
    bool keep = (q->cmd == PGC_CMD_ONE || q->cmd == PGC_CMD_BATCHONE) && !fixed_size_row(cs, nc);
    if (q->cmd == PGC_CMD_ONE || q->cmd == PGC_CMD_MANY || q->cmd == PGC_CMD_BATCHONE
        || q->cmd == PGC_CMD_BATCHMANY) {
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
        if (keep)
            pgc_sb_puts(&b, "    pgc_result *result; /* what the row points into */\n");
        tmpl_set(&t, "members", pgc_sb_take(&b));
        tmpl_fill(h, &t, "header_row");
        pgc_sb_puts(h, "\n");

        pgc_sb_puts(c, "\n");
        const char *row = pgc_arena_printf(a, "%s_row", fn);
        for (size_t i = 0; i < nc; i++) {
            const column *col = &cs[i];
            const char *path = col->embed ? pgc_arena_printf(a, "%s.%s", col->embed, col->c)
                                          : col->c;
            const char *is_null = !col->is_null ? NULL
                                  : col->embed ? pgc_arena_printf(a, "%s.%s", col->embed,
                                                                  col->is_null)
                                               : col->is_null;
            emit_column_entry(e, &b, row, path, is_null, !col->info->nullable, &col->t);
        }
        tmpl_set(&t, "columns", pgc_sb_take(&b));
        tmpl_fill(c, &t, "row_type");
    }
    tmpl_set(&t, "keep", keep ? "&row->result" : "NULL");
    tmpl_set(&t, "clear_decl",
             keep ? pgc_arena_printf(a, "void %s_row_clear(%s_row *row);", fn, fn) : "");
    pgc_strbuf clear = {.a = a};
    if (keep) {
        pgc_sb_puts(&clear, "\n");
        tmpl_fill(&clear, &t, "row_clear");
    }
    tmpl_set(&t, "clear_impl", pgc_sb_take(&clear));

    /* the function: its arguments in args[], for the runtime's call */
    if (np) {
        pgc_sb_puts(&b, "    const void *args[] = {");
        for (size_t i = 0; i < np; i++) {
            const param *p = &ps[i];
            bool by_value = is_string(&p->t) || p->info->nullable; /* a pointer already */
            pgc_sb_printf(&b, "%s%s%s", i ? ", " : "", by_value ? "" : "&", p->c);
        }
        pgc_sb_puts(&b, "};\n\n");
    }
    tmpl_set(&t, "locals_block", pgc_sb_take(&b));
    const char *args = np ? pgc_arena_printf(a, "%s_params, args", fn) : "NULL, NULL";
    const char *callee = NULL;
    switch (q->cmd) {
    case PGC_CMD_EXEC:
        callee = pgc_arena_printf(a, "pgc_run(db, &%s_stmt, %s, NULL, err)", fn, args);
        break;
    case PGC_CMD_EXECRESULT:
        callee = pgc_arena_printf(a, "pgc_run(db, &%s_stmt, %s, res, err)", fn, args);
        break;
    case PGC_CMD_ONE:
        callee = pgc_arena_printf(a, "pgc_query_row(db, &%s_stmt, %s, &%s_row_type, row, %s, err)",
                                  fn, args, fn, keep ? "&row->result" : "NULL");
        break;
    case PGC_CMD_EXECROWS:
        callee = pgc_arena_printf(a, "pgc_query_affected(db, &%s_stmt, %s, affected, err)", fn,
                                  args);
        break;
    case PGC_CMD_MANY:
        callee = pgc_arena_printf(a, "pgc_rows_open(it, db, &%s_stmt, %s, err)", fn, args);
        break;
    case PGC_CMD_BATCHEXEC: case PGC_CMD_BATCHONE: case PGC_CMD_BATCHMANY:
        callee = pgc_arena_printf(a, "pgc_batch_queue_args(b->batch, &%s_stmt, %s, err)", fn,
                                  args);
        break;
    case PGC_CMD_COPYFROM:
        break;
    }
    tmpl_set(&t, "return_call", callee ? pgc_arena_printf(a, "    return %s;", callee) : "");
    set_async(e, &t, q->cmd, fn, args, keep);
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
        tmpl_set(&t, "batch_members",
            q->cmd == PGC_CMD_BATCHEXEC ? "    pgc_batch *batch;"
            : many ? "    pgc_batch *batch;\n"
                     "    pgc_result *result; /* the current call's rows */\n"
                     "    int read;           /* calls read so far */"
                   : "    pgc_batch *batch;\n"
                     "    int read; /* calls read so far */");
        tmpl_set(&t, "end_body", many ? "    int rc;\n\n"
                                   "    pgc_result_free(b->result);\n"
                                   "    rc = pgc_batch_end(b->batch, err);"
                                 : "    int rc = pgc_batch_end(b->batch, err);\n\n");
        pgc_strbuf decls = {.a = a};
        tmpl_fill(&decls, &t, "header_batch");
        tmpl_set(&t, "batch_decls", pgc_sb_take(&decls));
        tmpl_fill(h, &t, pgc_arena_printf(a, "header_%s", kind));
        pgc_sb_puts(h, "\n");
        pgc_sb_puts(c, "\n");
        tmpl_fill(c, &t, "batch_impl");
        pgc_sb_puts(c, "\n");
        if (q->cmd != PGC_CMD_BATCHEXEC) {
            tmpl_fill(c, &t, "batch_result");
            pgc_sb_puts(c, "\n");
            tmpl_fill(c, &t, pgc_arena_printf(a, "%s_impl", kind));
            pgc_sb_puts(c, "\n");
        }
    } else {
        tmpl_fill(h, &t, pgc_arena_printf(a, "header_%s", kind));
        pgc_sb_puts(h, "\n");
        pgc_sb_puts(c, "\n");
        tmpl_fill(c, &t, pgc_arena_printf(a, "%s_impl", kind));
        pgc_sb_puts(c, "\n");
    }
    if (!e->no_async) {
        tmpl_fill(c, &t, "async_impl");
        pgc_sb_puts(c, "\n");
    }
}

/* ---- enums ---------------------------------------------------------------------------------- */

static void emit_enum(emitter *e, uint32_t oid, const char *ctype_name, const char *type_name,
                      pgc_strbuf *h, pgc_strbuf *c)
{
    pgc_arena *a = e->a;
    pgc_utype *u = pgc_cat_utype(e->p->catalog, oid);
    tmpl t = {.a = a};
    tmpl_set(&t, "ctype", ctype_name);
    tmpl_set(&t, "sqltype", c_comment(a, pgc_catalog_type_name(e->p->catalog, oid, -1)));
    const char *prefix = c_name(a, ctype_name, true, "ENUM");
    pgc_strbuf en = {.a = a}, cases = {.a = a}, labels = {.a = a};
    for (size_t i = 0; i < u->labels.len; i++) {
        const char *label = u->labels.items[i];
        const char *id = name_unique(a, &e->globals, pgc_arena_printf(a, "%s_%s", prefix,
                                                                 c_name(a, label, true, "EMPTY")));
        const char *lit = c_string(a, label, strlen(label), 0);
        pgc_sb_printf(&en, "    %s = %zu,%s\n", id, i + 1,
                  strcasecmp(id + strlen(prefix) + 1, label) != 0
                      ? pgc_arena_printf(a, " /* %s */", c_comment(a, sql_literal(a, label)))
                      : "");
        pgc_sb_printf(&cases, "    case %s:\n        return %s;\n", id, lit);
        pgc_sb_printf(&labels, "        {%s, %s},\n", lit, id);
    }
    tmpl_set(&t, "enumerators", pgc_sb_take(&en));
    tmpl_set(&t, "cases", pgc_sb_take(&cases));
    tmpl_set(&t, "labels", pgc_sb_take(&labels));
    tmpl_fill(h, &t, "header_enum");
    pgc_sb_puts(h, "\n");
    bool long_label = false;
    for (size_t i = 0; i < u->labels.len; i++)
        long_label = long_label || strlen(u->labels.items[i]) > 4095;
    long_literal(c, long_label, true);
    tmpl_fill(c, &t, "enum_impl");
    long_literal(c, long_label, false);
    pgc_sb_puts(c, "\n");
    if (type_name) { /* read in a result, or a parameter */
        tmpl_set(&t, "type", type_name);
        names *g = &e->globals;
        tmpl_set(&t, "decode", name_unique(a, g, pgc_arena_printf(a, "%s_decode", ctype_name)));
        tmpl_set(&t, "encode", name_unique(a, g, pgc_arena_printf(a, "%s_encode", ctype_name)));
        tmpl_fill(c, &t, "enum_type");
        pgc_sb_puts(c, "\n");
    }
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
    tmpl_set(&t, "module", e->name);
    tmpl_fill(h, &t, "header_migrate");
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
        const char *var = name_unique(a, &e->globals, pgc_arena_printf(a, "%s_%s", e->name,
                                                                  c_name(a, pgc_arena_printf(a, "migration_%s", stem), false, "file")));
        tmpl_set(&t, "var", var);
        tmpl_set(&t, "sql", pgc_arena_printf(a, "    %s", c_string(a, sql, len, 4)));
        tmpl_fill(c, &t, len > 4095 ? "migration_long" : "migration");
        pgc_sb_puts(c, "\n");
        pgc_sb_printf(&files, "    {%llu, %s, %s,\n     \"%s\"},\n", (unsigned long long)m->version,
                  c_string(a, name, strlen(name), 0), var, sum);
    }
    tmpl_set(&t, "files", pgc_sb_take(&files));
    tmpl_fill(c, &t, "migrate_impl");
}

/* ---- files ---------------------------------------------------------------------------------- */

bool pgc_emit(pgc_arena *a, pgc_diags *d, pgc_program *p, const pgc_emit_options *o,
              char **header, char **source)
{
    int errors = d->errors;
    emitter e = {.a = a, .keep = a, .d = d, .p = p, .name = o->name, .no_async = o->no_async};
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
    pgc_arena *scratch = pgc_arena_new(); /* a query's own, emptied for the next */
    for (size_t i = 0; i < p->infos.len; i++) {
        e.a = scratch;
        if (check_statement(&e, &p->infos.items[i]))
            emit_query(&e, &p->infos.items[i], &qh, &qc);
        e.a = e.keep;
        pgc_arena_reset(scratch);
    }
    pgc_arena_free(scratch);
    if (d->errors != errors)
        return false;

    tmpl t = {.a = a};
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, " * Inputs:\n");
    for (size_t i = 0; i < o->ninputs; i++)
        pgc_sb_printf(&b, " *   %s\n", c_comment(a, o->inputs[i]));
    tmpl_set(&t, "inputs", pgc_sb_take(&b));
    tmpl_set(&t, "version", PGC_VERSION);
    tmpl_set(&t, "guard", pgc_arena_printf(a, "%s_H", c_name(a, o->name, true, "PGC")));
    tmpl_set(&t, "header", pgc_arena_printf(a, "%s.h", o->name));

    pgc_strbuf h = {.a = a}, c = {.a = a}, ec = {.a = a};
    tmpl_fill(&h, &t, "banner");
    pgc_strbuf doc = {.a = a};
    if (!o->no_async)
        tmpl_fill(&doc, &t, "async_doc");
    tmpl_set(&t, "async_doc", pgc_sb_take(&doc));
    tmpl_fill(&h, &t, "header_top");
    pgc_sb_puts(&h, "\n");
    for (size_t i = 0; i < e.enums.len; i++)
        emit_enum(&e, e.enums.items[i], e.enum_names.items[i], e.enum_types.items[i], &h, &ec);
    for (size_t i = 0; i < e.structs.len; i++)
        if (e.structs.items[i]->resolved)
            emit_struct(&e, e.structs.items[i], &h, &ec);
    emit_migrations(&e, &h, &c);
    pgc_sb_add(&h, qh.p ? qh.p : "", qh.len);
    pgc_sb_release(&qh);
    tmpl_fill(&h, &t, "header_bottom");

    pgc_strbuf out = {.a = a};
    tmpl_fill(&out, &t, "banner");
    tmpl_fill(&out, &t, "source_top");
    pgc_sb_puts(&out, "\n");
    pgc_sb_add(&out, ec.p ? ec.p : "", ec.len);
    pgc_sb_release(&ec);
    pgc_sb_add(&out, qc.p ? qc.p : "", qc.len);
    pgc_sb_release(&qc);
    pgc_sb_puts(&out, "\n");
    pgc_sb_add(&out, c.p ? c.p : "", c.len);
    pgc_sb_release(&c);
    /* each text given back once copied: the peak is the source and its wrapped copy */
    *header = (char *)wrap_lines(a, h.p ? h.p : "");
    pgc_sb_release(&h);
    *source = (char *)wrap_lines(a, out.p ? out.p : "");
    pgc_sb_release(&out);
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
