#!/bin/sh
# demo.sh - what `make demo` runs, under pgc-tmpcluster (which started a
# throwaway PostgreSQL cluster and set PGC_TEST_CONNINFO for it):
# the host example, then the accounts library standalone.
#   usage: examples/demo.sh OUT     (OUT: where examples/Makefile built)
set -eu
out=${1:?usage: demo.sh OUT}

# What pgc made of a library: its migration files, then each annotated
# query beside the C function it became (GetUser -> NAME_get_user).
show() {
    printf '  examples/%s -> %s/gen/%s.h and %s.c\n' "$1" "$out" "$1" "$1"
    printf '      migrations: %s\n' "$(cd "examples/$1/migrations" && echo *.sql)"
    sed -n 's/^-- name: \([A-Za-z0-9]*\) \(:[a-z]*\).*/\1 \2/p' "examples/$1/queries.sql" |
        while read -r name cmd; do
            c=$(echo "$name" | sed 's/\([a-z0-9]\)\([A-Z]\)/\1_\2/g' | tr 'A-Z' 'a-z')
            printf '      %-22s %-10s -> %s_%s\n' "$name" "$cmd" "$1" "$c"
        done
}

echo "pgc demo"
echo "========"
echo "pgc read each library's migrations and annotated queries and wrote typed C:"
show accounts
show jobqueue
cat <<TEXT
Each library wraps its generated code in a small API (accounts_lib.h,
jobqueue_lib.h) that runs embedded (on a host's pool, in a schema the host
picks) or standalone (its own pool, from a connection string).

PostgreSQL: a throwaway cluster, made by initdb in a temporary directory,
listening on a Unix socket only, removed when the demo ends.

TEXT

echo "################ 1/2: embedded ($out/host) ################"
"$out/host"
echo
echo "################ 2/2: standalone ($out/standalone) ################"
"$out/standalone"
echo
echo "The demo is over; pgc-tmpcluster now stops the cluster and removes it."
