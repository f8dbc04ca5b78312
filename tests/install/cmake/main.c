/*
 * A consumer of an installed pgc (CMake: find_package + pgc_generate):
 * standalone mode on a fresh database from the test helpers (pgc_testdb,
 * on the cluster PGC_TEST_CONNINFO names), no schema.  Applies the
 * migration, stores a counter twice (an upsert) and reads it back.  Exits 0
 * only if every value came back as stored.
 */
#include <stdio.h>

#include <pgc_test.h>

#include "counters.h"

static int failed(const char *what, const pgc_error *err)
{
    fprintf(stderr, "consumer_cmake: %s: %s: %s\n", what, pgc_code_name(err->code), err->message);
    return 1;
}

static int run(pgc_db *db)
{
    pgc_error err = {0};
    if (counters_migrate(db, &err) != PGC_OK)
        return failed("migrate", &err);
    double ratio = 0.25;
    if (counters_set_counter(db, "visits", 1, NULL, &err) != PGC_OK)
        return failed("set", &err);
    if (counters_set_counter(db, "visits", INT64_C(9007199254740993), &ratio, &err) != PGC_OK)
        return failed("set again", &err);
    counters_get_counter_row got;
    if (counters_get_counter(db, "visits", &got, &err) != PGC_OK)
        return failed("get", &err);
    int bad = got.value != INT64_C(9007199254740993) || got.ratio_is_null || got.ratio != ratio;
    if (bad)
        fprintf(stderr, "consumer_cmake: got (%lld, %g), stored (9007199254740993, 0.25)\n",
                (long long)got.value, got.ratio);
    return bad;
}

int main(void)
{
    pgc_error err = {0};
    pgc_testdb *tdb = NULL;
    if (pgc_testdb_create(&tdb, &err) != PGC_OK)
        return failed("testdb", &err);
    pgc_config *cfg = pgc_config_new();
    pgc_db *db = NULL;
    int bad = 1;
    if (!cfg || pgc_config_set(cfg, "conninfo", pgc_testdb_conninfo(tdb), &err) != PGC_OK)
        failed("config", &err);
    else if (pgc_db_open(&db, cfg, NULL, &err) != PGC_OK)
        failed("open", &err);
    else
        bad = run(db);
    pgc_db_close(db);
    pgc_config_free(cfg);
    pgc_testdb_drop(tdb);
    if (!bad)
        printf("consumer_cmake: round trip ok\n");
    return bad;
}
