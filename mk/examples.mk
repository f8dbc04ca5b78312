# mk/examples.mk - the examples: two dual-mode libraries built with pgc
# (examples/accounts, examples/jobqueue), a host that embeds both on one
# pool and a standalone program.  They build with examples/Makefile, the
# one a user would copy; this only points it at this build's pgc and
# libpgc.  `make demo` (Makefile) runs them; `make test` checks them.

EXAMPLES_OUT := $(B)/examples

.PHONY: examples examples-test
examples: $(B)/pgc $(B)/libpgc.a
	$(MAKE) -C examples OUT=$(CURDIR)/$(EXAMPLES_OUT) PGC=$(CURDIR)/$(B)/pgc \
	    PGC_LIBS="$(CURDIR)/$(B)/libpgc.a $(LDLIBS_RT)"

# Runs host and standalone on one throwaway cluster, checks their exit
# status, key lines of their output and the database they leave.
examples-test: examples $(B)/pgc-tmpcluster
	$(B)/pgc-tmpcluster -- examples/test.sh $(EXAMPLES_OUT)

TEST_STEPS += examples-test
