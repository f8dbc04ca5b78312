/*
 * copy.c - COPY ... FROM STDIN (FORMAT binary): rows encoded into a 64 KiB
 * buffer and sent with PQputCopyData when it fills.
 *
 * The binary format: a signature, flags and a header extension length;
 * then per row a 16-bit field count and per field a 32-bit length (-1 for
 * NULL) and the bytes; then a 16-bit -1.  All integers big-endian.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pgc_gen.h"

#define COPY_BUF_SIZE (64 * 1024)

struct pgc_copy {
    pgc_db *db;
    pgc_pconn *c;
    const pgc_rendered *r;
    int ncols;            /* the COPY's column count */
    int left;             /* fields still to write in the current row */
    int in_copy;          /* the server is still in COPY IN */
    int rc;               /* first failure (sticky), PGC_OK if none */
    pgc_error first;      /* its record */
    int64_t started;      /* pgc_trace_now_ns() at begin when traced, else 0 */
    size_t len;
    unsigned char buf[COPY_BUF_SIZE];
};

static const unsigned char signature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};

/* Records the first failure; later ones keep it.  Returns the sticky code. */
static int stick(pgc_copy *c, pgc_error *err)
{
    if (err && err != &c->first)
        *err = c->first;
    return c->rc;
}

static int fail(pgc_copy *c, pgc_error *err, int code, const char *what)
{
    if (c->rc == PGC_OK) {
        c->rc = pgc_fail(&c->first, code, "%s", what);
        pgc_strlcpy(c->first.statement, c->r->stmt_name, sizeof c->first.statement);
    }
    return stick(c, err);
}

/*
 * The server left COPY IN (it found an error in the data, or the
 * connection broke): its error is the next result.
 */
static int server_ended(pgc_copy *c, pgc_error *err)
{
    c->in_copy = 0;
    if (c->rc != PGC_OK)
        return stick(c, err);
    PGresult *res = PQgetResult(c->c->pg);
    c->rc = pgc_fail_stmt(&c->first, c->c, res, c->r); /* NULL res: libpq's message */
    PQclear(res);
    PGresult *more;
    while ((more = PQgetResult(c->c->pg)))
        PQclear(more);
    return stick(c, err);
}

static int put(pgc_copy *c, const void *data, size_t len, pgc_error *err)
{
    while (len > 0) {
        int n = len > INT32_MAX / 2 ? INT32_MAX / 2 : (int)len;
        if (PQputCopyData(c->c->pg, data, n) != 1)
            return server_ended(c, err);
        data = (const unsigned char *)data + n;
        len -= (size_t)n;
    }
    return PGC_OK;
}

static int flush(pgc_copy *c, pgc_error *err)
{
    if (c->len == 0)
        return PGC_OK;
    int rc = put(c, c->buf, c->len, err);
    c->len = 0;
    return rc;
}

/* Appends to the buffer, sending it first if it would overflow; data
 * larger than the buffer is sent as is. */
static int append(pgc_copy *c, const void *data, size_t len, pgc_error *err)
{
    if (c->len + len > sizeof c->buf) {
        int rc = flush(c, err);
        if (rc != PGC_OK)
            return rc;
        if (len > sizeof c->buf)
            return put(c, data, len, err);
    }
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    return PGC_OK;
}

static void be16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void be64(unsigned char *p, uint64_t v)
{
    be32(p, (uint32_t)(v >> 32));
    be32(p + 4, (uint32_t)v);
}

/* Checks the copy can take one more field of this row. */
static int field_ok(pgc_copy *c, pgc_error *err)
{
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy: NULL handle");
    if (c->rc != PGC_OK)
        return stick(c, err);
    if (c->left <= 0)
        return fail(c, err, PGC_EINVAL,
                    c->ncols && c->left == 0 ? "COPY: more fields than the row declared"
                                             : "COPY: a field outside a row (call pgc_copy_row first)");
    c->left--;
    return PGC_OK;
}

