/*
 * test_replica.c - the runtime against a hot standby: a plain streaming
 * replica of the test cluster (fixture_replica_start, pg_basebackup -R),
 * started once for the suite.  require_writable refuses a standby and a
 * multi-host conninfo lands on the primary; a statement failing with 25006
 * retires its connection; statements that only read (PGC_STMT_READS) run
 * on the read target (read_conninfo) and everything else on the primary,
 * a scope's reads included; reads fall back to the primary while the
 * replica is down; pgc_migrate refuses a standby.  Each case runs
 * standalone and embedded (two schemas on one shared pool).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "store.h" /* tests/emit/schema, generated */

static pgc_test_cluster *replica;

/* ---- a db of each mode on a config ------------------------------------------ */

/* What a case opens: standalone one db owning its pool; embedded a shared
 * pool and two dbs on it, in schemas "lib" and "lib2". */
typedef struct opened {
    pgc_pool *pool;
    pgc_db *db, *db2; /* db2: embedded only */
} opened;

static int open_mode(const fixture *f, const pgc_config *cfg, opened *o, pgc_error *err)
{
    memset(o, 0, sizeof *o);
    if (f->mode == STANDALONE)
        return pgc_db_open(&o->db, cfg, NULL, err);
    int rc = pgc_pool_open(&o->pool, cfg, err);
    if (rc == PGC_OK && (rc = pgc_db_attach(&o->db, o->pool, "lib", err)) == PGC_OK)
        rc = pgc_db_attach(&o->db2, o->pool, "lib2", err);
    return rc;
}

static void close_mode(opened *o)
{
    assert_int_equal(pgc_db_close(o->db2), PGC_OK);
    assert_int_equal(pgc_db_close(o->db), PGC_OK);
    assert_int_equal(pgc_pool_close(o->pool), PGC_OK);
}

/* The pool of o: the shared one, or the standalone db's own. */
static pgc_pool *pool_of(const opened *o)
{
    return o->pool ? o->pool : pgc_db_pool(o->db);
}

/* The dbs of o, to run a check on each. */
static int dbs_of(const opened *o, pgc_db *out[2])
{
    out[0] = o->db;
    out[1] = o->db2;
    return o->db2 ? 2 : 1;
}

/* ---- statements ------------------------------------------------------------ */

static const pgc_stmt in_recovery_reads = {
    .name = "in_recovery_reads", .sql = "SELECT pg_is_in_recovery()::text",
    .flags = PGC_STMT_READS};
static const pgc_stmt in_recovery_primary = {
    .name = "in_recovery_primary", .sql = "SELECT pg_is_in_recovery()::text",
    .flags = PGC_STMT_READS | PGC_STMT_PRIMARY};
static const pgc_stmt in_recovery_plain = {
    .name = "in_recovery_plain", .sql = "SELECT pg_is_in_recovery()::text"};
static const pgc_stmt count_reads = {
    .name = "count_reads", .sql = "SELECT count(*)::text FROM {{tables.items}}",
    .flags = PGC_STMT_READS};
static const pgc_stmt insert_item = {
    .name = "insert_item",
    .sql = "INSERT INTO {{tables.items}} VALUES ((SELECT coalesce(max(id), 0) + 1 "
           "FROM {{tables.items}}), 'new')"};
static const pgc_stmt series_reads = {
    .name = "series_reads",
    .sql = "SELECT pg_is_in_recovery()::text FROM generate_series(1, 3)",
    .flags = PGC_STMT_READS};

/* The first value of stmt's result on db, malloc'd. */
static char *value_of(pgc_db *db, const pgc_stmt *stmt)
{
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_query(db, stmt, NULL, NULL, NULL, &res, &err), &err);
    assert_int_equal(pgc_result_rows(res), 1);
    char *v = strdup(pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    return v;
}

static void assert_value(pgc_db *db, const pgc_stmt *stmt, const char *want)
{
    char *v = value_of(db, stmt);
    assert_string_equal(v, want);
    free(v);
}

static char *exec_value(pgc_db *db, const char *sql)
{
    pgc_error err = {0};
    pgc_result *res;
    assert_ok(pgc_exec(db, sql, &res, &err), &err);
    char *v = strdup(pgc_result_value(res, 0, 0));
    pgc_result_free(res);
    return v;
}

/* ---- the trace: where statements ran --------------------------------------- */

