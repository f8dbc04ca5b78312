# mk/fuzz.mk - libFuzzer harnesses (fuzz/README.md).
#   make fuzz [FUZZ_SECONDS=60]  each harness for that long from its committed
#                                corpus; prints executions, coverage, crashes
#   make fuzz-regress            each harness once over its committed corpus
#                                (part of `make check`; a few seconds)
# clang builds everything in build/fuzz with coverage instrumentation for
# libFuzzer (-fsanitize=fuzzer-no-link) and ASan+UBSan; the harnesses link
# libFuzzer's main() (Debian: libclang-rt-14-dev).

FUZZ_HARNESSES := lex frontend template
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_B)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-regress

# The libraries and harnesses, built by a sub-make with B=build/fuzz.
fuzz-build: deps
	$(MAKE) B=$(FUZZ_B) CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" $(FUZZ_BINS)

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_B)/libpgcgen.a $(FUZZ_B)/libpgc.a \
                  $(wildcard runtime/*.h generator/*.h)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(FUZZ_B)/libpgcgen.a $(FUZZ_B)/libpgc.a \
	    $(LDLIBS_GEN) $(LDLIBS_RT)

# New inputs go to build/fuzz/corpus/NAME (the committed corpus is only
# read), crashes to build/fuzz/crashes/.  fuzz/run prints the summary.
fuzz: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	    fuzz/run $(FUZZ_B)/fuzz_$$h $(FUZZ_SECONDS) || status=1; \
	done; exit $${status:-0}

fuzz-regress: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	    fuzz/run --regress $(FUZZ_B)/fuzz_$$h || status=1; \
	done; exit $${status:-0}

CHECK_STEPS += fuzz-regress
