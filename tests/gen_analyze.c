/*
 * gen_analyze.c - the analyzer: parameter types, result column names,
 * types, typmods and nullability.  Types and names are PostgreSQL 15's
 * own (each query checked with `pgc verify` against a real server);
 * nullability is the analyzer's sound approximation.
 */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "describe.h"
#include "gen_world.h"

static const char schema_sql[] =
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
    "CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%@%');\n"
    "CREATE TYPE addr AS (street text, zip varchar(10));\n"
    "CREATE TABLE authors (\n"
    "  id bigserial PRIMARY KEY,\n"
    "  name varchar(17) NOT NULL,\n"
    "  bio text,\n"
    "  score numeric(10,2),\n"
    "  m mood NOT NULL DEFAULT 'ok',\n"
    "  born date,\n"
    "  created_at timestamptz NOT NULL DEFAULT now(),\n"
    "  tags text[],\n"
    "  mail email,\n"
    "  home addr\n"
    ");\n"
    "CREATE TABLE books (\n"
    "  id serial PRIMARY KEY,\n"
    "  author_id bigint REFERENCES authors(id),\n"
    "  title text NOT NULL,\n"
    "  price numeric(8,2) NOT NULL,\n"
    "  pages smallint NOT NULL\n"
    ");\n"
    "CREATE VIEW author_names AS SELECT id, name, upper(name) AS shout FROM authors;\n"
    "CREATE FUNCTION books_of(a bigint) RETURNS TABLE (title text, price numeric)\n"
    "  LANGUAGE sql AS $$ SELECT title, price FROM books WHERE author_id = a $$;\n"
    "CREATE MATERIALIZED VIEW stats AS SELECT author_id, count(*) AS n, sum(price) AS total\n"
    "  FROM books GROUP BY author_id;\n";

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

/* ---- SELECT basics --------------------------------------------------------- */

static void select__star__expands_table_columns(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT * FROM authors WHERE id = $1", "id bigint",
                 "id bigint!, name character varying(17)!, bio text?, score numeric(10,2)?, "
                 "m mood!, born date?, created_at timestamp with time zone!, tags text[]?, "
                 "mail text?, home addr?");
    assert_string_equal(w->info.columns.items[1].table, "authors");
    assert_string_equal(w->info.columns.items[1].column, "name");
    assert_int_equal(w->info.columns.items[1].typmod, 21);
}

static void select__literals__types_and_names(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT 1, 1.5, 'x', NULL, true, 10000000000, b'101'", "",
                 "?column? integer!, ?column? numeric!, ?column? text!, ?column? text?, "
                 "?column? boolean!, ?column? bigint!, ?column? \"bit\"!");
}

static void select__left_join__right_side_nullable(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT b.id, b.title, a.name, a.bio FROM books b LEFT JOIN authors a "
                 "ON a.id = b.author_id WHERE b.price > $1 ORDER BY b.id LIMIT $2 OFFSET $3",
                 "price numeric, limit bigint, offset bigint",
                 "id integer!, title text!, name character varying(17)?, bio text?");
}

static void select__right_and_full_join(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT a.id, b.id FROM authors a FULL JOIN books b ON a.id = b.author_id",
                 "", "id bigint?, id integer?");
    assert_query(w,
                 "SELECT b.title, x.cnt FROM books b RIGHT JOIN (SELECT author_id, count(*) cnt "
                 "FROM books GROUP BY 1) x ON x.author_id = b.author_id",
                 "", "title text?, cnt bigint!");
}

static void select__left_join_of_subquery__nullable(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT a.id, s.n, s.t FROM authors a LEFT JOIN (SELECT author_id, count(*) "
                 "AS n, max(title) AS t FROM books GROUP BY author_id) s ON s.author_id = a.id",
                 "", "id bigint!, n bigint?, t text?");
}

static void select__join_using__merged_column_has_common_type(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT id, author_id FROM books JOIN authors USING (id)", "",
                 "id bigint!, author_id bigint?");
    /* the plain column is authors.id (books.id needs a cast) */
    assert_string_equal(w->info.columns.items[0].table, "authors");
}

static void select__aggregates(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT author_id, count(*), sum(price), coalesce(sum(price), 0) AS total, "
                 "max(title), avg(pages) FROM books GROUP BY author_id",
                 "",
                 "author_id bigint?, count bigint!, sum numeric!, total numeric!, max text!, "
                 "avg numeric!");
    assert_query(w,
                 "SELECT count(*) AS n, count(bio), sum(id), min(created_at), bool_and(true), "
                 "string_agg(name, ',') FROM authors",
                 "",
                 "n bigint!, count bigint!, sum numeric?, min timestamp with time zone?, "
                 "bool_and boolean?, string_agg text?");
}

static void select__window_functions(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT id, row_number() OVER (ORDER BY id), rank() OVER w, lag(id) OVER w "
                 "FROM books WINDOW w AS (ORDER BY price)",
                 "", "id integer!, row_number bigint!, rank bigint!, lag integer?");
}

static void select__case(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT CASE WHEN price > 10 THEN 'expensive' ELSE 'cheap' END, CASE WHEN "
                 "pages > 100 THEN title END AS t2, CASE pages WHEN 1 THEN 'one' END FROM books",
                 "", "case text!, t2 text?, case text?");
    assert_query(w,
                 "SELECT CASE WHEN true THEN 1 ELSE 2.5 END, CASE WHEN true THEN name ELSE 'x' "
                 "END, CASE WHEN true THEN name ELSE name END FROM authors",
                 "",
                 "case numeric!, case character varying!, name character varying(17)!");
}

static void select__coalesce_greatest_nullif(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT coalesce(bio, name), coalesce(bio, 'none'), coalesce(score, 0), "
                 "coalesce(bio, bio) FROM authors",
                 "", "coalesce text!, coalesce text!, coalesce numeric!, coalesce text?");
    assert_query(w, "SELECT greatest(1, 2.5), least(name, 'z'), nullif(name, 'x') FROM authors",
                 "", "greatest numeric!, least character varying!, nullif text?");
    assert_query(w, "SELECT coalesce(name, name), coalesce(name, 'x') FROM authors", "",
                 "coalesce character varying(17)!, coalesce character varying!");
}

static void select__casts_and_typmods(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT name::varchar(5), score::numeric, '2020-01-01'::date, interval '1 day', "
                 "$1::varchar(10), cast($2 as text) FROM authors",
                 "column_1 character varying, column_2 text",
                 "name character varying(5)!, score numeric?, date date!, interval interval!, "
                 "varchar character varying(10)?, text text?");
    assert_int_equal(w->info.columns.items[4].typmod, 14);
    assert_query(w, "SELECT 1::int, 'x'::char, 'x'::bpchar", "",
                 "int4 integer!, bpchar character(1)!, bpchar bpchar!");
}

/* A scalar subquery is NULL when it returns no row: NOT NULL only for an
 * aggregate without GROUP BY, HAVING, LIMIT, OFFSET or a set-returning
 * function (exactly one row), whose value is NOT NULL (count, not max). */
