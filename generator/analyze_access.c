/*
 * analyze_access.c - which queries only read: the analysis behind read
 * routing (issue 15).  A query that only reads may run on a hot standby
 * (the db's read target) and be run again by the retry policy; the
 * generated statement says so with PGC_STMT_READS (runtime/pgc.h).
 *
 * A statement only reads when all of these hold, and the analysis is sure
 * of each (what it cannot be sure of is a write):
 *   - it is a SELECT: also VALUES, TABLE, a set operation, WITH whose every
 *     CTE at any depth is a SELECT (no INSERT, UPDATE, DELETE or MERGE
 *     anywhere in the tree, subqueries included);
 *   - no SELECT INTO, no locking clause (FOR UPDATE, NO KEY UPDATE, SHARE,
 *     KEY SHARE) anywhere: a standby refuses them;
 *   - it reads no temporary table (the session's, made on the primary) and
 *     no UNLOGGED table (a standby refuses to read them);
 *   - it calls (select list, WHERE, FROM functions, subqueries, LATERAL,
 *     any clause) no function that may write or that must run on the
 *     primary: a user's VOLATILE function (PostgreSQL's default when a
 *     CREATE FUNCTION says none of IMMUTABLE, STABLE; ALTER FUNCTION may
 *     change it), a built-in of deny_list below, or a name the catalog
 *     does not know; nor reads a view whose query calls one.
 * A function is judged by its name: when a user function of that name is
 * VOLATILE, any call of the name counts (overloads are not told apart:
 * the conservative side).  The functions pgc defines itself (extensions'
 * and range constructors) write nothing.
 *
 * Annotations (source.c reads them): `-- pgc:reads` forces a query that
 * calls such a function to count as reading (the user knows it only
 * reads); it is an error on a statement that writes whatever it calls
 * (the first three rules above).  `-- pgc:primary` keeps a read on the
 * primary.
 *
 * Takes: a parse tree and the catalog.  Gives: pgc_analyze_access() (for
 * views, analyze.h) and access_route() (a query's reads_only and primary,
 * analyze_internal.h).
 */
#include <string.h>

#include "analyze_internal.h"

/*
 * Built-in functions that make a SELECT a write, by name (every overload).
 * PostgreSQL's Hot Standby chapter ("Query access") refuses, on a standby,
 * what needs a transaction id or writes WAL; besides those, functions whose
 * effect is on the server or session they run on belong on the primary,
 * whose sessions and data the application shares.  Read, so not here:
 * txid_current_if_assigned and pg_current_xact_id_if_assigned (they never
 * assign an id: NULL outside a writing transaction), lo_get, loread and
 * lo_lseek (read a large object), pg_sleep, random() and the clock
 * functions (volatile, but they write nothing), pg_is_in_recovery (its
 * answer is about the server it runs on, the point of asking).
 * tests/gen_access.c checks that every name is a PostgreSQL 15 built-in.
 */
