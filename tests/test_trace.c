/*
 * test_trace.c - the statement hook (pgc_pool_set_trace, pgc_db_set_trace)
 * in both modes: what each blocking path reports (query, exec, stream,
 * batch, COPY, migrate), field by field; embedded, a pool hook sees two
 * libraries on one pool and a db hook only its own.  Also runs README's
 * slow-query log and latency histogram (examples/trace/trace_hooks.c) and
 * checks README's excerpts of them against that file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "../examples/trace/trace_hooks.c"

/* ---- what the hooks saw ------------------------------------------------------ */

typedef struct seen {
    char statement[64];   /* "" with has_statement 0: NULL */
    int has_statement;
    char schema[32];
    int has_schema;
    char sql[512];
    int64_t duration_ns, rows;
    int code;
    char sqlstate[6];
    int has_conn;
    int backend_pid;
    bool prepared_now;
    pgc_trace_via via;
} seen;

typedef struct recorder {
    seen ev[64];
    int n;
} recorder;

static void record(const pgc_trace_event *ev, void *ud)
{
    recorder *r = ud;
    assert_true(r->n < 64);
    seen *s = &r->ev[r->n++];
    memset(s, 0, sizeof *s);
    if ((s->has_statement = ev->statement != NULL))
        snprintf(s->statement, sizeof s->statement, "%s", ev->statement);
    if ((s->has_schema = ev->schema != NULL))
        snprintf(s->schema, sizeof s->schema, "%s", ev->schema);
    assert_non_null(ev->sql);
    snprintf(s->sql, sizeof s->sql, "%s", ev->sql);
    assert_non_null(ev->sqlstate);
    snprintf(s->sqlstate, sizeof s->sqlstate, "%s", ev->sqlstate);
    s->duration_ns = ev->duration_ns;
    s->rows = ev->rows;
    s->code = ev->code;
    s->has_conn = ev->conn != NULL;
    s->backend_pid = ev->backend_pid;
    s->prepared_now = ev->prepared_now;
    s->via = ev->via;
}

/* The one event recorded since `from`. */
static const seen *only(const recorder *r, int from)
{
    if (r->n != from + 1)
        print_error("expected one event, got %d\n", r->n - from);
    assert_int_equal(r->n, from + 1);
    return &r->ev[from];
}

/* An event of a statement named `name` in `schema` (NULL: none), via `via`,
 * that ran on a connection and took time. */
static void assert_event(const seen *s, const char *name, const char *schema, pgc_trace_via via)
{
    if (name) {
        assert_true(s->has_statement);
        assert_string_equal(s->statement, name);
    } else {
        assert_false(s->has_statement);
    }
    if (schema) {
        assert_true(s->has_schema);
        assert_string_equal(s->schema, schema);
    } else {
        assert_false(s->has_schema);
    }
    assert_int_equal(s->via, via);
    assert_true(s->duration_ns > 0);
    assert_true(s->has_conn);
    assert_true(s->backend_pid > 0);
}

static void assert_ok_event(const seen *s, int64_t rows)
{
    assert_int_equal(s->code, PGC_OK);
    assert_string_equal(s->sqlstate, "");
    assert_int_equal(s->rows, rows);
}

/* The fixture's schema ("lib" embedded, none standalone). */
static const char *lib_schema(const fixture *f)
{
    return f->mode == EMBEDDED ? "lib" : NULL;
}

