/*
 * test_db.c - statements, results and transactions on a db, in both modes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "pgc_gen.h"

static const pgc_stmt insert_user = {
    .name = "insert_user",
    .sql = "INSERT INTO {{tables.users}} (id, name, score) VALUES ($1, $2, $3)",
    .nparams = 3};
static const pgc_stmt get_user = {.name = "get_user",
                                  .sql = "SELECT name, score FROM {{tables.users}} WHERE id = $1",
                                  .nparams = 1};
static const pgc_stmt count_users = {.name = "count_users",
                                     .sql = "SELECT count(*) FROM {{tables.users}}"};

static void create_users(fixture *f)
{
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.users}} (id bigint PRIMARY KEY, name text,"
                       " score int NOT NULL DEFAULT 0)",
                       NULL, &err),
              &err);
}

static int add_user(pgc_db *db, const char *id, const char *name, const char *score,
                    pgc_error *err)
{
    const char *values[] = {id, name, score};
    return pgc_query(db, &insert_user, values, NULL, NULL, NULL, err);
}

static long users(pgc_db *db)
{
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_query(db, &count_users, NULL, NULL, NULL, &res, &err), &err);
    long n = strtol(pgc_result_value(res, 0, 0), NULL, 10);
    pgc_result_free(res);
    return n;
}

static void query__text_params__round_trip(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "1", "ada", "36", &err), &err);
    const char *values[] = {NULL, "o'brien; DROP TABLE users", "7"};
    values[0] = "2";
    assert_ok(pgc_query(f->db, &insert_user, values, NULL, NULL, NULL, &err), &err);

    pgc_result *res;
    const char *id[] = {"2"};
    assert_ok(pgc_query(f->db, &get_user, id, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_rows(res), 1);
    assert_int_equal(pgc_result_cols(res), 2);
    assert_string_equal(pgc_result_name(res, 0), "name");
    assert_string_equal(pgc_result_value(res, 0, 0), "o'brien; DROP TABLE users");
    assert_string_equal(pgc_result_value(res, 0, 1), "7");
    assert_int_equal(pgc_result_type(res, 1), 23 /* int4 */);
    pgc_result_free(res);
    assert_int_equal(users(f->db), 2);
}

static void query__null_param__is_null(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "1", NULL, "0", &err), &err);
    pgc_result *res;
    const char *id[] = {"1"};
    assert_ok(pgc_query(f->db, &get_user, id, NULL, NULL, &res, &err), &err);
    assert_true(pgc_result_is_null(res, 0, 0));
    assert_false(pgc_result_is_null(res, 0, 1));
    pgc_result_free(res);
}

static void query__binary_params_and_results(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "5000000000", "big", "-3", &err), &err);

    static const Oid types[] = {20 /* int8 */};
    static const pgc_stmt get_bin = {.name = "get_user_bin",
                                     .sql = "SELECT id, score FROM {{tables.users}} WHERE id = $1",
                                     .nparams = 1,
                                     .param_types = types,
                                     .result_format = 1};
    uint64_t id = 5000000000ULL;
    unsigned char wire[8];
    for (int i = 0; i < 8; i++)
        wire[i] = (unsigned char)(id >> (56 - 8 * i));
    const char *values[] = {(const char *)wire};
    const int lengths[] = {8}, formats[] = {1};
    pgc_result *res;
    assert_ok(pgc_query(f->db, &get_bin, values, lengths, formats, &res, &err), &err);
    assert_int_equal(pgc_result_rows(res), 1);
    assert_int_equal(pgc_result_length(res, 0, 0), 8);
    assert_int_equal(pgc_result_length(res, 0, 1), 4);
    const unsigned char *p = (const unsigned char *)pgc_result_value(res, 0, 0);
    uint64_t got = 0;
    for (int i = 0; i < 8; i++)
        got = got << 8 | p[i];
    assert_true(got == id);
    uint32_t score;
    memcpy(&score, pgc_result_value(res, 0, 1), 4);
    assert_int_equal((int32_t)ntohl(score), -3);
    pgc_result_free(res);
}

/* The table lands in the db's schema: "lib" embedded, "public" standalone. */
static void query__templates__render_into_the_schema(void **state)
{
    fixture *f = *state;
    create_users(f);
    char *schema = fixture_scalar(f, "SELECT schemaname FROM pg_tables WHERE tablename = 'users'");
    assert_non_null(schema);
    assert_string_equal(schema, f->mode == EMBEDDED ? "lib" : "public");
    free(schema);
}

