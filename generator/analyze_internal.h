/*
 * analyze_internal.h - the query analyzer's insides, shared by its files
 * (not part of the generator's contract: semantic.h is).
 *
 * Takes: the catalog's lookups (catalog.h).  Gives: the analysis
 * state (expressions, range table entries, scopes, parameters) and the
 * functions the analyzer's files call across, in pipeline order:
 *   coerce.c, resolve.c  PostgreSQL's type system (typesys.h)
 *   analyze_expr.c       expressions (parse_expr.c, FigureColname)
 *   analyze_from.c       FROM, column references, stars (parse_relation.c)
 *   analyze.c            statements and the entry points (parse_analyze.c)
 *   analyze_access.c     which queries only read (read routing)
 * Expressions and statements recurse into each other (subqueries); the
 * type system calls neither.
 */
#ifndef PGC_ANALYZE_INTERNAL_H
#define PGC_ANALYZE_INTERNAL_H

#include <stdarg.h>

#include "analyze.h"
#include "catalog.h"

#define LIST_EACH(i, n) for (size_t i = 0; i < (n); i++)
#define FUNC_MAX_ARGS 100

/* libpg_query's enums are switched on as int: -Wswitch-enum would want
 * every one of their values named. */

/* ---- the analysis state --------------------------------------------------- */

/* A transformed expression: what the analyzer knows of it. */
typedef struct expr {
    uint32_t type;        /* OID_UNKNOWN for an untyped literal or parameter */
    int32_t typmod;
    bool notnull;         /* proven never NULL */
    int param;            /* > 0: a bare parameter $param */
    bool is_const;        /* a literal (A_Const), NULL included */
    const char *table;    /* origin when a plain column reference */
    const char *column;
    const char *colname;  /* the column it names (for parameter names) */
    const struct rte *row;  /* a whole-row reference to this entry */
    int32_t location;
} expr;

typedef struct param {
    uint32_t type;        /* 0 until seen; OID_UNKNOWN until coerced */
    const char *hint;     /* a derived name */
    bool nullable;
    int32_t location;
} param;

/* A column of a range table entry or of a query's result. */
typedef struct rcol {
    const char *name;
    expr e;
    const char *embed;
    uint32_t embed_type;  /* the embedded relation's row type, or RECORD */
} rcol;
typedef PGC_VEC(rcol) rcols;

/* A FROM item: a relation, subquery, function, CTE reference or VALUES. */
typedef struct rte {
    const char *alias;    /* the name that qualifies its columns */
    const char *schema;   /* for schema.table.column, when a catalog relation */
    rcols cols;
    uint32_t rowtype;     /* whole-row type: the relation's, or RECORD */
    bool nullable;        /* on the nullable side of an outer join */
    bool hidden;          /* hidden by an enclosing join's alias */
    bool open;            /* its columns follow a catalog relation's or type's, which a
                             later migration may extend (not a subquery's, CTE's, ...) */
} rte;

/* A FROM tree node: a range table entry, or a join of two. */
typedef struct fitem {
    rte *r;               /* leaf */
    struct fitem *left, *right;
    rte *merged;          /* join: USING / NATURAL columns (never hidden, no alias) */
    rte *alias;           /* join: AS alias, with the join's columns */
} fitem;

typedef struct cte {
    const char *name;
    rcols cols;
    bool pending;         /* a recursive CTE's own reference, before it is typed */
} cte;

typedef struct scope {
    struct scope *parent;
    PGC_VEC(fitem *) from;    /* top-level FROM items, in order */
    PGC_VEC(rte *) rtes;      /* every entry, for qualified names */
    PGC_VEC(cte *) ctes;
    const rcols *outputs;     /* the target list (ORDER BY / GROUP BY names) */
    bool grouped;             /* GROUP BY without grouping sets: every group has a row */
    bool has_aggs;            /* an aggregate of this level was seen */
    bool has_srf;             /* a set-returning function was called here */
} scope;

typedef struct actx {
    pgc_catalog *cat;
    pgc_arena *a;
    pgc_diags *d;
    const pgc_stmt_text *t;
    PGC_VEC(param) params;    /* items[0] unused */
    bool allow_params;
    const pgc_query_src *q;
    size_t embeds_used;
    pgc_rel_list *deps;       /* relations read, when asked (views) */
    PGC_VEC(const scope *) refs; /* the scope each column reference resolved in */
    bool one_row;             /* the SELECT just analyzed returns exactly one row */
    bool calling;             /* resolving CALL's procedure: only procedures match */
    PGC_VEC(pgc_sql_edit) edits;  /* stars spelled out (any order, maybe repeated) */
    PGC_VEC(pgc_param_use) uses;  /* parameters met (likewise) */
} actx;

/* Coercion contexts (primnodes.h CoercionContext). */
enum { CC_IMPLICIT, CC_ASSIGNMENT, CC_EXPLICIT };

static const expr null_expr = {0};  /* all zero: the start of every result */

/* ---- helpers every file uses ------------------------------------------------- */

/* An error at a node's location in the statement; returns false. */
PGC_PRINTF(3, 4)
static inline bool fail(actx *c, int32_t location, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pgc_diag_verror(c->d, c->t->file, pgc_parse_source_offset(c->t, location), fmt, ap);
    va_end(ap);
    return false;
}