typedef struct where {
    int n, on_read;
    bool last;
} where;

static void note_where(const pgc_trace_event *ev, void *ud)
{
    where *w = ud;
    w->n++;
    w->on_read += ev->read_target;
    w->last = ev->read_target;
}

/* ---- setup ----------------------------------------------------------------- */

static int suite_setup(void **state)
{
    (void)state;
    replica = fixture_replica_start();
    return 0;
}

static int suite_teardown(void **state)
{
    (void)state;
    fixture_replica_stop(replica);
    return 0;
}

/* The fixture's db, and the replica has its database and tables. */
static int case_setup(void **state)
{
    fixture_setup(state);
    fixture *f = *state;
    fixture_create_items(f->db, 2, "item");
    fixture_replica_catch_up(f, replica);
    return 0;
}

static int case_teardown(void **state)
{
    pgc_error err = {0};
    assert_ok(pgc_test_cluster_resume(replica, &err), &err); /* after replica_down */
    return fixture_teardown(state);
}

/* The replica's conninfo for f's database (freed by the caller). */
#define REPLICA(f) fixture_replica_conninfo((f), replica)

/* ---- require_writable -------------------------------------------------------- */

static void require_writable__standby__refused_off_accepts(void **state)
{
    fixture *f = *state;
    char *conninfo = REPLICA(f);
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    opened o;
    assert_int_equal(open_mode(f, cfg, &o, &err), PGC_ECONNECT);
    char where_[256];
    snprintf(where_, sizeof where_, "%s:%d is a standby (read-only)",
             pgc_test_cluster_dir(replica), pgc_test_cluster_port(replica));
    if (!strstr(err.message, where_))
        print_error("message: %s\n", err.message);
    assert_non_null(strstr(err.message, where_));
    assert_non_null(strstr(err.message, "require_writable"));
    close_mode(&o);

    assert_ok(pgc_config_set(cfg, "require_writable", "off", &err), &err);
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    for (int i = 0, n = dbs_of(&o, dbs); i < n; i++)
        assert_value(dbs[i], &in_recovery_plain, "true");
    close_mode(&o);
    pgc_config_free(cfg);
    free(conninfo);

    /* A primary whose sessions start read-only is refused too. */
    char ro[768];
    snprintf(ro, sizeof ro, "%s options='-c default_transaction_read_only=on'",
             pgc_testdb_conninfo(f->tdb));
    cfg = pgc_config_new();
    assert_ok(pgc_config_set(cfg, "conninfo", ro, &err), &err);
    assert_int_equal(open_mode(f, cfg, &o, &err), PGC_ECONNECT);
    if (!strstr(err.message, "is read-only: default_transaction_read_only=on"))
        print_error("message: %s\n", err.message);
    assert_non_null(strstr(err.message, "is read-only: default_transaction_read_only=on"));
    close_mode(&o);
    pgc_config_free(cfg);
}

/* host and port of f's database on the primary. */
static void primary_address(const fixture *f, char *host, size_t hsize, char *port,
                            size_t psize)
{
    PQconninfoOption *opts = PQconninfoParse(pgc_testdb_conninfo(f->tdb), NULL);
    assert_non_null(opts);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (strcmp(o->keyword, "host") == 0 && o->val)
            snprintf(host, hsize, "%s", o->val);
        if (strcmp(o->keyword, "port") == 0 && o->val)
            snprintf(port, psize, "%s", o->val);
    }
    PQconninfoFree(opts);
}

/* s with '/' as %2F, for a socket folder in a URI's host. */
static void percent_encode(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 4 < size; s++) {
        if (*s == '/') {
            memcpy(out + n, "%2F", 3);
            n += 3;
        } else {
            out[n++] = *s;
        }
    }
    out[n] = '\0';
}