/*
 * One prepared statement per connection, whose name carries the schema:
 * after many calls on a one-connection pool, the server lists it once.
 */
static void query__prepared_once_per_connection(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_config *cfg = fixture_config(f, "max_connections", "1", NULL);
    pgc_pool *pool;
    assert_ok(pgc_pool_open(&pool, cfg, &err), &err);
    pgc_config_free(cfg);
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, pgc_db_schema(f->db), &err), &err);
    for (int i = 0; i < 5; i++)
        assert_int_equal(users(db), 0);
    static const pgc_stmt prepared = {
        .name = "list_prepared",
        .sql = "SELECT string_agg(name, ',') FROM pg_prepared_statements WHERE statement NOT LIKE "
               "'%pg_prepared_statements%'"};
    pgc_result *res;
    assert_ok(pgc_query(db, &prepared, NULL, NULL, NULL, &res, &err), &err);
    const char *names = pgc_result_value(res, 0, 0);
    assert_null(strchr(names, ','));          /* exactly one */
    assert_non_null(strstr(names, "pgc_count_users_"));
    if (f->mode == EMBEDDED)
        assert_non_null(strstr(names, "_lib_"));
    pgc_result_free(res);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    assert_int_equal(pgc_pool_close(pool), PGC_OK);
}

static void query__unique_violation__reports_sqlstate(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "1", "a", "1", &err), &err);
    assert_int_equal(add_user(f->db, "1", "b", "2", &err), PGC_ESQL);
    assert_int_equal(err.code, PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "insert_user");
    assert_non_null(strstr(err.message, "duplicate key"));
    assert_non_null(strstr(err.detail, "(id)=(1)"));
    assert_string_equal(err.constraint_name, "users_pkey");
    assert_string_equal(err.table_name, "users");
    /* the pool is fine afterwards */
    assert_int_equal(users(f->db), 1);
}

/* A library wraps an error in its own words, the message itself among them,
 * keeping the server's fields with pgc_error_prefix. */
static void error__set_and_prefix__may_quote_the_record_itself(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "1", "a", "1", &err), &err);
    assert_int_equal(add_user(f->db, "1", "b", "2", &err), PGC_ESQL);
    char original[sizeof err.message];
    memcpy(original, err.message, sizeof original);

    pgc_error_prefix(&err, "mylib: add %s: ", err.statement);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.constraint_name, "users_pkey");
    assert_true(strncmp(err.message, "mylib: add insert_user: ", 24) == 0);
    assert_string_equal(err.message + 24, original);

    assert_int_equal(pgc_error_set(&err, PGC_EINVAL, "wrapped: %s", err.message), PGC_EINVAL);
    assert_int_equal(err.code, PGC_EINVAL);
    assert_string_equal(err.sqlstate, "");
    assert_string_equal(err.constraint_name, "");
    assert_true(strncmp(err.message, "wrapped: mylib: add insert_user: ", 33) == 0);
    assert_string_equal(err.message + 33, original);
    assert_int_equal(pgc_error_set(NULL, PGC_ENOROW, "x"), PGC_ENOROW);
}

/* A server error position maps back through the template to the source. */
static void query__syntax_error__has_source_line_and_column(void **state)
{
    fixture *f = *state;
    create_users(f);
    static const pgc_stmt bad = {
        .name = "bad", .sql = "SELECT id\nFROM {{tables.users}}\nWHERE id = = $1", .nparams = 1};
    const char *values[] = {"1"};
    pgc_error err = {0};
    assert_int_equal(pgc_query(f->db, &bad, values, NULL, NULL, NULL, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "42601");
    assert_string_equal(err.statement, "bad");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 12); /* the second '=' */
}

/* A statement that names its file (as generated code does): the position
 * is the file's, on the statement's first line counted from its column. */
static void query__error_in_a_named_file__has_the_file_position(void **state)
{
    fixture *f = *state;
    create_users(f);
    static const pgc_stmt bad = {.name = "bad", .sql = "SELECT id\nFROM {{tables.users}}\nWHERE id = = $1",
                                 .nparams = 1, .file = "sql/q.sql", .line = 40, .column = 5};
    static const pgc_stmt bad1 = {.name = "bad1", .sql = "SELECT id FROM {{tables.users}} WHERE = 1",
                                  .file = "sql/q.sql", .line = 7, .column = 3};
    const char *values[] = {"1"};
    pgc_error err = {0};
    assert_int_equal(pgc_query(f->db, &bad, values, NULL, NULL, NULL, &err), PGC_ESQL);
    assert_int_equal(err.line, 42);
    assert_int_equal(err.column, 12);
    assert_string_equal(err.message, "sql/q.sql:42:12: syntax error at or near \"=\"");
    pgc_error_clear(&err);
    assert_int_equal(pgc_query(f->db, &bad1, NULL, NULL, NULL, NULL, &err), PGC_ESQL);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 3 + 38);
    assert_string_equal(err.message, "sql/q.sql:7:41: syntax error at or near \"=\"");
}

