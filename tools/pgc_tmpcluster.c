/*
 * pgc_tmpcluster.c - pgc-tmpcluster: run a command against a throwaway
 * PostgreSQL cluster, then remove the cluster.  See usage() below.
 */
#define _GNU_SOURCE /* SI_KERNEL */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pgc_test.h"

#define EXIT_USAGE 2
#define EXIT_CLUSTER 125
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
#define NFORWARDED (int)(sizeof forwarded / sizeof forwarded[0])

static int ignored[NFORWARDED];         /* SIG_IGN when we started (nohup) */
static volatile sig_atomic_t child_pid;  /* the command, once running */
static volatile sig_atomic_t got_signal; /* the last signal we were sent */
static int tty_fd = -1;                  /* our terminal, if we run in its foreground */

static void usage(FILE *out)
{
    fputs(
"Usage: pgc-tmpcluster [-q] [--] COMMAND [ARGS...]\n"
"\n"
"Runs COMMAND against a throwaway PostgreSQL cluster: initdb in a fresh\n"
"folder pgc-XXXXXX under $TMPDIR (or /tmp), a server listening on a Unix\n"
"socket in that folder only (no TCP), trust authentication, fsync off.\n"
"COMMAND's environment has\n"
"\n"
"  PGC_TEST_CONNINFO   host=/tmp/pgc-XXXXXX port=N user=postgres dbname=postgres\n"
"  PGHOST, PGPORT      the folder and the port\n"
"  PGUSER, PGDATABASE  postgres\n"
"\n"
"so that psql, libpq programs and pgc's test helper (pgc_testdb_create, which\n"
"makes a database per test on it) use the cluster.  COMMAND runs in a\n"
"process group of its own (given the terminal when pgc-tmpcluster has it).\n"
"When COMMAND ends, or when pgc-tmpcluster gets SIGINT, SIGTERM or SIGHUP\n"
"(which it sends on to COMMAND's whole process group first, children\n"
"included, and then waits for COMMAND), the server is stopped and the\n"
"folder removed.\n"
"\n"
"Options:\n"
"  -q, --quiet   do not print the line saying the cluster is up (on stderr)\n"
"  -h, --help    print this help and exit\n"
"\n"
"Environment:\n"
"  PGC_PG_BINDIR  the folder of initdb and postgres (default: pg_config\n"
"                 --bindir, the highest /usr/lib/postgresql/N/bin, then PATH)\n"
"  TMPDIR         where the cluster's folder is made\n"
"Run as root, the server runs as the system user 'postgres'.\n"
"\n"
"Exit status: COMMAND's, or 128+N if it was killed by signal N; 125 if the\n"
"cluster could not be started, 126 if COMMAND could not be run, 127 if it\n"
"was not found, 2 on a usage error.\n", out);
}

/*
 * Sends the signal on to the command's process group: the command and
 * whatever it started (a script's children), which a signal to the
 * command alone would leave running.
 */
static void on_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    (void)info;
    got_signal = sig;
    if (child_pid > 0)
        kill(-(pid_t)child_pid, sig);
}

/* Installs on_signal, or (in the command) restores the default; a signal
   ignored when we started stays ignored, as shells do. */
static void set_handlers(int install)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (install) {
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
    } else {
        sa.sa_handler = SIG_DFL;
    }
    for (int i = 0; i < NFORWARDED; i++)
        if (!ignored[i])
            sigaction(forwarded[i], &sa, NULL);
}

static void block_forwarded(int how)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < NFORWARDED; i++)
        sigaddset(&set, forwarded[i]);
    sigprocmask(how, &set, NULL);
}

