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
 *     no UNLOGGED table (a standby refuses to read them), also through a
 *     view, a partitioned table or an inheritance parent (catalog as it is
 *     after every migration);
 *   - it calls (select list, WHERE, FROM functions, subqueries, LATERAL,
 *     any clause) no function that may write or that must run on the
 *     primary: a user's VOLATILE function (PostgreSQL's default when a
 *     CREATE FUNCTION says none of IMMUTABLE, STABLE; ALTER FUNCTION may
 *     change it), a built-in of deny_list below, or a name the catalog
 *     does not know, or a STABLE or IMMUTABLE function whose parameter
 *     default or SQL or PL/pgSQL body calls one (PostgreSQL refuses only
 *     write commands there; EXECUTE counts; other languages are trusted); nor reads a view whose query
 *     calls one (or locks rows), or a table whose row security policy
 *     (USING, for SELECT) calls one; nor makes a value of a domain whose CHECK
 *     calls one (a type named: a cast, a column definition list; a
 *     function's parameter or result; also as a composite's attribute or an
 *     array's element).
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
 * Takes: a parse tree and the catalog.  Gives: pgc_analyze_access() and
 * pgc_access_record() (analyze.h) and access_route() (a query's reads_only and primary,
 * analyze_internal.h).
 */
#include <stdlib.h>
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
     * the statements after it, which may be writes on the primary's; so does
     * setseed (the session's random() sequence) */
    {"set_config", "changes a setting of its session"},
    {"setseed", "seeds its session's random()"},
    /* a query given as text, run with the caller's rights: pgc cannot see
     * what it calls (query_to_xml('SELECT nextval(''s'')', ...) advances the
     * sequence) nor which tables it reads (the *_to_xml of a table, schema
     * or database read unlogged ones too); a cursor is its session's */
    {"query_to_xml", "runs a query given as text"},
    {"query_to_xmlschema", "runs a query given as text"},
    {"query_to_xml_and_xmlschema", "runs a query given as text"},
    {"ts_stat", "runs a query given as text"},
    {"table_to_xml", "reads a table pgc cannot see (it may be unlogged)"},
    {"table_to_xml_and_xmlschema", "reads a table pgc cannot see (it may be unlogged)"},
    {"schema_to_xml", "reads tables pgc cannot see (they may be unlogged)"},
    {"schema_to_xml_and_xmlschema", "reads tables pgc cannot see (they may be unlogged)"},
    {"database_to_xml", "reads tables pgc cannot see (they may be unlogged)"},
    {"database_to_xml_and_xmlschema", "reads tables pgc cannot see (they may be unlogged)"},
    {"cursor_to_xml", "fetches from a cursor of its session"},
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
    {"pg_logical_slot_peek_changes", "is refused during recovery (logical decoding)"},
    {"pg_logical_slot_peek_binary_changes", "is refused during recovery (logical decoding)"},
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

/* Objects being judged (a recursive SQL function reaches itself), and how
 * deep a chain of calls pgc follows. */
enum { MAX_REACH_DEPTH = 32 };
typedef struct reach_judged {
    const void *obj;
    const char *why; /* what its calls do, NULL: they only read */
} reach_judged;
typedef struct reach_stack {
    const void *items[MAX_REACH_DEPTH];
    int len;
    PGC_VEC(reach_judged) judged; /* each object's calls judged once per walk (a
                                     stack of functions that call each other
                                     twice would otherwise take 2^depth) */
} reach_stack;

typedef struct walker {
    const pgc_catalog *cat;
    pgc_arena *a;
    pgc_access *out;
    bool relations;          /* judge the relations read (not for a view's query) */
    pgc_reach *record;       /* recording an object's SQL: calls go here, unjudged */
    const char *label;       /* ...named so in messages */
    reach_stack *stack;
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

static void call_name(walker *w, const char *schema, const char *name, int32_t location);

/*
 * Reaching obj (a view read, a function called, a domain made) runs its SQL,
 * r: its recorded reason, and the functions it calls judged now.  what says
 * how the query reaches it ("reads the view v", "calls f()").
 */
static void reach(walker *w, const void *obj, const pgc_reach *r, const char *what,
                  int32_t location)
{
    if (r->writes) {
        writes(w, r->definite, location, pgc_arena_printf(w->a, "%s, %s", what, r->writes));
        return;
    }
    if (!r->calls.len)
        return;
    reach_stack *st = w->stack;
    LIST_EACH(i, st->judged.len)
        if (st->judged.items[i].obj == obj) {
            if (st->judged.items[i].why)
                writes(w, false, location,
                       pgc_arena_printf(w->a, "%s, %s", what, st->judged.items[i].why));
            return;
        }
    LIST_EACH(i, (size_t)st->len)
        if (st->items[i] == obj)
            return; /* being judged: a recursive call */
    if (st->len == MAX_REACH_DEPTH) {
        writes(w, false, location,
               pgc_arena_printf(w->a, "%s, which calls functions nested deeper than pgc "
                                      "follows", what));
        return;
    }
    st->items[st->len++] = obj;
    const char *why = NULL;
    LIST_EACH(i, r->calls.len) {
        const pgc_called *c = &r->calls.items[i];
        pgc_access sub = {.reads_only = true, .location = -1};
        walker sw = {w->cat, w->a, &sub, true, NULL, NULL, st};
        call_name(&sw, c->schema, c->name, location);
        if (!sub.reads_only) {
            why = pgc_arena_printf(w->a, "%s %s", c->label, sub.why);
            break;
        }
    }
    st->len--;
    reach_judged j = {obj, why};
    PGC_PUSH(w->a, st->judged, j);
    if (why)
        writes(w, false, location, pgc_arena_printf(w->a, "%s, %s", what, why));
}

/* A value becoming type oid (an array's elements, a domain over a
 * domain, a composite's attributes): each domain's CHECK runs.  what says
 * how ("casts to"). */
static void make_value(walker *w, uint32_t oid, const char *what, int32_t location, int depth)
{
    for (; depth < MAX_REACH_DEPTH; depth++) {
        uint32_t elem = pgc_cat_elem_type(w->cat, oid);
        if (elem)
            oid = elem;
        const pgc_rel *row = pgc_cat_type_rel(w->cat, oid);
        if (row) {
            LIST_EACH(i, row->cols.len)
                make_value(w, row->cols.items[i].type, what, location, depth + 1);
            return;
        }
        const pgc_utype *u = pgc_cat_utype(w->cat, oid);
        if (!u || u->t.type != 'd')
            return;
        reach(w, u, &u->reach, pgc_arena_printf(w->a, "%s the domain %s", what, u->name),
              location);
        oid = u->t.base;
    }
}

/* A type named in the query (a cast, a column definition list): a value
 * becomes that type. */
static void type_named(walker *w, const PgQuery__TypeName *tn)
{
    uint32_t oid;
    int32_t typmod;
    if (pgc_cat_typename((pgc_catalog *)w->cat, NULL, NULL, tn, &oid, &typmod))
        make_value(w, oid, "makes a value of", tn->location, 0);
}

/* A call of [schema.]name, as written. */
static void call_name(walker *w, const char *schema, const char *name, int32_t location)
{
    if (w->record) {
        LIST_EACH(i, w->record->calls.len) {
            const pgc_called *c = &w->record->calls.items[i];
            if (strcmp(c->name, name) == 0 && strcmp(c->label, w->label) == 0
                && (c->schema && schema ? strcmp(c->schema, schema) == 0 : c->schema == schema))
                return;
        }
        pgc_called c = {schema, name, w->label};
        PGC_PUSH(w->a, w->record->calls, c);
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
        const char *what = pgc_arena_printf(w->a, "calls %s()", name);
        reach(w, u, &u->reach, what, location);
        const char *as_param = pgc_arena_printf(w->a, "%s, whose parameter or result is", what);
        make_value(w, u->f.rettype, as_param, location, 0);
        LIST_EACH(k, u->f.nargs)
            make_value(w, u->f.args[k], as_param, location, 0);
    }
}

/* A call of funcname (a list of String nodes: [schema,] name). */
static void call(walker *w, PgQuery__Node *const *names, size_t n, int32_t location)
{
    const char *name = n ? str_of(names[n - 1]) : NULL;
    const char *schema = n >= 2 ? str_of(names[n - 2]) : NULL;
    if (!name)
        writes(w, false, location, "calls a function pgc does not know");
    else
        call_name(w, schema ? pgc_arena_strdup(w->a, schema) : NULL,
                  pgc_arena_strdup(w->a, name), location);
}

/* Deep enough for any inheritance tree or stack of views (neither has
 * cycles; the bound is a guard). */
enum { MAX_READ_DEPTH = 32 };

/*
 * Reading r (at location; through, the relation the query names, when r is
 * read because of it): a temporary or unlogged table; a view whose query
 * may write; and what reading r reads in turn, as the catalog is now: a
 * table's partitions and inheritance children (not with ONLY), a view's
 * relations.
 */
static void read_rel(walker *w, const pgc_rel *r, bool inh, const pgc_rel *through,
                     int32_t location, int depth)
{
    const char *via = through ? pgc_arena_printf(w->a, " (through %s)", through->name) : "";
    if (strcmp(r->schema, "pg_temp") == 0)
        writes(w, true, location,
               pgc_arena_printf(w->a, "reads the temporary table %s%s, which only the "
                                      "primary's session has", r->name, via));
    else if (r->unlogged)
        writes(w, true, location,
               pgc_arena_printf(w->a, "reads the unlogged %s %s%s, which a standby "
                                      "cannot read", r->kind == 'S' ? "sequence" : "table",
                                r->name, via));
    else
        reach(w, r, &r->reach,
              pgc_arena_printf(w->a, "reads the %s %s%s", r->kind == 'v' ? "view" : "table",
                               r->name, via),
              location);
    if (depth >= MAX_READ_DEPTH)
        return;
    pgc_rel_list next = {0};
    if (r->kind == 'v')
        LIST_EACH(i, r->deps.len)
            PGC_PUSH(w->a, next, r->deps.items[i]);
    else if (inh)
        pgc_cat_rel_children(w->cat, w->a, r, &next);
    LIST_EACH(i, next.len)
        read_rel(w, next.items[i], true, through ? through : r, location, depth + 1);
}

/* A relation the query names (or a CTE of that name: the conservative side). */
static void relation(walker *w, const PgQuery__RangeVar *rv)
{
    const char *schema = rv->schemaname && *rv->schemaname ? rv->schemaname : NULL;
    pgc_rel *r = pgc_cat_find_rel((pgc_catalog *)w->cat, schema, rv->relname);
    if (r && w->relations)
        read_rel(w, r, rv->inh, NULL, rv->location, 0);
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
    } else if (d == &pg_query__type_name__descriptor) {
        type_named(w, (const PgQuery__TypeName *)m);
    }
    children(w, m);
}

/* The kind of statement: NULL for a SELECT, else why it writes. */
static const char *statement_kind(const PgQuery__Node *stmt)
{
    switch ((int)stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return NULL;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        return "is an INSERT";
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return "is an UPDATE";
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        return "is a DELETE";
    case PG_QUERY__NODE__NODE_MERGE_STMT:
        return "is a MERGE";
    default:
        return "is not a SELECT";
    }
}

/* Walks node (a statement when statement) with w. */
static void walk(walker *w, const PgQuery__Node *node, bool statement)
{
    const char *kind = statement ? statement_kind(node) : NULL;
    if (kind)
        writes(w, true, -1, kind);
    else
        visit(w, &node->base);
}

void pgc_analyze_access(const pgc_catalog *cat, pgc_arena *a, const PgQuery__Node *stmt,
                        pgc_access *out)
{
    *out = (pgc_access){.reads_only = true, .location = -1};
    reach_stack stack = {.len = 0};
    walker w = {cat, a, out, true, NULL, NULL, &stack};
    walk(&w, stmt, true);
}

void pgc_access_record(const pgc_catalog *cat, pgc_arena *a, const PgQuery__Node *node,
                       bool statement, bool relations, const char *label, pgc_reach *r)
{
    pgc_access acc = {.reads_only = true, .location = -1};
    reach_stack stack = {.len = 0};
    walker w = {cat, a, &acc, relations, r, label, &stack};
    walk(&w, node, statement);
    if (!acc.reads_only && (!r->writes || (acc.definite && !r->definite))) {
        r->writes = pgc_arena_printf(a, "%s %s", label, acc.why);
        r->definite = acc.definite;
    }
}

/* ---- PL/pgSQL bodies ----------------------------------------------------------------- */

/* The next "query":"..." string of PL/pgSQL's JSON from *at, decoded into
 * a, or NULL at the end.  (A \\u escape becomes '?': only names and
 * strings can hold one, and a misread one reads as a name pgc does not
 * know, the conservative side.) */
static char *next_plpgsql_query(pgc_arena *a, const char **at)
{
    static const char key[] = "\"query\":\"";
    const char *p = strstr(*at, key);
    if (!p)
        return NULL;
    p += sizeof key - 1;
    size_t n = 0;
    for (const char *q = p; *q && *q != '"'; q += *q == '\\' && q[1] ? 2 : 1)
        n++;
    char *out = pgc_arena_alloc(a, n + 1), *o = out;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\' && *p) {
            c = *p++;
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b'
              : c == 'f' ? '\f' : c == 'u' ? '?' : c;
            if (p[-1] == 'u')
                for (int k = 0; k < 4 && *p; k++)
                    p++;
        }
        *o++ = c;
    }
    *o = 0;
    *at = p;
    return out;
}

