/*
 * gen_access.c - which queries only read (generator/analyze_access.c), the
 * analysis behind read routing: a positive and a negative case per rule,
 * the catalog's part (volatility from CREATE and ALTER FUNCTION, unlogged
 * tables, views that may write), and the annotations -- pgc:reads and
 * -- pgc:primary as the analysis applies them (source.c reads them; see
 * gen_source.c).  No database needed.
 */
#include "analyze.h"
#include "gen_world.h"

static const char schema_sql[] =
    "CREATE TABLE t (id int PRIMARY KEY, v text);\n"
    "CREATE SEQUENCE s;\n"
    "CREATE FUNCTION vol(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;\n"
    "CREATE FUNCTION vol_said(x int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT x $$;\n"
    "CREATE FUNCTION sta(x int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
    "CREATE FUNCTION imm(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;\n"
    "CREATE FUNCTION later_stable(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;\n"
    "ALTER FUNCTION later_stable(int) STABLE;\n"
    "CREATE FUNCTION later_volatile(x int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
    "ALTER FUNCTION later_volatile VOLATILE;\n"
    "CREATE FUNCTION rows_of(x int) RETURNS SETOF t LANGUAGE sql AS $$ SELECT * FROM t $$;\n"
    "CREATE FUNCTION rows_stable(x int) RETURNS SETOF t LANGUAGE sql STABLE\n"
    "  AS $$ SELECT * FROM t $$;\n"
    "CREATE VIEW plain_view AS SELECT id, v FROM t;\n"
    "CREATE VIEW numbering AS SELECT id, nextval('s') AS n FROM t;\n"
    "CREATE UNLOGGED TABLE scratch (id int);\n"
    "CREATE UNLOGGED TABLE kept (id int);\n"
    "ALTER TABLE kept SET LOGGED;\n"
    "CREATE TEMP TABLE mine (id int);\n"
    "CREATE TABLE events (id int) PARTITION BY RANGE (id);\n"
    "CREATE TABLE events_old PARTITION OF events FOR VALUES FROM (0) TO (10);\n"
    "CREATE UNLOGGED TABLE events_new PARTITION OF events FOR VALUES FROM (10) TO (20);\n"
    "CREATE TABLE animals (id int);\n"
    "CREATE UNLOGGED TABLE cats () INHERITS (animals);\n"
    "CREATE VIEW scratch_view AS SELECT id FROM scratch;\n"
    "CREATE VIEW scratch_view_view AS SELECT id FROM scratch_view;\n"
    "CREATE VIEW locked_view AS SELECT id FROM t FOR UPDATE;\n";

static int setup(void **state)
{
    world *w = world_new();
    world_ok(w, schema_sql);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world_free(*state);
    return 0;
}

/* The access analysis of sql alone (whatever the analyzer would say of it). */
static pgc_access access_of(world *w, const char *sql)
{
    pgc_stmt_text *t = pgc_arena_alloc(w->a, sizeof *t);
    *t = world_text(w, sql);
    PgQuery__ParseResult *tree = pgc_parse(&w->d, t);
    if (!tree)
        fail_msg("parse failed: %s", world_errors(w));
    PGC_PUSH(w->a, w->trees, tree);
    assert_int_equal(tree->n_stmts, 1);
    pgc_access acc;
    pgc_analyze_access(w->cat, w->a, tree->stmts[0]->stmt, &acc);
    return acc;
}

#define assert_reads(w, sql)                                                            \
    do {                                                                                \
        pgc_access acc_ = access_of((w), (sql));                                        \
        if (!acc_.reads_only)                                                           \
            fail_msg("%s: expected to only read, but it %s", (sql), acc_.why);          \
    } while (0)

/* Not read-only, for a reason containing `reason`; definite: -- pgc:reads
 * cannot change it. */
#define assert_writes(w, sql, is_definite, reason)                                         \
    do {                                                                                \
        pgc_access acc_ = access_of((w), (sql));                                        \
        if (acc_.reads_only)                                                            \
            fail_msg("%s: expected not to only read", (sql));                           \
        if (!strstr(acc_.why, (reason)))                                                \
            fail_msg("%s: expected \"%s\" in \"%s\"", (sql), (reason), acc_.why);       \
        assert_int_equal(acc_.definite, (is_definite));                                 \
    } while (0)

