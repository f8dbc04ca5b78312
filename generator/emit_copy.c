/*
 * emit_copy.c - :copyfrom queries as a binary COPY.
 *
 * Takes a :copyfrom query (INSERT INTO t (a, b) VALUES ($1, $2), parsed
 * again here for its target table and columns, which the analysis does
 * not keep) and its parameters' C types; gives its params struct, the
 * table of its members in the COPY's column order and a function that
 * has pgc_copy_rows (runtime/rows.c) stream an array of them with COPY t
 * (a, b) FROM STDIN.
 */
#include "emit_internal.h"

#include <string.h>

#include "parse.h"

/* ---- :copyfrom ------------------------------------------------------------------------------ */

/* A name for the COPY statement, always quoted: a column may be named
 * like a reserved word ("order"). */
static const char *sql_ident(pgc_arena *a, const char *name)
{
    pgc_strbuf b = {.a = a};
    pgc_sb_add_ident(&b, name);
    return pgc_sb_take(&b);
}

/* The table of the INSERT as the user wrote it ("{{tables.t}}" kept), from
 * the canonical offset of its RangeVar. */
static const char *copy_table(pgc_arena *a, const pgc_stmt_text *t, const PgQuery__RangeVar *rv)
{
    const char *src = t->file->text + t->offset;
    for (size_t i = 0; i < t->map.n; i++) {
        const pgc_render_seg *s = &t->map.seg[i];
        if (s->out_off == (size_t)rv->location && s->src_len >= 2 && src[s->src_off] == '{'
            && src[s->src_off + 1] == '{')
            return pgc_arena_printf(a, "%.*s", (int)s->src_len, src + s->src_off);
    }
    if (rv->schemaname && *rv->schemaname)
        return pgc_arena_printf(a, "%s.%s", sql_ident(a, rv->schemaname),
                                sql_ident(a, rv->relname));
    return sql_ident(a, rv->relname);
}

/* The $n of a VALUES item ($n or $n::type), or 0. */
static int param_number(const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    if (n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF && n->param_ref)
        return n->param_ref->number;
    return 0;
}

/*
 * :copyfrom (sqlc's): `INSERT INTO t (a, b) VALUES ($1, $2)` becomes a
 * params struct and a function streaming an array of them with a binary
 * COPY t (a, b) FROM STDIN.
 */
