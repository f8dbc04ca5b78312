/*
 * source.h - the generator's inputs: migration files and annotated query
 * files, cut into statements and turned into canonical SQL for the parser.
 *
 * Canonical SQL is what libpg_query parses: the user's statement with
 *   {{tables.t}}      -> "__pgc_home".t   (the library's own schema)
 *   {{tables.s.t}}    -> "s".t
 *   {{schema}}        -> "__pgc_home"
 *   @name, sqlc.arg(name), sqlc.narg(name), sqlc.slice(name)  -> $n
 *   sqlc.embed(t)     -> t.*  (the query records the embed)
 * (templates exactly as the runtime renders them for a db in schema
 * PGC_HOME_SCHEMA; parameters and macros in queries only)
 * and a map from canonical offsets back to the user's file, so every parser
 * or analyzer error lands on the user's line and column.  Text inside
 * strings, comments, dollar quotes and quoted identifiers is never touched
 * (the runtime's lexer, runtime/sqllex.re, decides).
 *
 * Takes: paths.  Gives: migrations and queries cut into statements, as
 * canonical SQL with a map back (source.c).
 */
#ifndef PGC_SOURCE_H
#define PGC_SOURCE_H

#include "gen.h"
#include "sqltext.h"

/* The schema that `{{tables.t}}` and `{{schema}}` stand for, in canonical SQL. */
#define PGC_HOME_SCHEMA "__pgc_home"

/* One statement as the parser sees it, and the way back to the user's file. */
typedef struct pgc_stmt_text {
    const pgc_file *file;
    size_t offset;        /* where the statement starts in file->text */
    size_t len;           /* its length there */
    const char *canon;    /* canonical SQL, NUL-terminated */
    size_t canon_len;
    pgc_render_map map;   /* canon offsets -> offsets from `offset` (arena-owned segs) */
    bool templated;       /* it uses {{tables.t}} or {{schema}} (a dual-mode library's) */
} pgc_stmt_text;

/* The file offset of a canonical offset (for diagnostics). */
size_t pgc_stmt_text_source(const pgc_stmt_text *t, size_t canon_offset);

/* ---- migrations ---------------------------------------------------------------- */

typedef PGC_VEC(pgc_stmt_text) pgc_stmt_texts;

typedef struct pgc_migration_file {
    const pgc_file *file;
    uint64_t version;     /* from the name, as the runtime orders them */
    bool no_transaction;
    const char *up_sql;   /* the up part as the runtime would run it (templates kept):
                             the file itself, or with the down part, psql
                             meta-command lines and COPY data blanked (line
                             ends kept, so offsets are the file's) and the
                             trailing blanks cut */
    pgc_stmt_texts stmts; /* the up part's statements, in order */
} pgc_migration_file;

/*
 * Reads migration files (paths of files or directories; a directory gives
 * its *.sql files, not *.down.sql) in version order, as the runtime orders
 * them; two files of one version are an error.  Understands plain files,
 * goose (-- +goose Up/Down, StatementBegin/End, NO TRANSACTION), dbmate
 * (-- migrate:up/down), golang-migrate (N_x.up.sql / .down.sql),
 * sql-migrate (-- +migrate Up/Down), tern (---- create above / drop below
 * ----): down parts are dropped.  psql meta-commands (lines starting with a
 * backslash: \connect, \restrict) are skipped, and so is the data of
 * pg_dump's COPY ... FROM stdin.  Returns false after reporting errors;
 * out then holds the files read without error (none after an error in the
 * paths, names or versions).
 */
typedef PGC_VEC(pgc_migration_file) pgc_migration_files;
bool pgc_read_migrations(pgc_arena *a, pgc_diags *d, const char *const *paths, size_t npaths,
                         pgc_migration_files *out);

/*
 * Reads catalog-only inputs (`-c PATH`: files, or directories giving their
 * *.sql files in name order, in the order given): DDL describing objects
 * the library uses but does not own or embed (another library's tables,
 * an extension's objects, the host's tables).  Migration formats are
 * understood as above (down parts dropped); file names need no version.
 * Templates are an error: these objects are not the library's.  Returns
 * false after reporting; out then holds the files read without error.
 */