/* ---- the statement -------------------------------------------------------------- */

static void access__selects__read(void **state)
{
    world *w = *state;
    assert_reads(w, "SELECT id, v FROM t WHERE id = $1");
    assert_reads(w, "VALUES (1, 'a'), (2, 'b')");
    assert_reads(w, "TABLE t");
    assert_reads(w, "SELECT id FROM t UNION SELECT 1 EXCEPT (SELECT 2 INTERSECT SELECT 3)");
    assert_reads(w, "WITH a AS (SELECT id FROM t), b AS (WITH c AS (SELECT 1 AS x) "
                    "SELECT x FROM c) SELECT * FROM a, b");
    assert_reads(w, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r "
                    "WHERE n < 5) SELECT n FROM r");
    assert_reads(w, "SELECT (SELECT max(id) FROM t), EXISTS (SELECT 1 FROM t WHERE v = 'x')");
    /* volatile built-ins that write nothing */
    assert_reads(w, "SELECT random(), now(), clock_timestamp(), gen_random_uuid(), "
                    "pg_sleep(0), txid_current_if_assigned(), pg_is_in_recovery()");
}

static void access__writing_statements__do_not_read(void **state)
{
    world *w = *state;
    assert_writes(w, "INSERT INTO t (id) VALUES (1) RETURNING id", true, "is an INSERT");
    assert_writes(w, "UPDATE t SET v = 'x' WHERE id = 1", true, "is an UPDATE");
    assert_writes(w, "DELETE FROM t WHERE id = 1 RETURNING id, v", true, "is a DELETE");
    assert_writes(w, "MERGE INTO t USING (SELECT 1 AS id) s ON t.id = s.id "
                     "WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)", true, "is a MERGE");
    assert_writes(w, "CALL p(1)", true, "is not a SELECT");
    assert_writes(w, "CREATE TABLE u (x int)", true, "is not a SELECT");
    assert_writes(w, "EXPLAIN SELECT 1", true, "is not a SELECT");
}

static void access__data_modifying_with__at_any_depth__does_not_read(void **state)
{
    world *w = *state;
    assert_writes(w, "WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d", true,
                  "data-modifying WITH (DELETE)");
    assert_writes(w, "WITH a AS (SELECT 1), b AS (INSERT INTO t (id) VALUES (2) RETURNING id) "
                     "SELECT * FROM a", true, "data-modifying WITH (INSERT)");
    /* nested in a subquery's WITH (the server refuses it there; never a read) */
    assert_writes(w, "SELECT * FROM (WITH u AS (UPDATE t SET v = 'x' RETURNING id) "
                     "SELECT id FROM u) s", true, "data-modifying WITH (UPDATE)");
    assert_writes(w, "SELECT 1 WHERE EXISTS (WITH d AS (DELETE FROM t RETURNING 1) "
                     "SELECT 1 FROM d)", true, "DELETE");
}

static void access__locking_and_into__do_not_read(void **state)
{
    world *w = *state;
    assert_writes(w, "SELECT id FROM t WHERE id = 1 FOR UPDATE", true, "locks rows");
    assert_writes(w, "SELECT id FROM t FOR SHARE", true, "locks rows");
    assert_writes(w, "SELECT id FROM t FOR NO KEY UPDATE SKIP LOCKED", true, "locks rows");
    assert_writes(w, "SELECT id FROM t FOR KEY SHARE NOWAIT", true, "locks rows");
    assert_writes(w, "SELECT * FROM (SELECT id FROM t FOR UPDATE) s", true, "locks rows");
    assert_writes(w, "SELECT id FROM t WHERE id IN (SELECT id FROM t FOR SHARE)", true,
                  "locks rows");
    assert_writes(w, "SELECT id INTO copy_of_t FROM t", true, "SELECT INTO");
}

/* ---- functions ------------------------------------------------------------------ */

