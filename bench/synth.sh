#!/bin/sh
# bench/synth.sh - writes the synthetic inputs of the benchmark.
#
#   synth.sh project DIR NMIG NQUERY   a pgc project: DIR/migrations/ with
#       NMIG files (a table each; every fifth also alters the one before) and
#       DIR/queries.sql with NQUERY annotated queries over those tables
#       (one of five shapes in turn: :one by key, :many with a join, :exec
#       insert, :execrows update, :one aggregate)
#   synth.sh small DIR N               N small plain-SQL migration files (a
#       table and a row each), for the runner against psql -1
set -eu
mode=$1 dir=$2
rm -rf "$dir"
case $mode in
project)
    nmig=$3 nq=$4
    mkdir -p "$dir/migrations"
    awk -v dir="$dir" -v nmig="$nmig" -v nq="$nq" 'BEGIN {
        for (i = 1; i <= nmig; i++) {
            f = sprintf("%s/migrations/%05d_t%d.sql", dir, i, i)
            printf "-- table %d\nCREATE TABLE t%d (\n", i, i > f
            printf "    id bigint PRIMARY KEY,\n    name text NOT NULL,\n" > f
            printf "    qty integer NOT NULL DEFAULT 0,\n    price numeric(12, 2),\n" > f
            printf "    created timestamptz NOT NULL DEFAULT now(),\n" > f
            printf "    parent bigint%s\n);\n", (i > 1 ? sprintf(" REFERENCES t%d (id)", i - 1) : "") > f
            printf "CREATE INDEX t%d_name ON t%d (name);\n", i, i > f
            if (i % 5 == 0 && i > 1)
                printf "ALTER TABLE t%d ADD COLUMN note%d text;\n", i - 1, i > f
            close(f)
        }
        q = dir "/queries.sql"
        for (k = 0; k < nq; k++) {
            t = k % nmig + 1
            s = int(k / nmig) % 5
            if (s == 0)
                printf "-- name: Get%d :one\nSELECT id, name, qty, price, created FROM t%d WHERE id = @id;\n\n", k, t > q
            else if (s == 1 && t > 1)
                printf "-- name: List%d :many\nSELECT c.id, c.name, p.name AS parent_name FROM t%d AS c JOIN t%d AS p ON p.id = c.parent WHERE c.qty > @min_qty ORDER BY c.id LIMIT @lim;\n\n", k, t, t - 1 > q
            else if (s == 1)
                printf "-- name: List%d :many\nSELECT id, name FROM t%d WHERE qty > @min_qty ORDER BY id LIMIT @lim;\n\n", k, t > q
            else if (s == 2)
                printf "-- name: Insert%d :exec\nINSERT INTO t%d (id, name, qty, price) VALUES (@id, @name, @qty, @price);\n\n", k, t > q
            else if (s == 3)
                printf "-- name: Update%d :execrows\nUPDATE t%d SET qty = qty + @delta WHERE name = @name;\n\n", k, t > q
            else
                printf "-- name: Count%d :one\nSELECT count(*) AS n, max(created) AS latest FROM t%d WHERE qty >= @min_qty;\n\n", k, t > q
        }
    }'
    ;;
small)
    n=$3
    mkdir -p "$dir"
    awk -v dir="$dir" -v n="$n" 'BEGIN {
        for (i = 1; i <= n; i++) {
            f = sprintf("%s/%05d_m%d.sql", dir, i, i)
            printf "CREATE TABLE m%d (id integer PRIMARY KEY, note text NOT NULL);\n", i > f
            printf "INSERT INTO m%d (id, note) VALUES (1, %cmigration %d%c);\n", i, 39, i, 39 > f
            close(f)
        }
    }'
    ;;
*)
    echo "usage: synth.sh project DIR NMIG NQUERY | small DIR N" >&2
    exit 2
    ;;
esac
