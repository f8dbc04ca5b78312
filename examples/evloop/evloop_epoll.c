/*
 * evloop_epoll.c - pgc's non-blocking calls driven by a plain epoll loop.
 *
 * Each pgc_async tells the loop which descriptors to watch through its
 * watch function (on_watch: epoll_ctl ADD, MOD or DEL); the loop waits
 * with epoll_wait, up to the earliest call deadline (pgc_async_timeout),
 * and hands each ready descriptor to pgc_async_process, which runs the
 * done functions of the calls it completes.  Nothing blocks after start-up
 * and no thread is started.  The work (evloop_work.c): the accounts
 * library standalone, then embedded twice on one pool; the program exits
 * 1 on any wrong result.
 *
 *   usage: evloop_epoll [CONNINFO]   (default: $PGC_TEST_CONNINFO)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "evloop_work.h"

/* A descriptor of one pgc_async registered with epoll. */
typedef struct watched {
    struct loop_async *owner;
    int fd; /* -1: free */
} watched;

/* One pgc_async and what the loop knows of it. */
typedef struct loop_async {
    int epfd;
    pgc_async *a;
    watched fds[EVLOOP_CONNECTIONS];
} loop_async;

static uint32_t epoll_events(int events)
{
    return (events & PGC_WANT_READ ? EPOLLIN : 0) | (events & PGC_WANT_WRITE ? EPOLLOUT : 0);
}

/* pgc_watch_fn: what the runtime wants of fd changed. */
static void on_watch(int fd, int events, void *ud)
{
    loop_async *la = ud;
    watched *w = NULL, *free_slot = NULL;
    for (int i = 0; i < EVLOOP_CONNECTIONS; i++) {
        if (la->fds[i].fd == fd)
            w = &la->fds[i];
        else if (la->fds[i].fd < 0 && !free_slot)
            free_slot = &la->fds[i];
    }
    if (events == 0) { /* stop watching: the descriptor may be closed next */
        if (w) {
            epoll_ctl(la->epfd, EPOLL_CTL_DEL, fd, NULL);
            w->fd = -1;
        }
        return;
    }
    struct epoll_event ev = {.events = epoll_events(events)};
    int op = EPOLL_CTL_MOD;
    if (!w) {
        if (!free_slot) {
            fprintf(stderr, "evloop_epoll: more descriptors than connections\n");
            exit(1);
        }
        w = free_slot;
        w->fd = fd;
        w->owner = la;
        op = EPOLL_CTL_ADD;
    }
    ev.data.ptr = w;
    if (epoll_ctl(la->epfd, op, fd, &ev) != 0) {
        fprintf(stderr, "evloop_epoll: epoll_ctl: %s\n", strerror(errno));
        exit(1);
    }
}

/* The earliest deadline of any pgc_async, for epoll_wait (-1: none). */
static int next_timeout(const loop_async *las, int n)
{
    int64_t t = -1;
    for (int i = 0; i < n; i++) {
        int64_t ti = pgc_async_timeout(las[i].a);
        if (ti >= 0 && (t < 0 || ti < t))
            t = ti;
    }
    return (int)t;
}

static void run_loop(evloop_work *work, loop_async *las, int n)
{
    pgc_error err = {0};
    while (!evloop_work_done(work)) {
        struct epoll_event ready[16];
        int nready = epoll_wait(las[0].epfd, ready, 16, next_timeout(las, n));
        if (nready < 0 && errno != EINTR) {
            fprintf(stderr, "evloop_epoll: epoll_wait: %s\n", strerror(errno));
            exit(1);
        }
        if (nready == 0) /* a deadline passed: complete the calls it ends */
            for (int i = 0; i < n; i++)
                pgc_async_process(las[i].a, -1, 0, &err);
        for (int i = 0; i < nready; i++) {
            watched *w = ready[i].data.ptr;
            int events = (ready[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? PGC_WANT_READ : 0)
                         | (ready[i].events & EPOLLOUT ? PGC_WANT_WRITE : 0);
            if (w->fd >= 0 && pgc_async_process(w->owner->a, w->fd, events, &err) != PGC_OK) {
                fprintf(stderr, "evloop_epoll: %s\n", err.message);
                exit(1);
            }
        }
    }
}

/* One mode: open, drive every call to completion, check. */
static int run_mode(const char *conninfo, const char *mode)
{
    pgc_error err = {0};
    evloop_work *work;
    if (evloop_work_open(&work, conninfo, mode, "epoll", &err) != PGC_OK) {
        fprintf(stderr, "evloop_epoll: %s: %s: %s\n", mode, pgc_code_name(err.code), err.message);
        return 1;
    }
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    int n = evloop_work_dbs(work);
    loop_async las[2];
    for (int i = 0; i < n; i++) {
        las[i].epfd = epfd;
        for (int k = 0; k < EVLOOP_CONNECTIONS; k++)
            las[i].fds[k].fd = -1;
        pgc_async_options opt = {.connections = EVLOOP_CONNECTIONS,
                                 .timeout_ms = 10000,
                                 .watch = on_watch,
                                 .watch_ud = &las[i]};
        if (pgc_async_open(evloop_work_db(work, i), &opt, &las[i].a, &err) != PGC_OK) {
            fprintf(stderr, "evloop_epoll: pgc_async_open: %s\n", err.message);
            return 1;
        }
        evloop_work_start(work, i, las[i].a);
    }
    run_loop(work, las, n);
    for (int i = 0; i < n; i++)
        pgc_async_close(las[i].a);
    close(epfd);
    printf("evloop_epoll: %s mode\n", mode);
    return evloop_work_finish(work, "evloop_epoll");
}

int main(int argc, char **argv)
{
    const char *conninfo = argc > 1 ? argv[1] : getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fputs("usage: evloop_epoll CONNINFO  (or set PGC_TEST_CONNINFO)\n", stderr);
        return 2;
    }
    if (run_mode(conninfo, "standalone") != 0 || run_mode(conninfo, "embedded") != 0)
        return 1;
    puts("evloop_epoll: all checks passed");
    return 0;
}
