/*
 * gen_catalog.c - the catalog replayed from migrations: tables and their
 * columns through ALTER, RENAME and DROP, schemas, enums, domains,
 * composite types, views, functions, extensions, type spellings
 * (format_type()), the JSON dump, and the errors for what it cannot
 * follow.  Columns are checked through queries (gen_world.h renders them).
 */
#include "gen_world.h"

static int setup(void **state)
{
    *state = world_new();
    return 0;
}

static int teardown(void **state)
{
    world_free(*state);
    return 0;
}

/* The columns of SELECT * FROM rel. */
static const char *columns_of(world *w, const char *rel)
{
    if (!world_query(w, pgc_arena_printf(w->a, "SELECT * FROM %s", rel)))
        fail_msg("query failed: %s", world_errors(w));
    return world_columns(w);
}

static void table__column_flavours(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE t (\n"
                "  id bigserial PRIMARY KEY,\n"
                "  a int NOT NULL,\n"
                "  b text,\n"
                "  c int GENERATED ALWAYS AS IDENTITY,\n"
                "  d int GENERATED ALWAYS AS (a * 2) STORED,\n"
                "  e varchar(17) DEFAULT 'x',\n"
                "  f numeric(10,2),\n"
                "  g timestamp(3) with time zone,\n"
                "  h char,\n"
                "  i bit(3)[],\n"
                "  j interval day to second(2),\n"
                "  k int,\n"
                "  l int,\n"
                "  PRIMARY KEY (k, l)\n"
                ")");
    assert_string_equal(columns_of(w, "t"),
                        "id bigint!, a integer!, b text?, c integer!, d integer?, "
                        "e character varying(17)?, f numeric(10,2)?, "
                        "g timestamp(3) with time zone?, h character(1)?, i bit(3)[]?, "
                        "j interval day to second(2)?, k integer!, l integer!");
    const pgc_rel *r = pgc_cat_find_rel(w->cat, NULL, "t");
    assert_non_null(r);
    assert_true(r->cols.items[0].has_default);
    assert_int_equal(r->cols.items[3].identity, 'a');
    assert_int_equal(r->cols.items[4].generated, 's');
    assert_int_equal(r->cols.items[5].typmod, 21);
    assert_int_equal(r->cols.items[6].typmod, (10 << 16 | 2) + 4);
}

static void table__alter_and_rename(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE t (id int PRIMARY KEY, a text, b int NOT NULL);\n"
                "ALTER TABLE t ADD COLUMN c bigint NOT NULL DEFAULT 0;\n"
                "ALTER TABLE t ADD COLUMN IF NOT EXISTS c bigint;\n"
                "ALTER TABLE t DROP COLUMN a;\n"
                "ALTER TABLE t DROP COLUMN IF EXISTS zz;\n"
                "ALTER TABLE t RENAME COLUMN b TO bb;\n"
                "ALTER TABLE t ALTER COLUMN bb DROP NOT NULL;\n"
                "ALTER TABLE t ALTER COLUMN c TYPE numeric(5,1);\n"
                "ALTER TABLE t ALTER COLUMN c SET NOT NULL, ADD COLUMN d text;\n"
                "ALTER TABLE t RENAME TO u;\n"
                "ALTER TABLE IF EXISTS nope ADD COLUMN x int;\n");
    assert_string_equal(columns_of(w, "u"), "id integer!, bb integer?, c numeric(5,1)!, d text?");
    assert_false(world_query(w, "SELECT * FROM t"));
}

static void table__drop_and_recreate(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE t (a int);\n"
                "DROP TABLE t;\n"
                "DROP TABLE IF EXISTS t;\n"
                "CREATE TABLE t (b text NOT NULL);\n");
    assert_string_equal(columns_of(w, "t"), "b text!");
}

static void table__inheritance_like_partitions(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE base (id int NOT NULL, note text);\n"
                "CREATE TABLE child (extra int) INHERITS (base);\n"
                "CREATE TABLE copy (LIKE base, more bool);\n"
                "CREATE TABLE p (id int, at date NOT NULL) PARTITION BY RANGE (at);\n"
                "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO "
                "('2021-01-01');\n");
    assert_string_equal(columns_of(w, "child"), "id integer!, note text?, extra integer?");
    assert_string_equal(columns_of(w, "copy"), "id integer!, note text?, more boolean?");
    assert_string_equal(columns_of(w, "p1"), "id integer?, at date!");
}

