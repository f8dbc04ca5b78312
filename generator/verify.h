/*
 * verify.h - `pgc verify`: the static analysis checked against a real
 * PostgreSQL server.
 *
 *   pgc verify [-c CATALOG...] -m MIGRATION... -q QUERY... [--db CONNINFO]
 *              [--execute] [--seed FILE] [--status]
 *
 * Builds the catalog and analyzes every query as `pgc describe` does, then
 * runs the catalog-only inputs (-c) as they are and applies the migrations to a fresh database with the runtime's migration
 * runner (in schema PGC_HOME_SCHEMA, so templates render as the canonical
 * SQL names them), has the server describe every query (PQprepare,
 * PQdescribePrepared) and reports, in gcc's form at the user's
 * file:line:col, every query the server rejects and every difference in
 * parameter count and types, result column count, names, types with typmod
 * (format_type(oid, typmod), typmod -1 for none, against
 * pgc_catalog_type_name()) and source table and column where the server
 * traces one.  Everything runs with the server's default search_path, as
 * at run time and as the analyzer resolves names (semantic.h).
 *
 * The database: with --db, one made on that server under a unique name
 * (pgc_test_PID_N, by pgc_testdb_create()) and dropped at the end; without,
 * the same on the cluster named by PGC_TEST_CONNINFO, or else on a
 * throwaway cluster started for the run (runtime/pgc_test.h).
 *
 * --seed FILE runs FILE (templates rendered) after the migrations.
 * --execute then runs every query that returns rows, each binding in a
 * transaction that is rolled back, and reports any column the analysis
 * declared NOT NULL that comes back NULL.  Bindings: every
 * `-- verify-params: V1 | V2 | ...` line between a query's annotation and
 * its end (values in text form, NULL for a null), then all parameters NULL,
 * then a typical value of each parameter's type (1, true, 'a', the first
 * enum label, ...).  A binding the server refuses is skipped.
 * --status prints one line per query to stdout, "ok NAME" or "fail NAME".
 *
 * Takes: the command line.  Gives: pgc_verify_main() (verify.c).
 */
#ifndef PGC_VERIFY_H
#define PGC_VERIFY_H

/*
 * argv[0] is the command's name ("verify"); options follow.  Returns the
 * exit status: 0 when everything agrees (after the line "verified N
 * queries: all agree" on stdout), 1 after reporting disagreements or
 * errors, 2 on a usage error.
 */
int pgc_verify_main(int argc, char **argv);

#endif /* PGC_VERIFY_H */
