/*
 * verify.c - `pgc verify`: the static analysis against PostgreSQL's own
 * description of every query, and, with --execute, its nullability against
 * what the queries return on seeded data.  See verify.h.
 *
 * Takes: the command line; the front end (program.h); a scratch database
 * (pgc_test.h).  Gives: agreement or disagreement per query, reported; the
 * exit status.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"
#include "emit.h"
#include "pgc_test.h"

#define USAGE                                                                          \
    "usage: pgc verify [-c CATALOG...] -m MIGRATION... [-q QUERY...] [--db CONNINFO]\n" \
    "                  [--execute] [--seed FILE] [--status] [--standalone]\n"          \
    "  -c, --catalog PATH...     catalog-only DDL (objects the library does not own),\n" \
    "                            run before the migrations\n"                        \
    "  -m, --migrations PATH...  migration files or directories, in any order\n"       \
    "  -q, --queries PATH...     annotated query files or directories\n"               \
    "  --db CONNINFO             make the scratch database on this server\n"           \
    "                            (default: a throwaway cluster)\n"                     \
    "  --seed FILE               SQL run after the migrations (templates allowed)\n"   \
    "  --execute                 run the queries and check that no column declared\n"  \
    "                            NOT NULL comes back NULL\n"                           \
    "  --status                  print \"ok NAME\" or \"fail NAME\" for each query\n"     \
    "  --standalone              check standalone mode only, not also embedded in\n"  \
    "                            two schemas (for a program never embedded)\n"

#define PARAMS_DIRECTIVE "-- verify-params:"

typedef struct options {
    pgc_cli_list catalogs, migrations, queries;
    const char *db, *seed;
    bool execute, status, standalone;
} options;

/* One query and what is known of it. */
typedef struct checked {
    const pgc_query_src *q;
    PgQuery__ParseResult *tree; /* NULL when it does not parse */
    pgc_query_info info;
    bool analyzed;              /* the analysis typed it */
    bool described;             /* the server accepted it */
    int nparams;                /* as the server sees them */
    uint32_t *param_types;
    bool failed;                /* a diagnostic was reported against it */
    /* the statement as the generated code sends it, in the current mode */
    char *sql;                  /* rendered for the mode's schema (malloc'd) */
    pgc_render_map render;      /* sql offsets -> stmt.sql offsets */
    pgc_runtime_stmt stmt;      /* before rendering */
    Oid *oids;                  /* the types sent */
} checked;

/*
 * A mode the library runs in: standalone (no schema: `{{tables.t}}` is
 * `t`, `{{schema}}` "public") or embedded in a schema.  All share one
 * scratch database and one pool, as two embedded libraries share a host's.
 */
typedef struct target {
    const char *schema;         /* NULL: standalone */
    const char *label;          /* "" or " (embedded in schema \"x\")", after messages */
    pgc_db *db;
} target;

typedef struct type_name {
    uint32_t oid;
    int32_t typmod;
    const char *name;
} type_name;

typedef struct typical {
    uint32_t oid;
    const char *value;          /* NULL: bind NULL */
} typical;

/* The scratch database and a connection to it. */
typedef struct server {
    pgc_arena *a;
    pgc_diags *d;
    pgc_testdb *tdb;
    pgc_pool *pool;
    target targets[3];          /* standalone first, then two schemas */
    size_t ntargets;
    PGconn *pg;                 /* from the pool */
    const target *cur;          /* the mode being checked */
    PGC_VEC(type_name) names;   /* format_type() results */
    PGC_VEC(typical) typicals;
} server;

typedef struct exec_stats {
    int queries, bindings, with_rows, refused;
    long rows;
} exec_stats;

/* ---- command line ------------------------------------------------------------------ */

/* Returns 0, or the exit status of a usage error (or -1 after --help). */
static int parse_options(pgc_arena *a, int argc, char **argv, options *o)
{
    const pgc_cli_opt opts[] = {
        {"-c", "--catalog", NULL, PGC_CLI_PATHS, &o->catalogs, NULL},
        {"-m", "--migrations", NULL, PGC_CLI_PATHS, &o->migrations, NULL},
        {"-q", "--queries", NULL, PGC_CLI_PATHS, &o->queries, NULL},
        {NULL, "--db", NULL, PGC_CLI_VALUE, &o->db, "a connection string"},
        {NULL, "--seed", NULL, PGC_CLI_VALUE, &o->seed, "a file"},
        {NULL, "--execute", NULL, PGC_CLI_FLAG, &o->execute, NULL},
        {NULL, "--status", NULL, PGC_CLI_FLAG, &o->status, NULL},
        {NULL, "--standalone", NULL, PGC_CLI_FLAG, &o->standalone, NULL},
    };
    const pgc_cli cli = {"verify", USAGE, opts, sizeof opts / sizeof *opts};
    int rc = pgc_cli_parse(&cli, a, argc, argv, 1);
    if (rc == 0 && o->queries.len == 0)
        return pgc_cli_usage_error(cli.command, "%s", "no query files (-q)");
    return rc;
}

