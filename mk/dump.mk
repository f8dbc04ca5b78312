# make dump-test: pg_dump --schema-only of each migrated corpus database
# reads as migrations and yields the same catalog (tests/run-dump).
.PHONY: dump-test
dump-test:
	$(MAKE) $(B)/pgc $(B)/pgc-tmpcluster
	$(B)/pgc-tmpcluster -- tests/run-dump $(B)/pgc

TEST_STEPS += dump-test
