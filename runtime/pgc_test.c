/*
 * pgc_test.c - throwaway PostgreSQL clusters and a database per test
 * (libpgc-test.a).  See pgc_test.h.
 *
 * Processes: initdb and postgres are forked and exec'd directly (no shell),
 * so that the postmaster's pid is ours to signal and wait for.  Between
 * fork and exec the child calls only async-signal-safe functions, as the
 * parent may have other threads: everything it needs (argv, the user's ids
 * and groups, open files) is prepared before the fork.
 */
#define _GNU_SOURCE /* prctl, getgrouplist, setgroups, close_range, NSIG */

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pgc.h"
#include "pgc_test.h"

/* Only pgc.h: libpgc-test.a may be linked with libpgc.so, which exports
 * nothing else. */
#define pgc_fail pgc_error_set

extern char **environ;

/* Bounded copy that always terminates dst (size > 0). */
static void copy_str(char *dst, const char *src, size_t size)
{
    snprintf(dst, size, "%s", src);
}

/* err from a failed result of conn: PGC_ECONNLOST when the connection is
 * gone, else PGC_ESQL with the server's SQLSTATE and message. */
static int fail_result(pgc_error *err, PGconn *conn, const PGresult *res, const char *what)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    int code = PQstatus(conn) == CONNECTION_BAD ? PGC_ECONNLOST : PGC_ESQL;
    pgc_error_set(err, code, "%s: %s", what, msg ? msg : PQerrorMessage(conn));
    if (err && state)
        copy_str(err->sqlstate, state, sizeof err->sqlstate);
    return code;
}

#define SERVER_USER "postgres"     /* system user the server runs as under root */
#define START_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 30000
#define KILL_TIMEOUT_MS 5000
/* The socket path "<dir>/.s.PGSQL.NNNNN" must fit in sun_path (108). */
#define MAX_DIR_LEN 90
#define MAX_GROUPS 64
#define LOG_TAIL 600

struct pgc_test_cluster {
    pid_t pid;          /* postmaster, or -1 */
    pid_t owner;        /* the process that started it */
    int port;
    char dir[MAX_DIR_LEN + 1];
    char conninfo[MAX_DIR_LEN + 80];
    char version[32];
};

/* Who the children run as: unchanged, or SERVER_USER when we are root. */
typedef struct run_as {
    int drop;           /* 1: switch to uid/gid/groups in the child */
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_GROUPS];
    int ngroups;
} run_as;

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Drops trailing newlines and blanks in place. */
static void trim_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/*
 * The last lines of a log file (at most LOG_TAIL bytes, starting at a line),
 * or a note that there is none.
 */
static void log_tail(const char *path, char *out, size_t size)
{
    copy_str(out, "(no log output)", size);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[LOG_TAIL + 1];
    long start = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        if (end > LOG_TAIL)
            start = end - LOG_TAIL;
    }
    size_t n = 0;
    if (fseek(f, start, SEEK_SET) == 0)
        n = fread(buf, 1, LOG_TAIL, f);
    fclose(f);
    buf[n] = '\0';
    char *text = buf;
    if (start > 0) {
        char *nl = strchr(buf, '\n');
        if (nl)
            text = nl + 1;
    }
    trim_end(text);
    if (*text)
        copy_str(out, text, size);
}

static void describe_status(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(out, size, "wait status %d", status);
}

/* ------------------------------------------------------------------ */
/* Finding the server programs                                          */
/* ------------------------------------------------------------------ */

static int has_server_programs(const char *dir)
{
    char path[PATH_MAX];
    if (!dir || !*dir)
        return 0;
    if (snprintf(path, sizeof path, "%s/initdb", dir) >= (int)sizeof path
        || access(path, X_OK) != 0)
        return 0;
    if (snprintf(path, sizeof path, "%s/postgres", dir) >= (int)sizeof path
        || access(path, X_OK) != 0)
        return 0;
    return 1;
}

