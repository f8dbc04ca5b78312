/*
 * fuzz_frontend.c - libFuzzer harness for the whole generator front end:
 * migration and query files -> source reading (generator/source.c) ->
 * libpg_query (parse.c) -> catalog replay (catalog.c) -> analysis
 * (analyze.c) -> the describe model as JSON (describe.c), and the C the
 * emitter would write (emit.c) when the front end succeeds.
 *
 * Input: files separated by the byte 0x1E (ASCII "record separator", which
 * means nothing in SQL).  The last piece is the query file; those before it
 * are migrations 0001_fuzz.sql, 0002_fuzz.sql, ... (at most MAX_MIGRATIONS:
 * after that many separators, the rest is the query file, separators and
 * all).  One piece: queries only.
 * The files are written to a private temporary directory and read through
 * pgc_program_load(), exactly as `pgc describe -m ... -q ...` reads them.
 *
 * Bad input must give diagnostics, never a crash or a sanitizer report;
 * good input must give a valid JSON document (checked strictly below:
 * describe.h and json.c promise it whatever bytes the names hold).
 * Every run frees everything it allocated (the arena, the parse trees), so
 * LeakSanitizer's per-input leak check stays meaningful; libpg_query's
 * per-thread memory context lives for the process, as in pgc itself.
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "describe.h"
#include "emit.h"
#include "fuzz.h"
#include "parse.h"
#include "sqltext.h"

#define SEPARATOR 0x1E
#define MAX_MIGRATIONS 8

static char dir[64];        /* the temporary directory */
static FILE *devnull;       /* diagnostics and JSON go here */

static void remove_dir(void)
{
    char path[128];
    for (int i = 1; i <= MAX_MIGRATIONS; i++) {
        snprintf(path, sizeof path, "%s/%04d_fuzz.sql", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/queries.sql", dir);
    unlink(path);
    rmdir(dir);
}

static void setup(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/pgc-fuzz-XXXXXX", tmp);
    devnull = fopen("/dev/null", "w");
    if (!mkdtemp(dir) || !devnull) {
        perror("fuzz_frontend: set-up");
        exit(1);
    }
    atexit(remove_dir);
}

/* ---- a strict JSON checker (RFC 8259), for describe's promise that its
 * output is always a valid document, whatever bytes the names hold ---- */

typedef struct json_in {
    const char *s;
    size_t n, i;
    int depth;
} json_in;

static void skip_ws(json_in *in)
{
    while (in->i < in->n && strchr(" \t\n\r", in->s[in->i]) && in->s[in->i])
        in->i++;
}

static bool lit(json_in *in, const char *word)
{
    size_t k = strlen(word);
    if (in->n - in->i < k || memcmp(in->s + in->i, word, k) != 0)
        return false;
    in->i += k;
    return true;
}

static bool json_string(json_in *in)
{
    if (!lit(in, "\""))
        return false;
    while (in->i < in->n) {
        unsigned char c = (unsigned char)in->s[in->i];
        if (c == '"') {
            in->i++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (++in->i >= in->n)
                return false;
            char e = in->s[in->i++];
            if (e == 'u') {
                for (int k = 0; k < 4; k++, in->i++)
                    if (in->i >= in->n || !strchr("0123456789abcdefABCDEF", in->s[in->i])
                        || !in->s[in->i])
                        return false;
            } else if (!strchr("\"\\/bfnrt", e) || !e) {
                return false;
            }
            continue;
        }
        size_t k = pgc_utf8_sequence((const unsigned char *)in->s + in->i, in->n - in->i);
        if (k == 0)
            return false;
        in->i += k;
    }
    return false;
}

static bool json_value(json_in *in);

static bool json_container(json_in *in, char close, bool object)
{
    if (++in->depth > 64)
        return false;
    skip_ws(in);
    if (in->i < in->n && in->s[in->i] == close) {
        in->i++;
        in->depth--;
        return true;
    }
    for (;;) {
        skip_ws(in);
        if (object) {
            if (!json_string(in))
                return false;
            skip_ws(in);
            if (!lit(in, ":"))
                return false;
        }
        if (!json_value(in))
            return false;
        skip_ws(in);
        if (lit(in, ","))
            continue;
        char end[2] = {close, '\0'};
        if (!lit(in, end))
            return false;
        in->depth--;
        return true;
    }
}

static bool json_value(json_in *in)
{
    skip_ws(in);
    if (in->i >= in->n)
        return false;
    char c = in->s[in->i];
    if (c == '{' || c == '[') {
        in->i++;
        return json_container(in, c == '{' ? '}' : ']', c == '{');
    }
    if (c == '"')
        return json_string(in);
    if (lit(in, "true") || lit(in, "false") || lit(in, "null"))
        return true;
    /* describe writes integers only */
    lit(in, "-");
    size_t digits = 0;
    while (in->i < in->n && in->s[in->i] >= '0' && in->s[in->i] <= '9')
        in->i++, digits++;
    return digits > 0;
}

static bool json_valid(const char *s, size_t n)
{
    json_in in = {s, n, 0, 0};
    if (!json_value(&in))
        return false;
    skip_ws(&in);
    return in.i == n;
}

static void write_file(const char *path, const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();

    /* Cut the input into pieces at the first MAX_MIGRATIONS separators. */
    const uint8_t *piece[MAX_MIGRATIONS + 1];
    size_t piece_len[MAX_MIGRATIONS + 1];
    size_t npieces = 0, start = 0;
    for (size_t i = 0; i < size && npieces < MAX_MIGRATIONS; i++) {
        if (data[i] != SEPARATOR)
            continue;
        piece[npieces] = data + start;
        piece_len[npieces++] = i - start;
        start = i + 1;
    }
    piece[npieces] = data + start;
    piece_len[npieces++] = size - start;

    static char paths[MAX_MIGRATIONS + 1][128];
    const char *migrations[MAX_MIGRATIONS], *queries[1];
    size_t nmigrations = npieces - 1;
    for (size_t i = 0; i < nmigrations; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%04zu_fuzz.sql", dir, i + 1);
        write_file(paths[i], piece[i], piece_len[i]);
        migrations[i] = paths[i];
    }
    snprintf(paths[nmigrations], sizeof paths[0], "%s/queries.sql", dir);
    write_file(paths[nmigrations], piece[nmigrations], piece_len[nmigrations]);
    queries[0] = paths[nmigrations];

    pgc_arena *a = pgc_arena_new();
    pgc_diags d = {.out = devnull};
    pgc_program p;
    bool ok = pgc_program_load(a, &d, migrations, nmigrations, queries, 1, &p);
    FUZZ_CHECK(ok == (d.errors == 0));
    if (ok) {
        char *json = NULL;
        size_t json_len = 0;
        FILE *mem = open_memstream(&json, &json_len);
        FUZZ_CHECK(mem != NULL);
        pgc_describe_write(&p, mem);
        FUZZ_CHECK(fclose(mem) == 0);
        FUZZ_CHECK(json_valid(json, json_len));
        free(json);
        char *header = NULL, *source = NULL;
        pgc_emit_options o = {.name = "fuzz", .inputs = queries, .ninputs = 1};
        if (pgc_emit(a, &d, &p, &o, &header, &source))
            FUZZ_CHECK(header && source && d.errors == 0);
        else
            FUZZ_CHECK(d.errors > 0);
    }
    pgc_program_free(&p);
    pgc_arena_free(a);
    for (size_t i = 0; i < nmigrations; i++)
        unlink(paths[i]);
    return 0;
}