/* `sql` with "T." where the fixture's tables are: "lib". embedded. */
static char *rendered(const fixture *f, const char *fmt)
{
    static char buf[4][512];
    static int next;
    char *out = buf[next++ % 4];
    const char *prefix = f->mode == EMBEDDED ? "\"lib\"." : "";
    size_t n = 0;
    for (const char *p = fmt; *p && n + 16 < sizeof buf[0]; p++) {
        if (p[0] == 'T' && p[1] == '.') {
            n += (size_t)snprintf(out + n, sizeof buf[0] - n, "%s", prefix);
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

static const pgc_stmt insert_item = {.name = "insert_item",
                                     .sql =
                                         "INSERT INTO {{tables.items}} (id, name) VALUES ($1, $2)",
                                     .nparams = 2};
static const pgc_stmt all_items = {.name = "all_items",
                                   .sql = "SELECT id, name FROM {{tables.items}} ORDER BY id"};
static const pgc_stmt rename_small = {
    .name = "rename_small",
    .sql = "UPDATE {{tables.items}} SET name = 'small' WHERE id < $1",
    .nparams = 1};
static const pgc_stmt backend_pid = {.name = "backend_pid", .sql = "SELECT pg_backend_pid()"};

/* The items table, empty (fixture.c). */
static void create_items(pgc_db *db)
{
    fixture_create_items(db, 0, NULL);
}

static int insert(pgc_db *db, long id, pgc_error *err)
{
    char idbuf[24], name[32];
    snprintf(idbuf, sizeof idbuf, "%ld", id);
    snprintf(name, sizeof name, "item %ld", id);
    const char *values[] = {idbuf, name};
    return pgc_query(db, &insert_item, values, NULL, NULL, NULL, err);
}

/* ---- query --------------------------------------------------------------------- */

/*
 * Every field of a generated-style call: name, schema, SQL as sent, rows of
 * a SELECT and of an UPDATE, a failure's code and SQLSTATE, prepared_now on
 * the connection's first call only, the backend's pid.
 */
static void trace__query__every_field(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    recorder pool_rec = {0}, db_rec = {0};
    pgc_pool_set_trace(pgc_db_pool(f->db), record, &pool_rec);
    pgc_db_set_trace(f->db, record, &db_rec);
    pgc_error err = {0};

    assert_ok(insert(f->db, 1, &err), &err);
    const seen *s = only(&pool_rec, 0);
    assert_event(s, "insert_item", lib_schema(f), PGC_VIA_QUERY);
    assert_string_equal(s->sql, rendered(f, "INSERT INTO T.items (id, name) VALUES ($1, $2)"));
    assert_ok_event(s, 1);
    assert_true(s->prepared_now);
    assert_int_equal(db_rec.n, 1); /* both hooks, the same event */
    assert_memory_equal(&db_rec.ev[0], s, sizeof *s);

    assert_ok(insert(f->db, 2, &err), &err);
    assert_ok(insert(f->db, 3, &err), &err);
    s = &pool_rec.ev[2];
    assert_ok_event(s, 1);
    assert_false(s->prepared_now); /* prepared on this connection already */

    pgc_result *res;
    int n = pool_rec.n;
    assert_ok(pgc_query(f->db, &all_items, NULL, NULL, NULL, &res, &err), &err);
    pgc_result_free(res);
    s = only(&pool_rec, n);
    assert_event(s, "all_items", lib_schema(f), PGC_VIA_QUERY);
    assert_ok_event(s, 3);
    assert_true(s->prepared_now);

    const char *limit[] = {"3"};
    assert_ok(pgc_query(f->db, &rename_small, limit, NULL, NULL, NULL, &err), &err);
    s = only(&pool_rec, n + 1);
    assert_event(s, "rename_small", lib_schema(f), PGC_VIA_QUERY);
    assert_string_equal(s->sql, rendered(f, "UPDATE T.items SET name = 'small' WHERE id < $1"));
    assert_ok_event(s, 2); /* affected */

    assert_int_equal(insert(f->db, 2, &err), PGC_ESQL);
    s = only(&pool_rec, n + 2);
    assert_event(s, "insert_item", lib_schema(f), PGC_VIA_QUERY);
    assert_int_equal(s->code, PGC_ESQL);
    assert_string_equal(s->sqlstate, "23505");
    assert_int_equal(s->rows, 0);
    assert_false(s->prepared_now);

    /* the SQLSTATE comes from the result even when the caller keeps no error */
    assert_int_equal(insert(f->db, 2, NULL), PGC_ESQL);
    assert_string_equal(only(&pool_rec, n + 3)->sqlstate, "23505");

    assert_ok(pgc_query(f->db, &backend_pid, NULL, NULL, NULL, &res, &err), &err);
    s = only(&pool_rec, n + 4);
    assert_int_equal(s->backend_pid, atoi(pgc_result_value(res, 0, 0)));
    pgc_result_free(res);
    assert_int_equal(db_rec.n, pool_rec.n);
}

/* The server forgot the plan (a column added): the call is sent again,
 * prepared again, and reported once. */
static void trace__stale_plan_retry__reported_once(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt star = {.name = "star", .sql = "SELECT * FROM {{tables.items}}"};
    pgc_error err = {0};
    assert_ok(insert(f->db, 1, &err), &err);
    assert_ok(pgc_query(f->db, &star, NULL, NULL, NULL, NULL, &err), &err);
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.items}} ADD COLUMN extra int", NULL, &err),
              &err);
    recorder rec = {0};
    pgc_db_set_trace(f->db, record, &rec);
    assert_ok(pgc_query(f->db, &star, NULL, NULL, NULL, NULL, &err), &err);
    const seen *s = only(&rec, 0);
    assert_event(s, "star", lib_schema(f), PGC_VIA_QUERY);
    assert_ok_event(s, 1);
    assert_true(s->prepared_now);
}

