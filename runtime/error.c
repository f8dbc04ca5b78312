/*
 * error.c - the error code space (from PGC_ERRNO_MAP) and error records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *pgc_strerror(int code)
{
    switch (code) {
#define PGC_MSG_(name, msg) case PGC_##name: return msg;
        PGC_ERRNO_MAP(PGC_MSG_)
#undef PGC_MSG_
    default:
        return "unknown error code";
    }
}

const char *pgc_code_name(int code)
{
    switch (code) {
#define PGC_NAME_(name, msg) case PGC_##name: return "PGC_" #name;
        PGC_ERRNO_MAP(PGC_NAME_)
#undef PGC_NAME_
    default:
        return "PGC_UNKNOWN";
    }
}

void pgc_error_clear(pgc_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void pgc_strlcpy(char *dst, const char *src, size_t dst_size)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= dst_size)
        n = dst_size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

char *pgc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int pgc_error_set(pgc_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    char message[sizeof err->message]; /* the arguments may point into err */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    memset(err, 0, sizeof *err);
    err->code = code;
    memcpy(err->message, message, sizeof message);
    return code;
}

/* Drops the trailing newline libpq leaves on messages. */
static void copy_trimmed(char *dst, const char *src, size_t size)
{
    pgc_strlcpy(dst, src, size);
    size_t n = strlen(dst);
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
        dst[--n] = '\0';
}

int pgc_fail_pq(pgc_error *err, PGconn *conn, const PGresult *res,
                const char *statement)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int code = PGC_ESQL;
    if (conn && PQstatus(conn) == CONNECTION_BAD)
        code = PGC_ECONNLOST;
    else if (state && strncmp(state, "08", 2) == 0)
        code = PGC_ECONNLOST;
    else if (state && (strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0
                       || strcmp(state, "57P03") == 0))
        code = PGC_ECONNLOST; /* admin shutdown, crash shutdown, cannot connect now */
    else if (state && strcmp(state, "57014") == 0)
        code = PGC_ECANCELED;
    else if (!state && conn && PQstatus(conn) == CONNECTION_OK && !PQconsumeInput(conn)
             && PQstatus(conn) == CONNECTION_BAD)
        code = PGC_ECONNLOST; /* a failed write: libpq marks the connection bad only
                                 once it reads, which PQconsumeInput just did */
    else if (!state)
        code = PGC_EINVAL; /* no SQLSTATE and still connected: libpq refused the call */
    if (!err)
        return code;

    memset(err, 0, sizeof *err);
    err->code = code;
    if (state)
        pgc_strlcpy(err->sqlstate, state, sizeof err->sqlstate);
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary && res)
        primary = PQresultErrorMessage(res);
    if ((!primary || !*primary) && conn)
        primary = PQerrorMessage(conn);
    copy_trimmed(err->message, primary && *primary ? primary : pgc_strerror(code),
                 sizeof err->message);
    if (res) {
        const char *s;
        if ((s = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)))
            copy_trimmed(err->detail, s, sizeof err->detail);
        if ((s = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT)))
            copy_trimmed(err->hint, s, sizeof err->hint);
        if ((s = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION)))
            err->position = atoi(s);
        if ((s = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)))
            pgc_strlcpy(err->constraint_name, s, sizeof err->constraint_name);
        if ((s = PQresultErrorField(res, PG_DIAG_TABLE_NAME)))
            pgc_strlcpy(err->table_name, s, sizeof err->table_name);
        if ((s = PQresultErrorField(res, PG_DIAG_COLUMN_NAME)))
            pgc_strlcpy(err->column_name, s, sizeof err->column_name);
    }
    if (statement)
        pgc_strlcpy(err->statement, statement, sizeof err->statement);
    return code;
}

void pgc_error_prefix(pgc_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    size_t plen = strlen(prefix), mlen = strlen(err->message);
    if (plen >= sizeof err->message)
        plen = sizeof err->message - 1;
    if (plen + mlen >= sizeof err->message)
        mlen = sizeof err->message - 1 - plen;
    memmove(err->message + plen, err->message, mlen);
    memcpy(err->message, prefix, plen);
    err->message[plen + mlen] = '\0';
}