static void query__bad_template__is_refused_before_the_server(void **state)
{
    fixture *f = *state;
    static const pgc_stmt bad = {.name = "bad_tpl", .sql = "SELECT 1 FROM {{tables.a-b}}"};
    pgc_error err = {0};
    int rc = pgc_query(f->db, &bad, NULL, NULL, NULL, NULL, &err);
    assert_true(rc == PGC_ETEMPLATE || rc == PGC_EIDENT);
    assert_string_equal(err.statement, "bad_tpl");
    assert_int_equal(err.line, 1);
}

static void exec__several_statements__last_result(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}}; CREATE TABLE {{tables.t}} (x int); INSERT INTO {{tables.t}} VALUES (1),"
                       " (2); SELECT sum(x) FROM {{tables.t}} -- {{tables.t}} untouched",
                       &res, &err),
              &err);
    assert_string_equal(pgc_result_value(res, 0, 0), "3");
    pgc_result_free(res);
}


/* Statements built at one stack address are told apart by what they hold. */
static const char *run_on_stack(pgc_db *db, const char *name, const char *sql, char *out,
                                size_t size, pgc_error *err)
{
    pgc_stmt stmt = {.name = name, .sql = sql};
    pgc_result *res;
    if (pgc_query(db, &stmt, NULL, NULL, NULL, &res, err) != PGC_OK)
        return NULL;
    snprintf(out, size, "%s", pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    return out;
}

static void query__statements_at_one_address__are_not_confused(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    char buf[32];
    assert_string_equal(run_on_stack(f->db, "a", "SELECT 'first'", buf, sizeof buf, &err),
                        "first");
    assert_string_equal(run_on_stack(f->db, "b", "SELECT 'second'", buf, sizeof buf, &err),
                        "second");
    assert_null(run_on_stack(f->db, "c", "SELECT 1/0", buf, sizeof buf, &err));
    assert_string_equal(err.sqlstate, "22012");
    assert_string_equal(err.statement, "c");
}

/* After ALTER TABLE changes a prepared statement's result, the next call
 * prepares again instead of failing on every pooled connection. */
static void query__table_altered__statement_is_prepared_again(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_ok(add_user(f->db, "1", "a", "1", &err), &err);
    static const pgc_stmt all = {.name = "all_users", .sql = "SELECT * FROM {{tables.users}}"};
    pgc_result *res;
    assert_ok(pgc_query(f->db, &all, NULL, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_cols(res), 3);
    pgc_result_free(res);
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.users}} ADD COLUMN email text", NULL, &err),
              &err);
    assert_ok(pgc_query(f->db, &all, NULL, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_cols(res), 4);
    pgc_result_free(res);

    /* In a transaction the failure stands, but the scope after it works. */
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.users}} DROP COLUMN email", NULL, &err),
              &err);
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    int rc = pgc_query(tx, &all, NULL, NULL, NULL, &res, &err);
    if (rc == PGC_OK) { /* it ran on a connection that had not prepared it */
        assert_int_equal(pgc_result_cols(res), 3);
        pgc_result_free(res);
    } else {
        assert_string_equal(err.sqlstate, "0A000");
    }
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_query(tx, &all, NULL, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_cols(res), 3);
    pgc_result_free(res);
    assert_ok(pgc_tx_commit(tx, &err), &err);
}

/* COPY to or from the client cannot run in a text of SQL: refused, and the
 * connection stays usable.  An empty text is fine. */
static void exec__copy_and_empty_text(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    assert_int_equal(pgc_exec(f->db, "COPY {{tables.users}} FROM STDIN", NULL, &err),
                     PGC_EINVAL);
    assert_non_null(strstr(err.message, "COPY"));
    assert_int_equal(pgc_exec(f->db, "COPY {{tables.users}} TO STDOUT", NULL, &err),
                     PGC_EINVAL);
    assert_ok(pgc_exec(f->db, "-- nothing to do", NULL, &err), &err);
    assert_int_equal(users(f->db), 0);
}

/* ---- transactions ---------------------------------------------------------- */