void emit_copyfrom(emitter *e, const pgc_query_info *qi, const param *qps, pgc_strbuf *h,
                          pgc_strbuf *c)
{
    const pgc_query_src *q = qi->src;
    pgc_arena *a = e->a;
    const char *shape = "a :copyfrom query must be INSERT INTO t (a, b, ...) VALUES ($1, $2, "
                        "...), each column set from its own parameter";
    PgQuery__ParseResult *tree = pgc_parse(e->d, &q->text);
    if (!tree)
        return;
    const PgQuery__Node *stmt = tree->n_stmts == 1 ? tree->stmts[0]->stmt : NULL;
    const PgQuery__InsertStmt *ins =
        stmt && stmt->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ? stmt->insert_stmt : NULL;
    const PgQuery__SelectStmt *sel =
        ins && ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
            ? ins->select_stmt->select_stmt
            : NULL;
    const PgQuery__List *values =
        sel && sel->n_values_lists == 1 && sel->values_lists[0]->node_case == PG_QUERY__NODE__NODE_LIST
            ? sel->values_lists[0]->list
            : NULL;
    size_t np = qi->params.len;
    if (!values || ins->on_conflict_clause || ins->n_returning_list || ins->with_clause
        || ins->n_cols == 0 || values->n_items != ins->n_cols || np != ins->n_cols) {
        query_error(e, q, "%s", shape);
        pgc_parse_free(tree);
        return;
    }
    /* column k is set from parameter order[k] */
    size_t *order = pgc_arena_alloc(a, np * sizeof *order);
    pgc_strbuf cols = {.a = a};
    for (size_t k = 0; k < np; k++) {
        int n = param_number(values->items[k]);
        const PgQuery__Node *col = ins->cols[k];
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen = seen || order[j] == (size_t)n - 1;
        if (n < 1 || (size_t)n > np || seen || col->node_case != PG_QUERY__NODE__NODE_RES_TARGET
            || col->res_target->n_indirection) {
            query_error(e, q, "%s", shape);
            pgc_parse_free(tree);
            return;
        }
        order[k] = (size_t)n - 1;
        pgc_sb_printf(&cols, "%s%s", k ? ", " : "", sql_ident(a, col->res_target->name));
    }
    /* one line, or the columns on lines of their own when that is long */
    const char *table = copy_table(a, &q->text, ins->relation), *list = pgc_sb_take(&cols);
    const char *copy_sql = pgc_arena_printf(a, "COPY %s (%s) FROM STDIN (FORMAT binary)", table,
                                            list);
    if (strlen(copy_sql) > 72) {
        pgc_sb_printf(&cols, "COPY %s (\n   ", table);
        size_t col = 3;
        for (const char *s = list; *s;) {
            const char *end = strstr(s, ", ");
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (col > 3 && col + 1 + n + 1 > 72) {
                pgc_sb_puts(&cols, "\n   ");
                col = 3;
            }
            pgc_sb_printf(&cols, " %.*s%s", (int)n, s, end ? "," : "");
            col += 1 + n + (end ? 1 : 0);
            s = end ? end + 2 : s + n;
        }
        pgc_sb_puts(&cols, "\n) FROM STDIN (FORMAT binary)");
        copy_sql = pgc_sb_take(&cols);
    }
    /* members named as the parameters, or as their columns for $n */
    param *ps = pgc_arena_alloc(a, np * sizeof *ps);
    memcpy(ps, qps, np * sizeof *ps);
    names used = {0};
    for (size_t i = 0; i < np; i++) {
        for (size_t k = 0; k < np; k++) {
            const pgc_param_src *src = &q->params.items[order[k]];
            if (order[k] == i && !src->name)
                ps[i].c = c_name(a, ins->cols[k]->res_target->name, false, ps[i].c);
        }
        ps[i].c = name_unique(a, &used, ps[i].c);
    }
    pgc_parse_free(tree);

    for (size_t i = 0; i < np; i++) {
        /* binary COPY needs each array item's binary form: numeric's and
         * jsonb's arrays are sent as text elsewhere, and an enum's OID is
         * the database's */
        if (ps[i].t.kind == V_ARRAY && !ps[i].t.elem) {
            query_error(e, q, "parameter %s has type %s, which :copyfrom does not support yet",
                        ps[i].info->name, pgc_catalog_type_name(e->p->catalog, ps[i].info->type, -1));
            return;
        }
    }

    tmpl t = {.a = a};
    const char *fn = query_function(e, q, &t);
    tmpl_set(&t, "params_t", pgc_arena_printf(a, "%s_params", fn));
    tmpl_set(&t, "sql", c_string(a, copy_sql, strlen(copy_sql), 11));
    tmpl_set(&t, "ncols", pgc_arena_printf(a, "%zu", np));

    /* the struct: members in parameter order, a companion for nullable non-strings */
    pgc_strbuf b = {.a = a};
    const char **is_null = pgc_arena_alloc(a, np * sizeof *is_null);
    for (size_t i = 0; i < np; i++) {
        const param *p = &ps[i];
        const char *type = p->t.c;
        is_null[i] = p->info->nullable && !is_string(&p->t)
                         ? name_unique(a, &used, pgc_arena_printf(a, "%s_is_null", p->c))
                         : NULL;
        pgc_sb_printf(&b, "    %s%s%s;%s\n", type, type[strlen(type) - 1] == '*' ? "" : " ", p->c,
                  p->info->nullable && is_string(&p->t) ? " /* NULL: SQL NULL */" : "");
        if (is_null[i])
            pgc_sb_printf(&b, "    bool %s;\n", is_null[i]);
    }
    tmpl_set(&t, "members", pgc_sb_take(&b));

    /* the members in the COPY's column order, for pgc_copy_rows */
    const char *row = pgc_arena_printf(a, "%s_params", fn);
    for (size_t k = 0; k < np; k++) {
        const param *p = &ps[order[k]];
        emit_column_entry(e, &b, row, p->c, is_null[order[k]], !p->info->nullable, &p->t);
    }
    tmpl_set(&t, "columns", pgc_sb_take(&b));

    tmpl_fill(h, &t, "header_copyfrom");
    pgc_sb_puts(h, "\n");
    long_literal(c, strlen(copy_sql) > 4095, true);
    tmpl_fill(c, &t, "copyfrom_impl");
    long_literal(c, strlen(copy_sql) > 4095, false);
    pgc_sb_puts(c, "\n");
}