static int from_pg_config(char *out, size_t size)
{
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (!p)
        return 0;
    char line[PATH_MAX];
    int ok = fgets(line, sizeof line, p) != NULL;
    int status = pclose(p);
    if (!ok || status != 0)
        return 0;
    trim_end(line);
    if (!has_server_programs(line))
        return 0;
    copy_str(out, line, size);
    return 1;
}

/* Highest N (then N.M) of /usr/lib/postgresql/N/bin holding the programs. */
static int from_debian_tree(char *out, size_t size)
{
    const char *root = "/usr/lib/postgresql";
    DIR *d = opendir(root);
    if (!d)
        return 0;
    long best_major = -1, best_minor = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char *end;
        long major = strtol(e->d_name, &end, 10), minor = 0;
        if (*end == '.')
            minor = strtol(end + 1, &end, 10);
        if (*end != '\0')
            continue;
        char bin[PATH_MAX];
        if (snprintf(bin, sizeof bin, "%s/%s/bin", root, e->d_name) >= (int)sizeof bin
            || !has_server_programs(bin))
            continue;
        if (major > best_major || (major == best_major && minor > best_minor)) {
            best_major = major;
            best_minor = minor;
            copy_str(out, bin, size);
        }
    }
    closedir(d);
    return best_major >= 0;
}

static int from_path(char *out, size_t size)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        char dir[PATH_MAX];
        if (len < sizeof dir) {
            memcpy(dir, path, len);
            dir[len] = '\0';
            if (len == 0)
                copy_str(dir, ".", sizeof dir);
            if (has_server_programs(dir)) {
                copy_str(out, dir, size);
                return 1;
            }
        }
        if (!colon)
            break;
        path = colon + 1;
    }
    return 0;
}

static int find_bindir(char *out, size_t size, pgc_error *err)
{
    const char *env = getenv("PGC_PG_BINDIR");
    if (env && *env) {
        if (has_server_programs(env)) {
            copy_str(out, env, size);
            return PGC_OK;
        }
        return pgc_fail(err, PGC_ECONFIG,
                        "PGC_PG_BINDIR=%s: no executable initdb and postgres there "
                        "(unset it to search pg_config --bindir, "
                        "/usr/lib/postgresql/*/bin and PATH)", env);
    }
    if (from_pg_config(out, size) || from_debian_tree(out, size) || from_path(out, size))
        return PGC_OK;
    return pgc_fail(err, PGC_ECONFIG,
                    "the PostgreSQL server programs (initdb, postgres) were not found "
                    "in pg_config --bindir, /usr/lib/postgresql/*/bin or PATH: install "
                    "the Debian package 'postgresql' or set PGC_PG_BINDIR");
}

/* ------------------------------------------------------------------ */
/* The user, the folder, the port                                       */
/* ------------------------------------------------------------------ */

static int get_run_as(run_as *ra, pgc_error *err)
{
    memset(ra, 0, sizeof *ra);
    if (geteuid() != 0)
        return PGC_OK;
    struct passwd pw, *found = NULL;
    char buf[16384];
    int rc = getpwnam_r(SERVER_USER, &pw, buf, sizeof buf, &found);
    if (rc != 0 || !found)
        return pgc_fail(err, PGC_ECONFIG,
                        "running as root, and there is no user '%s' to run the server "
                        "as (PostgreSQL refuses root): install the Debian package "
                        "'postgresql' or run as an ordinary user", SERVER_USER);
    if (pw.pw_uid == 0)
        return pgc_fail(err, PGC_ECONFIG, "user '%s' has uid 0; the server refuses "
                        "to run as root", SERVER_USER);
    ra->drop = 1;
    ra->uid = pw.pw_uid;
    ra->gid = pw.pw_gid;
    int n = MAX_GROUPS;
    if (getgrouplist(SERVER_USER, pw.pw_gid, ra->groups, &n) < 0)
        n = MAX_GROUPS; /* more than fit: keep the first ones */
    ra->ngroups = n;
    return PGC_OK;
}

