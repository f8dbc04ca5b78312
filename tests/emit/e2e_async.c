/*
 * e2e_async.c - the generated non-blocking forms end to end: NAME_send and
 * NAME_recv of tests/emit/schema (build/emit/store.[ch]) for every kind of
 * query, against a real server in both dual modes, driven two ways:
 *   async: pgc_async_open on the db (two connections), pgc_async_wait;
 *   pipe:  pgc_pipe_begin (independent, or atomic), pgc_pipe_run.
 * Values and NULLs read back, a :one with no row, a call that fails in the
 * middle of the others, and one library in two schemas on one pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store.h"

static void migrate(pgc_db *db)
{
    pgc_error err = {0};
    assert_ok(store_migrate(db, &err), &err);
}

static void expect_scalar(const fixture *f, const char *sql, const char *want)
{
    char *v = fixture_scalar(f, sql);
    if (!v || strcmp(v, want) != 0)
        print_error("%s\n  got  %s\n  want %s\n", sql, v ? v : "(null)", want);
    assert_non_null(v);
    assert_string_equal(v, want);
    free(v);
}

/* ---- a pgc_async or a pipe, and the calls sent on it ---------------------------------------- */

typedef enum driver { ASYNC, PIPE } driver;

typedef struct runner {
    driver d;
    pgc_async *a;
    int sent, done; /* calls sent; done functions run */
} runner;

static void count_done(pgc_call *call, void *ud)
{
    assert_true(pgc_call_done(call));
    ((runner *)ud)->done++;
}

static void runner_open(runner *r, pgc_db *db, driver d)
{
    pgc_error err = {0};
    *r = (runner){.d = d};
    if (d == PIPE) {
        assert_ok(pgc_pipe_begin(db, PGC_PIPE_INDEPENDENT, &r->a, &err), &err);
    } else {
        pgc_async_options opt = {.connections = 2};
        assert_ok(pgc_async_open(db, &opt, &r->a, &err), &err);
    }
}

/* A call just sent into *call (rc its _send's code): counted, and its done
 * function set. */
static void track(runner *r, int rc, pgc_call *const *call, const pgc_error *err)
{
    assert_ok(rc, err);
    assert_non_null(*call);
    r->sent++;
    pgc_call_on_done(*call, count_done, r);
}

/* Declares `call` and sends it (send_expr gives it &call). */
#define SEND(r, call, send_expr)                                                               \
    pgc_call *call = NULL;                                                                     \
    track((r), (send_expr), &call, &err)

/* Runs what was sent until every call has completed. */
static void runner_run(runner *r)
{
    pgc_error err = {0};
    if (r->d == PIPE)
        assert_ok(pgc_pipe_run(r->a, &err), &err);
    else
        assert_ok(pgc_async_wait(r->a, 20000, &err), &err);
    assert_int_equal(pgc_async_pending(r->a), 0);
    assert_int_equal(r->done, r->sent);
}

/* ---- the values --------------------------------------------------------------------------- */

static const uint8_t bytes_a[] = {0, 1, 2, 0, 255, 0};
static const pgc_uuid uuid_a = {{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0xed, 0xcb,
                                 0xa9, 0x87, 0x65, 0x43, 0x21}};
static const char code_a[] = "it's \"quoted\" \\ — ünïcødé 🐘";

/* Item A, every column set, extremes where they exist. */
static int send_create_a(pgc_async *a, pgc_call **call, pgc_error *err)
{
    pgc_bytes data = {bytes_a, sizeof bytes_a};
    pgc_date born = {-1};
    pgc_timestamp seen = {INT64_C(1234567890123456)}, at = {INT64_MIN};
    int16_t n_small = INT16_MIN;
    int32_t n_medium = INT32_MAX;
    int64_t n_big = INT64_MIN;
    float n_ratio = -0.25f;
    double n_score = 1e300;
    bool n_flag = false;
    pgc_bytes n_data = {NULL, 0};
    pgc_uuid n_ref = {{0}};
    pgc_date n_born = {INT32_MAX};
    pgc_timestamp n_seen = {0}, n_at = {INT64_MAX};
    store_mood n_mood = STORE_MOOD_SAD;
    return store_create_item_send(a, code_a, INT16_MAX, INT32_MIN, INT64_MAX, 1.5f, -2.125, true,
                                  "label ✓", "ab", data, uuid_a, born, seen, at, "-12345.67",
                                  "{\"k\": [1, \"two\"]}", "{\"b\": 2}", STORE_MOOD_IT_S_FINE,
                                  &n_small, &n_medium, &n_big, &n_ratio, &n_score, &n_flag, "",
                                  &n_data, &n_ref, &n_born, &n_seen, &n_at, "0.5", "[]", &n_mood,
                                  call, err);
}

