/*
 * catalog_sys.c - the system relations queries may read (pg_catalog and
 * information_schema), as the catalog needs them: columns with their
 * types (a domain's base type and typmod, as the server describes result
 * columns), typmods, and NOT NULL for tables.  A chosen set, read from
 * PostgreSQL 15's own catalog; to regenerate or extend it, run in a fresh
 * cluster (build/pgc-tmpcluster -- psql) for each wanted relation:
 *
 *   SELECT string_agg(format('%s:%s:%s:%s', a.attname,
 *            coalesce(nullif(t.typbasetype, 0), t.oid),
 *            CASE WHEN t.typbasetype <> 0 AND a.atttypmod = -1
 *                 THEN t.typtypmod ELSE a.atttypmod END,
 *            CASE WHEN a.attnotnull AND c.relkind = 'r' THEN 1 ELSE 0 END),
 *          ' ' ORDER BY a.attnum)
 *     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 *     JOIN pg_type t ON t.oid = a.atttypid
 *    WHERE c.oid = 'pg_catalog.pg_class'::regclass AND a.attnum > 0
 *      AND NOT a.attisdropped;
 *
 * Each column is "name:type oid:typmod:not null", separated by spaces.
 *
 * Takes: (nothing: data).  Gives: pgc_sys_rels, which catalog.c turns into
 * relations on first lookup.
 */
#include "catalog_internal.h"