static void access__denied_builtins__do_not_read(void **state)
{
    world *w = *state;
    assert_writes(w, "SELECT nextval('s')", false, "nextval(), which advances a sequence");
    assert_writes(w, "SELECT id FROM t WHERE id > setval('s', 5)", false, "setval()");
    assert_writes(w, "SELECT currval('s')", false, "currval()");
    assert_writes(w, "SELECT pg_catalog.lastval()", false, "lastval()");
    assert_writes(w, "SELECT txid_current()", false, "assigns a transaction id");
    assert_writes(w, "SELECT pg_notify('c', 'x')", false, "pg_notify()");
    assert_writes(w, "SELECT pg_try_advisory_xact_lock(1)", false, "advisory lock");
    assert_writes(w, "SELECT set_config('a.b', 'c', false)", false, "set_config()");
    assert_writes(w, "SELECT lo_create(0)", false, "creates a large object");
    assert_writes(w, "SELECT * FROM pg_create_physical_replication_slot('x')", false,
                  "replication slot");
    /* built-ins that run a query given as text (pgc cannot see what it calls:
     * query_to_xml('SELECT nextval(''s'')', ...) advances the sequence) */
    assert_writes(w, "SELECT query_to_xml('SELECT nextval(''s'')', true, false, '')", false,
                  "runs a query given as text");
    assert_writes(w, "SELECT * FROM ts_stat('SELECT to_tsvector(v) FROM t')", false,
                  "runs a query given as text");
    assert_writes(w, "SELECT table_to_xml('scratch', true, false, '')", false, "table_to_xml()");
    assert_writes(w, "SELECT cursor_to_xml('c', 1, true, false, '')", false, "cursor");
    assert_writes(w, "SELECT setseed(0.5)", false, "setseed()");
    assert_writes(w, "SELECT * FROM pg_logical_slot_peek_changes('x', NULL, NULL)", false,
                  "is refused during recovery");
    /* in a subquery, CASE, ORDER BY, a LATERAL FROM function */
    assert_writes(w, "SELECT (SELECT nextval('s'))", false, "nextval()");
    assert_writes(w, "SELECT id FROM t ORDER BY CASE WHEN id > 0 THEN nextval('s') END",
                  false, "nextval()");
    assert_writes(w, "SELECT t.id, n FROM t, LATERAL nextval('s') n", false, "nextval()");
}

/* Every name of the deny list is a PostgreSQL 15 built-in (a misspelt
 * one would deny nothing). */
static void access__deny_list__names_builtins(void **state)
{
    (void)state;
    assert_true(pgc_access_deny_count() > 40);
    for (size_t i = 0; i < pgc_access_deny_count(); i++) {
        size_t n = 0;
        const char *name = pgc_access_deny_name(i);
        pgc_bi_funcs_named(name, &n);
        if (n == 0)
            fail_msg("%s is not a built-in function", name);
    }
    assert_null(pgc_access_deny_name(pgc_access_deny_count()));
}

static void access__user_functions__by_volatility(void **state)
{
    world *w = *state;
    assert_writes(w, "SELECT vol(1)", false, "vol(), which is VOLATILE");
    assert_writes(w, "SELECT vol_said(id) FROM t", false, "vol_said()");
    assert_reads(w, "SELECT sta(1), imm(id) FROM t");
    /* ALTER FUNCTION changes it either way */
    assert_reads(w, "SELECT later_stable(1)");
    assert_writes(w, "SELECT later_volatile(1)", false, "later_volatile()");
    /* wherever it is called: WHERE, FROM, LATERAL, a subquery, a CTE */
    assert_writes(w, "SELECT id FROM t WHERE vol(id) > 0", false, "vol()");
    assert_writes(w, "SELECT id FROM rows_of(1)", false, "rows_of()");
    assert_reads(w, "SELECT id FROM rows_stable(1)");
    assert_writes(w, "SELECT x.id FROM t, LATERAL rows_of(t.id) x", false, "rows_of()");
    assert_writes(w, "SELECT id FROM t WHERE id IN (SELECT vol(1))", false, "vol()");
    assert_writes(w, "WITH c AS (SELECT vol(1) AS x) SELECT x FROM c", false, "vol()");
    /* a name the catalog does not know: conservative */
    assert_writes(w, "SELECT nobody_knows(1)", false, "pgc does not know");
}

/* PostgreSQL refuses a write command in a STABLE or IMMUTABLE function
 * ("INSERT is not allowed in a non-volatile function"), but not a call:
 * such a SQL function whose body calls nextval() or a VOLATILE function
 * writes (a standby refuses it), and so does one whose parameter default
 * does, when a call leaves the argument out. */
