/*
 * source.c - the generator's inputs (source.h): files, migrations cut into
 * their up parts and statements, annotated queries, and canonical SQL with
 * its map back to the user's file.
 *
 * Everything here walks tokens of the one PostgreSQL lexer (sqllex.h), so
 * directives, templates and parameters are found only where they are code
 * (or, for directives, in "--" comments), never inside strings, quoted
 * identifiers or dollar quotes.
 *
 * Canonical SQL, what libpg_query parses, is the statement with
 *
 *     {{tables.t}}       -> "__pgc_home".t
 *     {{tables.s.t}}     -> "s".t
 *     {{schema}}         -> "__pgc_home"
 *
 * (the runtime's own rendering for a db in schema PGC_HOME_SCHEMA, so the
 * same templates are accepted and refused with the same words), and in
 * queries only
 *
 *     @name, sqlc.arg(name), sqlc.narg(name), sqlc.slice(name) -> $n
 *     sqlc.embed(t)                                           -> t.*
 *
 * the same name always giving the same n, in order of first use; names
 * take the numbers that the query's own $n leave free, lowest first (sqlc).
 *
 * Takes: paths of migration and query files (gen.h reads them).  Gives:
 * pgc_migration_files and pgc_query_srcs: statements as canonical SQL with
 * their maps, query annotations and parameters.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source.h"
#include "sqllex.h"
#include "strmap.h"

#define MAX_PARAMS 65535 /* PostgreSQL's limit on a statement's parameters */

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

const pgc_file *pgc_file_load(pgc_arena *a, pgc_diags *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pgc_diag_error(d, NULL, 0, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                pgc_diag_error(d, NULL, 0, "%s: out of memory", path);
                return NULL;
            }
            buf = p;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int failed = ferror(f), saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        pgc_diag_error(d, NULL, 0, "%s: %s", path, strerror(saved ? saved : EIO));
        return NULL;
    }
    pgc_file *file = pgc_arena_alloc(a, sizeof *file);
    file->path = pgc_arena_strdup(a, path);
    file->text = pgc_arena_strndup(a, buf ? buf : "", len);
    file->len = len;
    free(buf);
    return file;
}

const pgc_file *pgc_file_read(pgc_arena *a, const char *path)
{
    pgc_diags d = {stderr, 0, 0};
    return pgc_file_load(a, &d, path);
}

const pgc_file *pgc_file_from_text(pgc_arena *a, const char *path, const char *text)
{
    pgc_file *file = pgc_arena_alloc(a, sizeof *file);
    file->path = pgc_arena_strdup(a, path);
    file->len = strlen(text);
    file->text = pgc_arena_strndup(a, text, file->len);
    return file;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

typedef PGC_VEC(const char *) path_list;

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * Adds path to list: a directory gives its *.sql files (not *.down.sql,
 * not hidden ones) in name order; a file is taken as it is, unless it is
 * a *.down.sql file.  Returns false after reporting.
 */
static bool expand_path(pgc_arena *a, pgc_diags *d, const char *path, path_list *list)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        pgc_diag_error(d, NULL, 0, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!ends_with(path, ".down.sql"))
            PGC_PUSH(a, *list, pgc_arena_strdup(a, path));
        return true;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        pgc_diag_error(d, NULL, 0, "%s: %s", path, strerror(errno));
        return false;
    }
    path_list names = {0};
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        const char *name = e->d_name;
        if (name[0] == '.' || !ends_with(name, ".sql") || ends_with(name, ".down.sql"))
            continue;
        PGC_PUSH(a, names, pgc_arena_strdup(a, name));
    }
    closedir(dir);
    if (names.len > 1)
        qsort(names.items, names.len, sizeof *names.items, compare_strings);
    size_t plen = strlen(path);
    const char *sep = plen > 0 && path[plen - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < names.len; i++)
        PGC_PUSH(a, *list, pgc_arena_printf(a, "%s%s%s", path, sep, names.items[i]));
    return true;
}

/* ------------------------------------------------------------------ */
/* Small helpers on text and tokens                                     */
/* ------------------------------------------------------------------ */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_space(char c)
{
    return is_blank(c) || c == '\n';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals lit, ignoring ASCII case. */
static bool equal_nocase(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != lower(lit[i]))
            return false;
    return true;
}

/* A C identifier: the names of queries and parameters become C names. */
static bool is_c_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                  || (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

static bool is_code(pgc_tok kind)
{
    return kind != PGC_TOK_SPACE && kind != PGC_TOK_COMMENT;
}


/* Moves the lexer forward to offset off (a line start or a token
 * boundary), keeping its line and column right. */
static void lexer_seek(pgc_lexer *lx, size_t off)
{
    if (off > lx->len)
        off = lx->len;
    while (lx->cur < off) {
        unsigned char c = (unsigned char)lx->src[lx->cur++];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++;
        }
    }
}

/* Offset of the end of the line holding off (its '\n', or the end). */
static size_t line_end(const char *text, size_t len, size_t off)
{
    while (off < len && text[off] != '\n')
        off++;
    return off;
}

/* Whether only blanks come before off on its line. */
static bool at_line_start(const char *text, size_t off)
{
    while (off > 0 && text[off - 1] != '\n') {
        if (!is_blank(text[off - 1]))
            return false;
        off--;
    }
    return true;
}

/* Reports a lexer error token at its place in the file. */
static void report_lex_error(pgc_diags *d, const pgc_file *file, size_t base,
                             const pgc_token *t)
{
    pgc_diag_error(d, file, base + t->off, "%s", pgc_lex_error_message(t->error));
}

/* The first lexer error in text[0..len), or false if none. */
static bool find_lex_error(const char *text, size_t len, pgc_token *bad)
{
    pgc_lexer lx;
    pgc_lexer_init(&lx, text, len);
    while (pgc_lex(&lx, bad) != PGC_TOK_EOF)
        if (bad->kind == PGC_TOK_ERROR)
            return true;
    return false;
}

/*
 * Splits text[start..end) into statements (sqltext.h), with offsets from
 * the start of text.  Returns false after reporting a lexer error.
 */
typedef PGC_VEC(pgc_span) span_list;

static bool split(pgc_arena *a, pgc_diags *d, const pgc_file *file, const char *text,
                  size_t start, size_t end, span_list *out)
{
    pgc_span *spans = NULL;
    size_t n = 0;
    pgc_error err = {0};
    if (pgc_split_statements(text + start, end - start, &spans, &n, &err) != PGC_OK) {
        pgc_token bad;
        if (find_lex_error(text + start, end - start, &bad))
            report_lex_error(d, file, start, &bad);
        else
            pgc_diag_error(d, file, start, "%s", err.message);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        pgc_span s = spans[i];
        s.off += start;
        PGC_PUSH(a, *out, s);
    }
    free(spans);
    return true;
}

