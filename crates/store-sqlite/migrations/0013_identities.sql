-- Sign-in through other services (SSO-1, SSO-2): an account's identity at each provider, and
-- the sessions made through one, so that they end when the provider stops vouching.

-- The provider's subject is its opaque id of the person; nothing else it sends is kept. The
-- token that re-checks the identity is encrypted, and goes with the link or the account.
CREATE TABLE identities (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    token_ciphertext TEXT,
    token_kind TEXT,
    linked_at BIGINT NOT NULL,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, provider)
);
CREATE UNIQUE INDEX identities_subject ON identities(provider, subject);
CREATE INDEX identities_checked ON identities(checked_at);

-- A session made by signing in through a provider; it goes with the session.
CREATE TABLE identity_sessions (
    session_token_hash TEXT PRIMARY KEY NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    signed_in_at BIGINT NOT NULL
);
CREATE INDEX identity_sessions_identity ON identity_sessions(account_id, provider);
