/*
 * describe.h - `pgc describe`: the front end's result (program.h) as JSON.
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
 *
 * Takes: a loaded pgc_program (program.h).  Gives: describe's JSON and the
 * command (describe.c).
 */
#ifndef PGC_DESCRIBE_H
#define PGC_DESCRIBE_H

#include "program.h"

/* Writes describe's JSON for a program loaded without error. */
void pgc_describe_write(pgc_program *p, FILE *out);

/*
 * `pgc describe`: argv[0] is the command's name ("describe"), options
 * follow.  Returns the exit status: 0 after printing the JSON, 1 after
 * reporting errors, 2 on a usage error (0 for --help).
 */
int pgc_describe_main(int argc, char **argv);

#endif /* PGC_DESCRIBE_H */
