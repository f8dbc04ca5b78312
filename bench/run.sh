#!/bin/sh
# bench/run.sh - the body of `make bench`, run by mk/bench.mk inside a
# throwaway cluster (pgc-tmpcluster sets PGC_TEST_CONNINFO, PGHOST, PGPORT)
# started under `taskset -c 1`: the server and, unless moved, every client
# run on CPU 1.  Prints markdown on stdout.
#
#   bench/run.sh BUILD_DIR
#
# BENCH_REPS (default 5) sets the repetitions of every case.
set -eu
B=${1:-build}
BB=$B/bench
C=$BB/client
M=$BB/measure
REPS=${BENCH_REPS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgc-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# "median min max" of the numbers on stdin, one a line.
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# verdict VALUE OP GOAL
verdict() {
    awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
        ok = op == "<=" ? v <= g : v >= g; print ok ? "met" : "**missed**" }'
}

echo "## pgc benchmarks"
echo
echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc --all) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)),"
echo "$(psql -X -tAc 'SELECT version()' | sed 's/ on .*//'), libpq $(pg_config --version | sed 's/PostgreSQL //'),"
echo "$(${CC:-cc} --version | head -1), $(ecpg --version | head -1)."
echo "Server: pgc-tmpcluster (Unix socket; fsync, full_page_writes and synchronous_commit off), pinned"
echo "to CPU 1 with the client unless the table says \"cross CPU\" (client on CPU 0). Medians of $REPS"
echo "repetitions, variants alternated within one process run."

"$C" setup

# Cases 1-3 with client and server on one CPU; inserts again across CPUs.
"$C" -r "$REPS" -l "same CPU" lookup scan insert
taskset -c 0 "$C" -r "$REPS" -l "cross CPU" insert
"$C" scanmemory
"$C" -r "$REPS" -l "same CPU" pool

# Client-side cost per operation in instructions (callgrind counts only
# inside measured(), the loop of one variant): stable under load.
echo
echo "#### Client instructions per operation (callgrind, client process only; server excluded)"
echo
echo "| case | ops | pgc | libpq hand-written | pgc / libpq |"
echo "|---|---:|---:|---:|---:|"
instr() { # CASE VARIANT N -> instructions per op
    out=$WORK/cg.out
    valgrind --tool=callgrind --toggle-collect=measured --callgrind-out-file="$out" \
        "$C" one "$1" "$2" "$3" >/dev/null 2>"$WORK/cg.err" || { cat "$WORK/cg.err" >&2; exit 1; }
    awk -v n="$3" '/^(summary|totals):/ { t = $2 } END { printf "%.0f", t / n }' "$out"
}
for spec in "lookup 2000 point lookup" "scan 100000 scan, per row" "seq 2000 insert, one transaction" \
            "batch 10000 insert, pipeline batch" "copy 10000 insert, COPY"; do
    set -- $spec
    case_name=$1 n=$2
    shift 2
    p=$(instr "$case_name" pgc "$n")
    h=$(instr "$case_name" hand "$n")
    echo "| $* | $n | $p | $h | $(ratio "$p" "$h") |"
done
p=$(instr scan single 100000)
echo "| scan, per row: libpq single-row mode (pgc streams this way) | 100000 | | $p | |"

