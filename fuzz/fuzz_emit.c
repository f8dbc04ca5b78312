/*
 * fuzz_emit.c - libFuzzer harness for the emitter's promise that no input
 * text changes the meaning of the C it writes (emit.c: c_string,
 * c_comment, c_name).
 *
 * Input: up to seven names separated by the byte 0x1E: an enum type, one
 * of its labels, a table, its column, a composite type, its field, and a
 * folder path (may hold '/') where the query file and the migration (whose
 * file name holds the enum's name) are written.  A missing name is "e",
 * "l", ...  The names go into a fixed schema and queries, SQL-quoted, so
 * that the front end accepts most of them:
 *
 *     CREATE TYPE {{schema}}."ENUM" AS ENUM ('LABEL', 'plain');
 *     CREATE TYPE {{schema}}."COMPOSITE" AS ("FIELD" int, b text);
 *     CREATE TABLE {{schema}}."TABLE" (id int PRIMARY KEY, "COLUMN" ... );
 *     -- name: GetT :one / Embed :many / Put :copyfrom ...
 *
 * The promise is checked by difference: the same program generated with
 * the plain names ("e", "l", ...) must give the same C tokens once string
 * literals, comments and identifiers are each one kind of token (and the
 * overlength-string pragmas, which depend on lengths, are dropped).  A
 * name that escaped a comment or a literal adds tokens.  The output must
 * also hold no trigraph ("??") and no line splice (backslash-newline).
 *
 * With FUZZ_EMIT_CC=1 in the environment (make fuzz-regress sets it), each
 * output is also compiled with cc as users compile generated code (strict
 * C11, every warning an error) and must define no symbol starting with
 * "pwned" (the seeds' payloads define such symbols if they get out).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "describe.h"
#include "emit.h"
#include "fuzz.h"
#include "parse.h"

#define SEPARATOR 0x1E
#define NNAMES 7
#define MAX_NAME 200   /* a path component stays under NAME_MAX */

static char dir[64];        /* the temporary directory */
static FILE *devnull;

/* rm -r path (names may hold any byte: no shell). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *ent;
        while ((ent = readdir(d)) != NULL) {
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
                continue;
            size_t n = strlen(path) + strlen(ent->d_name) + 2;
            char *sub = malloc(n);
            FUZZ_CHECK(sub != NULL);
            snprintf(sub, n, "%s/%s", path, ent->d_name);
            remove_tree(sub);
            free(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void remove_all(void)
{
    remove_tree(dir);
}

static void setup(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/pgc-fuzz-emit-XXXXXX", tmp);
    devnull = fopen("/dev/null", "w");
    if (!mkdtemp(dir) || !devnull) {
        perror("fuzz_emit: set-up");
        exit(1);
    }
    atexit(remove_all);
}

/* ---- the program ------------------------------------------------------------------------ */

/* s as a double-quoted SQL identifier or (quote '\'') a string constant. */
static void sql_quote(pgc_strbuf *b, char quote, const char *s)
{
    pgc_sb_add(b, &quote, 1);
    for (; *s; s++) {
        if (*s == quote)
            pgc_sb_add(b, &quote, 1);
        pgc_sb_add(b, s, 1);
    }
    pgc_sb_add(b, &quote, 1);
}

/* The text of fmt with %E %L %T %C %K %F replaced by names[0..5] quoted. */
static const char *program_text(pgc_arena *a, const char *fmt, char *const *names)
{
    pgc_strbuf b = {.a = a};
    for (const char *s = fmt; *s; s++) {
        const char *keys = "ELTCKF", *k = s[0] == '%' && s[1] ? strchr(keys, s[1]) : NULL;
        if (!k) {
            pgc_sb_add(&b, s, 1);
            continue;
        }
        sql_quote(&b, *k == 'L' ? '\'' : '"', names[k - keys]);
        s++;
    }
    return pgc_sb_take(&b);
}

static const char migration_fmt[] =
    "CREATE TYPE {{schema}}.%E AS ENUM (%L, 'plain');\n"
    "CREATE TYPE {{schema}}.%K AS (%F int, b text);\n"
    "CREATE TABLE {{schema}}.%T (id int PRIMARY KEY, %C {{schema}}.%E, c2 {{schema}}.%K);\n";