/* Item `code`, every nullable column NULL; flag false. */
static int send_create_plain(pgc_async *a, const char *code, pgc_call **call, pgc_error *err)
{
    pgc_bytes data = {(const uint8_t *)"x", 1};
    pgc_uuid ref = {{1}};
    pgc_date born = {0};
    pgc_timestamp ts = {0};
    return store_create_item_send(a, code, 0, 0, 0, 0, 0, false, "", "xyz", data, ref, born, ts,
                                  ts, "0.05", "null", "null", STORE_MOOD_OK, NULL, NULL, NULL, NULL,
                                  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  call, err);
}

static void check_item_a(const store_get_item_row *r)
{
    assert_string_equal(r->code, code_a);
    assert_int_equal(r->small, INT16_MAX);
    assert_int_equal(r->medium, INT32_MIN);
    assert_true(r->big == INT64_MAX);
    assert_true(r->ratio == 1.5f);
    assert_true(r->score == -2.125);
    assert_true(r->flag);
    assert_string_equal(r->label, "label ✓");
    assert_string_equal(r->initials, "ab ");
    assert_int_equal(r->data.len, sizeof bytes_a);
    assert_memory_equal(r->data.data, bytes_a, sizeof bytes_a);
    assert_memory_equal(r->ref.b, uuid_a.b, 16);
    assert_int_equal(r->born.days, -1);
    assert_true(r->seen.usec == INT64_C(1234567890123456));
    assert_true(r->at.usec == INT64_MIN);
    assert_string_equal(r->price, "-12345.67");
    assert_string_equal(r->docb, "{\"b\": 2}");
    assert_int_equal(r->mood, STORE_MOOD_IT_S_FINE);
    assert_false(r->n_small_is_null);
    assert_int_equal(r->n_small, INT16_MIN);
    assert_false(r->n_big_is_null);
    assert_true(r->n_big == INT64_MIN);
    assert_false(r->n_score_is_null);
    assert_true(r->n_score == 1e300);
    assert_false(r->n_label_is_null);
    assert_string_equal(r->n_label, "");
    assert_false(r->n_data_is_null);
    assert_int_equal(r->n_data.len, 0);
    assert_int_equal(r->n_born.days, INT32_MAX);
    assert_true(r->n_at.usec == INT64_MAX);
    assert_string_equal(r->n_price, "0.5");
    assert_false(r->n_mood_is_null);
    assert_int_equal(r->n_mood, STORE_MOOD_SAD);
    assert_non_null(r->result);
}

static void check_item_plain(const store_get_item_row *r)
{
    assert_string_equal(r->code, "plain");
    assert_false(r->flag);
    assert_string_equal(r->doc, "null");
    assert_int_equal(r->mood, STORE_MOOD_OK);
    assert_true(r->n_small_is_null);
    assert_true(r->n_medium_is_null);
    assert_true(r->n_big_is_null);
    assert_true(r->n_ratio_is_null);
    assert_true(r->n_score_is_null);
    assert_true(r->n_flag_is_null);
    assert_true(r->n_label_is_null);
    assert_null(r->n_label);
    assert_true(r->n_data_is_null);
    assert_true(r->n_ref_is_null);
    assert_true(r->n_born_is_null);
    assert_true(r->n_seen_is_null);
    assert_true(r->n_at_is_null);
    assert_true(r->n_price_is_null);
    assert_null(r->n_price);
    assert_true(r->n_docb_is_null);
    assert_true(r->n_mood_is_null);
}

/* ---- every kind, one round of calls at a time ---------------------------------------------- */

