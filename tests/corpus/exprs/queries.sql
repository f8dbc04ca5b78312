-- Expressions: literals, operators, casts, functions, CASE, COALESCE,
-- subqueries, aggregates, set operations, on a table of every common type.

-- name: Literals :one
SELECT 1 AS int_lit, 1.5 AS num_lit, 'a' AS text_lit, true AS bool_lit, NULL AS null_lit,
       10000000000 AS big_lit, 1e3 AS exp_lit, B'101' AS bits, E'a\tb' AS escaped;

-- name: TypedLiterals :one
SELECT date '2024-01-01' AS d, timestamp '2024-01-01 00:00' AS ts, interval '1 hour' AS iv,
       '{1,2}'::int[] AS arr, 'a'::char AS c, 'ab'::varchar(5) AS v, 1::numeric(6, 2) AS n;

-- name: ParamPlusOne :one
-- verify-params: 41
SELECT $1::int + 1 AS answer;

-- name: UntypedParamArithmetic :one
-- verify-params: 41
SELECT $1 + 1 AS answer;

-- name: ParamTimesNumeric :one
-- verify-params: 2
SELECT 1.5 * $1 AS product;

-- name: ParamConcat :one
-- verify-params: b
SELECT 'a' || $1 AS joined;

-- name: ParamCastText :one
-- verify-params: hello
SELECT $1::text AS echo, length($1::text) AS len;

-- name: IntegerOps :many
SELECT i2 + i2 AS i2_sum, i2 + i4 AS i2_i4, i4 * i8 AS i4_i8, i8 / 2 AS i8_half, i4 % 3 AS i4_mod,
       -i2 AS neg, @ i4 AS absolute, i4 ^ 2 AS power, i8 & 1 AS bit_and, i4 << 1 AS shifted
FROM t;

-- name: MixedNumericOps :many
SELECT i4 + n AS i4_n, n52 * 2 AS n52_twice, f4 + f8 AS floats, i4 + f8 AS i4_f8,
       n + f8 AS n_f8, n52 / 3 AS n52_third, f4 * 2 AS f4_twice, 1 / 3 AS int_div,
       1.0 / 3 AS num_div
FROM t;

-- name: Comparisons :many
-- verify-params: 4 | 1.5 | text
SELECT id, i4 = $1 AS i4_eq, n > $2 AS n_gt, tx <> $3 AS tx_ne, vc < 'm' AS vc_lt,
       d >= current_date AS future, b IS TRUE AS yes, b IS NOT FALSE AS maybe
FROM t;

-- name: CompareParams :many
-- verify-params: 0 | 3 | 1.0 | v
SELECT id FROM t
WHERE i2 > $1 AND i8 < $2 AND f8 >= $3 AND vc LIKE $4 || '%';

-- name: CompareTimestamps :many
-- verify-params: 2000-01-01 | 2000-01-01 | 2000-01-01
SELECT id FROM t WHERE d > $1 OR ts > $2 OR tstz > $3;

-- name: InList :many
-- verify-params: 1 | 2 | 3
SELECT id FROM t WHERE i4 IN ($1, $2, $3);

-- name: NotInList :many
SELECT id FROM t WHERE vc NOT IN ('a', 'b');

-- name: AnyArray :many
-- verify-params: {1,4}
SELECT id FROM t WHERE i4 = ANY($1);

-- name: AllArray :many
-- verify-params: {1,4}
SELECT id FROM t WHERE id <> ALL($1::int[]);

-- name: AnyColumnArray :many
-- verify-params: 2
SELECT id FROM t WHERE $1 = ANY(arr);

-- name: BetweenParams :many
-- verify-params: 1 | 3
SELECT id FROM t WHERE i8 BETWEEN $1 AND $2;

-- name: BetweenSymmetric :many
-- verify-params: 2000-01-01 | 1960-01-01
SELECT id FROM t WHERE d BETWEEN SYMMETRIC $1 AND $2;

-- name: LikeAndRegex :many
SELECT id, tx LIKE 't%' AS like_t, tx ~ '^t' AS regex_t, tx ILIKE 'T%' AS ilike_t,
       vc SIMILAR TO 'v%' AS similar_v, tx ~* $1 AS regex_param
FROM t;

-- name: NullTests :many
SELECT id, i4 IS NULL AS i4_null, i4 IS NOT NULL AS i4_set, vc IS DISTINCT FROM 'x' AS vc_distinct,
       b IS UNKNOWN AS b_unknown
FROM t;

-- name: BooleanOps :many
SELECT id, b AND true AS b_and, b OR false AS b_or, NOT b AS b_not, b AND i4 > 0 AS both
FROM t;

-- name: CaseSearched :many
SELECT id,
       CASE WHEN i4 > 2 THEN 'big' WHEN i4 > 0 THEN 'small' ELSE 'none' END AS size,
       CASE WHEN b THEN i4 END AS maybe_i4,
       CASE WHEN i4 IS NULL THEN 0 ELSE i4 END AS i4_or_zero
FROM t;