/* Room for n bytes (n <= the buffer's size) at the end of the buffer,
 * sent first if they would not fit; NULL with *rc set on failure.  The
 * caller writes them in place: no memcpy call for a few bytes, which
 * counts when a row is a handful of small fields. */
static unsigned char *reserve(pgc_copy *c, size_t n, int *rc, pgc_error *err)
{
    *rc = PGC_OK;
    if (c->len + n > sizeof c->buf && (*rc = flush(c, err)) != PGC_OK)
        return NULL;
    unsigned char *p = c->buf + c->len;
    c->len += n;
    return p;
}

/* A field of len bytes whose data the caller writes at the returned spot
 * (small fixed-size values), or NULL on failure. */
static unsigned char *small_field(pgc_copy *c, uint32_t len, int *rc, pgc_error *err)
{
    if ((*rc = field_ok(c, err)) != PGC_OK)
        return NULL;
    unsigned char *p = reserve(c, 4 + len, rc, err);
    if (!p)
        return NULL;
    be32(p, len);
    return p + 4;
}

int pgc_copy_row(pgc_copy *c, int ncols, pgc_error *err)
{
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_row: NULL handle");
    if (c->rc != PGC_OK)
        return stick(c, err);
    if (c->left > 0)
        return fail(c, err, PGC_EINVAL, "COPY: a row has fewer fields than it declared");
    if (ncols != c->ncols)
        return fail(c, err, PGC_EINVAL, "COPY: a row's field count differs from the COPY's "
                                        "column count");
    int rc;
    c->left = ncols;
    unsigned char *p = reserve(c, 2, &rc, err);
    if (p)
        be16(p, (uint16_t)ncols);
    return rc;
}

int pgc_copy_null(pgc_copy *c, pgc_error *err)
{
    int rc;
    if ((rc = field_ok(c, err)) != PGC_OK)
        return rc;
    unsigned char *p = reserve(c, 4, &rc, err);
    if (p)
        be32(p, 0xffffffffu);
    return rc;
}

int pgc_copy_bytes(pgc_copy *c, const void *data, size_t len, pgc_error *err)
{
    int rc;
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_bytes: NULL handle");
    if (len > INT32_MAX)
        return fail(c, err, PGC_EINVAL, "COPY: a field longer than 2 GiB");
    if (!data && len)
        return fail(c, err, PGC_EINVAL, "COPY: NULL data");
    if ((rc = field_ok(c, err)) != PGC_OK)
        return rc;
    if (len <= sizeof c->buf - 4) { /* length and data straight into the buffer */
        unsigned char *p = reserve(c, 4 + len, &rc, err);
        if (p) {
            be32(p, (uint32_t)len);
            if (len)
                memcpy(p + 4, data, len);
        }
        return rc;
    }
    unsigned char p[4];
    be32(p, (uint32_t)len);
    if ((rc = append(c, p, 4, err)) != PGC_OK)
        return rc;
    return append(c, data, len, err);
}

int pgc_copy_text(pgc_copy *c, const char *s, pgc_error *err)
{
    return s ? pgc_copy_bytes(c, s, strlen(s), err) : pgc_copy_null(c, err);
}

/* jsonb_recv's format: a version byte (1), then the text. */
int pgc_copy_jsonb(pgc_copy *c, const char *s, pgc_error *err)
{
    int rc;
    if (!s)
        return pgc_copy_null(c, err);
    size_t n = strlen(s);
    if (n >= INT32_MAX)
        return fail(c, err, PGC_EINVAL, "COPY: a field longer than 2 GiB");
    if ((rc = field_ok(c, err)) != PGC_OK)
        return rc;
    unsigned char p[5];
    be32(p, (uint32_t)n + 1);
    p[4] = 1;
    if ((rc = append(c, p, 5, err)) != PGC_OK)
        return rc;
    return n ? append(c, s, n, err) : PGC_OK;
}