/* One PL/pgSQL expression or statement: a statement, an expression, or an
 * assignment (y := expr); false if it parses as none. */
static bool record_plpgsql_query(const pgc_catalog *cat, pgc_arena *a, const char *q,
                                 pgc_reach *r)
{
    const char *assign = strstr(q, ":=");
    const char *tries[3] = {q, pgc_arena_printf(a, "SELECT %s", q),
                            assign ? pgc_arena_printf(a, "SELECT %s", assign + 2) : NULL};
    for (int i = 0; i < 3; i++) {
        PgQuery__ParseResult *tree = tries[i] ? pgc_parse_quiet(tries[i]) : NULL;
        if (!tree)
            continue;
        for (size_t k = 0; k < tree->n_stmts; k++)
            pgc_access_record(cat, a, tree->stmts[k]->stmt, true, true, "whose body", r);
        pgc_parse_free(tree);
        return true;
    }
    return false;
}

/* fs alone as SQL text (libpg_query deparses it), malloc'd; NULL on failure.
 * The statement's own text may share its string with others (a migration's
 * statement block), which pg_query_parse_plpgsql would read too. */
static char *create_function_text(const PgQuery__CreateFunctionStmt *fs)
{
    PgQuery__Node node = PG_QUERY__NODE__INIT;
    node.node_case = PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT;
    node.create_function_stmt = (PgQuery__CreateFunctionStmt *)fs;
    PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT, *raws[1] = {&raw};
    raw.stmt = &node;
    PgQuery__ParseResult tree = PG_QUERY__PARSE_RESULT__INIT;
    tree.version = PG_VERSION_NUM;
    tree.n_stmts = 1;
    tree.stmts = raws;
    size_t len = pg_query__parse_result__get_packed_size(&tree);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return NULL;
    pg_query__parse_result__pack(&tree, buf);
    PgQueryProtobuf packed = {len, (char *)buf};
    PgQueryDeparseResult d = pg_query_deparse_protobuf(packed);
    free(buf);
    char *sql = !d.error && d.query ? strdup(d.query) : NULL;
    pg_query_free_deparse_result(d);
    return sql;
}

void pgc_access_record_plpgsql(const pgc_catalog *cat, pgc_arena *a,
                               const PgQuery__CreateFunctionStmt *fs, pgc_reach *r)
{
    char *sql = create_function_text(fs);
    PgQueryPlpgsqlParseResult pr = pg_query_parse_plpgsql(sql ? sql : "");
    free(sql);
    const char *json = pr.error ? NULL : pr.plpgsql_funcs;
    const char *why = NULL;
    if (!json)
        why = "whose body pgc cannot read";
    else if (strstr(json, "PLpgSQL_stmt_dynexecute") || strstr(json, "PLpgSQL_stmt_dynfors")
             || strstr(json, "\"dynquery\""))
        why = "whose body runs a query given as text (EXECUTE), which pgc cannot see";
    for (const char *at = json, *q; !why && (q = next_plpgsql_query(a, &at)) != NULL;)
        if (!record_plpgsql_query(cat, a, q, r))
            why = "whose body pgc cannot read";
    if (why && !r->writes)
        r->writes = why;
    pg_query_free_plpgsql_parse_result(pr);
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
