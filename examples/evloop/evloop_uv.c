/*
 * evloop_uv.c - pgc's non-blocking calls driven by libuv.
 *
 * Each descriptor a pgc_async names gets a uv_poll_t (on_watch starts,
 * changes or stops it), whose callback hands the readiness to
 * pgc_async_process; a uv_timer_t follows the earliest call deadline
 * (pgc_async_timeout).  The done functions run from inside those
 * callbacks and send the next calls; the loop stops when all the work is
 * done.  The work (evloop_work.c): the accounts library standalone, then
 * embedded twice on one pool; the program exits 1 on any wrong result.
 *
 *   usage: evloop_uv [CONNINFO]   (default: $PGC_TEST_CONNINFO)
 */
#define _POSIX_C_SOURCE 200809L /* uv.h uses POSIX threads' types */

#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "evloop_work.h"

/* One pgc_async and the libuv handles of its descriptors. */
typedef struct loop_async {
    uv_loop_t *loop;
    evloop_work *work;
    pgc_async *a;
    struct watched {
        uv_poll_t *handle; /* NULL: free */
        int fd;
        struct loop_async *owner;
    } fds[EVLOOP_CONNECTIONS];
} loop_async;

typedef struct watched watched;

static void after_close(uv_handle_t *h)
{
    free(h);
}

/* Every call answered: no reason to wait for more. */
static void stop_if_done(loop_async *la)
{
    if (evloop_work_done(la->work))
        uv_stop(la->loop);
}

static void on_ready(uv_poll_t *h, int status, int uv_events)
{
    watched *w = h->data;
    pgc_error err = {0};
    int events = (uv_events & UV_READABLE || status < 0 ? PGC_WANT_READ : 0)
                 | (uv_events & UV_WRITABLE ? PGC_WANT_WRITE : 0);
    if (pgc_async_process(w->owner->a, w->fd, events, &err) != PGC_OK) {
        fprintf(stderr, "evloop_uv: %s\n", err.message);
        exit(1);
    }
    stop_if_done(w->owner);
}

/* pgc_watch_fn: start, change or stop fd's uv_poll_t. */
static void on_watch(int fd, int events, void *ud)
{
    loop_async *la = ud;
    watched *w = NULL, *free_slot = NULL;
    for (int i = 0; i < EVLOOP_CONNECTIONS; i++) {
        if (la->fds[i].handle && la->fds[i].fd == fd)
            w = &la->fds[i];
        else if (!la->fds[i].handle && !free_slot)
            free_slot = &la->fds[i];
    }
    if (events == 0) { /* the descriptor may be closed next: let go of it now */
        if (w) {
            uv_poll_stop(w->handle);
            uv_close((uv_handle_t *)w->handle, after_close);
            w->handle = NULL;
        }
        return;
    }
    if (!w) {
        if (!free_slot || !(free_slot->handle = malloc(sizeof(uv_poll_t)))) {
            fputs("evloop_uv: cannot watch another descriptor\n", stderr);
            exit(1);
        }
        w = free_slot;
        w->fd = fd;
        w->owner = la;
        uv_poll_init(la->loop, w->handle, fd);
        w->handle->data = w;
    }
    uv_poll_start(w->handle,
                  (events & PGC_WANT_READ ? UV_READABLE : 0)
                      | (events & PGC_WANT_WRITE ? UV_WRITABLE : 0),
                  on_ready);
}

/* The deadline timer: complete the calls whose timeout passed. */
static void on_timer(uv_timer_t *t)
{
    loop_async *las = t->data;
    pgc_error err = {0};
    for (int i = 0; i < 2 && las[i].a; i++) {
        pgc_async_process(las[i].a, -1, 0, &err);
        stop_if_done(&las[i]);
    }
}

/* Re-arms the timer for the earliest deadline, before the loop waits. */
static void on_prepare(uv_prepare_t *p)
{
    loop_async *las = p->data;
    uv_timer_t *timer = (uv_timer_t *)p->loop->data;
    int64_t t = -1;
    for (int i = 0; i < 2 && las[i].a; i++) {
        int64_t ti = pgc_async_timeout(las[i].a);
        if (ti >= 0 && (t < 0 || ti < t))
            t = ti;
    }
    if (t < 0)
        uv_timer_stop(timer);
    else
        uv_timer_start(timer, on_timer, (uint64_t)t, 0);
}

static int run_mode(const char *conninfo, const char *mode)
{
    pgc_error err = {0};
    evloop_work *work;
    if (evloop_work_open(&work, conninfo, mode, "uv", &err) != PGC_OK) {
        fprintf(stderr, "evloop_uv: %s: %s: %s\n", mode, pgc_code_name(err.code), err.message);
        return 1;
    }
    uv_loop_t loop;
    uv_timer_t timer;
    uv_prepare_t prepare;
    loop_async las[2] = {{0}};
    uv_loop_init(&loop);
    uv_timer_init(&loop, &timer);
    uv_prepare_init(&loop, &prepare);
    loop.data = &timer;
    timer.data = prepare.data = las;
    uv_prepare_start(&prepare, on_prepare);

    int n = evloop_work_dbs(work);
    for (int i = 0; i < n; i++) {
        las[i].loop = &loop;
        las[i].work = work;
        pgc_async_options opt = {.connections = EVLOOP_CONNECTIONS,
                                 .timeout_ms = 10000,
                                 .watch = on_watch,
                                 .watch_ud = &las[i]};
        if (pgc_async_open(evloop_work_db(work, i), &opt, &las[i].a, &err) != PGC_OK) {
            fprintf(stderr, "evloop_uv: pgc_async_open: %s\n", err.message);
            return 1;
        }
        evloop_work_start(work, i, las[i].a);
    }
    if (!evloop_work_done(work))
        uv_run(&loop, UV_RUN_DEFAULT);

    for (int i = 0; i < n; i++)
        pgc_async_close(las[i].a); /* stops its watches (on_watch with 0) */
    uv_close((uv_handle_t *)&timer, NULL);
    uv_close((uv_handle_t *)&prepare, NULL);
    uv_run(&loop, UV_RUN_DEFAULT); /* runs the close callbacks */
    if (uv_loop_close(&loop) != 0) {
        fputs("evloop_uv: a handle is still open\n", stderr);
        return 1;
    }
    printf("evloop_uv: %s mode\n", mode);
    return evloop_work_finish(work, "evloop_uv");
}

int main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fputs("usage: evloop_uv CONNINFO  (or set PGC_TEST_CONNINFO)\n", stderr);
        return 2;
    }
    if (run_mode(conninfo, "standalone") != 0 || run_mode(conninfo, "embedded") != 0)
        return 1;
    puts("evloop_uv: all checks passed");
    return 0;
}