/* :one (a row with strings, a fixed one), :execrows; NULLs. */
static void round_writes(runner *r)
{
    pgc_error err = {0};
    SEND(r, ca, send_create_a(r->a, &ca, &err));
    SEND(r, cp, send_create_plain(r->a, "plain", &cp, &err));
    SEND(r, fill, store_fill_numbers_send(r->a, 10, &fill, &err));
    runner_run(r);

    store_create_item_row id_a, id_p;
    assert_ok(store_create_item_recv(ca, &id_a, &err), &err);
    assert_ok(store_create_item_recv(cp, &id_p, &err), &err);
    assert_true(id_a.id > 0 && id_p.id > 0 && id_a.id != id_p.id);
    int64_t n = -1;
    assert_ok(store_fill_numbers_recv(fill, &n, &err), &err);
    assert_int_equal(n, 10);
    /* a fixed-size row left the result with the call: it reads again */
    id_a.id = 0;
    assert_ok(store_create_item_recv(ca, &id_a, &err), &err);
    assert_true(id_a.id > 0);
    pgc_call_free(ca);
    pgc_call_free(cp);
    pgc_call_free(fill);
}

/* :one with and without a row, :many, the :batch kinds. */
static void round_reads(runner *r)
{
    pgc_error err = {0};
    SEND(r, ga, store_get_item_send(r->a, code_a, &ga, &err));
    SEND(r, gp, store_get_item_send(r->a, "plain", &gp, &err));
    SEND(r, none, store_get_item_send(r->a, "nothing", &none, &err));
    SEND(r, ln, store_list_numbers_send(r->a, 5, &ln, &err));
    SEND(r, li, store_list_items_send(r->a, &li, &err));
    SEND(r, note, store_number_note_send(r->a, 3, &note, &err));
    SEND(r, count, store_count_items_send(r->a, &count, &err));
    SEND(r, by_n, store_number_by_n_send(r->a, 4, &by_n, &err));
    SEND(r, up_to, store_numbers_up_to_send(r->a, 3, &up_to, &err));
    runner_run(r);

    store_get_item_row item;
    assert_ok(store_get_item_recv(ga, &item, &err), &err);
    pgc_call_free(ga); /* the row kept the result: it outlives the call */
    check_item_a(&item);
    store_get_item_row_clear(&item);
    assert_ok(store_get_item_recv(gp, &item, &err), &err);
    check_item_plain(&item);
    store_get_item_row_clear(&item);
    /* taken by the first read: a second is refused */
    assert_int_equal(store_get_item_recv(gp, &item, &err), PGC_EINVAL);
    assert_null(item.result);
    pgc_call_free(gp);

    pgc_error_clear(&err);
    assert_int_equal(store_get_item_recv(none, &item, &err), PGC_ENOROW);
    assert_string_equal(err.statement, "store_get_item");
    assert_null(item.result);
    assert_null(item.code);
    pgc_call_free(none);

    store_list_numbers_row nr;
    int i, rc;
    for (i = 0; (rc = store_list_numbers_recv(ln, i, &nr, &err)) == PGC_OK; i++) {
        assert_int_equal(nr.n, i + 1);
        assert_int_equal(nr.note_is_null, (i + 1) % 2 != 0);
        if ((i + 1) % 2 == 0)
            assert_string_equal(nr.note, "even");
        else
            assert_null(nr.note);
    }
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(i, 5);
    assert_ok(store_list_numbers_recv(ln, 1, &nr, &err), &err); /* any row, any order */
    assert_int_equal(nr.n, 2);
    assert_int_equal(store_list_numbers_recv(ln, 99, &nr, &err), PGC_DONE);
    assert_int_equal(nr.n, 0);
    pgc_call_free(ln);

    /* two rows, valid together while the call is (A and plain were created
       at once: either may have the lower id) */
    store_list_items_row i0, i1;
    assert_ok(store_list_items_recv(li, 0, &i0, &err), &err);
    assert_ok(store_list_items_recv(li, 1, &i1, &err), &err);
    const store_list_items_row *ia = strcmp(i0.code, code_a) == 0 ? &i0 : &i1;
    const store_list_items_row *ip = ia == &i0 ? &i1 : &i0;
    assert_string_equal(ia->code, code_a);
    assert_false(ia->n_mood_is_null);
    assert_int_equal(ia->n_mood, STORE_MOOD_SAD);
    assert_string_equal(ip->code, "plain");
    assert_true(ip->n_mood_is_null);
    assert_true(ip->n_label_is_null);
    assert_int_equal(store_list_items_recv(li, 2, &i0, &err), PGC_DONE);
    pgc_call_free(li);

    store_number_note_row nn;
    assert_ok(store_number_note_recv(note, &nn, &err), &err);
    assert_true(nn.note_is_null);
    assert_null(nn.note);
    store_number_note_row_clear(&nn);
    pgc_call_free(note);

    store_count_items_row c;
    assert_ok(store_count_items_recv(count, &c, &err), &err);
    assert_int_equal(c.total, 2);
    pgc_call_free(count);

    store_number_by_n_row bn;
    assert_ok(store_number_by_n_recv(by_n, &bn, &err), &err);
    assert_int_equal(bn.n, 4);
    assert_false(bn.note_is_null);
    assert_string_equal(bn.note, "even");
    store_number_by_n_row_clear(&bn);
    pgc_call_free(by_n);

    store_numbers_up_to_row ur;
    for (i = 0; (rc = store_numbers_up_to_recv(up_to, i, &ur, &err)) == PGC_OK; i++)
        assert_int_equal(ur.n, i + 1);
    assert_int_equal(rc, PGC_DONE);
    assert_int_equal(i, 3);
    pgc_call_free(up_to);
}