/* ------------------------------------------------------------------ */
/* Canonical SQL                                                        */
/* ------------------------------------------------------------------ */

size_t pgc_stmt_text_source(const pgc_stmt_text *t, size_t canon_offset)
{
    if (canon_offset > t->canon_len)
        canon_offset = t->canon_len;
    size_t rel = pgc_render_map_source(&t->map, canon_offset);
    if (rel > t->len)
        rel = t->len;
    return t->offset + rel;
}

/* The statement being made canonical. */
typedef struct canon {
    pgc_arena *a;            /* where the result lives */
    pgc_diags *d;
    const pgc_file *file;
    const char *src;         /* the statement's bytes */
    size_t base;             /* their offset in the file */
    pgc_token *tok;
    size_t ntok;
    pgc_strbuf out;
    PGC_VEC(pgc_render_seg) segs;
    size_t copied;           /* source bytes before this are in out */
    pgc_query_src *q;        /* NULL for a migration statement */
    bool *taken;             /* taken[n]: $n is written in the query (n <= max_taken) */
    int max_taken;
    int next_named;          /* no number below this is free for a named parameter */
} canon;

/* Replaces source bytes [from, to) of the statement by text. */
static void replace(canon *c, size_t from, size_t to, const char *text, size_t n)
{
    pgc_sb_add(&c->out, c->src + c->copied, from - c->copied);
    pgc_render_seg seg = {c->out.len, n, from, to - from};
    pgc_sb_add(&c->out, text, n);
    PGC_PUSH(c->a, c->segs, seg);
    c->copied = to;
}

/* Index of the next token after i that is code, or ntok. */
static size_t next_code(const canon *c, size_t i)
{
    for (i++; i < c->ntok; i++)
        if (is_code(c->tok[i].kind))
            break;
    return i;
}

/* Index of the last token before i that is code, or ntok if none. */
static size_t prev_code(const canon *c, size_t i)
{
    while (i-- > 0)
        if (is_code(c->tok[i].kind))
            return i;
    return c->ntok;
}

static bool tok_is(const canon *c, size_t i, pgc_tok kind)
{
    return i < c->ntok && c->tok[i].kind == kind;
}

static bool tok_keyword(const canon *c, size_t i, const char *kw)
{
    return i < c->ntok && pgc_tok_is_keyword(c->src, &c->tok[i], kw);
}

/*
 * template = TEMPLATE token.  Rendered by the runtime for a db in schema
 * PGC_HOME_SCHEMA, which also checks it and words its errors.
 */
static bool canon_template(canon *c, const pgc_token *t)
{
    char *text = NULL;
    size_t n = 0;
    pgc_error err = {0};
    if (pgc_render_ex(c->src + t->off, t->len, PGC_HOME_SCHEMA, &text, &n, NULL, &err)
        != PGC_OK) {
        /* The message begins "line 1, column 1: " (the token alone). */
        const char *msg = err.message;
        int skip = 0;
        if (sscanf(msg, "line %*d, column %*d: %n", &skip) >= 0 && skip > 0)
            msg += skip;
        pgc_diag_error(c->d, c->file, c->base + t->off, "%s", msg);
        return false;
    }
    replace(c, t->off, t->off + t->len, text, n);
    free(text);
    return true;
}

/*
 * Finds or adds a named parameter; returns its index, or 0 after reporting.
 * A new name takes the lowest number that no $n of the query uses and no
 * earlier name took, as sqlc does: "$1 AND @a AND $3" makes @a $2.
 */
static int named_param(canon *c, const char *name, pgc_param_kind kind, size_t at)
{
    pgc_query_src *q = c->q;
    for (size_t i = 0; i < q->params.len; i++) {
        pgc_param_src *p = &q->params.items[i];
        if (!p->name || strcmp(p->name, name) != 0)
            continue;
        if ((p->kind == PGC_PARAM_SLICE) != (kind == PGC_PARAM_SLICE)) {
            pgc_diag_error(c->d, c->file, c->base + at,
                           "parameter \"%s\" is used both as sqlc.slice(%s) and as a single value",
                           name, name);
            return 0;
        }
        if (kind == PGC_PARAM_NULLABLE)
            p->kind = PGC_PARAM_NULLABLE;
        return p->index;
    }
    if (q->params.len >= MAX_PARAMS) {
        pgc_diag_error(c->d, c->file, c->base + at, "too many parameters (at most %d)",
                       MAX_PARAMS);
        return 0;
    }
    while (c->next_named <= c->max_taken && c->taken[c->next_named])
        c->next_named++;
    if (c->next_named > MAX_PARAMS) {
        pgc_diag_error(c->d, c->file, c->base + at, "too many parameters (at most %d)",
                       MAX_PARAMS);
        return 0;
    }
    pgc_param_src p = {c->next_named++, pgc_arena_strdup(c->a, name), kind, c->base + at};
    PGC_PUSH(c->a, q->params, p);
    return p.index;
}

static void put_param(canon *c, size_t from, size_t to, int index)
{
    char text[16];
    int n = snprintf(text, sizeof text, "$%d", index);
    replace(c, from, to, text, (size_t)n);
}

/* The n of PARAM token "$n", or 0 when it is not 1..MAX_PARAMS. */
static int positional_number(const canon *c, const pgc_token *t)
{
    unsigned long v = 0;
    for (size_t i = 1; i < t->len; i++) {
        v = v * 10 + (unsigned long)(c->src[t->off + i] - '0');
        if (v > MAX_PARAMS)
            return 0;
    }
    return (int)v;
}

/* Marks the numbers the query's $n use, before named parameters take theirs. */
static void take_positional_numbers(canon *c, pgc_arena *scratch)
{
    for (size_t i = 0; i < c->ntok; i++)
        if (c->tok[i].kind == PGC_TOK_PARAM && positional_number(c, &c->tok[i]) > c->max_taken)
            c->max_taken = positional_number(c, &c->tok[i]);
    c->taken = pgc_arena_alloc(scratch, (size_t)c->max_taken + 1);
    memset(c->taken, 0, (size_t)c->max_taken + 1);
    for (size_t i = 0; i < c->ntok; i++)
        if (c->tok[i].kind == PGC_TOK_PARAM)
            c->taken[positional_number(c, &c->tok[i])] = true;
}

