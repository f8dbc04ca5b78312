/*
 * jobqueue_lib.c - the job queue library over the code pgc generated from
 * queries.sql (jobqueue.h).  The queue's rules live in that SQL; this file
 * handles the library's life cycle and turns results into answers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "jobqueue_lib.h"

struct jobqueue_lib {
    pgc_db *db; /* standalone: owns its pool; embedded: borrows the host's */
};

/* Errors found here rather than by the runtime, in the same record. */
static int fail(pgc_error *err, int code, const char *message)
{
    return pgc_error_set(err, code, "jobqueue: %s", message);
}

static int wrap(jobqueue_lib **out, pgc_db *db, pgc_error *err)
{
    *out = malloc(sizeof **out);
    if (!*out) {
        pgc_db_close(db);
        return fail(err, PGC_ENOMEM, "out of memory");
    }
    (*out)->db = db;
    return PGC_OK;
}

int jobqueue_lib_open(jobqueue_lib **out, const char *conninfo, const char *schema,
                      pgc_error *err)
{
    *out = NULL;
    pgc_config *cfg = pgc_config_new();
    if (!cfg)
        return fail(err, PGC_ENOMEM, "out of memory");
    pgc_db *db = NULL;
    int rc = pgc_config_set(cfg, "conninfo", conninfo, err);
    if (rc == PGC_OK)
        rc = pgc_config_set(cfg, "application_name", "jobqueue", err);
    if (rc == PGC_OK)
        rc = pgc_db_open(&db, cfg, schema, err); /* the pool copies cfg */
    pgc_config_free(cfg);
    return rc == PGC_OK ? wrap(out, db, err) : rc;
}

int jobqueue_lib_attach(jobqueue_lib **out, pgc_pool *pool, const char *schema,
                        pgc_error *err)
{
    *out = NULL;
    pgc_db *db;
    int rc = pgc_db_attach(&db, pool, schema, err);
    return rc == PGC_OK ? wrap(out, db, err) : rc;
}

int jobqueue_lib_migrate(jobqueue_lib *q, size_t *applied, pgc_error *err)
{
    return pgc_migrate(q->db, jobqueue_migration_set(), NULL, applied, err);
}

int jobqueue_lib_close(jobqueue_lib *q)
{
    if (!q)
        return PGC_OK;
    int rc = pgc_db_close(q->db); /* closes the pool only if it owns it */
    if (rc == PGC_OK)
        free(q);
    return rc;
}

pgc_db *jobqueue_lib_db(const jobqueue_lib *q)
{
    return q->db;
}

int jobqueue_lib_enqueue(jobqueue_lib *q, const char *kind, const char *payload,
                         int32_t max_attempts, int64_t *id, pgc_error *err)
{
    jobqueue_enqueue_row row = {0};
    int rc = jobqueue_enqueue(q->db, kind, payload, max_attempts, &row, err);
    if (rc == PGC_OK)
        *id = row.id;
    return rc;
}

int jobqueue_lib_claim(jobqueue_lib *q, jobqueue_job *job, pgc_error *err)
{
    return jobqueue_claim(q->db, job, err);
}

int jobqueue_lib_complete(jobqueue_lib *q, int64_t id, pgc_error *err)
{
    int64_t rows;
    int rc = jobqueue_complete(q->db, id, &rows, err);
    if (rc == PGC_OK && rows != 1)
        rc = fail(err, PGC_ENOROW, "complete: the job is not running");
    return rc;
}

int jobqueue_lib_fail(jobqueue_lib *q, int64_t id, const char *error, int64_t retry_after_ms,
                      bool *retrying, pgc_error *err)
{
    pgc_interval after = {.usec = retry_after_ms * 1000};
    jobqueue_fail_row row = {0};
    int rc = jobqueue_fail(q->db, after, error, id, &row, err);
    if (rc == PGC_ENOROW)
        rc = fail(err, PGC_ENOROW, "fail: the job is not running");
    if (rc == PGC_OK)
        *retrying = row.state == JOBQUEUE_JOB_STATE_QUEUED;
    return rc;
}
