/*
 * config.c - named settings, checked when set and again when a pool opens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pgc_config {
    pgc_settings s;
    pgc_error first_error;  /* sticky: the first refused set, code PGC_OK if none */
};

/* Settings that are integers, with their ranges and where they are kept. */
enum int_target {
    T_MIN_CONN, T_MAX_CONN, T_ACQUIRE, T_MAX_QUERIES, T_MAX_IDLE, T_CHECK_IDLE, T_MAX_LIFETIME,
    T_SERVER_MS, T_RETRY_TIMEOUT, T_RETRY_DELAY
};

static const struct int_setting {
    const char *key;
    enum int_target target;
    int64_t min, max;
    const char *server_name;  /* for T_SERVER_MS */
} int_settings[] = {
    {"min_connections", T_MIN_CONN, 0, 10000, NULL},
    {"max_connections", T_MAX_CONN, 1, 10000, NULL},
    {"acquire_timeout_ms", T_ACQUIRE, 0, INT32_MAX, NULL},
    {"max_queries", T_MAX_QUERIES, 0, INT64_MAX, NULL},
    {"max_idle_ms", T_MAX_IDLE, 0, INT64_MAX, NULL},
    {"check_after_idle_ms", T_CHECK_IDLE, 0, INT64_MAX, NULL},
    {"max_lifetime_ms", T_MAX_LIFETIME, 0, INT64_MAX, NULL},
    {"statement_timeout_ms", T_SERVER_MS, 0, INT32_MAX, "statement_timeout"},
    {"lock_timeout_ms", T_SERVER_MS, 0, INT32_MAX, "lock_timeout"},
    {"idle_in_transaction_timeout_ms", T_SERVER_MS, 0, INT32_MAX,
     "idle_in_transaction_session_timeout"},
    {"retry_timeout_ms", T_RETRY_TIMEOUT, 0, INT32_MAX, NULL},
    {"retry_delay_ms", T_RETRY_DELAY, 1, 1000, NULL},
};

pgc_config *pgc_config_new(void)
{
    pgc_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    cfg->s.min_connections = 1;
    cfg->s.max_connections = 10;
    cfg->s.acquire_timeout_ms = 5000;
    cfg->s.check_after_idle_ms = 500;
    cfg->s.require_writable = 1;
    cfg->s.retry_delay_ms = 20;
    return cfg;
}

void pgc_config_free(pgc_config *cfg)
{
    if (!cfg)
        return;
    pgc_settings_free(&cfg->s);
    free(cfg);
}

void pgc_settings_free(pgc_settings *s)
{
    free(s->conninfo);
    free(s->application_name);
    free(s->read_conninfo);
    for (size_t i = 0; i < s->nserver; i++) {
        free(s->server[i].key);
        free(s->server[i].value);
    }
    free(s->server);
    for (size_t i = 0; i < s->ninit; i++)
        free(s->init[i]);
    free(s->init);
    memset(s, 0, sizeof *s);
}

/* A whole decimal integer in [min, max], nothing else around it. */
static int parse_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
    /* strtoll would skip leading blanks: " 5" and "\t5" are refused here. */
    if (!*value || !((*value >= '0' && *value <= '9') || *value == '-' || *value == '+'))
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (errno || *end || end == value || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Sets server setting `name` to a copy of value, replacing an earlier one. */
static int set_server(pgc_settings *s, const char *name, const char *value)
{
    for (size_t i = 0; i < s->nserver; i++) {
        if (strcmp(s->server[i].key, name) == 0) {
            char *v = pgc_strdup(value);
            if (!v)
                return PGC_ENOMEM;
            free(s->server[i].value);
            s->server[i].value = v;
            return PGC_OK;
        }
    }
    pgc_kv *grown = realloc(s->server, (s->nserver + 1) * sizeof *grown);
    if (!grown)
        return PGC_ENOMEM;
    s->server = grown;
    char *k = pgc_strdup(name), *v = pgc_strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return PGC_ENOMEM;
    }
    s->server[s->nserver++] = (pgc_kv){k, v};
    return PGC_OK;
}

static int replace_string(char **slot, const char *value)
{
    char *v = pgc_strdup(value);
    if (!v)
        return PGC_ENOMEM;
    free(*slot);
    *slot = v;
    return PGC_OK;
}