# Case 5: the generator on a synthetic project, full and quarter size, and
# libpg_query parsing the same files alone.
echo
echo "#### 5. Generator: synthetic project (wall s and peak RSS KiB; median of $REPS)"
echo
echo "| size | pgc generate s | min | max | peak KiB | parse only s | peak KiB | generate / parse |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for size in "500 2500" "2000 10000"; do
    set -- $size
    dir=$WORK/synth_$1
    "$(dirname "$0")/synth.sh" project "$dir" "$1" "$2"
    mkdir -p "$dir/out"
    : > "$dir/gen.txt"
    : > "$dir/parse.txt"
    for r in $(seq "$REPS"); do
        "$M" "$B/pgc" generate -m "$dir/migrations" -q "$dir/queries.sql" -n synth -o "$dir/out" \
            >> "$dir/gen.txt"
        rm -f "$dir/out/"*
        "$M" "$BB/parse_only" "$dir/migrations/"*.sql "$dir/queries.sql" >> "$dir/parse.txt"
    done
    g=$(cut -d' ' -f1 "$dir/gen.txt" | stats)
    gmem=$(cut -d' ' -f2 "$dir/gen.txt" | stats | cut -d' ' -f1)
    pq=$(cut -d' ' -f1 "$dir/parse.txt" | stats | cut -d' ' -f1)
    pmem=$(cut -d' ' -f2 "$dir/parse.txt" | stats | cut -d' ' -f1)
    gm=$(echo "$g" | cut -d' ' -f1)
    echo "| $1 migrations, $2 queries | $(echo "$g" | tr ' ' '|' | sed 's/|/ | /g') | $gmem | $pq | $pmem | $(ratio "$gm" "$pq") |"
    eval "gen_$1=$gm parse_$1=$pq"
done
echo
echo "| target | ratio | measured | goal | |"
echo "|---|---|---:|---:|---|"
r=$(ratio "$gen_2000" "$parse_2000")
echo "| 5. generator | pgc generate / parse only, full size | $r | <= 2.00 | $(verdict "$r" "<=" 2) |"
r=$(awk -v f="$gen_2000" -v q="$gen_500" 'BEGIN { printf "%.2f", f / (4 * q) }')
echo "| 5. generator | time at full size / (4 x time at 1/4 size) | $r | <= 1.20 | $(verdict "$r" "<=" 1.2) |"

# Case 6: 1,000 small migration files applied by pgc's runner (a
# transaction and a tracking row per file) and by psql -1 (one transaction).
echo
echo "#### 6. Migrations: 1,000 small files on a new database (wall s; median of $REPS)"
echo
mig=$WORK/mig
"$(dirname "$0")/synth.sh" small "$mig" 1000
set --
for f in "$mig"/*.sql; do set -- "$@" -f "$f"; done
: > "$WORK/mig_pgc.txt"
: > "$WORK/mig_psql.txt"
for r in $(seq "$REPS"); do
    psql -X -q -c "CREATE DATABASE bench_mig_pgc_$r" -c "CREATE DATABASE bench_mig_psql_$r"
    if [ $((r % 2)) = 1 ]; then
        "$M" "$BB/migrate_run" "$PGC_TEST_CONNINFO dbname=bench_mig_pgc_$r" "$mig" >> "$WORK/mig_pgc.txt"
        "$M" psql -X -q -v ON_ERROR_STOP=1 -1 -d "bench_mig_psql_$r" "$@" >> "$WORK/mig_psql.txt"
    else
        "$M" psql -X -q -v ON_ERROR_STOP=1 -1 -d "bench_mig_psql_$r" "$@" >> "$WORK/mig_psql.txt"
        "$M" "$BB/migrate_run" "$PGC_TEST_CONNINFO dbname=bench_mig_pgc_$r" "$mig" >> "$WORK/mig_pgc.txt"
    fi
    psql -X -q -c "DROP DATABASE bench_mig_pgc_$r" -c "DROP DATABASE bench_mig_psql_$r"
done
mp=$(cut -d' ' -f1 "$WORK/mig_pgc.txt" | stats)
ms=$(cut -d' ' -f1 "$WORK/mig_psql.txt" | stats)
echo "| variant | median s | min | max |"
echo "|---|---:|---:|---:|"
echo "| pgc runner (build/bench/migrate_run) | $(echo "$mp" | sed 's/ / | /g') |"
echo "| psql -1 -f ... | $(echo "$ms" | sed 's/ / | /g') |"
r=$(ratio "$(echo "$mp" | cut -d' ' -f1)" "$(echo "$ms" | cut -d' ' -f1)")
echo
echo "| target | ratio | measured | goal | |"
echo "|---|---|---:|---:|---|"
echo "| 6. migrations | pgc runner / psql -1 | $r | <= 1.50 | $(verdict "$r" "<=" 1.5) |"
