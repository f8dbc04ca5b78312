/*
 * trace_hooks.c - a slow-query log and a per-statement latency histogram on
 * pgc's trace hook (see trace_hooks.h).  A hook runs on the thread that ran
 * the statement, after the statement, with the connection still held: keep
 * it short.
 */
#include <string.h>

#include "trace_hooks.h"

void slow_log_hook(const pgc_trace_event *ev, void *ud)
{
    const slow_log *log = ud;
    if (ev->code == PGC_OK && ev->duration_ns < log->threshold_ns)
        return;
    flockfile(log->out); /* one line, whatever other threads write */
    fprintf(log->out, "%s%s%s: %.3f ms, %lld rows, backend %d", ev->schema ? ev->schema : "",
            ev->schema ? "." : "", ev->statement ? ev->statement : ev->sql,
            ev->duration_ns / 1e6, (long long)ev->rows, ev->backend_pid);
    if (ev->code != PGC_OK)
        fprintf(log->out, ", failed: %s %s", pgc_code_name(ev->code), ev->sqlstate);
    fputc('\n', log->out);
    funlockfile(log->out);
}

void latency_hist_init(latency_hist *h)
{
    memset(h, 0, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
}

void latency_hist_destroy(latency_hist *h)
{
    pthread_mutex_destroy(&h->lock);
}

/* log2 of the duration, the bucket it falls in. */
static int bucket_of(int64_t ns)
{
    int b = 0;
    while (ns > 1 && b < LATENCY_BUCKETS - 1) {
        ns >>= 1;
        b++;
    }
    return b;
}

/* Whether slot s is the statement's (names cut as the slot cuts them). */
static int is_slot_of(const latency_stat *s, const char *schema, const char *statement)
{
    return strncmp(s->statement, statement, sizeof s->statement - 1) == 0
           && strncmp(s->schema, schema, sizeof s->schema - 1) == 0;
}

/* The statement's slot, claimed if new; NULL when every slot is taken. */
static latency_stat *slot_of(latency_hist *h, const char *schema, const char *statement)
{
    uint32_t hash = 2166136261u; /* FNV-1a of both names */
    for (const char *p = schema; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 16777619u;
    for (const char *p = statement; *p; p++)
        hash = (hash ^ (unsigned char)*p) * 16777619u;
    for (uint32_t i = 0; i < LATENCY_SLOTS; i++) {
        latency_stat *s = &h->slots[(hash + i) % LATENCY_SLOTS];
        if (!s->statement[0]) {
            snprintf(s->schema, sizeof s->schema, "%s", schema);
            snprintf(s->statement, sizeof s->statement, "%s", statement);
            return s;
        }
        if (is_slot_of(s, schema, statement))
            return s;
    }
    return NULL;
}

void latency_hist_hook(const pgc_trace_event *ev, void *ud)
{
    latency_hist *h = ud;
    const char *schema = ev->schema ? ev->schema : "";
    const char *statement = ev->statement ? ev->statement : "(exec)";
    int b = bucket_of(ev->duration_ns);
    pthread_mutex_lock(&h->lock);
    latency_stat *s = slot_of(h, schema, statement);
    if (s) {
        s->count++;
        s->failed += ev->code != PGC_OK;
        s->total_ns += ev->duration_ns;
        if (ev->duration_ns > s->max_ns)
            s->max_ns = ev->duration_ns;
        s->buckets[b]++;
    } else {
        h->dropped++;
    }
    pthread_mutex_unlock(&h->lock);
}

int latency_hist_get(latency_hist *h, const char *schema, const char *statement,
                     latency_stat *out)
{
    int found = 0;
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < LATENCY_SLOTS && !found; i++)
        if (h->slots[i].statement[0]
            && is_slot_of(&h->slots[i], schema ? schema : "", statement)) {
            *out = h->slots[i];
            found = 1;
        }
    pthread_mutex_unlock(&h->lock);
    return found;
}

int64_t latency_quantile_ns(const latency_stat *s, double q)
{
    uint64_t seen = 0, want = (uint64_t)(q * (double)s->count + 0.5);
    if (want < 1)
        want = 1;
    for (int b = 0; b < LATENCY_BUCKETS; b++)
        if ((seen += s->buckets[b]) >= want)
            return b == LATENCY_BUCKETS - 1 ? s->max_ns : (int64_t)1 << (b + 1);
    return s->max_ns;
}

void latency_hist_print(latency_hist *h, FILE *out)
{
    pthread_mutex_lock(&h->lock);
    fprintf(out, "%-40s %10s %8s %12s %12s %12s %12s\n", "statement", "calls", "failed",
            "mean us", "p50 us <=", "p99 us <=", "max us");
    for (int i = 0; i < LATENCY_SLOTS; i++) {
        const latency_stat *s = &h->slots[i];
        if (!s->statement[0])
            continue;
        char key[sizeof s->schema + sizeof s->statement];
        snprintf(key, sizeof key, "%s%s%s", s->schema, s->schema[0] ? "." : "", s->statement);
        fprintf(out, "%-40s %10llu %8llu %12.1f %12.1f %12.1f %12.1f\n", key,
                (unsigned long long)s->count, (unsigned long long)s->failed,
                s->total_ns / 1e3 / (double)s->count, latency_quantile_ns(s, 0.5) / 1e3,
                latency_quantile_ns(s, 0.99) / 1e3, s->max_ns / 1e3);
    }
    if (h->dropped)
        fprintf(out, "(%llu calls of statements beyond %d not counted)\n",
                (unsigned long long)h->dropped, LATENCY_SLOTS);
    pthread_mutex_unlock(&h->lock);
}
