# mk/install.mk - `make install` / `make uninstall`, and the test that a
# project outside this tree can build against the installed copy.
#
#   make install   PREFIX=/usr/local DESTDIR=     (both optional)
#   make uninstall PREFIX=/usr/local DESTDIR=     (same values as install)
#
# What goes where (PREFIX=/usr/local):
#   bin/pgc                     the generator
#   bin/pgc-tmpcluster          runs a command against a throwaway cluster
#   include/pgc.h               the runtime's API
#   include/pgc_gen.h, pgc_types.def  what generated code calls besides (it includes them)
#   include/pgc_test.h          test helpers: throwaway clusters and databases
#   lib/libpgc.a                the runtime, static
#   lib/libpgc.so.X.Y.Z         the runtime, shared; libpgc.so.0 (the soname)
#                               and libpgc.so (for -lpgc) are symlinks to it
#   lib/libpgc-test.a           the test helpers (static only: tests link them)
#   lib/pkgconfig/pgc.pc        pkg-config: `pkg-config --cflags --libs pgc`,
#   lib/pkgconfig/pgc-test.pc     variables pgc (the binary) and pgcmk
#   lib/cmake/pgc/pgcConfig.cmake, pgcConfigVersion.cmake
#                               find_package(pgc): pgc::pgc, pgc::test and
#                               pgc_generate() (see dist/pgcConfig.cmake.in)
#   share/pgc/pgc.mk            the make rule for `pgc generate` (dist/pgc.mk)
#   share/man/man1/pgc.1        the man page, when man/pgc.1 exists
#
# DESTDIR stages the tree (packaging): files land in $(DESTDIR)$(PREFIX)
# but name $(PREFIX) inside.  The CMake package finds everything relative
# to its own location, so it also works from a moved tree; pgc.pc names
# $(PREFIX) (pkg-config's --define-prefix relocates it).
#
# Nothing here rebuilds with different flags: install takes what `make`
# built in $(B) (binaries keep their debug info; strip when packaging).

PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATADIR      ?= $(PREFIX)/share
MANDIR       ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR     ?= $(LIBDIR)/cmake/pgc
INSTALL      ?= install

# One version, from pgc.h (PGC_VERSION), names the shared library file and
# goes into pgc.pc and pgcConfigVersion.cmake.  The soname's major number
# must match -soname in the Makefile's libpgc.so rule (the install test
# reads the soname from the built file and fails if they drift apart).
PGC_VERSION_STR := $(shell sed -n 's/^\#define PGC_VERSION "\([^"]*\)".*/\1/p' runtime/pgc.h)
PGC_SOMAJOR     := 0
PGC_SHLIB       := libpgc.so.$(PGC_VERSION_STR)
PGC_MANPAGE     := $(wildcard man/pgc.1)

# The installed directories in terms of ${prefix}, for pgc.pc (so that
# `pkg-config --define-prefix` can relocate it); a directory outside PREFIX
# stays absolute.
pgc__pcdir = $(patsubst $(PREFIX)%,$${prefix}%,$(1))

# The installed files name PREFIX, so it must be absolute.  Templates are
# filled with sed; a path with a `|` in it would break the expression, so
# refuse it rather than write a wrong file.
pgc__check_paths = $(if $(PGC_VERSION_STR),,$(error cannot read PGC_VERSION from runtime/pgc.h)) \
                   $(if $(filter /%,$(PREFIX)),,$(error PREFIX must be an absolute path, not '$(PREFIX)')) \
                   $(if $(findstring |,$(PREFIX)$(LIBDIR)$(BINDIR)$(INCLUDEDIR)$(DATADIR)), \
                     $(error install paths must not contain '|'))

# pgcConfig.cmake finds the prefix as a path relative to its own folder:
# "../../.." for the default layout, whatever PREFIX is.
pgc__cmake_up = $(shell realpath -m --relative-to='$(CMAKEDIR)' '$(PREFIX)')
pgc__rel      = $(shell realpath -m --relative-to='$(PREFIX)' '$(1)')