static void select__scalar_subqueries__notnull_only_for_one_row_aggregates(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT a.id, (SELECT count(*) FROM books WHERE author_id = a.id) AS n, "
                 "(SELECT max(title) FROM books) AS mt, exists(SELECT 1 FROM books), "
                 "NOT EXISTS (SELECT 1 FROM books WHERE false) AS ne, "
                 "ARRAY(SELECT id FROM books) FROM authors a",
                 "", "id bigint!, n bigint!, mt text?, exists boolean!, ne boolean!, "
                     "array integer[]!");
    assert_query(w,
                 "SELECT (SELECT count(*) + 1 FROM books) AS a, "
                 "(SELECT coalesce(sum(price), 0) FROM books) AS b, "
                 "(SELECT count(*) FROM books GROUP BY author_id LIMIT 1) AS c, "
                 "(SELECT count(*) FROM books HAVING count(*) > 1) AS d, "
                 "(SELECT count(*) FROM books OFFSET 1) AS e, "
                 "(SELECT count(*) FROM books LIMIT 0) AS f, "
                 "(SELECT count(*) + generate_series(1, 0) FROM books) AS g, "
                 "(SELECT count(*) FROM books INTERSECT SELECT 5) AS h, "
                 "(SELECT id FROM books WHERE id = 1) AS i",
                 "",
                 "a bigint!, b numeric!, c bigint?, d bigint?, e bigint?, f bigint?, "
                 "g bigint?, h bigint?, i integer?");
    /* max(a.name) belongs to the outer query (its only column reference):
     * the subquery is no aggregate, it returns a row per book */
    assert_query(w,
                 "SELECT (SELECT coalesce(max(a.name), 'x') FROM books WHERE false) AS v "
                 "FROM authors a",
                 "", "v text?");
}

/* sum, min, max, avg of a NOT NULL argument (and array_agg of anything) are
 * NOT NULL in a grouped query only: a group has at least one row. */
static void select__grouped_aggregates__notnull_only_when_every_group_has_a_row(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT author_id, min(pages), array_agg(title), max(title || 'x') AS mx, "
                 "sum(price) FILTER (WHERE pages > 100) AS f, avg(pages) FILTER (WHERE true) "
                 "AS af FROM books GROUP BY author_id",
                 "",
                 "author_id bigint?, min smallint!, array_agg text[]!, mx text!, f numeric?, "
                 "af numeric?");
    /* nullable arguments; the right side of an outer join */
    assert_query(w, "SELECT m, max(bio), avg(score), sum(id), array_agg(bio) FROM authors "
                    "GROUP BY m",
                 "", "m mood!, max text?, avg numeric?, sum numeric!, array_agg text[]!");
    assert_query(w,
                 "SELECT a.id, max(b.title), sum(b.price) FROM authors a LEFT JOIN books b "
                 "ON b.author_id = a.id GROUP BY a.id",
                 "", "id bigint!, max text?, sum numeric?");
    /* no GROUP BY, GROUP BY (), grouping sets: an empty input gives a row */
    assert_query(w, "SELECT max(title), array_agg(id) FROM books", "",
                 "max text?, array_agg integer[]?");
    assert_query(w, "SELECT max(title) FROM books GROUP BY ()", "", "max text?");
    assert_query(w,
                 "SELECT author_id, max(title) FROM books GROUP BY GROUPING SETS ((author_id), ())",
                 "", "author_id bigint?, max text?");
}

static void select__operators_and_functions(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT price / 2, price * pages, pages / 2, pages::float8 / 3, round(price, 1), "
                 "abs(pages), 2 ^ 3, 7 % 3 FROM books",
                 "",
                 "?column? numeric!, ?column? numeric!, ?column? integer!, ?column? double "
                 "precision!, round numeric!, abs smallint!, ?column? double precision!, "
                 "?column? integer!");
    assert_query(w,
                 "SELECT length(name), substring(name from 1 for 2), position('a' in name), "
                 "trim(name), concat(name, bio), split_part(name, ',', 1) FROM authors",
                 "",
                 "length integer!, substring text!, position integer!, btrim text!, concat "
                 "text!, split_part text!");
    assert_query(w,
                 "SELECT extract(year FROM created_at), date_trunc('day', created_at), "
                 "created_at AT TIME ZONE 'UTC', to_char(created_at, 'YYYY') FROM authors",
                 "",
                 "extract numeric?, date_trunc timestamp with time zone!, timezone timestamp "
                 "without time zone!, to_char text?");
}

static void select__sql_value_functions(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT current_date, current_timestamp(3), localtime, current_user", "",
                 "current_date date!, current_timestamp timestamp(3) with time zone!, "
                 "localtime time without time zone!, current_user name!");
}

static void select__arrays_and_subscripts(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT ARRAY[1,2], tags[1], tags[1:2], array_agg(id), unnest(tags) "
                 "FROM authors GROUP BY tags",
                 "",
                 "array integer[]!, tags text?, tags text[]?, array_agg bigint[]!, unnest "
                 "text?");
}

static void select__enums_and_domains(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT m, m::text, mail, enum_first(m) FROM authors WHERE m = $1", "m mood",
                 "m mood!, m text!, mail text?, enum_first mood?");
}

static void select__composite_fields(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT home, (home).zip, (home).* FROM authors", "",
                 "home addr?, zip character varying(10)?, street text?, zip character "
                 "varying(10)?");
}

static void select__views_and_materialized_views(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT * FROM author_names", "",
                 "id bigint!, name character varying(17)!, shout text!");
    assert_query(w, "SELECT * FROM stats", "", "author_id bigint?, n bigint!, total numeric!");
}

static void select__functions_in_from(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT * FROM books_of(1)", "", "title text?, price numeric?");
    assert_query(w, "SELECT g, g * 2 FROM generate_series(1, $1) g", "column_1 integer",
                 "g integer!, ?column? integer!");
    assert_query(w, "SELECT * FROM generate_series(1, 3) WITH ORDINALITY", "",
                 "generate_series integer!, ordinality bigint!");
    assert_query(w, "SELECT key, value FROM jsonb_each('{}'::jsonb)", "",
                 "key text?, value jsonb?");
    assert_query(w, "SELECT * FROM jsonb_to_record('{}'::jsonb) AS r(a int, b text)", "",
                 "a integer?, b text?");
}

static void select__values(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT * FROM (VALUES (1, 'a'), (2, NULL)) v(x, y)", "",
                 "x integer!, y text?");
}

static void select__system_catalogs_and_columns(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT c.relname, c.relkind, a.attname FROM pg_catalog.pg_class c "
                 "JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname = $1",
                 "relname name", "relname name!, relkind \"char\"!, attname name!");
    assert_query(w,
                 "SELECT table_name, is_nullable FROM information_schema.columns "
                 "WHERE table_schema = $1",
                 "table_schema name", "table_name name?, is_nullable character varying(3)?");
    assert_query(w, "INSERT INTO books (title, price, pages) VALUES ('t', 1, 1) "
                    "RETURNING id, (xmax = 0) AS inserted, ctid",
                 "", "id integer!, inserted boolean!, ctid tid!");
}

static void select__grouping_sets_make_columns_nullable(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT author_id, pages, count(*) FROM books GROUP BY ROLLUP (author_id, pages)",
                 "", "author_id bigint?, pages smallint?, count bigint?");
}