static void access__sql_function_bodies_and_defaults(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE FUNCTION next_id() RETURNS bigint LANGUAGE sql STABLE\n"
                "  AS $$ SELECT nextval('s') $$;\n"
                "CREATE FUNCTION via_vol(x int) RETURNS int LANGUAGE sql IMMUTABLE\n"
                "  AS 'SELECT 1; SELECT vol(x)';\n"
                "CREATE FUNCTION atomic_next() RETURNS bigint LANGUAGE sql STABLE\n"
                "  BEGIN ATOMIC SELECT nextval('s'); END;\n"
                "CREATE FUNCTION with_default(x bigint DEFAULT nextval('s')) RETURNS bigint\n"
                "  LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
                "CREATE FUNCTION clean(x int DEFAULT 1) RETURNS int LANGUAGE sql STABLE\n"
                "  AS $$ SELECT x + sta(x) FROM t WHERE id = clean.x $$;\n"
                "CREATE FUNCTION fact(n int) RETURNS int LANGUAGE sql IMMUTABLE\n"
                "  AS $$ SELECT CASE WHEN n < 2 THEN 1 ELSE n * fact(n - 1) END $$;\n"
                "CREATE FUNCTION pl(x int) RETURNS int LANGUAGE plpgsql STABLE\n"
                "  AS $$ BEGIN RETURN x; END $$;\n");
    assert_writes(w, "SELECT next_id()", false, "next_id(), whose body calls nextval()");
    assert_writes(w, "SELECT via_vol(1)", false, "via_vol(), whose body calls vol()");
    assert_writes(w, "SELECT atomic_next()", false, "atomic_next(), whose body calls nextval()");
    assert_writes(w, "SELECT with_default()", false, "with_default(), whose default for x calls nextval()");
    assert_reads(w, "SELECT clean(), fact(5), pl(1)");
}

/* The same for a PL/pgSQL body (pg_query_parse_plpgsql): each expression
 * and statement in it; EXECUTE runs a query pgc cannot see. */
static void access__plpgsql_bodies(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE FUNCTION pl_next() RETURNS bigint LANGUAGE plpgsql STABLE\n"
                "  AS $$ BEGIN RETURN nextval('s'); END $$;\n"
                "CREATE FUNCTION pl_perform(x int) RETURNS int LANGUAGE plpgsql STABLE\n"
                "  AS $$ BEGIN PERFORM vol(x); RETURN x; END $$;\n"
                "CREATE FUNCTION pl_assign(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$\n"
                "DECLARE y int;\n"
                "BEGIN y := x + vol(x); RETURN y; END $$;\n"
                "CREATE FUNCTION pl_default() RETURNS int LANGUAGE plpgsql STABLE AS $body$\n"
                "DECLARE y bigint := nextval('s');\n"
                "BEGIN RETURN 1; END $body$;\n"
                "CREATE FUNCTION pl_exec(q text) RETURNS int LANGUAGE plpgsql STABLE AS $$\n"
                "DECLARE y int;\n"
                "BEGIN EXECUTE q INTO y; RETURN y; END $$;\n"
                "CREATE FUNCTION pl_fine(x int) RETURNS SETOF int LANGUAGE plpgsql STABLE AS $$\n"
                "DECLARE y int := sta(x); r record; z t.id%TYPE;\n"
                "BEGIN\n"
                "  SELECT id INTO z FROM t WHERE id = x;\n"
                "  IF lower('A') = 'a' AND y IN (1, 2) THEN y := y + imm(1); END IF;\n"
                "  FOR r IN SELECT id FROM t WHERE id > y LOOP RETURN NEXT r.id; END LOOP;\n"
                "  RETURN QUERY SELECT id FROM t;\n"
                "END $$;\n");
    assert_writes(w, "SELECT pl_next()", false, "pl_next(), whose body calls nextval()");
    assert_writes(w, "SELECT pl_perform(1)", false, "pl_perform(), whose body calls vol()");
    assert_writes(w, "SELECT pl_assign(1)", false, "pl_assign(), whose body calls vol()");
    assert_writes(w, "SELECT pl_default()", false, "pl_default(), whose body calls nextval()");
    assert_writes(w, "SELECT pl_exec('SELECT 1')", false, "runs a query given as text");
    assert_reads(w, "SELECT * FROM pl_fine(1)");
}

