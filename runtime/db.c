/*
 * db.c - the dual-mode manager: a schema, a pool (owned or borrowed) and
 * the statements rendered for that schema.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqltext.h"

/* A db on pool; schema already checked. */
static int db_new(pgc_db **out, pgc_pool *pool, int owns_pool, const char *schema,
                  pgc_error *err)
{
    *out = NULL;
    pgc_db *db = calloc(1, sizeof *db);
    if (!db)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    if (schema && !(db->schema = pgc_strdup(schema))) {
        free(db);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    if (pthread_mutex_init(&db->lock, NULL) != 0) {
        free(db->schema);
        free(db);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    db->root = db;
    db->pool = pool;
    db->read = pgc_pool_read(pool);
    db->pool_trace = pgc_pool_hook(pool);
    db->owns_pool = owns_pool;
    pgc_pool_attach(pool);
    *out = db;
    return PGC_OK;
}

int pgc_db_open(pgc_db **out, const pgc_config *cfg, const char *schema, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_db_open: out is NULL");
    *out = NULL;
    if (schema) {
        int rc = pgc_check_identifier(schema, "schema name", err);
        if (rc != PGC_OK)
            return rc;
    }
    pgc_pool *pool;
    int rc = pgc_pool_open(&pool, cfg, err);
    if (rc != PGC_OK)
        return rc;
    rc = db_new(out, pool, 1, schema, err);
    if (rc != PGC_OK)
        pgc_pool_close(pool);
    return rc;
}

int pgc_db_attach(pgc_db **out, pgc_pool *pool, const char *schema, pgc_error *err)
{
    if (!out || !pool)
        return pgc_fail(err, PGC_EINVAL, "pgc_db_attach: NULL argument");
    *out = NULL;
    if (schema) {
        int rc = pgc_check_identifier(schema, "schema name", err);
        if (rc != PGC_OK)
            return rc;
    }
    return db_new(out, pool, 0, schema, err);
}

static void rendered_free(pgc_rendered *r)
{
    if (!r)
        return;
    free(r->sql);
    free(r->name);
    free(r->source);
    free(r->stmt_name);
    free(r->file);
    free(r->param_types);
    if (r->map) {
        pgc_render_map_free(r->map);
        free(r->map);
    }
    free(r);
}

static void cache_free(pgc_db *db);

int pgc_db_close(pgc_db *db)
{
    return pgc_db_close_ex(db, NULL);
}

int pgc_db_close_ex(pgc_db *db, pgc_error *err)
{
    if (!db)
        return PGC_OK;
    if (db->root != db)
        return pgc_tx_rollback(db, err);
    pthread_mutex_lock(&db->lock);
    int scopes = db->open_scopes, handles = db->open_handles, asyncs = db->open_scope_asyncs;
    pthread_mutex_unlock(&db->lock);
    if (asyncs)
        return pgc_fail(err, PGC_EBUSY,
                        "pgc_db_close: still open from this db: %d transaction scope%s, "
                        "%d pgc_async%s or pipe%s on a scope, %d stream%s, batch%s or COPY%s; "
                        "end them first",
                        scopes, scopes == 1 ? "" : "s", asyncs, asyncs == 1 ? "" : "s",
                        asyncs == 1 ? "" : "s", handles - asyncs, handles - asyncs == 1 ? "" : "s",
                        handles - asyncs == 1 ? "" : "es", handles - asyncs == 1 ? "" : "s");
    if (scopes || handles)
        return pgc_fail(err, PGC_EBUSY,
                        "pgc_db_close: still open from this db: %d transaction scope%s, "
                        "%d stream%s, batch%s or COPY%s; end them first",
                        scopes, scopes == 1 ? "" : "s", handles, handles == 1 ? "" : "s",
                        handles == 1 ? "" : "es", handles == 1 ? "" : "s");
    pgc_db_close_asyncs(db);
    pgc_pool_detach(db->pool);
    if (db->owns_pool) {
        int rc = pgc_pool_close_ex(db->pool, err);
        if (rc != PGC_OK) {
            pgc_pool_attach(db->pool);
            pgc_error_prefix(err, "pgc_db_close: ");
            return rc;
        }
    }
    cache_free(db);
    pthread_mutex_destroy(&db->lock);
    free(db->schema);
    free(db);
    return PGC_OK;
}

const char *pgc_db_schema(const pgc_db *db)
{
    return db ? db->schema : NULL;
}

pgc_pool *pgc_db_pool(const pgc_db *db)
{
    return db ? db->pool : NULL;
}

/* ---- statements rendered for this db ----------------------------------- */

/*
 * The rendered statements by the stmt's address, open addressing.  Every
 * call looks its statement up here, so readers take no lock: a writer
 * (under db->lock) fills a slot with a rendered statement complete before
 * it is published, or publishes a grown table whole; a slot once filled
 * never changes, and an outgrown table stays (on the new one's retired
 * list) until the db closes, for readers still probing it.
 */
struct pgc_rendered_table {
    struct pgc_rendered_table *retired; /* the next older table */
    size_t cap;                         /* a power of two */
    pgc_rendered *_Atomic slot[];
};

static size_t ptr_hash(const void *p)
{
    return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ULL) >> 32);
}

