/*
 * pgc_test.h - throwaway PostgreSQL clusters and databases for tests
 * (libpgc-test.a, a library apart from libpgc; depends on libpq).
 *
 * Two levels:
 *
 *  - pgc_test_cluster: initdb in a fresh private folder, a server that
 *    listens on a Unix socket in that folder only (no TCP), trust auth,
 *    durability off.  Stopping it removes the folder.
 *
 *  - pgc_testdb: a fresh database per test, on the cluster named by the
 *    environment variable PGC_TEST_CONNINFO (set by `pgc-tmpcluster`) or,
 *    when that is unset, on one cluster per process that the first
 *    pgc_testdb_create() starts and an atexit handler stops.
 *
 * Conventions are those of pgc.h: opaque handles, closers that accept
 * NULL, functions that can fail return a pgc code and fill `err` (which may
 * be NULL).  Codes: PGC_ECONFIG (server programs, the `postgres` user or
 * PGC_TEST_CONNINFO missing or wrong), PGC_EIO (a system call or initdb
 * failed), PGC_ECONNECT (the server did not start or cannot be reached),
 * PGC_ESQL and friends (CREATE DATABASE failed), PGC_ENOMEM.
 *
 * Server programs are found in $PGC_PG_BINDIR if set (and nowhere else),
 * else in `pg_config --bindir`, else in the highest /usr/lib/postgresql/N/bin,
 * else on PATH.  The folder is made under $TMPDIR, or /tmp when TMPDIR is
 * unset, too long for a socket path or holds characters other than
 * [A-Za-z0-9/._-].
 *
 * Run as root, the server runs as the system user `postgres` (the folder is
 * handed to it); run as anyone else, it runs as that user.
 *
 * The server is a child process of the caller (in a process group of its
 * own, so a ^C at the terminal does not reach it): reap your own children
 * by pid, since `while (wait(NULL) > 0)` would wait for the server too.
 * It is sent SIGQUIT if the thread that started it exits, so that a
 * crashed test leaves no server running (Linux PR_SET_PDEATHSIG; its
 * folder stays): start clusters from a thread that outlives them, usually
 * the main thread.
 *
 * Thread-safety: distinct clusters may be used from any threads; the
 * testdb functions may be called from any thread.
 */
#ifndef PGC_TEST_H
#define PGC_TEST_H

#include <sys/types.h>

#include "pgc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* A throwaway cluster                                                  */
/* ------------------------------------------------------------------ */

typedef struct pgc_test_cluster pgc_test_cluster;

/*
 * Makes a folder pgc-XXXXXX (mkdtemp), runs initdb in it (its output goes
 * to initdb.log there, whose tail the error carries on failure), starts
 * `postgres` with its socket in the folder, listen_addresses='', a free
 * port number, fsync/full_page_writes/synchronous_commit off and
 * max_connections=200, and waits up to 60 s until it accepts connections.
 * On failure nothing is left behind and *out is NULL.  Stop with
 * pgc_test_cluster_stop().
 */
int pgc_test_cluster_start(pgc_test_cluster **out, pgc_error *err);

/*
 * A plain streaming replica of a running server (primary_conninfo, as
 * libpq keywords; its dbname is not used): a folder of its own made as
 * pgc_test_cluster_start makes one, `pg_basebackup -R -X stream -c fast`
 * of the primary (which must accept replication connections: a
 * pgc_test_cluster does), and a hot standby started on it with the same
 * settings and a port of its own, waited on until it accepts connections.
 * It is a pgc_test_cluster: stop, halt, resume and the accessors apply.
 * Its conninfo's server has not necessarily replayed all the primary has
 * written: compare pg_last_wal_replay_lsn() there with the primary's
 * pg_current_wal_lsn().
 */
int pgc_test_replica_start(pgc_test_cluster **out, const char *primary_conninfo,
                           pgc_error *err);

/*
 * Stops the server (fast shutdown, waited for; SIGQUIT then SIGKILL if it
 * takes more than 30 s), removes the folder and frees the handle.  In a
 * process forked from the one that started the cluster it only frees the
 * handle: the server belongs to the starting process.  NULL is accepted.
 */
void pgc_test_cluster_stop(pgc_test_cluster *c);

/*
 * For tests of a server that goes away: halt stops the server and keeps the
 * folder (fast shutdown, or with `immediate` a SIGQUIT that ends every
 * backend at once, as a crash would); resume starts it again on the same
 * folder, socket and port and waits until it accepts connections.  Both do
 * nothing if the server is already in that state, and refuse (PGC_EINVAL)
 * in a process other than the one that started the cluster.
 */
int pgc_test_cluster_halt(pgc_test_cluster *c, int immediate, pgc_error *err);
int pgc_test_cluster_resume(pgc_test_cluster *c, pgc_error *err);

/*
 * Accessors.  Strings are owned by the cluster and valid until stop.
 *   conninfo: "host=/tmp/pgc-XXXXXX port=N user=postgres dbname=postgres"
 *   dir:      the private folder: the socket, data/ and the logs
 *             (initdb.log, postgres.log)
 *   version:  the server's version number, e.g. "15.8"
 *   pid:      the postmaster's process id
 */
const char *pgc_test_cluster_conninfo(const pgc_test_cluster *c);
const char *pgc_test_cluster_dir(const pgc_test_cluster *c);
const char *pgc_test_cluster_version(const pgc_test_cluster *c);
int pgc_test_cluster_port(const pgc_test_cluster *c);
pid_t pgc_test_cluster_pid(const pgc_test_cluster *c);

/* ------------------------------------------------------------------ */
/* A fresh database per test                                            */
/* ------------------------------------------------------------------ */

typedef struct pgc_testdb pgc_testdb;

/*
 * CREATE DATABASE pgc_test_<pid>_<n> on the shared cluster (see the top of
 * this header; PGC_TEST_CONNINFO is read at the first call).  The process
 * that started the shared cluster stops it at exit; processes forked from
 * it (without exec) leave it running.  Drop with pgc_testdb_drop().
 */
int pgc_testdb_create(pgc_testdb **out, pgc_error *err);

/*
 * DROP DATABASE ... WITH (FORCE) (disconnecting whoever is still connected)
 * and frees the handle.  A failure to drop is reported on stderr.  NULL is
 * accepted.
 */
void pgc_testdb_drop(pgc_testdb *t);

/* The database's conninfo (the cluster's, with dbname replaced) and name;
 * owned by the handle, valid until drop. */
const char *pgc_testdb_conninfo(const pgc_testdb *t);
const char *pgc_testdb_name(const pgc_testdb *t);

/*
 * For cmocka's cmocka_unit_test_setup_teardown() (or group setup):
 * setup stores a new pgc_testdb * in *state (printing the error and
 * returning -1 on failure); teardown drops *state and sets it to NULL.
 */
int pgc_testdb_setup(void **state);
int pgc_testdb_teardown(void **state);

#ifdef __cplusplus
}
#endif
#endif /* PGC_TEST_H */