/* $TMPDIR when usable in a socket path and a conninfo, else /tmp. */
static const char *temp_base(void)
{
    const char *t = getenv("TMPDIR");
    if (!t || t[0] != '/' || strlen(t) + sizeof "/pgc-XXXXXX" > MAX_DIR_LEN)
        return "/tmp";
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/._-", *p))
            return "/tmp";
    return t;
}

/* A port number nobody listens on (the socket is private anyway). */
static int free_port(void)
{
    int port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0) {
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0
            && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
            port = ntohs(a.sin_port);
        close(fd);
    }
    if (port <= 0) /* no loopback: any number will do in a private folder */
        port = 20000 + (int)(getpid() % 40000);
    return port;
}

static int remove_entry(const char *path, const struct stat *sb, int type,
                        struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    if (remove(path) != 0 && errno != ENOENT)
        fprintf(stderr, "pgc_test: could not remove %s: %s\n", path, strerror(errno));
    return 0;
}

static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ */
/* Processes                                                            */
/* ------------------------------------------------------------------ */

/* write(2) of a string, for the child between fork and exec. */
static void put(const char *s)
{
    ssize_t r = write(2, s, strlen(s));
    (void)r;
}

/* Reports a failed call on stderr (the log) and exits, for the child. */
static _Noreturn void child_fail(const char *what, const char *hint)
{
    int saved = errno, e = saved;
    char num[16];
    int i = (int)sizeof num - 1;
    num[i] = '\0';
    do {
        num[--i] = (char)('0' + e % 10);
        e /= 10;
    } while (e && i > 0);
    put("pgc_test: ");
    put(what);
    put(" failed: errno ");
    put(num + i);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char *name = strerrorname_np(saved);
    if (name) {
        put(" (");
        put(name);
        put(")");
    }
#endif
    if (hint) {
        put("; ");
        put(hint);
    }
    put("\n");
    _exit(127);
}

/*
 * In the child: its own process group (a ^C at the terminal is the test
 * process's to handle), default signals, stdin from /dev/null, stdout and
 * stderr to the log, no other descriptors, the server user, death with
 * the parent, cwd in the folder.  Async-signal-safe calls only.
 */
static _Noreturn void child_exec(const char *path, char *const argv[], int log_fd,
                                 int null_fd, const run_as *ra, const char *cwd,
                                 pid_t parent)
{
    setpgid(0, 0);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
        _exit(127);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if (close_range(3, ~0U, 0) != 0)
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        if (max < 0 || max > 65536)
            max = 65536;
        for (int fd = 3; fd < max; fd++)
            close(fd);
    }
    if (ra->drop) {
        if (setgroups((size_t)ra->ngroups, ra->groups) != 0)
            child_fail("setgroups", NULL);
        if (setgid(ra->gid) != 0)
            child_fail("setgid", NULL);
        if (setuid(ra->uid) != 0)
            child_fail("setuid", NULL);
    }
    /* After the uid change, which clears it. */
    if (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0)
        child_fail("prctl(PR_SET_PDEATHSIG)", NULL);
    if (getppid() != parent)
        _exit(127); /* the parent died before prctl */
    if (chdir(cwd) != 0)
        child_fail("entering the cluster folder",
                   ra->drop ? "the folders above it must be searchable by user '"
                              SERVER_USER "' (see TMPDIR)" : NULL);
    execve(path, argv, environ);
    child_fail("exec", NULL);
}

