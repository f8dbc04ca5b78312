/*
 * fixture.h - the two modes every db-level test runs in, as pgdbm's
 * fixtures do: a fresh database per test, then either
 *   standalone: pgc_db_open() from a config, no schema, owning its pool; or
 *   embedded:   a shared pool opened by the "host", and the db attached to
 *               it in schema "lib".
 */
#ifndef PGC_TEST_FIXTURE_H
#define PGC_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pgc.h"
#include "pgc_test.h"

typedef enum fixture_mode { STANDALONE, EMBEDDED } fixture_mode;

typedef struct fixture {
    fixture_mode mode;
    pgc_testdb *tdb;
    pgc_pool *pool;   /* embedded: the host's pool; standalone: NULL */
    pgc_db *db;
} fixture;

extern const fixture_mode fixture_standalone, fixture_embedded;

/* cmocka setup/teardown; the prestate is &fixture_standalone or &fixture_embedded. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* A config for the fixture's database with extra KEY, VALUE pairs, NULL-ended. */
pgc_config *fixture_config(const fixture *f, ...);

/* Runs SQL on the test database over a separate libpq connection (not
 * through pgc) and returns the first value of the first row, malloc'd, or
 * NULL if no row or NULL.  Fails the test on a server error. */
char *fixture_scalar(const fixture *f, const char *sql);

/*
 * The suites' common table: {{tables.items}} (id bigint PRIMARY KEY, name
 * text) in db's schema, with rows 1..rows named "LABEL i" (rows 0: empty).
 * fixture_count_items counts its rows through db (a scope sees its own).
 */
void fixture_create_items(pgc_db *db, int rows, const char *label);
long fixture_count_items(pgc_db *db);

/*
 * A streaming replica of the test cluster (pgc_test_replica_start), for
 * suites that read from a standby: start it once (e.g. in a group setup;
 * pg_basebackup takes a second or two), stop it at the end (stops the
 * server and removes its folder).  Databases created on the primary later
 * reach it too: fixture_replica_catch_up() waits (up to 60 s) until the
 * replica has replayed everything the primary had written when called.
 * fixture_replica_conninfo: the replica's conninfo for f's database,
 * malloc'd.  All fail the test on error.
 */
pgc_test_cluster *fixture_replica_start(void);
void fixture_replica_stop(pgc_test_cluster *replica);
void fixture_replica_catch_up(const fixture *f, const pgc_test_cluster *replica);
char *fixture_replica_conninfo(const fixture *f, const pgc_test_cluster *replica);

/* Both modes of one test, named "name/standalone" and "name/embedded". */
#define BOTH_MODES(fn)                                                                 \
    {#fn "/standalone", fn, fixture_setup, fixture_teardown, (void *)&fixture_standalone}, \
    {#fn "/embedded", fn, fixture_setup, fixture_teardown, (void *)&fixture_embedded}

/* Asserts rc == PGC_OK, printing the error record if not. */
#define assert_ok(rc, err)                                                             \
    do {                                                                               \
        int rc_ = (rc);                                                                \
        if (rc_ != PGC_OK)                                                             \
            print_error("unexpected error: %s (%s): %s [sqlstate %s]\n",               \
                        pgc_code_name(rc_), pgc_strerror(rc_), (err)->message,        \
                        (err)->sqlstate);                                              \
        assert_int_equal(rc_, PGC_OK);                                                 \
    } while (0)

#endif
