/*
 * evloop_ev.c - pgc's non-blocking calls driven by libev.
 *
 * Each descriptor a pgc_async names gets an ev_io watcher (on_watch
 * starts, changes or stops it: libev changes a watcher's events only while
 * it is stopped), whose callback hands the readiness to pgc_async_process;
 * an ev_timer follows the earliest call deadline (pgc_async_timeout),
 * re-armed by an ev_prepare before each wait.  The loop breaks when all
 * the work is done.  The work (evloop_work.c): the accounts library
 * standalone, then embedded twice on one pool; the program exits 1 on any
 * wrong result.
 *
 *   usage: evloop_ev [CONNINFO]   (default: $PGC_TEST_CONNINFO)
 */
#include <stdio.h>
#include <stdlib.h>

#include <ev.h>

#include "evloop_work.h"

/* One pgc_async and the libev watchers of its descriptors. */
typedef struct loop_async {
    struct ev_loop *loop;
    evloop_work *work;
    pgc_async *a;
    struct watched {
        ev_io io;     /* io.fd: the descriptor */
        bool used;
        struct loop_async *owner;
    } fds[EVLOOP_CONNECTIONS];
} loop_async;

typedef struct watched watched;

static loop_async las[2];
static ev_timer deadline;

static void on_ready(struct ev_loop *loop, ev_io *io, int revents)
{
    watched *w = (watched *)io; /* io is the first member */
    pgc_error err = {0};
    int events = (revents & EV_READ ? PGC_WANT_READ : 0) | (revents & EV_WRITE ? PGC_WANT_WRITE : 0);
    if (pgc_async_process(w->owner->a, io->fd, events, &err) != PGC_OK) {
        fprintf(stderr, "evloop_ev: %s\n", err.message);
        exit(1);
    }
    if (evloop_work_done(w->owner->work))
        ev_break(loop, EVBREAK_ALL);
}

/* pgc_watch_fn: start, change or stop fd's ev_io. */
static void on_watch(int fd, int events, void *ud)
{
    loop_async *la = ud;
    watched *w = NULL, *free_slot = NULL;
    for (int i = 0; i < EVLOOP_CONNECTIONS; i++) {
        if (la->fds[i].used && la->fds[i].io.fd == fd)
            w = &la->fds[i];
        else if (!la->fds[i].used && !free_slot)
            free_slot = &la->fds[i];
    }
    if (w)
        ev_io_stop(la->loop, &w->io);
    if (events == 0) {
        if (w)
            w->used = false;
        return;
    }
    if (!w) {
        if (!free_slot) {
            fputs("evloop_ev: more descriptors than connections\n", stderr);
            exit(1);
        }
        w = free_slot;
        w->used = true;
        w->owner = la;
        ev_io_init(&w->io, on_ready, fd, 0);
    }
    ev_io_set(&w->io, fd,
              (events & PGC_WANT_READ ? EV_READ : 0) | (events & PGC_WANT_WRITE ? EV_WRITE : 0));
    ev_io_start(la->loop, &w->io);
}

static void on_deadline(struct ev_loop *loop, ev_timer *t, int revents)
{
    (void)t, (void)revents;
    pgc_error err = {0};
    for (int i = 0; i < 2 && las[i].a; i++)
        pgc_async_process(las[i].a, -1, 0, &err);
    if (las[0].work && evloop_work_done(las[0].work))
        ev_break(loop, EVBREAK_ALL);
}

/* Before each wait: the timer set to the earliest deadline, or stopped. */
static void on_prepare(struct ev_loop *loop, ev_prepare *p, int revents)
{
    (void)p, (void)revents;
    int64_t t = -1;
    for (int i = 0; i < 2 && las[i].a; i++) {
        int64_t ti = pgc_async_timeout(las[i].a);
        if (ti >= 0 && (t < 0 || ti < t))
            t = ti;
    }
    ev_timer_stop(loop, &deadline);
    if (t >= 0) {
        ev_timer_set(&deadline, (double)t / 1000.0, 0.);
        ev_timer_start(loop, &deadline);
    }
}

static int run_mode(struct ev_loop *loop, const char *conninfo, const char *mode)
{
    pgc_error err = {0};
    evloop_work *work;
    if (evloop_work_open(&work, conninfo, mode, "ev", &err) != PGC_OK) {
        fprintf(stderr, "evloop_ev: %s: %s: %s\n", mode, pgc_code_name(err.code), err.message);
        return 1;
    }
    ev_prepare prepare;
    ev_prepare_init(&prepare, on_prepare);
    ev_prepare_start(loop, &prepare);
    ev_timer_init(&deadline, on_deadline, 0., 0.);

    int n = evloop_work_dbs(work);
    for (int i = 0; i < n; i++) {
        las[i] = (loop_async){.loop = loop, .work = work};
        pgc_async_options opt = {.connections = EVLOOP_CONNECTIONS,
                                 .timeout_ms = 10000,
                                 .watch = on_watch,
                                 .watch_ud = &las[i]};
        if (pgc_async_open(evloop_work_db(work, i), &opt, &las[i].a, &err) != PGC_OK) {
            fprintf(stderr, "evloop_ev: pgc_async_open: %s\n", err.message);
            return 1;
        }
        evloop_work_start(work, i, las[i].a);
    }
    if (!evloop_work_done(work))
        ev_run(loop, 0);

    for (int i = 0; i < n; i++)
        pgc_async_close(las[i].a); /* stops its watchers (on_watch with 0) */
    las[0] = las[1] = (loop_async){0};
    ev_timer_stop(loop, &deadline);
    ev_prepare_stop(loop, &prepare);
    printf("evloop_ev: %s mode\n", mode);
    return evloop_work_finish(work, "evloop_ev");
}

int main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fputs("usage: evloop_ev CONNINFO  (or set PGC_TEST_CONNINFO)\n", stderr);
        return 2;
    }
    struct ev_loop *loop = ev_default_loop(0);
    if (run_mode(loop, conninfo, "standalone") != 0 || run_mode(loop, conninfo, "embedded") != 0)
        return 1;
    ev_loop_destroy(loop);
    puts("evloop_ev: all checks passed");
    return 0;
}