/* ---- positions ----------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Byte offset of 1-based line and column (UTF-8 characters) in s. */
static size_t offset_of(const char *s, int line, int col)
{
    size_t off = 0;
    for (int l = 1; l < line && s[off]; off++)
        if (s[off] == '\n')
            l++;
    for (int c = 1; c < col && s[off] && s[off] != '\n'; c++) {
        off++;
        while ((s[off] & 0xC0) == 0x80)
            off++;
    }
    return off;
}

/* Where text, a copy of part of file or a pointer into it, starts in it. */
static size_t offset_in_file(const pgc_file *file, const char *text)
{
    if (text >= file->text && text <= file->text + file->len)
        return (size_t)(text - file->text);
    const char *at = *text ? strstr(file->text, text) : NULL;
    return at ? (size_t)(at - file->text) : 0;
}

/* The message of a runtime error without the "file:line:col: " or "file: "
 * prefix that the runtime put before it (the diagnostic gives the place). */
static const char *without_prefix(const pgc_error *err)
{
    char prefix[sizeof err->statement + 32];
    if (err->line)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", err->statement, err->line, err->column);
    else
        snprintf(prefix, sizeof prefix, "%s: ", err->statement);
    size_t n = strlen(prefix);
    return err->statement[0] && strncmp(err->message, prefix, n) == 0 ? err->message + n
                                                                      : err->message;
}

static bool is_star(const PgQuery__Node *n)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !n->column_ref->n_fields)
        return false;
    const PgQuery__ColumnRef *ref = n->column_ref;
    return ref->fields[ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
}

/*
 * The file offset of result column i when the statement's target list
 * spells the columns one by one (no `*`), else of the statement.
 */
static size_t column_offset(const checked *c, size_t i, size_t ncols)
{
    const pgc_stmt_text *t = &c->q->text;
    if (!c->tree || c->tree->n_stmts != 1)
        return t->offset;
    PgQuery__Node *stmt = c->tree->stmts[0]->stmt;
    PgQuery__Node **targets = NULL;
    size_t n = 0;
    if (stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
        const PgQuery__SelectStmt *s = stmt->select_stmt;
        while (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE && s->larg)
            s = s->larg;
        targets = s->target_list, n = s->n_target_list;
    } else if (stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT) {
        targets = stmt->insert_stmt->returning_list, n = stmt->insert_stmt->n_returning_list;
    } else if (stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) {
        targets = stmt->update_stmt->returning_list, n = stmt->update_stmt->n_returning_list;
    } else if (stmt->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) {
        targets = stmt->delete_stmt->returning_list, n = stmt->delete_stmt->n_returning_list;
    }
    if (n != ncols || i >= n)
        return t->offset;
    for (size_t k = 0; k < n; k++)
        if (targets[k]->node_case != PG_QUERY__NODE__NODE_RES_TARGET
            || is_star(targets[k]->res_target->val))
            return t->offset;
    return pgc_parse_source_offset(t, targets[i]->res_target->location);
}

static size_t param_offset(const checked *c, int index)
{
    for (size_t k = 0; k < c->q->params.len; k++)
        if (c->q->params.items[k].index == index)
            return c->q->params.items[k].offset;
    return c->q->text.offset;
}

/* ---- the server -------------------------------------------------------------------------- */

/* Reports a runtime error at its line and column in text, which is file's
 * text or a part of it; with no place when it has none, naming the file or
 * else `what`. */
static void report_at(pgc_diags *d, const pgc_file *file, const char *text, const pgc_error *err,
                      const char *what, const char *label)
{
    const char *msg = without_prefix(err);
    char state[32] = "";
    if (err->sqlstate[0])
        snprintf(state, sizeof state, " (SQLSTATE %s)", err->sqlstate);
    if (file && err->line) {
        size_t at = offset_in_file(file, text) + offset_of(text, err->line, err->column);
        pgc_diag_error(d, file, at, "%s%s%s", msg, state, label);
    } else {
        pgc_diag_error(d, NULL, 0, "%s: %s%s%s", file ? file->path : what, msg, state, label);
    }
}