-- name: CaseSimple :many
SELECT id, CASE i2 WHEN 2 THEN 'two' WHEN -1 THEN 'minus one' END AS word,
       CASE tx WHEN '' THEN NULL ELSE tx END AS tx_or_null
FROM t;

-- name: CaseMixedTypes :many
SELECT id, CASE WHEN b THEN i2 ELSE i8 END AS widened, CASE WHEN b THEN n ELSE i4 END AS num,
       CASE WHEN b THEN 1 ELSE 2.5 END AS lit_num
FROM t;

-- name: CaseParam :many
-- verify-params: 7
SELECT id, CASE WHEN b THEN $1 ELSE i4 END AS chosen FROM t;

-- name: CoalesceVariants :many
SELECT id, coalesce(i2, i4) AS small_or_int, coalesce(i4, 0) AS i4_or_zero,
       coalesce(vc, tx) AS vc_or_tx, coalesce(vc, ch) AS vc_or_ch, coalesce(n52, 0) AS n52,
       coalesce(i4, i8, 0) AS three, coalesce(NULL, tx) AS after_null
FROM t;

-- name: CoalesceParam :many
-- verify-params: 9
SELECT id, coalesce(i4, $1) AS i4_or_param FROM t;

-- name: NullifGreatestLeast :many
SELECT nullif(i4, 0) AS i4_nonzero, nullif(tx, '') AS tx_nonempty, greatest(i2, i4, i8) AS top,
       least(n, f8) AS low, greatest(d, current_date) AS later
FROM t;

-- name: Casts :many
SELECT i4::text AS i4_text, tx::varchar(3) AS short, n::int AS n_int, f8::numeric(8, 1) AS f8_num,
       d::timestamp AS d_ts, tstz::date AS tstz_date, CAST(i8 AS real) AS i8_real,
       ch::text AS ch_text, vc::char(2) AS vc_ch2, jb::text AS jb_text, u::text AS u_text,
       b::int AS b_int, '42'::bigint AS from_text
FROM t;

-- name: CastsToArrays :many
SELECT arr::text[] AS arr_text, tarr::varchar[] AS tarr_varchar, ARRAY[i4, i2] AS pair,
       ARRAY[tx, vc] AS texts, ARRAY[]::int[] AS empty
FROM t;

-- name: ArrayOps :many
SELECT arr[1] AS first, arr[1:2] AS slice, array_length(arr, 1) AS len, cardinality(tarr) AS card,
       arr || 4 AS appended, tarr || 'z'::text AS t_appended, arr @> ARRAY[1] AS has_one,
       array_position(tarr, 'x') AS x_pos, array_to_string(tarr, ',') AS joined
FROM t;

-- name: StringFunctions :many
SELECT upper(tx) AS up, lower(vc) AS low, length(ch) AS ch_len, char_length(vc) AS vc_len,
       substr(tx, 1, 2) AS sub, trim(vc) AS trimmed, replace(tx, 'e', 'E') AS replaced,
       concat(tx, vc, i4) AS concatenated, concat_ws('-', tx, vc) AS with_sep,
       format('%s-%s', tx, i4) AS formatted, lpad(tx, 6, '*') AS padded,
       md5(tx) AS hash, reverse(vc) AS reversed, position('x' IN tx) AS x_at,
       vc || ch AS vc_ch, tx || i4 AS tx_i4, ch || ch AS ch_ch
FROM t;

-- name: RegexFunctions :many
SELECT regexp_replace(tx, 'x', 'y') AS replaced, regexp_match(tx, '(e)') AS matched,
       split_part(tx, 'e', 1) AS part, string_to_array(tx, 'e') AS parts,
       starts_with(tx, 't') AS starts
FROM t;

-- name: MathFunctions :many
SELECT abs(i4) AS abs_i4, abs(n) AS abs_n, round(n52) AS round_n52, round(n52, 1) AS round1,
       round(f8) AS round_f8, ceil(f8) AS ceil_f8, floor(n) AS floor_n, sqrt(f8) AS sqrt_f8,
       power(i4, 2) AS pow_i4, mod(i8, 3) AS mod_i8, sign(n) AS sign_n, trunc(f4) AS trunc_f4,
       div(i8, 2) AS div_i8, random() < 2 AS random_ok, pi() AS pi, log(10, 100) AS log_num
FROM t;

-- name: DateTimeFunctions :many
SELECT now() AS now, current_date AS today, current_timestamp AS ts_now,
       localtimestamp AS local_ts, date_trunc('day', ts) AS ts_day, date_trunc('hour', tstz) AS tstz_hour,
       extract(epoch FROM tstz) AS epoch, date_part('year', d) AS year_part,
       age(ts) AS ts_age, make_date(2024, 1, 2) AS made, to_timestamp(0) AS epoch_ts,
       d + 1 AS tomorrow, d - 1 AS yesterday, d + tm AS d_tm, ts + iv AS ts_iv,
       tstz - interval '1 day' AS tstz_minus, d - date '2000-01-01' AS days,
       tstz - tstz AS no_time, iv * 2 AS iv_twice, justify_hours(iv) AS justified