const pgc_sys_rel pgc_sys_rels[] = {
    {"information_schema", "check_constraints", 'v',
     "constraint_catalog:19:-1:0 constraint_schema:19:-1:0 constraint_name:19:-1:0"
     " check_clause:1043:-1:0"},
    {"information_schema", "columns", 'v',
     "table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 column_name:19:-1:0"
     " ordinal_position:23:-1:0 column_default:1043:-1:0 is_nullable:1043:7:0"
     " data_type:1043:-1:0 character_maximum_length:23:-1:0 character_octet_length:23:-1:0"
     " numeric_precision:23:-1:0 numeric_precision_radix:23:-1:0 numeric_scale:23:-1:0"
     " datetime_precision:23:-1:0 interval_type:1043:-1:0 interval_precision:23:-1:0"
     " character_set_catalog:19:-1:0 character_set_schema:19:-1:0 character_set_name:19:-1:0"
     " collation_catalog:19:-1:0 collation_schema:19:-1:0 collation_name:19:-1:0"
     " domain_catalog:19:-1:0 domain_schema:19:-1:0 domain_name:19:-1:0 udt_catalog:19:-1:0"
     " udt_schema:19:-1:0 udt_name:19:-1:0 scope_catalog:19:-1:0 scope_schema:19:-1:0"
     " scope_name:19:-1:0 maximum_cardinality:23:-1:0 dtd_identifier:19:-1:0"
     " is_self_referencing:1043:7:0 is_identity:1043:7:0 identity_generation:1043:-1:0"
     " identity_start:1043:-1:0 identity_increment:1043:-1:0 identity_maximum:1043:-1:0"
     " identity_minimum:1043:-1:0 identity_cycle:1043:7:0 is_generated:1043:-1:0"
     " generation_expression:1043:-1:0 is_updatable:1043:7:0"},
    {"information_schema", "constraint_column_usage", 'v',
     "table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 column_name:19:-1:0"
     " constraint_catalog:19:-1:0 constraint_schema:19:-1:0 constraint_name:19:-1:0"},
    {"information_schema", "key_column_usage", 'v',
     "constraint_catalog:19:-1:0 constraint_schema:19:-1:0 constraint_name:19:-1:0"
     " table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 column_name:19:-1:0"
     " ordinal_position:23:-1:0 position_in_unique_constraint:23:-1:0"},
    {"information_schema", "parameters", 'v',
     "specific_catalog:19:-1:0 specific_schema:19:-1:0 specific_name:19:-1:0"
     " ordinal_position:23:-1:0 parameter_mode:1043:-1:0 is_result:1043:7:0 as_locator:1043:7:0"
     " parameter_name:19:-1:0 data_type:1043:-1:0 character_maximum_length:23:-1:0"
     " character_octet_length:23:-1:0 character_set_catalog:19:-1:0 character_set_schema:19:-1:0"
     " character_set_name:19:-1:0 collation_catalog:19:-1:0 collation_schema:19:-1:0"
     " collation_name:19:-1:0 numeric_precision:23:-1:0 numeric_precision_radix:23:-1:0"
     " numeric_scale:23:-1:0 datetime_precision:23:-1:0 interval_type:1043:-1:0"
     " interval_precision:23:-1:0 udt_catalog:19:-1:0 udt_schema:19:-1:0 udt_name:19:-1:0"
     " scope_catalog:19:-1:0 scope_schema:19:-1:0 scope_name:19:-1:0 maximum_cardinality:23:-1:0"
     " dtd_identifier:19:-1:0 parameter_default:1043:-1:0"},
    {"information_schema", "referential_constraints", 'v',
     "constraint_catalog:19:-1:0 constraint_schema:19:-1:0 constraint_name:19:-1:0"
     " unique_constraint_catalog:19:-1:0 unique_constraint_schema:19:-1:0"
     " unique_constraint_name:19:-1:0 match_option:1043:-1:0 update_rule:1043:-1:0"
     " delete_rule:1043:-1:0"},
    {"information_schema", "routines", 'v',
     "specific_catalog:19:-1:0 specific_schema:19:-1:0 specific_name:19:-1:0"
     " routine_catalog:19:-1:0 routine_schema:19:-1:0 routine_name:19:-1:0"
     " routine_type:1043:-1:0 module_catalog:19:-1:0 module_schema:19:-1:0 module_name:19:-1:0"
     " udt_catalog:19:-1:0 udt_schema:19:-1:0 udt_name:19:-1:0 data_type:1043:-1:0"
     " character_maximum_length:23:-1:0 character_octet_length:23:-1:0"
     " character_set_catalog:19:-1:0 character_set_schema:19:-1:0 character_set_name:19:-1:0"
     " collation_catalog:19:-1:0 collation_schema:19:-1:0 collation_name:19:-1:0"
     " numeric_precision:23:-1:0 numeric_precision_radix:23:-1:0 numeric_scale:23:-1:0"
     " datetime_precision:23:-1:0 interval_type:1043:-1:0 interval_precision:23:-1:0"
     " type_udt_catalog:19:-1:0 type_udt_schema:19:-1:0 type_udt_name:19:-1:0"
     " scope_catalog:19:-1:0 scope_schema:19:-1:0 scope_name:19:-1:0 maximum_cardinality:23:-1:0"
     " dtd_identifier:19:-1:0 routine_body:1043:-1:0 routine_definition:1043:-1:0"
     " external_name:1043:-1:0 external_language:1043:-1:0 parameter_style:1043:-1:0"
     " is_deterministic:1043:7:0 sql_data_access:1043:-1:0 is_null_call:1043:7:0"
     " sql_path:1043:-1:0 schema_level_routine:1043:7:0 max_dynamic_result_sets:23:-1:0"
     " is_user_defined_cast:1043:7:0 is_implicitly_invocable:1043:7:0 security_type:1043:-1:0"
     " to_sql_specific_catalog:19:-1:0 to_sql_specific_schema:19:-1:0"
     " to_sql_specific_name:19:-1:0 as_locator:1043:7:0 created:1184:2:0 last_altered:1184:2:0"
     " new_savepoint_level:1043:7:0 is_udt_dependent:1043:7:0"
     " result_cast_from_data_type:1043:-1:0 result_cast_as_locator:1043:7:0"
     " result_cast_char_max_length:23:-1:0 result_cast_char_octet_length:23:-1:0"
     " result_cast_char_set_catalog:19:-1:0 result_cast_char_set_schema:19:-1:0"
     " result_cast_char_set_name:19:-1:0 result_cast_collation_catalog:19:-1:0"
     " result_cast_collation_schema:19:-1:0 result_cast_collation_name:19:-1:0"
     " result_cast_numeric_precision:23:-1:0 result_cast_numeric_precision_radix:23:-1:0"
     " result_cast_numeric_scale:23:-1:0 result_cast_datetime_precision:23:-1:0"
     " result_cast_interval_type:1043:-1:0 result_cast_interval_precision:23:-1:0"
     " result_cast_type_udt_catalog:19:-1:0 result_cast_type_udt_schema:19:-1:0"
     " result_cast_type_udt_name:19:-1:0 result_cast_scope_catalog:19:-1:0"
     " result_cast_scope_schema:19:-1:0 result_cast_scope_name:19:-1:0"
     " result_cast_maximum_cardinality:23:-1:0 result_cast_dtd_identifier:19:-1:0"},
    {"information_schema", "schemata", 'v',
     "catalog_name:19:-1:0 schema_name:19:-1:0 schema_owner:19:-1:0"
     " default_character_set_catalog:19:-1:0 default_character_set_schema:19:-1:0"
     " default_character_set_name:19:-1:0 sql_path:1043:-1:0"},
    {"information_schema", "sequences", 'v',
     "sequence_catalog:19:-1:0 sequence_schema:19:-1:0 sequence_name:19:-1:0 data_type:1043:-1:0"
     " numeric_precision:23:-1:0 numeric_precision_radix:23:-1:0 numeric_scale:23:-1:0"
     " start_value:1043:-1:0 minimum_value:1043:-1:0 maximum_value:1043:-1:0 increment:1043:-1:0"
     " cycle_option:1043:7:0"},
    {"information_schema", "table_constraints", 'v',
     "constraint_catalog:19:-1:0 constraint_schema:19:-1:0 constraint_name:19:-1:0"
     " table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 constraint_type:1043:-1:0"
     " is_deferrable:1043:7:0 initially_deferred:1043:7:0 enforced:1043:7:0"
     " nulls_distinct:1043:7:0"},
    {"information_schema", "tables", 'v',
     "table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 table_type:1043:-1:0"
     " self_referencing_column_name:19:-1:0 reference_generation:1043:-1:0"
     " user_defined_type_catalog:19:-1:0 user_defined_type_schema:19:-1:0"
     " user_defined_type_name:19:-1:0 is_insertable_into:1043:7:0 is_typed:1043:7:0"
     " commit_action:1043:-1:0"},
    {"information_schema", "views", 'v',
     "table_catalog:19:-1:0 table_schema:19:-1:0 table_name:19:-1:0 view_definition:1043:-1:0"
     " check_option:1043:-1:0 is_updatable:1043:7:0 is_insertable_into:1043:7:0"
     " is_trigger_updatable:1043:7:0 is_trigger_deletable:1043:7:0"
     " is_trigger_insertable_into:1043:7:0"},
    {"pg_catalog", "pg_am", 'r',
     "oid:26:-1:1 amname:19:-1:1 amhandler:24:-1:1 amtype:18:-1:1"},
    {"pg_catalog", "pg_attrdef", 'r',
     "oid:26:-1:1 adrelid:26:-1:1 adnum:21:-1:1 adbin:194:-1:1"},
    {"pg_catalog", "pg_attribute", 'r',
     "attrelid:26:-1:1 attname:19:-1:1 atttypid:26:-1:1 attstattarget:23:-1:1 attlen:21:-1:1"
     " attnum:21:-1:1 attndims:23:-1:1 attcacheoff:23:-1:1 atttypmod:23:-1:1 attbyval:16:-1:1"
     " attalign:18:-1:1 attstorage:18:-1:1 attcompression:18:-1:1 attnotnull:16:-1:1"
     " atthasdef:16:-1:1 atthasmissing:16:-1:1 attidentity:18:-1:1 attgenerated:18:-1:1"
     " attisdropped:16:-1:1 attislocal:16:-1:1 attinhcount:23:-1:1 attcollation:26:-1:1"
     " attacl:1034:-1:0 attoptions:1009:-1:0 attfdwoptions:1009:-1:0 attmissingval:2277:-1:0"},
    {"pg_catalog", "pg_available_extensions", 'v',
     "name:19:-1:0 default_version:25:-1:0 installed_version:25:-1:0 comment:25:-1:0"},
    {"pg_catalog", "pg_class", 'r',
     "oid:26:-1:1 relname:19:-1:1 relnamespace:26:-1:1 reltype:26:-1:1 reloftype:26:-1:1"
     " relowner:26:-1:1 relam:26:-1:1 relfilenode:26:-1:1 reltablespace:26:-1:1 relpages:23:-1:1"
     " reltuples:700:-1:1 relallvisible:23:-1:1 reltoastrelid:26:-1:1 relhasindex:16:-1:1"
     " relisshared:16:-1:1 relpersistence:18:-1:1 relkind:18:-1:1 relnatts:21:-1:1"
     " relchecks:21:-1:1 relhasrules:16:-1:1 relhastriggers:16:-1:1 relhassubclass:16:-1:1"
     " relrowsecurity:16:-1:1 relforcerowsecurity:16:-1:1 relispopulated:16:-1:1"
     " relreplident:18:-1:1 relispartition:16:-1:1 relrewrite:26:-1:1 relfrozenxid:28:-1:1"
     " relminmxid:28:-1:1 relacl:1034:-1:0 reloptions:1009:-1:0 relpartbound:194:-1:0"},
    {"pg_catalog", "pg_collation", 'r',
     "oid:26:-1:1 collname:19:-1:1 collnamespace:26:-1:1 collowner:26:-1:1 collprovider:18:-1:1"
     " collisdeterministic:16:-1:1 collencoding:23:-1:1 collcollate:25:-1:0 collctype:25:-1:0"
     " colliculocale:25:-1:0 collversion:25:-1:0"},
    {"pg_catalog", "pg_constraint", 'r',
     "oid:26:-1:1 conname:19:-1:1 connamespace:26:-1:1 contype:18:-1:1 condeferrable:16:-1:1"
     " condeferred:16:-1:1 convalidated:16:-1:1 conrelid:26:-1:1 contypid:26:-1:1"
     " conindid:26:-1:1 conparentid:26:-1:1 confrelid:26:-1:1 confupdtype:18:-1:1"
     " confdeltype:18:-1:1 confmatchtype:18:-1:1 conislocal:16:-1:1 coninhcount:23:-1:1"
     " connoinherit:16:-1:1 conkey:1005:-1:0 confkey:1005:-1:0 conpfeqop:1028:-1:0"
     " conppeqop:1028:-1:0 conffeqop:1028:-1:0 confdelsetcols:1005:-1:0 conexclop:1028:-1:0"
     " conbin:194:-1:0"},
    {"pg_catalog", "pg_database", 'r',
     "oid:26:-1:1 datname:19:-1:1 datdba:26:-1:1 encoding:23:-1:1 datlocprovider:18:-1:1"
     " datistemplate:16:-1:1 datallowconn:16:-1:1 datconnlimit:23:-1:1 datfrozenxid:28:-1:1"
     " datminmxid:28:-1:1 dattablespace:26:-1:1 datcollate:25:-1:1 datctype:25:-1:1"
     " daticulocale:25:-1:0 datcollversion:25:-1:0 datacl:1034:-1:0"},
    {"pg_catalog", "pg_depend", 'r',
     "classid:26:-1:1 objid:26:-1:1 objsubid:23:-1:1 refclassid:26:-1:1 refobjid:26:-1:1"
     " refobjsubid:23:-1:1 deptype:18:-1:1"},
    {"pg_catalog", "pg_description", 'r',
     "objoid:26:-1:1 classoid:26:-1:1 objsubid:23:-1:1 description:25:-1:1"},
    {"pg_catalog", "pg_enum", 'r',
     "oid:26:-1:1 enumtypid:26:-1:1 enumsortorder:700:-1:1 enumlabel:19:-1:1"},
    {"pg_catalog", "pg_extension", 'r',
     "oid:26:-1:1 extname:19:-1:1 extowner:26:-1:1 extnamespace:26:-1:1 extrelocatable:16:-1:1"
     " extversion:25:-1:1 extconfig:1028:-1:0 extcondition:1009:-1:0"},
    {"pg_catalog", "pg_index", 'r',
     "indexrelid:26:-1:1 indrelid:26:-1:1 indnatts:21:-1:1 indnkeyatts:21:-1:1"
     " indisunique:16:-1:1 indnullsnotdistinct:16:-1:1 indisprimary:16:-1:1"
     " indisexclusion:16:-1:1 indimmediate:16:-1:1 indisclustered:16:-1:1 indisvalid:16:-1:1"
     " indcheckxmin:16:-1:1 indisready:16:-1:1 indislive:16:-1:1 indisreplident:16:-1:1"
     " indkey:22:-1:1 indcollation:30:-1:1 indclass:30:-1:1 indoption:22:-1:1 indexprs:194:-1:0"
     " indpred:194:-1:0"},
    {"pg_catalog", "pg_indexes", 'v',
     "schemaname:19:-1:0 tablename:19:-1:0 indexname:19:-1:0 tablespace:19:-1:0 indexdef:25:-1:0"},
    {"pg_catalog", "pg_inherits", 'r',
     "inhrelid:26:-1:1 inhparent:26:-1:1 inhseqno:23:-1:1 inhdetachpending:16:-1:1"},
    {"pg_catalog", "pg_locks", 'v',
     "locktype:25:-1:0 database:26:-1:0 relation:26:-1:0 page:23:-1:0 tuple:21:-1:0"
     " virtualxid:25:-1:0 transactionid:28:-1:0 classid:26:-1:0 objid:26:-1:0 objsubid:21:-1:0"
     " virtualtransaction:25:-1:0 pid:23:-1:0 mode:25:-1:0 granted:16:-1:0 fastpath:16:-1:0"
     " waitstart:1184:-1:0"},
    {"pg_catalog", "pg_matviews", 'v',
     "schemaname:19:-1:0 matviewname:19:-1:0 matviewowner:19:-1:0 tablespace:19:-1:0"
     " hasindexes:16:-1:0 ispopulated:16:-1:0 definition:25:-1:0"},
    {"pg_catalog", "pg_namespace", 'r',
     "oid:26:-1:1 nspname:19:-1:1 nspowner:26:-1:1 nspacl:1034:-1:0"},
    {"pg_catalog", "pg_policies", 'v',
     "schemaname:19:-1:0 tablename:19:-1:0 policyname:19:-1:0 permissive:25:-1:0 roles:1003:-1:0"
     " cmd:25:-1:0 qual:25:-1:0 with_check:25:-1:0"},
    {"pg_catalog", "pg_prepared_statements", 'v',
     "name:25:-1:0 statement:25:-1:0 prepare_time:1184:-1:0 parameter_types:2211:-1:0"
     " from_sql:16:-1:0 generic_plans:20:-1:0 custom_plans:20:-1:0"},
    {"pg_catalog", "pg_proc", 'r',
     "oid:26:-1:1 proname:19:-1:1 pronamespace:26:-1:1 proowner:26:-1:1 prolang:26:-1:1"
     " procost:700:-1:1 prorows:700:-1:1 provariadic:26:-1:1 prosupport:24:-1:1 prokind:18:-1:1"
     " prosecdef:16:-1:1 proleakproof:16:-1:1 proisstrict:16:-1:1 proretset:16:-1:1"
     " provolatile:18:-1:1 proparallel:18:-1:1 pronargs:21:-1:1 pronargdefaults:21:-1:1"
     " prorettype:26:-1:1 proargtypes:30:-1:1 proallargtypes:1028:-1:0 proargmodes:1002:-1:0"
     " proargnames:1009:-1:0 proargdefaults:194:-1:0 protrftypes:1028:-1:0 prosrc:25:-1:1"
     " probin:25:-1:0 prosqlbody:194:-1:0 proconfig:1009:-1:0 proacl:1034:-1:0"},
    {"pg_catalog", "pg_roles", 'v',
     "rolname:19:-1:0 rolsuper:16:-1:0 rolinherit:16:-1:0 rolcreaterole:16:-1:0"
     " rolcreatedb:16:-1:0 rolcanlogin:16:-1:0 rolreplication:16:-1:0 rolconnlimit:23:-1:0"
     " rolpassword:25:-1:0 rolvaliduntil:1184:-1:0 rolbypassrls:16:-1:0 rolconfig:1009:-1:0"
     " oid:26:-1:0"},
    {"pg_catalog", "pg_sequences", 'v',
     "schemaname:19:-1:0 sequencename:19:-1:0 sequenceowner:19:-1:0 data_type:2206:-1:0"
     " start_value:20:-1:0 min_value:20:-1:0 max_value:20:-1:0 increment_by:20:-1:0"
     " cycle:16:-1:0 cache_size:20:-1:0 last_value:20:-1:0"},
    {"pg_catalog", "pg_settings", 'v',
     "name:25:-1:0 setting:25:-1:0 unit:25:-1:0 category:25:-1:0 short_desc:25:-1:0"
     " extra_desc:25:-1:0 context:25:-1:0 vartype:25:-1:0 source:25:-1:0 min_val:25:-1:0"
     " max_val:25:-1:0 enumvals:1009:-1:0 boot_val:25:-1:0 reset_val:25:-1:0 sourcefile:25:-1:0"
     " sourceline:23:-1:0 pending_restart:16:-1:0"},
    {"pg_catalog", "pg_stat_activity", 'v',
     "datid:26:-1:0 datname:19:-1:0 pid:23:-1:0 leader_pid:23:-1:0 usesysid:26:-1:0"
     " usename:19:-1:0 application_name:25:-1:0 client_addr:869:-1:0 client_hostname:25:-1:0"
     " client_port:23:-1:0 backend_start:1184:-1:0 xact_start:1184:-1:0 query_start:1184:-1:0"
     " state_change:1184:-1:0 wait_event_type:25:-1:0 wait_event:25:-1:0 state:25:-1:0"
     " backend_xid:28:-1:0 backend_xmin:28:-1:0 query_id:20:-1:0 query:25:-1:0"
     " backend_type:25:-1:0"},
    {"pg_catalog", "pg_stat_database", 'v',
     "datid:26:-1:0 datname:19:-1:0 numbackends:23:-1:0 xact_commit:20:-1:0"
     " xact_rollback:20:-1:0 blks_read:20:-1:0 blks_hit:20:-1:0 tup_returned:20:-1:0"
     " tup_fetched:20:-1:0 tup_inserted:20:-1:0 tup_updated:20:-1:0 tup_deleted:20:-1:0"
     " conflicts:20:-1:0 temp_files:20:-1:0 temp_bytes:20:-1:0 deadlocks:20:-1:0"
     " checksum_failures:20:-1:0 checksum_last_failure:1184:-1:0 blk_read_time:701:-1:0"
     " blk_write_time:701:-1:0 session_time:701:-1:0 active_time:701:-1:0"
     " idle_in_transaction_time:701:-1:0 sessions:20:-1:0 sessions_abandoned:20:-1:0"
     " sessions_fatal:20:-1:0 sessions_killed:20:-1:0 stats_reset:1184:-1:0"},
    {"pg_catalog", "pg_stat_user_indexes", 'v',
     "relid:26:-1:0 indexrelid:26:-1:0 schemaname:19:-1:0 relname:19:-1:0 indexrelname:19:-1:0"
     " idx_scan:20:-1:0 idx_tup_read:20:-1:0 idx_tup_fetch:20:-1:0"},
    {"pg_catalog", "pg_stat_user_tables", 'v',
     "relid:26:-1:0 schemaname:19:-1:0 relname:19:-1:0 seq_scan:20:-1:0 seq_tup_read:20:-1:0"
     " idx_scan:20:-1:0 idx_tup_fetch:20:-1:0 n_tup_ins:20:-1:0 n_tup_upd:20:-1:0"
     " n_tup_del:20:-1:0 n_tup_hot_upd:20:-1:0 n_live_tup:20:-1:0 n_dead_tup:20:-1:0"
     " n_mod_since_analyze:20:-1:0 n_ins_since_vacuum:20:-1:0 last_vacuum:1184:-1:0"
     " last_autovacuum:1184:-1:0 last_analyze:1184:-1:0 last_autoanalyze:1184:-1:0"
     " vacuum_count:20:-1:0 autovacuum_count:20:-1:0 analyze_count:20:-1:0"
     " autoanalyze_count:20:-1:0"},
    {"pg_catalog", "pg_statio_user_tables", 'v',
     "relid:26:-1:0 schemaname:19:-1:0 relname:19:-1:0 heap_blks_read:20:-1:0"
     " heap_blks_hit:20:-1:0 idx_blks_read:20:-1:0 idx_blks_hit:20:-1:0 toast_blks_read:20:-1:0"
     " toast_blks_hit:20:-1:0 tidx_blks_read:20:-1:0 tidx_blks_hit:20:-1:0"},
    {"pg_catalog", "pg_tables", 'v',
     "schemaname:19:-1:0 tablename:19:-1:0 tableowner:19:-1:0 tablespace:19:-1:0"
     " hasindexes:16:-1:0 hasrules:16:-1:0 hastriggers:16:-1:0 rowsecurity:16:-1:0"},
    {"pg_catalog", "pg_timezone_names", 'v',
     "name:25:-1:0 abbrev:25:-1:0 utc_offset:1186:-1:0 is_dst:16:-1:0"},
    {"pg_catalog", "pg_trigger", 'r',
     "oid:26:-1:1 tgrelid:26:-1:1 tgparentid:26:-1:1 tgname:19:-1:1 tgfoid:26:-1:1"
     " tgtype:21:-1:1 tgenabled:18:-1:1 tgisinternal:16:-1:1 tgconstrrelid:26:-1:1"
     " tgconstrindid:26:-1:1 tgconstraint:26:-1:1 tgdeferrable:16:-1:1 tginitdeferred:16:-1:1"
     " tgnargs:21:-1:1 tgattr:22:-1:1 tgargs:17:-1:1 tgqual:194:-1:0 tgoldtable:19:-1:0"
     " tgnewtable:19:-1:0"},
    {"pg_catalog", "pg_type", 'r',
     "oid:26:-1:1 typname:19:-1:1 typnamespace:26:-1:1 typowner:26:-1:1 typlen:21:-1:1"
     " typbyval:16:-1:1 typtype:18:-1:1 typcategory:18:-1:1 typispreferred:16:-1:1"
     " typisdefined:16:-1:1 typdelim:18:-1:1 typrelid:26:-1:1 typsubscript:24:-1:1"
     " typelem:26:-1:1 typarray:26:-1:1 typinput:24:-1:1 typoutput:24:-1:1 typreceive:24:-1:1"
     " typsend:24:-1:1 typmodin:24:-1:1 typmodout:24:-1:1 typanalyze:24:-1:1 typalign:18:-1:1"
     " typstorage:18:-1:1 typnotnull:16:-1:1 typbasetype:26:-1:1 typtypmod:23:-1:1"
     " typndims:23:-1:1 typcollation:26:-1:1 typdefaultbin:194:-1:0 typdefault:25:-1:0"
     " typacl:1034:-1:0"},
    {"pg_catalog", "pg_user", 'v',
     "usename:19:-1:0 usesysid:26:-1:0 usecreatedb:16:-1:0 usesuper:16:-1:0 userepl:16:-1:0"
     " usebypassrls:16:-1:0 passwd:25:-1:0 valuntil:1184:-1:0 useconfig:1009:-1:0"},
    {"pg_catalog", "pg_views", 'v',
     "schemaname:19:-1:0 viewname:19:-1:0 viewowner:19:-1:0 definition:25:-1:0"},
};

const size_t pgc_sys_nrels = sizeof pgc_sys_rels / sizeof *pgc_sys_rels;