static bool server_open(server *s, const options *o)
{
    pgc_error err = {0};
    /* pgc_testdb makes its databases on the server PGC_TEST_CONNINFO names. */
    if (o->db && setenv("PGC_TEST_CONNINFO", o->db, 1) != 0) {
        pgc_diag_error(s->d, NULL, 0, "cannot set PGC_TEST_CONNINFO");
        return false;
    }
    if (pgc_testdb_create(&s->tdb, &err) != PGC_OK) {
        pgc_diag_error(s->d, NULL, 0, "cannot make a scratch database: %s",
                       err.message);
        return false;
    }
    pgc_config *cfg = pgc_config_new();
    if (!cfg) {
        pgc_diag_error(s->d, NULL, 0, "out of memory");
        return false;
    }
    /* The server's default search_path, as at run time and in the analyzer
     * (semantic.h): unqualified names never reach the library's schema. */
    const char *settings[][2] = {
        {"conninfo", pgc_testdb_conninfo(s->tdb)},
        {"min_connections", "1"},
        {"application_name", "pgc verify"},
        {"statement_timeout_ms", "30000"},
    };
    int rc = PGC_OK;
    for (size_t i = 0; rc == PGC_OK && i < sizeof settings / sizeof *settings; i++)
        rc = pgc_config_set(cfg, settings[i][0], settings[i][1], &err);
    if (rc == PGC_OK)
        rc = pgc_pool_open(&s->pool, cfg, &err);
    pgc_config_free(cfg);
    static const char *const schemas[] = {NULL, "pgc_verify_a", "pgc_verify_b"};
    size_t n = o->standalone ? 1 : 3;
    for (size_t i = 0; rc == PGC_OK && i < n; i++) {
        target *t = &s->targets[i];
        t->schema = schemas[i];
        t->label = t->schema ? pgc_arena_printf(s->a, " (embedded in schema \"%s\")", t->schema)
                             : "";
        rc = pgc_db_attach(&t->db, s->pool, t->schema, &err);
        if (rc == PGC_OK)
            s->ntargets++;
    }
    if (rc != PGC_OK) {
        pgc_diag_error(s->d, NULL, 0, "cannot open the scratch database: %s",
                       err.message);
        return false;
    }
    return true;
}

/* The files of --catalog (objects the library reads but does not own)
 * go here: applied once, before the migrations of every mode. */
/* The catalog-only inputs (-c), run as they are, once, before the
 * migrations of every mode: they set up what the library uses and does
 * not own (no templates: the front end refuses them there). */
static bool server_catalog(server *s, const pgc_migration_files *files)
{
    for (size_t i = 0; i < files->len; i++) {
        const pgc_migration_file *m = &files->items[i];
        pgc_error err = {0};
        if (pgc_exec(s->targets[0].db, m->up_sql, NULL, &err) != PGC_OK) {
            report_at(s->d, m->file, m->up_sql, &err, m->file->path, "");
            return false;
        }
    }
    return true;
}

/* The migrations, in each mode: standalone, then in each schema. */
static bool server_migrate(server *s, const pgc_migration_files *files)
{
    if (files->len == 0)
        return true;
    pgc_migration *ms = pgc_arena_alloc(s->a, files->len * sizeof *ms);
    for (size_t i = 0; i < files->len; i++) {
        ms[i].version = files->items[i].version;
        ms[i].name = base_name(files->items[i].file->path);
        ms[i].sql = files->items[i].up_sql;
    }
    const pgc_migration_set set = {.module = "pgc-verify", .count = files->len, .files = ms};
    for (size_t k = 0; k < s->ntargets; k++) {
        const target *t = &s->targets[k];
        pgc_error err = {0};
        if (pgc_migrate(t->db, &set, NULL, NULL, &err) == PGC_OK)
            continue;
        for (size_t i = 0; i < files->len; i++)
            if (strcmp(ms[i].name, err.statement) == 0) {
                report_at(s->d, files->items[i].file, ms[i].sql, &err, ms[i].name, t->label);
                return false;
            }
        report_at(s->d, NULL, NULL, &err, "migrations", t->label);
        return false;
    }
    return true;
}