static void schema__tables_in_schemas(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE SCHEMA s;\n"
                "CREATE TABLE s.t (a int);\n"
                "CREATE TABLE __pgc_home.t (b int);\n"
                "CREATE TABLE t (p int);\n"
                "CREATE SCHEMA IF NOT EXISTS s;\n"
                "CREATE SCHEMA other CREATE TABLE x (c int);\n"
                "ALTER SCHEMA other RENAME TO other2;\n");
    /* unqualified: public's, as at run time; the library's through its schema */
    assert_string_equal(columns_of(w, "t"), "p integer?");
    assert_string_equal(columns_of(w, "public.t"), "p integer?");
    assert_string_equal(columns_of(w, "__pgc_home.t"), "b integer?");
    assert_string_equal(columns_of(w, "s.t"), "a integer?");
    assert_string_equal(columns_of(w, "other2.x"), "c integer?");
    world_ok(w, "DROP SCHEMA s CASCADE");
    assert_false(world_query(w, "SELECT * FROM s.t"));
}

static void drops__follow_dependencies(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TYPE e AS ENUM ('a');\n"
                "CREATE TABLE t (id int NOT NULL, v e, vs e[]);\n"
                "CREATE VIEW tv AS SELECT id FROM t;\n"
                "CREATE VIEW tvv AS SELECT id FROM tv;\n");
    assert_false(world_migrate(w, "DROP TABLE t"));
    assert_non_null(strstr(world_errors(w), "cannot drop t because other objects depend on it"));
    assert_false(world_migrate(w, "DROP TYPE e"));
    assert_non_null(strstr(world_errors(w), "cannot drop type e because other objects depend"));
    world_ok(w, "DROP TYPE e CASCADE");
    assert_string_equal(columns_of(w, "t"), "id integer!");
    /* a column that may now be NULL reaches the views */
    world_ok(w, "ALTER TABLE t ALTER COLUMN id DROP NOT NULL");
    assert_string_equal(columns_of(w, "tvv"), "id integer?");
    world_ok(w, "DROP TABLE t CASCADE");
    assert_false(world_query(w, "SELECT * FROM tvv"));
}

static void types__enum_add_and_rename_values(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
                "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';\n"
                "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';\n"
                "ALTER TYPE mood ADD VALUE 'great' AFTER 'happy';\n"
                "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';\n"
                "ALTER TYPE mood ADD VALUE 'last';\n");
    const pgc_rel *none = pgc_cat_find_rel(w->cat, NULL, "mood");
    assert_null(none);
    uint32_t oid = 0;
    for (size_t i = 0; i < w->cat->types.len; i++)
        if (strcmp(w->cat->types.items[i]->name, "mood") == 0 && !w->cat->types.items[i]->t.elem)
            oid = w->cat->types.items[i]->t.oid;
    pgc_utype *u = pgc_cat_utype(w->cat, oid);
    assert_non_null(u);
    assert_int_equal(u->labels.len, 5);
    const char *want[] = {"blue", "ok", "happy", "great", "last"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(u->labels.items[i], want[i]);
    assert_string_equal(pgc_catalog_type_name(w->cat, oid, -1), "mood");
    assert_string_equal(pgc_catalog_type_name(w->cat, u->t.array, -1), "mood[]");
}

static void types__domains_composites_and_schemas(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE SCHEMA lib;\n"
                "CREATE DOMAIN lib.code AS varchar(8) NOT NULL;\n"
                "CREATE DOMAIN posint AS int CHECK (VALUE > 0);\n"
                "CREATE TYPE pair AS (x int, y text);\n"
                "CREATE TABLE t (c lib.code, p posint, q pair, r pair[]);\n"
                "ALTER DOMAIN posint SET NOT NULL;\n"
                "ALTER TYPE pair ADD ATTRIBUTE z bool;\n"
                "ALTER TYPE pair RENAME ATTRIBUTE y TO yy;\n");
    /* domain-typed result columns are described by their base types; a
     * NOT NULL domain does not make its columns NOT NULL (not enforced
     * everywhere: outer joins, INSERT ... SELECT of an empty subquery) */
    assert_string_equal(columns_of(w, "t"),
                        "c character varying(8)?, p integer?, q pair?, r pair[]?");
    assert_true(world_query(w, "SELECT (q).* FROM t"));
    assert_string_equal(world_columns(w), "x integer?, yy text?, z boolean?");
    assert_true(world_query(w, "SELECT 'x'::lib.code"));
    assert_string_equal(world_columns(w), "code character varying(8)!");
    world_ok(w, "ALTER TYPE pair RENAME TO couple");
    assert_true(world_query(w, "SELECT q FROM t"));
    assert_string_equal(world_columns(w), "q couple?");
}

