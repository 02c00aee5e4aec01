-- Families: codes that link a parent to a child, the links, what holds a child's account
-- back, the parent's permission for a child's own sign-up, and parents' requests (U13-7).

-- A code a parent types to link to a child: only its digest is kept, until it is used or
-- expires (7 days from the child's page, 14 from the teacher's letter home).
CREATE TABLE family_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    child_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX family_codes_child ON family_codes(child_id);

-- A parent linked to a child; either account's erasure ends the link.
CREATE TABLE family_links (
    parent_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    child_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX family_links_child ON family_links(child_id);

-- What holds a child's account back: awaiting_permission, deactivated or collection_stopped.
CREATE TABLE child_controls (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);

-- A parent's permission for a child's own sign-up. The parent's address (encrypted) and the
-- link's digest are erased with the decision; a declined or expired request erases the
-- account, and this row with it.
CREATE TABLE sign_up_permissions (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash TEXT UNIQUE,
    parent_email_ciphertext TEXT,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX sign_up_permissions_pending ON sign_up_permissions(status, expires_at);

-- A parent's request about a child. It stays on record after the child's account is erased:
-- `child_id` has no foreign key on purpose. The requester's details go once it is decided.
CREATE TABLE parent_requests (
    id TEXT PRIMARY KEY NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    child_id TEXT,
    parent_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    token_hash TEXT UNIQUE,
    parent_name TEXT,
    parent_email_ciphertext TEXT,
    child_display_name TEXT,
    section_code TEXT,
    school_name TEXT,
    details TEXT,
    lang TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    due_at BIGINT,
    decided_at BIGINT,
    decided_by TEXT,
    decision_reason TEXT
);
CREATE INDEX parent_requests_created ON parent_requests(created_at);
CREATE INDEX parent_requests_parent ON parent_requests(parent_id);
