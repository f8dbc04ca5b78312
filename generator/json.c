/*
 * json.c - the JSON writer (json.h).  Output is stable: keys in the order
 * written, two spaces per level, empty containers as {} and [], strings
 * escaped per RFC 8259 (and bytes that are not UTF-8 written as U+FFFD, so
 * that the document is always valid).
 *
 * Takes: values from describe and the catalog.  Gives: the JSON text on a
 * FILE, byte for byte stable.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "sqltext.h"

void pgc_json_init(pgc_json *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->first = true;
    j->after_key = false;
}

static void newline(pgc_json *j)
{
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Before any value or key: the separator and the indentation. */
static void before_value(pgc_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (!j->first)
            fputc(',', j->out);
        newline(j);
    }
    j->first = false;
}

static void begin(pgc_json *j, char open)
{
    before_value(j);
    fputc(open, j->out);
    j->depth++;
    j->first = true;
}

static void end(pgc_json *j, char close)
{
    j->depth--;
    if (!j->first)
        newline(j);
    fputc(close, j->out);
    j->first = false; /* the container was a member of its parent */
}

void pgc_json_begin_object(pgc_json *j) { begin(j, '{'); }
void pgc_json_end_object(pgc_json *j) { end(j, '}'); }
void pgc_json_begin_array(pgc_json *j) { begin(j, '['); }
void pgc_json_end_array(pgc_json *j) { end(j, ']'); }


static void write_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    fputc('"', out);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t k = pgc_utf8_sequence(s + i, n - i);
            if (k == 0) {
                fputs("\\ufffd", out);
                i++;
            } else {
                fwrite(s + i, 1, k, out);
                i += k;
            }
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (c < 0x20)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
        i++;
    }
    fputc('"', out);
}

void pgc_json_key(pgc_json *j, const char *key)
{
    before_value(j);
    write_string(j->out, key);
    fputs(": ", j->out);
    j->after_key = true;
}

void pgc_json_string(pgc_json *j, const char *s)
{
    if (!s) {
        pgc_json_null(j);
        return;
    }
    before_value(j);
    write_string(j->out, s);
}

void pgc_json_int(pgc_json *j, int64_t v)
{
    before_value(j);
    fprintf(j->out, "%" PRId64, v);
}

void pgc_json_bool(pgc_json *j, bool v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->out);
}

void pgc_json_null(pgc_json *j)
{
    before_value(j);
    fputs("null", j->out);
}

void pgc_json_finish(pgc_json *j)
{
    fputc('\n', j->out);
}