static void select__whole_row_field_is_the_column(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT t, (t).name FROM authors t", "",
                 "t authors!, name character varying(17)!");
    assert_string_equal(w->info.columns.items[1].table, "authors");
}

static void insert__without_column_list_takes_leading_columns(void **state)
{
    world *w = *state;
    assert_query(w, "INSERT INTO books VALUES (DEFAULT, $1, $2) RETURNING id",
                 "author_id bigint?, title text", "id integer!");
}

static void sequences__read_as_one_row_never_written(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT last_value, is_called FROM books_id_seq", "",
                 "last_value bigint!, is_called boolean!");
    assert_query(w, "SELECT nextval('books_id_seq')", "", "nextval bigint!");
    assert_query_error(w, "INSERT INTO books_id_seq VALUES (1, 0, true)",
                       "cannot change sequence \"books_id_seq\"");
    assert_query_error(w, "UPDATE authors_id_seq SET is_called = false",
                       "cannot change sequence \"authors_id_seq\"");
}

static void utility__call_do_and_ddl_are_exec_without_result(void **state)
{
    world *w = *state;
    world_ok(w, "CREATE PROCEDURE bump(a bigint, n int DEFAULT 1) LANGUAGE sql AS $$ SELECT 1 $$;\n"
                "CREATE PROCEDURE outp(INOUT x int) LANGUAGE sql AS $$ SELECT 1 $$;\n");
    assert_query(w, "CALL bump($1)", "a bigint", "");
    assert_query(w, "CALL bump($1, n => $2)", "a bigint, n integer", "");
    assert_query(w, "DO $$ BEGIN PERFORM 1; END $$", "", "");
    assert_query(w, "CREATE TABLE IF NOT EXISTS archive (LIKE books)", "", "");
    assert_query(w, "CREATE INDEX IF NOT EXISTS books_title ON books (title)", "", "");
    assert_query(w, "ALTER TABLE books ADD COLUMN IF NOT EXISTS isbn text", "", "");
    assert_query(w, "DROP TABLE IF EXISTS archive", "", "");
    assert_query(w, "GRANT SELECT ON books TO PUBLIC", "", "");
    assert_query(w, "COMMENT ON TABLE books IS 'x'", "", "");
    /* procedures only in CALL, and CALL only of procedures */
    assert_query_error(w, "SELECT bump(1)", "function bump(integer) does not exist");
    assert_query_error(w, "CALL books_of(1)", "function books_of(integer) does not exist");
    assert_query_error(w, "CALL outp(1)",
                       "pgc cannot type CALL of a procedure with OUT or INOUT parameters");
    /* the server leaves a parameter of a DDL statement untyped */
    const world_param p1[] = {{1, NULL, PGC_PARAM_POSITIONAL}};
    assert_false(world_query_named(w, "CREATE TABLE x (a int DEFAULT $1)", p1, 1, NULL));
    assert_non_null(strstr(world_errors(w), "could not determine data type of parameter $1"));
}

static void utility__statements_without_result(void **state)
{
    world *w = *state;
    assert_query(w, "TRUNCATE books", "", "");
    assert_query(w, "REFRESH MATERIALIZED VIEW stats", "", "");
}

/* ---- set operations, CTEs ---------------------------------------------------- */

static void setop__union_common_type_and_nullability(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT id, name FROM authors UNION SELECT id, title FROM books", "",
                 "id bigint!, name character varying!");
    assert_query(w, "SELECT 1 AS x, NULL AS y UNION ALL SELECT 2, 'b'", "",
                 "x integer!, y text?");
    assert_query(w, "SELECT name FROM authors UNION SELECT name FROM authors", "",
                 "name character varying(17)!");
    assert_query(w, "SELECT $1 UNION SELECT 1", "column_1 integer", "?column? integer?");
}

static void cte__columns_and_outer_join(void **state)
{
    world *w = *state;
    assert_query(w,
                 "WITH x AS (SELECT author_id, sum(price) AS s FROM books GROUP BY author_id) "
                 "SELECT a.name, x.s, x.author_id FROM authors a LEFT JOIN x ON x.author_id = a.id",
                 "", "name character varying(17)!, s numeric?, author_id bigint?");
}

static void cte__data_modifying(void **state)
{
    world *w = *state;
    assert_query(w,
                 "WITH ins AS (INSERT INTO authors (name, mail) VALUES ($1, $2) RETURNING id, "
                 "name) SELECT ins.id, ins.name, b.title FROM ins LEFT JOIN books b "
                 "ON b.author_id = ins.id",
                 "name character varying, mail email",
                 "id bigint!, name character varying(17)!, title text?");
}

static void cte__recursive(void **state)
{
    world *w = *state;
    assert_query(w,
                 "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < $1) "
                 "SELECT n FROM t",
                 "n integer", "n integer!");
}

/* ---- parameters ---------------------------------------------------------------- */

static void params__from_context(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT $1 + 1", "column_1 integer", "?column? integer?");
    assert_query(w, "SELECT $1", "column_1 text", "?column? text?");
    assert_query(w, "SELECT id FROM books WHERE id IN ($1, $2) AND title LIKE $3",
                 "id integer, id_2 integer, title text", "id integer!");
    assert_query(w, "SELECT id FROM books WHERE id IN ($1, $2) AND title = $3 AND id <> $4",
                 "id integer, id_2 integer, title text, id_3 integer", "id integer!");
    assert_query(w,
                 "SELECT id FROM authors WHERE created_at > $1 AND born < $2 AND score >= $3 "
                 "AND tags @> $4",
                 "created_at timestamp with time zone, born date, score numeric, tags text[]",
                 "id bigint!");
    assert_query(w,
                 "SELECT id FROM authors WHERE id = ANY($1::bigint[]) OR name = ANY($2) "
                 "OR m = ANY($3)",
                 "column_1 bigint[], name text[], m mood[]", "id bigint!");
    assert_query(w, "SELECT id FROM books WHERE (author_id, title) = ($1, $2)",
                 "author_id bigint, title text", "id integer!");
    assert_query(w, "SELECT name FROM authors WHERE score BETWEEN $1 AND $2",
                 "score numeric, score_2 numeric", "name character varying(17)!");
}

static void params__functions_and_polymorphism(void **state)
{
    world *w = *state;
    assert_query(w,
                 "SELECT array_append(tags, $1), $2 = ANY(tags), array_position(tags, 'x') "
                 "FROM authors",
                 "column_1 text, tags text",
                 "array_append text[]?, ?column? boolean?, array_position integer?");
    assert_query(w,
                 "SELECT make_interval(days => $1), to_timestamp($2), upper($3)",
                 "days integer, column_2 double precision, column_3 text",
                 "make_interval interval?, to_timestamp timestamp with time zone?, upper "
                 "text?");
    assert_query(w, "SELECT greatest($1, 1), coalesce($2, name) FROM authors",
                 "column_1 integer, column_2 character varying",
                 "greatest integer!, coalesce character varying!");
}

static void params__nullable_contexts(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT id FROM books WHERE title IS NOT DISTINCT FROM $1", "title text?",
                 "id integer!");
    assert_query(w, "SELECT $1::text IS NULL", "column_1 text?", "?column? boolean!");
}