FROM t;

-- name: DateFormatting :many
SELECT to_char(d, 'YYYY-MM-DD') AS d_text, to_char(n, '999.99') AS n_text,
       to_date('2024-01-01', 'YYYY-MM-DD') AS parsed, to_number('12.5', '99.9') AS number,
       d::text AS d_cast
FROM t;

-- name: JsonOps :many
SELECT j->'a' AS j_a, j->>'a' AS j_a_text, jb->'a' AS jb_a, jb->'a'->0 AS jb_a0,
       jb->>'a' AS jb_a_text, jb #> '{a,0}' AS jb_path, jb @> '{"a": [1]}' AS jb_contains,
       jb ? 'a' AS jb_has_a, jb - 'a' AS jb_without, jb || '{"b": 2}' AS jb_merged,
       jsonb_array_length(jb->'a') AS a_len, json_typeof(j) AS j_type, to_json(tx) AS tx_json,
       jsonb_build_array(i4, tx) AS built, jb::json AS jb_as_json
FROM t;

-- name: JsonParams :many
-- verify-params: a | {"a": [1, 2]}
SELECT id FROM t WHERE jb ? $1 OR jb = $2;

-- name: UuidAndBytes :many
SELECT u, u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS known, gen_random_uuid() AS fresh,
       by, length(by) AS by_len, encode(by, 'hex') AS by_hex, md5(by) AS by_md5
FROM t;

-- name: NetworkAndRange :many
SELECT ip, host(ip) AS host, masklen(ip) AS bits, r, lower(r) AS r_low, upper(r) AS r_high,
       r @> 5 AS has_five, isempty(r) AS empty, int4range(1, i4) AS made
FROM t;

-- name: ScalarSubqueries :many
SELECT t.id,
       (SELECT u.label FROM u WHERE u.t_id = t.id) AS label,
       (SELECT count(*) FROM u WHERE u.t_id = t.id) AS n,
       (SELECT max(u.weight) FROM u) AS max_weight,
       (SELECT 1) AS one
FROM t;

-- name: ExistsAndIn :many
SELECT id,
       EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) AS referenced,
       id IN (SELECT t_id FROM u) AS in_u,
       id = ANY (SELECT t_id FROM u) AS any_u
FROM t;

-- name: ArraySubquery :many
SELECT id, ARRAY(SELECT label FROM u WHERE u.t_id = t.id) AS labels FROM t;

-- name: Aggregates :one
SELECT count(*) AS n, count(i4) AS n_i4, sum(i2) AS sum_i2, sum(i4) AS sum_i4, sum(i8) AS sum_i8,
       sum(n) AS sum_n, sum(f4) AS sum_f4, sum(f8) AS sum_f8, avg(i4) AS avg_i4, avg(f8) AS avg_f8,
       min(tx) AS min_tx, max(vc) AS max_vc, min(d) AS min_d, max(tstz) AS max_tstz,
       bool_and(b) AS all_b, bool_or(b) AS any_b, every(b) AS every_b,
       string_agg(tx, ',') AS all_tx, array_agg(i4) AS all_i4, json_agg(tx) AS json_tx,
       jsonb_agg(jb) AS jsonb_all, jsonb_object_agg(tx, i4) AS obj, sum(iv) AS sum_iv,
       max(ch) AS max_ch, min(n52) AS min_n52
FROM t;

-- name: AggregatesEmptyGroup :one
SELECT count(*) AS n, max(id) AS top, sum(i8) AS total FROM t WHERE false;

-- name: GroupedAggregates :many
SELECT b, count(*) AS n, max(i4) AS top, sum(i8) AS total, avg(n52) AS mean
FROM t
GROUP BY b
ORDER BY b;

-- name: StatisticsAggregates :one
SELECT stddev(f8) AS sd, variance(i4) AS var, corr(f8, i4) AS r,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY i4) AS median_i4,
       mode() WITHIN GROUP (ORDER BY tx) AS common_tx
FROM t;

-- name: HavingParam :many
-- verify-params: 0
SELECT b, count(*) AS n FROM t GROUP BY b HAVING count(*) > $1;

-- name: GroupingSets :many
SELECT b, i2, count(*) AS n, grouping(b, i2) AS g
FROM t
GROUP BY GROUPING SETS ((b), (i2), ());

-- name: WindowFunctions :many
SELECT id, row_number() OVER w AS rn, rank() OVER w AS rnk, dense_rank() OVER w AS drnk,
       ntile(2) OVER w AS tile, lag(i4) OVER w AS prev_i4, lead(tx, 1, 'none') OVER w AS next_tx,
       sum(i8) OVER w AS running, count(*) OVER () AS total, percent_rank() OVER w AS pct,
       first_value(vc) OVER w AS first_vc, avg(n) OVER (PARTITION BY b) AS avg_n
FROM t
WINDOW w AS (ORDER BY id);

-- name: UnionTypes :many
SELECT i2 AS v FROM t
UNION ALL
SELECT i4 FROM t
UNION ALL
SELECT 1;