static const char queries_fmt[] =
    "-- name: GetT :one\n"
    "SELECT id, %C, c2, %L AS lit, id AS %F FROM {{schema}}.%T WHERE id = @id;\n"
    "-- name: Embed :many\n"
    "SELECT sqlc.embed(t) FROM {{schema}}.%T t;\n"
    "-- name: Put :copyfrom\n"
    "INSERT INTO {{schema}}.%T (id, %C) VALUES (@id, @m);\n"
    "-- name: ByLabel :batchmany\n"
    "SELECT (c2).%F FROM {{schema}}.%T WHERE %C = @m AND %C::text = %L;\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* mkdir -p path; false if a component cannot be made (too long...). */
static bool make_dirs(char *path)
{
    for (char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        bool ok = mkdir(path, 0700) == 0 || errno == EEXIST;
        if (s)
            *s = '/';
        if (!ok)
            return false;
        if (!s)
            return true;
    }
}

typedef struct output {
    bool ok;
    char *header, *source;
    char qdir[4096];   /* where the files were written (under dir) */
} output;

/* Generates "fuzz" from the names into a fresh folder under dir. */
static output generate(pgc_arena *a, char *const *names, int run)
{
    output o = {0};
    snprintf(o.qdir, sizeof o.qdir, "%s/%d/%s", dir, run, names[6]);
    if (!make_dirs(o.qdir))
        return o;
    char mpath[4096 + 16], qpath[4096 + 16];
    char *stem = pgc_arena_strdup(a, names[0]);
    for (char *s = stem; *s; s++)
        if (*s == '/')
            *s = '_';
    snprintf(mpath, sizeof mpath, "%s/0001_%s.sql", o.qdir, stem);
    snprintf(qpath, sizeof qpath, "%s/q.sql", o.qdir);
    if (strlen(mpath) >= 4096 || strlen(qpath) >= 4096)
        return o;
    write_file(mpath, program_text(a, migration_fmt, names));
    write_file(qpath, program_text(a, queries_fmt, names));
    const char *m[] = {mpath}, *q[] = {qpath}, *in[] = {mpath, qpath};
    pgc_diags d = {.out = devnull};
    pgc_program p;
    o.ok = pgc_program_load(a, &d, m, 1, q, 1, &p);
    FUZZ_CHECK(o.ok == (d.errors == 0));
    if (o.ok) {
        pgc_emit_options eo = {"fuzz", in, 2, false};
        o.ok = pgc_emit(a, &d, &p, &eo, &o.header, &o.source);
        FUZZ_CHECK(o.ok == (d.errors == 0));
    }
    pgc_program_free(&p);
    return o;
}

/* ---- the C, as tokens ------------------------------------------------------------------- */

/*
 * The tokens of C text, one a line, with every string literal (adjacent
 * ones merged) "S", every identifier "I", comments dropped, the rest as
 * written; preprocessor lines as written, but for the overlength-string
 * pragmas.  FUZZ_CHECKs what the emitter promises of its lexical form: no
 * trigraph, no line splice, comments closed and not nested, literals closed
 * on their line with valid escapes.
 */
static const char *c_tokens(pgc_arena *a, const char *c)
{
    FUZZ_CHECK(!strstr(c, "??"));
    pgc_strbuf b = {.a = a};
    bool last_string = false, line_start = true;
    for (size_t i = 0; c[i];) {
        FUZZ_CHECK(!(c[i] == '\\' && c[i + 1] == '\n'));
        if (c[i] == '\n') {
            line_start = true;
            i++;
            continue;
        }
        if (isspace((unsigned char)c[i])) {
            i++;
            continue;
        }
        if (line_start && c[i] == '#') {
            size_t n = strcspn(c + i, "\n");
            bool pragma = (n >= 24 && memcmp(c + i, "#pragma GCC diagnostic ", 23) == 0)
                          || (n == 21 && memcmp(c + i, "#if defined(__GNUC__)", 21) == 0)
                          || (n == 6 && memcmp(c + i, "#endif", 6) == 0);
            if (!pragma)
                pgc_sb_printf(&b, "%.*s\n", (int)n, c + i);
            i += n;
            last_string = false;
            continue;
        }
        line_start = false;
        if (c[i] == '/' && c[i + 1] == '*') {
            const char *end = strstr(c + i + 2, "*/");
            FUZZ_CHECK(end != NULL);
            for (const char *s = c + i + 2; s + 1 < end; s++)
                FUZZ_CHECK(!(s[0] == '/' && s[1] == '*'));
            i = (size_t)(end - c) + 2;
            continue;
        }
        FUZZ_CHECK(!(c[i] == '/' && c[i + 1] == '/'));
        if (c[i] == '"' || c[i] == '\'') {
            char q = c[i++];
            while (c[i] != q) {
                FUZZ_CHECK(c[i] && c[i] != '\n');
                if (c[i] == '\\') {
                    i++;
                    FUZZ_CHECK(strchr("\\\"'?abfnrtv01234567x", c[i]) && c[i]);
                }
                i++;
            }
            i++;
            if (q == '"' && last_string)
                continue;
            pgc_sb_puts(&b, q == '"' ? "S\n" : "C\n");
            last_string = q == '"';
            continue;
        }
        last_string = false;
        if (isalpha((unsigned char)c[i]) || c[i] == '_') {
            size_t n = 0;
            while (isalnum((unsigned char)c[i + n]) || c[i + n] == '_')
                n++;
            static const char *const keywords[] = {
                "auto", "break", "case", "char", "const", "continue", "default", "do",
                "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline",
                "int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
                "static", "struct", "switch", "typedef", "union", "unsigned", "void",
                "volatile", "while",
            };
            bool kw = false;
            for (size_t k = 0; k < sizeof keywords / sizeof keywords[0] && !kw; k++)
                kw = strlen(keywords[k]) == n && memcmp(keywords[k], c + i, n) == 0;
            if (kw)
                pgc_sb_printf(&b, "%.*s\n", (int)n, c + i);
            else
                pgc_sb_puts(&b, "I\n");
            i += n;
            continue;
        }
        if (isdigit((unsigned char)c[i])) {
            /* a number, as one token: line numbers (.line = N) move with
               names that hold line breaks, and change nothing else */
            while (isalnum((unsigned char)c[i]))
                i++;
            pgc_sb_puts(&b, "N\n");
            continue;
        }
        FUZZ_CHECK((unsigned char)c[i] < 0x80);
        pgc_sb_printf(&b, "%c\n", c[i]);
        i++;
    }
    return pgc_sb_take(&b);
}

