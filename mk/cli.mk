# pgc migrate (generator/migrate_cli.c) and its suite (tests/cli/migrate.c).
#
# migrate_cli.o goes into libpgcgen.a with the rest of generator/*.c.

# The suite (build/tests/cli/migrate, linked by the Makefile's suite rule)
# runs build/pgc as a child process.  tests/cli/migrations is also generated
# as the library "clilib" (migrations only) and linked in, so the suite can
# check that the CLI and the embedded set agree on every file and checksum.
$(eval $(call pgc_generate,clilib,tests/cli/migrations,,$(B)/emit))
$(B)/tests/cli/migrate: $(B)/emit/clilib.o
$(B)/tests/cli/migrate.o: $(B)/emit/clilib.h

# make test: the suite on a throwaway cluster.  make check: the suite and
# every pgc it runs built with ASan+UBSan, then every pgc run under valgrind.
.PHONY: cli-test cli-check
cli-test:
	$(MAKE) $(B)/pgc $(B)/pgc-tmpcluster $(B)/tests/cli/migrate
	PGC_BIN=$(B)/pgc $(B)/pgc-tmpcluster -- tests/run-suites $(B)/tests/cli/migrate

cli-check:
	$(MAKE) B=build/san CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" build/san/pgc \
	    build/san/pgc-tmpcluster build/san/tests/cli/migrate
	PGC_BIN=build/san/pgc build/san/pgc-tmpcluster -- tests/run-suites build/san/tests/cli/migrate
	$(MAKE) $(B)/pgc $(B)/pgc-tmpcluster $(B)/tests/cli/migrate
	PGC_BIN=$(B)/pgc PGC_CLI_WRAP="$(VALGRIND)" $(B)/pgc-tmpcluster -- \
	    tests/run-suites --wrap "$(VALGRIND)" $(B)/tests/cli/migrate

TEST_STEPS += cli-test
CHECK_STEPS += cli-check

# The man page renders without a warning (groff is not a dependency: the
# check is skipped where it is not installed).
.PHONY: cli-man
cli-man:
	@out=$$(groff -man -Tutf8 -ww man/pgc.1 2>&1 >/dev/null) || { echo "$$out"; exit 1; }; \
	if [ -n "$$out" ]; then echo "$$out"; echo "man/pgc.1: groff warnings"; exit 1; fi; \
	echo "man/pgc.1: renders without warnings"
TEST_STEPS += cli-man