/* statements=unnamed: nothing is ever prepared. */
static void trace__unnamed_statements__never_prepared_now(void **state)
{
    fixture *f = *state;
    pgc_config *cfg = fixture_config(f, "statements", "unnamed", NULL);
    pgc_db *db;
    pgc_error err = {0};
    assert_ok(pgc_db_open(&db, cfg, lib_schema(f), &err), &err);
    pgc_config_free(cfg);
    create_items(db);
    recorder rec = {0};
    pgc_pool_set_trace(pgc_db_pool(db), record, &rec);
    assert_ok(insert(db, 1, &err), &err);
    assert_int_equal(insert(db, 1, &err), PGC_ESQL);
    assert_int_equal(rec.n, 2);
    assert_event(&rec.ev[0], "insert_item", lib_schema(f), PGC_VIA_QUERY);
    assert_ok_event(&rec.ev[0], 1);
    assert_false(rec.ev[0].prepared_now);
    assert_string_equal(rec.ev[1].sqlstate, "23505");
    assert_false(rec.ev[1].prepared_now);
    assert_int_equal(pgc_db_close(db), PGC_OK);
}

/* ---- exec ---------------------------------------------------------------------- */

static void trace__exec__rendered_text_no_name(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    recorder rec = {0};
    pgc_db_set_trace(f->db, record, &rec);
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db, "INSERT INTO {{tables.items}} VALUES (1, 'a'), (2, 'b')", NULL,
                       &err),
              &err);
    const seen *s = only(&rec, 0);
    assert_event(s, NULL, lib_schema(f), PGC_VIA_EXEC);
    assert_string_equal(s->sql, rendered(f, "INSERT INTO T.items VALUES (1, 'a'), (2, 'b')"));
    assert_ok_event(s, 2);
    assert_false(s->prepared_now);
    assert_int_equal(
        pgc_exec(f->db, "INSERT INTO {{tables.items}} VALUES (1, 'again')", NULL, NULL),
        PGC_ESQL);
    s = only(&rec, 1);
    assert_int_equal(s->code, PGC_ESQL);
    assert_string_equal(s->sqlstate, "23505");
}

/* ---- stream -------------------------------------------------------------------- */