/* A type's name for messages. */
static inline const char *tname(actx *c, uint32_t oid)
{
    return pgc_catalog_type_name(c->cat, oid, -1);
}

/* A String node's text, or NULL. */
static inline const char *str_of(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* Parameter $n's record, created on first use. */
static inline param *get_param(actx *c, int n)
{
    while (c->params.len <= (size_t)n) {
        param p = {0};
        p.location = -1;
        PGC_PUSH(c->a, c->params, p);
    }
    return &c->params.items[n];
}

/* ---- analyze_expr.c: expressions --------------------------------------------- */

/*
 * The dispatcher: n typed in scope s into *out (transformExpr()).  Every
 * clause's expressions go through it.  Returns false after reporting.
 */
bool analyze_expr(actx *c, scope *s, PgQuery__Node *n, expr *out);
/* WHERE cond: typed in s and coerced to boolean; no clause is fine. */
bool where_clause(actx *c, scope *s, PgQuery__Node *cond);
/* A literal; a call (*chosen_out, may be NULL, gets the function, NULL for a
 * function-style cast); a subquery expression; x[i], x[i:j], (x).field. */
bool a_const(actx *c, const PgQuery__AConst *k, expr *out);
bool func_call(actx *c, scope *s, const PgQuery__FuncCall *fc, expr *out,
               const pgc_bi_func **chosen_out);
bool sub_link(actx *c, scope *s, const PgQuery__SubLink *sl, expr *out);
bool indirection(actx *c, scope *s, const PgQuery__AIndirection *ind, expr *out);

/* The name PostgreSQL gives a result column of this expression (FigureColname). */
const char *colname_of(const PgQuery__Node *n);
/* A node's type name, for messages; "schema.name" of a list of String nodes. */
const char *node_name(const PgQuery__Node *n);
const char *names_str(actx *c, PgQuery__Node **names, size_t n);
/* The location of an expression node, or -1. */
int32_t node_location(const PgQuery__Node *n);
/* A derived name for $n (unless it has one); $n may be NULL. */
void hint_param(actx *c, const expr *e, const char *name);
void nullable_param(actx *c, const expr *e);

/* ---- analyze_from.c: FROM, column references, stars -------------------------- */

/* FROM's items into s: tables, subqueries, functions, joins (nullable sides). */
bool from_clause(actx *c, scope *s, PgQuery__Node **items, size_t n);
bool join_expr(actx *c, scope *s, const PgQuery__JoinExpr *je, fitem **out);
/* A table, view or CTE reference (ctes: CTEs may match) as a new entry. */
bool range_var_in(actx *c, scope *s, const PgQuery__RangeVar *rv, bool ctes, rte **out);
bool range_var(actx *c, scope *s, const PgQuery__RangeVar *rv, rte **out);
/* An entry over given columns; adding it to s; a FROM tree leaf for it. */
rte *rte_from_cols(actx *c, const char *alias, const rcols *cols);
void add_rte(actx *c, scope *s, rte *r);
fitem *leaf(actx *c, rte *r);
/* The columns of a FROM item as SELECT * gives them. */
void item_columns(actx *c, const fitem *f, rcols *out);

/* A column reference resolved through s and its parents (colNameToVar). */
bool column_ref(actx *c, scope *s, const PgQuery__ColumnRef *cr, expr *out);
expr col_expr(const rte *r, const rcol *col);
/* The column called name in a FROM item (*matches counts them). */
void find_in_item(const fitem *f, const char *name, expr *out, int *matches);
/* The visible entry called alias (in schema, unless NULL) in s alone;
 * *matches counts them. */
rte *find_rte(scope *s, const char *schema, const char *alias, int *matches);

/* `*`, `t.*` and `(x).*` spelled out in the SQL sent (pgc_query_info.edits). */
bool expand_all(actx *c, scope *s, int32_t location);
bool expand_rte(actx *c, scope *s, const rte *r, int32_t location);
bool expand_fields(actx *c, const PgQuery__AIndirection *ind, const pgc_rel *tr,
                   int32_t location);
/* table, when the query's next sqlc.embed() names it (the embed is used
 * up); else NULL. */
const char *take_embed(actx *c, const char *table);

/* ---- analyze.c: statements --------------------------------------------------- */

/* SELECT list / RETURNING list: expressions, *, t.*, (x).* */
bool target_list(actx *c, scope *s, PgQuery__Node **items, size_t n, rcols *out);
/* A statement in scope parent (a subquery, a CTE's body); resolve: unknown
 * result columns become text. */
bool analyze_stmt(actx *c, scope *parent, PgQuery__Node *stmt, bool resolve, rcols *out);

/* ---- analyze_access.c: which queries only read ------------------------------- */

/* out->reads_only and out->primary from the statement and the query's
 * annotation (-- pgc:reads, -- pgc:primary).  Returns false after
 * reporting an annotation the statement refuses. */
bool access_route(actx *c, const PgQuery__Node *stmt, pgc_query_info *out);

#endif /* PGC_ANALYZE_INTERNAL_H */