static void types__ranges(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TYPE timerange AS RANGE (subtype = time);\n"
                "CREATE TABLE sched (id int PRIMARY KEY, during timerange NOT NULL);\n");
    assert_query(w,
                 "SELECT during, lower(during), timemultirange(during), "
                 "timerange('10:00', '11:00') FROM sched WHERE during @> $1",
                 "during timerange",
                 "during timerange!, lower time without time zone?, timemultirange "
                 "timemultirange?, timerange timerange?");
}

static void types__spellings(void **state)
{
    world *w = *state;
    pgc_catalog *cat = w->cat;
    assert_string_equal(pgc_catalog_type_name(cat, 1043, 21), "character varying(17)");
    assert_string_equal(pgc_catalog_type_name(cat, 1043, -1), "character varying");
    assert_string_equal(pgc_catalog_type_name(cat, 1700, (10 << 16 | 2) + 4), "numeric(10,2)");
    assert_string_equal(pgc_catalog_type_name(cat, 1184, 3), "timestamp(3) with time zone");
    assert_string_equal(pgc_catalog_type_name(cat, 1083, -1), "time without time zone");
    assert_string_equal(pgc_catalog_type_name(cat, 1042, 5), "character(1)");
    assert_string_equal(pgc_catalog_type_name(cat, 1042, -1), "bpchar");
    assert_string_equal(pgc_catalog_type_name(cat, 1560, -1), "\"bit\"");
    assert_string_equal(pgc_catalog_type_name(cat, 1015, 14), "character varying(10)[]");
    assert_string_equal(pgc_catalog_type_name(cat, 1009, -1), "text[]");
    assert_string_equal(pgc_catalog_type_name(cat, 18, -1), "\"char\"");
    world_ok(w, "CREATE SCHEMA \"My\";\nCREATE TYPE \"My\".\"Kind\" AS ENUM ('a');\n"
                "CREATE TYPE public.plain AS ENUM ('b');");
    assert_true(world_query(w, "SELECT 'a'::\"My\".\"Kind\", 'b'::plain"));
    assert_string_equal(world_columns(w), "Kind \"My\".\"Kind\"!, plain plain!");
}

static void views__typed_by_the_analyzer(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE a (id int PRIMARY KEY, name varchar(10) NOT NULL);\n"
                "CREATE TABLE b (id int PRIMARY KEY, a_id int, v numeric NOT NULL);\n"
                "CREATE VIEW ab (aid, bname, total) AS\n"
                "  SELECT a.id, a.name, sum(b.v) FROM a LEFT JOIN b ON b.a_id = a.id\n"
                "  GROUP BY a.id, a.name;\n"
                "CREATE OR REPLACE VIEW ab AS SELECT a.id AS aid, a.name AS bname, "
                "count(*) AS total FROM a GROUP BY 1, 2;\n"
                "CREATE MATERIALIZED VIEW m AS SELECT id, upper(name) AS up FROM a;\n"
                "CREATE TABLE c AS SELECT id, name FROM a;\n"
                "SELECT id INTO d FROM a;\n");
    assert_string_equal(columns_of(w, "ab"),
                        "aid integer!, bname character varying(10)!, total bigint!");
    assert_string_equal(columns_of(w, "m"), "id integer!, up text!");
    /* a table made by CREATE TABLE AS has no NOT NULL columns */
    assert_string_equal(columns_of(w, "c"), "id integer?, name character varying(10)?");
    assert_string_equal(columns_of(w, "d"), "id integer?");
    world_ok(w, "ALTER VIEW ab RENAME COLUMN total TO n;\nALTER VIEW ab RENAME TO vv;");
    assert_string_equal(columns_of(w, "vv"),
                        "aid integer!, bname character varying(10)!, n bigint!");
}

