-- Puzzle attempts, the programs they ran (stored once per distinct content), and per-level progress.
CREATE TABLE programs (
    hash TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE attempts (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    level_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    program_hash TEXT,
    answer TEXT,
    client_attempt_id TEXT,
    UNIQUE (account_id, client_attempt_id)
);
CREATE INDEX attempts_account_level ON attempts(account_id, level_id, at);
CREATE INDEX attempts_program ON attempts(program_hash);

CREATE TABLE level_progress (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    level_id TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    best_status TEXT NOT NULL,
    last_status TEXT NOT NULL,
    first_attempt_at BIGINT NOT NULL,
    last_attempt_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, level_id)
);
