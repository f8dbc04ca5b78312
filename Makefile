# pgc - build, test.  A newcomer's map:
#   make            libpgc.a, libpgc.so, libpgc-test.a, pgc-tmpcluster
#   make demo       the dual-mode idea on a throwaway PostgreSQL cluster
#   make test       every cmocka suite against a throwaway PostgreSQL cluster
#   make deps       install the Debian packages (as root) or name the missing
#   make check      test under clang with ASan+UBSan, then under valgrind
#   make clean
# Everything is built in build/.  Generated C (re2c) goes to build/gen/.

CC      ?= cc
RE2C    ?= re2c
PG_INC  := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wswitch-enum
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) -D_POSIX_C_SOURCE=200809L -fPIC -pthread \
           -I runtime -I tests -I build/gen -I $(PG_INC)
LDLIBS_RT := -lpq -lcrypto -pthread
B       := build

RUNTIME_SRC := runtime/error.c runtime/config.c runtime/pool.c runtime/db.c \
               runtime/template.c runtime/query.c runtime/tx.c runtime/migrate.c \
               runtime/sqltext.c
RUNTIME_GEN := $(B)/gen/sqllex.c
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(B)/%.o) $(B)/gen/sqllex.o
TESTLIB_OBJ := $(B)/runtime/pgc_test.o

TESTS := test_sqltext test_config test_pool test_db test_migrate test_cluster
TEST_BINS := $(TESTS:%=$(B)/tests/%)

.PHONY: all test demo check clean deps
.SECONDARY:
all: $(B)/libpgc.a $(B)/libpgc.so $(B)/libpgc-test.a $(B)/pgc-tmpcluster

$(B)/gen/sqllex.c: runtime/sqllex.re runtime/sqllex.h
	@mkdir -p $(@D)
	$(RE2C) -W -Werror --no-generation-date --no-version -o $@ $<

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c runtime/pgc.h $(wildcard runtime/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libpgc.a: $(RUNTIME_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/libpgc.so: $(RUNTIME_OBJ)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libpgc.so.0 -o $@ $^ $(LDLIBS_RT)

$(B)/libpgc-test.a: $(TESTLIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/pgc-tmpcluster: $(B)/tools/pgc_tmpcluster.o $(B)/libpgc-test.a $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_RT)

$(B)/tests/%: $(B)/tests/%.o $(B)/tests/fixture.o $(B)/libpgc-test.a $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS_RT)

# Installs missing Debian packages when run as root, else names them.
deps:
	@tools/deps.sh --install

# All suites share one throwaway cluster started by pgc-tmpcluster.
test: deps
	$(MAKE) all $(TEST_BINS)
	$(B)/pgc-tmpcluster -- tests/run-suites $(TEST_BINS)

$(B)/runtime-demo: $(B)/examples/runtime-demo/demo.o $(B)/libpgc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_RT)

demo: deps
	$(MAKE) $(B)/pgc-tmpcluster $(B)/runtime-demo
	$(B)/pgc-tmpcluster -- $(B)/runtime-demo

# The suites again: built by clang with ASan and UBSan (any report fails),
# then the gcc build under valgrind memcheck (any error or leak fails).
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --child-silent-after-fork=yes
check: deps
	$(MAKE) B=build/san CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all $(TESTS:%=build/san/tests/%)
	build/san/pgc-tmpcluster -- tests/run-suites $(TESTS:%=build/san/tests/%)
	$(MAKE) all $(TEST_BINS)
	$(B)/pgc-tmpcluster -- tests/run-suites --wrap "$(VALGRIND)" $(TEST_BINS)

clean:
	rm -rf $(B)