static void functions__result_types(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE t (id int, name text);\n"
                "CREATE FUNCTION one(x int) RETURNS text LANGUAGE sql AS $$ SELECT 'a' $$;\n"
                "CREATE FUNCTION many() RETURNS SETOF t LANGUAGE sql AS $$ SELECT * FROM t $$;\n"
                "CREATE FUNCTION tab(n int DEFAULT 1) RETURNS TABLE (a int, b text)\n"
                "  LANGUAGE sql AS $$ SELECT 1, 'x' $$;\n"
                "CREATE FUNCTION outs(OUT p int, OUT q date) LANGUAGE sql AS $$ SELECT 1, "
                "now()::date $$;\n"
                "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
                "END $$;\n"
                "CREATE OR REPLACE FUNCTION one(x int) RETURNS varchar LANGUAGE sql AS "
                "$$ SELECT 'b' $$;\n");
    assert_true(world_query(w, "SELECT one(1), one(x => 2)"));
    assert_string_equal(world_columns(w), "one character varying?, one character varying?");
    assert_string_equal(columns_of(w, "many()"), "id integer?, name text?");
    assert_string_equal(columns_of(w, "tab()"), "a integer?, b text?");
    assert_string_equal(columns_of(w, "outs()"), "p integer?, q date?");
    world_ok(w, "DROP FUNCTION one(int);\nDROP FUNCTION IF EXISTS nope();\nDROP FUNCTION trg;");
    assert_false(world_query(w, "SELECT one(1)"));
}

static void extensions__citext_and_uuid(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE EXTENSION IF NOT EXISTS citext;\n"
                "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";\n"
                "CREATE TABLE u (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), "
                "email citext NOT NULL);\n");
    assert_query(w, "SELECT id, email, uuid_generate_v4() FROM u WHERE email = $1",
                 "email citext", "id uuid!, email citext!, uuid_generate_v4 uuid?");
    assert_false(world_migrate(w, "CREATE EXTENSION postgis"));
    assert_non_null(strstr(world_errors(w), "pgc does not know extension \"postgis\""));
}

static void errors__unknown_names_have_positions(void **state)
{
    world *w = *state;
    assert_false(world_migrate(w, "CREATE TABLE t (\n  a nosuchtype\n)"));
    assert_non_null(strstr(world_errors(w), "test.sql:2:5: error: type \"nosuchtype\" does not "
                                            "exist"));
    assert_false(world_migrate(w, "ALTER TABLE missing ADD COLUMN x int"));
    assert_non_null(strstr(world_errors(w), "relation \"missing\" does not exist"));
    assert_false(world_migrate(w, "CREATE TABLE t2 (a int); ALTER TABLE t2 DROP COLUMN b"));
    assert_non_null(strstr(world_errors(w), "column \"b\" of relation \"t2\" does not exist"));
    assert_false(world_migrate(w, "CREATE TABLE t2 (a int)"));
    assert_non_null(strstr(world_errors(w), "relation \"t2\" already exists"));
}

static void errors__what_cannot_be_followed(void **state)
{
    world *w = *state;
    assert_false(world_migrate(w, "CREATE AGGREGATE a (int) (sfunc = int4pl, stype = int)"));
    assert_non_null(strstr(world_errors(w), "pgc cannot follow CREATE AGGREGATE"));
}

static void skipped__statements_that_change_nothing(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE t (a int);\n"
                "CREATE INDEX ON t (a);\n"
                "INSERT INTO t VALUES (1);\n"
                "COMMENT ON TABLE t IS 'x';\n"
                "GRANT SELECT ON t TO PUBLIC;\n"
                "CREATE SEQUENCE s;\n"
                "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\n"
                "ALTER TABLE t OWNER TO CURRENT_USER;\n"
                "DO $$ BEGIN END $$;\n");
    assert_string_equal(columns_of(w, "t"), "a integer?");
}

