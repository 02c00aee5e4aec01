-- A counter per learner that goes up with every transaction that changes their progress, so
-- that a copy of the progress (the dashboards keep one in memory) can tell whether it is
-- still current by reading one small row instead of every progress row.
CREATE TABLE progress_versions (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    version BIGINT NOT NULL
);
