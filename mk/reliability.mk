# mk/reliability.mk - the reliability suites (tests/reliability/, see
# RELIABILITY.md): many processes migrating at once, faults (backends
# terminated, the server restarted, a migrating process killed, pool
# exhaustion, statement timeouts), hostile input to the runtime and to the
# pgc command, and PgBouncer in transaction pooling mode.
#
#   make reliability        full sizes (16 processes x 50 rounds, 10k calls, ...)
#                           and failover on a pg_auto_failover formation
#   make reliability-quick  reduced sizes; part of `make test`
#   make reliability-failover  only the failover suite (rel_failover), under
#                           tests/reliability/formation (a monitor and two
#                           nodes of its own, torn down afterwards)
#
# Sizes come from the environment (REL_PROCS, REL_ROUNDS, REL_CALLS, REL_THREADS,
# REL_BIG_MB, REL_QUERY_MB; REL_FAILOVER_ROUNDS and REL_THREADS for the
# failover suite); the suites' defaults are the full ones.

REL := tests/reliability
REL_SUITES := $(addprefix reliability/,rel_concurrency rel_faults rel_hostile rel_pgbouncer)
REL_BINS := $(REL_SUITES:%=$(B)/tests/%)
REL_FAILOVER := $(B)/tests/reliability/rel_failover
REL_QUICK := REL_ROUNDS=10 REL_PROCS=16 REL_CALLS=5000 REL_BIG_MB=20 REL_QUERY_MB=10
REL_FULL := REL_ROUNDS=50 REL_PROCS=16 REL_CALLS=10000 REL_BIG_MB=50 REL_QUERY_MB=10

.PHONY: reliability reliability-quick reliability-build reliability-failover
TEST_STEPS += reliability-quick

# The suites (linked by the Makefile's suite rule) share tests/reliability/rel.c
# and the generated library "ledger".
$(eval $(call pgc_generate,ledger,$(REL)/ledger/migrations,$(REL)/ledger/queries.sql,$(B)/emit))
$(REL_BINS) $(REL_FAILOVER): $(B)/tests/reliability/rel.o $(B)/emit/ledger.o
$(REL_BINS:=.o) $(REL_FAILOVER).o: $(B)/emit/ledger.h

reliability-build: all $(REL_BINS) $(REL_FAILOVER)

# Each suite gets its own throwaway cluster (the fault suite also starts
# and restarts one of its own; the PgBouncer suite puts one in front).
reliability-quick: reliability-build
	env $(REL_QUICK) $(B)/pgc-tmpcluster -q -- tests/run-suites $(REL_BINS)
	env $(REL_QUICK) $(REL)/hostile-cli $(B)/pgc

reliability: deps reliability-build
	env $(REL_FULL) $(B)/pgc-tmpcluster -q -- tests/run-suites $(REL_BINS)
	env $(REL_FULL) $(REL)/hostile-cli $(B)/pgc
	$(REL)/formation run $(REL_FAILOVER)

# Failover: the suite runs under a formation the script creates and removes
# (pg_autoctl as the postgres user when root; see the script).
reliability-failover: deps $(REL_FAILOVER)
	$(REL)/formation run $(REL_FAILOVER)

# In `make check`: the suites at small sizes, built by clang with ASan and
# UBSan in build/san (which `make check` has just built), and the pgc
# command of that build on the hostile files.
REL_SAN_SIZES := REL_ROUNDS=2 REL_PROCS=8 REL_CALLS=2000 REL_BIG_MB=4 REL_QUERY_MB=2
.PHONY: reliability-san
CHECK_STEPS += reliability-san
reliability-san:
	$(MAKE) B=build/san CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" reliability-build
	env $(REL_SAN_SIZES) build/san/pgc-tmpcluster -q -- tests/run-suites \
	    $(REL_SUITES:%=build/san/tests/%)
	env $(REL_SAN_SIZES) CC=clang $(REL)/hostile-cli build/san/pgc

# One fault test run N times on its own (REL_REPEAT, default 50), stopping
# at the first failure, whose output is kept in build/rel-repeat.log:
#   make reliability-repeat REL_TEST=faults__server_restarted__pool_recovers
REL_TEST ?= faults__server_restarted__pool_recovers
REL_REPEAT ?= 50
.PHONY: reliability-repeat
reliability-repeat: reliability-build
	@for i in $$(seq $(REL_REPEAT)); do \
	    env $(REL_QUICK) REL_ONLY=$(REL_TEST) $(B)/pgc-tmpcluster -q -- $(B)/tests/reliability/rel_faults \
	        > $(B)/rel-repeat.log 2>&1 || { echo "run $$i of $(REL_REPEAT): FAILED"; \
	        cat $(B)/rel-repeat.log; exit 1; }; \
	    echo "run $$i of $(REL_REPEAT): ok"; \
	done
