/*
 * parse_only.c - the floor for case 5 of the benchmark: libpg_query parsing
 * the synthetic project's text and nothing else (each file parsed whole
 * with pg_query_parse_protobuf and the tree unpacked and freed with
 * protobuf-c's default allocator, as libpg_query's users do; pgc's parse
 * bridge makes the same calls per statement, unpacking into an arena; no
 * catalog, no analysis, no output).
 *
 *   parse_only FILE...
 */
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    long statements = 0;
    for (int i = 1; i < argc; i++) {
        char *text = read_all(argv[i]);
        if (!text) {
            perror(argv[i]);
            return 1;
        }
        PgQueryProtobufParseResult r = pg_query_parse_protobuf(text);
        if (r.error) {
            fprintf(stderr, "%s: %s\n", argv[i], r.error->message);
            return 1;
        }
        PgQuery__ParseResult *tree = pg_query__parse_result__unpack(
            NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
        pg_query_free_protobuf_parse_result(r);
        if (!tree) {
            fprintf(stderr, "%s: cannot unpack the tree\n", argv[i]);
            return 1;
        }
        statements += (long)tree->n_stmts;
        pg_query__parse_result__free_unpacked(tree, NULL);
        free(text);
    }
    pg_query_exit();
    printf("%ld statements\n", statements);
    return 0;
}
