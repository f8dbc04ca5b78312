/*
 * test_config.c - settings are checked when set and again at open, and
 * the error code space is consistent.  No server needed.
 */
#include <string.h>

#include "fixture.h"
#include "internal.h"

static void config__unknown_setting__is_refused_by_name(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_int_equal(pgc_config_set(cfg, "max_conections", "5", &err), PGC_ECONFIG);
    assert_string_equal(err.message, "unknown setting \"max_conections\"");
    pgc_config_free(cfg);
}

static void config__invalid_values__are_refused_by_name(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"max_connections", "0"},     {"max_connections", "ten"}, {"min_connections", "-1"},
        {"acquire_timeout_ms", "5s"}, {"max_queries", ""},        {"statement_timeout_ms", "1e3"},
        {"conninfo", "host='open"},   {"conninfo", "nosuchkey=1"}, {"server.", "1"},
        {"server.a;b", "1"},          {"init", ""},              {"statements", "maybe"},
        {"reset", "discard"},         {"reset", ""},
        {"require_writable", "yes"},  {"require_writable", ""},  {"read_conninfo", "host='r"},
        {"read_conninfo", "nosuchkey=1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pgc_config *cfg = pgc_config_new();
        pgc_error err = {0};
        assert_int_equal(pgc_config_set(cfg, cases[i][0], cases[i][1], &err), PGC_ECONFIG);
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", cases[i][0]);
        if (!strstr(err.message, quoted))
            print_error("case %zu: %s\n", i, err.message);
        assert_non_null(strstr(err.message, quoted));
        size_t n = strlen(err.message); /* one line, as libpq's text is not */
        assert_true(n > 0 && err.message[n - 1] != '\n');
        pgc_config_free(cfg);
    }
}

/* An integer with blanks around it is refused, as a number with a unit is. */
static void config__integer_with_blanks__is_refused(void **state)
{
    (void)state;
    static const char *const values[] = {" 5", "5 ", "\t5", "5\n", " ", "\n5"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        pgc_config *cfg = pgc_config_new();
        pgc_error err = {0};
        assert_int_equal(pgc_config_set(cfg, "max_connections", values[i], &err), PGC_ECONFIG);
        char want[128];
        snprintf(want, sizeof want,
                 "setting \"max_connections\": \"%s\" is not a whole number from 1 to 10000",
                 values[i]);
        assert_string_equal(err.message, want);
        pgc_config_free(cfg);
    }
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "max_connections", "5", &err), &err);
    assert_ok(pgc_config_set(cfg, "reset", "discard_all", &err), &err);
    assert_ok(pgc_config_set(cfg, "reset", "none", &err), &err);
    pgc_config_free(cfg);
}

/* An ignored failed set still stops the open, naming the same setting. */
static void config__failed_set__is_refused_again_at_open(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_config_set(cfg, "conninfo", "host=/tmp", NULL);
    pgc_config_set(cfg, "max_connections", "-4", NULL);
    pgc_pool *pool = (pgc_pool *)1;
    pgc_error err = {0};
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_null(pool);
    assert_non_null(strstr(err.message, "\"max_connections\""));
    pgc_db *db = (pgc_db *)1;
    assert_int_equal(pgc_db_open(&db, cfg, NULL, &err), PGC_ECONFIG);
    assert_null(db);
    pgc_config_free(cfg);
}

/* A NULL value (say, from an unset environment variable) is refused too. */
static void config__null_value__is_refused_and_sticky(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", "host=/tmp", &err), &err);
    assert_int_equal(pgc_config_set(cfg, "statement_timeout_ms", NULL, &err), PGC_ECONFIG);
    assert_non_null(strstr(err.message, "\"statement_timeout_ms\""));
    pgc_pool *pool;
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_non_null(strstr(err.message, "\"statement_timeout_ms\""));
    pgc_config_free(cfg);
}

