-- Learners' projects (CREATE-1), shared by link or in the gallery at their owner's choice
-- (CREATE-2), remixes, reports and moderation, and the switch that lets a section's teachers
-- stop its students from sharing.

-- While a section has it false, its students cannot share, and what they share is hidden.
ALTER TABLE sections ADD COLUMN sharing_allowed BOOLEAN NOT NULL DEFAULT TRUE;

-- A project goes with its owner's account. A remix keeps the original's share id and title;
-- the original's author is named only while that account exists.
CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    program TEXT NOT NULL,
    sharing TEXT NOT NULL,
    share_id TEXT UNIQUE,
    shared_at BIGINT,
    remixed_from_share_id TEXT,
    remixed_from_title TEXT,
    remixed_from_author_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
    hidden_by_teacher BOOLEAN NOT NULL,
    moderation TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX projects_owner ON projects(owner_id, updated_at);
CREATE INDEX projects_gallery ON projects(sharing, shared_at, share_id);
CREATE INDEX projects_remixed_from ON projects(remixed_from_share_id);
CREATE INDEX projects_remixed_from_author ON projects(remixed_from_author_id);

-- Reports on shared projects. An anonymous reporter is kept only as a keyed hash of their
-- address, to count different reporters; a reporter's account takes its reports with it.
CREATE TABLE project_reports (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    reporter_account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE,
    reporter_ip_hash TEXT,
    trusted BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    details TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE INDEX project_reports_project ON project_reports(project_id, decided_at);
CREATE INDEX project_reports_open ON project_reports(decided_at, created_at);
CREATE INDEX project_reports_reporter ON project_reports(reporter_account_id);