/* ---- the compiler (FUZZ_EMIT_CC=1) ------------------------------------------------------ */

static void compile(const output *o)
{
    char path[128], cmd[1024];
    snprintf(path, sizeof path, "%s/fuzz.h", dir);
    write_file(path, o->header);
    snprintf(path, sizeof path, "%s/fuzz.c", dir);
    write_file(path, o->source);
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes "
             "-Wmissing-prototypes -Wswitch-enum -Woverlength-strings -I runtime "
             "-I \"$(pg_config --includedir)\" -c -o %s/fuzz.o %s/fuzz.c && "
             "! nm -P %s/fuzz.o | grep -q '^pwned'", dir, dir, dir);
    FUZZ_CHECK(system(cmd) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();
    static const char *const plain[NNAMES] = {"e", "l", "t", "c", "k", "f", "p"};
    char *names[NNAMES], *benign[NNAMES];
    pgc_arena *a = pgc_arena_new();
    size_t at = 0;
    for (int k = 0; k < NNAMES; k++) {
        benign[k] = (char *)plain[k];
        size_t end = at;
        while (end < size && data[end] != SEPARATOR && end - at < MAX_NAME)
            end++;
        names[k] = at < size ? pgc_arena_strndup(a, (const char *)data + at, end - at)
                             : benign[k];
        for (char *s = names[k]; at < size && s < names[k] + (end - at); s++)
            if (*s == '\0')
                *s = '0';
        while (end < size && data[end] != SEPARATOR)
            end++;
        at = end + 1;
    }
    /* the path: no "." or ".." component (out of the folder), none empty */
    for (char *s = names[6]; *s; s++)
        if (*s == '.' && (s == names[6] || s[-1] == '/'))
            *s = '_';
    if (!*names[6] || names[6][strlen(names[6]) - 1] == '/')
        names[6] = pgc_arena_printf(a, "%sp", names[6]);

    /* the plain names' tokens, once */
    static pgc_arena *plain_a;
    static const char *plain_h, *plain_c;
    if (!plain_a) {
        plain_a = pgc_arena_new();
        output ok = generate(plain_a, benign, 2);
        FUZZ_CHECK(ok.ok);
        plain_h = c_tokens(plain_a, ok.header);
        plain_c = c_tokens(plain_a, ok.source);
    }
    output hostile = generate(a, names, 1);
    if (hostile.ok) {
        FUZZ_CHECK(strcmp(c_tokens(a, hostile.header), plain_h) == 0);
        FUZZ_CHECK(strcmp(c_tokens(a, hostile.source), plain_c) == 0);
        const char *cc = getenv("FUZZ_EMIT_CC");
        if (cc && strcmp(cc, "1") == 0)
            compile(&hostile);
    }
    pgc_arena_free(a);
    char run[128];
    snprintf(run, sizeof run, "%s/1", dir);
    remove_tree(run);
    return 0;
}
