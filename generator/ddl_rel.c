/*
 * ddl_rel.c - DDL replay of relations: CREATE TABLE (columns, constraints,
 * serial and identity sequences, PARTITION OF, INHERITS, LIKE, OF type),
 * CREATE/ALTER SEQUENCE, unique indexes and constraints (the arbiters
 * INSERT ... ON CONFLICT infers), ALTER TABLE, CREATE VIEW and CREATE TABLE
 * AS (their columns typed by the analyzer).
 *
 * Takes: the replay state and helpers (ddl_internal.h), the analyzer
 * (analyze.h).  Gives: the relation half of ddl_internal.h, which ddl.c's
 * dispatcher calls.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "ddl_internal.h"

/* ---- columns ------------------------------------------------------------- */

pgc_col *rel_col(pgc_rel *rel, const char *name)
{
    LIST_EACH(i, rel->cols.len)
        if (strcmp(rel->cols.items[i].name, name) == 0)
            return &rel->cols.items[i];
    return NULL;
}

static bool is_serial(const char *name, uint32_t *oid)
{
    static const struct { const char *name; uint32_t oid; } serials[] = {
        {"serial", OID_INT4}, {"serial4", OID_INT4}, {"bigserial", OID_INT8},
        {"serial8", OID_INT8}, {"smallserial", OID_INT2}, {"serial2", OID_INT2},
    };
    LIST_EACH(i, sizeof serials / sizeof *serials)
        if (strcmp(serials[i].name, name) == 0) {
            *oid = serials[i].oid;
            return true;
        }
    return false;
}

/* Applies a column constraint to c. */
static void column_constraint(pgc_col *c, const PgQuery__Constraint *k)
{
    switch ((int)k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        c->not_null = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        c->not_null = false;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        c->has_default = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        c->not_null = true;
        c->has_default = true;
        c->identity = k->generated_when && k->generated_when[0] == 'a' ? 'a' : 'd';
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        c->has_default = true;
        c->generated = 's';
        break;
    default:
        break;
    }
}

/* FOREIGN KEY / REFERENCES: the referenced table must exist (and be named
 * as at run time: the library's own through a template). */
static bool references(replay *r, const PgQuery__Constraint *k)
{
    bool ok = true;
    if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && k->pktable)
        find_rel_kind(r, k->pktable, "rp", false, &ok);
    return ok;
}

/* A column from a ColumnDef (CREATE TABLE, ADD COLUMN, composite types). */
bool column_def(replay *r, const PgQuery__ColumnDef *cd, pgc_col *c)
{
    memset(c, 0, sizeof *c);
    c->name = pgc_arena_strdup(r->cat->a, cd->colname);
    c->typmod = -1;
    const PgQuery__TypeName *tn = cd->type_name;
    if (!tn)
        return cat_fail(r->d, r->t, cd->location, "column \"%s\" has no type", cd->colname);
    const char *schema, *name;
    pgc_cat_split_name(tn->names, tn->n_names, &schema, &name);
    uint32_t serial;
    if (tn->n_names == 1 && !tn->n_array_bounds && name && is_serial(name, &serial)) {
        c->type = serial;
        c->not_null = true;
        c->has_default = true;
    } else if (!pgc_cat_typename(r->cat, r->d, r->t, tn, &c->type, &c->typmod)) {
        return false;
    }
    if (cd->is_not_null)
        c->not_null = true;
    LIST_EACH(i, cd->n_constraints)
        if (cd->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            if (!references(r, cd->constraints[i]->constraint))
                return false;
            column_constraint(c, cd->constraints[i]->constraint);
        }
    if (cd->raw_default)
        c->has_default = true;
    /* a NOT NULL domain does not make the column NOT NULL (catalog.h) */
    return true;
}

/* Adds or merges (inheritance) a column. */
bool add_column(replay *r, pgc_rel *rel, const pgc_col *c, int32_t location, bool merge)
{
    pgc_col *old = rel_col(rel, c->name);
    if (old) {
        if (!merge)
            return cat_fail(r->d, r->t, location, "column \"%s\" specified more than once",
                        c->name);
        if (old->type != c->type)
            return cat_fail(r->d, r->t, location, "column \"%s\" has a type conflict", c->name);
        old->not_null = old->not_null || c->not_null;
        old->has_default = old->has_default || c->has_default;
        return true;
    }
    PGC_PUSH(r->cat->a, rel->cols, *c);
    return true;
}

/* ---- sequences ------------------------------------------------------------ */

