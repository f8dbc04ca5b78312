# mk/tsan.mk - the multi-threaded suites under ThreadSanitizer (part of
# `make check`).  ASan and TSan cannot share a binary, so these get their
# own clang build in build/tsan.  Any data race or lock-order report makes
# the suite exit non-zero (TSan's exitcode, 66), so run-suites fails it.
#   make tsan-check
# A suite that starts threads belongs in TSAN_TESTS (a fragment may add
# its own with +=).

TSAN_TESTS += test_pool test_trace
# the retry policy: two threads whose transactions conflict or deadlock
TSAN_TESTS += test_retry
# non-blocking calls: pgc_asyncs of two threads on one db
TSAN_TESTS += test_async
# fuzz/threads.c: a randomized workload of 8 threads on one pool, built
# like a test suite (its binary is build/tsan/tests/threads).
TSAN_TESTS += threads
build/tsan/tests/threads.o: fuzz/threads.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
# halt_on_error=0: print every race of a run, then fail.  second_deadlock_stack
# shows both stacks of a lock-order inversion.
TSAN_OPTIONS_CHECK := halt_on_error=0 second_deadlock_stack=1 history_size=4
# clang 14's TSan dies ("unexpected memory mapping") on kernels that
# randomize mmap with more bits than it expects (vm.mmap_rnd_bits = 32);
# setarch -R (util-linux) runs the suites without address randomization.
TSAN_RUN := setarch $(shell uname -m) -R

.PHONY: tsan-check
tsan-check: deps
	$(MAKE) B=build/tsan CC=clang CFLAGS="-O1 -g $(TSAN_FLAGS)" LDFLAGS="$(TSAN_FLAGS)" \
	    build/tsan/pgc-tmpcluster $(TSAN_TESTS:%=build/tsan/tests/%)
	TSAN_OPTIONS="$(TSAN_OPTIONS_CHECK)" $(TSAN_RUN) build/tsan/pgc-tmpcluster -- \
	    tests/run-suites $(TSAN_TESTS:%=build/tsan/tests/%)

CHECK_STEPS += tsan-check
