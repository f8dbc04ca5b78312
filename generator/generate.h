/*
 * generate.h - `pgc generate`:
 *
 *   pgc generate [-c CATALOG...] -m MIGRATION... [-q QUERY...] -n NAME -o OUTDIR
 *
 * runs the front end (program.h) and writes OUTDIR/NAME.h and OUTDIR/NAME.c
 * (emit.h).  A file whose content did not change is not rewritten.
 */
#ifndef PGC_GENERATE_H
#define PGC_GENERATE_H

/* `pgc generate`: argv[0] is "generate".  Exit status as pgc describe's. */
int pgc_generate_main(int argc, char **argv);

#endif /* PGC_GENERATE_H */
