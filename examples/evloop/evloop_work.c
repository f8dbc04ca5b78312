/*
 * evloop_work.c - the work of the event-loop examples (evloop_work.h): the
 * accounts library in standalone or embedded mode, users with known
 * balances, and CALLS non-blocking calls per db, WINDOW in flight, each
 * checked in its done function.  Every tenth call is a debit bigger than
 * the balance: the database refuses it (the CHECK on balances.cents,
 * SQLSTATE 23514) and the calls around it are unaffected.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lib.h"
#include "evloop_work.h"

#define USERS 40    /* per db */
#define CALLS 2000  /* per db */
#define WINDOW 64   /* calls in flight per db */
#define MAX_DBS 2

/* One call in flight: what it asked, so its done function can check it. */
typedef struct slot {
    struct part *part;
    int user;       /* index into part->ids */
    bool debit;     /* an overdraft, expected to be refused */
} slot;

/* One db's share of the work. */
typedef struct part {
    evloop_work *work;
    accounts_lib *lib;
    pgc_async *a;
    char schema[64];
    int64_t ids[USERS];
    int64_t base, step;   /* user i's balance: base + i * step */
    int sent, completed;
    int balances_right, debits_refused, wrong;
    char first_wrong[256];
    slot slots[WINDOW];
} part;

struct evloop_work {
    pgc_pool *pool; /* embedded mode: the host's pool, shared by the parts */
    int nparts;
    part parts[MAX_DBS];
};

static int64_t balance_of(const part *p, int user)
{
    return p->base + user * p->step;
}

/* Records the first surprise; evloop_work_finish reports it. */
static void wrong(part *p, const char *what, int rc, const pgc_error *err)
{
    if (p->wrong++ == 0)
        snprintf(p->first_wrong, sizeof p->first_wrong, "%s: %s %s %.160s", what,
                 pgc_code_name(rc), err->sqlstate, err->message);
}

static void send_next(slot *s);

/* A call completed: check it against what was asked, then send the next. */
static void call_done(pgc_call *call, void *ud)
{
    slot *s = ud;
    part *p = s->part;
    pgc_error err = {0};
    if (s->debit) {
        int64_t affected = 0;
        int rc = accounts_debit_recv(call, &affected, &err);
        if (rc == PGC_ESQL && strcmp(err.sqlstate, "23514") == 0)
            p->debits_refused++;
        else
            wrong(p, "an overdraft was not refused", rc, &err);
    } else {
        accounts_balance_row row = {0};
        int rc = accounts_balance_recv(call, &row, &err);
        if (rc != PGC_OK)
            wrong(p, "balance", rc, &err);
        else if (row.cents != balance_of(p, s->user))
            wrong(p, "balance: a wrong amount", rc, &err);
        else
            p->balances_right++;
    }
    pgc_call_free(call);
    p->completed++;
    if (p->sent < CALLS)
        send_next(s);
}

/* Sends call number p->sent from slot s: a balance, or every tenth an overdraft. */
static void send_next(slot *s)
{
    part *p = s->part;
    pgc_error err = {0};
    pgc_call *call;
    int n = p->sent++;
    s->user = (n * 7) % USERS;
    s->debit = n % 10 == 9;
    int64_t id = p->ids[s->user];
    int rc = s->debit ? accounts_debit_send(p->a, balance_of(p, s->user) + 1, id, &call, &err)
                      : accounts_balance_send(p->a, id, &call, &err);
    if (rc != PGC_OK) { /* nothing was sent: count it as completed, wrongly */
        wrong(p, "send", rc, &err);
        p->completed++;
        return;
    }
    pgc_call_on_done(call, call_done, s);
}

/* Migrates p's library and adds its users, one transaction each. */
static int fill(part *p, pgc_error *err)
{
    int rc = accounts_lib_migrate(p->lib, NULL, err);
    for (int i = 0; i < USERS && rc == PGC_OK; i++) {
        char email[96];
        snprintf(email, sizeof email, "user%d@%s.example.com", i, p->schema);
        rc = accounts_lib_add_user(p->lib, email, "loop user", balance_of(p, i), &p->ids[i], err);
    }
    return rc;
}

static part *add_part(evloop_work *w, const char *prefix, const char *suffix, int64_t base,
                      int64_t step)
{
    part *p = &w->parts[w->nparts++];
    p->work = w;
    snprintf(p->schema, sizeof p->schema, "%s_%s", prefix, suffix);
    p->base = base;
    p->step = step;
    for (int i = 0; i < WINDOW; i++)
        p->slots[i].part = p;
    return p;
}