static void tx__commit__spans_several_calls(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_int_equal(pgc_tx_depth(tx), 1);
    assert_ok(add_user(tx, "1", "a", "1", &err), &err);
    assert_ok(add_user(tx, "2", "b", "2", &err), &err);
    assert_int_equal(users(tx), 2);
    char *outside = fixture_scalar(f, f->mode == EMBEDDED ? "SELECT count(*) FROM lib.users"
                                                          : "SELECT count(*) FROM users");
    assert_string_equal(outside, "0"); /* not visible before commit */
    free(outside);
    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_int_equal(users(f->db), 2);
}

static void tx__rollback__discards(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(add_user(tx, "1", "a", "1", &err), &err);
    assert_ok(pgc_tx_rollback(tx, &err), &err);
    assert_int_equal(users(f->db), 0);
}

static void tx__nested_savepoints__roll_back_alone(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_db *tx, *sp;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(add_user(tx, "1", "a", "1", &err), &err);

    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_int_equal(pgc_tx_depth(sp), 2);
    assert_ok(add_user(sp, "2", "b", "2", &err), &err);
    pgc_db *inner;
    assert_ok(pgc_tx_begin(sp, &inner, &err), &err);
    assert_int_equal(pgc_tx_depth(inner), 3);
    assert_ok(add_user(inner, "3", "c", "3", &err), &err);
    assert_ok(pgc_tx_commit(inner, &err), &err);
    assert_ok(pgc_tx_rollback(sp, &err), &err); /* drops 2 and 3 */

    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_ok(add_user(sp, "4", "d", "4", &err), &err);
    assert_ok(pgc_tx_commit(sp, &err), &err);
    assert_ok(pgc_tx_commit(tx, &err), &err);

    char *ids = fixture_scalar(f, f->mode == EMBEDDED
                                      ? "SELECT string_agg(id::text, ',' ORDER BY id) FROM lib.users"
                                      : "SELECT string_agg(id::text, ',' ORDER BY id) FROM users");
    assert_string_equal(ids, "1,4");
    free(ids);
}

static void tx__savepoint__recovers_from_a_failed_statement(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_db *tx, *sp;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(add_user(tx, "1", "a", "1", &err), &err);
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_int_equal(add_user(sp, "1", "dup", "1", &err), PGC_ESQL);
    assert_ok(pgc_tx_rollback(sp, &err), &err);
    assert_ok(add_user(tx, "2", "b", "2", &err), &err);
    assert_ok(pgc_tx_commit(tx, &err), &err);
    assert_int_equal(users(f->db), 2);
}

static void tx__failed_statement__commit_rolls_back(void **state)
{
    fixture *f = *state;
    create_users(f);
    pgc_error err = {0};
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(add_user(tx, "1", "a", "1", &err), &err);
    assert_int_equal(add_user(tx, "1", "dup", "1", &err), PGC_ESQL);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(users(f->db), 0);
}

static void tx__outer_end_with_inner_open__is_refused(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *tx, *sp;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_tx_begin(tx, &sp, &err), &err);
    assert_int_equal(pgc_tx_commit(tx, &err), PGC_ETXSTATE);
    assert_int_equal(pgc_tx_rollback(tx, &err), PGC_ETXSTATE);
    pgc_db *again = (pgc_db *)1;
    assert_int_equal(pgc_tx_begin(tx, &again, &err), PGC_ETXSTATE);
    assert_null(again);
    assert_ok(pgc_tx_commit(sp, &err), &err);
    assert_ok(pgc_tx_commit(tx, &err), &err);
}

static void tx__close_db_with_open_scope__is_busy(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *tx;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_int_equal(pgc_db_close(f->db), PGC_EBUSY);
    assert_ok(pgc_db_close(tx), &err); /* closing a scope rolls it back */
}

/*
 * A refused close says what is still open, word for word: scopes and
 * streams on the db; for the pool, connections checked out and dbs
 * attached (embedded: the fixture's pool; standalone: the db's own).
 */
