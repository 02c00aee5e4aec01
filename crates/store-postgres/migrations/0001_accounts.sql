-- Accounts, sessions, mailed tokens, rate-limit counters and unsubscribed addresses.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    username TEXT UNIQUE,
    age_years BIGINT,
    age_stated_at BIGINT,
    gender TEXT,
    email_lookup TEXT UNIQUE,
    email_ciphertext TEXT,
    email_verified BOOLEAN NOT NULL,
    password_hash TEXT,
    school_name TEXT,
    school_address_ciphertext TEXT,
    managed_by_teacher BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    persistent BOOLEAN NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE mail_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX mail_tokens_account ON mail_tokens(account_id);

CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

CREATE TABLE unsubscribes (
    address_key TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL
);