/* The seed, in each mode (templates rendered for each). */
static bool server_seed(server *s, const char *path)
{
    const pgc_file *f = pgc_file_read(s->a, path);
    if (!f)
        return false;
    for (size_t k = 0; k < s->ntargets; k++) {
        pgc_error err = {0};
        if (pgc_exec(s->targets[k].db, f->text, NULL, &err) != PGC_OK) {
            report_at(s->d, f, f->text, &err, path, s->targets[k].label);
            return false;
        }
    }
    return true;
}

static bool server_connect(server *s)
{
    pgc_error err = {0};
    if (pgc_pool_acquire(s->pool, &s->pg, &err) == PGC_OK)
        return true;
    pgc_diag_error(s->d, NULL, 0, "%s", err.message);
    return false;
}

static void server_close(server *s)
{
    if (s->pg)
        pgc_pool_release(s->pool, s->pg);
    for (size_t k = 0; k < s->ntargets; k++)
        pgc_db_close(s->targets[k].db);
    pgc_pool_close(s->pool);
    pgc_testdb_drop(s->tdb);
}

/* A one-row query with text parameters; NULL (reported) when it fails. */
static PGresult *lookup(server *s, const char *sql, int n, const char *const *values)
{
    PGresult *res = PQexecParams(s->pg, sql, n, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        return res;
    pgc_diag_error(s->d, NULL, 0, "catalog lookup failed: %s",
                   PQresultErrorMessage(res));
    PQclear(res);
    return NULL;
}

/* format_type(oid, typmod), typmod -1 for none, as pgc_catalog_type_name()
 * spells types (so bpchar without a length is "bpchar", not "character",
 * which would mean character(1)). */
static const char *server_type_name(server *s, uint32_t oid, int32_t typmod)
{
    for (size_t i = 0; i < s->names.len; i++)
        if (s->names.items[i].oid == oid && s->names.items[i].typmod == typmod)
            return s->names.items[i].name;
    char o[16], m[16];
    snprintf(o, sizeof o, "%u", oid);
    snprintf(m, sizeof m, "%d", typmod < 0 ? -1 : typmod);
    const char *values[] = {o, m};
    PGresult *res = lookup(s, "SELECT format_type($1::oid, $2::int4)", 2, values);
    type_name tn = {oid, typmod, NULL};
    tn.name = res ? pgc_arena_strdup(s->a, PQgetvalue(res, 0, 0))
                  : pgc_arena_printf(s->a, "(type %u)", oid);
    /* the analysis spells the library's own types without their schema;
     * the server, whose search_path never holds it, qualifies them */
    const char *home = PGC_HOME_SCHEMA ".";
    if (strncmp(tn.name, home, strlen(home)) == 0)
        tn.name += strlen(home);
    PQclear(res);
    PGC_PUSH(s->a, s->names, tn);
    return tn.name;
}

/* A type name of the server's as the analysis spells it: the mode's
 * schema plays the library's own (PGC_HOME_SCHEMA, shown unqualified). */
static const char *local_type_name(server *s, const char *name)
{
    const char *schema = s->cur->schema;
    if (!schema)
        return name;
    size_t n = strlen(schema);
    if (strncmp(name, schema, n) == 0 && name[n] == '.')
        return name + n + 1;
    const char *quoted = pgc_arena_printf(s->a, "\"%s\".", schema);
    if (strncmp(name, quoted, strlen(quoted)) == 0)
        return name + strlen(quoted);
    return name;
}

/* Table and column names of a result column the server traced to a table. */
static bool server_origin(server *s, Oid table, int col, const char **rel, const char **att)
{
    char t[16], c[16];
    snprintf(t, sizeof t, "%u", table);
    snprintf(c, sizeof c, "%d", col);
    const char *values[] = {t, c};
    PGresult *res = lookup(s,
                           "SELECT c.relname::text, a.attname::text FROM pg_class c"
                           " JOIN pg_attribute a ON a.attrelid = c.oid"
                           " WHERE c.oid = $1::oid AND a.attnum = $2::int2",
                           2, values);
    if (!res)
        return false;
    *rel = pgc_arena_strdup(s->a, PQgetvalue(res, 0, 0));
    *att = pgc_arena_strdup(s->a, PQgetvalue(res, 0, 1));
    PQclear(res);
    return true;
}

/* ---- comparing ----------------------------------------------------------------------------- */

static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

static void compare_params(server *s, pgc_catalog *cat, checked *c)
{
    const pgc_query_src *q = c->q;
    if ((size_t)c->nparams != c->info.params.len)
        pgc_diag_error(s->d, q->text.file, q->text.offset,
                       "%s: PostgreSQL sees %d parameter%s, the analysis %zu%s", q->name,
                       c->nparams, plural(c->nparams), c->info.params.len, s->cur->label);
    for (size_t i = 0; i < c->info.params.len && i < (size_t)c->nparams; i++) {
        const pgc_param_info *p = &c->info.params.items[i];
        const char *ours = pgc_catalog_type_name(cat, p->type, -1);
        const char *theirs = local_type_name(s, server_type_name(s, c->param_types[i], -1));
        if (strcmp(ours, theirs) != 0)
            pgc_diag_error(s->d, q->text.file, param_offset(c, p->index),
                           "%s: parameter $%d (%s): the analysis says %s, PostgreSQL says %s%s",
                           q->name, p->index, p->name, ours, theirs, s->cur->label);
    }
}

static void compare_columns(server *s, pgc_catalog *cat, checked *c, const PGresult *desc)
{
    const pgc_query_src *q = c->q;
    size_t n = (size_t)PQnfields(desc), ours_n = c->info.columns.len;
    if (n != ours_n)
        pgc_diag_error(s->d, q->text.file, q->text.offset,
                       "%s: PostgreSQL returns %zu column%s, the analysis %zu%s", q->name, n,
                       plural((long)n), ours_n, s->cur->label);
    for (size_t i = 0; i < n && i < ours_n; i++) {
        const pgc_column_info *col = &c->info.columns.items[i];
        size_t at = column_offset(c, i, n);
        const char *name = PQfname(desc, (int)i);
        if (strcmp(col->name, name) != 0)
            pgc_diag_error(s->d, q->text.file, at,
                           "%s: column %zu: the analysis names it \"%s\", PostgreSQL \"%s\"%s",
                           q->name, i + 1, col->name, name, s->cur->label);
        int32_t typmod = PQfmod(desc, (int)i);
        const char *ours = pgc_catalog_type_name(cat, col->type, col->typmod);
        const char *theirs = local_type_name(s, server_type_name(s, PQftype(desc, (int)i), typmod));
        if (strcmp(ours, theirs) != 0)
            pgc_diag_error(s->d, q->text.file, at,
                           "%s: column %zu \"%s\": the analysis says %s, PostgreSQL says %s%s",
                           q->name, i + 1, name, ours, theirs, s->cur->label);
        else if (col->typmod != (typmod < 0 ? -1 : typmod))
            pgc_diag_error(s->d, q->text.file, at,
                           "%s: column %zu \"%s\" (%s): the analysis says typmod %d, "
                           "PostgreSQL %d%s",
                           q->name, i + 1, name, ours, col->typmod, typmod, s->cur->label);
        Oid table = PQftable(desc, (int)i);
        int attnum = PQftablecol(desc, (int)i);
        const char *rel, *att;
        if (table == InvalidOid || attnum <= 0 || !server_origin(s, table, attnum, &rel, &att))
            continue;
        if (!col->table || !col->column)
            pgc_diag_error(s->d, q->text.file, at,
                           "%s: column %zu \"%s\": PostgreSQL traces it to %s.%s, "
                           "the analysis to no table column%s",
                           q->name, i + 1, name, rel, att, s->cur->label);
        else if (strcmp(col->table, rel) != 0 || strcmp(col->column, att) != 0)
            pgc_diag_error(s->d, q->text.file, at,
                           "%s: column %zu \"%s\": PostgreSQL traces it to %s.%s, "
                           "the analysis to %s.%s%s",
                           q->name, i + 1, name, rel, att, col->table, col->column,
                           s->cur->label);
    }
}

/* The server's primary message at the position it gives, in the user's file:
 * back through the rendering, then through the statement's own map. */
static void report_rejection(server *s, const checked *c, const PGresult *res)
{
    const pgc_stmt_text *t = &c->q->text;
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    size_t at = t->offset;
    if (pos && c->sql) {
        size_t r = pgc_char_to_byte_offset(c->sql, strlen(c->sql), atoi(pos));
        size_t rel = pgc_render_map_source(&c->stmt.map, pgc_render_map_source(&c->render, r));
        at = t->offset + (rel < t->len ? rel : t->len);
    }
    pgc_diag_error(s->d, t->file, at, "%s: PostgreSQL rejects it: %s%s", c->q->name,
                   msg ? msg : PQresultErrorMessage(res), s->cur->label);
}

/* The statement the generated code sends (the analysis' own, or the SQL as
 * written with no parameter types when there is none), rendered for the
 * current mode.  False after reporting. */
static bool render_statement(server *s, pgc_catalog *cat, checked *c)
{
    free(c->sql);
    pgc_render_map_free(&c->render);
    c->sql = NULL;
    pgc_query_info bare = {.src = c->q};
    pgc_runtime_statement(s->a, cat, c->analyzed ? &c->info : &bare, PGC_STMT_RUNTIME,
                          &c->stmt);
    c->oids = pgc_arena_alloc(s->a, (c->stmt.nparams + 1) * sizeof *c->oids);
    for (size_t i = 0; i < c->stmt.nparams; i++)
        c->oids[i] = c->stmt.oids[i];
    pgc_error err = {0};
    if (pgc_render_ex(c->stmt.sql, strlen(c->stmt.sql), s->cur->schema, &c->sql, NULL,
                      &c->render, &err) == PGC_OK)
        return true;
    pgc_diag_error(s->d, c->q->text.file, c->q->text.offset, "%s: %s%s", c->q->name,
                   err.message, s->cur->label);
    return false;
}

/* Prepares the query unnamed, as the generated code sends it in the current
 * mode, and compares the server's description with the analysis (when
 * there is one). */
static void describe(server *s, pgc_catalog *cat, checked *c)
{
    if (!render_statement(s, cat, c))
        return;
    PGresult *res = PQprepare(s->pg, "", c->sql, (int)c->stmt.nparams, c->oids);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        report_rejection(s, c, res);
        PQclear(res);
        return;
    }
    PQclear(res);
    PGresult *desc = PQdescribePrepared(s->pg, "");
    if (PQresultStatus(desc) != PGRES_COMMAND_OK) {
        report_rejection(s, c, desc);
        PQclear(desc);
        return;
    }
    c->described = true;
    c->nparams = PQnparams(desc);
    c->param_types = pgc_arena_alloc(s->a, ((size_t)c->nparams + 1) * sizeof *c->param_types);
    for (int i = 0; i < c->nparams; i++)
        c->param_types[i] = PQparamtype(desc, i);
    if (c->analyzed) {
        if (!c->tree)
            c->tree = pgc_parse(s->d, &c->q->text); /* for the columns' positions */
        compare_params(s, cat, c);
        compare_columns(s, cat, c, desc);
    }
    PQclear(desc);
}