/* :exec, :batchexec, :execresult, and a call that fails among them. */
static void round_commands(runner *r)
{
    pgc_error err = {0};
    SEND(r, ren, store_rename_item_send(r->a, "plain2", "plain", &ren, &err));
    SEND(r, add, store_add_number_send(r->a, 100, NULL, &add, &err));
    SEND(r, dup, store_add_number_send(r->a, 1, "dup", &dup, &err)); /* 1 exists */
    SEND(r, del, store_delete_item_send(r->a, "nothing", &del, &err));
    runner_run(r);

    assert_ok(store_rename_item_recv(ren, &err), &err);
    assert_ok(store_add_number_recv(add, &err), &err);
    assert_int_equal(store_add_number_recv(dup, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    pgc_error_clear(&err);
    pgc_result *res = NULL;
    assert_ok(store_delete_item_recv(del, &res, &err), &err);
    assert_non_null(res);
    assert_int_equal(pgc_result_affected(res), 0);
    pgc_result_free(res);
    pgc_call_free(ren);
    pgc_call_free(add);
    pgc_call_free(dup);
    pgc_call_free(del);

    SEND(r, flag, store_flag_items_send(r->a, true, &flag, &err));
    runner_run(r);
    int64_t n = -1;
    assert_ok(store_flag_items_recv(flag, &n, &err), &err);
    assert_int_equal(n, 1); /* plain2; item A was flagged */
    pgc_call_free(flag);
}

static void every_kind(fixture *f, driver d)
{
    migrate(f->db);
    runner r;
    runner_open(&r, f->db, d);
    round_writes(&r);
    round_reads(&r);
    round_commands(&r);
    pgc_async_close(r.a);

    char sql[128];
    const char *schema = f->mode == EMBEDDED ? "lib." : "";
    snprintf(sql, sizeof sql, "SELECT string_agg(code, ',' ORDER BY code) FROM %sitems", schema);
    expect_scalar(f, sql, "it's \"quoted\" \\ — ünïcødé 🐘,plain2");
    snprintf(sql, sizeof sql, "SELECT count(*) || ' ' || max(n) FROM %snumbers", schema);
    expect_scalar(f, sql, "11 100");
    snprintf(sql, sizeof sql, "SELECT bool_and(flag) FROM %sitems", schema);
    expect_scalar(f, sql, "t");
}

static void async__every_kind__through_async_wait(void **state)
{
    every_kind(*state, ASYNC);
}

static void async__every_kind__through_an_independent_pipe(void **state)
{
    every_kind(*state, PIPE);
}

/* ---- pipes: atomic and independent, a call failing in the middle ---------------------------- */

/* Three calls: a new number 10, a duplicate of 1 (fails), and a read of 10. */
static void send_three(pgc_async *p, pgc_call **add, pgc_call **dup, pgc_call **read)
{
    pgc_error err = {0};
    assert_ok(store_add_number_send(p, 10, "ten", add, &err), &err);
    assert_ok(store_add_number_send(p, 1, "dup", dup, &err), &err);
    assert_ok(store_number_by_n_send(p, 10, read, &err), &err);
}

static void async__atomic_pipe__a_failure_in_the_middle_keeps_nothing(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f->db);
    assert_ok(store_fill_numbers(f->db, 3, NULL, &err), &err);

    pgc_async *p;
    pgc_call *add, *dup, *read;
    pgc_call *del, *rows, *list;
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_ATOMIC, &p, &err), &err);
    send_three(p, &add, &dup, &read);
    assert_ok(store_delete_item_send(p, "x", &del, &err), &err);
    assert_ok(store_fill_numbers_send(p, 2, &rows, &err), &err);
    assert_ok(store_list_numbers_send(p, 2, &list, &err), &err);
    assert_int_equal(pgc_pipe_run(p, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");

    pgc_error_clear(&err);
    assert_int_equal(store_add_number_recv(dup, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    assert_string_equal(err.statement, "store_add_number");
    pgc_error_clear(&err);
    store_number_by_n_row row;
    assert_int_equal(store_number_by_n_recv(read, &row, &err), PGC_ESQL);
    assert_non_null(strstr(err.message, "not run"));
    assert_null(row.result);
    /* the other kinds after it: their outputs cleared */
    pgc_result *res = (pgc_result *)&err;
    assert_int_equal(store_delete_item_recv(del, &res, &err), PGC_ESQL);
    assert_null(res);
    int64_t n = -1;
    assert_int_equal(store_fill_numbers_recv(rows, &n, &err), PGC_ESQL);
    assert_int_equal(n, 0);
    store_list_numbers_row lr = {.n = 7};
    assert_int_equal(store_list_numbers_recv(list, 0, &lr, &err), PGC_ESQL);
    assert_int_equal(lr.n, 0);
    pgc_call_free(add);
    pgc_call_free(dup);
    pgc_call_free(read);
    pgc_call_free(del);
    pgc_call_free(rows);
    pgc_call_free(list);

    /* nothing was kept; the pipe runs again */
    pgc_call *again;
    assert_ok(store_number_by_n_send(p, 10, &again, &err), &err);
    assert_ok(pgc_pipe_run(p, &err), &err);
    assert_int_equal(store_number_by_n_recv(again, &row, &err), PGC_ENOROW);
    pgc_call_free(again);
    pgc_async_close(p);
    assert_int_equal(store_number_note(f->db, 10, &(store_number_note_row){0}, &err), PGC_ENOROW);
}

static void async__independent_pipe__a_failure_in_the_middle_is_its_own(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f->db);
    assert_ok(store_fill_numbers(f->db, 3, NULL, &err), &err);

    pgc_async *p;
    pgc_call *add, *dup, *read;
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_INDEPENDENT, &p, &err), &err);
    send_three(p, &add, &dup, &read);
    assert_ok(pgc_pipe_run(p, &err), &err);

    assert_ok(store_add_number_recv(add, &err), &err);
    assert_int_equal(store_add_number_recv(dup, &err), PGC_ESQL);
    assert_string_equal(err.sqlstate, "23505");
    store_number_by_n_row row;
    assert_ok(store_number_by_n_recv(read, &row, &err), &err);
    assert_int_equal(row.n, 10);
    assert_string_equal(row.note, "ten");
    store_number_by_n_row_clear(&row);
    pgc_call_free(add);
    pgc_call_free(dup);
    pgc_call_free(read);
    pgc_async_close(p);

    store_number_note_row nn;
    assert_ok(store_number_note(f->db, 10, &nn, &err), &err);
    assert_string_equal(nn.note, "ten");
    store_number_note_row_clear(&nn);
}

