-- Support requests, incidents, notice versions, the notices each account is shown, the
-- per-recipient record of notice emails, and consent answers.

-- A request to support staff (MSG-3). The reply address is encrypted and erased 90 days after
-- the request is closed. A request made signed in names its account; when that account is
-- erased the request goes with it (its message is free text and may name the person).
CREATE TABLE support_requests (
    id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    message TEXT NOT NULL,
    account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    reply_to_ciphertext TEXT,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT,
    close_note TEXT
);
CREATE INDEX support_requests_created ON support_requests(created_at);
CREATE INDEX support_requests_account ON support_requests(account_id);
CREATE INDEX support_requests_closed ON support_requests(closed_at);

-- A security incident that staff recorded and notified (SEC-3): a text for the people
-- affected, nothing about them.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Published revisions of the privacy notice (NOTICE-2). Version 1, the notice as shipped, is
-- not stored: the first row is version 2.
CREATE TABLE notice_versions (
    version BIGINT PRIMARY KEY NOT NULL,
    revised_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    significant BOOLEAN NOT NULL,
    email_users BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- What each account is told on its account page and in /api/v1/me/notices: an incident that
-- affected it, or a significant notice version. `ref_id` is the incident's id or the version.
CREATE TABLE account_notices (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, ref_id)
);

-- One row per person a notice email is owed to; `sent_at` is set as each goes, so that a
-- mailing cut short resumes where it stopped and nobody gets it twice.
CREATE TABLE notice_mailings (
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sent_at BIGINT,
    PRIMARY KEY (kind, ref_id, account_id)
);

-- A yes or no to a use of personal data that needs consent (NOTICE-3); the latest answer.
CREATE TABLE consents (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, purpose)
);
CREATE INDEX consents_purpose ON consents(purpose, granted);
