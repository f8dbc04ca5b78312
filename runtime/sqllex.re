/*
 * sqllex.re - PostgreSQL's lexical rules, for re2c (see sqllex.h).
 *
 * The rules follow src/backend/parser/scan.l.  Differences, on purpose:
 *  - operators are single bytes (except "::" and ".."): callers look at
 *    the bytes around them (named parameters like "=@id"), and a single
 *    "-" or "/" can never swallow the start of a comment;
 *  - "{{ ... }}" on one line is a template;
 *  - "123abc" is a number then an identifier, where PostgreSQL 15+ reports
 *    trailing junk: the server still reports it.
 *
 * The input is read only through YYPEEK, which yields 0 at and past the end
 * of the input; re2c's end-of-input rule ($) tells that end from a real
 * NUL byte, which is an error wherever it is.  Every rule block ends with a
 * catch-all, so every byte has a defined outcome.
 */
#include <string.h>

#include "sqllex.h"

/*!re2c
    re2c:api = custom;
    re2c:api:style = free-form;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYPEEK = "(cur < lim ? (unsigned char)src[cur] : 0)";
    re2c:define:YYSKIP = "++cur;";
    re2c:define:YYBACKUP = "mar = cur;";
    re2c:define:YYRESTORE = "cur = mar;";
    re2c:define:YYSHIFT = "cur += @@{shift};";
    re2c:define:YYLESSTHAN = "cur >= lim";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;

    nul         = [\x00];
    space       = [ \t\n\r\f\v];
    ident_start = [A-Za-z_\x80-\xff];
    ident_cont  = [A-Za-z0-9_$\x80-\xff];
    dolq_start  = [A-Za-z_\x80-\xff];
    dolq_cont   = [A-Za-z0-9_\x80-\xff];
    dolq_delim  = "$" (dolq_start dolq_cont*)? "$";

    dec     = [0-9] ("_"? [0-9])*;
    number  = dec
            | "0" [xX] ("_"? [0-9a-fA-F])+
            | "0" [oO] ("_"? [0-7])+
            | "0" [bB] ("_"? [01])+
            | (dec "." dec? | "." dec) ([eE] [+-]? dec)?
            | dec [eE] [+-]? dec;

    sq_body = ([^'\x00] | "''")*;                 // '..', N'..', U&'..'
    e_body  = ([^'\\\x00] | "''" | "\\" [^\x00])*; // E'..'
    bx_body = [^'\x00]*;                          // B'..', X'..'
    string  = ([nN] | [uU] "&")? "'" sq_body "'"
            | [eE] "'" e_body "'"
            | [bBxX] "'" bx_body "'";
    string_open
            = ([nN] | [uU] "&")? "'" sq_body
            | [eE] "'" e_body "\\"?
            | [bBxX] "'" bx_body;

    qi_body     = ([^"\x00] | "\"\"")*;
    qident      = ([uU] "&")? "\"" qi_body "\"";
    qident_empty = ([uU] "&")? "\"\"";
    qident_open = ([uU] "&")? "\"" qi_body;

    tmpl_char   = [^}\n\x00] | "}" [^}\n\x00];
    template    = "{{" tmpl_char* "}}";
    template_open = "{{" tmpl_char* "}"?;
*/

void pgc_lexer_init(pgc_lexer *lx, const char *src, size_t len)
{
    lx->src = src;
    lx->len = src ? len : 0;
    lx->cur = 0;
    lx->line = 1;
    lx->col = 1;
}

/* Moves the lexer to byte `to`, counting lines and UTF-8 characters. */
static void advance(pgc_lexer *lx, size_t to)
{
    for (size_t i = lx->cur; i < to; i++) {
        unsigned char c = (unsigned char)lx->src[i];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++; /* not a UTF-8 continuation byte */
        }
    }
    lx->cur = to;
}

/* Fills tok with the bytes [off, end) and leaves the lexer at end. */
static pgc_tok emit(pgc_lexer *lx, pgc_token *tok, pgc_tok kind,
                    pgc_lex_error error, size_t off, size_t end)
{
    advance(lx, off);
    tok->kind = kind;
    tok->error = error;
    tok->off = off;
    tok->len = end - off;
    tok->line = lx->line;
    tok->col = lx->col;
    advance(lx, end);
    return kind;
}

/*
 * A construct that began at `start` stopped at `stop` without its closing
 * delimiter: either at a NUL byte (reported there) or at the end of its
 * line or of the input (reported as `error` at start).
 */