/*
 * A sequence: to queries, a relation of one row, as PostgreSQL shows it
 * (SELECT last_value, log_cnt, is_called FROM s, every column NOT NULL).
 */
static pgc_rel *new_sequence(pgc_catalog *cat, const char *schema, const char *name,
                             pgc_rel *owner)
{
    static const struct {
        const char *name;
        uint32_t type;
    } cols[] = {{"last_value", OID_INT8}, {"log_cnt", OID_INT8}, {"is_called", OID_BOOL}};
    pgc_rel *seq = pgc_cat_new_rel(cat, schema, name, 'S');
    pgc_utype *u = pgc_cat_utype(cat, seq->rowtype);
    if (u) { /* PostgreSQL gives a sequence no row type: the name stays free for one */
        u->dropped = true;
        pgc_utype *arr = pgc_cat_utype(cat, u->t.array);
        if (arr)
            arr->dropped = true;
    }
    LIST_EACH(i, sizeof cols / sizeof *cols) {
        pgc_col c = {0};
        c.name = cols[i].name;
        c.type = cols[i].type;
        c.typmod = -1;
        c.not_null = true;
        PGC_PUSH(cat->a, seq->cols, c);
    }
    seq->owned_by = owner;
    return seq;
}

/* Whether a relation, or an index pgc knows (a unique one), is called name. */
static bool relname_taken(const pgc_catalog *cat, const char *schema, const char *name)
{
    if (ddl_name_taken(cat, schema, name))
        return true;
    LIST_EACH(i, cat->rels.len) {
        const pgc_rel *rel = cat->rels.items[i];
        if (!rel->dropped && strcmp(rel->schema, schema) == 0)
            LIST_EACH(k, rel->uniques.len)
                if (strcmp(rel->uniques.items[k].name, name) == 0)
                    return true;
    }
    return false;
}

/*
 * The name PostgreSQL chooses for a sequence, index or key (makeObjectName
 * and ChooseRelationName): NAME1_NAME2_LABEL (NAME2 may be NULL), the
 * longer of the two names cut until it fits in 63 bytes, then LABEL1,
 * LABEL2, ... while the name is taken.
 */
static const char *choose_name(pgc_catalog *cat, const char *schema, const char *name1,
                               const char *name2, const char *label)
{
    for (int pass = 0;; pass++) {
        const char *l = pass ? pgc_arena_printf(cat->a, "%s%d", label, pass) : label;
        size_t n1 = strlen(name1), n2 = name2 ? strlen(name2) : 0;
        while (n1 + n2 + strlen(l) + (name2 ? 2 : 1) > 63) {
            if (n1 > n2)
                n1--;
            else
                n2--;
        }
        const char *name = name2 ? pgc_arena_printf(cat->a, "%.*s_%.*s_%s", (int)n1, name1,
                                                    (int)n2, name2, l)
                                 : pgc_arena_printf(cat->a, "%.*s_%s", (int)n1, name1, l);
        if (!relname_taken(cat, schema, name))
            return name;
    }
}

/* The list of names of option `opt` in DefElems opts, or NULL. */
static const PgQuery__List *option_names(PgQuery__Node **opts, size_t n, const char *opt)
{
    LIST_EACH(i, n) {
        const PgQuery__Node *o = opts[i];
        if (o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem->defname
            && strcmp(o->def_elem->defname, opt) == 0 && o->def_elem->arg
            && o->def_elem->arg->node_case == PG_QUERY__NODE__NODE_LIST)
            return o->def_elem->arg->list;
    }
    return NULL;
}

/*
 * The sequence a serial column, or an identity column (k: its IDENTITY
 * constraint, whose SEQUENCE NAME option may name it), brings along.
 */
static bool column_sequence(replay *r, pgc_rel *rel, const char *column,
                            const PgQuery__Constraint *k)
{
    const PgQuery__List *given = k ? option_names(k->options, k->n_options, "sequence_name")
                                   : NULL;
    if (!given) {
        new_sequence(r->cat, rel->schema,
                     choose_name(r->cat, rel->schema, rel->name, column, "seq"), rel);
        return true;
    }
    const char *schema, *name;
    pgc_cat_split_name(given->items, given->n_items, &schema, &name);
    if (!name)
        return cat_fail(r->d, r->t, k->location, "pgc cannot follow this SEQUENCE NAME");
    schema = schema ? schema : rel->schema;
    if (!pgc_cat_schema_exists(r->cat, schema))
        return cat_fail(r->d, r->t, k->location, "schema \"%s\" does not exist", schema);
    if (ddl_name_taken(r->cat, schema, name))
        return cat_fail(r->d, r->t, k->location, "relation \"%s\" already exists", name);
    new_sequence(r->cat, schema, name, rel);
    return true;
}

