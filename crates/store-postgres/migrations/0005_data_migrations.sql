-- One-off conversions of stored data that need the server's own code (such as rewriting every
-- stored program to its canonical form). They run right after the SQL migrations, in the same
-- process; each is done once its name is here.
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY NOT NULL,
    done_at BIGINT NOT NULL
);