bool pgc_read_catalog_inputs(pgc_arena *a, pgc_diags *d, const char *const *paths,
                             size_t npaths, pgc_migration_files *out);

/*
 * One migration file already read (tests, tools): its version from its
 * name, as above.  Returns false after reporting.
 */
bool pgc_read_migration_file(pgc_arena *a, pgc_diags *d, const pgc_file *file,
                             pgc_migration_file *out);

/*
 * The SQL a migration set carries for a file: the file itself when its up
 * part is all of it but trailing blanks (so the checksum is the one the
 * runtime's pgc_migration_set_load computes for the same file), else the up
 * part alone.  `pgc generate` embeds this text and `pgc migrate` runs it,
 * so the two agree on every checksum.
 */
const char *pgc_migration_set_sql(const pgc_migration_file *m);

/* ---- queries --------------------------------------------------------------------- */

typedef enum pgc_cmd {
    PGC_CMD_ONE, PGC_CMD_MANY, PGC_CMD_EXEC, PGC_CMD_EXECROWS, PGC_CMD_EXECRESULT,
    PGC_CMD_COPYFROM, PGC_CMD_BATCHEXEC, PGC_CMD_BATCHONE, PGC_CMD_BATCHMANY
} pgc_cmd;

/* ":one" for PGC_CMD_ONE, ... */
const char *pgc_cmd_name(pgc_cmd cmd);

/* A parameter as the user wrote it. */
typedef enum pgc_param_kind {
    PGC_PARAM_POSITIONAL,  /* $n */
    PGC_PARAM_NAMED,       /* @name or sqlc.arg(name) */
    PGC_PARAM_NULLABLE,    /* sqlc.narg(name): nullable whatever the context */
    PGC_PARAM_SLICE        /* sqlc.slice(name): an array of the context's type */
} pgc_param_kind;

typedef struct pgc_param_src {
    int index;            /* $index in canonical SQL, 1-based */
    const char *name;     /* NULL for $n */
    pgc_param_kind kind;
    size_t offset;        /* first use, in the file */
} pgc_param_src;

/* A routing annotation: a `-- pgc:` comment line after the name line. */
typedef enum pgc_route_hint {
    PGC_ROUTE_AUTO,       /* none: the analysis decides */
    PGC_ROUTE_READS,      /* -- pgc:reads: it only reads, whatever it calls */
    PGC_ROUTE_PRIMARY     /* -- pgc:primary: a read that stays on the primary */
} pgc_route_hint;

typedef struct pgc_query_src {
    const char *name;     /* GetUser */
    pgc_cmd cmd;
    size_t annotation_offset; /* the "-- name:" comment, in the file */
    pgc_stmt_text text;
    PGC_VEC(pgc_param_src) params;   /* by index */
    PGC_VEC(const char *) embeds;    /* sqlc.embed(t) tables, in order */
    pgc_route_hint route;
    size_t route_offset;  /* the -- pgc: comment, in the file */
} pgc_query_src;

/*
 * Reads query files: statements each preceded by `-- name: Name :cmd`
 * (or a block comment with a line "name: Name :cmd", as sqlc allows).
 * Errors (reported with positions): a statement without annotation, an
 * unknown :cmd, a duplicate name (across all files), an annotation with no
 * statement, a gap in the parameter numbers ($1 and $3 but no $2, named
 * parameters taking the numbers no $n uses, lowest first, as in sqlc), bad
 * templates or macros, lexer errors.  The first error of each query is reported
 * and reading goes on.  Returns false after reporting errors; out then
 * holds the queries read without error.  A directory gives its *.sql files
 * in name order.
 */
typedef PGC_VEC(pgc_query_src) pgc_query_srcs;
bool pgc_read_queries(pgc_arena *a, pgc_diags *d, const char *const *paths, size_t npaths,
                      pgc_query_srcs *out);

/*
 * One query file already read (tests, tools), appended to out (names
 * already in out count for duplicates).  Returns false after reporting.
 */
bool pgc_read_query_file(pgc_arena *a, pgc_diags *d, const pgc_file *file, pgc_query_srcs *out);

#endif /* PGC_SOURCE_H */