static void json__catalog_dump(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE SCHEMA s;\n"
                "CREATE TYPE s.e AS ENUM ('x');\n"
                "CREATE TABLE t (id int PRIMARY KEY, v s.e);\n");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pgc_json j;
    pgc_json_init(&j, f);
    pgc_catalog_write_json(w->cat, &j);
    pgc_json_finish(&j);
    fclose(f);
    assert_non_null(strstr(buf, "\"schemas\": [\n    \"s\"\n  ]"));
    assert_non_null(strstr(buf, "\"name\": \"t\""));
    assert_non_null(strstr(buf, "\"type\": \"s.e\""));
    assert_non_null(strstr(buf, "\"kind\": \"enum\""));
    free(buf);
}

/* A column's own NOT NULL is kept apart from its domain's: retyped away
 * from a NOT NULL domain it stays nullable, and a domain's NOT NULL never
 * makes its columns NOT NULL. */
static void types__domain_not_null_is_not_the_columns(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE DOMAIN nn AS int NOT NULL;\n"
                "CREATE TABLE t (a nn, b nn NOT NULL, c nn);\n"
                "ALTER TABLE t ALTER COLUMN a TYPE int;\n"
                "ALTER DOMAIN nn DROP NOT NULL;\n"
                "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n");
    assert_string_equal(columns_of(w, "t"), "a integer?, b bigint!, c integer?");
}

/* Reading a parent reads its children: a child's DROP NOT NULL makes the
 * parent's column nullable too. */
static void table__child_drop_not_null_reaches_parent(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE p (id int NOT NULL, x int NOT NULL);\n"
                "CREATE TABLE c (y int) INHERITS (p);\n"
                "CREATE TABLE g () INHERITS (c);\n"
                "ALTER TABLE g ALTER COLUMN x DROP NOT NULL;\n");
    assert_string_equal(columns_of(w, "p"), "id integer!, x integer?");
    assert_string_equal(columns_of(w, "c"), "id integer!, x integer?, y integer?");
}

/* Names in the home schema are shown unqualified, as the user wrote them. */
static void errors__home_schema_is_not_named(void **state)
{
    world *w = *state;
    assert_false(world_query(w, "SELECT * FROM __pgc_home.nope"));
    assert_non_null(strstr(world_errors(w), "relation \"nope\" does not exist"));
    assert_null(strstr(world_errors(w), "relation \"__pgc_home"));
}

/* ---- embedded mode: names as at run time (semantic.h) ---------------------- */

/* The migrations of a dual-mode library: "__pgc_home" is what {{tables.t}}
 * and {{schema}} become. */
static const char home_sql[] =
    "CREATE TYPE \"__pgc_home\".tenant_status AS ENUM ('active', 'suspended');\n"
    "CREATE TABLE \"__pgc_home\".orders (id bigint PRIMARY KEY, "
    "status \"__pgc_home\".tenant_status NOT NULL);\n";

static void embedded__unqualified_create_in_a_templated_set__is_an_error(void **state)
{
    world *w = *state;
    pgc_catalog_set_templated(w->cat, true);
    world_ok(w, home_sql);
    assert_false(world_migrate(w, "CREATE TABLE audit (a int)"));
    assert_string_equal(world_errors(w),
                        "test.sql:1:14: error: table \"audit\" is created without a schema: it "
                        "would land in public, the same for every embedding of the library\n"
                        "    1 | CREATE TABLE audit (a int)\n"
                        "      |              ^\n"
                        "test.sql:1:14: note: create the library's table as {{tables.audit}}\n"
                        "    1 | CREATE TABLE audit (a int)\n"
                        "      |              ^\n");
    assert_false(world_migrate(w, "CREATE TYPE mood AS ENUM ('a')"));
    assert_non_null(strstr(world_errors(w),
                           "test.sql:1:13: error: type \"mood\" is created without a schema"));
    assert_non_null(strstr(world_errors(w),
                           "test.sql:1:13: note: create the library's type as {{schema}}.mood\n"));
    assert_false(world_migrate(w, "CREATE DOMAIN email AS text"));
    assert_non_null(strstr(world_errors(w), "note: create the library's domain as "
                                            "{{schema}}.email\n"));
    assert_false(world_migrate(w, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:17: error: function \"f\" is created "
                                            "without a schema"));
    assert_false(world_migrate(w, "CREATE SEQUENCE order_numbers"));
    assert_non_null(strstr(world_errors(w), "note: create the library's sequence as "
                                            "{{tables.order_numbers}}\n"));
    assert_false(world_migrate(w, "CREATE VIEW v AS SELECT 1 AS one"));
    assert_non_null(strstr(world_errors(w), "error: view \"v\" is created without a schema"));
    /* qualified, temporary, in a named schema, or database-wide: fine */
    world_ok(w, "CREATE TABLE \"__pgc_home\".audit (a int);\n"
                "CREATE TEMP TABLE scratch (a int);\n"
                "CREATE SCHEMA IF NOT EXISTS reports;\n"
                "CREATE TABLE reports.daily (a int);\n"
                "CREATE EXTENSION IF NOT EXISTS citext;\n");
    assert_string_equal(columns_of(w, "scratch"), "a integer?");
    assert_string_equal(columns_of(w, "pg_temp.scratch"), "a integer?");
}