static int same_stmt(const pgc_stmt *a, const pgc_stmt *b)
{
    return a->name == b->name && a->sql == b->sql && a->nparams == b->nparams
           && a->param_types == b->param_types && a->result_format == b->result_format
           && a->file == b->file && a->line == b->line && a->column == b->column;
}

static inline pgc_rendered *cache_find(pgc_db *db, const pgc_stmt *stmt)
{
    struct pgc_rendered_table *t = atomic_load_explicit(&db->cache, memory_order_acquire);
    if (!t)
        return NULL;
    for (size_t i = ptr_hash(stmt) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        pgc_rendered *r = atomic_load_explicit(&t->slot[i], memory_order_acquire);
        if (!r)
            return NULL;
        if (r->addr == stmt && same_stmt(&r->key, stmt))
            return r;
    }
}

static void table_put(struct pgc_rendered_table *t, pgc_rendered *r)
{
    size_t i = ptr_hash(r->addr) & (t->cap - 1);
    while (atomic_load_explicit(&t->slot[i], memory_order_relaxed))
        i = (i + 1) & (t->cap - 1);
    atomic_store_explicit(&t->slot[i], r, memory_order_release);
}

static int cache_insert_locked(pgc_db *db, pgc_rendered *r)
{
    struct pgc_rendered_table *t = atomic_load_explicit(&db->cache, memory_order_relaxed);
    if (!t || (db->cache_count + 1) * 2 > t->cap) {
        size_t cap = t ? t->cap * 2 : 32;
        struct pgc_rendered_table *grown = malloc(sizeof *grown + cap * sizeof grown->slot[0]);
        if (!grown)
            return PGC_ENOMEM;
        grown->cap = cap;
        for (size_t i = 0; i < cap; i++)
            atomic_init(&grown->slot[i], NULL);
        for (size_t i = 0; t && i < t->cap; i++) {
            pgc_rendered *e = atomic_load_explicit(&t->slot[i], memory_order_relaxed);
            if (e)
                table_put(grown, e);
        }
        grown->retired = t;
        atomic_store_explicit(&db->cache, grown, memory_order_release);
        t = grown;
    }
    table_put(t, r);
    db->cache_count++;
    return PGC_OK;
}

static atomic_uint_fast64_t rendered_epoch;

uint64_t pgc_rendered_epoch(void)
{
    return atomic_load(&rendered_epoch);
}

static void cache_free(pgc_db *db)
{
    atomic_fetch_add(&rendered_epoch, 1); /* before the addresses can be reused */
    struct pgc_rendered_table *t = atomic_load_explicit(&db->cache, memory_order_relaxed);
    for (size_t i = 0; t && i < t->cap; i++)
        rendered_free(atomic_load_explicit(&t->slot[i], memory_order_relaxed));
    while (t) {
        struct pgc_rendered_table *older = t->retired;
        free(t);
        t = older;
    }
}

/* Appends at most max bytes of s to dst, as [A-Za-z0-9_] only. */
static size_t append_label(char *dst, const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n] && n < max; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        dst[n] = ok ? c : '_';
    }
    return n;
}

/*
 * The prepared statement's name: readable parts of the statement's name
 * and the schema, then a hash of everything that makes it distinct (schema,
 * name, rendered SQL, parameter types), all within PostgreSQL's 63 bytes.
 */