static void multihost__standby_first__lands_on_primary(void **state)
{
    fixture *f = *state;
    char host[256] = "", port[16] = "", conninfo[768];
    primary_address(f, host, sizeof host, port, sizeof port);
    snprintf(conninfo, sizeof conninfo, "host=%s,%s port=%d,%s user=postgres dbname=%s",
             pgc_test_cluster_dir(replica), host, pgc_test_cluster_port(replica), port,
             pgc_testdb_name(f->tdb));
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    assert_ok(pgc_config_set(cfg, "max_connections", "2", &err), &err);
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    for (int i = 0, n = dbs_of(&o, dbs); i < n; i++)
        assert_value(dbs[i], &in_recovery_plain, "false");
    close_mode(&o);
    pgc_config_free(cfg);

    /* The same as a multi-host URI (socket folders percent-encoded). */
    char uri[1024], rdir[256], pdir[256];
    percent_encode(pgc_test_cluster_dir(replica), rdir, sizeof rdir);
    percent_encode(host, pdir, sizeof pdir);
    snprintf(uri, sizeof uri, "postgresql://%s:%d,%s:%s/%s?user=postgres", rdir,
             pgc_test_cluster_port(replica), pdir, port, pgc_testdb_name(f->tdb));
    cfg = pgc_config_new();
    assert_ok(pgc_config_set(cfg, "conninfo", uri, &err), &err);
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    for (int i = 0, n = dbs_of(&o, dbs); i < n; i++)
        assert_value(dbs[i], &in_recovery_plain, "false");
    close_mode(&o);
    pgc_config_free(cfg);

    /* What pgc asked libpq for: with target_session_attrs=any chosen by the
       conninfo, libpq takes the standby, which require_writable refuses. */
    strncat(conninfo, " target_session_attrs=any", sizeof conninfo - strlen(conninfo) - 1);
    cfg = pgc_config_new();
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    assert_int_equal(open_mode(f, cfg, &o, &err), PGC_ECONNECT);
    assert_non_null(strstr(err.message, "is a standby"));
    close_mode(&o);
    pgc_config_free(cfg);
}

/* PGHOST and PGPORT listing the standby then the primary, and a conninfo that
 * names no host: libpq reads the hosts from the environment, so pgc asks for
 * read-write there too (it looked only at the conninfo, and libpq took the
 * standby, which require_writable refused: PGC_ECONNECT). */
static void multihost_in_pghost__standby_first__lands_on_primary(void **state)
{
    fixture *f = *state;
    char host[256] = "", port[16] = "", hosts[600], ports[64], conninfo[300];
    primary_address(f, host, sizeof host, port, sizeof port);
    snprintf(hosts, sizeof hosts, "%s,%s", pgc_test_cluster_dir(replica), host);
    snprintf(ports, sizeof ports, "%d,%s", pgc_test_cluster_port(replica), port);
    snprintf(conninfo, sizeof conninfo, "user=postgres dbname=%s", pgc_testdb_name(f->tdb));
    setenv("PGHOST", hosts, 1);
    setenv("PGPORT", ports, 1);
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    opened o;
    int rc = open_mode(f, cfg, &o, &err);
    unsetenv("PGHOST");
    unsetenv("PGPORT");
    assert_ok(rc, &err);
    pgc_db *dbs[2];
    for (int i = 0, n = dbs_of(&o, dbs); i < n; i++)
        assert_value(dbs[i], &in_recovery_plain, "false");
    close_mode(&o);
    pgc_config_free(cfg);
}

/* ---- 25006: a read-only connection is retired ------------------------------- */

static void read_only_connection__25006__retired(void **state)
{
    fixture *f = *state;
    pgc_config *cfg = fixture_config(f, "max_connections", "1", NULL);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    for (int i = 1; i < n; i++)
        fixture_create_items(dbs[i], 0, "x");
    pgc_pool_stats before, after;
    pgc_pool *pool = pool_of(&o);
    /* Each write path: a statement (pgc_query), a text of SQL (pgc_exec), a
       statement in a scope.  The one connection is made read-only by the
       first db; the write fails on the last db (embedded: another library
       on the same connection). */
    for (int path = 0; path < 3; path++) {
        pgc_db *setter = dbs[0], *writer = dbs[n - 1];
        assert_ok(pgc_exec(setter, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                           NULL, &err),
                  &err);
        pgc_pool_stats_get(pool, &before);
        int rc;
        if (path == 0) {
            rc = pgc_query(writer, &insert_item, NULL, NULL, NULL, NULL, &err);
        } else if (path == 1) {
            rc = pgc_exec(writer, "INSERT INTO {{tables.items}} VALUES (100, 'x')", NULL, &err);
        } else {
            pgc_db *tx;
            assert_ok(pgc_tx_begin(writer, &tx, &err), &err);
            rc = pgc_query(tx, &insert_item, NULL, NULL, NULL, NULL, &err);
            pgc_error ignored;
            pgc_tx_rollback(tx, &ignored);
        }
        assert_int_equal(rc, PGC_ESQL);
        assert_string_equal(err.sqlstate, "25006");
        pgc_pool_stats_get(pool, &after);
        assert_int_equal(after.closed, before.closed + 1);
        assert_int_equal(after.total, 0);
        /* The next write gets a new connection, writable. */
        assert_ok(pgc_query(writer, &insert_item, NULL, NULL, NULL, NULL, &err), &err);
        pgc_pool_stats_get(pool, &after);
        assert_int_equal(after.opened, before.opened + 1);
    }
    char *count = exec_value(dbs[n - 1], "SELECT count(*) FROM {{tables.items}}");
    assert_string_equal(count, n == 1 ? "5" : "3"); /* lib2's table starts empty */
    free(count);
    close_mode(&o);
    pgc_config_free(cfg);
}