$(B)/dist/pgc.pc: dist/pgc.pc.in runtime/pgc.h FORCE_INSTALL_VARS
	$(pgc__check_paths)
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pgc__pcdir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pgc__pcdir,$(INCLUDEDIR))|g' \
	    -e 's|@BINDIR@|$(call pgc__pcdir,$(BINDIR))|g' \
	    -e 's|@DATADIR@|$(call pgc__pcdir,$(DATADIR))|g' \
	    -e 's|@VERSION@|$(PGC_VERSION_STR)|g' $< > $@.tmp && mv $@.tmp $@

$(B)/dist/pgc-test.pc: dist/pgc-test.pc.in runtime/pgc.h FORCE_INSTALL_VARS
	$(pgc__check_paths)
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pgc__pcdir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pgc__pcdir,$(INCLUDEDIR))|g' \
	    -e 's|@VERSION@|$(PGC_VERSION_STR)|g' $< > $@.tmp && mv $@.tmp $@

$(B)/dist/pgcConfig.cmake: dist/pgcConfig.cmake.in runtime/pgc.h FORCE_INSTALL_VARS
	$(pgc__check_paths)
	@mkdir -p $(@D)
	sed -e 's|@PREFIX_FROM_CMAKEDIR@|$(pgc__cmake_up)|g' \
	    -e 's|@REL_BINDIR@|$(call pgc__rel,$(BINDIR))|g' \
	    -e 's|@REL_LIBDIR@|$(call pgc__rel,$(LIBDIR))|g' \
	    -e 's|@REL_INCLUDEDIR@|$(call pgc__rel,$(INCLUDEDIR))|g' \
	    -e 's|@REL_DATADIR@|$(call pgc__rel,$(DATADIR))|g' \
	    -e 's|@SHLIB@|$(PGC_SHLIB)|g' -e 's|@SONAME@|libpgc.so.$(PGC_SOMAJOR)|g' \
	    -e 's|@VERSION@|$(PGC_VERSION_STR)|g' $< > $@.tmp && mv $@.tmp $@

# The pointer size of the compiler that built libpgc, for CMake's check.
$(B)/dist/pgcConfigVersion.cmake: dist/pgcConfigVersion.cmake.in runtime/pgc.h
	@mkdir -p $(@D)
	sed -e 's|@VERSION@|$(PGC_VERSION_STR)|g' \
	    -e 's|@VERSION_MAJOR@|$(word 1,$(subst ., ,$(PGC_VERSION_STR)))|g' \
	    -e 's|@VERSION_MINOR@|$(word 2,$(subst ., ,$(PGC_VERSION_STR)))|g' \
	    -e "s|@SIZEOF_VOID_P@|$$(echo __SIZEOF_POINTER__ | $(CC) -E -P - | tail -n 1)|g" \
	    $< > $@.tmp && mv $@.tmp $@

# The filled-in files depend on the install paths, which live on the
# command line, not in a file: always refill them (it is cheap).
.PHONY: FORCE_INSTALL_VARS install uninstall install-test
FORCE_INSTALL_VARS:

PGC_DIST := $(B)/dist/pgc.pc $(B)/dist/pgc-test.pc $(B)/dist/pgcConfig.cmake \
            $(B)/dist/pgcConfigVersion.cmake

