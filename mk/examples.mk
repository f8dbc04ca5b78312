# mk/examples.mk - the examples: two dual-mode libraries built with pgc
# (examples/accounts, examples/jobqueue), a host that embeds both on one
# pool and a standalone program.  They build with examples/Makefile, the
# one a user would copy; this only points it at this build's pgc and
# libpgc.  `make demo` (Makefile) runs them; `make test` checks them.

EXAMPLES_OUT := $(B)/examples

.PHONY: examples examples-test examples-check
examples: $(B)/pgc $(B)/libpgc.a
	$(MAKE) -C examples OUT=$(CURDIR)/$(EXAMPLES_OUT) PGC=$(CURDIR)/$(B)/pgc \
	    PGC_LIBS="$(CURDIR)/$(B)/libpgc.a $(LDLIBS_RT)"

# Runs host and standalone on one throwaway cluster, checks their exit
# status, key lines of their output and the database they leave.
examples-test: examples $(B)/pgc-tmpcluster
	$(B)/pgc-tmpcluster -- examples/test.sh $(EXAMPLES_OUT)

TEST_STEPS += examples-test

# Under `make check`: the examples built by clang with ASan and UBSan (on
# build/san's libpgc), then this build's under valgrind; any report fails.
examples-check: $(B)/pgc $(B)/pgc-tmpcluster
	$(MAKE) B=build/san CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" build/san/libpgc.a
	$(MAKE) -C examples CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" \
	    OUT=$(CURDIR)/build/san/examples PGC=$(CURDIR)/$(B)/pgc \
	    PGC_LIBS="$(CURDIR)/build/san/libpgc.a $(LDLIBS_RT)"
	$(B)/pgc-tmpcluster -- examples/test.sh build/san/examples
	$(MAKE) examples
	WRAP="$(VALGRIND)" $(B)/pgc-tmpcluster -- examples/test.sh $(EXAMPLES_OUT)

CHECK_STEPS += examples-check
