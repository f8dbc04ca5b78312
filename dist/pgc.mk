# pgc.mk - make rules that turn a module's migrations and queries into
# NAME.c and NAME.h with `pgc generate`.  Installed as
# $(PREFIX)/share/pgc/pgc.mk; `pkg-config --variable=pgcmk pgc` prints where.
#
#   PGC ?= pgc                          # the generator; a path if not on PATH
#   include /usr/local/share/pgc/pgc.mk
#   $(eval $(call pgc_generate,accounts,sql/migrations,sql/queries.sql,gen))
#
#   app.o: gen/accounts.h
#   app: app.o gen/accounts.o           # link with `pkg-config --libs pgc`
#
# pgc_generate,NAME,MIGRATIONS,QUERIES,OUTDIR defines OUTDIR/NAME.c and
# OUTDIR/NAME.h.  MIGRATIONS and QUERIES are files or directories (a
# directory stands for the *.sql files in it, and for itself, so adding or
# removing a file regenerates); QUERIES may be empty, for a module that has
# only migrations (pgc_generate,NAME,MIGRATIONS,,OUTDIR; PGC_VERIFY below
# skips it: pgc verify checks queries).  They are regenerated when pgc, a
# migration or a query changes; pgc does not rewrite a file whose content
# is the same, so what depends on NAME.h recompiles only when the generated
# code changed (`make -n` and `make -q` cannot know that: once the stamp is
# newer than NAME.h they show what includes it as out of date, though make
# itself compiles nothing).
# The stamp OUTDIR/.NAME.pgc records the last run.  Put the $(eval ...)
# after your default target: it defines rules, and make's default goal is
# the first rule it reads.
#
# Checking against PostgreSQL (opt-in): with PGC_VERIFY=1 (on make's command
# line, or set before the $(eval ...)), `pgc verify` runs before `pgc
# generate`: the migrations are applied to a scratch database and every
# query is prepared there; a disagreement fails the build and nothing is
# generated.  It reruns when the generation does, and the first time
# PGC_VERIFY is set; the stamp OUTDIR/.NAME.verified records the last pass.
#   PGC_VERIFY_DB     conninfo of a server where pgc may create and drop a
#                     scratch database; empty (default): pgc starts a
#                     throwaway cluster (needs PostgreSQL's server binaries)
#   PGC_VERIFY_FLAGS  more options for pgc verify, e.g. --execute --seed F

PGC ?= pgc
PGC_VERIFY ?=
PGC_VERIFY_DB ?=
PGC_VERIFY_FLAGS ?=

# The files and directories a list of paths stands for.
pgc__inputs = $(foreach p,$(1),$(if $(wildcard $(p)/.),$(p) $(wildcard $(p)/*.sql),$(p)))
# The generator's file, so that a new pgc regenerates (found on PATH if PGC has no slash).
pgc__tool = $(if $(findstring /,$(PGC)),$(PGC),$(shell command -v $(PGC) 2>/dev/null))
# Runs the stamp's rule again when an output is missing (deleted by hand, say).
# (No rule here: this file is included before the user's default target.)
pgc__missing = $(if $(and $(wildcard $(1)),$(wildcard $(2))),,pgc__FORCE)
# The verify stamp of OUTDIR $(1), NAME $(2) when PGC_VERIFY is on (not empty, not 0).
pgc__verified = $(if $(filter-out 0,$(PGC_VERIFY)),$(1)/.$(2).verified)

define pgc_generate
$(4)/.$(1).pgc: $(call pgc__inputs,$(2) $(3)) $(pgc__tool) \
                $(call pgc__missing,$(4)/$(1).c,$(4)/$(1).h) $(if $(3),$(call pgc__verified,$(4),$(1)))
	@mkdir -p $(4)
	$$(PGC) generate -m $(2) $(if $(3),-q $(3)) -n $(1) -o $(4)
	@touch $$@

$(4)/$(1).c $(4)/$(1).h: $(4)/.$(1).pgc ;

$(4)/.$(1).verified: $(call pgc__inputs,$(2) $(3)) $(pgc__tool)
	@mkdir -p $(4)
	$$(PGC) verify -m $(2) -q $(3) $$(if $$(PGC_VERIFY_DB),--db "$$(PGC_VERIFY_DB)") $$(PGC_VERIFY_FLAGS)
	@touch $$@

.PHONY: pgc__FORCE
pgc__FORCE:
endef