/* ---- read routing ------------------------------------------------------------ */

static pgc_config *routed_config(const fixture *f, const char *read_conninfo)
{
    return fixture_config(f, "max_connections", "3", "read_conninfo", read_conninfo, NULL);
}

static void reads__on_the_replica_writes_and_scopes_on_the_primary(void **state)
{
    fixture *f = *state;
    char *rc_info = REPLICA(f);
    pgc_config *cfg = routed_config(f, rc_info);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    for (int i = 1; i < n; i++)
        fixture_create_items(dbs[i], 0, "x");
    where w = {0};
    for (int i = 0; i < n; i++) {
        pgc_db *db = dbs[i];
        pgc_db_set_trace(db, note_where, &w);
        /* A read on the replica, twice (the second reuses the connection
           and its prepared statement); the trace says so. */
        assert_value(db, &in_recovery_reads, "true");
        assert_true(w.last);
        assert_value(db, &in_recovery_reads, "true");
        assert_true(w.last);
        /* Flags 0 and PGC_STMT_PRIMARY: the primary. */
        assert_value(db, &in_recovery_plain, "false");
        assert_false(w.last);
        assert_value(db, &in_recovery_primary, "false");
        assert_false(w.last);
        /* A write on the primary; read back on the replica once replayed. */
        assert_ok(pgc_query(db, &insert_item, NULL, NULL, NULL, NULL, &err), &err);
        assert_false(w.last);
        fixture_replica_catch_up(f, replica);
        assert_value(db, &count_reads, i == 0 ? "3" : "1");
        assert_true(w.last);
        /* In a scope: everything on the primary, and a read sees the
           scope's write. */
        pgc_db *tx;
        assert_ok(pgc_tx_begin(db, &tx, &err), &err);
        assert_ok(pgc_query(tx, &insert_item, NULL, NULL, NULL, NULL, &err), &err);
        assert_value(tx, &count_reads, i == 0 ? "4" : "2");
        assert_false(w.last);
        assert_value(tx, &in_recovery_reads, "false");
        assert_false(w.last);
        assert_ok(pgc_tx_commit(tx, &err), &err);
        /* A stream of a read: on the replica. */
        pgc_stream *s;
        assert_ok(pgc_stream_open(db, &series_reads, NULL, NULL, NULL, &s, &err), &err);
        pgc_result *row;
        int rows = 0;
        while (pgc_stream_next(s, &row, &err) == PGC_OK) {
            assert_string_equal(pgc_result_value(row, 0, 0), "true");
            rows++;
        }
        assert_int_equal(err.code, PGC_OK);
        assert_int_equal(rows, 3);
        pgc_stream_close(s);
        assert_true(w.last);
        pgc_db_set_trace(db, NULL, NULL);
    }
    assert_int_equal(w.on_read, 4 * n); /* 2 reads, a count, a stream */
    {
        pgc_pool_stats st, rst;
        pgc_pool_stats_get(pool_of(&o), &st);
        pgc_pool_read_stats_get(pool_of(&o), &rst);
        assert_int_equal(rst.opened, 1); /* one at a time: one connection */
        assert_int_equal(rst.closed, 0);
        assert_int_equal(rst.total, 1);
        assert_int_equal(rst.idle, 1);
        assert_int_equal(rst.in_use, 0);
        assert_int_equal(rst.attached, 0);
        assert_int_equal(st.in_use, 0);
        assert_int_equal(st.total, (int)st.opened); /* nothing retired */
    }
    close_mode(&o);
    pgc_config_free(cfg);
    free(rc_info);
}