static void params__named_and_narg(void **state)
{
    world *w = *state;
    const world_param ps[] = {{1, "title", PGC_PARAM_NAMED},
                              {2, "max_price", PGC_PARAM_NAMED},
                              {3, "pages", PGC_PARAM_NULLABLE}};
    assert_true(world_query_named(w,
                                  "SELECT id FROM books WHERE title = $1 AND price < $2 AND "
                                  "($3::int IS NULL OR pages = $3)",
                                  ps, 3, NULL));
    assert_string_equal(world_params(w), "title text, max_price numeric, pages integer?");
    assert_int_equal(w->info.params.items[2].kind, PGC_PARAM_NULLABLE);
}

static void params__unresolved_is_an_error(void **state)
{
    world *w = *state;
    assert_query_error(w, "SELECT $1 IS NULL", "could not determine data type of parameter $1");
    assert_query_error(w, "SELECT id FROM books WHERE id = $2",
                       "could not determine data type of parameter $1");
}

static void params__limit_offset_are_bigint(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT id FROM books LIMIT $1 OFFSET $2", "limit bigint, offset bigint",
                 "id integer!");
}

static void params__each_use_sees_the_type_known_so_far(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT $1 BETWEEN 1 AND 2.5", "column_1 integer", "?column? boolean?");
    assert_query(w, "SELECT CASE $1::int WHEN 1 THEN 'a' WHEN $2 THEN 'b' END",
                 "column_1 integer, column_2 integer", "case text?");
}

static void update__subscripts_and_fields(void **state)
{
    world *w = *state;
    assert_query(w, "UPDATE authors SET tags[1] = $1, home.zip = $2 WHERE id = $3",
                 "tags text?, zip character varying?, id bigint", "");
}

static void cte__union_without_self_reference(void **state)
{
    world *w = *state;
    assert_query(w, "WITH RECURSIVE x AS (SELECT 1 AS v UNION SELECT 2.5) SELECT v FROM x", "",
                 "v numeric!");
}

static void nullability__curated_functions_only_on_scalars(void **state)
{
    world *w = *state;
    /* lower() of an empty range is NULL; lower() of text is not */
    assert_query(w, "SELECT lower(int4range(1, 1)), lower(title), concat(NULL, 'a') FROM books",
                 "", "lower integer?, lower text!, concat text!");
    /* substring(text FROM pattern) is NULL when nothing matches */
    assert_query(w, "SELECT substring(title FROM 'x+'), substring(title FROM 1 FOR 2) FROM books",
                 "", "substring text?, substring text!");
}

/* ---- INSERT, UPDATE, DELETE ------------------------------------------------------- */

static void insert__values_and_returning(void **state)
{
    world *w = *state;
    assert_query(w,
                 "INSERT INTO books (author_id, title, price, pages) VALUES ($1, $2, $3, $4) "
                 "RETURNING *",
                 "author_id bigint?, title text, price numeric, pages smallint",
                 "id integer!, author_id bigint?, title text!, price numeric(8,2)!, pages "
                 "smallint!");
    assert_query(w, "INSERT INTO books (title, price, pages) VALUES ($1, 1, 2), ('x', $2, $3)",
                 "title text, price numeric, pages smallint", "");
}

static void insert__select_types_params_by_target(void **state)
{
    world *w = *state;
    assert_query(w,
                 "INSERT INTO books (author_id, title, price, pages) SELECT id, $1, $2, 3 "
                 "FROM authors WHERE name = $3",
                 "title text, price numeric, name text", "");
}

static void insert__on_conflict(void **state)
{
    world *w = *state;
    assert_query(w,
                 "INSERT INTO authors (id, name, mail) VALUES ($1, $2, $3) ON CONFLICT (id) "
                 "DO UPDATE SET name = excluded.name, bio = $4 RETURNING id, bio",
                 "id bigint, name character varying, mail email, bio text?",
                 "id bigint!, bio text?");
}

/* ON CONFLICT (cols) needs a unique index or key on exactly those columns,
 * as PostgreSQL infers its arbiter (42P10 otherwise). */
static void insert__on_conflict_target_needs_a_unique_index(void **state)
{
    world *w = *state;
    const char *none = "there is no unique or exclusion constraint matching the ON CONFLICT "
                       "specification";
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (title) DO NOTHING",
                       none);
    assert_non_null(strstr(world_errors(w), "test.sql:1:79: error: "));
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (id, title) DO NOTHING",
                       none);
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT DO UPDATE SET title = 'b'",
                       "ON CONFLICT DO UPDATE requires inference specification or constraint "
                       "name");
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (nope) DO NOTHING",
                       "column \"nope\" of relation \"books\" does not exist");
    world_ok(w, "CREATE UNIQUE INDEX books_title_pages ON books (title, pages);\n"
                "CREATE UNIQUE INDEX ON books (price) WHERE pages > 0;\n"
                "CREATE UNIQUE INDEX ON books (lower(title));\n"
                "ALTER TABLE authors ADD CONSTRAINT one_name UNIQUE (name, born);\n"
                "ALTER TABLE authors RENAME COLUMN born TO born_on;\n");
    const char *ok[] = {
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
        "ON CONFLICT (id) DO NOTHING",
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
        "ON CONFLICT (pages, title) DO UPDATE SET price = 2",
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
        "ON CONFLICT (price) WHERE pages > 0 DO NOTHING",
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
        "ON CONFLICT ((lower(title))) DO NOTHING",
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
        "ON CONFLICT ON CONSTRAINT books_pkey DO NOTHING",
        "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) ON CONFLICT DO NOTHING",
        "INSERT INTO authors (name, born_on) VALUES ('a', NULL) ON CONFLICT (born_on, name) "
        "DO NOTHING",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!world_query(w, ok[i]))
            fail_msg("%s: %s", ok[i], world_errors(w));
    /* a partial index needs the ON CONFLICT's WHERE */
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (price) DO NOTHING",
                       none);
    /* dropped indexes and keys, and their columns, are no arbiters */
    world_ok(w, "DROP INDEX books_title_pages;\n"
                "ALTER TABLE books DROP CONSTRAINT books_pkey;\n"
                "ALTER TABLE authors DROP COLUMN born_on;\n");
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (title, pages) DO NOTHING",
                       none);
    assert_query_error(w, "INSERT INTO books (id, title, price, pages) VALUES (1, 'a', 1, 1) "
                          "ON CONFLICT (id) DO NOTHING",
                       none);
    assert_query_error(w, "INSERT INTO authors (name) VALUES ('a') ON CONFLICT (name) DO NOTHING",
                       none);
    /* partitions take their parent's indexes as they come: not checked */
    world_ok(w, "CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);\n"
                "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO "
                "('2021-01-01');\n");
    assert_true(world_query(w, "INSERT INTO p1 VALUES (1, '2020-02-02') ON CONFLICT (id) "
                               "DO NOTHING"));
    assert_query_error(w, "INSERT INTO p VALUES (1, '2020-02-02') ON CONFLICT (id) DO NOTHING",
                       none);
}