/* ---- executing ----------------------------------------------------------------------------- */

/* A typical value of a type in text form, or NULL: enough for the first
 * rows of seeded tables to match. */
static const char *typical_value(server *s, uint32_t oid, int depth)
{
    for (size_t i = 0; i < s->typicals.len; i++)
        if (s->typicals.items[i].oid == oid)
            return s->typicals.items[i].value;
    char o[16];
    snprintf(o, sizeof o, "%u", oid);
    const char *values[] = {o};
    PGresult *res = lookup(s,
                           "SELECT t.typcategory::text, t.typname::text, t.typelem,"
                           " t.typbasetype, (SELECT e.enumlabel::text FROM pg_enum e"
                           " WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder LIMIT 1)"
                           " FROM pg_type t WHERE t.oid = $1::oid",
                           1, values);
    if (!res)
        return NULL;
    char cat = PQgetvalue(res, 0, 0)[0];
    const char *name = PQgetvalue(res, 0, 1);
    uint32_t elem = (uint32_t)strtoul(PQgetvalue(res, 0, 2), NULL, 10);
    uint32_t base = (uint32_t)strtoul(PQgetvalue(res, 0, 3), NULL, 10);
    const char *v = NULL;
    if (base && depth < 4) {
        v = typical_value(s, base, depth + 1);
    } else if (cat == 'A' && elem && depth < 4) {
        const char *e = typical_value(s, elem, depth + 1);
        v = e ? pgc_arena_printf(s->a, "{\"%s\"}", e) : "{}";
    } else if (cat == 'E' && !PQgetisnull(res, 0, 4)) {
        v = pgc_arena_strdup(s->a, PQgetvalue(res, 0, 4));
    } else if (cat == 'B') {
        v = "true";
    } else if (cat == 'N') {
        v = "1";
    } else if (cat == 'S') {
        v = "a";
    } else if (cat == 'D') {
        v = strcmp(name, "date") == 0                                  ? "2024-01-01"
            : strcmp(name, "time") == 0 || strcmp(name, "timetz") == 0 ? "12:00:00"
                                                                       : "2024-01-01 00:00:00+00";
    } else if (cat == 'T') {
        v = "1 day";
    } else if (cat == 'I') {
        v = "127.0.0.1";
    } else if (strcmp(name, "uuid") == 0) {
        v = "00000000-0000-0000-0000-000000000001";
    } else if (strcmp(name, "json") == 0 || strcmp(name, "jsonb") == 0) {
        v = "{}";
    } else if (strcmp(name, "bytea") == 0) {
        v = "\\x00";
    }
    PQclear(res);
    typical t = {oid, v};
    PGC_PUSH(s->a, s->typicals, t);
    return v;
}