static const struct {
    const char *name;
    const char *why;
} deny_list[] = {
    /* sequences: nextval and setval write (refused on a standby); currval and
     * lastval answer from the session's own nextval, which ran on the primary */
    {"nextval", "advances a sequence"},
    {"setval", "sets a sequence"},
    {"currval", "reads the session's nextval, made on the primary"},
    {"lastval", "reads the session's nextval, made on the primary"},
    /* transaction ids: assigned on first use, which a standby refuses */
    {"txid_current", "assigns a transaction id"},
    {"pg_current_xact_id", "assigns a transaction id"},
    /* large objects: create, change or delete one (lo_open may open it for
     * writing: the mode is known at run time only); lo_export writes a file
     * on the server that runs it */
    {"lo_creat", "creates a large object"},
    {"lo_create", "creates a large object"},
    {"lo_import", "creates a large object"},
    {"lo_from_bytea", "creates a large object"},
    {"lo_unlink", "deletes a large object"},
    {"lo_put", "writes a large object"},
    {"lowrite", "writes a large object"},
    {"lo_truncate", "writes a large object"},
    {"lo_truncate64", "writes a large object"},
    {"lo_open", "may open a large object for writing"},
    {"lo_export", "writes a file on the server"},
    /* NOTIFY is refused on a standby, and the listeners are the primary's */
    {"pg_notify", "sends a notification"},
    /* advisory locks work on a standby, but a lock taken there excludes no
     * session of the primary, where the application's others take it */
    {"pg_advisory_lock", "takes an advisory lock"},
    {"pg_advisory_lock_shared", "takes an advisory lock"},
    {"pg_advisory_xact_lock", "takes an advisory lock"},
    {"pg_advisory_xact_lock_shared", "takes an advisory lock"},
    {"pg_try_advisory_lock", "takes an advisory lock"},
    {"pg_try_advisory_lock_shared", "takes an advisory lock"},
    {"pg_try_advisory_xact_lock", "takes an advisory lock"},
    {"pg_try_advisory_xact_lock_shared", "takes an advisory lock"},
    {"pg_advisory_unlock", "releases an advisory lock"},
    {"pg_advisory_unlock_shared", "releases an advisory lock"},
    {"pg_advisory_unlock_all", "releases advisory locks"},
    /* set_config works on a standby, but changes the session it runs on for
     * the statements after it, which may be writes on the primary's */
    {"set_config", "changes a setting of its session"},
    /* WAL: written, or its position asked of a server in recovery, which
     * refuses ("WAL control functions cannot be executed during recovery") */
    {"pg_switch_wal", "switches the WAL file"},
    {"pg_create_restore_point", "writes a restore point"},
    {"pg_logical_emit_message", "writes a WAL message"},
    {"pg_current_wal_lsn", "is refused during recovery"},
    {"pg_current_wal_insert_lsn", "is refused during recovery"},
    {"pg_current_wal_flush_lsn", "is refused during recovery"},
    {"pg_walfile_name", "is refused during recovery"},
    {"pg_walfile_name_offset", "is refused during recovery"},
    {"pg_backup_start", "starts a backup of the server"},
    {"pg_backup_stop", "ends a backup of the server"},
    /* replication slots and origins: created, changed or consumed */
    {"pg_create_physical_replication_slot", "creates a replication slot"},
    {"pg_create_logical_replication_slot", "creates a replication slot"},
    {"pg_copy_physical_replication_slot", "creates a replication slot"},
    {"pg_copy_logical_replication_slot", "creates a replication slot"},
    {"pg_drop_replication_slot", "drops a replication slot"},
    {"pg_replication_slot_advance", "advances a replication slot"},
    {"pg_logical_slot_get_changes", "consumes a replication slot"},
    {"pg_logical_slot_get_binary_changes", "consumes a replication slot"},
    {"pg_replication_origin_create", "creates a replication origin"},
    {"pg_replication_origin_drop", "drops a replication origin"},
    {"pg_replication_origin_advance", "advances a replication origin"},
    {"pg_replication_origin_session_setup", "sets the session's replication origin"},
    {"pg_replication_origin_session_reset", "resets the session's replication origin"},
    {"pg_replication_origin_xact_setup", "sets the transaction's replication origin"},
    {"pg_replication_origin_xact_reset", "resets the transaction's replication origin"},
    /* the server that runs them: signals, configuration, statistics, recovery */
    {"pg_cancel_backend", "signals a backend of the server"},
    {"pg_terminate_backend", "signals a backend of the server"},
    {"pg_reload_conf", "reloads the server's configuration"},
    {"pg_rotate_logfile", "rotates the server's log"},
    {"pg_log_backend_memory_contexts", "signals a backend of the server"},
    {"pg_promote", "promotes a standby"},
    {"pg_wal_replay_pause", "pauses a standby's recovery"},
    {"pg_wal_replay_resume", "resumes a standby's recovery"},
    {"pg_stat_reset", "resets the server's statistics"},
    {"pg_stat_reset_shared", "resets the server's statistics"},
    {"pg_stat_reset_single_table_counters", "resets the server's statistics"},
    {"pg_stat_reset_single_function_counters", "resets the server's statistics"},
    {"pg_stat_reset_slru", "resets the server's statistics"},
    {"pg_stat_reset_replication_slot", "resets the server's statistics"},
    {"pg_stat_reset_subscription_stats", "resets the server's statistics"},
    /* catalogs and indexes written */
    {"pg_import_system_collations", "writes the catalog"},
    {"pg_nextoid", "advances the oid counter"},
    {"brin_summarize_new_values", "writes an index"},
    {"brin_summarize_range", "writes an index"},
    {"brin_desummarize_range", "writes an index"},
    {"gin_clean_pending_list", "writes an index"},
};

