/*
 * measure.c - runs a command and prints its wall time in seconds and its
 * peak resident memory in KiB ("0.123 4567"), as /usr/bin/time -v would,
 * without needing it.  The command's output goes to /dev/null; its errors
 * to ours.  Exits 1 if the command failed.
 *
 *   measure COMMAND [ARGS...]
 */
#define _DEFAULT_SOURCE /* wait4 */

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: measure COMMAND [ARGS...]\n", stderr);
        return 2;
    }
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
    printf("%.4f %ld\n", wall, ru.ru_maxrss);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "measure: %s failed\n", argv[1]);
        return 1;
    }
    return 0;
}