/* Trims spaces and tabs at both ends of [*b, *e). */
static void trim(const char **b, const char **e)
{
    while (*b < *e && (**b == ' ' || **b == '\t'))
        ++*b;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        --*e;
}

/* The values of a `-- verify-params: V1 | V2 | NULL` line, [line, end). */
static const char **parse_binding(server *s, const checked *c, const char *line, const char *end)
{
    const char **values = pgc_arena_alloc(s->a, ((size_t)c->nparams + 1) * sizeof *values);
    const char *p = line + strlen(PARAMS_DIRECTIVE);
    int n = 0;
    trim(&p, &end);
    while (p < end || n == 0) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *vb = p, *ve = bar ? bar : end;
        trim(&vb, &ve);
        if (n < c->nparams)
            values[n] = (ve - vb == 4 && memcmp(vb, "NULL", 4) == 0)
                            ? NULL
                            : pgc_arena_strndup(s->a, vb, (size_t)(ve - vb));
        n++;
        if (!bar)
            break;
        p = bar + 1;
    }
    if (c->nparams == 0 && n == 1)
        n = 0; /* an empty line for a query with no parameters */
    if (n != c->nparams) {
        const pgc_file *f = c->q->text.file;
        pgc_diag_error(s->d, f, (size_t)(line - f->text),
                       "%s: %s gives %d value%s for %d parameter%s", c->q->name,
                       PARAMS_DIRECTIVE, n, plural(n), c->nparams, plural(c->nparams));
        return NULL;
    }
    return values;
}

