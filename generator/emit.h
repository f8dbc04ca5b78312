/*
 * emit.h - the emitter, and `pgc generate`.
 *
 *   pgc generate -m MIGRATION... -q QUERY... -n NAME -o OUTDIR
 *
 * runs the front end (describe.h) and writes OUTDIR/NAME.h and
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

/* `pgc generate`: argv[0] is "generate".  Exit status as pgc describe's. */
int pgc_generate_main(int argc, char **argv);

#endif /* PGC_EMIT_H */