/* positional = PARAM token "$n" */
static bool canon_positional(canon *c, const pgc_token *t)
{
    int v = positional_number(c, t);
    if (v == 0) {
        pgc_diag_error(c->d, c->file, c->base + t->off,
                       "there is no parameter %.*s (parameters are $1 to $%d)", (int)t->len,
                       c->src + t->off, MAX_PARAMS);
        return false;
    }
    pgc_query_src *q = c->q;
    for (size_t i = 0; i < q->params.len; i++)
        if (q->params.items[i].index == v)
            return true;
    pgc_param_src p = {v, NULL, PGC_PARAM_POSITIONAL, c->base + t->off};
    PGC_PUSH(c->a, q->params, p);
    return true;
}

/*
 * named = "@" IDENT, the two adjacent.  As in sqlc, "=@id" and "(@id" are
 * parameters; "<@x" and "@@x" are not (PostgreSQL's operators <@ and @@).
 */
static bool is_at_param(const canon *c, size_t i)
{
    const pgc_token *t = &c->tok[i];
    if (t->kind != PGC_TOK_OP || t->len != 1 || c->src[t->off] != '@')
        return false;
    if (!tok_is(c, i + 1, PGC_TOK_IDENT))
        return false;
    if (i > 0 && c->tok[i - 1].kind == PGC_TOK_OP && c->tok[i - 1].len == 1
        && (c->src[c->tok[i - 1].off] == '<' || c->src[c->tok[i - 1].off] == '@'))
        return false;
    return true;
}

static bool canon_at_param(canon *c, size_t i)
{
    const pgc_token *at = &c->tok[i], *id = &c->tok[i + 1];
    char *name = pgc_arena_strndup(c->a, c->src + id->off, id->len);
    if (!is_c_name(name, id->len)) {
        pgc_diag_error(c->d, c->file, c->base + id->off,
                       "parameter name \"%s\" is not a C identifier", name);
        return false;
    }
    int index = named_param(c, name, PGC_PARAM_NAMED, at->off);
    if (index == 0)
        return false;
    put_param(c, at->off, id->off + id->len, index);
    return true;
}

/* The name in a macro's parentheses: IDENT, 'string' or "ident". */
static char *macro_name(canon *c, const pgc_token *t)
{
    const char *s = c->src + t->off;
    if (t->kind == PGC_TOK_IDENT)
        return pgc_arena_strndup(c->a, s, t->len);
    char quote = t->kind == PGC_TOK_STRING ? '\'' : t->kind == PGC_TOK_QIDENT ? '"' : 0;
    if (!quote || t->len < 2 || s[0] != quote)
        return NULL; /* E'..', U&"..", a number, ... */
    pgc_strbuf b = {.a = c->a};
    for (size_t i = 1; i + 1 < t->len; i++) {
        pgc_sb_add(&b, s + i, 1);
        if (s[i] == quote)
            i++; /* doubled */
    }
    pgc_sb_add(&b, "", 0); /* "" for an empty string */
    return b.p;
}

/*
 * in_slice = ["NOT"] "IN" "(" slice-macro ")"  ->  "= ANY($n)" / "<> ALL($n)"
 * sqlc expands sqlc.slice(x) in IN (...) into one parameter per item at run
 * time; pgc sends the items as one array, so IN's list becomes ANY's array,
 * in the SQL analysed and the SQL run.  The macro spans tokens i..rp; a
 * slice elsewhere is just $n.  Returns rp.
 */
static size_t canon_slice_in(canon *c, size_t i, size_t rp, int index)
{
    size_t lp = prev_code(c, i), in = lp < c->ntok ? prev_code(c, lp) : c->ntok;
    size_t close = next_code(c, rp);
    if (!tok_is(c, lp, PGC_TOK_LPAREN) || !tok_keyword(c, in, "in")
        || !tok_is(c, close, PGC_TOK_RPAREN)) {
        put_param(c, c->tok[i].off, c->tok[rp].off + c->tok[rp].len, index);
        return rp;
    }
    size_t not = prev_code(c, in), from = c->tok[in].off;
    const char *op = "= ANY";
    if (tok_keyword(c, not, "not")) {
        from = c->tok[not].off;
        op = "<> ALL";
    }
    char *text = pgc_arena_printf(c->a, "%s($%d)", op, index);
    replace(c, from, c->tok[close].off + c->tok[close].len, text, strlen(text));
    return close;
}

/*
 * macro = "sqlc" "." NAME "(" argument ")"
 * NAME  = arg | narg | slice | embed (any case)
 * Spaces and comments may come between the tokens, as SQL allows.
 * Returns the index of the last token used, or 0 after reporting.
 */
static size_t canon_macro(canon *c, size_t i, size_t fn)
{
    const pgc_token *start = &c->tok[i], *f = &c->tok[fn];
    const char *fname = c->src + f->off;
    int flen = (int)f->len;
    pgc_param_kind kind = PGC_PARAM_NAMED;
    bool embed = false;
    if (tok_keyword(c, fn, "arg"))
        kind = PGC_PARAM_NAMED;
    else if (tok_keyword(c, fn, "narg"))
        kind = PGC_PARAM_NULLABLE;
    else if (tok_keyword(c, fn, "slice"))
        kind = PGC_PARAM_SLICE;
    else if (tok_keyword(c, fn, "embed"))
        embed = true;
    else {
        pgc_diag_error(c->d, c->file, c->base + f->off,
                       "unknown macro \"sqlc.%.*s\"; expected sqlc.arg, sqlc.narg, sqlc.slice "
                       "or sqlc.embed", flen, fname);
        return 0;
    }
    size_t lp = next_code(c, fn), arg = next_code(c, lp), rp = next_code(c, arg);
    const pgc_token *t = arg < c->ntok ? &c->tok[arg] : NULL;
    char *name = NULL;
    if (t && tok_is(c, rp, PGC_TOK_RPAREN)) {
        if (embed)
            name = t->kind == PGC_TOK_IDENT ? macro_name(c, t) : NULL;
        else
            name = macro_name(c, t);
    }
    if (!name) {
        pgc_diag_error(c->d, c->file, c->base + start->off,
                       "sqlc.%.*s takes one %s, as in sqlc.%.*s(%s)", flen, fname,
                       embed ? "table name" : "parameter name", flen, fname,
                       embed ? "authors" : "id");
        return 0;
    }
    size_t end = c->tok[rp].off + c->tok[rp].len;
    if (embed) {
        for (char *p = name; *p; p++)
            *p = lower(*p); /* PostgreSQL folds an unquoted name */
        PGC_PUSH(c->a, c->q->embeds, name);
        char *text = pgc_arena_printf(c->a, "%.*s.*", (int)t->len, c->src + t->off);
        replace(c, start->off, end, text, strlen(text));
        return rp;
    }
    if (!is_c_name(name, strlen(name))) {
        pgc_diag_error(c->d, c->file, c->base + t->off,
                       "parameter name \"%s\" is not a C identifier", name);
        return 0;
    }
    int index = named_param(c, name, kind, start->off);
    if (index == 0)
        return 0;
    if (kind == PGC_PARAM_SLICE)
        return canon_slice_in(c, i, rp, index);
    put_param(c, start->off, end, index);
    return rp;
}

