/*
 * migrate_cli.h - `pgc migrate`: a library's migrations inspected and
 * applied from a shell, with the runtime's runner (runtime/migrate.c) and
 * the files cut exactly as `pgc generate` embeds them.
 *
 * Takes: the command line.  Gives: pgc_migrate_main() (migrate_cli.c).
 */
#ifndef PGC_MIGRATE_CLI_H
#define PGC_MIGRATE_CLI_H

/* Exit status of `pgc migrate` (see man/pgc.1, EXIT STATUS). */
enum {
    PGC_MIGRATE_EXIT_OK = 0,
    PGC_MIGRATE_EXIT_FAILED = 1,    /* refused or failed: input files, edited, order, SQL */
    PGC_MIGRATE_EXIT_USAGE = 2,
    PGC_MIGRATE_EXIT_NOT_CURRENT = 3 /* status --check: not every file applied as it is */
};

/* The environment variable read when --db is not given. */
#define PGC_MIGRATE_DB_ENV "PGC_DATABASE_URL"

/* argv[0] is "migrate".  Returns the exit status. */
int pgc_migrate_main(int argc, char **argv);

#endif /* PGC_MIGRATE_CLI_H */