/* A domain's CHECK runs wherever a value becomes the domain: a cast, a
 * parameter of that type, an argument of a function that takes it.  One
 * that calls a function that may write makes that a write (checked on a
 * standby: "cannot execute INSERT in a read-only transaction"). */
static void access__domain_checks(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE DOMAIN checked AS int CHECK (vol(VALUE) > 0);\n"
                "CREATE DOMAIN over_checked AS checked;\n"
                "CREATE DOMAIN fine AS int CHECK (VALUE > 0 AND imm(VALUE) > 0);\n"
                "CREATE DOMAIN later AS int;\n"
                "CREATE FUNCTION takes(x checked) RETURNS int LANGUAGE sql STABLE\n"
                "  AS $$ SELECT 1 $$;\n"
                "CREATE FUNCTION takes_later(x later) RETURNS int LANGUAGE sql STABLE\n"
                "  AS $$ SELECT 1 $$;\n");
    assert_writes(w, "SELECT $1::checked", false, "makes a value of the domain checked, whose CHECK "
                                                  "calls vol()");
    assert_writes(w, "SELECT CAST(id AS over_checked) FROM t", false, "domain checked");
    assert_writes(w, "SELECT '{1}'::checked[]", false, "domain checked");
    assert_writes(w, "SELECT takes(id) FROM t", false, "takes(), whose parameter");
    assert_reads(w, "SELECT $1::fine, takes_later(1)");
    /* a composite with such an attribute: its input, a row cast, a record
     * built from JSON with a column definition list */
    world_ok(w, "CREATE TYPE pair AS (a checked, b int);\n"
                "CREATE TYPE nested AS (p pair[]);\n"
                "CREATE TYPE plain_pair AS (a fine, b int);\n");
    assert_writes(w, "SELECT '(1,2)'::pair", false, "domain checked");
    assert_writes(w, "SELECT '(\"{\"\"(1,2)\"\"}\")'::nested", false, "domain checked");
    assert_writes(w, "SELECT * FROM jsonb_populate_record(NULL::pair, '{\"a\": 1}')", false,
                  "domain checked");
    assert_writes(w, "SELECT a FROM jsonb_to_record('{\"a\": 1}') AS x(a checked)", false,
                  "domain checked");
    assert_reads(w, "SELECT '(1,2)'::plain_pair, a FROM jsonb_to_record('{}') AS x(a fine)");
    world_ok(w, "ALTER DOMAIN later ADD CONSTRAINT c CHECK (vol(VALUE) > 0);\n");
    assert_writes(w, "SELECT takes_later(1)", false, "domain later");
}

/* A function's volatility is judged as the catalog is after every
 * migration, wherever the call is: a view's query, a SQL body, a
 * parameter default, a domain's CHECK, a policy made before a CREATE OR
 * REPLACE FUNCTION (VOLATILE by default) or an ALTER FUNCTION. */
static void access__functions__judged_after_every_migration(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
                "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
                "CREATE FUNCTION h(x int) RETURNS int LANGUAGE sql STABLE AS $$ SELECT x $$;\n"
                "CREATE VIEW of_f AS SELECT f(id) AS x FROM t;\n"
                "CREATE FUNCTION calls_g(x int) RETURNS int LANGUAGE sql STABLE\n"
                "  AS $$ SELECT g(x) $$;\n"
                "CREATE FUNCTION defaults_h(x int DEFAULT h(1)) RETURNS int LANGUAGE sql STABLE\n"
                "  AS $$ SELECT x $$;\n"
                "CREATE DOMAIN by_h AS int CHECK (h(VALUE) > 0);\n"
                "CREATE VIEW of_vol AS SELECT vol(id) AS x FROM t;\n");
    assert_reads(w, "SELECT x FROM of_f");
    assert_reads(w, "SELECT calls_g(1), defaults_h(), 1::by_h");
    world_ok(w, "CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;\n"
                "ALTER FUNCTION g(int) VOLATILE;\n"
                "ALTER FUNCTION h VOLATILE;\n"
                "ALTER FUNCTION vol(int) STABLE;\n");
    assert_writes(w, "SELECT x FROM of_f", false, "reads the view of_f, which calls f(), which "
                                                   "is VOLATILE");
    assert_writes(w, "SELECT calls_g(1)", false, "calls calls_g(), whose body calls g()");
    assert_writes(w, "SELECT defaults_h()", false, "whose default for x calls h()");
    assert_writes(w, "SELECT 1::by_h", false, "makes a value of the domain by_h, whose CHECK calls h()");
    assert_reads(w, "SELECT x FROM of_vol");
    /* functions that call each other: judged once each, a cycle cut */
    world_ok(w, "CREATE FUNCTION even(n int) RETURNS bool LANGUAGE sql STABLE AS $$ SELECT 1 $$;\n"
                "CREATE FUNCTION odd(n int) RETURNS bool LANGUAGE sql STABLE\n"
                "  AS $$ SELECT n = 1 OR even(n - 1) OR even(n - 2) $$;\n"
                "CREATE OR REPLACE FUNCTION even(n int) RETURNS bool LANGUAGE sql STABLE\n"
                "  AS $$ SELECT n = 0 OR odd(n - 1) OR odd(n - 2) $$;\n");
    assert_reads(w, "SELECT odd(7), even(8)");
    world_ok(w, "ALTER FUNCTION even(int) VOLATILE;\n");
    assert_writes(w, "SELECT odd(7)", false, "calls odd(), whose body calls even(), which is "
                                            "VOLATILE");
}