typedef PGC_VEC(const char **) bindings;

/* The query's `-- verify-params:` lines, then all NULL, then typical values. */
static bindings query_bindings(server *s, const checked *c)
{
    bindings b = {0};
    const pgc_file *f = c->q->text.file;
    size_t from = c->q->annotation_offset, to = c->q->text.offset + c->q->text.len;
    size_t dlen = strlen(PARAMS_DIRECTIVE);
    for (size_t line = from; line < to;) {
        const char *p = f->text + line, *nl = memchr(p, '\n', to - line);
        const char *end = nl ? nl : f->text + to;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(end - p) >= dlen && memcmp(p, PARAMS_DIRECTIVE, dlen) == 0) {
            const char **values = parse_binding(s, c, p, end);
            if (values)
                PGC_PUSH(s->a, b, values);
        }
        line = (size_t)(end - f->text) + 1;
    }
    const char **nulls = pgc_arena_alloc(s->a, ((size_t)c->nparams + 1) * sizeof *nulls);
    PGC_PUSH(s->a, b, nulls);
    if (c->nparams > 0) {
        const char **typ = pgc_arena_alloc(s->a, (size_t)c->nparams * sizeof *typ);
        for (int i = 0; i < c->nparams; i++)
            typ[i] = typical_value(s, c->param_types[i], 0);
        PGC_PUSH(s->a, b, typ);
    }
    return b;
}

/* "with $1 = '10', $2 = NULL" */
static const char *binding_text(server *s, const char *const *values, int n)
{
    if (n == 0)
        return "with no parameters";
    const char *out = "with";
    for (int i = 0; i < n; i++)
        out = values[i] ? pgc_arena_printf(s->a, "%s%s $%d = '%s'", out, i ? "," : "", i + 1,
                                           values[i])
                        : pgc_arena_printf(s->a, "%s%s $%d = NULL", out, i ? "," : "", i + 1);
    return out;
}

