/*
 * emit_text.c - input text as C: identifiers, string literals, comments.
 *
 * Takes names, labels, paths and SQL as the inputs spell them; gives C
 * identifiers (c_name, snake_case; unique per scope with names/name_*),
 * string literals (c_string) and comment text (c_comment) that no input
 * can break out of, and SQL literals (sql_literal).
 */
#include "emit_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- names ---------------------------------------------------------------------------------- */

static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "NULL",
    "errno", "assert", "offsetof",
};

bool is_c_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof c_keywords / sizeof c_keywords[0]; i++)
        if (strcmp(s, c_keywords[i]) == 0)
            return true;
    return s[0] == '_' && (isupper((unsigned char)s[1]) || s[1] == '_');
}

bool is_identifier(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* GetUser -> get_user, HTTPServer -> http_server, list_v2 -> list_v2. */
char *snake_case(pgc_arena *a, const char *name)
{
    pgc_strbuf b = {.a = a};
    for (size_t i = 0; name[i]; i++) {
        unsigned char c = (unsigned char)name[i], prev = i ? (unsigned char)name[i - 1] : 0,
                      next = (unsigned char)name[i + 1];
        if (isupper(c) && i > 0 && prev != '_'
            && (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))))
            pgc_sb_puts(&b, "_");
        char lc = (char)tolower(c);
        pgc_sb_add(&b, &lc, 1);
    }
    return (char *)pgc_sb_take(&b);
}

/* Any text as a C identifier: other bytes become '_', runs of '_' one, no
 * '_' at either end; `fallback` if nothing is left; upper case if asked. */
char *c_name(pgc_arena *a, const char *s, bool upper, const char *fallback)
{
    pgc_strbuf b = {.a = a};
    bool gap = false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80 && isalnum(c)) {
            if (gap && b.len)
                pgc_sb_puts(&b, "_");
            gap = false;
            char o = (char)(upper ? toupper(c) : c);
            pgc_sb_add(&b, &o, 1);
        } else {
            gap = true;
        }
    }
    const char *r = pgc_sb_take(&b);
    if (!*r)
        return pgc_arena_strdup(a, fallback);
    if (isdigit((unsigned char)r[0]))
        return pgc_arena_printf(a, "%s_%s", upper ? "V" : "c", r);
    return (char *)r;
}

/* A set of names: a hash map whose values are the names themselves (a
 * project has thousands of global names; a linear search made name_unique()
 * quadratic). */
bool name_taken(const names *used, const char *s)
{
    return pgc_strmap_has(used, s);
}


static const owner unique_name = {NULL, NULL};

void name_add(pgc_arena *a, names *used, const char *s)
{
    pgc_strmap_put(a, used, s, &unique_name);
}

/* base, or base_2, base_3...: a name not in used (nor a C keyword), added to it. */
const char *name_unique(pgc_arena *a, names *used, const char *base)
{
    const char *s = is_c_keyword(base) ? pgc_arena_printf(a, "%s_", base) : base;
    for (int k = 2; name_taken(used, s); k++)
        s = pgc_arena_printf(a, "%s_%d", base, k);
    name_add(a, used, s);
    return s;
}

/* ---- input text in C: one function per context ------------------------------------------- */