static void update__set_from_returning(void **state)
{
    world *w = *state;
    assert_query(w, "UPDATE books SET title = $1, price = price * $2 WHERE id = $3",
                 "title text, price numeric, id integer", "");
    assert_query(w,
                 "UPDATE authors a SET bio = b.title FROM books b WHERE b.author_id = a.id "
                 "AND b.price > $1 RETURNING a.id, a.bio, b.title",
                 "price numeric", "id bigint!, bio text?, title text!");
    assert_query(w, "UPDATE books SET (title, pages) = ($1, $2) WHERE id = $3",
                 "title text, pages smallint, id integer", "");
}

static void delete__returning(void **state)
{
    world *w = *state;
    assert_query(w, "DELETE FROM books WHERE id = ANY($1) RETURNING id, title", "id integer[]",
                 "id integer!, title text!");
}

/* ---- errors ------------------------------------------------------------------------ */

static void errors__name_resolution(void **state)
{
    world *w = *state;
    assert_query_error(w, "SELECT nme FROM authors", "column \"nme\" does not exist");
    assert_query_error(w, "SELECT * FROM nope", "relation \"nope\" does not exist");
    assert_query_error(w, "SELECT id FROM books, authors", "column reference \"id\" is ambiguous");
    assert_query_error(w, "SELECT nofunc(1)", "function nofunc(integer) does not exist");
    assert_query_error(w, "SELECT CASE $1 WHEN 1 THEN 'a' END",
                       "operator does not exist: text = integer");
}

static void errors__operator_resolution(void **state)
{
    world *w = *state;
    assert_query_error(w, "SELECT date '2020-01-01' + $1", "operator is not unique: date + unknown");
    assert_query_error(w, "SELECT title = 1 FROM books", "operator does not exist: text = integer");
}

static void errors__have_positions(void **state)
{
    world *w = *state;
    assert_false(world_query(w, "SELECT id,\n       nme FROM authors"));
    assert_non_null(strstr(world_errors(w), "test.sql:2:8: error: column \"nme\" does not exist"));
}

static void embed__marks_columns(void **state)
{
    world *w = *state;
    assert_true(world_query_named(w, "SELECT books.*, authors.name FROM books JOIN authors "
                                     "ON authors.id = books.author_id",
                                  NULL, 0, "books"));
    assert_string_equal(w->info.columns.items[0].embed, "books");
    assert_null(w->info.columns.items[5].embed);
}

/* ---- review findings: soundness ------------------------------------------- */

/* (x.b).id of a whole-row value carried through a subquery, a CTE, grouping
 * sets or LATERAL onto a nullable side is nullable (PostgreSQL returns NULL
 * for the missing row), though books.id is NOT NULL. */
static void nullability__whole_row_field_through_nullable_copies(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT (x.b).id FROM authors a LEFT JOIN (SELECT b FROM books b) x ON false",
                 "", "id integer?");
    assert_query(w, "WITH x AS (SELECT b FROM books b) "
                    "SELECT (x.b).id FROM authors a LEFT JOIN x ON false",
                 "", "id integer?");
    assert_query(w, "SELECT (x.b).id FROM (SELECT b FROM books b GROUP BY ROLLUP (b)) x", "",
                 "id integer?");
    assert_query(w, "SELECT (x.b).id FROM authors a LEFT JOIN LATERAL "
                    "(SELECT b FROM books b WHERE b.author_id = a.id) x ON true",
                 "", "id integer?");
    /* still the column's own nullability when the row is present */
    assert_query(w, "SELECT (x.b).id, (x.b).author_id FROM (SELECT b FROM books b) x", "",
                 "id integer!, author_id bigint?");
    /* a whole-row value of a subquery (type record) still has its fields */
    assert_query(w, "SELECT (x).t FROM authors a LEFT JOIN (SELECT title AS t FROM books) x "
                    "ON false",
                 "", "t text?");
}

/* ROWS FROM pads the shorter function's column with NULLs. */
static void nullability__rows_from_pads_with_nulls(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT g, h FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3)) "
                    "AS x(g, h)",
                 "", "g integer?, h integer?");
    assert_query(w, "SELECT g FROM generate_series(1, 2) AS g", "", "g integer!");
}

/* The recursive CTE's nullability reaches its fixpoint however many rounds
 * it takes (here one column a round, ten rounds). */
static void nullability__recursive_cte_fixpoint(void **state)
{
    world *w = *state;
    assert_query(w,
                 "WITH RECURSIVE r(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, n) AS ("
                 "SELECT 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 UNION ALL "
                 "SELECT NULL::int, a0, a1, a2, a3, a4, a5, a6, a7, a8, n + 1 FROM r "
                 "WHERE n < 20) SELECT a8, a9, n FROM r",
                 "", "a8 integer?, a9 integer?, n integer!");
}

/* INSERT/UPDATE/DELETE write to the catalog relation, never to a CTE of
 * the same name. */
static void dml__target_is_never_a_cte(void **state)
{
    world *w = *state;
    assert_query(w, "WITH books AS (SELECT 1 AS x) UPDATE books SET title = $1 "
                    "RETURNING id, title",
                 "title text", "id integer!, title text!");
    assert_query(w, "WITH books AS (SELECT 1 AS x) DELETE FROM books RETURNING pages", "",
                 "pages smallint!");
    assert_query(w, "WITH books AS (SELECT 1 AS x) INSERT INTO books (title, price, pages) "
                    "VALUES ('t', 1, 1) RETURNING id",
                 "", "id integer!");
}

/* concat() and json_build_object() are NULL for VARIADIC NULL. */
static void nullability__variadic_null_array(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT concat(VARIADIC NULL::text[]), json_build_object(VARIADIC "
                    "NULL::text[]), concat('a', NULL)",
                 "", "concat text?, json_build_object json?, concat text!");
}

/* A NOT NULL domain's column may read NULL, but a parameter assigned to it
 * must not be NULL. */
static void nullability__not_null_domain_column(void **state)
{
    world *w = *state;
    assert_query(w, "SELECT a.mail FROM books b LEFT JOIN authors a ON false", "",
                 "mail text?");
    assert_query(w, "UPDATE authors SET mail = $1 WHERE id = $2 RETURNING mail",
                 "mail email, id bigint", "mail text?");
}

/* Nesting deeper than the parser's bound is an error at the statement, not
 * a stack overflow; moderately deep statements are typed. */