/* Starts bindir/argv[0] with output appended to log; *pid on success. */
static int spawn(const char *bindir, char *argv[], const char *log, const run_as *ra,
                 const char *cwd, pid_t *pid, pgc_error *err)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", bindir, argv[0]) >= (int)sizeof path)
        return pgc_fail(err, PGC_EIO, "path too long: %s/%s", bindir, argv[0]);
    int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0)
        return pgc_fail(err, PGC_EIO, "could not create %s: %s", log, strerror(errno));
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
        int e = errno;
        close(log_fd);
        return pgc_fail(err, PGC_EIO, "could not open /dev/null: %s", strerror(e));
    }
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0)
        child_exec(path, argv, log_fd, null_fd, ra, cwd, parent);
    int e = errno;
    close(log_fd);
    close(null_fd);
    if (child < 0)
        return pgc_fail(err, PGC_EIO, "could not fork to run %s: %s", path, strerror(e));
    *pid = child;
    return PGC_OK;
}

/* waitpid(pid) for up to timeout_ms (< 0: no limit).  1 once it is gone. */
static int wait_gone(pid_t pid, long timeout_ms, int *status)
{
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        int st = 0;
        pid_t r = waitpid(pid, &st, timeout_ms < 0 ? 0 : WNOHANG);
        if (r == pid) {
            if (status)
                *status = st;
            return 1;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && kill(pid, 0) != 0 && errno == ESRCH)
            return 1; /* reaped elsewhere (SIGCHLD ignored) */
        if (timeout_ms >= 0 && now_ms() >= deadline)
            return 0;
        sleep_ms(10);
    }
}

static void stop_server(pgc_test_cluster *c)
{
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGINT); /* fast shutdown */
    if (!wait_gone(c->pid, STOP_TIMEOUT_MS, NULL)) {
        kill(c->pid, SIGQUIT); /* immediate shutdown */
        if (!wait_gone(c->pid, KILL_TIMEOUT_MS, NULL)) {
            kill(c->pid, SIGKILL);
            wait_gone(c->pid, KILL_TIMEOUT_MS, NULL);
        }
    }
    c->pid = -1;
}

/* Stops the server if any, removes the folder if made, frees. */
static void destroy(pgc_test_cluster *c)
{
    stop_server(c);
    if (c->dir[0])
        remove_tree(c->dir);
    free(c);
}

/* ------------------------------------------------------------------ */
/* The cluster                                                          */
/* ------------------------------------------------------------------ */

static int make_folder(pgc_test_cluster *c, const run_as *ra, pgc_error *err)
{
    char tmpl[MAX_DIR_LEN + 1];
    snprintf(tmpl, sizeof tmpl, "%s/pgc-XXXXXX", temp_base());
    if (!mkdtemp(tmpl))
        return pgc_fail(err, PGC_EIO, "could not create a folder %s: %s", tmpl,
                        strerror(errno));
    copy_str(c->dir, tmpl, sizeof c->dir);
    if (ra->drop && chown(c->dir, ra->uid, ra->gid) != 0)
        return pgc_fail(err, PGC_EIO, "could not give %s to user '%s': %s", c->dir,
                        SERVER_USER, strerror(errno));
    return PGC_OK;
}

