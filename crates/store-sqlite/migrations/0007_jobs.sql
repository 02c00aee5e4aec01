-- Background jobs: work that runs later or again (expiring requests, notice emails, purges).
-- Payloads hold ids only, never personal data. A job is deleted when it has run; one that
-- failed too often is kept as dead (dead_at set) for an operator to see.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    dead_at BIGINT
);
-- One pending job per kind and key, so that enqueueing twice does nothing the second time.
CREATE UNIQUE INDEX jobs_pending_key ON jobs(kind, key) WHERE dead_at IS NULL;
-- What the runners look for: live jobs by when they are due.
CREATE INDEX jobs_due ON jobs(run_at) WHERE dead_at IS NULL;