int pgc_copy_numeric(pgc_copy *c, const char *s, pgc_error *err)
{
    char *bin;
    int len;
    if (!s)
        return pgc_copy_null(c, err);
    int rc = pgc_put_numeric(s, &bin, &len); /* before bin and len are read */
    return pgc_copy_encoded(c, rc, bin, len, err);
}

int pgc_copy_encoded(pgc_copy *c, int rc, char *data, int len, pgc_error *err)
{
    if (rc == PGC_OK) {
        rc = pgc_copy_bytes(c, data, (size_t)len, err);
        free(data);
        return rc;
    }
    free(data);
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_encoded: NULL handle");
    if (c->rc != PGC_OK)
        return stick(c, err);
    return fail(c, err, rc, rc == PGC_ENOMEM ? "COPY: out of memory encoding a value"
                                             : "COPY: a value that cannot be encoded (a "
                                               "malformed number, an array with no items)");
}

int pgc_copy_int2(pgc_copy *c, int16_t v, pgc_error *err)
{
    int rc;
    unsigned char *p = small_field(c, 2, &rc, err);
    if (p)
        be16(p, (uint16_t)v);
    return rc;
}

int pgc_copy_int4(pgc_copy *c, int32_t v, pgc_error *err)
{
    int rc;
    unsigned char *p = small_field(c, 4, &rc, err);
    if (p)
        be32(p, (uint32_t)v);
    return rc;
}

int pgc_copy_int8(pgc_copy *c, int64_t v, pgc_error *err)
{
    int rc;
    unsigned char *p = small_field(c, 8, &rc, err);
    if (p)
        be64(p, (uint64_t)v);
    return rc;
}

int pgc_copy_float4(pgc_copy *c, float v, pgc_error *err)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    int rc;
    unsigned char *p = small_field(c, 4, &rc, err);
    if (p)
        be32(p, bits);
    return rc;
}

int pgc_copy_float8(pgc_copy *c, double v, pgc_error *err)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int rc;
    unsigned char *p = small_field(c, 8, &rc, err);
    if (p)
        be64(p, bits);
    return rc;
}

int pgc_copy_bool(pgc_copy *c, int v, pgc_error *err)
{
    int rc;
    unsigned char *p = small_field(c, 1, &rc, err);
    if (p)
        *p = v ? 1 : 0;
    return rc;
}

/* Ends a COPY that will not be kept, reads its results, frees c. */
static void finish(pgc_copy *c, const char *reason)
{
    if (c->in_copy && PQputCopyEnd(c->c->pg, reason) != 1)
        c->c->broken = 1;
    PGresult *res;
    while ((res = PQgetResult(c->c->pg))) {
        /* Still in COPY IN after a failed end: nothing more can be done. */
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_COPY_IN) {
            c->c->broken = 1;
            break;
        }
    }
    if (PQstatus(c->c->pg) != CONNECTION_OK)
        c->c->broken = 1;
    pgc_db *root = c->db->root;
    pgc_db_unhold(c->db, c->c);
    pgc_db_count_open(root, -1);
    free(c);
}