static void embedded__plain_set_creates_in_public(void **state)
{
    world *w = *state;
    /* no template anywhere: a standalone application, sqlc style */
    world_ok(w, "CREATE TYPE state AS ENUM ('queued', 'done');\n"
                "CREATE TABLE jobs (id bigint PRIMARY KEY, s state NOT NULL);\n"
                "CREATE TABLE runs (job bigint REFERENCES jobs (id));\n"
                "CREATE FUNCTION pending() RETURNS bigint LANGUAGE sql "
                "AS 'SELECT count(*) FROM jobs';\n");
    assert_string_equal(columns_of(w, "jobs"), "id bigint!, s state!");
    assert_string_equal(columns_of(w, "public.jobs"), "id bigint!, s state!");
    assert_true(world_query(w, "SELECT pending(), public.pending(), 'done'::public.state"));
    assert_false(world_query(w, "SELECT * FROM \"__pgc_home\".jobs"));
    assert_string_equal(world_errors(w), "test.sql:1:15: error: relation \"jobs\" does not "
                                         "exist\n"
                                         "    1 | SELECT * FROM \"__pgc_home\".jobs\n"
                                         "      |               ^\n");
}

static void embedded__own_names_without_template_in_migrations__are_errors(void **state)
{
    world *w = *state;
    pgc_catalog_set_templated(w->cat, true);
    world_ok(w, home_sql);
    assert_false(world_migrate(w, "ALTER TABLE orders ADD COLUMN note text"));
    assert_string_equal(world_errors(w),
                        "test.sql:1:13: error: relation \"orders\" does not exist\n"
                        "    1 | ALTER TABLE orders ADD COLUMN note text\n"
                        "      |             ^\n"
                        "test.sql:1:13: note: \"orders\" is the library's table: write "
                        "{{tables.orders}}\n"
                        "    1 | ALTER TABLE orders ADD COLUMN note text\n"
                        "      |             ^\n");
    /* IF EXISTS does not excuse it: at run time it would reach public's */
    assert_false(world_migrate(w, "ALTER TABLE IF EXISTS orders ADD COLUMN note text"));
    assert_false(world_migrate(w, "DROP TABLE IF EXISTS orders"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:22: error: table \"orders\" does not "
                                            "exist\n"));
    assert_false(world_migrate(w, "CREATE TABLE \"__pgc_home\".lines (\n"
                                  "  order_id bigint REFERENCES orders (id))"));
    assert_non_null(strstr(world_errors(w),
                           "test.sql:2:30: note: \"orders\" is the library's table: write "
                           "{{tables.orders}}\n"));
    assert_false(world_migrate(w, "CREATE TABLE \"__pgc_home\".events (\n"
                                  "  s tenant_status)"));
    assert_non_null(strstr(world_errors(w),
                           "test.sql:2:5: error: type \"tenant_status\" does not exist\n"));
    assert_non_null(strstr(world_errors(w),
                           "test.sql:2:5: note: \"tenant_status\" is the library's type: write "
                           "{{schema}}.tenant_status\n"));
    assert_false(world_migrate(w, "ALTER TYPE tenant_status ADD VALUE 'closed'"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:12: note: \"tenant_status\" is the "
                                            "library's type"));
    assert_false(world_migrate(w, "CREATE VIEW \"__pgc_home\".v AS SELECT id FROM orders"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:46: note: \"orders\" is the library's "
                                            "table: write {{tables.orders}}\n"));
    assert_false(world_migrate(w, "CREATE FUNCTION \"__pgc_home\".g(o orders.id%TYPE) "
                                  "RETURNS int LANGUAGE sql AS 'SELECT 1'"));
    assert_non_null(strstr(world_errors(w), "note: \"orders\" is the library's table"));
    world_ok(w, "CREATE FUNCTION \"__pgc_home\".touch() RETURNS int LANGUAGE sql "
                "AS 'SELECT 1'");
    assert_false(world_migrate(w, "DROP FUNCTION IF EXISTS touch()"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:25: error: function touch does not "
                                            "exist\n"));
    assert_non_null(strstr(world_errors(w), "test.sql:1:25: note: \"touch\" is the library's "
                                            "function: write {{schema}}.touch\n"));
    /* statements pgc otherwise skips are checked for it too */
    static const char *const skipped[] = {
        "INSERT INTO orders (id, status) VALUES (1, 'active')",
        "UPDATE orders SET status = 'active'",
        "DELETE FROM orders",
        "CREATE INDEX orders_status ON orders (status)",
        "TRUNCATE \"__pgc_home\".orders, orders",
        "CREATE TRIGGER t BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f()",
    };
    for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++) {
        if (world_migrate(w, skipped[i]))
            fail_msg("accepted: %s", skipped[i]);
        assert_non_null(strstr(world_errors(w), "note: \"orders\" is the library's table"));
    }
    /* through the template, all of it works */
    world_ok(w, "CREATE TABLE \"__pgc_home\".lines (\n"
                "  order_id bigint REFERENCES \"__pgc_home\".orders (id),\n"
                "  s \"__pgc_home\".tenant_status);\n"
                "ALTER TYPE \"__pgc_home\".tenant_status ADD VALUE 'closed';\n"
                "INSERT INTO \"__pgc_home\".orders VALUES (1, 'active');\n"
                "CREATE INDEX ON \"__pgc_home\".orders (status);\n"
                "DROP TABLE IF EXISTS \"__pgc_home\".lines;\n");
}

