/*
 * emit.h - the emitter, which `pgc generate` (generate.h) runs:
 *
 *   pgc generate -m MIGRATION... -q QUERY... -n NAME -o OUTDIR
 *
 * runs the front end (program.h) and writes OUTDIR/NAME.h and
 * OUTDIR/NAME.c: a typed C function per query, the enums they use, and the
 * migrations embedded with `NAME_migrate()`.  The C shapes are those of
 * templates/emit.tmpl; README "pgc generate" documents the API.  Output is
 * deterministic (no timestamps, inputs in a fixed order), and a file whose
 * content did not change is not rewritten, so build systems see no change.
 */
#ifndef PGC_EMIT_H
#define PGC_EMIT_H

#include "describe.h"

typedef struct pgc_emit_options {
    const char *name;                /* NAME: a C identifier, the module's prefix */
    const char *const *inputs;       /* the input paths as given, for the banner */
    size_t ninputs;
    bool no_async;                   /* no NAME_send/NAME_recv (--no-async) */
} pgc_emit_options;

/*
 * The text of NAME.h and NAME.c for a program loaded without error, in a.
 * What cannot be emitted (a type with no C mapping yet, a :copyfrom query
 * that is not INSERT INTO t (cols) VALUES ($1, ...)) is reported to d at
 * the query, naming the query, the parameter or column and the type.
 * Returns false after reporting.
 */
bool pgc_emit(pgc_arena *a, pgc_diags *d, pgc_program *p, const pgc_emit_options *o,
              char **header, char **source);

/*
 * Writes text to path unless the file already holds exactly that text (its
 * modification time then stays).  Writes a temporary file beside it and
 * renames it.  Returns false after reporting to d.
 */
bool pgc_emit_write_file(pgc_diags *d, const char *path, const char *text);

/*
 * A query's statement as the generated code sends it, the one truth that
 * `pgc generate` emits and `pgc verify` prepares:
 *   - the SQL: templates kept as written, for the runtime to render per
 *     schema (PGC_STMT_RUNTIME), or rendered for PGC_HOME_SCHEMA as the
 *     analyzer reads them (PGC_STMT_CANONICAL, PGC_STMT_CHECK); stars
 *     spelled out (pgc_query_info.edits); every use of a parameter sent
 *     with no type OID written ($n::TYPE);
 *   - oids: the type OID sent for each parameter: a built-in type's, or 0
 *     for a user type (enum, domain, composite, arrays of them), whose uses
 *     the SQL casts instead, so the server never deduces a type of its own.
 * PGC_STMT_CHECK casts every parameter, to the type it is sent as: the
 * analysis of that text must type the query as the original's (generate's
 * self-check).  map takes an offset in sql to one in the statement's source
 * text (pgc_render_map_source).  Everything lives in a.
 */
typedef enum pgc_stmt_form { PGC_STMT_RUNTIME, PGC_STMT_CANONICAL, PGC_STMT_CHECK } pgc_stmt_form;
typedef struct pgc_runtime_stmt {
    const char *sql;
    size_t nparams;
    const uint32_t *oids;
    pgc_render_map map;
} pgc_runtime_stmt;
void pgc_runtime_statement(pgc_arena *a, pgc_catalog *cat, const pgc_query_info *qi,
                           pgc_stmt_form form, pgc_runtime_stmt *out);

/* The type OID a parameter of this type is sent with: a built-in type's
 * own, 0 for a user type (the SQL casts it). */
uint32_t pgc_param_sent_oid(uint32_t type);

#endif /* PGC_EMIT_H */