static void errors__nesting_too_deep(void **state)
{
    world *w = *state;
    size_t n = 20000;
    char *sql = malloc(n * 2 + 32);
    assert_non_null(sql);
    strcpy(sql, "SELECT 1");
    for (size_t i = 0; i < n; i++)
        strcat(sql + 6 + 2 * i, "+1");
    assert_query_error(w, sql, "test.sql:1:1: error: statement nested too deeply");
    char *u = malloc(20 * 20000 + 32);
    assert_non_null(u);
    char *p = u + sprintf(u, "SELECT 1 AS x");
    for (size_t i = 0; i < 20000; i++)
        p += sprintf(p, " UNION ALL SELECT 1");
    assert_query_error(w, u, "statement nested too deeply");
    sql[6 + 2 * 400] = '\0';
    assert_query(w, sql, "", "?column? integer!");
    free(u);
    free(sql);

    /* Found by fuzz/fuzz_frontend: a chain long enough to overflow the
     * stack inside libpg_query, before the depth can be measured, is
     * refused by its length (parse.h, PGC_PARSE_MAX_RUN). */
    n = 40000;
    char *chain = malloc(n * 5 + 32);
    assert_non_null(chain);
    p = chain + sprintf(chain, "SELECT 'a'");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "||'a'");
    assert_query_error(w, chain, "test.sql:1:1: error: statement nested too deeply");
    /* A long list is not a chain: commas end the runs. */
    p = chain + sprintf(chain, "SELECT 1 WHERE 1 IN (1");
    for (size_t i = 0; i < 12000; i++)
        p += sprintf(p, ", 1");
    sprintf(p, ")");
    assert_query(w, chain, "", "?column? integer!");
    free(chain);
}

/* Found by fuzzing with large inputs: naming the parameters of one column
 * (id, id_2, id_3, ...) took time cubic in their number (39 s for 2000).
 * It is quadratic now: 3000 take well under a second, even under valgrind
 * a few; the bound is CPU time, so a loaded machine does not matter. */
static void params__many_of_one_column__named_quickly(void **state)
{
    world *w = *state;
    enum { N = 3000 };
    char *sql = malloc(N * 8 + 64);
    assert_non_null(sql);
    char *p = sql + sprintf(sql, "SELECT id FROM books WHERE id IN ($1");
    for (int i = 2; i <= N; i++)
        p += sprintf(p, ", $%d", i);
    sprintf(p, ")");
    clock_t start = clock();
    assert_true(world_query(w, sql));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(w->info.params.len, N);
    assert_string_equal(w->info.params.items[N - 1].name, "id_3000");
    if (seconds > 10)
        fail_msg("naming %d parameters took %.1f s of CPU", N, seconds);
    free(sql);
}

/* Count mismatches point where PostgreSQL points (checked with psql). */
static void errors__count_mismatches_have_positions(void **state)
{
    world *w = *state;
    assert_query_error(w, "SELECT 1 UNION SELECT 1, 2",
                       "test.sql:1:23: error: each UNION query must have the same number");
    assert_query_error(w, "INSERT INTO books (title) VALUES ('a', 2)",
                       "test.sql:1:40: error: INSERT has more expressions than target columns");
    assert_query_error(w, "INSERT INTO books (title) SELECT 'a', 2",
                       "test.sql:1:39: error: INSERT has more expressions than target columns");
    assert_query_error(w, "INSERT INTO books (title, price) VALUES ('a')",
                       "test.sql:1:27: error: INSERT has more target columns than expressions");
    assert_query_error(w, "VALUES (1), (1, 2)",
                       "test.sql:1:14: error: VALUES lists must all be the same length");
}

/* ---- embedded mode, through the front end (templates and files) ------------ */

/* A project in a scratch directory: migrations/001_init.sql, queries.sql
 * and, if given, catalog.sql (a catalog-only input); loaded as `pgc
 * describe -c catalog.sql -m migrations -q queries.sql` loads it. */
typedef struct project {
    char dir[64];
    pgc_arena *a;
    pgc_program p;
    char *diag;
    size_t len;
    bool ok;
} project;

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static project *project_load(const char *catalog, const char *migration, const char *queries)
{
    project *pr = calloc(1, sizeof *pr);
    assert_non_null(pr);
    snprintf(pr->dir, sizeof pr->dir, "/tmp/pgc-embed-XXXXXX");
    assert_non_null(mkdtemp(pr->dir));
    pr->a = pgc_arena_new();
    const char *mdir = pgc_arena_printf(pr->a, "%s/migrations", pr->dir);
    assert_int_equal(mkdir(mdir, 0700), 0);
    write_file(pgc_arena_printf(pr->a, "%s/001_init.sql", mdir), migration);
    const char *q = pgc_arena_printf(pr->a, "%s/queries.sql", pr->dir);
    write_file(q, queries);
    const char *c = pgc_arena_printf(pr->a, "%s/catalog.sql", pr->dir);
    if (catalog)
        write_file(c, catalog);
    FILE *f = open_memstream(&pr->diag, &pr->len);
    pgc_diags d = {.out = f};
    pr->ok = pgc_program_load_with(pr->a, &d, &c, catalog ? 1 : 0, &mdir, 1, &q, 1, &pr->p);
    fclose(f);
    return pr;
}

/* The diagnostics, with the scratch directory written as "DIR". */
static const char *project_diag(project *pr)
{
    pgc_strbuf b = {.a = pr->a};
    pgc_sb_puts(&b, "");
    size_t n = strlen(pr->dir);
    for (const char *p = pr->diag; *p;) {
        if (strncmp(p, pr->dir, n) == 0) {
            pgc_sb_puts(&b, "DIR");
            p += n;
        } else {
            pgc_sb_add(&b, p++, 1);
        }
    }
    return pgc_sb_take(&b);
}

