/*
 * diag.c - diagnostics in gcc's form (gen.h):
 *
 *     queries.sql:12:8: error: column "nme" does not exist
 *        12 | SELECT nme FROM users
 *           |        ^
 *
 * Columns count UTF-8 characters, as everywhere in pgc (sqltext.h).  The
 * caret line repeats the tabs of the source line so that the caret sits
 * under the character whatever the tab width.
 *
 * Takes: pgc_diags and positions in pgc_files.  Gives: gcc-style errors,
 * warnings and notes with the source line and a caret.
 */
#include <string.h>

#include "gen.h"
#include "sqltext.h"

/* The source line around offset, and the caret under it. */
static void show_line(FILE *out, const pgc_file *file, size_t offset, int line)
{
    const char *text = file->text;
    size_t start = offset, end = offset;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    while (end < file->len && text[end] != '\n')
        end++;
    size_t shown_end = end;
    if (shown_end > start && text[shown_end - 1] == '\r')
        shown_end--;

    char num[32];
    int width = snprintf(num, sizeof num, "%d", line);
    if (width < 4)
        width = 4;
    fprintf(out, " %*d | %.*s\n", width, line, (int)(shown_end - start), text + start);
    fprintf(out, " %*s | ", width, "");
    for (size_t i = start; i < offset && i < shown_end; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\t')
            fputc('\t', out);
        else if ((c & 0xC0) != 0x80) /* one column per UTF-8 character */
            fputc(' ', out);
    }
    fputs("^\n", out);
}

static void report(pgc_diags *d, const char *kind, const pgc_file *file, size_t offset,
                   const char *fmt, va_list ap) PGC_PRINTF(5, 0);

static void report(pgc_diags *d, const char *kind, const pgc_file *file, size_t offset,
                   const char *fmt, va_list ap)
{
    FILE *out = d->out ? d->out : stderr;
    if (!file) {
        fprintf(out, "pgc: %s: ", kind);
        vfprintf(out, fmt, ap);
        fputc('\n', out);
        return;
    }
    if (offset > file->len)
        offset = file->len;
    int line, col;
    pgc_text_position(file->text, file->len, offset, &line, &col);
    fprintf(out, "%s:%d:%d: %s: ", file->path, line, col, kind);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    show_line(out, file, offset, line);
}

void pgc_diag_verror(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt,
                     va_list ap)
{
    d->errors++;
    report(d, "error", file, offset, fmt, ap);
}

void pgc_diag_error(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pgc_diag_verror(d, file, offset, fmt, ap);
    va_end(ap);
}

void pgc_diag_warning(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->warnings++;
    report(d, "warning", file, offset, fmt, ap);
    va_end(ap);
}

void pgc_diag_note(pgc_diags *d, const pgc_file *file, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(d, "note", file, offset, fmt, ap);
    va_end(ap);
}
