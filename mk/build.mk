# mk/build.mk - `make build-test`: the build itself (tests/build/run), in a
# scratch copy of the tree: plain `make` builds what README says, a build
# with nothing changed runs nothing, and touching a header rebuilds exactly
# the objects whose source includes it (the compiler's -MM is the judge).
# Part of `make test`; needs no server.
.PHONY: build-test
build-test:
	CC='$(CC)' tests/build/run '$(SCRIPT_MAKE)'

TEST_STEPS += build-test
