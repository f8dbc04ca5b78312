# mk/fuzz.mk - libFuzzer harnesses (fuzz/README.md).
#   make fuzz [FUZZ_SECONDS=60]  each harness for that long from its committed
#                                corpus; prints executions, coverage, crashes
#   make fuzz-regress            each harness once over its committed corpus
#                                (part of `make check`; a few seconds)
# clang builds everything in build/fuzz with coverage instrumentation for
# libFuzzer (-fsanitize=fuzzer-no-link) and ASan+UBSan; the harnesses link
# libFuzzer's main() (Debian: libclang-rt-14-dev).

FUZZ_HARNESSES := lex frontend template emit
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_B)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-regress

# The libraries and harnesses, built by a sub-make with B=build/fuzz.
fuzz-build: deps
	$(MAKE) B=$(FUZZ_B) CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" $(FUZZ_BINS)

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_B)/libpgcgen.a $(FUZZ_B)/libpgc.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(FUZZ_B)/libpgcgen.a $(FUZZ_B)/libpgc.a \
	    $(LDLIBS_GEN) $(LDLIBS_RT)

# New inputs go to build/fuzz/corpus/NAME (the committed corpus is only
# read), crashes to build/fuzz/crashes/.  fuzz/run prints the summary.
fuzz: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	    fuzz/run $(FUZZ_B)/fuzz_$$h $(FUZZ_SECONDS) || status=1; \
	done; exit $${status:-0}

# FUZZ_EMIT_CC=1: fuzz_emit also compiles each corpus input's C (strict
# flags) and checks its symbols (fuzz/fuzz_emit.c).
fuzz-regress: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	    FUZZ_EMIT_CC=1 fuzz/run --regress $(FUZZ_B)/fuzz_$$h || status=1; \
	done; exit $${status:-0}

CHECK_STEPS += fuzz-regress

# Line coverage of the code under test by a corpus (llvm-cov, clang's
# source-based coverage): each harness over its committed corpus and the
# inputs of earlier `make fuzz` runs; prints a per-file table.  A developer
# tool, not part of test or check: it needs Debian's llvm package.
FUZZ_COV_B := build/fuzzcov
FUZZ_COV := -fprofile-instr-generate -fcoverage-mapping
.PHONY: fuzz-coverage
fuzz-coverage: deps
	@command -v llvm-cov >/dev/null || { echo "fuzz-coverage needs llvm-cov: apt-get install llvm" >&2; exit 1; }
	$(MAKE) B=$(FUZZ_COV_B) FUZZ_B=$(FUZZ_COV_B) CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_COV)" \
	    LDFLAGS="-fsanitize=fuzzer $(FUZZ_COV)" $(FUZZ_HARNESSES:%=$(FUZZ_COV_B)/fuzz_%)
	@for h in $(FUZZ_HARNESSES); do \
	    mkdir -p build/fuzz/corpus/$$h; \
	    LLVM_PROFILE_FILE=$(FUZZ_COV_B)/$$h.profraw $(FUZZ_COV_B)/fuzz_$$h -runs=0 \
	        fuzz/corpus/$$h build/fuzz/corpus/$$h >/dev/null 2>&1 || exit 1; \
	    llvm-profdata merge -sparse -o $(FUZZ_COV_B)/$$h.profdata $(FUZZ_COV_B)/$$h.profraw; \
	    echo "== $$h"; \
	    llvm-cov report $(FUZZ_COV_B)/fuzz_$$h -instr-profile=$(FUZZ_COV_B)/$$h.profdata \
	        -ignore-filename-regex='/fuzz/fuzz[_.]|^/usr/' | \
	        awk -v top=$(CURDIR)/ '$$1 ~ /^TOTAL$$|\.c$$/ { sub(top, "", $$1); \
	            printf "  %-30s lines %7s of %5s\n", $$1, $$10, $$8 }'; \
	done