static void close__busy__error_says_what_is_open(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    static const pgc_stmt one = {.name = "one", .sql = "SELECT 1"};
    pgc_db *tx;
    pgc_stream *s;
    assert_ok(pgc_tx_begin(f->db, &tx, &err), &err);
    assert_ok(pgc_stream_open(f->db, &one, NULL, NULL, NULL, &s, &err), &err);
    assert_int_equal(pgc_db_close_ex(f->db, &err), PGC_EBUSY);
    assert_int_equal(err.code, PGC_EBUSY);
    assert_string_equal(err.message, "pgc_db_close: still open from this db: 1 transaction "
                                     "scope, 1 stream, batch or COPY; end them first");
    pgc_stream_close(s);
    assert_ok(pgc_tx_rollback(tx, &err), &err);

    pgc_pool *pool = f->mode == EMBEDDED ? f->pool : pgc_db_pool(f->db);
    PGconn *pg;
    assert_ok(pgc_pool_acquire(pool, &pg, &err), &err);
    if (f->mode == EMBEDDED) {
        assert_int_equal(pgc_pool_close_ex(pool, &err), PGC_EBUSY);
        assert_string_equal(err.message,
                            "pgc_pool_close: still in use: 1 connection checked out, 0 being "
                            "opened, 1 db attached, 0 threads waiting; close those first");
    } else {
        assert_int_equal(pgc_db_close_ex(f->db, &err), PGC_EBUSY);
        assert_string_equal(err.message,
                            "pgc_db_close: pgc_pool_close: still in use: 1 connection checked "
                            "out, 0 being opened, 0 dbs attached, 0 threads waiting; close "
                            "those first");
    }
    pgc_pool_release(pool, pg);
    pgc_error_clear(&err);
    assert_int_equal(pgc_pool_close_ex(NULL, &err), PGC_OK);
    assert_int_equal(pgc_db_close_ex(NULL, &err), PGC_OK);
    assert_int_equal(err.code, PGC_OK);
}

static void tx__commit_on_a_db__is_refused(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    assert_int_equal(pgc_tx_commit(f->db, &err), PGC_EINVAL);
    assert_int_equal(pgc_tx_depth(f->db), 0);
}

/* ---- schema names ------------------------------------------------------------ */

/* ---- the result's columns, checked once per prepared statement ---------------------------- */

typedef struct chk_row {
    int64_t id;
    const char *note;
    bool note_is_null;
} chk_row;

static const pgc_column chk_columns[] = {
    PGC_COLUMN(chk_row, id, PGC_T_INT8, NULL),
    PGC_COLUMN_NULL(chk_row, note, PGC_T_TEXT, NULL),
};
static const pgc_row_type chk_row_type = PGC_ROW_TYPE(chk_row, chk_columns);

/* A :one call checks the columns the first time its statement runs on a
 * connection and skips the check after; the table changed, the statement
 * is prepared again (0A000) and checked again, every time it fails. */
static void db__row_columns__checked_again_when_prepared_again(void **state)
{
    fixture *f = *state;
    static const pgc_stmt stmt = {.name = "chk", .sql = "SELECT id, note FROM {{tables.chk}}",
                                  .result_format = 1};
    pgc_error err = {0};
    assert_ok(pgc_exec(f->db,
                       "CREATE SCHEMA IF NOT EXISTS {{schema}};"
                       "CREATE TABLE {{tables.chk}} (id int8, note text);"
                       "INSERT INTO {{tables.chk}} VALUES (7, NULL)",
                       NULL, &err),
              &err);
    chk_row row;
    for (int i = 0; i < 3; i++) {
        assert_ok(pgc_query_row(f->db, &stmt, NULL, NULL, &chk_row_type, &row, NULL, &err), &err);
        assert_int_equal(row.id, 7);
        assert_true(row.note_is_null);
    }
    assert_ok(pgc_exec(f->db, "ALTER TABLE {{tables.chk}} ALTER COLUMN id TYPE float8", NULL,
                       &err),
              &err);
    for (int i = 0; i < 2; i++) {
        err = (pgc_error){0};
        assert_int_equal(pgc_query_row(f->db, &stmt, NULL, NULL, &chk_row_type, &row, NULL, &err),
                         PGC_EINVAL);
        assert_non_null(strstr(err.message, "column 1 (id) has type oid 701, the generated code "
                                            "expects 20"));
        assert_int_equal(row.id, 0);
    }
}

/* A statement run on a connection is found again without a lookup
 * (query.c), but not once its db has closed: another db's statement may
 * then be rendered at the same address, for another schema. */