/* sqlc "." NAME "(": the head of a macro. */
static bool is_macro(const canon *c, size_t i, size_t *fn)
{
    if (!tok_keyword(c, i, "sqlc"))
        return false;
    if (i > 0 && c->tok[i - 1].kind == PGC_TOK_DOT)
        return false; /* x.sqlc.arg(...) is something else */
    size_t dot = next_code(c, i), name = next_code(c, dot), lp = next_code(c, name);
    if (!tok_is(c, dot, PGC_TOK_DOT) || !tok_is(c, name, PGC_TOK_IDENT)
        || !tok_is(c, lp, PGC_TOK_LPAREN))
        return false;
    *fn = name;
    return true;
}

static int compare_params(const void *x, const void *y)
{
    const pgc_param_src *a = x, *b = y;
    return (a->index > b->index) - (a->index < b->index);
}

/* Parameters by index, numbered from $1 with no gap. */
static bool check_positional(canon *c)
{
    pgc_query_src *q = c->q;
    if (q->params.len == 0)
        return true;
    qsort(q->params.items, q->params.len, sizeof *q->params.items, compare_params);
    for (size_t i = 0; i < q->params.len; i++) {
        const pgc_param_src *p = &q->params.items[i];
        if (p->index != (int)i + 1) {
            pgc_diag_error(c->d, c->file, p->offset,
                           "parameter $%d is used but $%zu is not: number parameters from $1 "
                           "with no gaps", p->index, i + 1);
            return false;
        }
    }
    return true;
}

/*
 * Makes text[off..off+len) of file canonical into *out.  With q, a query:
 * parameters and macros are replaced and recorded in q.  Returns false
 * after reporting the statement's first error.
 */
static bool canonicalize(pgc_arena *a, pgc_arena *scratch, pgc_diags *d, const pgc_file *file,
                         const char *text, size_t off, size_t len, pgc_query_src *q,
                         pgc_stmt_text *out)
{
    out->templated = false;
    canon c = {.a = a, .d = d, .file = file, .src = text + off, .base = off, .q = q,
               .next_named = 1};
    c.out.a = a;

    PGC_VEC(pgc_token) toks = {0};
    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, c.src, len);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (t.kind == PGC_TOK_ERROR) {
            report_lex_error(d, file, off, &t);
            return false;
        }
        PGC_PUSH(scratch, toks, t);
    }
    c.tok = toks.items;
    c.ntok = toks.len;
    if (q)
        take_positional_numbers(&c, scratch);

    for (size_t i = 0; i < c.ntok; i++) {
        const pgc_token *k = &c.tok[i];
        size_t fn;
        bool ok = true;
        if (k->kind == PGC_TOK_TEMPLATE) {
            ok = canon_template(&c, k);
            out->templated = true;
        } else if (!q) {
            continue;
        } else if (k->kind == PGC_TOK_PARAM) {
            ok = canon_positional(&c, k);
        } else if (is_at_param(&c, i)) {
            ok = canon_at_param(&c, i);
            i++;
        } else if (is_macro(&c, i, &fn)) {
            size_t last = canon_macro(&c, i, fn);
            ok = last != 0;
            i = last;
        }
        if (!ok)
            return false;
    }
    if (q && !check_positional(&c))
        return false;
    pgc_sb_add(&c.out, c.src + c.copied, len - c.copied);

    out->file = file;
    out->offset = off;
    out->len = len;
    out->canon = c.out.p;
    out->canon_len = c.out.len;
    out->map.n = c.segs.len;
    out->map.seg = c.segs.items;
    return true;
}

/* ------------------------------------------------------------------ */
/* Migrations                                                           */
/* ------------------------------------------------------------------ */

typedef struct range {
    size_t off, end;
} range;

typedef enum directive {
    DIR_NONE,
    DIR_UP,     /* -- +goose Up, -- migrate:up, -- +migrate Up */
    DIR_DOWN,   /* -- +goose Down, -- migrate:down, -- +migrate Down */
    DIR_SPLIT,  /* ---- create above / drop below ----: up above, down below */
    DIR_BEGIN,  /* -- +goose StatementBegin, -- +migrate StatementBegin */
    DIR_END     /* -- +goose StatementEnd, -- +migrate StatementEnd */
} directive;

/*
 * directive = ("+goose" | "+migrate") ("Up" | "Down" | "StatementBegin" | "StatementEnd") word*
 *           | ("migrate:up" | "migrate:down") word*
 *           | "--" "create" "above" "/" "drop" "below" "----"
 * over the words of a "--" comment after its "--", in any case.
 */
static directive directive_of(const char *comment, size_t n)
{
    pgc_word w[PGC_MAX_WORDS];
    if (n < 2 || comment[0] != '-' || comment[1] != '-')
        return DIR_NONE; /* a block comment */
    int k = pgc_split_words(comment + 2, n - 2, w);
    if (k == 0)
        return DIR_NONE;
    if (k >= 2 && (equal_nocase(w[0].s, w[0].n, "+goose")
                   || equal_nocase(w[0].s, w[0].n, "+migrate"))) {
        if (equal_nocase(w[1].s, w[1].n, "up"))
            return DIR_UP;
        if (equal_nocase(w[1].s, w[1].n, "down"))
            return DIR_DOWN;
        if (equal_nocase(w[1].s, w[1].n, "statementbegin"))
            return DIR_BEGIN;
        if (equal_nocase(w[1].s, w[1].n, "statementend"))
            return DIR_END;
        return DIR_NONE;
    }
    if (equal_nocase(w[0].s, w[0].n, "migrate:up"))
        return DIR_UP;
    if (equal_nocase(w[0].s, w[0].n, "migrate:down"))
        return DIR_DOWN;
    static const char *const tern[] = {"--", "create", "above", "/", "drop", "below", "----"};
    if (k == 7) {
        for (int i = 0; i < 7; i++)
            if (!equal_nocase(w[i].s, w[i].n, tern[i]))
                return DIR_NONE;
        return DIR_SPLIT;
    }
    return DIR_NONE;
}

/* What the scan of a migration file found. */
typedef struct scan {
    PGC_VEC(range) drops;   /* bytes that are not part of the up SQL */
    PGC_VEC(range) blocks;  /* StatementBegin .. StatementEnd, each one statement */
} scan;