/* The catalog: CREATE FUNCTION's volatility, PostgreSQL's default when none
 * is said; ALTER FUNCTION by name and argument types. */
static void access__catalog__follows_volatility(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE FUNCTION two(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;\n"
                "CREATE FUNCTION two(x text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;\n"
                "ALTER FUNCTION two(text) VOLATILE;\n");
    pgc_func_list fs = {0};
    pgc_cat_funcs_named(w->cat, w->a, NULL, "two", &fs);
    assert_int_equal(fs.len, 2);
    int seen = 0;
    for (size_t i = 0; i < fs.len; i++) {
        const pgc_ufunc *u = (const pgc_ufunc *)fs.items[i];
        seen |= u->f.args[0] == OID_TEXT ? (u->volatility == 'v') : 2 * (u->volatility == 'i');
    }
    assert_int_equal(seen, 3);
    /* overloads are not told apart: one volatile makes every call of the name count */
    assert_writes(w, "SELECT two(1)", false, "two()");
    /* the functions pgc defines itself write nothing */
    world_ok(w, "CREATE TYPE floatrange AS RANGE (subtype = float8);\n");
    assert_reads(w, "SELECT floatrange(1, 2)");
}

/* ---- relations ------------------------------------------------------------------ */

static void access__relations__temporary_unlogged_and_views(void **state)
{
    world *w = *state;
    assert_reads(w, "SELECT id, v FROM plain_view");
    assert_writes(w, "SELECT id, n FROM numbering", false, "reads the view numbering, which "
                                                           "calls nextval()");
    assert_writes(w, "SELECT id FROM scratch", true, "unlogged table scratch");
    assert_reads(w, "SELECT id FROM kept");
    assert_writes(w, "SELECT id FROM t JOIN mine USING (id)", true, "temporary table mine");
    world_ok(w, "ALTER TABLE kept SET UNLOGGED;\n"
                "CREATE OR REPLACE VIEW numbering AS SELECT id, 1 AS n FROM t;\n");
    assert_writes(w, "SELECT id FROM kept", true, "unlogged");
    assert_reads(w, "SELECT id, n FROM numbering");
}

/* Reading a table reads its partitions and inheritance children, and a
 * view the relations of its query: an unlogged one among them is refused
 * on a standby ("cannot access temporary or unlogged relations during
 * recovery"), whatever an annotation says. */