static void trace__stream__once_at_its_end(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    for (long i = 1; i <= 5; i++)
        assert_ok(insert(f->db, i, &err), &err);
    recorder rec = {0};
    pgc_db_set_trace(f->db, record, &rec);

    pgc_stream *st;
    pgc_result *row;
    assert_ok(pgc_stream_open(f->db, &all_items, NULL, NULL, NULL, &st, &err), &err);
    int rows = 0, rc;
    while ((rc = pgc_stream_next(st, &row, &err)) == PGC_OK) {
        rows++;
        assert_int_equal(rec.n, 0); /* nothing before the end */
    }
    assert_int_equal(rc, PGC_DONE);
    pgc_stream_close(st);
    assert_int_equal(rows, 5);
    const seen *s = only(&rec, 0);
    assert_event(s, "all_items", lib_schema(f), PGC_VIA_STREAM);
    assert_string_equal(s->sql, rendered(f, "SELECT id, name FROM T.items ORDER BY id"));
    assert_ok_event(s, 5);
    assert_true(s->prepared_now);

    /* closed after two rows: reported at the close, with the rows handed out */
    assert_ok(pgc_stream_open(f->db, &all_items, NULL, NULL, NULL, &st, &err), &err);
    assert_ok(pgc_stream_next(st, &row, &err), &err);
    assert_ok(pgc_stream_next(st, &row, &err), &err);
    assert_int_equal(rec.n, 1);
    pgc_stream_close(st);
    s = only(&rec, 1);
    assert_ok_event(s, 2);
    assert_false(s->prepared_now);

    /* failing after two rows: division by zero */
    static const pgc_stmt divide = {.name = "divide",
                                    .sql = "SELECT 10 / (3 - g) FROM generate_series(1, 5) g"};
    assert_ok(pgc_stream_open(f->db, &divide, NULL, NULL, NULL, &st, &err), &err);
    while ((rc = pgc_stream_next(st, &row, NULL)) == PGC_OK)
        ;
    pgc_stream_close(st);
    assert_int_equal(rc, PGC_ESQL);
    s = only(&rec, 2);
    assert_event(s, "divide", lib_schema(f), PGC_VIA_STREAM);
    assert_int_equal(s->code, PGC_ESQL);
    assert_string_equal(s->sqlstate, "22012");
    assert_int_equal(s->rows, 2);

    /* a statement that returns no rows reports what it changed */
    const char *limit[] = {"4"};
    assert_ok(pgc_stream_open(f->db, &rename_small, limit, NULL, NULL, &st, &err), &err);
    assert_int_equal(pgc_stream_next(st, &row, &err), PGC_DONE);
    pgc_stream_close(st);
    s = only(&rec, 3);
    assert_event(s, "rename_small", lib_schema(f), PGC_VIA_STREAM);
    assert_ok_event(s, 3);
}

/* ---- batch --------------------------------------------------------------------- */

static void trace__batch__one_event_per_call_as_read(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    recorder rec = {0};
    pgc_pool_set_trace(pgc_db_pool(f->db), record, &rec);
    pgc_error err = {0};
    pgc_batch *b;
    assert_ok(pgc_batch_begin(f->db, &b, &err), &err);
    const char *v1[] = {"1", "one"}, *v2[] = {"2", "two"};
    assert_ok(pgc_batch_queue(b, &insert_item, v1, NULL, NULL, &err), &err);
    assert_ok(pgc_batch_queue(b, &insert_item, v2, NULL, NULL, &err), &err);
    assert_ok(pgc_batch_queue(b, &all_items, NULL, NULL, NULL, &err), &err);
    assert_ok(pgc_batch_queue(b, &insert_item, v1, NULL, NULL, &err), &err); /* duplicate */
    assert_ok(pgc_batch_queue(b, &insert_item, v2, NULL, NULL, &err), &err); /* not run */
    assert_int_equal(rec.n, 0);
    assert_ok(pgc_batch_next(b, NULL, &err), &err);
    const seen *s = only(&rec, 0);
    assert_event(s, "insert_item", lib_schema(f), PGC_VIA_BATCH);
    assert_string_equal(s->sql, rendered(f, "INSERT INTO T.items (id, name) VALUES ($1, $2)"));
    assert_ok_event(s, 1);
    assert_true(s->prepared_now);
    assert_ok(pgc_batch_next(b, NULL, &err), &err);
    s = only(&rec, 1);
    assert_ok_event(s, 1);
    assert_false(s->prepared_now);
    assert_int_equal(pgc_batch_end(b, &err), PGC_ESQL); /* reads the other three */
    assert_int_equal(rec.n, 5);
    assert_event(&rec.ev[2], "all_items", lib_schema(f), PGC_VIA_BATCH);
    assert_ok_event(&rec.ev[2], 2);
    assert_true(rec.ev[2].prepared_now);
    assert_int_equal(rec.ev[3].code, PGC_ESQL);
    assert_string_equal(rec.ev[3].sqlstate, "23505");
    assert_int_equal(rec.ev[4].code, PGC_ESQL); /* not run: no SQLSTATE of its own */
    assert_string_equal(rec.ev[4].sqlstate, "");
    for (int i = 0; i < 5; i++)
        assert_int_equal(rec.ev[i].backend_pid, rec.ev[0].backend_pid);
}