-- name: UnionNumeric :many
SELECT i4 AS v FROM t UNION SELECT n52 FROM t;

-- name: UnionTextAndVarchar :many
SELECT vc AS s FROM t UNION SELECT tx FROM t;

-- name: UnionSameVarchar :many
SELECT vc AS s FROM t UNION SELECT vc FROM t;

-- name: UnionLiterals :many
SELECT 'a' AS s UNION SELECT 'b';

-- name: UnionNullFirst :many
SELECT NULL AS x UNION ALL SELECT i4 FROM t;

-- name: IntersectExcept :many
SELECT id FROM t INTERSECT SELECT t_id FROM u EXCEPT SELECT 3;

-- name: ValuesTypes :many
VALUES (1, 'a', 1.5), (2, NULL, 2);

-- name: ValuesWithParams :many
-- verify-params: 1 | x
SELECT * FROM (VALUES ($1::int, $2::text), (2, 'b')) AS v(n, s);

-- name: CteChain :many
WITH a AS (SELECT id, i4 FROM t), b AS (SELECT id, i4 * 2 AS doubled FROM a)
SELECT a.id, a.i4, b.doubled FROM a JOIN b USING (id);

-- name: CteOuterJoin :many
WITH labels AS (SELECT t_id, label FROM u)
SELECT t.id, labels.label FROM t LEFT JOIN labels ON labels.t_id = t.id;

-- name: RecursiveCounter :many
WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5)
SELECT n FROM c;

-- name: SubqueryInFrom :many
SELECT s.id, s.twice FROM (SELECT id, i4 * 2 AS twice FROM t) s WHERE s.twice IS NOT NULL;

-- name: OuterJoinSubquery :many
SELECT u.label, s.total
FROM u
LEFT JOIN (SELECT id, i8 + 1 AS total FROM t) s ON s.id = u.t_id;

-- name: JoinUsing :many
SELECT id, t.tx, u.label FROM t JOIN u USING (id);

-- name: NaturalJoin :many
SELECT * FROM t NATURAL JOIN u;

-- name: FullJoinUsing :many
SELECT id, t.i4, u.label FROM t FULL JOIN u USING (id);

-- name: LeftJoinNotNullColumns :many
SELECT t.id, u.id AS u_id, u.label, u.weight
FROM t
LEFT JOIN u ON u.t_id = t.id;

-- name: RightJoinNotNullColumns :many
SELECT t.id AS t_id, t.tx, t.i8, u.label
FROM t
RIGHT JOIN u ON u.t_id = t.id;

-- name: CrossJoinCount :one
SELECT count(*) AS pairs FROM t CROSS JOIN u;

-- name: SelfJoin :many
SELECT a.id AS a_id, b.id AS b_id FROM t a JOIN t b ON b.i8 < a.i8;

-- name: NestedOuterJoins :many
SELECT t.id, u1.label AS l1, u2.label AS l2
FROM t
LEFT JOIN u u1 ON u1.t_id = t.id
LEFT JOIN u u2 ON u2.id = u1.id AND u2.weight > 1;

-- name: JoinedSubselectAggregate :many
SELECT t.id, agg.n
FROM t
LEFT JOIN (SELECT t_id, count(*) AS n FROM u GROUP BY t_id) agg ON agg.t_id = t.id;

-- name: SetReturningFunctions :many
SELECT generate_series(1, 3) AS n, unnest(ARRAY['a', 'b', 'c']) AS letter;

-- name: SeriesInFrom :many
SELECT g, g * 2 AS twice FROM generate_series(1, 3) g;

-- name: SeriesTimestamps :many
SELECT d::date AS day
FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-03', interval '1 day') AS d;

-- name: UnnestWithOrdinality :many
SELECT t.id, x.v, x.i FROM t, unnest(t.tarr) WITH ORDINALITY AS x(v, i);

-- name: RowConstructors :many
SELECT id, (i4, tx) = (4, 'text') AS row_eq, ROW(i2, i4) IS NULL AS row_null FROM t;

-- name: TableStar :many
SELECT * FROM u;

-- name: QualifiedStars :many
SELECT u.*, t.id AS tid, t.tx FROM u LEFT JOIN t ON t.id = u.t_id;

-- name: LimitOffsetParams :many
-- verify-params: 2 | 0
SELECT id FROM t ORDER BY id LIMIT $1 OFFSET $2;

-- name: LimitAll :many
SELECT id FROM t ORDER BY id LIMIT ALL;

-- name: FetchFirst :many
SELECT id FROM t ORDER BY id FETCH FIRST 2 ROWS ONLY;

-- name: OrderByParam :many
-- verify-params: 1
SELECT id FROM t ORDER BY abs(id - $1);

-- name: InsertValuesParams :one
-- verify-params: 10 | 5 | hello
INSERT INTO t (id, i4, tx) VALUES ($1, $2, $3) RETURNING id, i4, tx, i8, tarr, vc;

-- name: InsertMultiRow :many
-- verify-params: 10 | 11 | hello
INSERT INTO t (id, tx) VALUES ($1, $3), ($2, DEFAULT) RETURNING id, tx;

