#!/bin/sh
# test.sh - `make test`'s check of the examples, under pgc-tmpcluster (a
# throwaway cluster, PGC_TEST_CONNINFO and psql's PG* variables set).
# The programs check themselves and exit 1 at the first surprise; this
# checks that they did run to the end, a few lines of what they printed,
# and, with psql, the database they leave behind.
#   usage: [WRAP="valgrind ..."] examples/test.sh OUT
# OUT is where examples/Makefile built; WRAP, a command to run each
# program under (make check: valgrind).
set -u
out=${1:?usage: test.sh OUT}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failures=0

fail() {
    echo "examples: FAIL: $*" >&2
    failures=$((failures + 1))
}

# run WANT_STATUS PROGRAM ARG...: runs it (under $WRAP), its output in $log.
run() {
    want=$1
    shift
    # $WRAP is split into words on purpose: a command and its options.
    # shellcheck disable=SC2086
    ${WRAP:-} "$@" >"$log" 2>&1
    status=$?
    if [ "$status" -ne "$want" ]; then
        fail "$* exited $status, not $want"
        sed 's/^/    | /' "$log" >&2
    fi
}

# has LINE: the last output has this exact line.
has() {
    grep -qxF -- "$1" "$log" || fail "no line \"$1\" in the output of $cmd"
}

# sql QUERY EXPECTED: psql's unaligned answer is EXPECTED.
sql() {
    got=$(psql -X -A -t -F ' ' -c "$1" 2>&1 | tr '\n' ';')
    [ "$got" = "$2" ] || fail "$1: got \"$got\", want \"$2\""
}

cmd=host
run 0 "$out/host"
has "host: all checks passed"
has "  billing  (accounts)  tables: balances, pgc_migrations, transfers, users"
has "  jobs     (jobqueue)  tables: jobs, pgc_migrations; enum: job_state"
has "  worker B claims job 2 at once: job 1 is locked, so it is skipped, not waited for"
has "  job 4: failed after 2 attempts, last error: insufficient funds"
has "  migrations applied on the second start: accounts 0, jobqueue 0"
sql "SELECT u.email, b.cents FROM billing.users u JOIN billing.balances b ON b.user_id = u.id ORDER BY u.id" \
    "ada@example.com 4500;bob@example.com 1500;carol@example.com 6000;"
sql "SELECT state, count(*) FROM jobs.jobs GROUP BY 1 ORDER BY 1" "done 3;failed 1;"
sql "SELECT schema_name, module, version FROM billing.pgc_migrations UNION ALL SELECT schema_name, module, version FROM jobs.pgc_migrations ORDER BY 1, 3" \
    "billing accounts 1;billing accounts 2;jobs jobqueue 1;jobs jobqueue 2;"
sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "0;"

# Its own checks can fail: a second run finds the migrations applied.
run 1 "$out/host"
has "host: unexpected: 2 accounts migrations"

cmd=standalone
run 0 "$out/standalone"
has "standalone: all checks passed"
has "  tables in public: balances, pgc_migrations, transfers, users"
has "  erin@example.com -> dave@example.com 100.00: PGC_ESQL, SQLSTATE 23514"
has "  transfer 1  dave@example.com -> erin@example.com  12.50  reference (none)"
sql "SELECT email, cents FROM users JOIN balances ON user_id = id ORDER BY id" \
    "dave@example.com 3750;erin@example.com 2250;"
sql "SELECT schema_name, module, version FROM public.pgc_migrations ORDER BY 3" \
    "public accounts 1;public accounts 2;"

# The same library standalone in a schema of its choosing.
run 0 "$out/standalone" "$PGC_TEST_CONNINFO" solo
has "  tables in solo: balances, pgc_migrations, transfers, users"
sql "SELECT count(*) FROM solo.users" "2;"

# Bad input: a clear message and a non-zero exit, never a crash.
run 1 "$out/standalone" "host=/nonexistent-pgc-dir"
grep -q '^standalone: open accounts: PGC_ECONNECT: ' "$log" || fail "bad conninfo: $(cat "$log")"
run 1 "$out/standalone" "$PGC_TEST_CONNINFO" 'bad"schema'
grep -q '^standalone: open accounts: PGC_EIDENT: ' "$log" || fail "bad schema: $(cat "$log")"
conninfo=$PGC_TEST_CONNINFO
unset PGC_TEST_CONNINFO
cmd=host
run 2 "$out/host"
has "usage: host CONNINFO  (or set PGC_TEST_CONNINFO)"
export PGC_TEST_CONNINFO="$conninfo"

# The event loops: the accounts library's non-blocking calls, standalone
# (schema LOOP_solo) and embedded twice on one pool (LOOP_a, LOOP_b).
for loop in epoll uv ev; do
    cmd=evloop_$loop
    run 0 "$out/evloop_$loop"
    has "evloop_$loop: all checks passed"
    for schema in solo a b; do
        has "evloop_$loop: schema ${loop}_$schema: 2000 calls, 64 in flight over 4 connections: 1800 balances right, 200 overdrafts refused (23514), 0 wrong"
    done
    sql "SELECT count(*) FROM ${loop}_a.users UNION ALL SELECT sum(cents) FROM ${loop}_b.balances" \
        "40;2010140;"
done

if [ "$failures" -ne 0 ]; then
    echo "examples: $failures check(s) failed" >&2
    exit 1
fi
echo "examples: host, standalone and the event loops passed every check"
