-- Sections (classrooms), their teachers and students, the secrets of teacher-managed students,
-- school-permission attestations and co-teacher invitations.
CREATE TABLE sections (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    course_id TEXT NOT NULL,
    login_type TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE section_teachers (
    section_id TEXT NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    teacher_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    owner BOOLEAN NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (section_id, teacher_id)
);
CREATE INDEX section_teachers_teacher ON section_teachers(teacher_id);

CREATE TABLE section_students (
    section_id TEXT NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (section_id, student_id)
);
CREATE INDEX section_students_student ON section_students(student_id);

CREATE TABLE student_secrets (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    secret_ciphertext TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL,
    locked_until BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE school_permissions (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    teacher_id TEXT NOT NULL,
    section_id TEXT NOT NULL,
    attested_at BIGINT NOT NULL
);

CREATE TABLE section_invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    invited_by TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX section_invitations_section ON section_invitations(section_id);