-- name: InsertSelectParam :many
-- verify-params: 100
INSERT INTO u (id, t_id, label)
SELECT id + $1, id, tx FROM t
RETURNING id, t_id, label, weight;

-- name: InsertDefaultValues :one
-- verify-params: 50
INSERT INTO u (id, label) VALUES ($1, 'x') RETURNING *;

-- name: UpdateSetExpressions :many
-- verify-params: 1 | 1.5 | 2
UPDATE t SET i4 = i4 + $1, n = $2, vc = upper(vc) WHERE id = $3 RETURNING id, i4, n, vc;

-- name: UpdateRowSet :many
-- verify-params: 7 | seven | 1
UPDATE t SET (i4, tx) = ($1, $2) WHERE id = $3 RETURNING i4, tx;

-- name: UpdateFromSubquery :many
UPDATE u SET weight = s.total
FROM (SELECT id, i8 * 2 AS total FROM t) s
WHERE s.id = u.t_id
RETURNING u.id, u.weight, s.total;

-- name: DeleteUsing :many
DELETE FROM u USING t WHERE t.id = u.t_id AND t.b RETURNING u.id, u.label, t.tx;

-- name: DeleteAllReturningStar :many
DELETE FROM u RETURNING *;

-- name: DataModifyingCteSelect :many
WITH ins AS (INSERT INTO u (id, label) VALUES (99, 'new') RETURNING id, t_id, label)
SELECT ins.id, ins.t_id, t.tx FROM ins LEFT JOIN t ON t.id = ins.t_id;

-- name: DataModifyingCteUpdate :one
WITH upd AS (UPDATE t SET i4 = coalesce(i4, 0) + 1 RETURNING id, i4)
SELECT count(*) AS updated, sum(i4) AS total FROM upd;

-- name: UpsertOnConflict :one
-- verify-params: 1 | changed
INSERT INTO u (id, label) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label || ' (was ' || u.label || ')'
RETURNING id, label, t_id;

-- name: OnConflictDoNothing :many
-- verify-params: 1
INSERT INTO u (id, label) VALUES ($1, 'x') ON CONFLICT DO NOTHING RETURNING id;

-- name: ParamInFunction :one
-- verify-params: hello
SELECT upper($1) AS shout, length($1) AS len;

-- name: ParamInCoalesceWithColumn :many
-- verify-params: 2024-01-01
SELECT id, coalesce(d, $1) AS d_or_param FROM t;

-- name: ParamComparedToSubquery :many
-- verify-params: 0
SELECT id FROM t WHERE (SELECT count(*) FROM u WHERE u.t_id = t.id) > $1;

-- name: ParamInCase :many
-- verify-params: 1 | yes | no
SELECT id, CASE WHEN id = $1 THEN $2 ELSE $3 END AS answer FROM t;

-- name: ParamIsNull :many
-- verify-params: NULL
SELECT id FROM t WHERE $1::int IS NULL OR i4 = $1;

-- name: DistinctAndOrder :many
SELECT DISTINCT b, i2 FROM t ORDER BY b NULLS FIRST, i2;

-- name: CollateAndOrder :many
SELECT tx COLLATE "C" AS tx_c FROM t ORDER BY 1;

-- name: IntervalArithmetic :many
SELECT iv + iv AS doubled, iv / 2 AS halved, -iv AS negated, tm + iv AS tm_iv,
       extract(hour FROM iv) AS hours, make_interval(days => i4) AS made
FROM t;

-- name: TimeZoneConversions :many
SELECT ts AT TIME ZONE 'UTC' AS ts_utc, tstz AT TIME ZONE 'Europe/Paris' AS tstz_paris,
       date_bin('15 minutes', ts, timestamp '2000-01-01') AS binned
FROM t;

-- name: TypeOfExpressions :many
SELECT pg_typeof(i4) AS t_i4, pg_typeof(i4 + n)::text AS t_sum FROM t;

-- name: SystemInfo :one
SELECT current_user AS who, current_schema() AS schema, version() AS version,
       current_setting('search_path') AS path;

-- name: ConditionalCount :one
SELECT count(*) FILTER (WHERE b) AS trues, count(*) FILTER (WHERE NOT b) AS falses,
       sum(i4) FILTER (WHERE b) AS true_sum
FROM t;

-- name: LateralSubquery :many
SELECT t.id, x.label, x.weight
FROM t
LEFT JOIN LATERAL (SELECT label, weight FROM u WHERE u.t_id = t.id LIMIT 1) x ON true;

-- name: CrossJoinLateralFunction :many
SELECT t.id, e.key, e.value
FROM t
CROSS JOIN LATERAL jsonb_each(t.jb) AS e;

-- name: JsonbEachText :many
SELECT key, value FROM jsonb_each_text('{"a": "1", "b": null}');

-- name: JsonToRecord :many
SELECT * FROM json_to_record('{"a": 1, "b": "x"}') AS x(a int, b text);

-- name: BitStrings :one
SELECT B'1010' & B'0110' AS anded, B'1010'::int AS as_int, 5::bit(4) AS four_bits;

