/*
 * measure.c - runs a command and prints its wall time in seconds, its
 * peak resident memory in KiB, its CPU time (user + system) in seconds and
 * the CPU time the PostgreSQL server spent meanwhile, as
 * "WALL RSS CPU SERVER_CPU" ("0.123 4567 0.100 0.050"), as /usr/bin/time
 * would, without needing it.  The command's output goes to /dev/null; its
 * errors to ours.  Exits 1 if the command failed.
 *
 *   measure COMMAND [ARGS...]
 *
 * CPU time is what stays stable when other work shares the machine.  The
 * server's is read from the postmaster named by $MEASURE_SERVER_PID: the
 * CPU time of its children that ended (backends, once the command's
 * connections are closed); 0 without it.
 */
#define _DEFAULT_SOURCE /* wait4 */

#include <fcntl.h>
#include <time.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* Seconds of CPU of the ended children of process pid (cutime + cstime). */
static double children_cpu(const char *pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields after the command name (which may hold spaces), from field 3. */
    const char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    unsigned long long cutime = 0, cstime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %llu %llu", &cutime,
               &cstime) != 2)
        return 0;
    return (double)(cutime + cstime) / (double)sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: measure COMMAND [ARGS...]\n", stderr);
        return 2;
    }
    const char *server = getenv("MEASURE_SERVER_PID");
    double server0 = server ? children_cpu(server) : 0;
    int64_t t0 = bench_now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("measure: fork");
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("measure: wait4");
        return 1;
    }
    double wall = (double)(bench_now_ns() - t0) / 1e9;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
                 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    double server_cpu = 0;
    if (server) {
        /* The backends end after the command closed its connections. */
        struct timespec pause = {0, 200000000L};
        nanosleep(&pause, NULL);
        server_cpu = children_cpu(server) - server0;
    }
    printf("%.4f %ld %.3f %.3f\n", wall, ru.ru_maxrss, cpu, server_cpu);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "measure: %s failed\n", argv[1]);
        return 1;
    }
    return 0;
}