static void access__relations__what_reading_them_reads(void **state)
{
    world *w = *state;
    assert_writes(w, "SELECT id FROM events", true,
                  "reads the unlogged table events_new (through events)");
    assert_reads(w, "SELECT id FROM events_old");
    assert_writes(w, "SELECT id FROM animals", true, "unlogged table cats (through animals)");
    assert_reads(w, "SELECT id FROM ONLY animals");
    assert_writes(w, "SELECT id FROM scratch_view_view", true,
                  "reads the unlogged table scratch (through scratch_view_view)");
    /* a partition attached later, a table made unlogged after the view */
    world_ok(w, "CREATE TABLE logs (id int) PARTITION BY LIST (id);\n"
                "CREATE TABLE logs_1 PARTITION OF logs FOR VALUES IN (1);\n"
                "ALTER TABLE events_old SET UNLOGGED;\n"
                "CREATE VIEW old_events AS SELECT id FROM events_old;\n"
                "ALTER TABLE events_old SET LOGGED;\n"
                "CREATE VIEW all_logs AS SELECT id FROM logs;\n");
    assert_reads(w, "SELECT id FROM logs");
    assert_reads(w, "SELECT id FROM old_events");
    world_ok(w, "CREATE UNLOGGED TABLE logs_2 (id int);\n"
                "ALTER TABLE logs ATTACH PARTITION logs_2 FOR VALUES IN (2);\n");
    assert_writes(w, "SELECT id FROM logs WHERE id = 1", true, "logs_2 (through logs)");
    assert_writes(w, "SELECT id FROM all_logs", true, "logs_2 (through all_logs)");
    /* an unlogged sequence (PostgreSQL 15) is an unlogged relation */
    world_ok(w, "CREATE UNLOGGED SEQUENCE ticket;\nCREATE SEQUENCE kept_seq;\n");
    assert_writes(w, "SELECT last_value FROM ticket", true, "unlogged sequence ticket");
    assert_reads(w, "SELECT last_value FROM kept_seq");
    world_ok(w, "ALTER SEQUENCE ticket SET LOGGED;\nALTER SEQUENCE kept_seq SET UNLOGGED;\n");
    assert_reads(w, "SELECT last_value FROM ticket");
    assert_writes(w, "SELECT last_value FROM kept_seq", true, "unlogged sequence kept_seq");
    /* a view's locking clause is definite too */
    assert_writes(w, "SELECT id FROM locked_view", true, "reads the view locked_view, which "
                                                          "locks rows");
}

/* A row security policy's USING runs for each row a SELECT reads: one that
 * calls a function that may write makes reading the table a write. */
static void access__relations__row_security_policies(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE TABLE guarded (id int);\n"
                "CREATE TABLE checked_rows (id int);\n"
                "CREATE TABLE insert_only (id int);\n"
                "ALTER TABLE guarded ENABLE ROW LEVEL SECURITY;\n"
                "CREATE POLICY p ON guarded USING (imm(id) > 0);\n"
                "CREATE POLICY q ON checked_rows FOR SELECT USING (id > 0);\n"
                "CREATE POLICY r ON insert_only FOR INSERT WITH CHECK (vol(id) > 0);\n"
                "CREATE VIEW guarded_view AS SELECT id FROM guarded;\n");
    assert_reads(w, "SELECT id FROM guarded JOIN checked_rows USING (id) JOIN insert_only USING (id)");
    world_ok(w, "ALTER POLICY p ON guarded USING (vol(id) > 0);\n"
                "CREATE POLICY s ON checked_rows USING (nextval('s') > 0);\n");
    assert_writes(w, "SELECT id FROM guarded", false,
                  "reads the table guarded, whose row security policy calls vol()");
    assert_writes(w, "SELECT id FROM guarded_view", false, "guarded (through guarded_view)");
    assert_writes(w, "SELECT id FROM checked_rows", false, "nextval()");
}

/* ---- a query: the analysis and its annotation ----------------------------------- */

/* Analyzes sql as query Q (cmd, route at the file's first byte); false
 * after an error. */
static bool route_query(world *w, const char *sql, pgc_cmd cmd, pgc_route_hint route)
{
    pgc_query_src *q = pgc_arena_alloc(w->a, sizeof *q);
    q->name = "Q";
    q->cmd = cmd;
    q->route = route;
    q->route_offset = 0;
    q->text = world_text(w, sql);
    PgQuery__ParseResult *tree = pgc_parse(&w->d, &q->text);
    if (!tree)
        return false;
    PGC_PUSH(w->a, w->trees, tree);
    return pgc_analyze_query(w->cat, w->a, &w->d, q, tree->stmts[0], &w->info);
}