-- name: ArrayOfNulls :one
SELECT ARRAY[NULL::int, 1] AS with_null, array_remove(ARRAY[1, NULL], NULL) AS without;

-- name: MinMaxOfNotNull :one
SELECT min(i8) AS low, max(tx) AS high FROM t;

-- name: CountDistinct :one
SELECT count(DISTINCT b) AS kinds, count(DISTINCT tx) AS texts FROM t;

-- name: NumericPrecisionCasts :many
SELECT n52::numeric(10, 4) AS widened, n52 + n52 AS summed, n52 * n52 AS squared,
       round(n52::numeric, 1) AS rounded, n52::float4 AS as_float
FROM t;

-- name: CharPadding :many
SELECT ch, ch::varchar AS ch_varchar, ch = 'ch' AS ch_eq, length(ch) AS len,
       octet_length(ch) AS bytes, ch || 'x' AS ch_x
FROM t;

-- name: ExistsOnly :one
SELECT EXISTS (SELECT 1 FROM t WHERE i4 > 100) AS any_big;

-- name: NotExistsAnti :many
SELECT t.id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id);

-- name: InsertReturningExpressions :one
-- verify-params: 77
INSERT INTO t (id) VALUES ($1)
RETURNING id * 2 AS doubled, tx || '!' AS tx_bang, i4 + 1 AS i4_plus, coalesce(vc, 'none') AS vc;

-- name: NullFromNotNullInputs :many
SELECT id, tarr[1] AS first_tag, array_length(tarr, 1) AS tags_len, tx::text AS tx_text,
       substring(tx FROM 'zzz') AS no_match, regexp_match(tx, 'q') AS no_regex_match,
       lag(i8) OVER (ORDER BY id) AS previous_i8, lead(tx) OVER (ORDER BY id) AS next_tx,
       jsonb_build_object('k', i8)->'missing' AS missing_key, nullif(i8, 0) AS i8_nonzero
FROM t;

-- name: AggregatesOfNotNullOverNothing :one
SELECT max(tx) AS max_tx, min(i8) AS min_i8, avg(i8) AS avg_i8, string_agg(tx, ',') AS all_tx,
       array_agg(id) AS ids, count(*) AS n, bool_and(i8 > 0) AS all_positive
FROM t
WHERE id < 0;

-- name: ScalarSubqueryOfNotNull :many
SELECT u.id, (SELECT t.tx FROM t WHERE t.id = u.t_id) AS t_tx,
       (SELECT count(*) FROM t WHERE t.id = u.t_id) AS t_count
FROM u;

-- name: DomainColumns :many
SELECT id, code, qty, code || '!' AS code_bang, qty + 1 AS qty_plus, code::text AS code_text
FROM v;

-- name: DomainParams :many
-- verify-params: abc | 3
SELECT id FROM v WHERE code = $1 OR qty = $2;

-- name: InsertDomainValues :one
-- verify-params: 9 | xyz | 4
INSERT INTO v (id, code, qty) VALUES ($1, $2, $3) RETURNING code, qty, moods, current_mood;

-- name: DomainThroughOuterJoin :many
SELECT t.id, v.qty, v.code FROM t LEFT JOIN v ON v.t_id = t.id;

-- name: EnumArrays :many
SELECT id, moods, moods[1] AS first_mood, current_mood = ANY(moods) AS in_moods,
       array_length(moods, 1) AS n_moods, current_mood::text AS mood_text
FROM v;

-- name: EnumParamAndAggregate :many
-- verify-params: ok
SELECT current_mood, count(*) AS n, array_agg(id) AS ids
FROM v
WHERE current_mood >= $1 OR current_mood IS NULL
GROUP BY current_mood;

-- name: SpecialTypmods :many
SELECT stamp, span, flags, vflags, small, approx, letter, nm FROM v;

-- name: SpecialTypmodCasts :one
SELECT 'x'::char(3) AS c3, now()::timestamp(0) AS ts0, now()::timestamptz(2) AS tstz2,
       '12:00'::time(1) AS t1, '12:00+01'::timetz AS ttz, '1 day'::interval hour AS iv_hour,
       '1 year 2 months'::interval year to month AS iv_ym, 1::numeric(5) AS n5,
       1::float(30) AS f30, B'1'::bit varying(4) AS vb4, 'a'::"char" AS ch, 'n'::name AS nm,
       '{}'::int[][] AS matrix, ARRAY[1, 2]::smallint[] AS smalls;

-- name: TypmodParams :one
-- verify-params: 1.234 | abcdef
SELECT $1::numeric(10, 2) AS money, $2::varchar(3) AS short;

-- name: RollupNotNull :many
SELECT tx, count(*) AS n FROM t GROUP BY ROLLUP (tx);

-- name: GroupingSetsNotNull :many
SELECT i8, id, sum(i4) AS total FROM t GROUP BY GROUPING SETS ((i8), (id));

-- name: CubeNotNull :many
SELECT tx, b, count(*) AS n FROM t GROUP BY CUBE (tx, b);