/* ---- COPY ---------------------------------------------------------------------- */

static void trace__copy__once_at_the_end(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    static const pgc_stmt copy_items = {
        .name = "copy_items", .sql = "COPY {{tables.items}} (id, name) FROM STDIN (FORMAT binary)"};
    recorder rec = {0};
    pgc_db_set_trace(f->db, record, &rec);
    pgc_error err = {0};
    pgc_copy *c;
    assert_ok(pgc_copy_begin(f->db, &copy_items, &c, &err), &err);
    for (int i = 1; i <= 100; i++) {
        assert_ok(pgc_copy_row(c, 2, &err), &err);
        assert_ok(pgc_copy_int8(c, i, &err), &err);
        assert_ok(pgc_copy_text(c, "copied", &err), &err);
    }
    assert_int_equal(rec.n, 0);
    int64_t rows;
    assert_ok(pgc_copy_end(c, &rows, &err), &err);
    assert_int_equal(rows, 100);
    const seen *s = only(&rec, 0);
    assert_event(s, "copy_items", lib_schema(f), PGC_VIA_COPY);
    assert_string_equal(s->sql, rendered(f, "COPY T.items (id, name) FROM STDIN (FORMAT binary)"));
    assert_ok_event(s, 100);

    /* a duplicate key fails the COPY at its end */
    assert_ok(pgc_copy_begin(f->db, &copy_items, &c, &err), &err);
    assert_ok(pgc_copy_row(c, 2, &err), &err);
    assert_ok(pgc_copy_int8(c, 7, &err), &err);
    assert_ok(pgc_copy_text(c, "again", &err), &err);
    assert_int_equal(pgc_copy_end(c, NULL, NULL), PGC_ESQL);
    s = only(&rec, 1);
    assert_int_equal(s->code, PGC_ESQL);
    assert_string_equal(s->sqlstate, "23505");
    assert_int_equal(s->rows, 0);

    /* aborted by the caller */
    assert_ok(pgc_copy_begin(f->db, &copy_items, &c, &err), &err);
    pgc_copy_abort(c);
    s = only(&rec, 2);
    assert_event(s, "copy_items", lib_schema(f), PGC_VIA_COPY);
    assert_int_equal(s->code, PGC_ECANCELED);

    /* refused by the server at its start: no such table */
    static const pgc_stmt copy_nowhere = {
        .name = "copy_nowhere", .sql = "COPY {{tables.nowhere}} FROM STDIN (FORMAT binary)"};
    assert_int_equal(pgc_copy_begin(f->db, &copy_nowhere, &c, NULL), PGC_ESQL);
    s = only(&rec, 3);
    assert_event(s, "copy_nowhere", lib_schema(f), PGC_VIA_COPY);
    assert_string_equal(s->sqlstate, "42P01");
}

/* ---- migrations ------------------------------------------------------------------ */