static int open_shared_pool(evloop_work *w, const char *conninfo, pgc_error *err)
{
    pgc_config *cfg = pgc_config_new();
    if (!cfg)
        return pgc_error_set(err, PGC_ENOMEM, "out of memory");
    int rc = pgc_config_set(cfg, "conninfo", conninfo, err);
    if (rc == PGC_OK) /* each pgc_async's connections, and one for blocking calls */
        rc = pgc_config_set(cfg, "max_connections", "10", err);
    if (rc == PGC_OK)
        rc = pgc_pool_open(&w->pool, cfg, err);
    pgc_config_free(cfg);
    return rc;
}

static void close_work(evloop_work *w)
{
    for (int i = 0; i < w->nparts; i++)
        accounts_lib_close(w->parts[i].lib);
    if (w->pool)
        pgc_pool_close(w->pool);
    free(w);
}

int evloop_work_open(evloop_work **out, const char *conninfo, const char *mode,
                     const char *prefix, pgc_error *err)
{
    *out = NULL;
    evloop_work *w = calloc(1, sizeof *w);
    if (!w)
        return pgc_error_set(err, PGC_ENOMEM, "out of memory");
    int rc;
    if (strcmp(mode, "standalone") == 0) {
        part *p = add_part(w, prefix, "solo", 1000, 7);
        rc = accounts_lib_open(&p->lib, conninfo, p->schema, err);
    } else if (strcmp(mode, "embedded") == 0) {
        rc = open_shared_pool(w, conninfo, err);
        part *a = add_part(w, prefix, "a", 1000, 7);
        part *b = add_part(w, prefix, "b", 50000, 13);
        if (rc == PGC_OK)
            rc = accounts_lib_attach(&a->lib, w->pool, a->schema, err);
        if (rc == PGC_OK)
            rc = accounts_lib_attach(&b->lib, w->pool, b->schema, err);
    } else {
        rc = pgc_error_set(err, PGC_EINVAL, "mode is standalone or embedded, not %s", mode);
    }
    for (int i = 0; i < w->nparts && rc == PGC_OK; i++)
        rc = fill(&w->parts[i], err);
    if (rc != PGC_OK) {
        close_work(w);
        return rc;
    }
    *out = w;
    return PGC_OK;
}

int evloop_work_dbs(const evloop_work *w)
{
    return w->nparts;
}

pgc_db *evloop_work_db(const evloop_work *w, int i)
{
    return accounts_lib_db(w->parts[i].lib);
}

void evloop_work_start(evloop_work *w, int i, pgc_async *a)
{
    part *p = &w->parts[i];
    p->a = a;
    for (int k = 0; k < WINDOW && p->sent < CALLS; k++)
        send_next(&p->slots[k]);
}

bool evloop_work_done(const evloop_work *w)
{
    for (int i = 0; i < w->nparts; i++)
        if (w->parts[i].completed < CALLS)
            return false;
    return true;
}

/* The refused debits left every balance as it was: the total says so. */
static void check_total(part *p)
{
    pgc_error err = {0};
    int64_t total = 0, want = 0;
    for (int i = 0; i < USERS; i++)
        want += balance_of(p, i);
    int rc = accounts_lib_total(p->lib, &total, &err);
    if (rc != PGC_OK)
        wrong(p, "total", rc, &err);
    else if (total != want)
        wrong(p, "total: the refused debits changed a balance", rc, &err);
}

int evloop_work_finish(evloop_work *w, const char *loop_name)
{
    int failed = 0;
    for (int i = 0; i < w->nparts; i++) {
        part *p = &w->parts[i];
        check_total(p);
        printf("%s: schema %s: %d calls, %d in flight over %d connections: %d balances right, "
               "%d overdrafts refused (23514), %d wrong\n",
               loop_name, p->schema, p->completed, WINDOW, EVLOOP_CONNECTIONS,
               p->balances_right, p->debits_refused, p->wrong);
        if (p->wrong || p->balances_right + p->debits_refused != CALLS) {
            fprintf(stderr, "%s: schema %s: first wrong: %s\n", loop_name, p->schema,
                    p->wrong ? p->first_wrong : "calls missing");
            failed = 1;
        }
    }
    close_work(w);
    return failed;
}