static pgc_tok unterminated(pgc_lexer *lx, pgc_token *tok, pgc_lex_error error,
                            size_t start, size_t stop)
{
    if (stop < lx->len && lx->src[stop] == '\0')
        return emit(lx, tok, PGC_TOK_ERROR, PGC_LEX_NUL_BYTE, stop, stop + 1);
    return emit(lx, tok, PGC_TOK_ERROR, error, start, stop);
}

/*
 * The rest of a block comment, after its opening slash-star:
 *
 *     comment_rest = ( "/" "*" comment_rest | any byte )* "*" "/"
 *
 * Block comments nest.  On success *pcur is after the closing star-slash;
 * on an error, at the NUL byte or at the end of the input.
 */
static pgc_lex_error scan_comment_rest(const char *src, size_t lim, size_t *pcur)
{
    size_t cur = *pcur;
    int depth = 1;
    for (;;) {
        /*!local:re2c
            "*" "/"     { if (--depth == 0) break; continue; }
            "/" "*"     { depth++; continue; }
            [^*/\x00]+  { continue; }
            nul         { *pcur = cur - 1; return PGC_LEX_NUL_BYTE; }
            $           { *pcur = cur; return PGC_LEX_UNTERMINATED_COMMENT; }
            *           { continue; }
        */
    }
    *pcur = cur;
    return PGC_LEX_OK;
}

/*
 * The rest of a dollar-quoted string, after its opening delimiter
 * (src[delim .. delim+delim_len), e.g. "$fn$"):
 *
 *     dollar_rest = ( [^$]+ | other_delimiter | "$" )* opening_delimiter
 *
 * As in scan.l, a "$tag$" that is not the opening one gives back its last
 * "$", which may begin the closing delimiter: "$a$x$b$a$" ends at "$a$"
 * after "$b".
 */
static pgc_lex_error scan_dollar_rest(const char *src, size_t lim, size_t *pcur,
                                      size_t delim, size_t delim_len)
{
    size_t cur = *pcur, mar = cur;
    for (;;) {
        size_t tok = cur;
        /*!local:re2c
            dolq_delim  {
                if (cur - tok == delim_len
                    && memcmp(src + tok, src + delim, delim_len) == 0)
                    break;
                cur--;
                continue;
            }
            [^$\x00]+   { continue; }
            nul         { *pcur = cur - 1; return PGC_LEX_NUL_BYTE; }
            $           { *pcur = cur; return PGC_LEX_UNTERMINATED_DOLLAR; }
            *           { continue; }
        */
    }
    *pcur = cur;
    return PGC_LEX_OK;
}

pgc_tok pgc_lex(pgc_lexer *lx, pgc_token *tok)
{
    const char *src = lx->src;
    size_t lim = lx->len, start = lx->cur, cur = start, mar = cur;
    pgc_lex_error error;

    /*!local:re2c
        $               { return emit(lx, tok, PGC_TOK_EOF, PGC_LEX_OK, start, start); }
        nul             { return emit(lx, tok, PGC_TOK_ERROR, PGC_LEX_NUL_BYTE, start, cur); }
        space+          { return emit(lx, tok, PGC_TOK_SPACE, PGC_LEX_OK, start, cur); }

        "--" [^\n\r\x00]*  { return emit(lx, tok, PGC_TOK_COMMENT, PGC_LEX_OK, start, cur); }
        "/" "*"         {
            error = scan_comment_rest(src, lim, &cur);
            if (error == PGC_LEX_OK)
                return emit(lx, tok, PGC_TOK_COMMENT, PGC_LEX_OK, start, cur);
            return unterminated(lx, tok, PGC_LEX_UNTERMINATED_COMMENT, start, cur);
        }

        string          { return emit(lx, tok, PGC_TOK_STRING, PGC_LEX_OK, start, cur); }
        string_open     { return unterminated(lx, tok, PGC_LEX_UNTERMINATED_STRING, start, cur); }

        dolq_delim      {
            error = scan_dollar_rest(src, lim, &cur, start, cur - start);
            if (error == PGC_LEX_OK)
                return emit(lx, tok, PGC_TOK_DOLLAR_STRING, PGC_LEX_OK, start, cur);
            return unterminated(lx, tok, PGC_LEX_UNTERMINATED_DOLLAR, start, cur);
        }

        qident_empty    { return emit(lx, tok, PGC_TOK_ERROR, PGC_LEX_EMPTY_QIDENT, start, cur); }
        qident          { return emit(lx, tok, PGC_TOK_QIDENT, PGC_LEX_OK, start, cur); }
        qident_open     { return unterminated(lx, tok, PGC_LEX_UNTERMINATED_QIDENT, start, cur); }

        template        { return emit(lx, tok, PGC_TOK_TEMPLATE, PGC_LEX_OK, start, cur); }
        template_open   { return unterminated(lx, tok, PGC_LEX_UNTERMINATED_TEMPLATE, start, cur); }

        ident_start ident_cont*  { return emit(lx, tok, PGC_TOK_IDENT, PGC_LEX_OK, start, cur); }
        "$" [0-9]+      { return emit(lx, tok, PGC_TOK_PARAM, PGC_LEX_OK, start, cur); }
        number          { return emit(lx, tok, PGC_TOK_NUMBER, PGC_LEX_OK, start, cur); }
        dec / ".."      { return emit(lx, tok, PGC_TOK_NUMBER, PGC_LEX_OK, start, cur); }

        "::"            { return emit(lx, tok, PGC_TOK_TYPECAST, PGC_LEX_OK, start, cur); }
        ".."            { return emit(lx, tok, PGC_TOK_OP, PGC_LEX_OK, start, cur); }
        ";"             { return emit(lx, tok, PGC_TOK_SEMI, PGC_LEX_OK, start, cur); }
        "("             { return emit(lx, tok, PGC_TOK_LPAREN, PGC_LEX_OK, start, cur); }
        ")"             { return emit(lx, tok, PGC_TOK_RPAREN, PGC_LEX_OK, start, cur); }
        "["             { return emit(lx, tok, PGC_TOK_LBRACKET, PGC_LEX_OK, start, cur); }
        "]"             { return emit(lx, tok, PGC_TOK_RBRACKET, PGC_LEX_OK, start, cur); }
        ","             { return emit(lx, tok, PGC_TOK_COMMA, PGC_LEX_OK, start, cur); }
        "."             { return emit(lx, tok, PGC_TOK_DOT, PGC_LEX_OK, start, cur); }
        *               { return emit(lx, tok, PGC_TOK_OP, PGC_LEX_OK, start, cur); }
    */
}