static int run_initdb(pgc_test_cluster *c, const char *bindir, const run_as *ra,
                      pgc_error *err)
{
    char data[PATH_MAX], log[PATH_MAX];
    snprintf(data, sizeof data, "%s/data", c->dir);
    snprintf(log, sizeof log, "%s/initdb.log", c->dir);
    char *argv[] = {"initdb", "-D", data, "--auth=trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale=C", NULL};
    pid_t pid;
    int rc = spawn(bindir, argv, log, ra, c->dir, &pid, err);
    if (rc != PGC_OK)
        return rc;
    int status = 0;
    wait_gone(pid, -1, &status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return PGC_OK;
    char how[64], tail[LOG_TAIL + 1];
    describe_status(status, how, sizeof how);
    log_tail(log, tail, sizeof tail);
    return pgc_fail(err, PGC_EIO, "%s/initdb failed (%s):\n%s", bindir, how, tail);
}

static int run_postgres(pgc_test_cluster *c, const char *bindir, const run_as *ra,
                        pgc_error *err)
{
    char data[PATH_MAX], log[PATH_MAX], port[16];
    snprintf(data, sizeof data, "%s/data", c->dir);
    snprintf(log, sizeof log, "%s/postgres.log", c->dir);
    snprintf(port, sizeof port, "%d", c->port);
    char *argv[] = {"postgres", "-D", data, "-k", c->dir, "-p", port,
                    "-c", "listen_addresses=",
                    "-c", "fsync=off",
                    "-c", "full_page_writes=off",
                    "-c", "synchronous_commit=off",
                    "-c", "max_connections=200",
                    NULL};
    int rc = spawn(bindir, argv, log, ra, c->dir, &c->pid, err);
    if (rc != PGC_OK)
        return rc;

    long deadline = now_ms() + START_TIMEOUT_MS;
    for (;;) {
        PGPing ping = PQping(c->conninfo);
        if (ping == PQPING_OK)
            break;
        int status = 0;
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            char how[64], tail[LOG_TAIL + 1];
            c->pid = -1;
            describe_status(status, how, sizeof how);
            log_tail(log, tail, sizeof tail);
            return pgc_fail(err, PGC_ECONNECT, "%s/postgres stopped (%s) before "
                            "accepting connections:\n%s", bindir, how, tail);
        }
        if (ping == PQPING_NO_ATTEMPT)
            return pgc_fail(err, PGC_EINTERNAL, "bad conninfo: %s", c->conninfo);
        if (now_ms() >= deadline) {
            char tail[LOG_TAIL + 1];
            log_tail(log, tail, sizeof tail);
            return pgc_fail(err, PGC_ECONNECT, "%s/postgres did not accept connections "
                            "within %d s:\n%s", bindir, START_TIMEOUT_MS / 1000, tail);
        }
        sleep_ms(20);
    }

    PGconn *conn = PQconnectdb(c->conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        rc = pgc_fail(err, PGC_ECONNECT, "could not connect to the new cluster (%s): %s",
                      c->conninfo, PQerrorMessage(conn));
        if (err)
            trim_end(err->message);
        PQfinish(conn);
        return rc;
    }
    const char *v = PQparameterStatus(conn, "server_version");
    copy_str(c->version, v ? v : "?", sizeof c->version);
    c->version[strcspn(c->version, " ")] = '\0'; /* "15.8 (Debian ...)" */
    PQfinish(conn);
    return PGC_OK;
}

int pgc_test_cluster_start(pgc_test_cluster **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_test_cluster_start: out is NULL");
    *out = NULL;
    char bindir[PATH_MAX];
    int rc = find_bindir(bindir, sizeof bindir, err);
    if (rc != PGC_OK)
        return rc;
    run_as ra;
    if ((rc = get_run_as(&ra, err)) != PGC_OK)
        return rc;

    pgc_test_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return pgc_fail(err, PGC_ENOMEM, "out of memory starting a test cluster");
    c->pid = -1;
    c->owner = getpid();
    if ((rc = make_folder(c, &ra, err)) != PGC_OK)
        goto fail;
    c->port = free_port();
    snprintf(c->conninfo, sizeof c->conninfo, "host=%s port=%d user=postgres "
             "dbname=postgres", c->dir, c->port);
    if ((rc = run_initdb(c, bindir, &ra, err)) != PGC_OK)
        goto fail;
    if ((rc = run_postgres(c, bindir, &ra, err)) != PGC_OK)
        goto fail;
    *out = c;
    return PGC_OK;
fail:
    destroy(c);
    return rc;
}

