# mk/bench.mk - `make bench`: the benchmarks of issues 6 and 14 (see
# BENCHMARKS.md).
#
# pgc's side runs the code `pgc generate` writes from bench/schema (what
# users get), compiled -O2 with the strict flags users compile it with; the
# references are hand-tuned and naive libpq and ECPG (bench/ecpg_cases.pgc,
# preprocessed by `ecpg` and by `ecpg -r prepare`).  The whole run happens
# in one throwaway cluster started under `taskset -c 1`, so the server and
# the client share CPU 1 (the server inherits the affinity); bench/run.sh
# moves the client to CPU 0 for the cross-CPU layout.  Not part of make
# test: it takes minutes and its figures depend on the machine.
# `make bench-build` only compiles the programs (with -Werror).
# `make bench-generator` runs case 5 alone (the generator against
# libpg_query parsing alone: CPU, peak memory, growth), with no server.
# `make bench-instr` runs the client instruction counts alone (callgrind,
# pgc against hand-written libpq, issue 14's three targets), in a minute
# or two.

BENCH_B      := $(B)/bench
BENCH_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
                -Wmissing-prototypes -O2 -g -D_POSIX_C_SOURCE=200809L -pthread $(DEPFLAGS)
BENCH_INC    := -I bench -I runtime -I $(BENCH_B)/gen -I examples/trace -I $(PG_INC)
BENCH_PROGS  := $(BENCH_B)/client $(BENCH_B)/async $(BENCH_B)/measure $(BENCH_B)/parse_only \
                $(BENCH_B)/migrate_run

# The CPU the server and the client share; bench/run.sh puts the client on
# BENCH_OTHER_CPU for the cross-CPU layout.
BENCH_CPU       ?= 1
BENCH_OTHER_CPU ?= 0

.PHONY: bench bench-build bench-generator bench-instr
bench-build: $(BENCH_PROGS) $(B)/pgc $(B)/pgc-tmpcluster

bench: bench-build
	@mkdir -p $(BENCH_B)
	BENCH_OTHER_CPU=$(BENCH_OTHER_CPU) taskset -c $(BENCH_CPU) $(B)/pgc-tmpcluster -q -- \
	    bench/run.sh $(B) | tee $(BENCH_B)/results.md.tmp
	mv $(BENCH_B)/results.md.tmp $(BENCH_B)/results.md
	@echo "written to $(BENCH_B)/results.md"

bench-instr: bench-build
	@mkdir -p $(BENCH_B)
	taskset -c $(BENCH_CPU) $(B)/pgc-tmpcluster -q -- bench/run.sh $(B) instr \
	    | tee $(BENCH_B)/instr.md.tmp
	mv $(BENCH_B)/instr.md.tmp $(BENCH_B)/instr.md
	@echo "written to $(BENCH_B)/instr.md"

bench-generator: $(B)/pgc $(BENCH_B)/measure $(BENCH_B)/parse_only
	bench/run.sh $(B) generator | tee $(BENCH_B)/generator.md.tmp
	mv $(BENCH_B)/generator.md.tmp $(BENCH_B)/generator.md
	@echo "written to $(BENCH_B)/generator.md"

$(eval $(call pgc_generate,benchq,bench/schema/migrations,bench/schema/queries.sql,$(BENCH_B)/gen))

$(BENCH_B)/benchq.o: $(BENCH_B)/gen/benchq.c $(BENCH_B)/gen/benchq.h
	$(CC) $(BENCH_CFLAGS) -Woverlength-strings $(BENCH_INC) -c -o $@ $<

# ECPG's output is not -Wpedantic clean (it is not ours to fix): the other
# warnings stay errors.
$(BENCH_B)/ecpg_%.c: bench/ecpg_cases.pgc
	@mkdir -p $(@D)
	sed 's/VARIANT/$*/g' $< > $(BENCH_B)/ecpg_$*.pgc
	ecpg $(if $(filter prepare,$*),-r prepare) -o $@ $(BENCH_B)/ecpg_$*.pgc

$(BENCH_B)/ecpg_%.o: $(BENCH_B)/ecpg_%.c
	$(CC) $(filter-out -Wpedantic -Wmissing-prototypes -Wstrict-prototypes,$(BENCH_CFLAGS)) \
	    $(BENCH_INC) -c -o $@ $<

# (benchq.h is generated: it exists before any of them compiles.)
$(BENCH_B)/%.o: bench/%.c | $(BENCH_B)/gen/benchq.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(BENCH_INC) -c -o $@ $<

# README's trace hooks, whose cost the lookup case measures.
$(BENCH_B)/trace_hooks.o: examples/trace/trace_hooks.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(BENCH_INC) -c -o $@ $<

$(BENCH_B)/client: $(BENCH_B)/client.o $(BENCH_B)/benchq.o $(BENCH_B)/ecpg_default.o \
                   $(BENCH_B)/ecpg_prepare.o $(BENCH_B)/trace_hooks.o $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ -lecpg -lpgtypes $(LDLIBS_RT)

# Issue 14's cases: pgc_async and pipes against hand-written libpq.
$(BENCH_B)/async: $(BENCH_B)/async.o $(BENCH_B)/benchq.o $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_RT)

$(BENCH_B)/measure: $(BENCH_B)/measure.o
	$(CC) $(LDFLAGS) -o $@ $^

$(BENCH_B)/parse_only: $(BENCH_B)/parse_only.o
	$(CC) $(LDFLAGS) -o $@ $^ -lpg_query

$(BENCH_B)/migrate_run: $(BENCH_B)/migrate_run.o $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_RT)