/* Offset just past the line "\." that ends COPY data from off, or len. */
static size_t copy_data_end(const char *text, size_t len, size_t off)
{
    while (off < len) {
        size_t end = line_end(text, len, off);
        size_t n = end - off;
        if (n > 0 && text[off + n - 1] == '\r')
            n--;
        size_t next = end < len ? end + 1 : end;
        if (n == 2 && text[off] == '\\' && text[off + 1] == '.')
            return next;
        off = next;
    }
    return len;
}

/*
 * Finds the down parts, the psql meta-command lines, the data of
 * COPY ... FROM stdin (pg_dump), and the StatementBegin/End blocks.
 * Returns false after reporting.
 */
static bool scan_migration(pgc_arena *a, pgc_diags *d, const pgc_file *file, scan *s)
{
    const char *text = file->text;
    size_t len = file->len;
    bool down = false, in_block = false, has_up = false;
    size_t down_start = 0, block_start = 0, block_directive = 0, first_down = SIZE_MAX;
    /* the statement so far, for COPY ... FROM stdin */
    bool started = false, is_copy = false, after_from = false, from_stdin = false;
    int parens = 0;

    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, text, len);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (t.kind == PGC_TOK_ERROR) {
            report_lex_error(d, file, 0, &t);
            return false;
        }
        if (t.kind == PGC_TOK_SPACE)
            continue;
        if (t.kind == PGC_TOK_COMMENT) {
            directive dir = directive_of(text + t.off, t.len);
            if (dir == DIR_SPLIT)
                has_up = true;
            switch (dir) {
            case DIR_NONE:
                break;
            case DIR_UP:
                has_up = true;
                if (in_block) {
                    pgc_diag_error(d, file, block_directive,
                                   "StatementBegin has no StatementEnd");
                    return false;
                }
                if (down) {
                    range r = {down_start, t.off};
                    PGC_PUSH(a, s->drops, r);
                    down = false;
                }
                break;
            case DIR_SPLIT: /* up above the line (has_up set above), down below */
            case DIR_DOWN:
                if (first_down == SIZE_MAX)
                    first_down = t.off;
                if (in_block) {
                    pgc_diag_error(d, file, block_directive,
                                   "StatementBegin has no StatementEnd");
                    return false;
                }
                if (!down) {
                    down = true;
                    down_start = t.off;
                }
                break;
            case DIR_BEGIN:
                if (down)
                    break;
                if (in_block) {
                    pgc_diag_error(d, file, t.off,
                                   "StatementBegin inside a StatementBegin block");
                    return false;
                }
                in_block = true;
                block_start = t.off + t.len;
                block_directive = t.off;
                break;
            case DIR_END:
                if (down)
                    break;
                if (!in_block) {
                    pgc_diag_error(d, file, t.off, "StatementEnd without StatementBegin");
                    return false;
                }
                in_block = false;
                range r = {block_start, t.off};
                PGC_PUSH(a, s->blocks, r);
                break;
            }
            continue;
        }
        if (t.kind == PGC_TOK_OP && text[t.off] == '\\' && at_line_start(text, t.off)) {
            /* a psql meta-command: \connect, \restrict, \set ... */
            size_t end = line_end(text, len, t.off);
            range r = {t.off, end};
            PGC_PUSH(a, s->drops, r);
            lexer_seek(&lx, end);
            continue;
        }
        if (t.kind == PGC_TOK_SEMI && parens == 0) {
            if (is_copy && from_stdin) {
                size_t data = line_end(text, len, t.off);
                data = data < len ? data + 1 : data;
                range r = {data, copy_data_end(text, len, data)};
                PGC_PUSH(a, s->drops, r);
                lexer_seek(&lx, r.end);
            }
            started = is_copy = after_from = from_stdin = false;
            continue;
        }
        if (!started) {
            started = true;
            is_copy = pgc_tok_is_keyword(text, &t, "copy");
        }
        if (t.kind == PGC_TOK_LPAREN)
            parens++;
        else if (t.kind == PGC_TOK_RPAREN && parens > 0)
            parens--;
        if (is_copy && parens == 0) {
            if (after_from && pgc_tok_is_keyword(text, &t, "stdin"))
                from_stdin = true;
            after_from = pgc_tok_is_keyword(text, &t, "from");
        }
    }
    if (in_block) {
        pgc_diag_error(d, file, block_directive, "StatementBegin has no StatementEnd");
        return false;
    }
    if (first_down != SIZE_MAX && !has_up) {
        pgc_diag_error(d, file, first_down,
                       "a down section but no up section: mark the migration's part with an "
                       "up directive (e.g. \"-- +goose Up\" or \"-- migrate:up\")");
        return false;
    }
    if (down) {
        range r = {down_start, len};
        PGC_PUSH(a, s->drops, r);
    }
    return true;
}

/*
 * The up SQL: the file with dropped bytes blanked (line ends kept, so
 * offsets, lines and columns stay those of the file) and then the blanks
 * at its end cut.  A file with nothing dropped is kept byte for byte, so
 * that its checksum is the one the runtime computes for the file.
 */
static char *up_text(pgc_arena *a, const pgc_file *file, const scan *s, size_t *up_len)
{
    char *up = pgc_arena_strndup(a, file->text, file->len);
    if (s->drops.len == 0) {
        *up_len = file->len;
        return up;
    }
    for (size_t i = 0; i < s->drops.len; i++)
        for (size_t k = s->drops.items[i].off; k < s->drops.items[i].end; k++)
            if (up[k] != '\n' && up[k] != '\r')
                up[k] = ' ';
    size_t n = file->len;
    while (n > 0 && is_space(up[n - 1]))
        n--;
    if (n < file->len && n > 0)
        up[n++] = '\n';
    up[n] = '\0';
    *up_len = n;
    return up;
}

/* Appends the statements of up[start..end), or the block as one. */
static bool add_statements(pgc_arena *a, pgc_arena *scratch, pgc_diags *d, pgc_migration_file *m,
                           const char *up, size_t start, size_t end, bool block)
{
    span_list spans = {0};
    if (!split(scratch, d, m->file, up, start, end, &spans))
        return false;
    if (spans.len == 0)
        return true;
    if (block) {
        pgc_span *last = &spans.items[spans.len - 1];
        spans.items[0].len = last->off + last->len - spans.items[0].off;
        spans.len = 1;
    }
    bool ok = true;
    for (size_t i = 0; i < spans.len; i++) {
        pgc_stmt_text st;
        if (canonicalize(a, scratch, d, m->file, up, spans.items[i].off, spans.items[i].len,
                         NULL, &st))
            PGC_PUSH(a, m->stmts, st);
        else
            ok = false;
    }
    return ok;
}