static void trace__migrate__one_event_per_file_applied(void **state)
{
    fixture *f = *state;
    static const pgc_migration files[] = {
        {1, "001_items.sql", "CREATE TABLE {{tables.items}} (id bigint PRIMARY KEY, name text);",
         NULL},
        {2, "002_seed.sql", "INSERT INTO {{tables.items}} VALUES (1, 'seed');", NULL},
    };
    static const pgc_migration_set set = {"tracetest", 2, files};
    recorder rec = {0};
    pgc_db_set_trace(f->db, record, &rec);
    pgc_error err = {0};
    size_t applied;
    assert_ok(pgc_migrate(f->db, &set, NULL, &applied, &err), &err);
    assert_int_equal(applied, 2);
    assert_int_equal(rec.n, 2);
    assert_event(&rec.ev[0], "001_items.sql", lib_schema(f), PGC_VIA_MIGRATE);
    assert_string_equal(rec.ev[0].sql,
                        rendered(f, "CREATE TABLE T.items (id bigint PRIMARY KEY, name text);"));
    assert_int_equal(rec.ev[0].code, PGC_OK);
    assert_event(&rec.ev[1], "002_seed.sql", lib_schema(f), PGC_VIA_MIGRATE);
    assert_string_equal(rec.ev[1].sql, rendered(f, "INSERT INTO T.items VALUES (1, 'seed');"));
    assert_false(rec.ev[1].prepared_now);

    assert_ok(pgc_migrate(f->db, &set, NULL, &applied, &err), &err);
    assert_int_equal(applied, 0);
    assert_int_equal(rec.n, 2); /* nothing applied, nothing reported */

    static const pgc_migration more[] = {
        {1, "001_items.sql", "CREATE TABLE {{tables.items}} (id bigint PRIMARY KEY, name text);",
         NULL},
        {2, "002_seed.sql", "INSERT INTO {{tables.items}} VALUES (1, 'seed');", NULL},
        {3, "003_dup.sql", "INSERT INTO {{tables.items}} VALUES (1, 'dup');", NULL},
    };
    static const pgc_migration_set bad_set = {"tracetest", 3, more};
    assert_int_equal(pgc_migrate(f->db, &bad_set, NULL, NULL, &err), PGC_ESQL);
    const seen *s = only(&rec, 2);
    assert_event(s, "003_dup.sql", lib_schema(f), PGC_VIA_MIGRATE);
    assert_int_equal(s->code, PGC_ESQL);
    assert_string_equal(s->sqlstate, "23505");
}

/* ---- hooks of a pool and of a db ------------------------------------------------ */

/*
 * Embedded: two libraries on one pool, "lib" and "other".  The pool's hook
 * sees both, each with its schema; a db's hook only its own.  Standalone:
 * the db's pool is its own, and both hooks see the same statements.
 */
static void trace__pool_hook_sees_every_library__db_hook_its_own(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    pgc_error err = {0};
    pgc_db *other = NULL;
    if (f->mode == EMBEDDED) {
        assert_ok(pgc_db_attach(&other, f->pool, "other", &err), &err);
        create_items(other);
    }
    recorder pool_rec = {0}, lib_rec = {0}, other_rec = {0};
    pgc_pool_set_trace(pgc_db_pool(f->db), record, &pool_rec);
    pgc_db_set_trace(f->db, record, &lib_rec);
    if (other)
        pgc_db_set_trace(other, record, &other_rec);

    assert_ok(insert(f->db, 1, &err), &err);
    if (other) {
        assert_ok(insert(other, 1, &err), &err);
        assert_ok(insert(other, 2, &err), &err);
    }
    assert_int_equal(lib_rec.n, 1);
    assert_event(&lib_rec.ev[0], "insert_item", lib_schema(f), PGC_VIA_QUERY);
    if (other) {
        assert_int_equal(pool_rec.n, 3);
        assert_string_equal(pool_rec.ev[0].schema, "lib");
        assert_string_equal(pool_rec.ev[1].schema, "other");
        assert_string_equal(pool_rec.ev[1].sql,
                            "INSERT INTO \"other\".items (id, name) VALUES ($1, $2)");
        assert_string_equal(pool_rec.ev[2].schema, "other");
        assert_int_equal(other_rec.n, 2);
        assert_event(&other_rec.ev[0], "insert_item", "other", PGC_VIA_QUERY);
        assert_true(other_rec.ev[0].prepared_now); /* its own statement name */
        assert_memory_equal(&other_rec.ev[1], &pool_rec.ev[2], sizeof(seen));
        assert_int_equal(pgc_db_close(other), PGC_OK);
    } else {
        assert_int_equal(pool_rec.n, 1);
        assert_memory_equal(&pool_rec.ev[0], &lib_rec.ev[0], sizeof(seen));
    }
}