static bool simple(server *s, const char *sql)
{
    PGresult *res = PQexec(s->pg, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        pgc_diag_error(s->d, NULL, 0, "%s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/*
 * Runs the query once per binding, each in a transaction rolled back, and
 * reports every column declared NOT NULL that comes back NULL (once per
 * column).
 */
static void execute(server *s, checked *c, exec_stats *st)
{
    const pgc_query_src *q = c->q;
    size_t ncols = c->info.columns.len;
    bool *reported = pgc_arena_alloc(s->a, (ncols + 1) * sizeof *reported);
    bindings b = query_bindings(s, c);
    bool rows = false;
    st->queries++;
    for (size_t k = 0; k < b.len; k++) {
        if (!simple(s, "BEGIN"))
            return;
        PGresult *res = PQexecParams(s->pg, c->sql, c->nparams,
                                     (size_t)c->nparams == c->stmt.nparams ? c->oids : NULL,
                                     b.items[k], NULL, NULL, 0);
        st->bindings++;
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            st->refused++;
        } else {
            int nrows = PQntuples(res), nf = PQnfields(res);
            st->rows += nrows;
            rows |= nrows > 0;
            for (size_t col = 0; col < ncols && (int)col < nf; col++) {
                if (c->info.columns.items[col].nullable || reported[col])
                    continue;
                for (int r = 0; r < nrows; r++)
                    if (PQgetisnull(res, r, (int)col)) {
                        pgc_diag_error(s->d, q->text.file, column_offset(c, col, ncols),
                                       "%s: column %zu \"%s\" is declared NOT NULL but row %d "
                                       "is NULL (%s)",
                                       q->name, col + 1, c->info.columns.items[col].name,
                                       r + 1, binding_text(s, b.items[k], c->nparams));
                        reported[col] = true;
                        break;
                    }
            }
        }
        PQclear(res);
        if (!simple(s, "ROLLBACK"))
            return;
    }
    st->with_rows += rows;
}

/* ---- the command ---------------------------------------------------------------------------- */

static int verify(pgc_arena *a, pgc_diags *d, const options *o)
{
    pgc_program p;
    pgc_program_load_with(a, d, o->catalogs.items, o->catalogs.len, o->migrations.items,
                          o->migrations.len, o->queries.items, o->queries.len, &p);
    size_t n = p.queries.len;
    checked *cs = pgc_arena_alloc(a, (n + 1) * sizeof *cs);
    for (size_t i = 0; i < n; i++)
        cs[i].q = &p.queries.items[i];
    for (size_t k = 0; k < p.infos.len; k++) {
        checked *c = &cs[p.infos.items[k].src - p.queries.items];
        c->info = p.infos.items[k];
        c->analyzed = true;
    }

    server s = {.a = a, .d = d};
    exec_stats st = {0};
    bool up = n > 0 && server_open(&s, o) && server_catalog(&s, &p.catalogs)
              && server_migrate(&s, &p.migrations) && (!o->seed || server_seed(&s, o->seed))
              && server_connect(&s);
    for (size_t i = 0; up && i < n; i++) {
        checked *c = &cs[i];
        int before = d->errors;
        /* each mode in turn, up to the first that disagrees; rows are
           checked standalone */
        for (size_t k = 0; k < s.ntargets && d->errors == before; k++) {
            s.cur = &s.targets[k];
            c->described = false;
            describe(&s, p.catalog, c);
            if (k == 0 && o->execute && c->analyzed && c->described && c->info.columns.len > 0)
                execute(&s, c, &st);
        }
        c->failed = !c->analyzed || d->errors > before;
        pgc_parse_free(c->tree);
        free(c->sql);
        pgc_render_map_free(&c->render);
    }
    server_close(&s);
    pgc_program_free(&p);

    size_t agree = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = up && !cs[i].failed;
        agree += ok;
        if (o->status)
            printf("%s %s\n", ok ? "ok" : "fail", cs[i].q->name);
    }
    /* No summary when not even the inputs could be read: the errors say it. */
    const char *queries = n == 1 ? "query" : "queries";
    if (n > 0 && !up)
        printf("verified 0 of %zu %s: the scratch database could not be set up\n", n, queries);
    else if (agree == n && d->errors == 0)
        printf("verified %zu %s: all agree\n", n, queries);
    else if (n > 0)
        printf("verified %zu %s: %zu agree, %zu disagree\n", n, queries, agree, n - agree);
    if (up && o->execute)
        printf("executed %d quer%s with %d binding%s: %d returned rows (%ld in all), "
               "%d binding%s refused\n",
               st.queries, st.queries == 1 ? "y" : "ies", st.bindings, plural(st.bindings),
               st.with_rows, st.rows, st.refused, plural(st.refused));
    return d->errors ? 1 : 0;
}

int pgc_verify_main(int argc, char **argv)
{
    pgc_arena *a = pgc_arena_new();
    options o = {0};
    int rc = parse_options(a, argc, argv, &o);
    if (rc == 0) {
        pgc_diags d = {.out = stderr};
        rc = verify(a, &d, &o);
    } else if (rc < 0) {
        rc = 0;
    }
    fflush(stdout);
    pgc_arena_free(a);
    return rc;
}