size_t pgc_access_deny_count(void)
{
    return sizeof deny_list / sizeof *deny_list;
}

const char *pgc_access_deny_name(size_t i)
{
    return i < pgc_access_deny_count() ? deny_list[i].name : NULL;
}

static const char *denied(const char *name)
{
    LIST_EACH(i, pgc_access_deny_count())
        if (strcmp(deny_list[i].name, name) == 0)
            return deny_list[i].why;
    return NULL;
}

/* ---- the walk ----------------------------------------------------------------------- */

typedef struct walker {
    const pgc_catalog *cat;
    pgc_arena *a;
    pgc_access *out;
} walker;

/* Records a reason the statement writes; the first of each kind is kept. */
static void writes(walker *w, bool definite, int32_t location, const char *why)
{
    pgc_access *o = w->out;
    if (definite && !o->definite) {
        o->definite = true;
        o->location = location;
        o->why = why;
    } else if (o->reads_only) {
        o->location = location;
        o->why = why;
    }
    o->reads_only = false;
}

/* A call of funcname (a list of String nodes: [schema,] name). */
static void call(walker *w, PgQuery__Node *const *names, size_t n, int32_t location)
{
    const char *name = n ? str_of(names[n - 1]) : NULL;
    const char *schema = n >= 2 ? str_of(names[n - 2]) : NULL;
    if (!name) {
        writes(w, false, location, "calls a function pgc does not know");
        return;
    }
    const char *why = (!schema || strcmp(schema, "pg_catalog") == 0) ? denied(name) : NULL;
    if (why) {
        writes(w, false, location, pgc_arena_printf(w->a, "calls %s(), which %s", name, why));
        return;
    }
    pgc_func_list fs = {0};
    pgc_cat_funcs_named(w->cat, w->a, schema, name, &fs);
    if (fs.len == 0)
        writes(w, false, location,
               pgc_arena_printf(w->a, "calls %s(), a function pgc does not know", name));
    LIST_EACH(i, fs.len) {
        if (fs.items[i]->oid < PGC_USER_OID_BASE)
            continue; /* a built-in not denied */
        const pgc_ufunc *u = (const pgc_ufunc *)fs.items[i]; /* f is its first member */
        if (u->volatility == 'v') {
            writes(w, false, location,
                   pgc_arena_printf(w->a, "calls %s(), which is VOLATILE (it may write)", name));
            return;
        }
    }
}

/* A relation read (or a CTE of that name: the conservative side). */
static void relation(walker *w, const PgQuery__RangeVar *rv)
{
    const char *schema = rv->schemaname && *rv->schemaname ? rv->schemaname : NULL;
    pgc_rel *r = pgc_cat_find_rel((pgc_catalog *)w->cat, schema, rv->relname);
    if (!r)
        return;
    if (strcmp(r->schema, "pg_temp") == 0)
        writes(w, true, rv->location,
               pgc_arena_printf(w->a, "reads the temporary table %s, which only the "
                                      "primary's session has", r->name));
    else if (r->unlogged)
        writes(w, true, rv->location,
               pgc_arena_printf(w->a, "reads the unlogged table %s, which a standby "
                                      "cannot read", r->name));
    else if (r->writes)
        writes(w, false, rv->location,
               pgc_arena_printf(w->a, "reads the view %s, which %s", r->name, r->writes));
}

static int32_t target_location(const PgQuery__RangeVar *rv)
{
    return rv ? rv->location : -1;
}

/* One message of the tree; then its children. */
static void visit(walker *w, const ProtobufCMessage *m);