static void db__statement_of_a_closed_db__not_taken_for_another(void **state)
{
    fixture *f = *state;
    static const pgc_stmt get_v = {.name = "get_v", .sql = "SELECT v FROM {{tables.t}}"};
    pgc_pool *pool = pgc_db_pool(f->db);
    pgc_error err = {0};
    const char *schemas[] = {"sa", "sb"};
    for (int i = 0; i < 2; i++) {
        pgc_db *db;
        assert_ok(pgc_db_attach(&db, pool, schemas[i], &err), &err);
        char sql[160];
        snprintf(sql, sizeof sql,
                 "CREATE SCHEMA {{schema}}; CREATE TABLE {{tables.t}} (v int);"
                 " INSERT INTO {{tables.t}} VALUES (%d)", i + 1);
        assert_ok(pgc_exec(db, sql, NULL, &err), &err);
        assert_int_equal(pgc_db_close(db), PGC_OK);
    }
    for (int round = 0; round < 20; round++) {
        int i = round % 2;
        pgc_db *db, *tx;
        pgc_result *res;
        assert_ok(pgc_db_attach(&db, pool, schemas[i], &err), &err);
        /* in a transaction: a statement taken as prepared when it is not
           fails there (26000), where it cannot be prepared and run again */
        assert_ok(pgc_tx_begin(db, &tx, &err), &err);
        assert_ok(pgc_query(tx, &get_v, NULL, NULL, NULL, &res, &err), &err);
        assert_int_equal(atoi(pgc_result_value(res, 0, 0)), i + 1);
        pgc_result_free(res);
        assert_ok(pgc_tx_commit(tx, &err), &err);
        assert_int_equal(pgc_db_close(db), PGC_OK);
    }
}

static void db__hostile_schema_names__are_refused(void **state)
{
    fixture *f = *state;
    char long_name[80];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    const char *bad[] = {"a\"b", "x; DROP TABLE t", long_name, "", "1abc", "a b",
                         "\xff\xfe"};
    pgc_pool *pool = pgc_db_pool(f->db);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pgc_error err = {0};
        pgc_db *db = (pgc_db *)1;
        assert_int_equal(pgc_db_attach(&db, pool, bad[i], &err), PGC_EIDENT);
        assert_null(db);
        assert_non_null(strstr(err.message, "schema name"));
        pgc_config *cfg = fixture_config(f, NULL);
        assert_int_equal(pgc_db_open(&db, cfg, bad[i], &err), PGC_EIDENT);
        assert_null(db);
        pgc_config_free(cfg);
    }
    long_name[63] = '\0'; /* 63 bytes is the limit, and fine */
    pgc_error err = {0};
    pgc_db *db;
    assert_ok(pgc_db_attach(&db, pool, long_name, &err), &err);
    assert_ok(pgc_exec(db, "CREATE SCHEMA {{schema}}; CREATE TABLE {{tables.t}} (x int)", NULL,
                       &err),
              &err);
    assert_int_equal(pgc_db_close(db), PGC_OK);
    char *n = fixture_scalar(f, "SELECT length(schemaname) FROM pg_tables WHERE tablename = 't'");
    assert_string_equal(n, "63");
    free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(query__text_params__round_trip),
        BOTH_MODES(close__busy__error_says_what_is_open),
        BOTH_MODES(query__null_param__is_null),
        BOTH_MODES(query__binary_params_and_results),
        BOTH_MODES(query__templates__render_into_the_schema),
        BOTH_MODES(query__prepared_once_per_connection),
        BOTH_MODES(query__unique_violation__reports_sqlstate),
        BOTH_MODES(query__syntax_error__has_source_line_and_column),
        BOTH_MODES(query__error_in_a_named_file__has_the_file_position),
        BOTH_MODES(error__set_and_prefix__may_quote_the_record_itself),
        BOTH_MODES(query__bad_template__is_refused_before_the_server),
        BOTH_MODES(exec__several_statements__last_result),
        BOTH_MODES(query__statements_at_one_address__are_not_confused),
        BOTH_MODES(query__table_altered__statement_is_prepared_again),
        BOTH_MODES(exec__copy_and_empty_text),
        BOTH_MODES(tx__commit__spans_several_calls),
        BOTH_MODES(tx__rollback__discards),
        BOTH_MODES(tx__nested_savepoints__roll_back_alone),
        BOTH_MODES(tx__savepoint__recovers_from_a_failed_statement),
        BOTH_MODES(tx__failed_statement__commit_rolls_back),
        BOTH_MODES(tx__outer_end_with_inner_open__is_refused),
        BOTH_MODES(tx__close_db_with_open_scope__is_busy),
        BOTH_MODES(tx__commit_on_a_db__is_refused),
        BOTH_MODES(db__hostile_schema_names__are_refused),
        BOTH_MODES(db__row_columns__checked_again_when_prepared_again),
        BOTH_MODES(db__statement_of_a_closed_db__not_taken_for_another),
    };
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