/* A hook removed (NULL) sees nothing more; the other keeps seeing. */
static void trace__removed_hook__stops_events(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    recorder pool_rec = {0}, db_rec = {0};
    pgc_pool *pool = pgc_db_pool(f->db);
    pgc_pool_set_trace(pool, record, &pool_rec);
    pgc_db_set_trace(f->db, record, &db_rec);
    pgc_error err = {0};
    assert_ok(insert(f->db, 1, &err), &err);
    assert_int_equal(pool_rec.n, 1);
    assert_int_equal(db_rec.n, 1);
    pgc_db_set_trace(f->db, NULL, NULL);
    assert_ok(insert(f->db, 2, &err), &err);
    assert_int_equal(pool_rec.n, 2);
    assert_int_equal(db_rec.n, 1);
    pgc_pool_set_trace(pool, NULL, NULL);
    assert_ok(insert(f->db, 3, &err), &err);
    assert_ok(pgc_exec(f->db, "SELECT 1", NULL, &err), &err);
    pgc_stream *st;
    pgc_result *row;
    assert_ok(pgc_stream_open(f->db, &all_items, NULL, NULL, NULL, &st, &err), &err);
    while (pgc_stream_next(st, &row, &err) == PGC_OK)
        ;
    pgc_stream_close(st);
    assert_int_equal(pool_rec.n, 2);
    assert_int_equal(db_rec.n, 1);
}

/* ---- README's hooks ---------------------------------------------------------------- */

/* The slow log writes failures and statements over the threshold only. */
static void trace__slow_log__logs_slow_and_failed(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    slow_log log = {500 * 1000000, out}; /* 500 ms: a loaded machine takes well under it to insert */
    pgc_db_set_trace(f->db, slow_log_hook, &log);
    pgc_error err = {0};
    assert_ok(insert(f->db, 1, &err), &err);
    assert_int_equal(insert(f->db, 1, NULL), PGC_ESQL);
    assert_ok(pgc_exec(f->db, "SELECT pg_sleep(0.6)", NULL, &err), &err);
    fclose(out);
    const char *lib = f->mode == EMBEDDED ? "lib." : "";
    char want[128];
    snprintf(want, sizeof want, "%sinsert_item: ", lib);
    char *first = strstr(text, want);
    assert_non_null(first);
    assert_non_null(strstr(first, "rows, backend "));
    assert_non_null(strstr(first, ", failed: PGC_ESQL 23505\n"));
    assert_null(strstr(first + 1, want)); /* the fast insert is not logged */
    snprintf(want, sizeof want, "%sSELECT pg_sleep(0.6): ", lib);
    assert_non_null(strstr(text, want));
    free(text);
}

/* The histogram counts each statement in its log2 bucket, by schema and
 * name, from several threads. */
typedef struct worker {
    pgc_db *db;
    int first, count;
} worker;

static void *insert_many(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < w->count; i++)
        if (insert(w->db, w->first + i, NULL) != PGC_OK)
            return (void *)1;
    return NULL;
}