static char *statement_name(const pgc_db *db, const pgc_stmt *stmt, const char *sql,
                            uint64_t *hash_out)
{
    uint64_t h = PGC_HASH_SEED;
    const char *schema = db->schema ? db->schema : "";
    h = pgc_hash64(schema, strlen(schema) + 1, h);
    h = pgc_hash64(stmt->name, strlen(stmt->name) + 1, h);
    h = pgc_hash64(sql, strlen(sql) + 1, h);
    h = pgc_hash64(&stmt->nparams, sizeof stmt->nparams, h);
    if (stmt->param_types && stmt->nparams > 0)
        h = pgc_hash64(stmt->param_types, (size_t)stmt->nparams * sizeof(Oid), h);
    char *name = malloc(64);
    if (!name)
        return NULL;
    size_t n = 0;
    memcpy(name, "pgc_", 4);
    n = 4;
    n += append_label(name + n, stmt->name, 24);
    name[n++] = '_';
    n += append_label(name + n, schema, 16);
    n += (size_t)snprintf(name + n, 64 - n, "_%016llx", (unsigned long long)h);
    *hash_out = pgc_hash64(name, n, PGC_HASH_SEED);
    return name;
}

/* pgc_db_rendered the first time: renders stmt for root and publishes it. */
static int render(pgc_db *root, const pgc_stmt *stmt, const pgc_rendered **out, pgc_error *err);

int pgc_db_rendered(pgc_db *db, const pgc_stmt *stmt, const pgc_rendered **out,
                    pgc_error *err)
{
    pgc_rendered *r = cache_find(db->root, stmt);
    if (!r)
        return render(db->root, stmt, out, err);
    *out = r;
    return PGC_OK;
}

static int render(pgc_db *root, const pgc_stmt *stmt, const pgc_rendered **out, pgc_error *err)
{
    pgc_rendered *r;
    /* Render unlocked; if another thread got there first, keep theirs. */
    if (!stmt->name || !stmt->sql)
        return pgc_fail(err, PGC_EINVAL, "statement without a name or SQL");
    r = calloc(1, sizeof *r);
    if (!r || !(r->map = calloc(1, sizeof *r->map))) {
        free(r);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    r->addr = stmt;
    r->key = *stmt;
    if (!(r->source = pgc_strdup(stmt->sql)) || !(r->stmt_name = pgc_strdup(stmt->name))
        || (stmt->file && !(r->file = pgc_strdup(stmt->file)))) {
        rendered_free(r);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    if (stmt->param_types && stmt->nparams > 0) {
        size_t size = (size_t)stmt->nparams * sizeof(Oid);
        if (!(r->param_types = malloc(size))) {
            rendered_free(r);
            return pgc_fail(err, PGC_ENOMEM, "out of memory");
        }
        memcpy(r->param_types, stmt->param_types, size);
    }
    int rc = pgc_render_ex(stmt->sql, strlen(stmt->sql), root->schema, &r->sql, &r->sql_len,
                           r->map, err);
    if (rc != PGC_OK) {
        if (err)
            pgc_strlcpy(err->statement, stmt->name, sizeof err->statement);
        rendered_free(r);
        return rc;
    }
    r->reads_only = pgc_sql_reads_only(r->sql, r->sql_len);
    if (!(r->name = statement_name(root, stmt, r->sql, &r->name_hash))) {
        rendered_free(r);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&root->lock);
    pgc_rendered *other = cache_find(root, stmt);
    if (!other)
        rc = cache_insert_locked(root, r);
    pthread_mutex_unlock(&root->lock);
    if (other) {
        rendered_free(r);
        r = other;
    } else if (rc != PGC_OK) {
        rendered_free(r);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    *out = r;
    return PGC_OK;
}

void pgc_locate_in_file(pgc_error *err, const pgc_rendered *r)
{
    if (!err || err->line <= 0 || !r->file || r->key.line <= 0 || r->key.column <= 0)
        return;
    if (err->line == 1)
        err->column += r->key.column - 1;
    err->line += r->key.line - 1;
    pgc_error_prefix(err, "%s:%d:%d: ", r->file, err->line, err->column);
}

void pgc_locate_error(pgc_error *err, const char *source, size_t source_len,
                      const char *rendered, size_t rendered_len,
                      const struct pgc_render_map *map)
{
    if (!err || err->position <= 0)
        return;
    size_t off = pgc_char_to_byte_offset(rendered, rendered_len, err->position);
    size_t src_off = map ? pgc_render_map_source(map, off) : off;
    if (src_off > source_len)
        src_off = source_len;
    pgc_text_position(source, source_len, src_off, &err->line, &err->column);
}
