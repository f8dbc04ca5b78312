/*
 * emit_template.c - the emitter's template engine and line wrapping.
 *
 * Takes templates/emit.tmpl (built into build/gen/templates.c: one string
 * per line; "@@ NAME" starts a section) and values set per key; gives the
 * section with every @key@ replaced (tmpl_fill), and long code lines
 * broken after commas (wrap_lines).  Knows nothing of queries or types.
 */
#include "emit_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- templates ------------------------------------------------------------------------------ */


void tmpl_set(tmpl *t, const char *key, const char *value)
{
    for (size_t i = 0; i < t->nkeys; i++) {
        if (strcmp(t->keys[i], key) == 0) {
            t->values[i] = value;
            return;
        }
    }
    if (t->nkeys == MAX_KEYS) {
        fprintf(stderr, "pgc: internal error: too many template keys\n");
        abort();
    }
    t->keys[t->nkeys] = key;
    t->values[t->nkeys++] = value;
}

static const char *tmpl_lookup(const tmpl *t, const char *key, size_t n)
{
    for (size_t i = 0; i < t->nkeys; i++)
        if (strlen(t->keys[i]) == n && memcmp(t->keys[i], key, n) == 0)
            return t->values[i];
    fprintf(stderr, "pgc: internal error: template key @%.*s@ has no value\n", (int)n, key);
    abort();
}

/* The line index of section name's first line; aborts if there is none
 * (the template and this file are built together). */
static size_t section(const char *name)
{
    for (size_t i = 0; i < pgc_emit_template_lines; i++) {
        const char *l = pgc_emit_template[i];
        if (strncmp(l, "@@ ", 3) == 0 && strcmp(l + 3, name) == 0)
            return i + 1;
    }
    fprintf(stderr, "pgc: internal error: no template section '%s'\n", name);
    abort();
}

/* Prints section name into out with t's values.  Trailing blank lines of
 * the section are not printed. */
void tmpl_fill(pgc_strbuf *out, const tmpl *t, const char *name)
{
    size_t first = section(name), end = first;
    while (end < pgc_emit_template_lines && strncmp(pgc_emit_template[end], "@@ ", 3) != 0)
        end++;
    while (end > first && pgc_emit_template[end - 1][0] == '\0')
        end--;
    for (size_t i = first; i < end; i++) {
        const char *l = pgc_emit_template[i];
        size_t n = strlen(l);
        /* a line that is one @key@: the value's lines, or nothing */
        if (n > 2 && l[0] == '@' && l[n - 1] == '@' && !memchr(l + 1, '@', n - 2)) {
            const char *v = tmpl_lookup(t, l + 1, n - 2);
            if (*v) {
                pgc_sb_puts(out, v);
                if (v[strlen(v) - 1] != '\n')
                    pgc_sb_puts(out, "\n");
            }
            continue;
        }
        while (*l) {
            const char *at = strchr(l, '@'), *close = at ? strchr(at + 1, '@') : NULL;
            if (!close) {
                pgc_sb_puts(out, l);
                break;
            }
            pgc_sb_add(out, l, (size_t)(at - l));
            pgc_sb_puts(out, tmpl_lookup(t, at + 1, (size_t)(close - at - 1)));
            l = close + 1;
        }
        pgc_sb_puts(out, "\n");
    }
}

/* ---- long lines ----------------------------------------------------------------------------- */

enum { MAX_LINE = 100 };

/*
 * Code lines longer than MAX_LINE (prototypes, calls, number arrays) broken
 * after commas, the next lines aligned after the first "(" or "{".  Lines
 * with a string or in a comment are left alone.
 */
const char *wrap_lines(pgc_arena *a, const char *text)
{
    pgc_strbuf b = {.a = a};
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        const char *open = NULL;
        for (size_t i = 0; i < n && !open; i++)
            if (text[i] == '(' || text[i] == '{')
                open = text + i;
        size_t lead = strspn(text, " ");
        if (n <= MAX_LINE || !open || memchr(text, '"', n) || text[lead] == '*'
            || text[lead] == '/') {
            pgc_sb_add(&b, text, n);
        } else {
            size_t indent = (size_t)(open - text) + 1, col = 0;
            const char *s = text, *end = text + n;
            while (s < end) {
                /* the longest piece ending after a ", " that fits */
                const char *cut = NULL;
                for (const char *p = s; p + 1 < end; p++)
                    if (p[0] == ',' && p[1] == ' ' && col + (size_t)(p + 1 - s) <= MAX_LINE)
                        cut = p + 1;
                if (col + (size_t)(end - s) <= MAX_LINE || !cut) {
                    pgc_sb_add(&b, s, (size_t)(end - s));
                    break;
                }
                pgc_sb_add(&b, s, (size_t)(cut - s));
                pgc_sb_printf(&b, "\n%*s", (int)indent, "");
                col = indent;
                s = cut + 1;
            }
        }
        if (!nl)
            break;
        pgc_sb_puts(&b, "\n");
        text = nl + 1;
    }
    return pgc_sb_take(&b);
}
