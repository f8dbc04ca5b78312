# mk/symbols.mk - `make symbols-test` (part of `make test`): libpgc.so
# exports exactly the functions its installed headers declare
# (tests/symbols/run; the hiding is the Makefile's -fvisibility=hidden on
# the runtime's objects and PGC_BEGIN_DECLS in the headers).
PGC_API_HEADERS := runtime/pgc.h $(wildcard runtime/pgc_gen.h)

.PHONY: symbols-test
symbols-test: $(B)/libpgc.so
	CPPFLAGS="-I $(PG_INC)" tests/symbols/run $(B)/libpgc.so $(PGC_API_HEADERS)
TEST_STEPS += symbols-test