/* pg_basebackup of the primary into c's data folder, -R: a standby. */
static int run_basebackup(pgc_test_cluster *c, const char *bindir, const run_as *ra,
                          const char *primary_conninfo, pgc_error *err)
{
    char data[PATH_MAX], log[PATH_MAX], conninfo[1024];
    snprintf(data, sizeof data, "%s/data", c->dir);
    snprintf(log, sizeof log, "%s/basebackup.log", c->dir);
    if (snprintf(conninfo, sizeof conninfo, "%s", primary_conninfo) >= (int)sizeof conninfo)
        return pgc_fail(err, PGC_EINVAL, "primary conninfo too long");
    /* -c fast: no wait for a spread checkpoint; -X stream: the WAL written
       meanwhile comes along, so the copy starts consistent. */
    char *argv[] = {"pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast",
                    "--no-sync", "-d", conninfo, NULL};
    pid_t pid;
    int rc = spawn(bindir, argv, log, ra, c->dir, &pid, err);
    if (rc != PGC_OK)
        return rc;
    int status = 0;
    wait_gone(pid, -1, &status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return PGC_OK;
    char how[64], tail[LOG_TAIL + 1];
    describe_status(status, how, sizeof how);
    log_tail(log, tail, sizeof tail);
    return pgc_fail(err, PGC_EIO, "%s/pg_basebackup failed (%s):\n%s", bindir, how, tail);
}

int pgc_test_replica_start(pgc_test_cluster **out, const char *primary_conninfo,
                           pgc_error *err)
{
    if (!out || !primary_conninfo)
        return pgc_fail(err, PGC_EINVAL, "pgc_test_replica_start: NULL argument");
    *out = NULL;
    char bindir[PATH_MAX];
    int rc = find_bindir(bindir, sizeof bindir, err);
    if (rc != PGC_OK)
        return rc;
    run_as ra;
    if ((rc = get_run_as(&ra, err)) != PGC_OK)
        return rc;
    pgc_test_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return pgc_fail(err, PGC_ENOMEM, "out of memory starting a test replica");
    c->pid = -1;
    c->owner = getpid();
    if ((rc = make_folder(c, &ra, err)) != PGC_OK)
        goto fail;
    c->port = free_port();
    snprintf(c->conninfo, sizeof c->conninfo, "host=%s port=%d user=postgres "
             "dbname=postgres", c->dir, c->port);
    if ((rc = run_basebackup(c, bindir, &ra, primary_conninfo, err)) != PGC_OK)
        goto fail;
    if ((rc = run_postgres(c, bindir, &ra, err)) != PGC_OK)
        goto fail;
    *out = c;
    return PGC_OK;
fail:
    destroy(c);
    return rc;
}

void pgc_test_cluster_stop(pgc_test_cluster *c)
{
    if (!c)
        return;
    if (c->owner != getpid()) { /* a forked child: the server is not ours */
        free(c);
        return;
    }
    destroy(c);
}

int pgc_test_cluster_halt(pgc_test_cluster *c, int immediate, pgc_error *err)
{
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_test_cluster_halt: NULL cluster");
    if (c->owner != getpid())
        return pgc_fail(err, PGC_EINVAL, "pgc_test_cluster_halt: the server belongs to "
                        "the process that started it");
    if (c->pid <= 0)
        return PGC_OK;
    if (immediate) {
        /* A crash as clients see it: every backend goes at once, and the
           next start replays the WAL. */
        kill(c->pid, SIGQUIT);
        if (wait_gone(c->pid, KILL_TIMEOUT_MS, NULL)) {
            c->pid = -1;
            return PGC_OK;
        }
    }
    stop_server(c);
    return PGC_OK;
}

int pgc_test_cluster_resume(pgc_test_cluster *c, pgc_error *err)
{
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_test_cluster_resume: NULL cluster");
    if (c->owner != getpid())
        return pgc_fail(err, PGC_EINVAL, "pgc_test_cluster_resume: the server belongs to "
                        "the process that started it");
    if (c->pid > 0)
        return PGC_OK;
    char bindir[PATH_MAX];
    int rc = find_bindir(bindir, sizeof bindir, err);
    run_as ra;
    if (rc == PGC_OK)
        rc = get_run_as(&ra, err);
    if (rc == PGC_OK)
        rc = run_postgres(c, bindir, &ra, err);
    return rc;
}

const char *pgc_test_cluster_conninfo(const pgc_test_cluster *c)
{
    return c->conninfo;
}

const char *pgc_test_cluster_dir(const pgc_test_cluster *c)
{
    return c->dir;
}

const char *pgc_test_cluster_version(const pgc_test_cluster *c)
{
    return c->version;
}

int pgc_test_cluster_port(const pgc_test_cluster *c)
{
    return c->port;
}

pid_t pgc_test_cluster_pid(const pgc_test_cluster *c)
{
    return c->pid;
}

/* ------------------------------------------------------------------ */
/* A database per test                                                  */
/* ------------------------------------------------------------------ */

struct pgc_testdb {
    char name[64];
    char *conninfo;     /* of the database */
    char *server;       /* of the maintenance database, for the drop */
};

/* The shared cluster: from PGC_TEST_CONNINFO or started at first use. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static char *shared_conninfo;            /* malloc'd; NULL until first use */
static pgc_test_cluster *shared_cluster; /* NULL when given by the env */
static unsigned long shared_counter;

static void shared_at_exit(void)
{
    /* Not locked: a thread still holding the lock must not hang exit.
       In a forked child this only frees (see pgc_test_cluster_stop). */
    pgc_test_cluster_stop(shared_cluster);
    shared_cluster = NULL;
    free(shared_conninfo);
    shared_conninfo = NULL;
}

/* Under shared_lock. */
static int shared_ensure(pgc_error *err)
{
    if (shared_conninfo)
        return PGC_OK;
    const char *env = getenv("PGC_TEST_CONNINFO");
    char *conninfo;
    pgc_test_cluster *c = NULL;
    if (env && *env) {
        char *msg = NULL;
        PQconninfoOption *opts = PQconninfoParse(env, &msg);
        if (!opts) {
            int rc = pgc_fail(err, PGC_ECONFIG, "PGC_TEST_CONNINFO: %s",
                              msg ? msg : "out of memory");
            if (err)
                trim_end(err->message);
            PQfreemem(msg);
            return rc;
        }
        PQconninfoFree(opts);
        conninfo = strdup(env);
    } else {
        int rc = pgc_test_cluster_start(&c, err);
        if (rc != PGC_OK)
            return rc;
        conninfo = strdup(c->conninfo);
    }
    if (!conninfo) {
        pgc_test_cluster_stop(c);
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    }
    static int registered;
    if (!registered) {
        if (atexit(shared_at_exit) != 0) {
            pgc_test_cluster_stop(c);
            free(conninfo);
            return pgc_fail(err, PGC_ENOMEM, "atexit: no room for a handler");
        }
        registered = 1;
    }
    shared_conninfo = conninfo;
    shared_cluster = c;
    return PGC_OK;
}

/* Appends key=value to dst, quoting the value when libpq needs it. */
static void append_option(char *dst, const char *key, const char *val)
{
    dst += strlen(dst);
    dst += sprintf(dst, "%s=", key);
    int quote = !*val || strpbrk(val, " \t\n\r\f\v'\\") != NULL;
    if (quote)
        *dst++ = '\'';
    for (const char *p = val; *p; p++) {
        if (*p == '\'' || *p == '\\')
            *dst++ = '\\';
        *dst++ = *p;
    }
    if (quote)
        *dst++ = '\'';
    *dst = '\0';
}

/* The server's conninfo (keywords or URI) with dbname replaced; malloc'd. */
static char *with_dbname(const char *server, const char *dbname)
{
    PQconninfoOption *opts = PQconninfoParse(server, NULL);
    if (!opts)
        return NULL;
    size_t size = strlen(dbname) * 2 + 16;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && strcmp(o->keyword, "dbname") != 0)
            size += strlen(o->keyword) + strlen(o->val) * 2 + 5;
    char *out = malloc(size);
    if (out) {
        out[0] = '\0';
        for (PQconninfoOption *o = opts; o->keyword; o++)
            if (o->val && strcmp(o->keyword, "dbname") != 0) {
                if (out[0])
                    strcat(out, " ");
                append_option(out, o->keyword, o->val);
            }
        if (out[0])
            strcat(out, " ");
        append_option(out, "dbname", dbname);
    }
    PQconninfoFree(opts);
    return out;
}