static void children(walker *w, const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *desc = m->descriptor;
    const char *base = (const char *)m;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
            && *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            ProtobufCMessage *const *items =
                *(ProtobufCMessage *const *const *)(const void *)(base + f->offset);
            for (size_t k = 0; k < n; k++)
                if (items[k])
                    visit(w, items[k]);
        } else {
            const ProtobufCMessage *sub =
                *(const ProtobufCMessage *const *)(const void *)(base + f->offset);
            if (sub)
                visit(w, sub);
        }
    }
}

static void visit(walker *w, const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (d == &pg_query__select_stmt__descriptor) {
        const PgQuery__SelectStmt *s = (const PgQuery__SelectStmt *)m;
        if (s->into_clause)
            writes(w, true, s->into_clause->rel ? s->into_clause->rel->location : -1,
                   "is SELECT INTO, which creates a table");
        if (s->n_locking_clause)
            writes(w, true, -1, "locks rows (FOR UPDATE/SHARE), which a standby refuses");
    } else if (d == &pg_query__insert_stmt__descriptor) {
        writes(w, true, target_location(((const PgQuery__InsertStmt *)m)->relation),
               "has a data-modifying WITH (INSERT)");
    } else if (d == &pg_query__update_stmt__descriptor) {
        writes(w, true, target_location(((const PgQuery__UpdateStmt *)m)->relation),
               "has a data-modifying WITH (UPDATE)");
    } else if (d == &pg_query__delete_stmt__descriptor) {
        writes(w, true, target_location(((const PgQuery__DeleteStmt *)m)->relation),
               "has a data-modifying WITH (DELETE)");
    } else if (d == &pg_query__merge_stmt__descriptor) {
        writes(w, true, target_location(((const PgQuery__MergeStmt *)m)->relation),
               "has a data-modifying WITH (MERGE)");
    } else if (d == &pg_query__func_call__descriptor) {
        const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)m;
        call(w, fc->funcname, fc->n_funcname, fc->location);
    } else if (d == &pg_query__range_var__descriptor) {
        relation(w, (const PgQuery__RangeVar *)m);
    }
    children(w, m);
}

void pgc_analyze_access(const pgc_catalog *cat, pgc_arena *a, const PgQuery__Node *stmt,
                        pgc_access *out)
{
    *out = (pgc_access){.reads_only = true, .location = -1};
    walker w = {cat, a, out};
    const char *kind = NULL;
    switch ((int)stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        kind = "is an INSERT";
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        kind = "is an UPDATE";
        break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        kind = "is a DELETE";
        break;
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        kind = "is a MERGE";
        break;
    default:
        kind = "is not a SELECT";
        break;
    }
    if (kind) {
        writes(&w, true, -1, kind);
        return;
    }
    visit(&w, &stmt->base);
}

/* ---- a query: its annotation applied ------------------------------------------------ */

bool access_route(actx *c, const PgQuery__Node *stmt, pgc_query_info *out)
{
    const pgc_query_src *q = c->q;
    pgc_access acc;
    pgc_analyze_access(c->cat, c->a, stmt, &acc);
    if (q->cmd == PGC_CMD_COPYFROM && acc.reads_only)
        acc = (pgc_access){.definite = true, .location = -1, .why = "is a :copyfrom"};
    out->reads_only = acc.reads_only;
    switch (q->route) {
    case PGC_ROUTE_AUTO:
        break;
    case PGC_ROUTE_READS:
        if (acc.definite) {
            pgc_diag_error(c->d, q->text.file, q->route_offset,
                           "query %s cannot be -- pgc:reads: it %s", q->name, acc.why);
            if (acc.location >= 0)
                pgc_diag_note(c->d, q->text.file, pgc_parse_source_offset(c->t, acc.location),
                              "it writes here");
            return false;
        }
        out->reads_only = true;
        break;
    case PGC_ROUTE_PRIMARY:
        if (acc.reads_only)
            out->primary = true;
        else
            pgc_diag_warning(c->d, q->text.file, q->route_offset,
                             "-- pgc:primary has no effect: query %s runs on the primary "
                             "anyway (it %s)", q->name, acc.why);
        break;
    }
    return true;
}