/* A parameter refused before anything is sent: no call. */
static void async__refused_parameter__sends_nothing(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    migrate(f->db);
    pgc_async *a;
    assert_ok(pgc_async_open(f->db, NULL, &a, &err), &err);
    pgc_call *call = (pgc_call *)&err; /* not NULL: the send clears it */
    assert_int_equal(store_get_item_send(a, NULL, &call, &err), PGC_EINVAL);
    assert_non_null(strstr(err.message, "parameter code is NULL"));
    assert_null(call);
    assert_int_equal(store_items_by_mood_send(a, (store_mood)99, &call, &err), PGC_EINVAL);
    assert_null(call);
    assert_int_equal(pgc_async_pending(a), 0);
    pgc_async_close(a);
}

/* ---- one library in two schemas on one pool ------------------------------------------------- */

static void async__two_schemas__each_call_in_its_own(void **state)
{
    fixture *f = *state;
    pgc_error err = {0};
    pgc_db *db2 = NULL;
    if (f->mode == EMBEDDED) {
        assert_ok(pgc_db_attach(&db2, f->pool, "lib2", &err), &err);
    } else {
        pgc_config *cfg = fixture_config(f, "max_connections", "2", NULL);
        assert_ok(pgc_db_open(&db2, cfg, "lib2", &err), &err);
        pgc_config_free(cfg);
    }
    migrate(f->db);
    migrate(db2);

    pgc_async *a1, *a2;
    pgc_async_options opt = {.connections = 1};
    assert_ok(pgc_async_open(f->db, &opt, &a1, &err), &err);
    assert_ok(pgc_async_open(db2, &opt, &a2, &err), &err);
    pgc_call *fill1, *fill2;
    assert_ok(store_fill_numbers_send(a1, 3, &fill1, &err), &err);
    assert_ok(store_fill_numbers_send(a2, 5, &fill2, &err), &err);
    assert_ok(pgc_async_wait(a1, 20000, &err), &err);
    assert_ok(pgc_async_wait(a2, 20000, &err), &err);
    int64_t n1 = 0, n2 = 0;
    assert_ok(store_fill_numbers_recv(fill1, &n1, &err), &err);
    assert_ok(store_fill_numbers_recv(fill2, &n2, &err), &err);
    assert_int_equal(n1, 3);
    assert_int_equal(n2, 5);
    pgc_call_free(fill1);
    pgc_call_free(fill2);
    pgc_async_close(a1);
    pgc_async_close(a2);

    /* pipes on both, the same statement in each schema */
    pgc_async *p1, *p2;
    pgc_call *r1, *r2;
    assert_ok(pgc_pipe_begin(f->db, PGC_PIPE_ATOMIC, &p1, &err), &err);
    assert_ok(pgc_pipe_begin(db2, PGC_PIPE_ATOMIC, &p2, &err), &err);
    assert_ok(store_number_by_n_send(p1, 5, &r1, &err), &err);
    assert_ok(store_number_by_n_send(p2, 5, &r2, &err), &err);
    assert_ok(pgc_pipe_run(p1, &err), &err);
    assert_ok(pgc_pipe_run(p2, &err), &err);
    store_number_by_n_row row;
    assert_int_equal(store_number_by_n_recv(r1, &row, &err), PGC_ENOROW);
    assert_ok(store_number_by_n_recv(r2, &row, &err), &err);
    assert_int_equal(row.n, 5);
    assert_true(row.note_is_null);
    store_number_by_n_row_clear(&row);
    pgc_call_free(r1);
    pgc_call_free(r2);
    pgc_async_close(p1);
    pgc_async_close(p2);
    pgc_db_close(db2);

    expect_scalar(f, "SELECT count(*) FROM lib2.numbers", "5");
    expect_scalar(f, f->mode == EMBEDDED ? "SELECT count(*) FROM lib.numbers"
                                         : "SELECT count(*) FROM public.numbers",
                  "3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_MODES(async__every_kind__through_async_wait),
        BOTH_MODES(async__every_kind__through_an_independent_pipe),
        BOTH_MODES(async__atomic_pipe__a_failure_in_the_middle_keeps_nothing),
        BOTH_MODES(async__independent_pipe__a_failure_in_the_middle_is_its_own),
        BOTH_MODES(async__refused_parameter__sends_nothing),
        BOTH_MODES(async__two_schemas__each_call_in_its_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