static bool read_migration(pgc_arena *a, pgc_diags *d, const pgc_file *file, uint64_t version,
                           pgc_migration_file *m)
{
    memset(m, 0, sizeof *m);
    m->file = file;
    m->version = version;
    pgc_arena *scratch = pgc_arena_new();
    scan s = {0};
    bool ok = scan_migration(scratch, d, file, &s);
    if (ok) {
        size_t up_len;
        char *up = up_text(a, file, &s, &up_len);
        m->up_sql = up;
        /* The directive counts only in the leading comments, as the
           runtime's reader sees it (the same function). */
        m->no_transaction = pgc_sql_no_transaction(up, up_len) == 1;
        /* The runtime refuses these at migrate time (each file gets its own
           transaction; a no-transaction file runs each statement on its
           own); say so at generation, where the file is at hand. */
        size_t at = 0, at_savepoint = 0;
        bool control = pgc_find_transaction_control(up, up_len, &at) == 1;
        bool savepoint = m->no_transaction
                         && pgc_find_savepoint_control(up, up_len, &at_savepoint) == 1;
        if (savepoint && (!control || at_savepoint < at))
            at = at_savepoint;
        if (control || savepoint) {
            pgc_diag_error(d, file, at, "%s",
                           m->no_transaction
                               ? "transaction control statement in a no-transaction migration; "
                                 "remove it (each statement of the file runs on its own, "
                                 "outside a transaction)"
                               : "transaction control statement in a migration that runs in a "
                                 "transaction; remove it or mark the file "
                                 "\"-- pgc:no-transaction\"");
            ok = false;
        }
        size_t pos = 0;
        for (size_t i = 0; i < s.blocks.len; i++) {
            range b = s.blocks.items[i];
            if (b.end > up_len)
                b.end = up_len;
            if (b.off > b.end)
                b.off = b.end;
            ok = add_statements(a, scratch, d, m, up, pos, b.off, false) && ok;
            ok = add_statements(a, scratch, d, m, up, b.off, b.end, true) && ok;
            pos = b.end;
        }
        ok = add_statements(a, scratch, d, m, up, pos, up_len, false) && ok;
    }
    pgc_arena_free(scratch);
    return ok;
}

typedef struct candidate {
    const char *path;
    uint64_t version;
} candidate;

static int compare_candidates(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    return strcmp(a->path, b->path);
}

bool pgc_read_migrations(pgc_arena *a, pgc_diags *d, const char *const *paths, size_t npaths,
                         pgc_migration_files *out)
{
    int errors = d->errors;
    path_list list = {0};
    for (size_t i = 0; i < npaths; i++)
        expand_path(a, d, paths[i], &list);

    PGC_VEC(candidate) files = {0};
    for (size_t i = 0; i < list.len; i++) {
        candidate c = {list.items[i], 0};
        if (pgc_migration_version(base_name(c.path), &c.version) != 0) {
            pgc_diag_error(d, NULL, 0,
                           "%s: no version in the file name (expected e.g. 001_name.sql)",
                           c.path);
            continue;
        }
        PGC_PUSH(a, files, c);
    }
    if (files.len > 1)
        qsort(files.items, files.len, sizeof *files.items, compare_candidates);
    for (size_t i = 1; i < files.len; i++)
        if (files.items[i].version == files.items[i - 1].version)
            pgc_diag_error(d, NULL, 0, "%s and %s have the same version %llu",
                           files.items[i - 1].path, files.items[i].path,
                           (unsigned long long)files.items[i].version);
    if (d->errors > errors)
        return false;

    for (size_t i = 0; i < files.len; i++) {
        const pgc_file *file = pgc_file_load(a, d, files.items[i].path);
        if (!file)
            continue;
        pgc_migration_file m;
        if (read_migration(a, d, file, files.items[i].version, &m))
            PGC_PUSH(a, *out, m);
    }
    return d->errors == errors;
}

/* A catalog-only input: read as a migration, without a version; a
 * template in it is an error at the template. */
static bool read_catalog_input(pgc_arena *a, pgc_diags *d, const pgc_file *file,
                               pgc_migration_file *m)
{
    if (!read_migration(a, d, file, 0, m))
        return false;
    for (size_t i = 0; i < m->stmts.len; i++) {
        const pgc_stmt_text *t = &m->stmts.items[i];
        if (!t->templated)
            continue;
        const char *at = strstr(t->canon, "\"" PGC_HOME_SCHEMA "\"");
        pgc_diag_error(d, file, pgc_stmt_text_source(t, at ? (size_t)(at - t->canon) : 0),
                       "a catalog-only input describes objects the library does not own: "
                       "name their schema (other.t), not a template");
        return false;
    }
    return true;
}

bool pgc_read_catalog_inputs(pgc_arena *a, pgc_diags *d, const char *const *paths,
                             size_t npaths, pgc_migration_files *out)
{
    int errors = d->errors;
    path_list list = {0};
    for (size_t i = 0; i < npaths; i++)
        expand_path(a, d, paths[i], &list);
    for (size_t i = 0; i < list.len; i++) {
        const pgc_file *file = pgc_file_load(a, d, list.items[i]);
        pgc_migration_file m;
        if (file && read_catalog_input(a, d, file, &m))
            PGC_PUSH(a, *out, m);
    }
    return d->errors == errors;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

const char *pgc_cmd_name(pgc_cmd cmd)
{
    switch (cmd) {
    case PGC_CMD_ONE: return ":one";
    case PGC_CMD_MANY: return ":many";
    case PGC_CMD_EXEC: return ":exec";
    case PGC_CMD_EXECROWS: return ":execrows";
    case PGC_CMD_EXECRESULT: return ":execresult";
    case PGC_CMD_COPYFROM: return ":copyfrom";
    case PGC_CMD_BATCHEXEC: return ":batchexec";
    case PGC_CMD_BATCHONE: return ":batchone";
    case PGC_CMD_BATCHMANY: return ":batchmany";
    }
    return "?";
}

static bool cmd_from_name(const char *s, size_t n, pgc_cmd *out)
{
    for (int c = PGC_CMD_ONE; c <= PGC_CMD_BATCHMANY; c++) {
        const char *name = pgc_cmd_name((pgc_cmd)c);
        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *out = (pgc_cmd)c;
            return true;
        }
    }
    return false;
}

/*
 * The "name:" line of annotation comment t: [*from, *to) in text, from at
 * "name:".  sqlc's forms:
 *     "--" blank* "name:" ...                         a line comment
 *     "/" "*" blank* "name:" ... "*" "/"              a block comment on one line,
 * or a block comment over several lines, one of which starts (blanks aside)
 * with "name:"; *to stops before the comment's end.  False for any other
 * comment.
 */
