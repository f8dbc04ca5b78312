/*
 * A consumer of an installed pgc (the installed pgc.mk): embedded mode, as a
 * host application runs a library.  A fresh database from the test helpers
 * (pgc_testdb, on the cluster PGC_TEST_CONNINFO names), a host pool, the
 * module attached in schema "consumer_mk", its two migrations applied, and
 * a task stored, finished and read back.  Exits 0 only if every value came
 * back as expected.
 */
#include <stdio.h>
#include <string.h>

#include <pgc_test.h>

#include "tasks.h"

static int failed(const char *what, const pgc_error *err)
{
    fprintf(stderr, "consumer_mk: %s: %s: %s\n", what, pgc_code_name(err->code), err->message);
    return 1;
}

static int run(pgc_pool *pool)
{
    pgc_error err = {0};
    pgc_db *db = NULL;
    if (pgc_db_attach(&db, pool, "consumer_mk", &err) != PGC_OK)
        return failed("attach", &err);
    int bad = 0;
    if (tasks_migrate(db, &err) != PGC_OK) {
        bad = failed("migrate", &err);
        goto out;
    }
    const char *title = "water the \xf0\x9f\x8c\xb5";
    tasks_add_task_row added;
    if (tasks_add_task(db, title, &added, &err) != PGC_OK) {
        bad = failed("add", &err);
        goto out;
    }
    int64_t id = added.id;
    if (added.done) {
        fprintf(stderr, "consumer_mk: a new task is done already\n");
        bad = 1;
    }

    int64_t rows = 0;
    if (tasks_finish_task(db, id, &rows, &err) != PGC_OK) {
        bad = failed("finish", &err);
        goto out;
    }
    tasks_get_task_row got;
    if (tasks_get_task(db, id, &got, &err) != PGC_OK) {
        bad = failed("get", &err);
        goto out;
    }
    if (rows != 1 || strcmp(got.title, title) != 0 || !got.done) {
        fprintf(stderr, "consumer_mk: got (%s, %d) after %lld rows, stored (%s, 1)\n", got.title,
                (int)got.done, (long long)rows, title);
        bad = 1;
    }
    tasks_get_task_row_clear(&got);
out:
    pgc_db_close(db);
    return bad;
}

int main(void)
{
    pgc_error err = {0};
    pgc_testdb *tdb = NULL;
    if (pgc_testdb_create(&tdb, &err) != PGC_OK)
        return failed("testdb", &err);
    pgc_config *cfg = pgc_config_new();
    pgc_pool *pool = NULL;
    int bad = 1;
    if (!cfg || pgc_config_set(cfg, "conninfo", pgc_testdb_conninfo(tdb), &err) != PGC_OK)
        failed("config", &err);
    else if (pgc_pool_open(&pool, cfg, &err) != PGC_OK)
        failed("pool", &err);
    else
        bad = run(pool);
    pgc_config_free(cfg);
    pgc_pool_close(pool);
    pgc_testdb_drop(tdb);
    if (!bad)
        printf("consumer_mk: round trip ok\n");
    return bad;
}
