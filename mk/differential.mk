# mk/differential.mk - the differential step through the generated code:
# tests/run-differential generates each corpus of tests/corpus, drives every
# generated function it can (standalone, and embedded in two schemas on one
# pool) and compares the rows with psql's for the same rendered SQL and
# values.  `make differential` runs it alone; `make test` runs it too.

.PHONY: differential
differential: $(B)/pgc $(B)/libpgc.a $(B)/pgc-tmpcluster
	$(B)/pgc-tmpcluster -q -- tests/run-differential $(B)/pgc

TEST_STEPS += differential
