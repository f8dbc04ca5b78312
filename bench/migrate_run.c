/*
 * migrate_run.c - applies the migration files of a folder with pgc's
 * runner (pgc_migration_set_load, then pgc_migrate: one transaction per
 * file, each recorded in pgc_migrations), for case 6 of the benchmark.
 *
 *   migrate_run CONNINFO DIR
 */
#include <stdio.h>

#include "pgc.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: migrate_run CONNINFO DIR\n", stderr);
        return 2;
    }
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    pgc_db *db = NULL;
    pgc_migration_set *set = NULL;
    size_t applied = 0;
    int rc = cfg ? pgc_config_set(cfg, "conninfo", argv[1], &err) : PGC_ENOMEM;
    if (rc == PGC_OK)
        rc = pgc_db_open(&db, cfg, NULL, &err);
    if (rc == PGC_OK)
        rc = pgc_migration_set_load(&set, "bench", argv[2], &err);
    if (rc == PGC_OK)
        rc = pgc_migrate(db, set, NULL, &applied, &err);
    pgc_migration_set_free(set);
    pgc_db_close(db);
    pgc_config_free(cfg);
    if (rc != PGC_OK) {
        fprintf(stderr, "migrate_run: %s: %s\n", pgc_code_name(rc), err.message);
        return 1;
    }
    printf("%zu\n", applied);
    return 0;
}