/* The serial or identity column of ColumnDef cd in rel: its sequence. */
static bool column_def_sequence(replay *r, pgc_rel *rel, const PgQuery__ColumnDef *cd)
{
    const PgQuery__TypeName *tn = cd->type_name;
    uint32_t oid;
    if (tn && tn->n_names == 1 && !tn->n_array_bounds && str_of(tn->names[0])
        && is_serial(str_of(tn->names[0]), &oid))
        return column_sequence(r, rel, cd->colname, NULL);
    LIST_EACH(i, cd->n_constraints)
        if (cd->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && cd->constraints[i]->constraint->contype
                   == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY)
            return column_sequence(r, rel, cd->colname, cd->constraints[i]->constraint);
    return true;
}

/* OWNED BY [schema.]table.column | NONE, among a sequence's options. */
static bool sequence_options(replay *r, pgc_rel *seq, PgQuery__Node **opts, size_t n,
                             int32_t location)
{
    const PgQuery__List *owner = option_names(opts, n, "owned_by");
    if (!owner)
        return true;
    if (owner->n_items == 1) { /* NONE */
        seq->owned_by = NULL;
        return true;
    }
    const char *schema = NULL, *table, *column = str_of(owner->items[owner->n_items - 1]);
    pgc_cat_split_name(owner->items, owner->n_items - 1, &schema, &table);
    pgc_rel *rel = table ? pgc_cat_find_rel(r->cat, schema, table) : NULL;
    if (!rel || !strchr("rpf", rel->kind))
        return cat_fail(r->d, r->t, location, "relation \"%s\" does not exist",
                    table ? table : "?");
    if (!column || !rel_col(rel, column))
        return cat_fail(r->d, r->t, location, "column \"%s\" of relation \"%s\" does not exist",
                    column ? column : "?", rel->name);
    seq->owned_by = rel;
    return true;
}

/* CREATE SEQUENCE [IF NOT EXISTS] name [options] */
bool create_sequence(replay *r, const PgQuery__CreateSeqStmt *ss)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = ss->sequence;
    const char *schema = own_creation_schema(r, rv_schema(rv), "sequence", rv->relname, true,
                                             rv->location, &ok);
    if (!ok)
        return false;
    if (ddl_name_taken(r->cat, schema, rv->relname)) {
        if (ss->if_not_exists)
            return true;
        return cat_fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    pgc_rel *seq = new_sequence(r->cat, schema, rv->relname, NULL);
    seq->unlogged = rv->relpersistence && strcmp(rv->relpersistence, "u") == 0;
    if (!sequence_options(r, seq, ss->options, ss->n_options, rv->location)) {
        drop_rel(r->cat, seq);
        return false;
    }
    return true;
}

/* ALTER SEQUENCE [IF EXISTS] name options: only OWNED BY matters to queries. */
bool alter_sequence(replay *r, const PgQuery__AlterSeqStmt *as)
{
    bool ok = true;
    pgc_rel *seq = find_rel_kind(r, as->sequence, "S", as->missing_ok, &ok);
    if (!seq)
        return ok;
    return sequence_options(r, seq, as->options, as->n_options, as->sequence->location);
}

/* ---- unique indexes and constraints (ON CONFLICT's arbiters) ------------ */

static void clone_uniques_down(pgc_catalog *cat, pgc_rel *rel);

static bool same_columns(const pgc_unique *a, const pgc_unique *b)
{
    if (a->cols.len != b->cols.len)
        return false;
    LIST_EACH(i, a->cols.len)
        if (strcmp(a->cols.items[i], b->cols.items[i]) != 0)
            return false;
    return true;
}

/*
 * A partition has an index of its own for each unique index of its
 * partitioned parent (PostgreSQL creates them, named for the partition:
 * PART_pkey, PART_COLS_key, PART_COLS_idx), unless one on the same columns
 * is there to be attached.
 */