/* A server setting name: letters, digits, '_' and '.', as GUC names are. */
static int valid_guc_name(const char *name)
{
    if (!*name)
        return 0;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* value parses as libpq connection parameters (keywords or a URI). */
static int check_conninfo(const char *key, const char *value, pgc_error *err)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(value, &msg);
    if (!opts) {
        const char *why = msg ? msg : "out of memory";
        int n = (int)strlen(why);
        while (n > 0 && why[n - 1] == '\n') /* libpq ends its messages with one */
            n--;
        int rc = pgc_fail(err, PGC_ECONFIG, "setting \"%s\": %.*s", key, n, why);
        PQfreemem(msg);
        return rc;
    }
    PQconninfoFree(opts);
    return PGC_OK;
}

static int apply_int(pgc_settings *s, const struct int_setting *is, int64_t v)
{
    switch (is->target) {
    case T_MIN_CONN: s->min_connections = (int)v; return PGC_OK;
    case T_MAX_CONN: s->max_connections = (int)v; return PGC_OK;
    case T_ACQUIRE: s->acquire_timeout_ms = v; return PGC_OK;
    case T_MAX_QUERIES: s->max_queries = (uint64_t)v; return PGC_OK;
    case T_MAX_IDLE: s->max_idle_ms = v; return PGC_OK;
    case T_CHECK_IDLE: s->check_after_idle_ms = v; return PGC_OK;
    case T_MAX_LIFETIME: s->max_lifetime_ms = v; return PGC_OK;
    case T_RETRY_TIMEOUT: s->retry_timeout_ms = v; return PGC_OK;
    case T_RETRY_DELAY: s->retry_delay_ms = v; return PGC_OK;
    case T_SERVER_MS: {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)v);
        return set_server(s, is->server_name, buf);
    }
    }
    return PGC_EINTERNAL;
}

static int config_set(pgc_config *cfg, const char *key, const char *value, pgc_error *err)
{
    pgc_settings *s = &cfg->s;
    for (size_t i = 0; i < sizeof int_settings / sizeof int_settings[0]; i++) {
        const struct int_setting *is = &int_settings[i];
        if (strcmp(key, is->key) != 0)
            continue;
        int64_t v;
        if (parse_int(value, is->min, is->max, &v) != 0)
            return pgc_fail(err, PGC_ECONFIG,
                            "setting \"%s\": \"%s\" is not a whole number from %lld to %lld",
                            key, value, (long long)is->min, (long long)is->max);
        return apply_int(s, is, v);
    }
    if (strcmp(key, "conninfo") == 0 || strcmp(key, "read_conninfo") == 0) {
        int rc = check_conninfo(key, value, err);
        if (rc != PGC_OK)
            return rc;
        return replace_string(strcmp(key, "conninfo") == 0 ? &s->conninfo : &s->read_conninfo,
                              value);
    }
    if (strcmp(key, "require_writable") == 0) {
        if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
            s->require_writable = strcmp(value, "on") == 0;
            return PGC_OK;
        }
        return pgc_fail(err, PGC_ECONFIG,
                        "setting \"require_writable\": \"%s\" is not \"on\" or \"off\"", value);
    }
    if (strcmp(key, "statements") == 0) {
        /* "unnamed" is for transaction poolers (PgBouncer before 1.21): a
           named statement prepared on one server connection is unknown on
           the next, while an unnamed one lives within its own call. */
        if (strcmp(value, "named") == 0 || strcmp(value, "unnamed") == 0) {
            s->unnamed_statements = strcmp(value, "unnamed") == 0;
            return PGC_OK;
        }
        return pgc_fail(err, PGC_ECONFIG,
                        "setting \"statements\": \"%s\" is not \"named\" or \"unnamed\"", value);
    }
    if (strcmp(key, "reset") == 0) {
        /* What the pool runs on a connection given back (pgc.h). */
        if (strcmp(value, "none") == 0 || strcmp(value, "discard_all") == 0) {
            s->reset_discard_all = strcmp(value, "discard_all") == 0;
            return PGC_OK;
        }
        return pgc_fail(err, PGC_ECONFIG,
                        "setting \"reset\": \"%s\" is not \"none\" or \"discard_all\"", value);
    }
    if (strcmp(key, "application_name") == 0)
        return replace_string(&s->application_name, value);
    if (strcmp(key, "init") == 0) {
        if (!*value)
            return pgc_fail(err, PGC_ECONFIG, "setting \"init\": empty statement");
        char **grown = realloc(s->init, (s->ninit + 1) * sizeof *grown);
        if (!grown)
            return PGC_ENOMEM;
        s->init = grown;
        if (!(s->init[s->ninit] = pgc_strdup(value)))
            return PGC_ENOMEM;
        s->ninit++;
        return PGC_OK;
    }
    if (strncmp(key, "server.", 7) == 0) {
        if (!valid_guc_name(key + 7))
            return pgc_fail(err, PGC_ECONFIG,
                            "setting \"%s\": \"%s\" is not a server setting name", key, key + 7);
        return set_server(s, key + 7, value);
    }
    return pgc_fail(err, PGC_ECONFIG, "unknown setting \"%s\"", key);
}

