-- pgc:no-transaction
CREATE INDEX CONCURRENTLY notes_user_idx ON {{tables.notes}} (user_id);
