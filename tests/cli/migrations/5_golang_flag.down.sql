CREATE TABLE {{tables.golang_down_ran}} (x int);
ALTER TABLE {{tables.users}} DROP COLUMN active;