static void trace__latency_histogram__counts_per_statement(void **state)
{
    fixture *f = *state;
    create_items(f->db);
    latency_hist *h = malloc(sizeof *h);
    assert_non_null(h);
    latency_hist_init(h);
    pgc_pool_set_trace(pgc_db_pool(f->db), latency_hist_hook, h);
    pthread_t t[3];
    worker w[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (worker){f->db, 1 + 100 * i, 50};
        assert_int_equal(pthread_create(&t[i], NULL, insert_many, &w[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        void *failed;
        pthread_join(t[i], &failed);
        assert_null(failed);
    }
    assert_int_equal(insert(f->db, 1, NULL), PGC_ESQL);
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db, "SELECT 1", NULL, &err), &err);

    latency_stat s;
    const char *key = f->mode == EMBEDDED ? "lib.insert_item" : "insert_item";
    assert_true(latency_hist_get(h, lib_schema(f), "insert_item", &s));
    assert_int_equal(s.count, 151);
    assert_int_equal(s.failed, 1);
    uint64_t in_buckets = 0;
    for (int b = 0; b < LATENCY_BUCKETS; b++)
        in_buckets += s.buckets[b];
    assert_int_equal(in_buckets, 151);
    int64_t p50 = latency_quantile_ns(&s, 0.5), p100 = latency_quantile_ns(&s, 1.0);
    assert_true(p50 > 0 && p50 <= p100);
    assert_true(p100 >= s.max_ns && p100 <= 2 * s.max_ns); /* the max's bucket's bound */
    assert_true(s.total_ns >= s.max_ns);
    assert_true(latency_hist_get(h, lib_schema(f), "(exec)", &s));
    assert_int_equal(s.count, 1);
    assert_false(latency_hist_get(h, lib_schema(f), "nothing", &s));
    assert_false(latency_hist_get(h, f->mode == EMBEDDED ? NULL : "lib", "insert_item", &s));
    assert_int_equal(bucket_of(1), 0);
    assert_int_equal(bucket_of(1024), 10);
    assert_int_equal(bucket_of(2047), 10);
    assert_int_equal(bucket_of(INT64_MAX), LATENCY_BUCKETS - 1);

    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    latency_hist_print(h, out);
    fclose(out);
    assert_non_null(strstr(text, key));
    free(text);
    pgc_pool_set_trace(pgc_db_pool(f->db), NULL, NULL);
    latency_hist_destroy(h);
    free(h);
}

/*
 * README's "Tracing" shows excerpts of examples/trace/trace_hooks.c, each
 * after a line `<!-- excerpt: PATH -->`: each must be found, line for line
 * and contiguous, in that file.
 */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        print_error("cannot open %s (run from the top of the tree)\n", path);
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    return s;
}

static void trace__readme_excerpts__match_the_compiled_file(void **state)
{
    (void)state;
    char *readme = slurp("README.md");
    static const char marker[] = "<!-- excerpt: ";
    int excerpts = 0;
    for (char *p = strstr(readme, marker); p; p = strstr(p + 1, marker)) {
        char path[256];
        assert_int_equal(sscanf(p + sizeof marker - 1, "%255s", path), 1);
        char *code = strstr(p, "```c\n");
        assert_non_null(code);
        code += 5;
        char *end = strstr(code, "```\n");
        assert_non_null(end);
        char *file = slurp(path);
        *end = '\0';
        if (!strstr(file, code))
            print_error("README's excerpt of %s is not in the file:\n%s", path, code);
        assert_non_null(strstr(file, code));
        *end = '`';
        free(file);
        excerpts++;
    }
    assert_true(excerpts >= 2);
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(trace__query__every_field),
        BOTH_MODES(trace__stale_plan_retry__reported_once),
        BOTH_MODES(trace__unnamed_statements__never_prepared_now),
        BOTH_MODES(trace__exec__rendered_text_no_name),
        BOTH_MODES(trace__stream__once_at_its_end),
        BOTH_MODES(trace__batch__one_event_per_call_as_read),
        BOTH_MODES(trace__copy__once_at_the_end),
        BOTH_MODES(trace__migrate__one_event_per_file_applied),
        BOTH_MODES(trace__pool_hook_sees_every_library__db_hook_its_own),
        BOTH_MODES(trace__removed_hook__stops_events),
        BOTH_MODES(trace__slow_log__logs_slow_and_failed),
        BOTH_MODES(trace__latency_histogram__counts_per_statement),
        cmocka_unit_test(trace__readme_excerpts__match_the_compiled_file),
    };
    return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