int pgc_copy_begin(pgc_db *db, const pgc_stmt *stmt, pgc_copy **out, pgc_error *err)
{
    if (!out)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_begin: out is NULL");
    *out = NULL;
    if (!db || !stmt)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_begin: NULL argument");
    if (stmt->nparams != 0)
        return pgc_fail(err, PGC_EINVAL, "COPY \"%s\": takes no parameters",
                        stmt->name ? stmt->name : "?");
    pgc_copy *c = malloc(sizeof *c);
    if (!c)
        return pgc_fail(err, PGC_ENOMEM, "out of memory");
    memset(c, 0, offsetof(pgc_copy, buf));
    c->db = db;
    int rc = pgc_db_rendered(db, stmt, &c->r, err);
    if (rc == PGC_OK)
        rc = pgc_db_hold(db, PGC_HELD_COPY, &c->c, err);
    if (rc != PGC_OK) {
        free(c);
        return rc;
    }
    c->c->queries++;
    c->started = pgc_tracing(db) ? pgc_trace_now_ns() : 0;
    /* The extended protocol runs exactly one statement. */
    PGresult *res = PQexecParams(c->c->pg, c->r->sql, 0, NULL, NULL, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COPY_IN) {
        c->in_copy = 1;
        c->ncols = PQnfields(res);
        if (!PQbinaryTuples(res))
            rc = pgc_fail(err, PGC_EINVAL, "COPY \"%s\": not in binary format "
                          "(add \"(FORMAT binary)\")", c->r->stmt_name);
    } else if (st == PGRES_COPY_OUT || st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK
               || st == PGRES_EMPTY_QUERY) {
        rc = pgc_fail(err, PGC_EINVAL, "statement \"%s\" is not a COPY ... FROM STDIN",
                      c->r->stmt_name);
        if (st == PGRES_COPY_OUT) {
            char *buf;
            while (PQgetCopyData(c->c->pg, &buf, 0) > 0)
                PQfreemem(buf);
        }
    } else {
        rc = pgc_fail_stmt(err, c->c, res, c->r);
    }
    if (rc != PGC_OK && c->started)
        pgc_trace(db, PGC_VIA_COPY, c->r, NULL, c->c, c->started, res, rc, err, false);
    PQclear(res);
    if (rc == PGC_OK) {
        unsigned char header[19];
        memcpy(header, signature, sizeof signature);
        memset(header + 11, 0, 8); /* flags, header extension length */
        append(c, header, sizeof header, NULL);
        *out = c;
        return PGC_OK;
    }
    if (err && !err->statement[0])
        pgc_strlcpy(err->statement, c->r->stmt_name, sizeof err->statement);
    finish(c, "refused by pgc_copy_begin");
    return rc;
}

int pgc_copy_end(pgc_copy *c, int64_t *rows, pgc_error *err)
{
    int64_t copied = 0;
    if (rows)
        *rows = 0;
    if (!c)
        return pgc_fail(err, PGC_EINVAL, "pgc_copy_end: NULL handle");
    if (c->rc == PGC_OK && c->left > 0)
        fail(c, NULL, PGC_EINVAL, "COPY: the last row has fewer fields than it declared");
    if (c->rc == PGC_OK) {
        unsigned char trailer[2] = {0xff, 0xff};
        if (append(c, trailer, 2, NULL) == PGC_OK && flush(c, NULL) == PGC_OK) {
            if (PQputCopyEnd(c->c->pg, NULL) != 1) {
                server_ended(c, NULL);
            } else {
                c->in_copy = 0;
                PGresult *res = PQgetResult(c->c->pg);
                if (PQresultStatus(res) == PGRES_COMMAND_OK) {
                    copied = strtoll(PQcmdTuples(res), NULL, 10);
                    if (rows)
                        *rows = copied;
                } else {
                    c->rc = pgc_fail_stmt(&c->first, c->c, res, c->r);
                }
                PQclear(res);
            }
        }
    }
    int rc = c->rc;
    if (c->started)
        pgc_trace_as(c->db, PGC_VIA_COPY, c->r->stmt_name, c->r->sql, c->c, c->started, NULL,
                     rc == PGC_OK ? copied : 0, rc, &c->first, false);
    if (rc != PGC_OK) {
        if (rows)
            *rows = 0;
        if (err)
            *err = c->first;
    }
    finish(c, "pgc_copy_end: the rows were not complete");
    return rc;
}

void pgc_copy_abort(pgc_copy *c)
{
    if (!c)
        return;
    if (c->started) /* ended by the client: canceled, unless it failed before */
        pgc_trace_as(c->db, PGC_VIA_COPY, c->r->stmt_name, c->r->sql, c->c, c->started, NULL, 0,
                     c->rc != PGC_OK ? c->rc : PGC_ECANCELED, &c->first, false);
    finish(c, "aborted by pgc_copy_abort");
}
