/*
 * describe.h - the generator's front end, and `pgc describe`.
 *
 *   pgc describe [-c CATALOG...] -m MIGRATION... -q QUERY...
 *
 * reads the migrations (files or directories, put in version order),
 * parses every statement and replays it into the catalog, reads the
 * queries, parses and analyzes each, and prints the result as JSON on
 * stdout, keys in this order:
 *
 *   {"queries": [{"name": "GetAuthor", "cmd": ":one", "file": "q.sql",
 *                 "line": 3, "sql": "SELECT ... WHERE id = $1",
 *                 "params": [{"index": 1, "name": "id", "type": "bigint",
 *                             "nullable": false}],
 *                 "columns": [{"name": "id", "type": "bigint",
 *                              "nullable": false, "table": "authors",
 *                              "column": "id"}]}],
 *    "catalog": {...}}
 *
 * "line" is the line of the query's "-- name:" annotation; "sql" is the
 * canonical SQL exactly as parsed (source.h: templates rendered for schema
 * "__pgc_home", named parameters as $n); "table" and "column" are null for
 * a column that is not a plain table column; a column of sqlc.embed(t) has
 * one more key, "embed": "t".  Types are spelled as format_type() spells
 * them.  On errors nothing is printed on stdout.
 */
#ifndef PGC_DESCRIBE_H
#define PGC_DESCRIBE_H

#include "semantic.h"

/* Everything the front end learnt from the inputs. */
typedef struct pgc_program {
    pgc_migration_files catalogs;    /* catalog-only inputs (-c), in the order given */
    pgc_migration_files migrations;  /* read without error, in version order */
    pgc_query_srcs queries;          /* read without error, in file order */
    pgc_catalog *catalog;            /* the migrations replayed */
    pgc_query_infos infos;           /* the queries analysed without error, in order */
} pgc_program;

/*
 * Runs the front end: reads and parses the migrations and replays them into
 * a new catalog, stopping the replay at the first error (what follows it
 * would only cascade), but still parsing every statement; reads and parses
 * every query, and analyzes each if the migrations had no error.  Every
 * statement's first error is reported to d.  Returns true if there was no
 * error.  *p is filled in either case and lives in a: each parse tree is
 * freed once its statement is replayed or analyzed.
 */
bool pgc_program_load(pgc_arena *a, pgc_diags *d, const char *const *migrations,
                      size_t nmigrations, const char *const *queries, size_t nqueries,
                      pgc_program *p);
/*
 * The same with catalog-only inputs (source.h: pgc_read_catalog_inputs()):
 * replayed into the catalog before the migrations, never part of them.
 * When a migration uses a template, the set is a dual-mode library's
 * (pgc_catalog_set_templated()).
 */
bool pgc_program_load_with(pgc_arena *a, pgc_diags *d, const char *const *catalogs,
                           size_t ncatalogs, const char *const *migrations, size_t nmigrations,
                           const char *const *queries, size_t nqueries, pgc_program *p);
void pgc_program_free(pgc_program *p); /* NULL ok; nothing left to free (kept for callers) */

/* Writes describe's JSON for a program loaded without error. */
void pgc_describe_write(pgc_program *p, FILE *out);

/*
 * `pgc describe`: argv[0] is the command's name ("describe"), options
 * follow.  Returns the exit status: 0 after printing the JSON, 1 after
 * reporting errors, 2 on a usage error (0 for --help).
 */
int pgc_describe_main(int argc, char **argv);

#endif /* PGC_DESCRIBE_H */