static bool annotation_line(const char *text, const pgc_token *t, size_t *from, size_t *to)
{
    const char *s = text + t->off;
    size_t n = t->len;
    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        size_t i = 2;
        while (i < n && is_blank(s[i]))
            i++;
        *from = t->off + i;
        *to = t->off + n;
        return n - i >= 5 && memcmp(s + i, "name:", 5) == 0;
    }
    if (n < 4 || s[0] != '/' || s[1] != '*')
        return false;
    size_t end = s[n - 2] == '*' && s[n - 1] == '/' ? n - 2 : n;
    for (size_t i = 2; i < end;) {
        size_t eol = i;
        while (eol < end && s[eol] != '\n')
            eol++;
        size_t k = i;
        while (k < eol && is_blank(s[k]))
            k++;
        if (eol - k >= 5 && memcmp(s + k, "name:", 5) == 0) {
            *from = t->off + k;
            *to = t->off + eol;
            return true;
        }
        i = eol + 1;
    }
    return false;
}

static bool is_annotation(const char *text, const pgc_token *t)
{
    size_t from, to;
    return annotation_line(text, t, &from, &to);
}

#define CMD_LIST ":one, :many, :exec, :execrows, :execresult, :copyfrom, :batchexec, " \
                 ":batchone or :batchmany"

/*
 * annotation = "name:" NAME CMD, on the comment's line annotation_line finds
 * NAME = a C identifier;  CMD = ":one" | ":many" | ...
 * Returns false after reporting.
 */
static bool parse_annotation(pgc_arena *a, pgc_diags *d, const pgc_file *file,
                             const pgc_token *t, pgc_query_src *q)
{
    const char *s = file->text;
    size_t i = 0, end = 0;
    annotation_line(s, t, &i, &end);
    i += 5; /* name: */
    pgc_word w[PGC_MAX_WORDS];
    int k = pgc_split_words(s + i, end - i, w);
    if (k == 0) {
        pgc_diag_error(d, file, t->off,
                       "annotation has no query name; expected \"-- name: Name :cmd\"");
        return false;
    }
    size_t name_off = (size_t)(w[0].s - s);
    q->name = pgc_arena_strndup(a, w[0].s, w[0].n);
    if (!is_c_name(w[0].s, w[0].n)) {
        pgc_diag_error(d, file, name_off, "query name \"%s\" is not a C identifier", q->name);
        return false;
    }
    if (k == 1) {
        pgc_diag_error(d, file, name_off + w[0].n,
                       "query %s has no command; expected one of " CMD_LIST, q->name);
        return false;
    }
    if (!cmd_from_name(w[1].s, w[1].n, &q->cmd)) {
        pgc_diag_error(d, file, (size_t)(w[1].s - s),
                       "unknown command \"%.*s\"; expected one of " CMD_LIST, (int)w[1].n,
                       w[1].s);
        return false;
    }
    if (k > 2) {
        pgc_diag_error(d, file, (size_t)(w[2].s - s),
                       "unexpected \"%.*s\" after the command", (int)w[2].n, w[2].s);
        return false;
    }
    q->annotation_offset = t->off;
    return true;
}

/* Does s start with "pgc:", in any case (a misspelt PGC:PRIMARY is then an
 * unknown directive, not a comment left alone)? */
static bool is_pgc_prefix(const char *s)
{
    return lower(s[0]) == 'p' && lower(s[1]) == 'g' && lower(s[2]) == 'c' && s[3] == ':';
}

/* Is the comment at text[at..at+len) a `pgc:` directive?  Then its words
 * are text[at+*from .. at+*to), up to the end of their line. */
static bool directive_words(const char *text, size_t at, size_t len, size_t *from, size_t *to)
{
    size_t i = 2, end = len;
    if (len < 2)
        return false;
    bool block = text[at] == '/';
    if (block && end >= 4 && text[at + end - 2] == '*' && text[at + end - 1] == '/')
        end -= 2;
    while (i < end && (is_blank(text[at + i])
                       || (block && (text[at + i] == '\n' || text[at + i] == '*'))))
        i++;
    if (end - i < 4 || !is_pgc_prefix(text + at + i))
        return false;
    *from = i;
    while (i < end && text[at + i] != '\n')
        i++;
    *to = i;
    return true;
}

/* Does the token at off start its line (blanks only before it)? */
static bool starts_line(const char *text, size_t off)
{
    while (off > 0 && is_blank(text[off - 1]))
        off--;
    return off == 0 || text[off - 1] == '\n';
}

/*
 * A directive comment on a line of its own that is not between a name line
 * and its statement (after a statement, or before the first name line)
 * applies to no query: left alone, the query it was meant for would run
 * where the analysis says (a -- pgc:primary read on a standby).  Reports
 * it at its first word.
 */
static void stray_directive(pgc_diags *d, const pgc_file *file, const pgc_token *t)
{
    size_t i, end;
    if (!directive_words(file->text, t->off, t->len, &i, &end))
        return;
    pgc_word w[PGC_MAX_WORDS];
    pgc_split_words(file->text + t->off + i, end - i, w);
    pgc_diag_error(d, file, t->off + i,
                   "-- %.*s here applies to no query; write it on a line after the name line "
                   "of the query it is for, before the statement", (int)w[0].n, w[0].s);
}

/*
 * The `-- pgc:` directives in the comments between a query's name line and
 * its statement, [from, to) of the file:
 *     "--" blank* "pgc:reads"    it only reads, whatever it calls
 *     "--" blank* "pgc:primary"  it reads, but runs on the primary
 * also in a block comment ("/" "*" pgc:primary "*" "/", its words ending
 * with their line; blanks, newlines and stars before them), as sqlc allows
 * the name line to be.  Other comments are left alone (sqlc's own, the
 * user's).  An unknown directive, words after one, or both in one query
 * are errors.  Returns false after reporting.
 */
static bool read_directives(pgc_diags *d, const pgc_file *file, size_t from, size_t to,
                            pgc_query_src *q)
{
    const char *text = file->text;
    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, text + from, to - from);
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        size_t at = from + t.off, i, line_end;
        if (t.kind != PGC_TOK_COMMENT || !directive_words(text, at, t.len, &i, &line_end))
            continue;
        pgc_word w[PGC_MAX_WORDS];
        int k = pgc_split_words(text + at + i, line_end - i, w);
        size_t word_off = at + i;
        pgc_route_hint hint;
        if (w[0].n == 9 && memcmp(w[0].s, "pgc:reads", 9) == 0) {
            hint = PGC_ROUTE_READS;
        } else if (w[0].n == 11 && memcmp(w[0].s, "pgc:primary", 11) == 0) {
            hint = PGC_ROUTE_PRIMARY;
        } else {
            pgc_diag_error(d, file, word_off,
                           "unknown directive \"%.*s\" for query %s; expected "
                           "-- pgc:reads or -- pgc:primary", (int)w[0].n, w[0].s, q->name);
            return false;
        }
        if (k > 1) {
            pgc_diag_error(d, file, (size_t)(w[1].s - text),
                           "unexpected \"%.*s\" after -- %.*s", (int)w[1].n, w[1].s,
                           (int)w[0].n, w[0].s);
            return false;
        }
        if (q->route == hint) {
            pgc_diag_error(d, file, word_off, "query %s has -- %.*s twice", q->name,
                           (int)w[0].n, w[0].s);
            return false;
        }
        if (q->route != PGC_ROUTE_AUTO) {
            pgc_diag_error(d, file, word_off,
                           "query %s cannot be both -- pgc:reads and -- pgc:primary", q->name);
            return false;
        }
        q->route = hint;
        q->route_offset = word_off;
    }
    return true;
}