static int export_cluster(const pgc_test_cluster *c)
{
    char port[16];
    snprintf(port, sizeof port, "%d", pgc_test_cluster_port(c));
    if (setenv("PGC_TEST_CONNINFO", pgc_test_cluster_conninfo(c), 1) != 0
        || setenv("PGHOST", pgc_test_cluster_dir(c), 1) != 0
        || setenv("PGPORT", port, 1) != 0
        || setenv("PGUSER", "postgres", 1) != 0
        || setenv("PGDATABASE", "postgres", 1) != 0) {
        fprintf(stderr, "pgc-tmpcluster: setenv: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Gives the terminal (if we had it) to process group pgrp, as a shell does. */
static void hand_terminal(pid_t pgrp)
{
    if (tty_fd >= 0)
        tcsetpgrp(tty_fd, pgrp);
}

/*
 * Waits for the command.  Stopped (^Z, in its group with the terminal):
 * takes the terminal back and stops too, so the shell sees the job
 * stopped; continued in the foreground, hands the terminal back and
 * continues the command's group.
 */
static int wait_command(pid_t pid, int *status)
{
    for (;;) {
        if (waitpid(pid, status, WUNTRACED) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (!WIFSTOPPED(*status))
            return 0;
        hand_terminal(getpgrp());
        kill(getpid(), SIGSTOP);
        if (tty_fd >= 0 && tcgetpgrp(tty_fd) == getpgrp())
            hand_terminal(pid);
        kill(-pid, SIGCONT);
    }
}

/* Runs argv with the forwarded signals handled; returns its exit code. */
static int run(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its own group, so a signal reaches its children too */
        hand_terminal(getpid());
        if (tty_fd >= 0)
            signal(SIGTTOU, SIG_DFL); /* ignored only by us, above */
        set_handlers(0);
        block_forwarded(SIG_UNBLOCK);
        execvp(argv[0], argv);
        int e = errno;
        fprintf(stderr, "pgc-tmpcluster: cannot run %s: %s\n", argv[0], strerror(e));
        _exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
    }
    if (pid < 0) {
        fprintf(stderr, "pgc-tmpcluster: fork: %s\n", strerror(errno));
        block_forwarded(SIG_UNBLOCK);
        return EXIT_CANNOT_RUN;
    }
    setpgid(pid, pid); /* as the child does: whichever runs first */
    hand_terminal(pid);
    child_pid = pid;
    block_forwarded(SIG_UNBLOCK); /* a signal that came meanwhile goes on now */

    int status = 0;
    int waited = wait_command(pid, &status);
    hand_terminal(getpgrp());
    child_pid = 0;
    if (waited < 0) {
        fprintf(stderr, "pgc-tmpcluster: waitpid: %s\n", strerror(errno));
        return EXIT_CANNOT_RUN;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_CANNOT_RUN;
}

int main(int argc, char **argv)
{
    int quiet = 0, i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "pgc-tmpcluster: unknown option %s (see --help)\n", argv[i]);
            return EXIT_USAGE;
        } else {
            break;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "pgc-tmpcluster: missing COMMAND (see --help)\n");
        return EXIT_USAGE;
    }

    /* Caught from here on, so that nothing is left behind on ^C. */
    for (int k = 0; k < NFORWARDED; k++) {
        struct sigaction old;
        ignored[k] = sigaction(forwarded[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN;
    }
    set_handlers(1);
    /* In the terminal's foreground: the command's group gets it while it runs
       (SIGTTOU ignored so that we may take it back from the background). */
    if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp()) {
        tty_fd = STDIN_FILENO;
        signal(SIGTTOU, SIG_IGN);
    }
    pgc_error err = {0};
    pgc_test_cluster *c = NULL;
    if (pgc_test_cluster_start(&c, &err) != PGC_OK) {
        fprintf(stderr, "pgc-tmpcluster: %s\n", err.message);
        return got_signal ? 128 + got_signal : EXIT_CLUSTER;
    }
    if (export_cluster(c) != 0) {
        pgc_test_cluster_stop(c);
        return EXIT_CLUSTER;
    }
    if (!quiet)
        fprintf(stderr, "pgc-tmpcluster: PostgreSQL %s on %s port %d\n",
                pgc_test_cluster_version(c), pgc_test_cluster_dir(c),
                pgc_test_cluster_port(c));

    block_forwarded(SIG_BLOCK);
    int code = got_signal ? 128 + got_signal : run(argv + i);
    block_forwarded(SIG_UNBLOCK);
    pgc_test_cluster_stop(c);
    return code;
}
