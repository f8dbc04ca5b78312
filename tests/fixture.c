/*
 * fixture.c - see fixture.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

const fixture_mode fixture_standalone = STANDALONE;
const fixture_mode fixture_embedded = EMBEDDED;

pgc_config *fixture_config(const fixture *f, ...)
{
    pgc_config *cfg = pgc_config_new();
    assert_non_null(cfg);
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", pgc_testdb_conninfo(f->tdb), &err), &err);
    va_list ap;
    va_start(ap, f);
    const char *key;
    while ((key = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        assert_ok(pgc_config_set(cfg, key, value, &err), &err);
    }
    va_end(ap);
    return cfg;
}

int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->mode = *(const fixture_mode *)*state;
    pgc_error err = {0};
    assert_ok(pgc_testdb_create(&f->tdb, &err), &err);
    pgc_config *cfg = fixture_config(f, "max_connections", "4", NULL);
    if (f->mode == STANDALONE) {
        assert_ok(pgc_db_open(&f->db, cfg, NULL, &err), &err);
    } else {
        assert_ok(pgc_pool_open(&f->pool, cfg, &err), &err);
        assert_ok(pgc_db_attach(&f->db, f->pool, "lib", &err), &err);
    }
    pgc_config_free(cfg);
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture *f = *state;
    assert_int_equal(pgc_db_close(f->db), PGC_OK);
    assert_int_equal(pgc_pool_close(f->pool), PGC_OK);
    pgc_testdb_drop(f->tdb);
    free(f);
    return 0;
}

char *fixture_scalar(const fixture *f, const char *sql)
{
    PGconn *pg = PQconnectdb(pgc_testdb_conninfo(f->tdb));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        print_error("fixture_scalar(%s): %s", sql, PQresultErrorMessage(res));
    assert_true(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
    char *out = NULL;
    if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
        out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(pg);
    return out;
}

void fixture_create_items(pgc_db *db, int rows, const char *label)
{
    pgc_error err = {0};
    assert_ok(pgc_exec(db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.items}} (id bigint PRIMARY KEY, name text)",
                       NULL, &err),
              &err);
    if (rows <= 0)
        return;
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO {{tables.items}} SELECT i, '%s ' || i FROM generate_series(1, %d) i",
             label, rows);
    assert_ok(pgc_exec(db, sql, NULL, &err), &err);
}

long fixture_count_items(pgc_db *db)
{
    static const pgc_stmt count_items = {.name = "fixture_count_items",
                                         .sql = "SELECT count(*) FROM {{tables.items}}"};
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_query(db, &count_items, NULL, NULL, NULL, &res, &err), &err);
    long n = strtol(pgc_result_value(res, 0, 0), NULL, 10);
    pgc_result_free(res);
    return n;
}

/* ---- a streaming replica -------------------------------------------------- */

pgc_test_cluster *fixture_replica_start(void)
{
    /* The shared cluster's conninfo, through a database made for the purpose
       (pg_basebackup ignores the dbname). */
    pgc_error err = {0};
    pgc_testdb *t;
    assert_ok(pgc_testdb_create(&t, &err), &err);
    pgc_test_cluster *r = NULL;
    int rc = pgc_test_replica_start(&r, pgc_testdb_conninfo(t), &err);
    pgc_testdb_drop(t);
    assert_ok(rc, &err);
    return r;
}

void fixture_replica_stop(pgc_test_cluster *replica)
{
    pgc_test_cluster_stop(replica);
}

char *fixture_replica_conninfo(const fixture *f, const pgc_test_cluster *replica)
{
    char buf[512];
    snprintf(buf, sizeof buf, "host=%s port=%d user=postgres dbname=%s",
             pgc_test_cluster_dir(replica), pgc_test_cluster_port(replica),
             pgc_testdb_name(f->tdb));
    char *out = strdup(buf);
    assert_non_null(out);
    return out;
}

void fixture_replica_catch_up(const fixture *f, const pgc_test_cluster *replica)
{
    /* The test cluster commits asynchronously: a commit's WAL may still sit
       in the server's buffers, which the replica never sees until they are
       flushed.  A transaction that writes WAL (a temporary table's catalog
       rows) and commits synchronously flushes all WAL before its commit
       record; then the flush position covers every commit made so far. */
    free(fixture_scalar(f, "SET synchronous_commit = on; CREATE TEMP TABLE pgc_flush ()"));
    char *lsn = fixture_scalar(f, "SELECT pg_current_wal_flush_lsn()");
    assert_non_null(lsn);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn", lsn);
    free(lsn);
    PGconn *pg = PQconnectdb(pgc_test_cluster_conninfo(replica));
    if (PQstatus(pg) != CONNECTION_OK)
        print_error("replica: %s", PQerrorMessage(pg));
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    int caught_up = 0;
    for (int i = 0; i < 6000 && !caught_up; i++) { /* 60 s */
        PGresult *res = PQexec(pg, sql);
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        caught_up = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        if (!caught_up)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    PQfinish(pg);
    if (!caught_up)
        print_error("the replica did not replay the primary's WAL within 60 s\n");
    assert_true(caught_up);
}