static void project_free(project *pr)
{
    pgc_program_free(&pr->p);
    const char *files[] = {"migrations/001_init.sql", "migrations", "queries.sql", "catalog.sql"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        remove(pgc_arena_printf(pr->a, "%s/%s", pr->dir, files[i]));
    rmdir(pr->dir);
    free(pr->diag);
    pgc_arena_free(pr->a);
    free(pr);
}

static const char orders_migration[] =
    "CREATE TYPE {{schema}}.tenant_status AS ENUM ('active', 'suspended');\n"
    "CREATE TABLE {{tables.orders}} (\n"
    "  id bigserial PRIMARY KEY,\n"
    "  order_number text NOT NULL,\n"
    "  status {{schema}}.tenant_status NOT NULL DEFAULT 'active'\n"
    ");\n"
    "CREATE FUNCTION {{schema}}.order_count() RETURNS bigint\n"
    "  LANGUAGE sql AS 'SELECT 1::bigint';\n";

/* Issue 11, case 1: embedded in schema orders_svc, these reached another
 * instance's public.orders, or failed with 42704. */
static void embedded__own_names_without_template__are_errors_with_the_fix(void **state)
{
    (void)state;
    project *pr = project_load(NULL, orders_migration,
                               "-- name: OrderNumbers :many\n"
                               "SELECT order_number FROM orders;\n"
                               "\n"
                               "-- name: Suspended :many\n"
                               "SELECT id FROM {{tables.orders}} WHERE status = "
                               "'suspended'::tenant_status;\n"
                               "\n"
                               "-- name: OrderCount :one\n"
                               "SELECT order_count();\n"
                               "\n"
                               "-- name: Fine :many\n"
                               "SELECT id FROM {{tables.orders}}\n"
                               "WHERE status = 'suspended'::{{schema}}.tenant_status\n"
                               "  AND {{schema}}.order_count() > 0;\n");
    assert_false(pr->ok);
    assert_string_equal(
        project_diag(pr),
        "DIR/queries.sql:2:26: error: relation \"orders\" does not exist\n"
        "    2 | SELECT order_number FROM orders;\n"
        "      |                          ^\n"
        "DIR/queries.sql:2:26: note: \"orders\" is the library's table: write {{tables.orders}}\n"
        "    2 | SELECT order_number FROM orders;\n"
        "      |                          ^\n"
        "DIR/queries.sql:5:62: error: type \"tenant_status\" does not exist\n"
        "    5 | SELECT id FROM {{tables.orders}} WHERE status = 'suspended'::tenant_status;\n"
        "      |                                                              ^\n"
        "DIR/queries.sql:5:62: note: \"tenant_status\" is the library's type: write "
        "{{schema}}.tenant_status\n"
        "    5 | SELECT id FROM {{tables.orders}} WHERE status = 'suspended'::tenant_status;\n"
        "      |                                                              ^\n"
        "DIR/queries.sql:8:8: error: function order_count() does not exist\n"
        "    8 | SELECT order_count();\n"
        "      |        ^\n"
        "DIR/queries.sql:8:8: note: \"order_count\" is the library's function: write "
        "{{schema}}.order_count\n"
        "    8 | SELECT order_count();\n"
        "      |        ^\n");
    /* the query written with templates is typed */
    assert_int_equal(pr->p.infos.len, 1);
    assert_string_equal(pr->p.infos.items[0].src->name, "Fine");
    project_free(pr);
}

static void embedded__unqualified_create_in_a_library__is_an_error(void **state)
{
    (void)state;
    project *pr = project_load(NULL,
                               "CREATE TABLE {{tables.orders}} (id bigint PRIMARY KEY);\n"
                               "CREATE TABLE order_notes (order_id bigint, note text);\n",
                               "-- name: Notes :many\n"
                               "SELECT note FROM order_notes;\n");
    assert_false(pr->ok);
    assert_string_equal(project_diag(pr),
                        "DIR/migrations/001_init.sql:2:14: error: table \"order_notes\" is created "
                        "without a schema: it would land in public, the same for every "
                        "embedding of the library\n"
                        "    2 | CREATE TABLE order_notes (order_id bigint, note text);\n"
                        "      |              ^\n"
                        "DIR/migrations/001_init.sql:2:14: note: create the library's table as "
                        "{{tables.order_notes}}\n"
                        "    2 | CREATE TABLE order_notes (order_id bigint, note text);\n"
                        "      |              ^\n");
    project_free(pr);
}

static void embedded__plain_application_without_templates__is_unchanged(void **state)
{
    (void)state;
    project *pr = project_load(NULL,
                               "CREATE TYPE state AS ENUM ('queued', 'done');\n"
                               "CREATE TABLE public.jobs (id bigserial PRIMARY KEY, "
                               "s state NOT NULL);\n"
                               "CREATE TABLE runs (job bigint NOT NULL REFERENCES jobs (id));\n",
                               "-- name: Done :many\n"
                               "SELECT j.id, r.job FROM jobs j JOIN public.runs r ON r.job = j.id\n"
                               "WHERE j.s = 'done'::state;\n");
    if (!pr->ok)
        print_error("%s", pr->diag);
    assert_true(pr->ok);
    assert_int_equal(pr->p.infos.len, 1);
    project_free(pr);
}

static void embedded__catalog_only_input__is_read_not_owned(void **state)
{
    (void)state;
    project *pr = project_load("CREATE SCHEMA billing;\n"
                               "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, "
                               "total numeric(12,2) NOT NULL);\n",
                               "CREATE TABLE {{tables.orders}} (id bigint PRIMARY KEY, "
                               "invoice_id bigint REFERENCES billing.invoices (id));\n",
                               "-- name: OrderTotal :one\n"
                               "SELECT o.id, i.total FROM {{tables.orders}} o\n"
                               "JOIN {{tables.billing.invoices}} i ON i.id = o.invoice_id\n"
                               "WHERE o.id = @id;\n");
    if (!pr->ok)
        print_error("%s", pr->diag);
    assert_true(pr->ok);
    assert_int_equal(pr->p.infos.len, 1);
    const pgc_query_info *info = &pr->p.infos.items[0];
    assert_int_equal(info->columns.len, 2);
    assert_string_equal(info->columns.items[1].name, "total");
    assert_false(info->columns.items[1].nullable);
    /* read, never one of the library's migrations */
    assert_int_equal(pr->p.catalogs.len, 1);
    assert_int_equal(pr->p.migrations.len, 1);
    project_free(pr);

    /* without the catalog-only input, the error says where such objects go */
    pr = project_load(NULL, "CREATE TABLE {{tables.orders}} (id bigint);\n",
                      "-- name: Totals :many\n"
                      "SELECT total FROM {{tables.billing.invoices}};\n");
    assert_false(pr->ok);
    assert_string_equal(project_diag(pr),
                        "DIR/queries.sql:2:19: error: relation \"billing.invoices\" does not "
                        "exist\n"
                        "    2 | SELECT total FROM {{tables.billing.invoices}};\n"
                        "      |                   ^\n"
                        "DIR/queries.sql:2:19: note: no migration creates schema \"billing\": "
                        "give the DDL of objects the library does not own as a catalog-only "
                        "input (-c PATH)\n"
                        "    2 | SELECT total FROM {{tables.billing.invoices}};\n"
                        "      |                   ^\n");
    project_free(pr);

    pr = project_load("CREATE TABLE {{tables.invoices}} (id bigint);\n",
                      "CREATE TABLE {{tables.orders}} (id bigint);\n",
                      "-- name: N :one\nSELECT 1 AS one;\n");
    assert_false(pr->ok);
    assert_string_equal(project_diag(pr),
                        "DIR/catalog.sql:1:14: error: a catalog-only input describes objects the "
                        "library does not own: name their schema (other.t), not a template\n"
                        "    1 | CREATE TABLE {{tables.invoices}} (id bigint);\n"
                        "      |              ^\n");
    project_free(pr);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- stars spelled out, parameters' uses ---------------------------------- */

/* The last query's canonical SQL with its edits applied. */
static const char *edited(world *w)
{
    const pgc_stmt_text *t = &w->info.src->text;
    pgc_strbuf b = {.a = w->a};
    size_t at = 0;
    for (size_t i = 0; i < w->info.edits.len; i++) {
        const pgc_sql_edit *e = &w->info.edits.items[i];
        assert_true(e->offset >= at);
        assert_null(strchr(e->text, '\n'));
        pgc_sb_add(&b, t->canon + at, e->offset - at);
        pgc_sb_puts(&b, e->text);
        at = e->offset + e->len;
    }
    pgc_sb_add(&b, t->canon + at, t->canon_len - at);
    return pgc_sb_take(&b);
}

static void star__spelled_out_at_every_level(void **state)
{
    world *w = *state;
    assert_true(world_query(w, "SELECT * FROM (SELECT * FROM books) s WHERE s.id = $1"));
    assert_string_equal(edited(w),
                        "SELECT \"s\".\"id\", \"s\".\"author_id\", \"s\".\"title\", "
                        "\"s\".\"price\", \"s\".\"pages\" FROM (SELECT \"books\".\"id\", "
                        "\"books\".\"author_id\", \"books\".\"title\", \"books\".\"price\", "
                        "\"books\".\"pages\" FROM books) s WHERE s.id = $1");
    assert_true(world_query(w, "WITH c AS (SELECT * FROM author_names) SELECT c.* FROM c"));
    assert_string_equal(edited(w),
                        "WITH c AS (SELECT \"author_names\".\"id\", \"author_names\".\"name\", "
                        "\"author_names\".\"shout\" FROM author_names) SELECT \"c\".\"id\", "
                        "\"c\".\"name\", \"c\".\"shout\" FROM c");
}

static void star__aliases_using_and_returning(void **state)
{
    world *w = *state;
    assert_true(world_query(w, "SELECT b . * FROM books AS b"));
    assert_string_equal(edited(w), "SELECT \"b\".\"id\", \"b\".\"author_id\", \"b\".\"title\", "
                                   "\"b\".\"price\", \"b\".\"pages\" FROM books AS b");
    /* the merged USING column unqualified, first, as * gives it */
    assert_true(world_query(w, "SELECT * FROM books JOIN author_names USING (id)"));
    assert_string_equal(edited(w), "SELECT \"id\", \"books\".\"author_id\", \"books\".\"title\", "
                                   "\"books\".\"price\", \"books\".\"pages\", "
                                   "\"author_names\".\"name\", \"author_names\".\"shout\" FROM "
                                   "books JOIN author_names USING (id)");
    assert_string_equal(world_columns(w),
                        "id bigint!, author_id bigint?, title text!, price numeric(8,2)!, "
                        "pages smallint!, name character varying(17)!, shout text!");
    /* a join's alias renames its columns */
    assert_true(world_query(w, "SELECT * FROM (author_names a JOIN books b ON b.id = a.id) "
                               "AS j (x, y)"));
    assert_string_equal(world_columns(w),
                        "x bigint!, y character varying(17)!, shout text!, id integer!, "
                        "author_id bigint?, title text!, price numeric(8,2)!, pages smallint!");
    assert_int_equal(w->info.edits.len, 1);
    assert_string_equal(w->info.edits.items[0].text,
                        "\"j\".\"x\", \"j\".\"y\", \"j\".\"shout\", \"j\".\"id\", "
                        "\"j\".\"author_id\", \"j\".\"title\", \"j\".\"price\", \"j\".\"pages\"");
    assert_true(world_query(w, "DELETE FROM books WHERE id = $1 RETURNING *"));
    assert_string_equal(edited(w), "DELETE FROM books WHERE id = $1 RETURNING \"books\".\"id\", "
                                   "\"books\".\"author_id\", \"books\".\"title\", "
                                   "\"books\".\"price\", \"books\".\"pages\"");
    /* (x).* of a column: each field of it */
    assert_true(world_query(w, "SELECT (a.home).* FROM authors a"));
    assert_string_equal(edited(w),
                        "SELECT (a.home).\"street\", (a.home).\"zip\" FROM authors a");
}

/* A star whose columns cannot be named one by one stays when nothing
 * behind it can change, and is refused when a table is behind it. */
static void star__unnameable_columns(void **state)
{
    world *w = *state;
    assert_true(world_query(w, "SELECT * FROM (SELECT b.id, a.id FROM books b, authors a) s"));
    assert_string_equal(edited(w), "SELECT * FROM (SELECT b.id, a.id FROM books b, authors a) s");
    assert_false(world_query(w, "SELECT 1 AS one,\n  * FROM (books b JOIN books c ON true) j"));
    assert_string_equal(world_errors(w),
                        "test.sql:2:3: error: pgc cannot spell out this * as its columns (\"j\" "
                        "has two columns named \"id\"), and the columns behind it can change "
                        "after deployment: list the columns\n"
                        "    2 |   * FROM (books b JOIN books c ON true) j\n"
                        "      |   ^\n");
}

static void params__every_use_recorded(void **state)
{
    world *w = *state;
    assert_true(world_query(w, "SELECT id FROM books WHERE id = $1 OR pages = $2 OR id = $1"));
    assert_int_equal(w->info.uses.len, 3);
    static const size_t offsets[] = {32, 46, 57};
    static const int indexes[] = {1, 2, 1};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(w->info.uses.items[i].offset, offsets[i]);
        assert_int_equal(w->info.uses.items[i].len, 2);
        assert_int_equal(w->info.uses.items[i].index, indexes[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(select__star__expands_table_columns),
        T(select__literals__types_and_names),
        T(select__left_join__right_side_nullable),
        T(select__right_and_full_join),
        T(select__left_join_of_subquery__nullable),
        T(select__join_using__merged_column_has_common_type),
        T(select__aggregates),
        T(select__window_functions),
        T(select__case),
        T(select__coalesce_greatest_nullif),
        T(select__casts_and_typmods),
        T(select__scalar_subqueries__notnull_only_for_one_row_aggregates),
        T(select__grouped_aggregates__notnull_only_when_every_group_has_a_row),
        T(select__operators_and_functions),
        T(select__sql_value_functions),
        T(select__arrays_and_subscripts),
        T(select__enums_and_domains),
        T(select__composite_fields),
        T(select__views_and_materialized_views),
        T(select__functions_in_from),
        T(select__values),
        T(select__system_catalogs_and_columns),
        T(select__grouping_sets_make_columns_nullable),
        T(select__whole_row_field_is_the_column),
        T(insert__without_column_list_takes_leading_columns),
        T(sequences__read_as_one_row_never_written),
        T(utility__call_do_and_ddl_are_exec_without_result),
        T(utility__statements_without_result),
        T(setop__union_common_type_and_nullability),
        T(cte__columns_and_outer_join),
        T(cte__data_modifying),
        T(cte__recursive),
        T(params__from_context),
        T(params__functions_and_polymorphism),
        T(params__nullable_contexts),
        T(params__named_and_narg),
        T(params__unresolved_is_an_error),
        T(params__limit_offset_are_bigint),
        T(params__each_use_sees_the_type_known_so_far),
        T(update__subscripts_and_fields),
        T(cte__union_without_self_reference),
        T(nullability__curated_functions_only_on_scalars),
        T(insert__values_and_returning),
        T(insert__select_types_params_by_target),
        T(insert__on_conflict),
        T(insert__on_conflict_target_needs_a_unique_index),
        T(update__set_from_returning),
        T(delete__returning),
        T(errors__name_resolution),
        T(errors__operator_resolution),
        T(errors__have_positions),
        T(embed__marks_columns),
        T(star__spelled_out_at_every_level),
        T(star__aliases_using_and_returning),
        T(star__unnameable_columns),
        T(params__every_use_recorded),
        T(nullability__whole_row_field_through_nullable_copies),
        T(nullability__rows_from_pads_with_nulls),
        T(nullability__recursive_cte_fixpoint),
        T(dml__target_is_never_a_cte),
        T(nullability__variadic_null_array),
        T(nullability__not_null_domain_column),
        T(errors__nesting_too_deep),
        T(params__many_of_one_column__named_quickly),
        T(errors__count_mismatches_have_positions),
        T(embedded__own_names_without_template__are_errors_with_the_fix),
        T(embedded__unqualified_create_in_a_library__is_an_error),
        T(embedded__plain_application_without_templates__is_unchanged),
        T(embedded__catalog_only_input__is_read_not_owned),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    pgc_parse_exit();
    return failed;
}
