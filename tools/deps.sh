#!/bin/sh
# tools/deps.sh - the Debian packages pgc needs to build, test and run its
# demo.  Prints the missing ones; with --install (as root) installs them;
# with --list prints them all.
# Used by .ci/run and by `make deps` (which `make demo` and `make test` run).
set -eu

PACKAGES="build-essential clang re2c libpq-dev libssl-dev libpg-query-dev libprotobuf-c-dev
libcmocka-dev postgresql valgrind"
# make install-test: the consumer projects use pkg-config and CMake.
PACKAGES="$PACKAGES cmake pkgconf"
# tests/reliability: PgBouncer in transaction pooling mode in front of the test cluster.
PACKAGES="$PACKAGES pgbouncer"
# make bench: the ECPG reference (the ecpg preprocessor and libecpg).
PACKAGES="$PACKAGES libecpg-dev"
# make bench: pgbench, the server's reference, comes with postgresql (in postgresql-15 on Debian 12).
# make test: the man page is checked with groff (-ww).
PACKAGES="$PACKAGES groff-base"
# make test: tests/run-differential is a Python 3 script.
PACKAGES="$PACKAGES python3"
# make test: tests/run-dump compares pgc describe's JSON catalogs with jq.
PACKAGES="$PACKAGES jq"
# make test: the event-loop examples (examples/evloop) run on libuv and libev.
PACKAGES="$PACKAGES libuv1-dev libev-dev"
# make reliability (and its quick failover check in make test): a pg_auto_failover formation
# (monitor + two nodes) started by tests/reliability/formation.
PACKAGES="$PACKAGES postgresql-15-auto-failover pg-auto-failover-cli"
# make check: libFuzzer's and ThreadSanitizer's runtimes for clang.
PACKAGES="$PACKAGES libclang-rt-14-dev"

if [ "${1:-}" = "--list" ]; then
    echo $PACKAGES
    exit 0
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "${1:-}" = "--install" ] && [ "$(id -u)" = 0 ]; then
    echo "installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
    exit 0
fi

echo "pgc: missing Debian packages:$missing" >&2
echo "install them with:  sudo apt-get install$missing" >&2
exit 1