static void testdb_free(pgc_testdb *t)
{
    free(t->conninfo);
    free(t->server);
    free(t);
}

static unsigned long next_number(void)
{
    pthread_mutex_lock(&shared_lock);
    unsigned long n = ++shared_counter;
    pthread_mutex_unlock(&shared_lock);
    return n;
}

int pgc_testdb_create(pgc_testdb **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_testdb_create: out is NULL");
    *out = NULL;
    pgc_testdb *t = calloc(1, sizeof *t);
    if (!t)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    pthread_mutex_lock(&shared_lock);
    int rc = shared_ensure(err);
    if (rc == PGC_OK && !(t->server = strdup(shared_conninfo)))
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
    pthread_mutex_unlock(&shared_lock);
    if (rc != PGC_OK) {
        testdb_free(t);
        return rc;
    }

    PGconn *conn = PQconnectdb(t->server);
    if (PQstatus(conn) != CONNECTION_OK) {
        rc = pgc_fail(err, PGC_ECONNECT, "pgc_testdb_create: %s", PQerrorMessage(conn));
        if (err)
            trim_end(err->message);
        goto done;
    }
    /* A database left by an earlier process with our pid: take the next n. */
    for (int attempt = 0;; attempt++) {
        snprintf(t->name, sizeof t->name, "pgc_test_%ld_%lu", (long)getpid(),
                 next_number());
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", t->name);
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            break;
        }
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (attempt < 100 && state && strcmp(state, "42P04") == 0) {
            PQclear(res);
            continue;
        }
        rc = fail_result(err, conn, res, "CREATE DATABASE");
        PQclear(res);
        goto done;
    }
    if (!(t->conninfo = with_dbname(t->server, t->name))) {
        rc = pgc_fail(err, PGC_ENOMEM, "out of memory");
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE \"%s\"", t->name);
        PQclear(PQexec(conn, sql));
    }