/*
 * Every byte of input text (type, label, column, query and file names,
 * SQL) reaches the C the emitter writes through one of three functions,
 * one per context, so that no input can change the meaning of the C:
 *   c_string()   inside a string literal,
 *   c_comment()  inside a block comment,
 *   c_name()     as (part of) an identifier (names section above).
 * No #line directive is written.  Each is fed hostile text by gen_emit's
 * emit__hostile_* tests and by fuzz/fuzz_emit.c.
 */

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (s[0] >= 0xF8 || len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)
        || (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* Is the valid UTF-8 sequence at s a bidirectional control (U+061C,
 * U+200E-F, U+202A-E, U+2066-9), which can make code read otherwise than
 * it compiles (and fails GCC's -Wbidi-chars with -Werror)? */
static bool bidi_control(const unsigned char *s, size_t n)
{
    if (n == 2)
        return s[0] == 0xD8 && s[1] == 0x9C;
    if (n != 3 || s[0] != 0xE2)
        return false;
    return (s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
           || (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9);
}

/* The number of bytes at text[i] kept as they are in a literal or a
 * comment: 1 for printable ASCII, a valid UTF-8 sequence's length but for
 * bidirectional controls, else 0 (to be escaped). */
static size_t plain_len(const char *text, size_t i, size_t len)
{
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x20 && c < 0x7f)
        return 1;
    if (c < 0x80)
        return 0;
    size_t n = utf8_len((const unsigned char *)text + i, len - i);
    return n && !bidi_control((const unsigned char *)text + i, n) ? n : 0;
}

/*
 * text as a C string literal, one source line per line of text, lines
 * after the first indented by `indent` spaces.  Quotes and backslashes are
 * escaped, a '?' after a '?' is \? (no trigraph), tab, CR and newline are
 * \t \r \n, every other byte not kept by plain_len is octal (always three
 * digits, so a digit after it stays a digit).  Pieces are split only at
 * newlines; a caller whose text may pass C's 4095 bytes says so to the
 * compiler (long_literal()).
 */
const char *c_string(pgc_arena *a, const char *text, size_t len, int indent)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "\"");
    size_t line = 0; /* where the current line of C starts in b */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        size_t n = plain_len(text, i, len);
        if (c == '\n') {
            pgc_sb_puts(&b, "\\n");
            if (i + 1 < len)
                pgc_sb_printf(&b, "\"\n%*s\"", indent, "");
            line = b.len;
        } else if (c == ' ' && i > 0 && text[i - 1] == ',' && i + 1 < len && b.len - line > 100) {
            /* a long line (a star spelled out) goes on in the next literal */
            pgc_sb_printf(&b, " \"\n%*s\"", indent, "");
            line = b.len;
        } else if (c == '"' || c == '\\') {
            pgc_sb_printf(&b, "\\%c", c);
        } else if (c == '?' && i > 0 && text[i - 1] == '?') {
            pgc_sb_puts(&b, "\\?");
        } else if (c == '\t') {
            pgc_sb_puts(&b, "\\t");
        } else if (c == '\r') {
            pgc_sb_puts(&b, "\\r");
        } else if (n == 0) {
            pgc_sb_printf(&b, "\\%03o", c);
        } else if (c >= 0x80 && bidi_control((const unsigned char *)text + i, n)) {
            for (size_t k = 0; k < n; k++)
                pgc_sb_printf(&b, "\\%03o", (unsigned char)text[i + k]);
            i += n - 1;
        } else {
            pgc_sb_add(&b, text + i, n);
            i += n - 1;
        }
    }
    pgc_sb_puts(&b, "\"");
    return pgc_sb_take(&b);
}

/* Past the 4095 bytes C guarantees for a string literal (SQL, as for long
 * migrations): before (push) and after the code holding it, so that
 * -Wpedantic's -Woverlength-strings accepts it. */
void long_literal(pgc_strbuf *c, bool is_long, bool push)
{
    if (is_long && push)
        pgc_sb_puts(c, "#if defined(__GNUC__)\n#pragma GCC diagnostic push\n"
                       "#pragma GCC diagnostic ignored \"-Woverlength-strings\"\n#endif\n");
    else if (is_long)
        pgc_sb_puts(c, "#if defined(__GNUC__)\n#pragma GCC diagnostic pop\n#endif\n");
}

/*
 * Any text as the inside of a C block comment, on one line, inert: what
 * plain_len keeps stays, but "*" "/" and "/" "*" are split by a space (no
 * comment end, no -Wcomment) and so is "??" (no trigraph: ??/ is a
 * backslash); a backslash is \x5c and other bytes \n, \t, \xHH, so no
 * backslash is ever followed by a newline (a line splice).  The result
 * neither starts nor ends with '*', '/' or '?', so it stays inert whatever
 * the template puts beside it.
 */
const char *c_comment(pgc_arena *a, const char *text)
{
    pgc_strbuf b = {.a = a};
    size_t len = strlen(text);
    if (len && strchr("*/?", text[0]))
        pgc_sb_puts(&b, " ");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        size_t n = plain_len(text, i, len);
        if (c == '\\' || n == 0 || (c >= 0x80 && bidi_control((const unsigned char *)text + i, n))) {
            if (c == '\n')
                pgc_sb_puts(&b, "\\n");
            else if (c == '\t')
                pgc_sb_puts(&b, "\\t");
            else
                pgc_sb_printf(&b, "\\x%02x", c);
            continue;
        }
        pgc_sb_add(&b, text + i, n);
        i += n - 1;
        char next = i + 1 < len ? text[i + 1] : '\0';
        if ((c == '*' && next == '/') || (c == '/' && next == '*') || (c == '?' && next == '?'))
            pgc_sb_puts(&b, " ");
    }
    if (len && strchr("*/?", text[len - 1]))
        pgc_sb_puts(&b, " ");
    return pgc_sb_take(&b);
}

/* text as an SQL string constant: 'it''s'. */
const char *sql_literal(pgc_arena *a, const char *text)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_puts(&b, "'");
    for (const char *s = text; *s; s++) {
        if (*s == '\'')
            pgc_sb_puts(&b, "'");
        pgc_sb_add(&b, s, 1);
    }
    pgc_sb_puts(&b, "'");
    return pgc_sb_take(&b);
}