-- name: FullJoinUsingKey :many
SELECT id, t.tx, u.label FROM t FULL JOIN u USING (id);

-- name: UnnestNotNullArray :many
SELECT id, unnest(tarr) AS tag FROM t;

-- name: FilteredAggregates :many
SELECT b, array_agg(id) FILTER (WHERE false) AS none, sum(i8) FILTER (WHERE i8 > 100) AS big_sum,
       count(*) FILTER (WHERE false) AS zero, max(tx) AS max_tx
FROM t
GROUP BY b;

-- name: GroupedMaxOfNotNull :many
SELECT b, max(id) AS top, string_agg(tx, ',') AS texts FROM t GROUP BY b;

-- name: AnyWithNullElements :many
SELECT id, 1 = ANY(arr) AS has_one, 5 = ALL(arr) AS all_five, id NOT IN (SELECT t_id FROM u) AS unreferenced
FROM t;

-- name: WholeRowReference :many
SELECT t AS whole, u.* IS NULL AS no_u FROM t LEFT JOIN u ON u.t_id = t.id;

-- name: RecordConstructors :one
SELECT ROW(1, 'a') AS r, (1, 2) = (1, 2) AS same;

-- name: ParamCasts :one
-- verify-params: 1 | {"a": 1} | 2024-01-01 | 1 day
SELECT $1::bigint AS big, $2::jsonb -> 'a' AS a, $3::date + 1 AS next_day, $4::interval * 2 AS twice;

-- name: ParamInSubqueryLimit :many
-- verify-params: 2
SELECT id FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT $1);

-- name: ParamInWhenClause :many
-- verify-params: 4
SELECT id, CASE i4 WHEN $1 THEN 'match' ELSE 'other' END AS m FROM t;

-- name: UpdateSetDefault :many
-- verify-params: 1
UPDATE t SET i8 = DEFAULT, tarr = DEFAULT WHERE id = $1 RETURNING id, i8, tarr;

-- name: UpsertWithWhere :one
-- verify-params: 1 | new
INSERT INTO u (id, label) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label WHERE u.weight > 0
RETURNING id, label, weight;

-- name: UpdateFromLeftJoin :many
UPDATE u SET weight = coalesce(x.i8, 0)
FROM (SELECT u2.id, t.i8 FROM u u2 LEFT JOIN t ON t.id = u2.t_id) x
WHERE x.id = u.id
RETURNING u.id, u.weight, x.i8;

-- name: MaterializedCte :many
WITH m AS MATERIALIZED (SELECT id, tx FROM t)
SELECT m.id, m.tx, u.label FROM m LEFT JOIN u ON u.t_id = m.id;

-- name: RecursiveWithOuterJoin :many
WITH RECURSIVE walk (id, depth) AS (
    SELECT id, 0 FROM t WHERE id = 1
    UNION ALL
    SELECT w.id + 1, w.depth + 1 FROM walk w WHERE w.depth < 3
)
SELECT walk.id, walk.depth, t.tx FROM walk LEFT JOIN t ON t.id = walk.id;

-- name: CatalogQuery :many
-- verify-params: t
SELECT c.relname, c.relkind, a.attname, a.attnum
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
WHERE c.relname = $1 AND a.attnum > 0
ORDER BY a.attnum;

-- name: SettingByName :one
-- verify-params: search_path
SELECT current_setting($1) AS value;

-- name: ScalarSubqueryLimitOne :one
SELECT (SELECT id FROM t ORDER BY id LIMIT 1) AS first_id,
       (SELECT max(id) FROM t WHERE false) AS none;

-- name: LeftJoinFilteredNotNull :many
SELECT t.id, u.label FROM t LEFT JOIN u ON u.t_id = t.id WHERE u.id IS NOT NULL;

-- name: DeleteReturningExpressions :many
DELETE FROM v WHERE id > 1 RETURNING id, qty * 2 AS double_qty, moods || 'sad'::mood AS more;

-- Review findings: NULLs the analysis once declared NOT NULL.

-- name: WholeRowFieldLeftJoinSubquery :many
SELECT (x.uu).id AS uid, (x.uu).label AS label FROM t LEFT JOIN (SELECT uu FROM u uu) x ON false;

-- name: WholeRowFieldLeftJoinCte :many
WITH x AS (SELECT uu FROM u uu)
SELECT (x.uu).id AS uid FROM t LEFT JOIN x ON false;

-- name: WholeRowFieldRollup :many
SELECT (x.uu).id AS uid FROM (SELECT uu FROM u uu GROUP BY ROLLUP (uu)) x;

-- name: WholeRowFieldLateral :many
SELECT t.id, (x.uu).label AS label
FROM t LEFT JOIN LATERAL (SELECT uu FROM u uu WHERE uu.t_id = t.id) x ON true;

-- name: RowsFromPadsWithNulls :many
SELECT g, h FROM ROWS FROM (generate_series(1, 2), generate_series(1, 3)) AS x(g, h);