install: $(B)/pgc $(B)/pgc-tmpcluster $(B)/libpgc.a $(B)/libpgc.so $(B)/libpgc-test.a $(PGC_DIST)
	$(pgc__check_paths)
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)' \
	    '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)' '$(DESTDIR)$(DATADIR)/pgc'
	$(INSTALL) -m 755 $(B)/pgc $(B)/pgc-tmpcluster '$(DESTDIR)$(BINDIR)/'
	$(INSTALL) -m 644 runtime/pgc.h runtime/pgc_gen.h runtime/pgc_types.def runtime/pgc_test.h '$(DESTDIR)$(INCLUDEDIR)/'
	$(INSTALL) -m 644 $(B)/libpgc.a $(B)/libpgc-test.a '$(DESTDIR)$(LIBDIR)/'
	$(INSTALL) -m 755 $(B)/libpgc.so '$(DESTDIR)$(LIBDIR)/$(PGC_SHLIB)'
	ln -sfn $(PGC_SHLIB) '$(DESTDIR)$(LIBDIR)/libpgc.so.$(PGC_SOMAJOR)'
	ln -sfn libpgc.so.$(PGC_SOMAJOR) '$(DESTDIR)$(LIBDIR)/libpgc.so'
	$(INSTALL) -m 644 $(B)/dist/pgc.pc $(B)/dist/pgc-test.pc '$(DESTDIR)$(PKGCONFIGDIR)/'
	$(INSTALL) -m 644 $(B)/dist/pgcConfig.cmake $(B)/dist/pgcConfigVersion.cmake \
	    '$(DESTDIR)$(CMAKEDIR)/'
	$(INSTALL) -m 644 dist/pgc.mk '$(DESTDIR)$(DATADIR)/pgc/'
ifneq ($(PGC_MANPAGE),)
	$(INSTALL) -d '$(DESTDIR)$(MANDIR)/man1'
	$(INSTALL) -m 644 $(PGC_MANPAGE) '$(DESTDIR)$(MANDIR)/man1/'
endif
	@# A real install as root: tell the dynamic loader about the new library
	@# (a staged DESTDIR install leaves that to the package).
	@if [ -z '$(DESTDIR)' ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
	    ldconfig; fi

# Removes exactly what install put (whether or not man/pgc.1 exists now),
# then pgc's own folders if they are empty; shared folders (bin, lib ...)
# stay.
uninstall:
	$(pgc__check_paths)
	rm -f '$(DESTDIR)$(BINDIR)/pgc' '$(DESTDIR)$(BINDIR)/pgc-tmpcluster' \
	    '$(DESTDIR)$(INCLUDEDIR)/pgc.h' '$(DESTDIR)$(INCLUDEDIR)/pgc_gen.h' '$(DESTDIR)$(INCLUDEDIR)/pgc_types.def' \
	    '$(DESTDIR)$(INCLUDEDIR)/pgc_test.h' \
	    '$(DESTDIR)$(LIBDIR)/libpgc.a' '$(DESTDIR)$(LIBDIR)/libpgc-test.a' \
	    '$(DESTDIR)$(LIBDIR)/$(PGC_SHLIB)' '$(DESTDIR)$(LIBDIR)/libpgc.so.$(PGC_SOMAJOR)' \
	    '$(DESTDIR)$(LIBDIR)/libpgc.so' \
	    '$(DESTDIR)$(PKGCONFIGDIR)/pgc.pc' '$(DESTDIR)$(PKGCONFIGDIR)/pgc-test.pc' \
	    '$(DESTDIR)$(CMAKEDIR)/pgcConfig.cmake' '$(DESTDIR)$(CMAKEDIR)/pgcConfigVersion.cmake' \
	    '$(DESTDIR)$(DATADIR)/pgc/pgc.mk' '$(DESTDIR)$(MANDIR)/man1/pgc.1'
	rmdir '$(DESTDIR)$(CMAKEDIR)' '$(DESTDIR)$(DATADIR)/pgc' 2>/dev/null || true

# The install test (tests/install/run): installs into a temporary prefix
# and builds three consumer projects outside the tree against it
# (pkg-config + make, pgc.mk, CMake), runs them on a throwaway cluster,
# and checks staging, relocation and uninstall.
install-test: $(B)/pgc $(B)/pgc-tmpcluster $(B)/libpgc.a $(B)/libpgc.so $(B)/libpgc-test.a
	$(B)/pgc-tmpcluster -- tests/install/run '$(SCRIPT_MAKE)' '$(CURDIR)' '$(abspath $(B))' \
	    '$(PGC_SHLIB)' 'libpgc.so.$(PGC_SOMAJOR)' '$(PGC_MANPAGE)'

TEST_STEPS += install-test