static void config__missing_conninfo_and_min_above_max__are_refused(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_pool *pool;
    pgc_error err = {0};
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_non_null(strstr(err.message, "\"conninfo\""));
    assert_ok(pgc_config_set(cfg, "conninfo", "dbname=x", &err), &err);
    assert_ok(pgc_config_set(cfg, "min_connections", "5", &err), &err);
    assert_ok(pgc_config_set(cfg, "max_connections", "2", &err), &err);
    assert_int_equal(pgc_pool_open(&pool, cfg, &err), PGC_ECONFIG);
    assert_non_null(strstr(err.message, "\"min_connections\""));
    pgc_config_free(cfg);
}

/* The retry policy's settings: off and 20 ms by default, checked like the
 * other integers, and what the pool keeps. */
static void config__retry_settings__defaults_ranges_and_copy(void **state)
{
    (void)state;
    pgc_config *cfg = pgc_config_new();
    pgc_error err = {0};
    assert_ok(pgc_config_set(cfg, "conninfo", "dbname=x", &err), &err);
    pgc_settings s;
    assert_ok(pgc_settings_from_config(&s, cfg, &err), &err);
    assert_int_equal(s.retry_timeout_ms, 0);
    assert_int_equal(s.retry_delay_ms, 20);
    pgc_settings_free(&s);

    static const char *const bad[][3] = {
        {"retry_timeout_ms", "-1", "from 0 to 2147483647"},
        {"retry_timeout_ms", "1s", "from 0 to 2147483647"},
        {"retry_delay_ms", "0", "from 1 to 1000"},
        {"retry_delay_ms", "1001", "from 1 to 1000"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pgc_config *c = pgc_config_new();
        assert_int_equal(pgc_config_set(c, bad[i][0], bad[i][1], &err), PGC_ECONFIG);
        char want[160];
        snprintf(want, sizeof want, "setting \"%s\": \"%s\" is not a whole number %s",
                 bad[i][0], bad[i][1], bad[i][2]);
        assert_string_equal(err.message, want);
        pgc_config_free(c);
    }

    assert_ok(pgc_config_set(cfg, "retry_timeout_ms", "2500", &err), &err);
    assert_ok(pgc_config_set(cfg, "retry_delay_ms", "1000", &err), &err);
    assert_ok(pgc_settings_from_config(&s, cfg, &err), &err);
    assert_int_equal(s.retry_timeout_ms, 2500);
    assert_int_equal(s.retry_delay_ms, 1000);
    pgc_settings_free(&s);
    pgc_config_free(cfg);
}

static void errors__every_code_has_a_name_and_message(void **state)
{
    (void)state;
    assert_int_equal(PGC_OK, 0);
    for (int code = 0; code < PGC_CODE_COUNT_; code++) {
        assert_string_not_equal(pgc_code_name(code), "PGC_UNKNOWN");
        assert_string_not_equal(pgc_strerror(code), "unknown error code");
    }
    assert_string_equal(pgc_code_name(PGC_ETIMEDOUT), "PGC_ETIMEDOUT");
    assert_string_equal(pgc_code_name(PGC_CODE_COUNT_), "PGC_UNKNOWN");
    assert_string_equal(pgc_strerror(-1), "unknown error code");
}

static void null_handles__are_accepted_by_closers(void **state)
{
    (void)state;
    pgc_config_free(NULL);
    pgc_result_free(NULL);
    pgc_migration_set_free(NULL);
    assert_int_equal(pgc_pool_close(NULL), PGC_OK);
    assert_int_equal(pgc_db_close(NULL), PGC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config__unknown_setting__is_refused_by_name),
        cmocka_unit_test(config__invalid_values__are_refused_by_name),
        cmocka_unit_test(config__integer_with_blanks__is_refused),
        cmocka_unit_test(config__failed_set__is_refused_again_at_open),
        cmocka_unit_test(config__null_value__is_refused_and_sticky),
        cmocka_unit_test(config__missing_conninfo_and_min_above_max__are_refused),
        cmocka_unit_test(config__retry_settings__defaults_ranges_and_copy),
        cmocka_unit_test(errors__every_code_has_a_name_and_message),
        cmocka_unit_test(null_handles__are_accepted_by_closers),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
