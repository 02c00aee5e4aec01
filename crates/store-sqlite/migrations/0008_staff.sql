-- Staff members and the audit log of what they do.
-- A staff member is an account (role 'staff') with a row here: the roles, the TOTP secret
-- (encrypted) and the last TOTP time step used, so that a code signs in once.
CREATE TABLE staff_members (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    roles TEXT NOT NULL,
    totp_secret_ciphertext TEXT NOT NULL,
    totp_last_step BIGINT,
    created_at BIGINT NOT NULL
);

-- Append-only: each entry's hash covers its fields and the hash of the entry before it.
-- No foreign keys: the ids stay when an account is erased (they then point at nobody).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_id TEXT,
    reason TEXT,
    ticket TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_id, seq);

-- The database itself refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