const char *pgc_tok_name(pgc_tok kind)
{
    switch (kind) {
    case PGC_TOK_EOF: return "EOF";
    case PGC_TOK_SPACE: return "SPACE";
    case PGC_TOK_COMMENT: return "COMMENT";
    case PGC_TOK_STRING: return "STRING";
    case PGC_TOK_DOLLAR_STRING: return "DOLLAR_STRING";
    case PGC_TOK_QIDENT: return "QIDENT";
    case PGC_TOK_IDENT: return "IDENT";
    case PGC_TOK_PARAM: return "PARAM";
    case PGC_TOK_NUMBER: return "NUMBER";
    case PGC_TOK_TEMPLATE: return "TEMPLATE";
    case PGC_TOK_OP: return "OP";
    case PGC_TOK_TYPECAST: return "TYPECAST";
    case PGC_TOK_SEMI: return "SEMI";
    case PGC_TOK_LPAREN: return "LPAREN";
    case PGC_TOK_RPAREN: return "RPAREN";
    case PGC_TOK_LBRACKET: return "LBRACKET";
    case PGC_TOK_RBRACKET: return "RBRACKET";
    case PGC_TOK_COMMA: return "COMMA";
    case PGC_TOK_DOT: return "DOT";
    case PGC_TOK_ERROR: return "ERROR";
    }
    return "UNKNOWN";
}

const char *pgc_lex_error_message(pgc_lex_error error)
{
    switch (error) {
    case PGC_LEX_OK: return "no error";
    case PGC_LEX_UNTERMINATED_STRING: return "unterminated quoted string";
    case PGC_LEX_UNTERMINATED_QIDENT: return "unterminated quoted identifier";
    case PGC_LEX_UNTERMINATED_DOLLAR: return "unterminated dollar-quoted string";
    case PGC_LEX_UNTERMINATED_COMMENT: return "unterminated /* comment";
    case PGC_LEX_UNTERMINATED_TEMPLATE:
        return "unterminated template: \"{{\" without \"}}\" on the same line";
    case PGC_LEX_EMPTY_QIDENT: return "zero-length delimited identifier";
    case PGC_LEX_NUL_BYTE: return "NUL byte in SQL text";
    }
    return "unknown lexer error";
}

int pgc_tok_is_keyword(const char *src, const pgc_token *tok, const char *kw)
{
    if (tok->kind != PGC_TOK_IDENT || strlen(kw) != tok->len)
        return 0;
    for (size_t i = 0; i < tok->len; i++) {
        unsigned char a = (unsigned char)src[tok->off + i];
        unsigned char b = (unsigned char)kw[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}
