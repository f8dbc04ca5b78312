/*
 * program.h - the generator's front end: every input read, parsed,
 * replayed or analyzed, in one pgc_program that the commands (describe,
 * verify, generate) read.
 *
 * Takes: the paths given on the command line.  Gives: the migrations and
 * queries as read (source.h), the catalog they build and each query's
 * analysis (semantic.h, model.h).
 */
#ifndef PGC_PROGRAM_H
#define PGC_PROGRAM_H

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

#endif /* PGC_PROGRAM_H */
