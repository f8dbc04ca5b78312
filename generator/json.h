/*
 * json.h - a small JSON writer with stable output: keys come out in the
 * order written, two-space indentation, strings escaped per RFC 8259.
 *
 * Takes: values.  Gives: stable JSON text (json.c).
 */
#ifndef PGC_JSON_H
#define PGC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct pgc_json {
    FILE *out;
    int depth;
    bool first;           /* no member written yet at this depth */
    bool after_key;
} pgc_json;

void pgc_json_init(pgc_json *j, FILE *out);
void pgc_json_begin_object(pgc_json *j);
void pgc_json_end_object(pgc_json *j);
void pgc_json_begin_array(pgc_json *j);
void pgc_json_end_array(pgc_json *j);
void pgc_json_key(pgc_json *j, const char *key);   /* then one value */
void pgc_json_string(pgc_json *j, const char *s);  /* NULL writes null */
void pgc_json_int(pgc_json *j, int64_t v);
void pgc_json_bool(pgc_json *j, bool v);
void pgc_json_null(pgc_json *j);
/* Ends the document with a newline. */
void pgc_json_finish(pgc_json *j);

#endif /* PGC_JSON_H */