-- name: RecursiveCteTenRounds :many
WITH RECURSIVE r(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, n) AS (
    SELECT 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
    UNION ALL
    SELECT NULL::int, a0, a1, a2, a3, a4, a5, a6, a7, a8, n + 1 FROM r WHERE n < 20)
SELECT a8, a9, n FROM r;

-- name: UpdateTargetShadowedByCte :many
WITH u AS (SELECT 1 AS x)
UPDATE u SET label = label || '!' RETURNING id, label, weight;

-- name: VariadicNullArray :one
SELECT concat(VARIADIC NULL::text[]) AS c, json_build_object(VARIADIC NULL::text[]) AS j,
       jsonb_build_object(VARIADIC NULL::text[]) AS jb;

-- name: NotNullDomainOuterJoin :many
SELECT t.id, v.qty FROM t LEFT JOIN v ON v.t_id = t.id;

-- name: NotNullDomainInsertEmptySubquery :one
INSERT INTO v (id, qty) VALUES (100, (SELECT qty FROM v WHERE false)) RETURNING id, qty;

-- NOT NULL proofs (each checked by execution on the seed: t row 3 has no u
-- row, u row 3 has no t row, t row 2 is all NULLs), beside the variants
-- that stay nullable because the seed makes them NULL.

-- name: NotNullScalarAggregateSubqueries :many
SELECT t.id,
       (SELECT count(*) FROM u WHERE u.t_id = t.id) AS n_u,
       (SELECT count(*) + 1 FROM u WHERE false) AS one,
       (SELECT coalesce(sum(u.weight), 0) FROM u WHERE u.t_id = t.id) AS weight_or_zero,
       (SELECT max(u.label) FROM u WHERE u.t_id = t.id) AS max_label,
       (SELECT count(*) FROM u WHERE u.t_id = t.id GROUP BY u.t_id) AS grouped_n,
       (SELECT count(*) FROM u WHERE u.t_id = t.id HAVING count(*) > 0) AS having_n,
       (SELECT count(*) FROM u OFFSET 1) AS offset_n,
       (SELECT count(*) FROM u LIMIT 0) AS limit0_n
FROM t
ORDER BY t.id;

-- name: NotNullGroupedAggregates :many
SELECT t_id, sum(weight) AS total, min(label) AS first_label, max(weight) AS heaviest,
       avg(weight) AS mean, array_agg(label ORDER BY label) AS labels,
       sum(weight) FILTER (WHERE weight > 1.5) AS heavy_total, max(t_id) AS max_t_id
FROM u
GROUP BY t_id
ORDER BY t_id;

-- name: NotNullGroupedAggregatesOuterJoin :many
SELECT t.id, max(u.label) AS max_label, sum(u.weight) AS total, count(u.id) AS n
FROM t LEFT JOIN u ON u.t_id = t.id
GROUP BY t.id
ORDER BY t.id;

-- name: NotNullUngroupedAggregatesEmpty :one
SELECT max(label) AS max_label, sum(weight) AS total, array_agg(id) AS ids, count(*) AS n
FROM u WHERE false;

-- name: NotNullGroupingSetsEmpty :many
SELECT t_id, sum(weight) AS total, count(*) AS n
FROM u WHERE false
GROUP BY GROUPING SETS ((t_id), ());

-- name: NotNullExistsCaseCoalesce :many
-- verify-params: 2
SELECT id,
       EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id AND u.weight > i4) AS heavy,
       NOT EXISTS (SELECT 1 FROM u WHERE u.t_id = t.id) AS unreferenced,
       CASE WHEN b THEN tx WHEN id = $1 THEN 'two' ELSE 'other' END AS all_branches,
       CASE WHEN b THEN tx END AS no_else,
       CASE WHEN b THEN tx ELSE vc END AS nullable_else,
       CASE i4 WHEN 4 THEN i8 ELSE i2 END AS nullable_branch,
       coalesce(i4, i8) AS with_notnull, coalesce(i4, i2) AS all_nullable,
       coalesce(vc, tx, 'x') AS notnull_middle
FROM t
ORDER BY id;

-- name: LtreeDescendants :many
-- verify-params: top.science
SELECT id, path, nlevel(path) AS depth, subpath(path, 0, 1) AS root, ltree2text(path) AS txt
FROM cat WHERE path <@ @root ORDER BY path;

-- name: LtreeMatch :many
-- verify-params: *.science.* | science & !art
SELECT id, path ~ @pattern AS by_lquery, path @ sqlc.arg(words)::ltxtquery AS by_words,
       path || 'leaf' AS child, index(path, 'science') AS at
FROM cat ORDER BY id;

-- name: LtreeAncestors :many
SELECT c.id, lca(c.path, d.path) AS common, c.alt @> d.path AS alt_above, subltree(d.path, 0, 1) AS first
FROM cat c JOIN cat d ON d.id = c.id + 1 ORDER BY c.id;

-- name: LtreeArrays :one
SELECT array_agg(path) ?@> 'top.science.astro.x'::ltree AS nearest, lca(array_agg(path)) AS all_common,
       array_agg(path) @> 'top.art'::ltree AS holds
FROM cat;
