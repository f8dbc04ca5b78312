/*
 * A consumer of an installed pgc (pkg-config + make): standalone mode on
 * the server PGC_TEST_CONNINFO names, in schema "consumer_pc".  Applies the
 * embedded migrations, stores two notes (one with a NULL) and reads them
 * back.  Exits 0 only if every value came back as stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notes.h"

static int failed(const char *what, const pgc_error *err)
{
    fprintf(stderr, "consumer_pc: %s: %s: %s\n", what, pgc_code_name(err->code), err->message);
    return 1;
}

int main(void)
{
    const char *conninfo = getenv("PGC_TEST_CONNINFO");
    if (!conninfo) {
        fprintf(stderr, "consumer_pc: PGC_TEST_CONNINFO is not set\n");
        return 1;
    }
    pgc_error err = {0};
    pgc_config *cfg = pgc_config_new();
    if (!cfg || pgc_config_set(cfg, "conninfo", conninfo, &err) != PGC_OK)
        return failed("config", &err);
    pgc_db *db = NULL;
    int rc = pgc_db_open(&db, cfg, "consumer_pc", &err);
    pgc_config_free(cfg);
    if (rc != PGC_OK)
        return failed("open", &err);
    if (notes_migrate(db, &err) != PGC_OK)
        return failed("migrate", &err);

    const char *body = "d\xc3\xa9j\xc3\xa0 vu, 'quoted'";
    int32_t stars = 4;
    notes_add_note_row added, added_null;
    if (notes_add_note(db, body, &stars, &added, &err) != PGC_OK)
        return failed("add", &err);
    if (notes_add_note(db, "no stars", NULL, &added_null, &err) != PGC_OK)
        return failed("add (NULL)", &err);

    int bad = 0;
    notes_get_note_row got;
    if (notes_get_note(db, added.id, &got, &err) != PGC_OK)
        return failed("get", &err);
    if (strcmp(got.body, body) != 0 || got.stars_is_null || got.stars != stars) {
        fprintf(stderr, "consumer_pc: got (%s, %d), stored (%s, %d)\n", got.body, got.stars, body, stars);
        bad = 1;
    }
    notes_get_note_row_clear(&got);
    if (notes_get_note(db, added_null.id, &got, &err) != PGC_OK)
        return failed("get (NULL)", &err);
    if (strcmp(got.body, "no stars") != 0 || !got.stars_is_null) {
        fprintf(stderr, "consumer_pc: the NULL did not come back as NULL\n");
        bad = 1;
    }
    notes_get_note_row_clear(&got);
    pgc_db_close(db);
    if (!bad)
        printf("consumer_pc: round trip ok\n");
    return bad;
}