static void clone_uniques(pgc_catalog *cat, pgc_rel *part, const pgc_rel *parent)
{
    LIST_EACH(i, parent->uniques.len) {
        const pgc_unique *pu = &parent->uniques.items[i];
        bool have = false;
        LIST_EACH(k, part->uniques.len)
            have = have || same_columns(&part->uniques.items[k], pu);
        if (have)
            continue;
        pgc_unique u = {0};
        u.kind = pu->kind;
        const char *joined = NULL;
        LIST_EACH(k, pu->cols.len) {
            PGC_PUSH(cat->a, u.cols, pu->cols.items[k]);
            joined = joined ? pgc_arena_printf(cat->a, "%s_%s", joined, pu->cols.items[k])
                            : pu->cols.items[k];
        }
        u.name = choose_name(cat, part->schema, part->name, u.kind == 'p' ? NULL : joined,
                             u.kind == 'p' ? "pkey" : u.kind == 'u' ? "key" : "idx");
        PGC_PUSH(cat->a, part->uniques, u);
        clone_uniques_down(cat, part);
    }
}

/* rel's unique indexes, into each of its partitions (a partitioned table's
 * children are all partitions). */
static void clone_uniques_down(pgc_catalog *cat, pgc_rel *rel)
{
    if (rel->kind != 'p')
        return;
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *part = cat->rels.items[i];
        LIST_EACH(k, part->dropped ? 0 : part->parents.len)
            if (part->parents.items[k] == rel)
                clone_uniques(cat, part, rel);
    }
}

/*
 * Records a unique index or key of rel on the columns keys (String nodes,
 * or IndexElems when elems), named name or as PostgreSQL names it
 * (TABLE_pkey, TABLE_COLS_key, TABLE_COLS_idx: label).  A key on an
 * expression is not recorded: ON CONFLICT (cols) cannot infer it.
 */
static bool add_unique(replay *r, pgc_rel *rel, const char *name, PgQuery__Node **keys,
                       size_t n, bool elems, const char *label, int32_t location)
{
    pgc_unique u = {0};
    const char *joined = NULL;
    LIST_EACH(i, n) {
        const char *col = elems ? (keys[i]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM
                                       ? keys[i]->index_elem->name
                                       : NULL)
                                : str_of(keys[i]);
        if (!col || !*col)
            return true; /* an expression */
        if (!rel_col(rel, col))
            return cat_fail(r->d, r->t, location, "column \"%s\" named in key does not exist",
                        col);
        col = pgc_arena_strdup(r->cat->a, col); /* the parse tree does not last */
        PGC_PUSH(r->cat->a, u.cols, col);
        joined = joined ? pgc_arena_printf(r->cat->a, "%s_%s", joined, col) : col;
    }
    u.kind = strcmp(label, "pkey") == 0 ? 'p' : strcmp(label, "key") == 0 ? 'u' : 'i';
    if (name && *name)
        u.name = pgc_arena_strdup(r->cat->a, name);
    else
        u.name = choose_name(r->cat, rel->schema, rel->name, u.kind == 'p' ? NULL : joined,
                             label);
    PGC_PUSH(r->cat->a, rel->uniques, u);
    if (!r->only)
        clone_uniques_down(r->cat, rel);
    return true;
}

/* Forgets rel's unique indexes named name (NULL: any) or holding column col. */
void drop_uniques(pgc_rel *rel, const char *name, const char *col)
{
    for (size_t i = 0; i < rel->uniques.len;) {
        pgc_unique *u = &rel->uniques.items[i];
        bool gone = name && strcmp(u->name, name) == 0;
        LIST_EACH(k, u->cols.len)
            gone = gone || (col && strcmp(u->cols.items[k], col) == 0);
        if (gone) {
            memmove(u, u + 1, (rel->uniques.len - i - 1) * sizeof *u);
            rel->uniques.len--;
        } else {
            i++;
        }
    }
}

/* The unique index called name, of a relation in schema (NULL: the path). */
pgc_unique *find_unique(pgc_catalog *cat, const char *schema, const char *name)
{
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *rel = cat->rels.items[i];
        if (rel->dropped
            || (schema ? strcmp(rel->schema, schema) != 0
                       : !pgc_cat_in_search_path(rel->schema) && strcmp(rel->schema, "pg_temp") != 0))
            continue;
        LIST_EACH(k, rel->uniques.len)
            if (strcmp(rel->uniques.items[k].name, name) == 0)
                return &rel->uniques.items[k];
    }
    return NULL;
}