/* Where a query name already read was defined, for duplicates across
 * files; seen_names maps each name to its seen_name (a hash map: a linear
 * search made reading 10,000 queries quadratic). */
typedef struct seen_name {
    const pgc_file *file;
    size_t offset;
} seen_name;
typedef pgc_strmap seen_names;

/* Records name's definition, unless an earlier one is recorded. */
static void see_name(pgc_arena *a, seen_names *seen, const char *name, const pgc_file *file,
                     size_t offset)
{
    if (pgc_strmap_has(seen, name))
        return;
    seen_name *sn = pgc_arena_alloc(a, sizeof *sn);
    *sn = (seen_name){file, offset};
    pgc_strmap_put(a, seen, name, sn);
}

static void no_annotation(pgc_diags *d, const pgc_file *file, size_t off)
{
    pgc_diag_error(d, file, off, "statement has no \"-- name: Name :cmd\" annotation");
}

static void read_query_file(pgc_arena *a, pgc_arena *scratch, pgc_diags *d,
                            const pgc_file *file, seen_names *seen, pgc_query_srcs *out)
{
    const char *text = file->text;
    PGC_VEC(pgc_token) notes = {0};
    pgc_lexer lx;
    pgc_token t;
    pgc_lexer_init(&lx, text, file->len);
    bool statement_begun = true; /* no name line yet counts as after a statement */
    int errors = d->errors;
    while (pgc_lex(&lx, &t) != PGC_TOK_EOF) {
        if (t.kind == PGC_TOK_ERROR) {
            report_lex_error(d, file, 0, &t);
            return;
        }
        if (t.kind == PGC_TOK_COMMENT && is_annotation(text, &t)) {
            PGC_PUSH(scratch, notes, t);
            statement_begun = false;
        } else if (t.kind != PGC_TOK_COMMENT && t.kind != PGC_TOK_SPACE) {
            statement_begun = true;
        } else if (statement_begun && starts_line(text, t.off)) {
            stray_directive(d, file, &t);
        }
    }
    if (d->errors > errors)
        return;

    /* Statements before the first annotation have none. */
    span_list spans = {0};
    size_t first = notes.len ? notes.items[0].off : file->len;
    if (!split(scratch, d, file, text, 0, first, &spans))
        return;
    for (size_t i = 0; i < spans.len; i++)
        no_annotation(d, file, spans.items[i].off);

    pgc_arena *per_query = pgc_arena_new(); /* a query's tokens, emptied for the next */

    for (size_t n = 0; n < notes.len; n++) {
        const pgc_token *note = &notes.items[n];
        size_t start = note->off + note->len;
        size_t end = n + 1 < notes.len ? notes.items[n + 1].off : file->len;
        pgc_query_src q;
        memset(&q, 0, sizeof q);
        bool ok = parse_annotation(a, d, file, note, &q);
        const seen_name *earlier = ok ? pgc_strmap_get(seen, q.name) : NULL;
        if (earlier) {
            pgc_diag_error(d, file, note->off, "query %s is defined twice", q.name);
            pgc_diag_note(d, earlier->file, earlier->offset, "%s was first defined here", q.name);
            ok = false;
        }
        if (ok)
            see_name(a, seen, q.name, file, note->off);
        spans.len = 0;
        if (!split(scratch, d, file, text, start, end, &spans))
            continue;
        if (ok && spans.len == 0) {
            pgc_diag_error(d, file, note->off, "query %s has no statement", q.name);
            ok = false;
        }
        for (size_t i = 1; i < spans.len; i++)
            no_annotation(d, file, spans.items[i].off);
        if (ok && spans.len > 0 && !read_directives(d, file, start, spans.items[0].off, &q))
            ok = false;
        pgc_arena_reset(per_query); /* the previous query's tokens */
        if (ok && spans.len > 0
            && canonicalize(a, per_query, d, file, text, spans.items[0].off, spans.items[0].len,
                            &q, &q.text))
            PGC_PUSH(a, *out, q);
    }
    pgc_arena_free(per_query);
}

bool pgc_read_queries(pgc_arena *a, pgc_diags *d, const char *const *paths, size_t npaths,
                      pgc_query_srcs *out)
{
    int errors = d->errors;
    path_list list = {0};
    for (size_t i = 0; i < npaths; i++)
        expand_path(a, d, paths[i], &list);
    seen_names seen = {0};
    for (size_t i = 0; i < list.len; i++) {
        const pgc_file *file = pgc_file_load(a, d, list.items[i]);
        if (!file)
            continue;
        pgc_arena *scratch = pgc_arena_new();
        read_query_file(a, scratch, d, file, &seen, out);
        pgc_arena_free(scratch);
    }
    return d->errors == errors;
}

/* ------------------------------------------------------------------ */
/* Tests' entry points                                                  */
/* ------------------------------------------------------------------ */

bool pgc_read_migration_file(pgc_arena *a, pgc_diags *d, const pgc_file *file,
                             pgc_migration_file *out)
{
    uint64_t version = 0;
    if (pgc_migration_version(base_name(file->path), &version) != 0) {
        pgc_diag_error(d, NULL, 0, "%s: no version in the file name (expected e.g. 001_name.sql)",
                       file->path);
        return false;
    }
    return read_migration(a, d, file, version, out);
}

bool pgc_read_query_file(pgc_arena *a, pgc_diags *d, const pgc_file *file, pgc_query_srcs *out)
{
    int errors = d->errors;
    seen_names seen = {0};
    for (size_t i = 0; i < out->len; i++)
        see_name(a, &seen, out->items[i].name, out->items[i].text.file,
                 out->items[i].annotation_offset);
    pgc_arena *scratch = pgc_arena_new();
    read_query_file(a, scratch, d, file, &seen, out);
    pgc_arena_free(scratch);
    return d->errors == errors;
}

const char *pgc_migration_set_sql(const pgc_migration_file *m)
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
