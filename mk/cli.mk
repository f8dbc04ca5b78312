# pgc migrate (generator/migrate_cli.c) and its suite, tests/cli_migrate.c.
#
# migrate_cli.o goes into libpgcgen.a, which pgc links after main.o (GEN_SRC
# is expanded before this fragment is read, so the archive's rule gets the
# extra prerequisite instead).
$(B)/libpgcgen.a: $(B)/generator/migrate_cli.o
$(B)/generator/migrate_cli.o: $(wildcard generator/*.h)