done:
    PQfinish(conn);
    if (rc != PGC_OK) {
        testdb_free(t);
        return rc;
    }
    *out = t;
    return PGC_OK;
}

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

void pgc_testdb_drop(pgc_testdb *t)
{
    if (!t)
        return;
    PGconn *conn = PQconnectdb(t->server);
    PQsetNoticeProcessor(conn, no_notices, NULL); /* "does not exist, skipping" */
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "pgc_testdb_drop: %s: %s", t->name, PQerrorMessage(conn));
    } else {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", t->name);
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fprintf(stderr, "pgc_testdb_drop: %s: %s", t->name, PQresultErrorMessage(res));
        PQclear(res);
    }
    PQfinish(conn);
    testdb_free(t);
}

const char *pgc_testdb_conninfo(const pgc_testdb *t)
{
    return t->conninfo;
}

const char *pgc_testdb_name(const pgc_testdb *t)
{
    return t->name;
}

int pgc_testdb_setup(void **state)
{
    pgc_error err = {0};
    pgc_testdb *t;
    if (pgc_testdb_create(&t, &err) != PGC_OK) {
        fprintf(stderr, "pgc_testdb_setup: %s (%s)\n", err.message,
                pgc_code_name(err.code));
        *state = NULL;
        return -1;
    }
    *state = t;
    return 0;
}

int pgc_testdb_teardown(void **state)
{
    pgc_testdb_drop(*state);
    *state = NULL;
    return 0;
}
