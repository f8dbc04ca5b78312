/*
 * demo.c - the dual-mode idea, run against a throwaway cluster:
 *
 *   1. a host application opens ONE pool and embeds two libraries in it,
 *      "accounts" and "jobs", each in its own schema, each running its own
 *      migrations with its own history;
 *   2. the libraries are used together on the shared pool;
 *   3. one library is closed: the pool and the other keep working;
 *   4. the jobs library runs standalone too, from a connection string,
 *      with the very same SQL and migrations;
 *   5. a second start applies nothing.
 *
 * Run it with `make demo`, which starts the cluster (pgc-tmpcluster sets
 * PGC_TEST_CONNINFO) and removes it afterwards.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pgc.h"

static void check(int rc, const pgc_error *err, const char *what)
{
    if (rc == PGC_OK)
        return;
    fprintf(stderr, "demo: %s: %s: %s\n", what, pgc_code_name(rc), err->message);
    exit(1);
}

static void migrate(pgc_db *db, const char *module, const char *dir)
{
    pgc_error err = {0};
    pgc_migration_set *set;
    check(pgc_migration_set_load(&set, module, dir, &err), &err, "load migrations");
    size_t applied;
    check(pgc_migrate(db, set, NULL, &applied, &err), &err, "migrate");
    const char *schema = pgc_db_schema(db);
    printf("  %-8s in schema %-18s %zu migration(s) applied\n", module,
           schema ? schema : "(none)", applied);
    pgc_migration_status *st;
    size_t n;
    check(pgc_migrate_status(db, set, &st, &n, &err), &err, "status");
    for (size_t i = 0; i < n; i++)
        printf("      %-24s %s  sha256 %.12s…\n", st[i].name,
               st[i].state == PGC_MIGRATION_APPLIED ? "applied" : "NOT APPLIED",
               st[i].applied_checksum);
    free(st);
    pgc_migration_set_free(set);
}

static const pgc_stmt open_account = {
    "open_account",
    "INSERT INTO {{tables.accounts}} (email, balance_cents) VALUES ($1, $2) RETURNING id",
    2, NULL, 0};
static const pgc_stmt enqueue = {
    "enqueue",
    "INSERT INTO {{tables.jobs}} (kind, payload) VALUES ($1, $2::jsonb) RETURNING id, state",
    2, NULL, 0};
static const pgc_stmt count_jobs = {
    "count_jobs", "SELECT count(*) FROM {{tables.jobs}}", 0, NULL, 0};

static void use_jobs(pgc_db *jobs, const char *kind, const char *payload)
{
    pgc_error err = {0};
    const char *values[] = {kind, payload};
    pgc_result *res;
    check(pgc_query(jobs, &enqueue, values, NULL, NULL, &res, &err), &err, "enqueue");
    printf("  jobs:     queued job %s (%s) in state %s\n", pgc_result_value(res, 0, 0), kind,
           pgc_result_value(res, 0, 1));
    pgc_result_free(res);
}

int main(void)
{
    const char *conninfo = getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fprintf(stderr, "demo: run me under pgc-tmpcluster (make demo)\n");
        return 2;
    }
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    check(pgc_config_set(cfg, "conninfo", conninfo, &err), &err, "conninfo");
    check(pgc_config_set(cfg, "max_connections", "4", &err), &err, "max_connections");
    check(pgc_config_set(cfg, "application_name", "pgc-demo", &err), &err, "application_name");

    puts("1. The host opens one pool and embeds two libraries in their own schemas");
    pgc_pool *pool;
    check(pgc_pool_open(&pool, cfg, &err), &err, "pool");
    pgc_db *accounts, *jobs;
    check(pgc_db_attach(&accounts, pool, "accounts", &err), &err, "attach accounts");
    check(pgc_db_attach(&jobs, pool, "jobs", &err), &err, "attach jobs");
    migrate(accounts, "accounts", "examples/runtime-demo/accounts");
    migrate(jobs, "jobs", "examples/runtime-demo/jobs");

    puts("\n2. Both libraries at work on the shared pool; a transaction spans two calls");
    pgc_db *tx;
    check(pgc_tx_begin(accounts, &tx, &err), &err, "begin");
    const char *ada[] = {"ada@example.com", "1500"}, *bob[] = {"bob@example.com", "250"};
    check(pgc_query(tx, &open_account, ada, NULL, NULL, NULL, &err), &err, "open ada");
    check(pgc_query(tx, &open_account, bob, NULL, NULL, NULL, &err), &err, "open bob");
    check(pgc_tx_commit(tx, &err), &err, "commit");
    puts("  accounts: opened ada and bob in one transaction");
    int rc = pgc_query(accounts, &open_account, ada, NULL, NULL, NULL, &err);
    printf("  accounts: opening ada again -> %s, SQLSTATE %s: %s\n", pgc_code_name(rc),
           err.sqlstate, err.message);
    use_jobs(jobs, "welcome-mail", "{\"to\": \"ada@example.com\"}");

    puts("\n3. Closing the accounts library leaves the pool and the jobs library working");
    check(pgc_db_close(accounts), &err, "close accounts");
    use_jobs(jobs, "welcome-mail", "{\"to\": \"bob@example.com\"}");
    printf("  closing the pool while jobs is attached -> %s\n",
           pgc_code_name(pgc_pool_close(pool)));

    puts("\n4. The same jobs library standalone: its own pool, from a connection string");
    pgc_db *alone;
    check(pgc_db_open(&alone, cfg, "jobs_standalone", &err), &err, "open standalone");
    migrate(alone, "jobs", "examples/runtime-demo/jobs");
    use_jobs(alone, "report", "{}");
    pgc_result *res;
    check(pgc_query(jobs, &count_jobs, NULL, NULL, NULL, &res, &err), &err, "count");
    printf("  jobs in schema \"jobs\": %s; ", pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    check(pgc_query(alone, &count_jobs, NULL, NULL, NULL, &res, &err), &err, "count");
    printf("in schema \"jobs_standalone\": %s\n", pgc_result_value(res, 0, 0));
    pgc_result_free(res);

    puts("\n5. The next start applies nothing: every file is recorded once");
    migrate(jobs, "jobs", "examples/runtime-demo/jobs");

    check(pgc_db_close(alone), &err, "close standalone");
    check(pgc_db_close(jobs), &err, "close jobs");
    check(pgc_pool_close(pool), &err, "close pool");
    pgc_config_free(cfg);
    puts("\nDone: pool closed, cluster removed by pgc-tmpcluster.");
    return 0;
}