static void resolution__public_pg_catalog_and_other_schemas(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE \"__pgc_home\".t (home int);\n"
                "CREATE TABLE public.t (pub int);\n"
                "CREATE SCHEMA other;\n"
                "CREATE TABLE other.t (oth int);\n"
                "CREATE TABLE public.pg_class (mine int);\n");
    assert_string_equal(columns_of(w, "t"), "pub integer?");
    assert_string_equal(columns_of(w, "other.t"), "oth integer?");
    assert_string_equal(columns_of(w, "\"__pgc_home\".t"), "home integer?");
    /* pg_catalog comes first, as the server searches it */
    assert_true(world_query(w, "SELECT relname FROM pg_class"));
    assert_string_equal(world_columns(w), "relname name!");
    assert_string_equal(columns_of(w, "public.pg_class"), "mine integer?");
    assert_true(world_query(w, "SELECT '1'::pg_catalog.int4 AS i, pg_catalog.lower('A') AS l"));
    assert_string_equal(world_columns(w), "i integer!, l text!");
    assert_false(world_query(w, "SELECT * FROM nowhere.t"));
    assert_non_null(strstr(world_errors(w), "relation \"nowhere.t\" does not exist"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(table__column_flavours),
        T(table__alter_and_rename),
        T(table__drop_and_recreate),
        T(table__inheritance_like_partitions),
        T(schema__tables_in_schemas),
        T(drops__follow_dependencies),
        T(types__enum_add_and_rename_values),
        T(types__domains_composites_and_schemas),
        T(types__ranges),
        T(types__spellings),
        T(views__typed_by_the_analyzer),
        T(functions__result_types),
        T(extensions__citext_and_uuid),
        T(errors__unknown_names_have_positions),
        T(errors__what_cannot_be_followed),
        T(skipped__statements_that_change_nothing),
        T(json__catalog_dump),
        T(types__domain_not_null_is_not_the_columns),
        T(table__child_drop_not_null_reaches_parent),
        T(errors__home_schema_is_not_named),
        T(embedded__unqualified_create_in_a_templated_set__is_an_error),
        T(embedded__plain_set_creates_in_public),
        T(embedded__own_names_without_template_in_migrations__are_errors),
        T(resolution__public_pg_catalog_and_other_schemas),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit();
    return failed;
}