static void route__analysis__fills_the_query(void **state)
{
    world *w = *state;
    assert_true(route_query(w, "SELECT id FROM t", PGC_CMD_MANY, PGC_ROUTE_AUTO));
    assert_true(w->info.reads_only);
    assert_false(w->info.primary);
    assert_true(route_query(w, "SELECT nextval('s')", PGC_CMD_ONE, PGC_ROUTE_AUTO));
    assert_false(w->info.reads_only);
    assert_true(route_query(w, "INSERT INTO t (id) VALUES ($1) RETURNING id", PGC_CMD_ONE,
                            PGC_ROUTE_AUTO));
    assert_false(w->info.reads_only);
    assert_true(route_query(w, "INSERT INTO t (id, v) VALUES ($1, $2)", PGC_CMD_COPYFROM,
                            PGC_ROUTE_AUTO));
    assert_false(w->info.reads_only);
    assert_string_equal(world_errors(w), "");
}

static void route__reads__forces_a_read_over_functions_only(void **state)
{
    world *w = *state;
    assert_true(route_query(w, "SELECT vol(1)", PGC_CMD_ONE, PGC_ROUTE_READS));
    assert_true(w->info.reads_only);
    assert_false(w->info.primary);
    assert_string_equal(world_errors(w), "");
    assert_false(route_query(w, "INSERT INTO t (id) VALUES (1)", PGC_CMD_EXEC, PGC_ROUTE_READS));
    assert_false(route_query(w, "SELECT id FROM t FOR UPDATE", PGC_CMD_MANY, PGC_ROUTE_READS));
    assert_string_equal(world_errors(w),
                        "test.sql:1:1: error: query Q cannot be -- pgc:reads: it is an INSERT\n"
                        "    1 | INSERT INTO t (id) VALUES (1)\n"
                        "      | ^\n"
                        "test.sql:1:1: error: query Q cannot be -- pgc:reads: it locks rows "
                        "(FOR UPDATE/SHARE), which a standby refuses\n"
                        "    1 | SELECT id FROM t FOR UPDATE\n"
                        "      | ^\n");
}

static void route__reads__refuses_a_data_modifying_with_where_it_is(void **state)
{
    world *w = *state;
    assert_false(route_query(w, "WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d",
                             PGC_CMD_MANY, PGC_ROUTE_READS));
    assert_string_equal(world_errors(w),
                        "test.sql:1:1: error: query Q cannot be -- pgc:reads: it has a "
                        "data-modifying WITH (DELETE)\n"
                        "    1 | WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d\n"
                        "      | ^\n"
                        "test.sql:1:24: note: it writes here\n"
                        "    1 | WITH d AS (DELETE FROM t RETURNING id) SELECT id FROM d\n"
                        "      |                        ^\n");
}

static void route__primary__keeps_a_read_on_the_primary(void **state)
{
    world *w = *state;
    assert_true(route_query(w, "SELECT id FROM t", PGC_CMD_MANY, PGC_ROUTE_PRIMARY));
    assert_true(w->info.reads_only);
    assert_true(w->info.primary);
    assert_string_equal(world_errors(w), "");
    /* on a write it changes nothing, and says so */
    assert_true(route_query(w, "UPDATE t SET v = 'x'", PGC_CMD_EXEC, PGC_ROUTE_PRIMARY));
    assert_false(w->info.reads_only);
    assert_false(w->info.primary);
    assert_non_null(strstr(world_errors(w), "test.sql:1:1: warning: -- pgc:primary has no "
                                            "effect: query Q runs on the primary anyway "
                                            "(it is an UPDATE)"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(access__selects__read),
        T(access__writing_statements__do_not_read),
        T(access__data_modifying_with__at_any_depth__does_not_read),
        T(access__locking_and_into__do_not_read),
        T(access__denied_builtins__do_not_read),
        T(access__deny_list__names_builtins),
        T(access__user_functions__by_volatility),
        T(access__sql_function_bodies_and_defaults),
        T(access__plpgsql_bodies),
        T(access__domain_checks),
        T(access__functions__judged_after_every_migration),
        T(access__catalog__follows_volatility),
        T(access__relations__temporary_unlogged_and_views),
        T(access__relations__what_reading_them_reads),
        T(access__relations__row_security_policies),
        T(route__analysis__fills_the_query),
        T(route__reads__forces_a_read_over_functions_only),
        T(route__reads__refuses_a_data_modifying_with_where_it_is),
        T(route__primary__keeps_a_read_on_the_primary),
    };
#undef T
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit();
    return rc;
}