static void read_stats__no_read_target__zero(void **state)
{
    fixture *f = *state;
    pgc_pool_stats st;
    memset(&st, 0xff, sizeof st);
    pgc_pool *pool = pgc_db_pool(f->db);
    assert_value(f->db, &in_recovery_reads, "false"); /* no read target: the primary */
    pgc_pool_read_stats_get(pool, &st);
    assert_int_equal(st.total, 0);
    assert_int_equal(st.opened, 0);
    memset(&st, 0xff, sizeof st);
    pgc_pool_read_stats_get(NULL, &st);
    assert_int_equal(st.opened, 0);
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

static void replica_down__reads_on_the_primary(void **state)
{
    fixture *f = *state;
    char *rc_info = REPLICA(f);
    pgc_config *cfg = fixture_config(f, "max_connections", "3", "read_conninfo", rc_info,
                                     "check_after_idle_ms", "0", NULL);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    /* A read connection open and idle when the replica goes. */
    assert_value(dbs[0], &in_recovery_reads, "true");
    assert_ok(pgc_test_cluster_halt(replica, 0, &err), &err);
    for (int i = 0; i < n; i++) {
        assert_value(dbs[i], &in_recovery_reads, "false");
        pgc_stream *s;
        assert_ok(pgc_stream_open(dbs[i], &series_reads, NULL, NULL, NULL, &s, &err), &err);
        pgc_result *row;
        assert_int_equal(pgc_stream_next(s, &row, &err), PGC_OK);
        assert_string_equal(pgc_result_value(row, 0, 0), "false");
        pgc_stream_close(s);
    }
    {
        pgc_pool_stats rst;
        pgc_pool_read_stats_get(pool_of(&o), &rst);
        assert_int_equal(rst.opened, 1);
        assert_int_equal(rst.closed, 1); /* the one the replica's shutdown ended */
        assert_int_equal(rst.total, 0);
    }
    /* Back: reads return to it once the hold-off (1 s) has passed. */
    assert_ok(pgc_test_cluster_resume(replica, &err), &err);
    sleep_ms(1100);
    for (int i = 0; i < n; i++)
        assert_value(dbs[i], &in_recovery_reads, "true");
    close_mode(&o);

    /* A db opened while the replica is down: its reads go to the primary. */
    assert_ok(pgc_test_cluster_halt(replica, 0, &err), &err);
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    n = dbs_of(&o, dbs);
    for (int i = 0; i < n; i++)
        assert_value(dbs[i], &in_recovery_reads, "false");
    close_mode(&o);
    pgc_config_free(cfg);
    free(rc_info);
}

/* A read target that is a primary (prefer-standby with no standby up, or a
 * standby promoted by a failover): its connections are recycled once 2 s
 * old, so that reads find a standby that comes back; younger ones are
 * kept. */
static void read_target_on_a_primary__recycled_after_2s(void **state)
{
    fixture *f = *state;
    pgc_config *cfg = fixture_config(f, "max_connections", "2", "read_conninfo",
                                     pgc_testdb_conninfo(f->tdb), NULL);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    pgc_pool_stats rst;
    for (int i = 0; i < n; i++)
        assert_value(dbs[i], &in_recovery_reads, "false");
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(rst.opened, 1);
    assert_int_equal(rst.closed, 0); /* young: kept */
    sleep_ms(2100);
    assert_value(dbs[0], &in_recovery_reads, "false"); /* given back old: retired */
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(rst.closed, 1);
    assert_int_equal(rst.total, 0);
    for (int i = 0; i < n; i++)
        assert_value(dbs[i], &in_recovery_reads, "false"); /* a new one, kept */
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(rst.opened, 2);
    assert_int_equal(rst.closed, 1);
    close_mode(&o);
    pgc_config_free(cfg);
}

/* A statement flagged PGC_STMT_READS that writes (a wrong -- pgc:reads) runs
 * on the read target and fails there with 25006, as it will every time:
 * the standby is read-only by design.  Its connection is fine (not retired)
 * and the retry policy does not run it again (it did, on fresh connections
 * each time, for the whole retry_timeout_ms). */
static void reads_flag_on_a_write__25006_on_the_replica__not_retried_not_retired(void **state)
{
    fixture *f = *state;
    char *rc_info = REPLICA(f);
    pgc_config *cfg = fixture_config(f, "max_connections", "3", "read_conninfo", rc_info,
                                     "retry_timeout_ms", "3000", NULL);
    const pgc_stmt write_flagged_reads = {.name = "write_flagged_reads",
                                          .sql = insert_item.sql, .flags = PGC_STMT_READS};
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    for (int i = 1; i < n; i++)
        fixture_create_items(dbs[i], 0, "x");
    fixture_replica_catch_up(f, replica);
    for (int i = 0; i < n; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(pgc_query(dbs[i], &write_flagged_reads, NULL, NULL, NULL, NULL, &err),
                         PGC_ESQL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_string_equal(err.sqlstate, "25006");
        assert_null(strstr(err.message, "tries in"));
        long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        assert_true(ms < 1000);
    }
    pgc_pool_stats rst;
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(rst.opened, 1);
    assert_int_equal(rst.closed, 0);
    close_mode(&o);
    pgc_config_free(cfg);
    free(rc_info);
}

/* ---- threads: both sets of connections shared (run under TSan: mk/tsan.mk) --- */

typedef struct mixer {
    pgc_db *db;
    int iterations, failed;
    pgc_error err; /* the last failure */
} mixer;

static const pgc_stmt touch_item = {
    .name = "touch_item", .sql = "UPDATE {{tables.items}} SET id = id WHERE id = 1"};

/* Reads, writes and streams of reads, interleaved. */
static void *mix_work(void *arg)
{
    mixer *m = arg;
    pgc_error err = {0};
    for (int i = 0; i < m->iterations; i++) {
        pgc_result *res = NULL;
        if (pgc_query(m->db, i % 3 ? &in_recovery_reads : &touch_item, NULL, NULL, NULL,
                      &res, &err) != PGC_OK) {
            m->failed++;
            m->err = err;
        }
        pgc_result_free(res);
        pgc_stream *s;
        if (i % 4 == 0 && pgc_stream_open(m->db, &series_reads, NULL, NULL, NULL, &s, &err)
                              == PGC_OK) {
            pgc_result *row;
            while (pgc_stream_next(s, &row, &err) == PGC_OK)
                ;
            pgc_stream_close(s);
        }
    }
    return NULL;
}

static void run_mixers(pgc_db *const *dbs, int n)
{
    enum { N = 4 };
    pthread_t t[N];
    mixer m[N];
    for (int i = 0; i < N; i++) {
        m[i] = (mixer){.db = dbs[i % n], .iterations = 30};
        assert_int_equal(pthread_create(&t[i], NULL, mix_work, &m[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        if (m[i].failed)
            print_error("thread %d: %d failed, last: %s: %s [%s]\n", i, m[i].failed,
                        pgc_code_name(m[i].err.code), m[i].err.message, m[i].err.sqlstate);
        assert_int_equal(m[i].failed, 0);
    }
}

/* Four threads on two connections of each set, the replica up then down
 * (reads fall back, the hold-off raced): every call succeeds, and every
 * connection is back in the set it came from. */
static void threads__reads_and_writes__both_sets_consistent(void **state)
{
    fixture *f = *state;
    char *rc_info = REPLICA(f);
    pgc_config *cfg = fixture_config(f, "max_connections", "2", "read_conninfo", rc_info,
                                     "check_after_idle_ms", "0", NULL);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    for (int i = 1; i < n; i++)
        fixture_create_items(dbs[i], 0, "x");
    fixture_replica_catch_up(f, replica);
    run_mixers(dbs, n);
    assert_ok(pgc_test_cluster_halt(replica, 0, &err), &err);
    run_mixers(dbs, n);
    pgc_pool_stats st, rst;
    pgc_pool_stats_get(pool_of(&o), &st);
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.total, st.idle);
    assert_true(st.total <= 2);
    assert_int_equal(rst.in_use, 0);
    assert_int_equal(rst.total, rst.idle);
    assert_true(rst.opened >= 1);
    close_mode(&o);
    pgc_config_free(cfg);
    free(rc_info);
}

/* ---- migrations ---------------------------------------------------------------- */

static void migrate__standby__refused_nothing_changed(void **state)
{
    fixture *f = *state;
    char *conninfo = REPLICA(f);
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", conninfo, &err), &err);
    assert_ok(pgc_config_set(cfg, "require_writable", "off", &err), &err);
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    static const pgc_migration files[] = {
        {1, "001_init.sql", "CREATE TABLE {{tables.migrated}} (id int)", NULL}};
    const pgc_migration_set set = {"app", 1, files};
    pgc_db *dbs[2];
    for (int i = 0, n = dbs_of(&o, dbs); i < n; i++) {
        size_t applied = 99;
        assert_int_equal(pgc_migrate(dbs[i], &set, NULL, &applied, &err), PGC_EMIGRATION);
        assert_int_equal(applied, 0);
        char want[256];
        snprintf(want, sizeof want, "%s:%d is a standby", pgc_test_cluster_dir(replica),
                 pgc_test_cluster_port(replica));
        if (!strstr(err.message, want))
            print_error("message: %s\n", err.message);
        assert_non_null(strstr(err.message, want));
        assert_non_null(strstr(err.message, "migrations run on the primary"));
        pgc_migrate_options dry = {.dry_run = 1};
        assert_int_equal(pgc_migrate(dbs[i], &set, &dry, &applied, &err), PGC_EMIGRATION);
    }
    close_mode(&o);
    /* Nothing on the primary either: no table, no tracking table. */
    char *found = fixture_scalar(f, "SELECT count(*) FROM pg_class "
                                    "WHERE relname IN ('migrated', 'pgc_migrations')");
    assert_string_equal(found, "0");
    free(found);
    pgc_config_free(cfg);
    free(conninfo);
}

/* ---- a generated library ---------------------------------------------------- */

/* The fixture's db, nothing created: the generated library migrates its own. */
static int plain_setup(void **state)
{
    return fixture_setup(state);
}

static void generated__reads_on_the_replica__no_change_by_the_caller(void **state)
{
    fixture *f = *state;
    char *rc_info = REPLICA(f);
    pgc_config *cfg = routed_config(f, rc_info);
    pgc_error err = {0};
    opened o;
    assert_ok(open_mode(f, cfg, &o, &err), &err);
    pgc_db *dbs[2];
    int n = dbs_of(&o, dbs);
    for (int i = 0; i < n; i++)
        assert_ok(store_migrate(dbs[i], &err), &err); /* on the primary */
    fixture_replica_catch_up(f, replica);
    where w = {0};
    for (int i = 0; i < n; i++) {
        pgc_db_set_trace(dbs[i], note_where, &w);
        /* CountItems only reads: pgc generate flagged it, the call goes to
           the replica; RenameItem writes: the primary. */
        store_count_items_row row;
        assert_ok(store_count_items(dbs[i], &row, &err), &err);
        assert_int_equal(row.total, 0);
        assert_true(w.last);
        assert_ok(store_rename_item(dbs[i], "a", "b", &err), &err);
        assert_false(w.last);
        pgc_db_set_trace(dbs[i], NULL, NULL);
    }
    assert_int_equal(w.on_read, n);
    pgc_pool_stats rst;
    pgc_pool_read_stats_get(pool_of(&o), &rst);
    assert_int_equal(rst.opened, 1);
    close_mode(&o);
    pgc_config_free(cfg);
    free(rc_info);
}

#define CASE(fn)                                                                        \
    {#fn "/standalone", fn, case_setup, case_teardown, (void *)&fixture_standalone},    \
    {#fn "/embedded", fn, case_setup, case_teardown, (void *)&fixture_embedded}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CASE(require_writable__standby__refused_off_accepts),
        CASE(multihost__standby_first__lands_on_primary),
        CASE(multihost_in_pghost__standby_first__lands_on_primary),
        CASE(read_only_connection__25006__retired),
        CASE(reads__on_the_replica_writes_and_scopes_on_the_primary),
        CASE(read_stats__no_read_target__zero),
        CASE(replica_down__reads_on_the_primary),
        CASE(read_target_on_a_primary__recycled_after_2s),
        CASE(reads_flag_on_a_write__25006_on_the_replica__not_retried_not_retired),
        CASE(threads__reads_and_writes__both_sets_consistent),
        CASE(migrate__standby__refused_nothing_changed),
        {"generated__reads_on_the_replica__no_change_by_the_caller/standalone",
         generated__reads_on_the_replica__no_change_by_the_caller, plain_setup, case_teardown,
         (void *)&fixture_standalone},
        {"generated__reads_on_the_replica__no_change_by_the_caller/embedded",
         generated__reads_on_the_replica__no_change_by_the_caller, plain_setup, case_teardown,
         (void *)&fixture_embedded},
    };
    return cmocka_run_group_tests(tests, suite_setup, suite_teardown);
}
