/*
 * host.c - an application that embeds two pgc libraries on one pool.
 *
 * The host opens the only pool, gives each library a schema of its
 * choosing ("billing" for accounts, "jobs" for the job queue), lets each
 * apply its own migrations, and then uses them together: payout jobs are
 * queued, and a worker claims each one and pays it with a transfer.
 *
 * It checks every result it expects and exits 1 at the first surprise, so
 * `make test` can run it as a test; `make demo` runs it to show the idea.
 *
 *   usage: host [CONNINFO]     (default: $PGC_TEST_CONNINFO)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lib.h"
#include "jobqueue_lib.h"

/* The schemas the host gives its libraries. */
#define BILLING "billing"
#define JOBS "jobs"

static pgc_error err; /* filled by the call that failed */

/* Stops the program when a call failed (closers take no error record). */
static void ok(int rc, const char *what)
{
    if (rc == PGC_OK)
        return;
    fprintf(stderr, "host: %s: %s: %s\n", what, pgc_code_name(rc),
            err.code == rc ? err.message : pgc_strerror(rc));
    exit(1);
}

/* Stops the program when a result is not the one expected. */
static void expect(bool cond, const char *fmt, ...)
{
    if (cond)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("host: unexpected: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void section(const char *title)
{
    printf("\n== %s\n", title);
}

/* 12345 -> "123.45", in a temporary that lives through the printf. */
typedef struct money {
    char s[32];
} money;

static money fmt_money(int64_t cents)
{
    money m;
    int64_t units = cents < 0 ? -cents : cents;
    snprintf(m.s, sizeof m.s, "%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "", units / 100,
             units % 100);
    return m;
}

/* ---- the application's users ------------------------------------- */

enum { ADA, BOB, CAROL, NUSERS };
static const struct {
    const char *email, *name;
    int64_t cents;
} people[NUSERS] = {
    {"ada@example.com", "Ada Lovelace", 10000},
    {"bob@example.com", "Bob Bemer", 2000},
    {"carol@example.com", "Carol Shaw", 0},
};
static int64_t user_id[NUSERS];

static const char *email_of(int64_t id)
{
    for (int i = 0; i < NUSERS; i++)
        if (user_id[i] == id)
            return people[i].email;
    return "?";
}

/* ---- what the host shows of the database ----------------------- */

/* Runs SQL of the host's own (templates rendered, no parameters). */
static pgc_result *query(pgc_db *db, const char *sql)
{
    pgc_result *res;
    ok(pgc_exec(db, sql, &res, &err), "host query");
    return res;
}

/* The rows each library's migrations left, one tracking table per schema. */
static void show_tracking(pgc_db *app)
{
    pgc_result *res = query(app,
        "SELECT schema_name, module, version, name, left(checksum, 12), applied_by,"
        "       round(execution_ms::numeric, 1)"
        "  FROM {{tables." BILLING ".pgc_migrations}}"
        " UNION ALL "
        "SELECT schema_name, module, version, name, left(checksum, 12), applied_by,"
        "       round(execution_ms::numeric, 1)"
        "  FROM {{tables." JOBS ".pgc_migrations}}"
        " ORDER BY 1, 3");
    printf("  %-8s %-9s %-7s %-22s %-14s %-9s %s\n", "schema", "module", "version", "file",
           "sha-256", "by", "ms");
    for (int r = 0; r < pgc_result_rows(res); r++)
        printf("  %-8s %-9s %-7s %-22s %s.. %-9s %s\n", pgc_result_value(res, r, 0),
               pgc_result_value(res, r, 1), pgc_result_value(res, r, 2),
               pgc_result_value(res, r, 3), pgc_result_value(res, r, 4),
               pgc_result_value(res, r, 5), pgc_result_value(res, r, 6));
    expect(pgc_result_rows(res) == 4, "4 tracking rows, not %d", pgc_result_rows(res));
    pgc_result_free(res);
}

/* Which schema each table (and type) ended up in. */
static void show_tables(pgc_db *app)
{
    pgc_result *res = query(app,
        "SELECT n.nspname,"
        "       string_agg(c.relname, ', ' ORDER BY c.relname) FILTER (WHERE c.relkind = 'r'),"
        "       (SELECT string_agg(t.typname, ', ') FROM pg_type t"
        "         WHERE t.typnamespace = n.oid AND t.typtype = 'e')"
        "  FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid"
        " WHERE n.nspname IN ('" BILLING "', '" JOBS "')"
        " GROUP BY n.oid, n.nspname ORDER BY 1");
    expect(pgc_result_rows(res) == 2, "two schemas");
    for (int r = 0; r < pgc_result_rows(res); r++) {
        const char *schema = pgc_result_value(res, r, 0);
        printf("  %-8s (%s)  tables: %s", schema,
               strcmp(schema, BILLING) == 0 ? "accounts" : "jobqueue",
               pgc_result_value(res, r, 1));
        if (!pgc_result_is_null(res, r, 2))
            printf("; enum: %s", pgc_result_value(res, r, 2));
        putchar('\n');
    }
    expect(strcmp(pgc_result_value(res, 0, 1), "balances, pgc_migrations, transfers, users") == 0,
           "billing's tables: %s", pgc_result_value(res, 0, 1));
    expect(strcmp(pgc_result_value(res, 1, 1), "jobs, pgc_migrations") == 0,
           "jobs' tables: %s", pgc_result_value(res, 1, 1));
    pgc_result_free(res);
}

/* ---- the worker ---------------------------------------------------- */

/* The integer after "key": in a flat JSON object such as jsonb prints. */
static int64_t json_int(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    return p ? strtoll(p + strlen(pattern), NULL, 10) : -1;
}

typedef enum outcome { DONE, RETRY, FAILED } outcome;
static const char *const outcome_text[] = {"done", "queued again", "failed for good"};

static int64_t transfer_of_job[16]; /* by job id: the transfer that paid it */

/*
 * Runs one claimed payout job: a transfer whose reference is the job, so
 * that running a job twice cannot pay twice.  Not enough money is a job
 * failure (retried); anything else stops the program.
 */
static outcome run_job(accounts_lib *accounts, jobqueue_lib *jobs, const jobqueue_job *job)
{
    expect(strcmp(job->kind, "payout") == 0, "job %" PRId64 " kind %s", job->id, job->kind);
    int64_t from = json_int(job->payload, "from"), to = json_int(job->payload, "to");
    int64_t cents = json_int(job->payload, "cents");
    char reference[32];
    snprintf(reference, sizeof reference, "job:%" PRId64, job->id);

    printf("  job %" PRId64 "  attempt %" PRId32 "/%" PRId32 "  %-17s -> %-17s %7s  ", job->id,
           job->attempts, job->max_attempts, email_of(from), email_of(to), fmt_money(cents).s);
    int64_t transfer;
    int rc = accounts_lib_transfer(accounts, from, to, cents, reference, &transfer, &err);
    if (rc == PGC_OK) {
        ok(jobqueue_lib_complete(jobs, job->id, &err), "complete");
        printf("done: transfer %" PRId64 "\n", transfer);
        expect(job->id >= 0 && job->id < 16, "job id %" PRId64, job->id);
        transfer_of_job[job->id] = transfer;
        return DONE;
    }
    /* The balance's CHECK constraint refused to go below zero. */
    expect(accounts_lib_is_overdraft(&err), "transfer failed: %s: %s",
           pgc_code_name(rc), err.message);
    bool retrying;
    ok(jobqueue_lib_fail(jobs, job->id, "insufficient funds", 0, &retrying, &err), "fail");
    printf("insufficient funds: %s\n", retrying ? "queued again" : "failed for good");
    return retrying ? RETRY : FAILED;
}

int main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fprintf(stderr, "usage: host CONNINFO  (or set PGC_TEST_CONNINFO)\n");
        return 2;
    }
    puts("pgc example: a host application with two libraries embedded on one pool");

    section("1. The host opens one pool and attaches both libraries to it");
    pgc_config *cfg = pgc_config_new();
    expect(cfg != NULL, "out of memory");
    ok(pgc_config_set(cfg, "conninfo", conninfo, &err), "conninfo");
    ok(pgc_config_set(cfg, "max_connections", "4", &err), "max_connections");
    ok(pgc_config_set(cfg, "application_name", "host", &err), "application_name");
    pgc_pool *pool;
    ok(pgc_pool_open(&pool, cfg, &err), "open the pool");
    pgc_config_free(cfg);
    accounts_lib *accounts;
    jobqueue_lib *jobs;
    pgc_db *app; /* the host's own queries, no schema of its own */
    ok(accounts_lib_attach(&accounts, pool, BILLING, &err), "attach accounts");
    ok(jobqueue_lib_attach(&jobs, pool, JOBS, &err), "attach jobqueue");
    ok(pgc_db_attach(&app, pool, NULL, &err), "attach the host's db");
    pgc_pool_stats stats;
    pgc_pool_stats_get(pool, &stats);
    printf("  %-10s opened by the host, up to 4 connections, %d dbs attached\n", "pool",
           stats.attached);
    printf("  %-10s embedded in schema \"%s\"\n", "accounts", BILLING);
    printf("  %-10s embedded in schema \"%s\"\n", "jobqueue", JOBS);
    printf("  %-10s the host's own db on the pool, no schema (for its reports)\n", "host");
    expect(stats.attached == 3, "3 dbs attached, not %d", stats.attached);

    section("2. Each library applies its own migrations, in its own schema");
    size_t applied;
    ok(accounts_lib_migrate(accounts, &applied, &err), "migrate accounts");
    printf("  accounts: %zu files applied\n", applied);
    expect(applied == 2, "2 accounts migrations");
    ok(jobqueue_lib_migrate(jobs, &applied, &err), "migrate jobqueue");
    printf("  jobqueue: %zu files applied (002 builds its index CONCURRENTLY, outside a "
           "transaction)\n", applied);
    expect(applied == 2, "2 jobqueue migrations");
    puts("  tracking rows:");
    show_tracking(app);

    section("3. Where the tables live");
    show_tables(app);

    section("4. Accounts: three users, each with a balance, one transaction each");
    for (int i = 0; i < NUSERS; i++) {
        ok(accounts_lib_add_user(accounts, people[i].email, people[i].name, people[i].cents,
                                 &user_id[i], &err),
           "add user");
        printf("  user %" PRId64 "  %-17s %-13s %7s\n", user_id[i], people[i].email,
               people[i].name, fmt_money(people[i].cents).s);
    }
    int64_t total_before;
    ok(accounts_lib_total(accounts, &total_before, &err), "total");
    expect(total_before == 12000, "total 120.00");

    section("5. Jobs: four payouts queued");
    static const struct {
        int from, to;
        int64_t cents;
        int32_t max_attempts;
    } payouts[] = {
        {ADA, BOB, 2500, 3},
        {BOB, CAROL, 6000, 3},
        {ADA, BOB, 3000, 3},
        {CAROL, ADA, 50000, 2},
    };
    for (size_t i = 0; i < sizeof payouts / sizeof payouts[0]; i++) {
        char payload[128];
        snprintf(payload, sizeof payload,
                 "{\"from\": %" PRId64 ", \"to\": %" PRId64 ", \"cents\": %" PRId64 "}",
                 user_id[payouts[i].from], user_id[payouts[i].to], payouts[i].cents);
        int64_t id;
        ok(jobqueue_lib_enqueue(jobs, "payout", payload, payouts[i].max_attempts, &id, &err),
           "enqueue");
        printf("  job %" PRId64 "  payout  %s\n", id, payload);
        expect(id == (int64_t)i + 1, "job id %" PRId64, id);
    }

    section("6. Two workers claim at once (FOR UPDATE SKIP LOCKED)");
    pgc_db *tx;
    jobqueue_job a = {0}, b = {0};
    ok(pgc_tx_begin(jobqueue_lib_db(jobs), &tx, &err), "begin");
    ok(jobqueue_claim(tx, &a, &err), "worker A claims");
    printf("  worker A claims job %" PRId64 " in a transaction it keeps open\n", a.id);
    ok(jobqueue_lib_claim(jobs, &b, &err), "worker B claims");
    printf("  worker B claims job %" PRId64 " at once: job %" PRId64
           " is locked, so it is skipped, not waited for\n", b.id, a.id);
    expect(a.id == 1 && b.id == 2, "A got job 1 and B job 2 (not %" PRId64 ", %" PRId64 ")",
           a.id, b.id);
    expect(run_job(accounts, jobs, &b) == RETRY, "job 2 cannot be paid yet");
    ok(pgc_tx_rollback(tx, &err), "rollback");
    puts("  worker A stops (rollback): job 1 is queued again, as if never claimed");
    jobqueue_job_clear(&a);
    jobqueue_job_clear(&b);

    section("7. One worker runs the queue until it is empty");
    static const struct {
        int64_t job;
        outcome outcome;
    } expected[] = {{1, DONE}, {3, DONE}, {4, RETRY}, {2, DONE}, {4, FAILED}};
    size_t runs = 0;
    jobqueue_job job = {0};
    int rc;
    while ((rc = jobqueue_lib_claim(jobs, &job, &err)) == PGC_OK) {
        outcome o = run_job(accounts, jobs, &job);
        expect(runs < 5 && job.id == expected[runs].job && o == expected[runs].outcome,
               "run %zu: job %" PRId64 " %s", runs + 1, job.id, outcome_text[o]);
        runs++;
        jobqueue_job_clear(&job);
    }
    expect(rc == PGC_ENOROW, "claim: %s: %s", pgc_code_name(rc), err.message);
    expect(runs == 5, "5 runs, not %zu", runs);
    puts("  the queue is empty (transfers 1 and 4 were refused: a rolled-back insert still\n"
         "  uses up its identity value)");

    section("8. A job run twice pays once");
    int64_t bob_before, bob_after, again;
    ok(accounts_lib_balance(accounts, user_id[BOB], &bob_before, &err), "balance");
    ok(accounts_lib_transfer(accounts, user_id[ADA], user_id[BOB], 2500, "job:1", &again, &err),
       "transfer again");
    ok(accounts_lib_balance(accounts, user_id[BOB], &bob_after, &err), "balance");
    printf("  job 1's transfer again (a worker that died before marking it done):\n"
           "  reference job:1 is transfer %" PRId64 " already; bob's balance stays %s\n", again,
           fmt_money(bob_after).s);
    expect(again == transfer_of_job[1] && bob_after == bob_before, "paid twice");

    section("9. The end state");
    jobqueue_count_by_state_iter it;
    jobqueue_count_by_state_row count;
    int64_t done = 0, failed = 0, other = 0;
    ok(jobqueue_count_by_state_open(jobqueue_lib_db(jobs), &it, &err), "count jobs");
    while ((rc = jobqueue_count_by_state_next(&it, &count, &err)) == PGC_OK) {
        printf("  jobs %-8s %" PRId64 "\n", jobqueue_job_state_to_text(count.state), count.jobs);
        if (count.state == JOBQUEUE_JOB_STATE_DONE)
            done = count.jobs;
        else if (count.state == JOBQUEUE_JOB_STATE_FAILED)
            failed = count.jobs;
        else
            other += count.jobs;
    }
    jobqueue_count_by_state_close(&it);
    expect(rc == PGC_DONE, "count jobs: %s", err.message);
    expect(done == 3 && failed == 1 && other == 0, "3 jobs done and 1 failed");
    jobqueue_get_row four = {0};
    ok(jobqueue_get(jobqueue_lib_db(jobs), 4, &four, &err), "get job 4");
    printf("  job 4: %s after %" PRId32 " attempts, last error: %s\n",
           jobqueue_job_state_to_text(four.state), four.attempts,
           four.last_error_is_null ? "(none)" : four.last_error);
    expect(four.state == JOBQUEUE_JOB_STATE_FAILED && four.attempts == 2 &&
               !four.last_error_is_null && strcmp(four.last_error, "insufficient funds") == 0,
           "job 4 failed after 2 attempts");
    jobqueue_get_row_clear(&four);

    static const int64_t final_cents[NUSERS] = {4500, 1500, 6000};
    accounts_list_users_iter users;
    accounts_list_users_row user;
    int n = 0;
    ok(accounts_list_users_open(accounts_lib_db(accounts), &users, &err), "list users");
    while ((rc = accounts_list_users_next(&users, &user, &err)) == PGC_OK) {
        printf("  %-17s %-13s %7s\n", user.email, user.name, fmt_money(user.cents).s);
        expect(n < NUSERS && user.id == user_id[n] && user.cents == final_cents[n],
               "%s has %s", user.email, fmt_money(user.cents).s);
        n++;
    }
    accounts_list_users_close(&users);
    expect(rc == PGC_DONE && n == NUSERS, "list users: %s", err.message);
    int64_t total;
    ok(accounts_lib_total(accounts, &total, &err), "total");
    printf("  %-31s %7s  (as before: transfers move money, never make it)\n", "total",
           fmt_money(total).s);
    expect(total == total_before, "the total changed");

    section("10. A restart applies nothing; closing a library leaves the pool");
    size_t again_accounts, again_jobs;
    ok(accounts_lib_migrate(accounts, &again_accounts, &err), "migrate accounts");
    ok(jobqueue_lib_migrate(jobs, &again_jobs, &err), "migrate jobqueue");
    printf("  migrations applied on the second start: accounts %zu, jobqueue %zu\n",
           again_accounts, again_jobs);
    expect(again_accounts == 0 && again_jobs == 0, "nothing to apply");
    ok(accounts_lib_close(accounts), "close accounts");
    pgc_pool_stats_get(pool, &stats);
    printf("  accounts closed: the pool is still open, %d dbs attached\n", stats.attached);
    expect(stats.attached == 2, "2 dbs attached");
    ok(jobqueue_lib_close(jobs), "close jobqueue");
    ok(pgc_db_close(app), "close the host's db");
    ok(pgc_pool_close(pool), "close the pool");
    puts("  jobqueue and the host's db closed, then the pool (by the host, which opened it)");

    puts("\nhost: all checks passed");
    return 0;
}