int pgc_config_set(pgc_config *cfg, const char *key, const char *value, pgc_error *err)
{
    if (!cfg)
        return pgc_fail(err, PGC_EINVAL, "pgc_config_set: cfg is NULL");
    pgc_error local = {0};
    int rc;
    if (!key || !value)
        rc = pgc_fail(&local, PGC_ECONFIG, "setting \"%s\": no value given (NULL)",
                      key ? key : "(NULL)");
    else
        rc = config_set(cfg, key, value, &local);
    if (rc == PGC_ENOMEM)
        pgc_fail(&local, rc, "setting \"%s\": out of memory", key);
    if (rc != PGC_OK) {
        if (cfg->first_error.code == PGC_OK)
            cfg->first_error = local;
        if (err)
            *err = local;
    }
    return rc;
}

static int copy_settings(pgc_settings *dst, const pgc_settings *src)
{
    memset(dst, 0, sizeof *dst);
    *dst = *src;
    dst->conninfo = NULL;
    dst->application_name = NULL;
    dst->read_conninfo = NULL;
    dst->server = NULL;
    dst->nserver = 0;
    dst->init = NULL;
    dst->ninit = 0;
    if (!(dst->conninfo = pgc_strdup(src->conninfo)))
        goto oom;
    if (src->application_name && !(dst->application_name = pgc_strdup(src->application_name)))
        goto oom;
    if (src->read_conninfo && !(dst->read_conninfo = pgc_strdup(src->read_conninfo)))
        goto oom;
    for (size_t i = 0; i < src->nserver; i++)
        if (set_server(dst, src->server[i].key, src->server[i].value) != PGC_OK)
            goto oom;
    if (src->ninit) {
        if (!(dst->init = calloc(src->ninit, sizeof *dst->init)))
            goto oom;
        for (; dst->ninit < src->ninit; dst->ninit++)
            if (!(dst->init[dst->ninit] = pgc_strdup(src->init[dst->ninit])))
                goto oom;
    }
    return PGC_OK;
oom:
    pgc_settings_free(dst);
    return PGC_ENOMEM;
}

/*
 * Whether pgc should ask libpq for target_session_attrs=read-write: conninfo
 * lists several hosts (host or hostaddr with a comma, as a multi-host URI
 * also gives) and neither it nor the environment (PGTARGETSESSIONATTRS)
 * chooses.  libpq then skips a host that is a standby and tries the next.
 */
static int wants_read_write(const char *conninfo)
{
    if (getenv("PGTARGETSESSIONATTRS"))
        return 0;
    PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
    int several = 0, chosen = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val)
            continue;
        if ((strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0)
            && strchr(o->val, ','))
            several = 1;
        if (strcmp(o->keyword, "target_session_attrs") == 0 && *o->val)
            chosen = 1;
    }
    PQconninfoFree(opts);
    return several && !chosen;
}

int pgc_settings_from_config(pgc_settings *out, const pgc_config *cfg, pgc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!cfg)
        return pgc_fail(err, PGC_EINVAL, "no configuration given");
    if (cfg->first_error.code != PGC_OK) {
        if (err)
            *err = cfg->first_error;
        return cfg->first_error.code;
    }
    const pgc_settings *s = &cfg->s;
    if (!s->conninfo)
        return pgc_fail(err, PGC_ECONFIG, "setting \"conninfo\" is required");
    if (s->min_connections > s->max_connections)
        return pgc_fail(err, PGC_ECONFIG,
                        "setting \"min_connections\" (%d) is above \"max_connections\" (%d)",
                        s->min_connections, s->max_connections);
    if (copy_settings(out, s) != PGC_OK)
        return pgc_fail(err, PGC_ENOMEM, "out of memory copying the configuration");
    out->ask_read_write = s->require_writable && wants_read_write(s->conninfo);
    return PGC_OK;
}

int pgc_settings_for_read(pgc_settings *out, const pgc_settings *primary)
{
    if (copy_settings(out, primary) != PGC_OK)
        return PGC_ENOMEM;
    free(out->conninfo);
    out->conninfo = out->read_conninfo;
    out->read_conninfo = NULL;
    out->min_connections = 0;
    out->require_writable = 0;
    out->ask_read_write = 0;
    return PGC_OK;
}