/* PRIMARY KEY / UNIQUE column constraints of ColumnDef cd. */
static bool column_uniques(replay *r, pgc_rel *rel, const PgQuery__ColumnDef *cd)
{
    PgQuery__String s = PG_QUERY__STRING__INIT;
    s.sval = cd->colname;
    PgQuery__Node key = PG_QUERY__NODE__INIT, *keys[1] = {&key};
    key.node_case = PG_QUERY__NODE__NODE_STRING;
    key.string = &s;
    LIST_EACH(i, cd->n_constraints) {
        const PgQuery__Node *n = cd->constraints[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            continue;
        const PgQuery__Constraint *k = n->constraint;
        bool pk = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
        if ((pk || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
            && !add_unique(r, rel, k->conname, keys, 1, false, pk ? "pkey" : "key",
                           k->location))
            return false;
    }
    return true;
}

/* CREATE UNIQUE INDEX [name] ON t (cols): an arbiter when not partial. */
bool create_index(replay *r, const PgQuery__IndexStmt *is)
{
    if (!is->unique || is->where_clause)
        return true; /* ON CONFLICT without WHERE cannot infer a partial index */
    bool ok = true;
    pgc_rel *rel = find_rel_kind(r, is->relation, "rpm", true, &ok);
    if (!rel)
        return true; /* indexes are not followed otherwise */
    if (is->idxname && relname_taken(r->cat, rel->schema, is->idxname)) {
        if (is->if_not_exists)
            return true;
        return cat_fail(r->d, r->t, is->relation->location, "relation \"%s\" already exists",
                    is->idxname);
    }
    r->only = !is->relation->inh;
    ok = add_unique(r, rel, is->idxname, is->index_params, is->n_index_params, true, "idx",
                    is->relation->location);
    r->only = false;
    return ok;
}

/*
 * Table constraints: PRIMARY KEY (a, b) makes its columns NOT NULL; keys
 * and unique constraints are recorded for ON CONFLICT.
 */
static bool table_constraint(replay *r, pgc_rel *rel, const PgQuery__Constraint *k)
{
    if (!references(r, k))
        return false;
    bool pk = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
    if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION
        || ((pk || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) && k->indexname
            && *k->indexname)) {
        rel->uniques_unknown = true; /* EXCLUDE, or USING INDEX of an index not kept */
        return true;
    }
    if (!pk && k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
        return true;
    if (!add_unique(r, rel, k->conname, k->keys, k->n_keys, false, pk ? "pkey" : "key",
                    k->location))
        return false;
    LIST_EACH(i, k->n_keys)
        if (pk)
            rel_col(rel, str_of(k->keys[i]))->not_null = true;
    return true;
}

static bool copy_columns(replay *r, pgc_rel *rel, const pgc_rel *from, bool merge,
                         int32_t location)
{
    LIST_EACH(i, from->cols.len) {
        pgc_col c = from->cols.items[i];
        c.table = c.column = NULL;
        if (from->kind == 'c' || from->kind == 'v' || from->kind == 'm') {
            c.not_null = false;
            c.has_default = false;
        }
        if (c.identity) { /* PostgreSQL 15: neither partitions nor children inherit it */
            c.identity = 0;
            c.has_default = false;
        }
        if (!add_column(r, rel, &c, location, merge))
            return false;
    }
    return true;
}

/* CREATE TABLE, CREATE FOREIGN TABLE, PARTITION OF, OF type, INHERITS, LIKE. */
bool create_table(replay *r, const PgQuery__CreateStmt *cs, char kind)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = cs->relation;
    const char *schema = own_creation_schema(r, rv_schema(rv),
                                             kind == 'f' ? "foreign table" : "table",
                                             rv->relname, true, rv->location, &ok);
    if (!ok)
        return false;
    if (ddl_name_taken(r->cat, schema, rv->relname) || type_taken(r->cat, schema, rv->relname)) {
        if (cs->if_not_exists)
            return true;
        return cat_fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    if (cs->partspec)
        kind = 'p';
    pgc_rel *rel = pgc_cat_new_rel(r->cat, schema, rv->relname, kind);
    rel->uniques_unknown = cs->partbound != NULL; /* the parent's indexes, as they come */
    rel->unlogged = rv->relpersistence && strcmp(rv->relpersistence, "u") == 0;
    LIST_EACH(i, cs->n_inh_relations) {
        const PgQuery__Node *n = cs->inh_relations[i];
        if (n->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
            continue;
        pgc_rel *parent = find_rel_kind(r, n->range_var, "rpf", false, &ok);
        if (!ok || !copy_columns(r, rel, parent, true, n->range_var->location))
            goto failed;
        PGC_PUSH(r->cat->a, rel->parents, parent);
    }
    if (cs->of_typename) {
        uint32_t oid;
        int32_t typmod;
        if (!pgc_cat_typename(r->cat, r->d, r->t, cs->of_typename, &oid, &typmod))
            goto failed;
        const pgc_rel *of = pgc_cat_type_rel(r->cat, oid);
        if (!of) {
            cat_fail(r->d, r->t, cs->of_typename->location, "type %s is not a composite type",
                 pgc_catalog_type_name(r->cat, oid, -1));
            goto failed;
        }
        if (!copy_columns(r, rel, of, false, cs->of_typename->location))
            goto failed;
    }
    bool from_parent = rel->cols.len > 0;
    LIST_EACH(i, cs->n_table_elts) {
        const PgQuery__Node *n = cs->table_elts[i];
        if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            const PgQuery__ColumnDef *cd = n->column_def;
            pgc_col *old = from_parent ? rel_col(rel, cd->colname) : NULL;
            if (old && (!cd->type_name || cs->partbound || cs->of_typename)) {
                /* PARTITION OF / OF type: WITH OPTIONS constraints on an existing column */
                pgc_col tmp = *old;
                if (cd->is_not_null)
                    tmp.not_null = true;
                LIST_EACH(k, cd->n_constraints)
                    if (cd->constraints[k]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
                        column_constraint(&tmp, cd->constraints[k]->constraint);
                *old = tmp;
                continue;
            }
            pgc_col c;
            if (!column_def(r, cd, &c) || !add_column(r, rel, &c, cd->location, from_parent)
                || !column_def_sequence(r, rel, cd) || !column_uniques(r, rel, cd))
                goto failed;
        } else if (n->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
            const PgQuery__RangeVar *lrv = n->table_like_clause->relation;
            const pgc_rel *like = find_rel_kind(r, lrv, "rpfvmc", false, &ok);
            if (!ok)
                goto failed;
            LIST_EACH(k, like->cols.len) {
                pgc_col c = like->cols.items[k];
                c.table = c.column = NULL;
                if (like->kind == 'v' || like->kind == 'm' || like->kind == 'c')
                    c.not_null = false;
                /* LIKE copies NOT NULL; defaults, identity, generated only when asked */
                uint32_t opts = n->table_like_clause->options;
                if (opts & (1u << 6) /* INDEXES */)
                    rel->uniques_unknown = true;
                if (!(opts & (1u << 3) /* DEFAULTS */) && !c.identity && !c.generated)
                    c.has_default = false;
                if (!(opts & (1u << 5) /* IDENTITY */) && c.identity) {
                    c.identity = 0;
                    c.has_default = false;
                }
                if (!(opts & (1u << 4) /* GENERATED */) && c.generated) {
                    c.generated = 0;
                    c.has_default = false;
                }
                if (!add_column(r, rel, &c, lrv->location, false))
                    goto failed;
            }
        }
    }
    /* table constraints may name columns listed after them */
    LIST_EACH(i, cs->n_table_elts)
        if (cs->table_elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && !table_constraint(r, rel, cs->table_elts[i]->constraint))
            goto failed;
    LIST_EACH(i, cs->n_constraints)
        if (cs->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
            && !table_constraint(r, rel, cs->constraints[i]->constraint))
            goto failed;
    if (cs->partbound)
        LIST_EACH(i, rel->parents.len)
            clone_uniques(r->cat, rel, rel->parents.items[i]);
    return true;
failed:
    drop_rel(r->cat, rel);
    return false;
}

/* ---- ALTER TABLE ----------------------------------------------------------- */

/*
 * A view's columns are NOT NULL when its query proved them so; a column
 * that may now be NULL (DROP NOT NULL) can reach views made before, and
 * the catalog does not record which: every view's columns become nullable.
 */
void forget_view_not_null(pgc_catalog *cat)
{
    LIST_EACH(i, cat->rels.len) {
        pgc_rel *rel = cat->rels.items[i];
        if (rel->kind == 'v' || rel->kind == 'm')
            LIST_EACH(k, rel->cols.len)
                rel->cols.items[k].not_null = false;
    }
}

/* A column made nullable in rel: also in every table it inherits from. */
static void parents_nullable(pgc_rel *rel, const char *name)
{
    LIST_EACH(i, rel->parents.len) {
        pgc_rel *p = rel->parents.items[i];
        pgc_col *c = rel_col(p, name);
        if (c)
            c->not_null = false;
        parents_nullable(p, name);
    }
}

bool alter_table(replay *r, const PgQuery__AlterTableStmt *as)
{
    bool ok = true;
    bool is_type = as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE;
    pgc_rel *rel;
    if (is_type) {
        pgc_utype *u = pgc_cat_find_utype(r->cat, rv_schema(as->relation), as->relation->relname);
        rel = u && u->t.type == 'c' ? u->rel : NULL;
        if (!rel)
            return cat_fail(r->d, r->t, as->relation->location, "type \"%s\" does not exist",
                        as->relation->relname);
    } else if (as->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
        return true; /* ALTER INDEX ... ATTACH PARTITION, SET (...): indexes are not kept */
    } else {
        /* ALTER TABLE and ALTER SEQUENCE ... OWNER TO (pg_dump) reach sequences */
        rel = find_rel_kind(r, as->relation, "rpfvmS", as->missing_ok, &ok);
        if (!rel)
            return ok;
    }
    LIST_EACH(i, as->n_cmds) {
        const PgQuery__AlterTableCmd *cmd = as->cmds[i]->alter_table_cmd;
        pgc_col *c = cmd->name ? rel_col(rel, cmd->name) : NULL;
        bool needs_col = false;
        switch ((int)cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView: {
            const PgQuery__ColumnDef *cd = cmd->def->column_def;
            if (rel_col(rel, cd->colname)) {
                if (cmd->missing_ok)
                    break;
                return cat_fail(r->d, r->t, cd->location,
                            "column \"%s\" of relation \"%s\" already exists", cd->colname,
                            rel->name);
            }
            pgc_col nc;
            if (!column_def(r, cd, &nc) || !add_column(r, rel, &nc, cd->location, false)
                || !column_def_sequence(r, rel, cd) || !column_uniques(r, rel, cd))
                return false;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
            if (!c) {
                if (cmd->missing_ok)
                    break;
                needs_col = true;
                break;
            }
            drop_uniques(rel, NULL, c->name); /* PostgreSQL drops their indexes */
            memmove(c, c + 1, (size_t)(rel->cols.items + rel->cols.len - (c + 1)) * sizeof *c);
            rel->cols.len--;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
            if (!c) {
                needs_col = true;
                break;
            }
            const PgQuery__ColumnDef *cd = cmd->def->column_def;
            if (!pgc_cat_typename(r->cat, r->d, r->t, cd->type_name, &c->type, &c->typmod))
                return false;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
            if (!(needs_col = !c))
                c->not_null = true;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
            if (!(needs_col = !c)) {
                c->not_null = false;
                /* reading a parent reads this table's rows too */
                parents_nullable(rel, c->name);
                forget_view_not_null(r->cat);
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
            if (!(needs_col = !c))
                c->has_default = cmd->def != NULL || c->identity || c->generated;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
            if (!(needs_col = !c)) {
                const PgQuery__Constraint *k =
                    cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
                        ? cmd->def->constraint
                        : NULL;
                c->identity = k && k->generated_when && k->generated_when[0] == 'a' ? 'a' : 'd';
                c->has_default = c->not_null = true;
                if (!column_sequence(r, rel, c->name, k))
                    return false;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
            if (c) {
                c->identity = 0;
                c->has_default = false;
            } else if (!cmd->missing_ok) {
                needs_col = true;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
            if (!(needs_col = !c)) {
                c->generated = 0;
                c->has_default = false;
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
            r->only = !as->relation->inh;
            ok = !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT
                 || table_constraint(r, rel, cmd->def->constraint);
            r->only = false;
            if (!ok)
                return false;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
            if (cmd->name)
                drop_uniques(rel, cmd->name, NULL);
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
            if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
                bool found = true;
                pgc_rel *part = find_rel_kind(r, cmd->def->partition_cmd->name, "rpf", true,
                                              &found);
                if (part) { /* reading rel reads it; it gets rel's indexes */
                    PGC_PUSH(r->cat->a, part->parents, rel);
                    part->uniques_unknown = true;
                    clone_uniques(r->cat, part, rel);
                }
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
            rel->unlogged = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf:
            return cat_fail(r->d, r->t, as->relation->location,
                        "pgc cannot follow this ALTER TABLE form (INHERIT / OF)");
        default:
            /* constraints other than PRIMARY KEY, indexes, storage, statistics,
             * owner, triggers, rules, row security, options, partitions
             * attached or detached (their columns do not change) */
            break;
        }
        if (needs_col)
            return cat_fail(r->d, r->t, as->relation->location,
                        "column \"%s\" of relation \"%s\" does not exist",
                        cmd->name ? cmd->name : "?", rel->name);
    }
    return true;
}

/* ---- views and CREATE TABLE AS ------------------------------------------------ */

/* Renames the columns of an analyzed query by an alias list. */
static bool alias_columns(replay *r, pgc_cols *cols, PgQuery__Node **aliases, size_t n)
{
    if (n > cols->len)
        return cat_fail(r->d, r->t, -1, "too many column names were specified");
    LIST_EACH(i, n)
        cols->items[i].name = pgc_arena_strdup(r->cat->a, str_of(aliases[i]));
    return true;
}

static bool check_duplicate_columns(replay *r, const pgc_cols *cols)
{
    LIST_EACH(i, cols->len)
        LIST_EACH(k, i)
            if (strcmp(cols->items[i].name, cols->items[k].name) == 0)
                return cat_fail(r->d, r->t, -1, "column \"%s\" specified more than once",
                            cols->items[i].name);
    return true;
}

bool create_view(replay *r, const PgQuery__ViewStmt *vs)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = vs->view;
    const char *schema = own_creation_schema(r, rv_schema(rv), "view", rv->relname, true,
                                             rv->location, &ok);
    if (!ok)
        return false;
    pgc_cols cols = {0};
    pgc_rel_list deps = {0};
    if (!pgc_analyze_relation(r->cat, r->d, r->t, vs->query, &cols, &deps)
        || !alias_columns(r, &cols, vs->aliases, vs->n_aliases)
        || !check_duplicate_columns(r, &cols))
        return false;
    pgc_reach reach = {0}; /* reading the view runs its query */
    pgc_access_record(r->cat, r->cat->a, vs->query, true, false, "which", &reach);
    pgc_rel *old = pgc_cat_find_rel(r->cat, schema, rv->relname);
    if (old) {
        if (!vs->replace || old->kind != 'v')
            return cat_fail(r->d, r->t, rv->location, "relation \"%s\" already exists",
                        rv->relname);
        old->cols = cols; /* CREATE OR REPLACE VIEW */
        old->reach = reach;
        old->deps.len = 0;
        LIST_EACH(i, deps.len)
            PGC_PUSH(r->cat->a, old->deps, deps.items[i]);
        return true;
    }
    if (type_taken(r->cat, schema, rv->relname))
        return cat_fail(r->d, r->t, rv->location, "type \"%s\" already exists", rv->relname);
    pgc_rel *view = pgc_cat_new_rel(r->cat, schema, rv->relname, 'v');
    view->cols = cols;
    view->reach = reach;
    LIST_EACH(i, deps.len)
        PGC_PUSH(r->cat->a, view->deps, deps.items[i]);
    return true;
}

bool create_table_as(replay *r, PgQuery__Node *query, const PgQuery__IntoClause *into,
                     bool matview, bool if_not_exists)
{
    bool ok = true;
    const PgQuery__RangeVar *rv = into->rel;
    const char *schema = own_creation_schema(r, rv_schema(rv),
                                             matview ? "materialized view" : "table",
                                             rv->relname, true, rv->location, &ok);
    if (!ok)
        return false;
    if (ddl_name_taken(r->cat, schema, rv->relname) || type_taken(r->cat, schema, rv->relname)) {
        if (if_not_exists)
            return true;
        return cat_fail(r->d, r->t, rv->location, "relation \"%s\" already exists", rv->relname);
    }
    pgc_cols cols = {0};
    pgc_rel_list deps = {0};
    if (!pgc_analyze_relation(r->cat, r->d, r->t, query, &cols, &deps)
        || !alias_columns(r, &cols, into->col_names, into->n_col_names)
        || !check_duplicate_columns(r, &cols))
        return false;
    LIST_EACH(i, cols.len) {
        pgc_col *c = &cols.items[i];
        c->table = c->column = NULL;
        c->has_default = false;
        if (c->type == OID_UNKNOWN)
            c->type = OID_TEXT;
        /* a table's columns can take NULL later; a materialized view's
         * rows are the query's */
        if (!matview)
            c->not_null = false;
    }
    pgc_rel *rel = pgc_cat_new_rel(r->cat, schema, rv->relname, matview ? 'm' : 'r');
    rel->unlogged = rv->relpersistence && strcmp(rv->relpersistence, "u") == 0;
    rel->cols = cols;
    if (matview)
        LIST_EACH(i, deps.len)
            PGC_PUSH(r->cat->a, rel->deps, deps.items[i]);
    return true;
}

