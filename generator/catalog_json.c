/*
 * catalog_json.c - the catalog as JSON, the value of `pgc describe`'s
 * "catalog" key (README "pgc describe"): schemas, relations with their
 * columns, user types, in creation order.
 *
 * Takes: a replayed catalog (catalog_internal.h).  Gives:
 * pgc_catalog_write_json() (semantic.h).
 */
#include <string.h>

#include "catalog_internal.h"

#define LIST_EACH(i, n) for (size_t i = 0; i < (n); i++)

static void json_schema(pgc_json *j, const char *schema)
{
    if (!pgc_cat_schema_hidden(schema)) {
        pgc_json_key(j, "schema");
        pgc_json_string(j, schema);
    }
}

void pgc_catalog_write_json(const pgc_catalog *cat, pgc_json *j)
{
    pgc_catalog *mcat = (pgc_catalog *)cat; /* names are cached in the arena */
    pgc_json_begin_object(j);
    pgc_json_key(j, "schemas");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->schemas.len)
        if (!pgc_cat_schema_hidden(cat->schemas.items[i]))
            pgc_json_string(j, cat->schemas.items[i]);
    pgc_json_end_array(j);

    pgc_json_key(j, "relations");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->rels.len) {
        const pgc_rel *rel = cat->rels.items[i];
        if (rel->dropped || rel->kind == 'c' || rel->system)
            continue;
        pgc_json_begin_object(j);
        json_schema(j, rel->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, rel->name);
        pgc_json_key(j, "kind");
        pgc_json_string(j, pgc_cat_rel_kind_name(rel->kind));
        pgc_json_key(j, "columns");
        pgc_json_begin_array(j);
        LIST_EACH(k, rel->cols.len) {
            const pgc_col *c = &rel->cols.items[k];
            pgc_json_begin_object(j);
            pgc_json_key(j, "name");
            pgc_json_string(j, c->name);
            pgc_json_key(j, "type");
            pgc_json_string(j, pgc_catalog_type_name(mcat, c->type, c->typmod));
            pgc_json_key(j, "not_null");
            pgc_json_bool(j, c->not_null);
            pgc_json_key(j, "has_default");
            pgc_json_bool(j, c->has_default);
            if (c->identity) {
                pgc_json_key(j, "identity");
                pgc_json_string(j, c->identity == 'a' ? "always" : "by default");
            }
            if (c->generated) {
                pgc_json_key(j, "generated");
                pgc_json_bool(j, true);
            }
            pgc_json_end_object(j);
        }
        pgc_json_end_array(j);
        if (rel->uniques.len) { /* ON CONFLICT's possible arbiters */
            pgc_json_key(j, "unique");
            pgc_json_begin_array(j);
            LIST_EACH(k, rel->uniques.len) {
                const pgc_unique *u = &rel->uniques.items[k];
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, u->name);
                pgc_json_key(j, "columns");
                pgc_json_begin_array(j);
                LIST_EACH(m, u->cols.len)
                    pgc_json_string(j, u->cols.items[m]);
                pgc_json_end_array(j);
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);

    pgc_json_key(j, "types");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->types.len) {
        const pgc_utype *u = cat->types.items[i];
        if (u->dropped || u->t.elem || (u->rel && (u->rel->kind != 'c' || u->rel->system)))
            continue;
        pgc_json_begin_object(j);
        json_schema(j, u->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, u->name);
        pgc_json_key(j, "kind");
        switch (u->t.type) {
        case 'e':
            pgc_json_string(j, "enum");
            pgc_json_key(j, "values");
            pgc_json_begin_array(j);
            LIST_EACH(k, u->labels.len)
                pgc_json_string(j, u->labels.items[k]);
            pgc_json_end_array(j);
            break;
        case 'd':
            pgc_json_string(j, "domain");
            pgc_json_key(j, "base");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.base, u->base_typmod));
            pgc_json_key(j, "not_null");
            pgc_json_bool(j, u->not_null);
            break;
        case 'c':
            pgc_json_string(j, "composite");
            pgc_json_key(j, "attributes");
            pgc_json_begin_array(j);
            LIST_EACH(k, u->rel->cols.len) {
                const pgc_col *c = &u->rel->cols.items[k];
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, c->name);
                pgc_json_key(j, "type");
                pgc_json_string(j, pgc_catalog_type_name(mcat, c->type, c->typmod));
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
            break;
        case 'r':
            pgc_json_string(j, "range");
            pgc_json_key(j, "subtype");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.range_subtype, -1));
            break;
        case 'm':
            pgc_json_string(j, "multirange");
            pgc_json_key(j, "range");
            pgc_json_string(j, pgc_catalog_type_name(mcat, u->t.range, -1));
            break;
        default:
            pgc_json_string(j, "base");
            break;
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);

    pgc_json_key(j, "functions");
    pgc_json_begin_array(j);
    LIST_EACH(i, cat->funcs.len) {
        const pgc_ufunc *f = cat->funcs.items[i];
        if (f->dropped)
            continue;
        pgc_json_begin_object(j);
        json_schema(j, f->schema);
        pgc_json_key(j, "name");
        pgc_json_string(j, f->f.name);
        pgc_json_key(j, "args");
        pgc_json_begin_array(j);
        LIST_EACH(k, f->f.nargs)
            pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.args[k], -1));
        pgc_json_end_array(j);
        pgc_json_key(j, "returns");
        pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.rettype, f->rettypmod));
        pgc_json_key(j, "set");
        pgc_json_bool(j, f->f.retset);
        if (f->f.nouts) {
            pgc_json_key(j, "columns");
            pgc_json_begin_array(j);
            LIST_EACH(k, f->f.nouts) {
                pgc_json_begin_object(j);
                pgc_json_key(j, "name");
                pgc_json_string(j, f->f.outs[k].name);
                pgc_json_key(j, "type");
                pgc_json_string(j, pgc_catalog_type_name(mcat, f->f.outs[k].type, -1));
                pgc_json_end_object(j);
            }
            pgc_json_end_array(j);
        }
        pgc_json_end_object(j);
    }
    pgc_json_end_array(j);
    pgc_json_end_object(j);
}

