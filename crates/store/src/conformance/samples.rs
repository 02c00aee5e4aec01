//! Sample rows for the cases and other crates' tests: account, attempt, section, student.

use crate::*;
use kodlek_domain::{Millis, Role};

pub fn sample_account(id: &str, lookup: Option<&str>) -> AccountRecord {
    AccountRecord {
        id: id.to_owned(),
        role: Role::Student,
        display_name: format!("Coder {id}"),
        username: None,
        age_years: Some(10),
        age_stated_at: Some(1_000),
        gender: Some("female".into()),
        email_lookup: lookup.map(str::to_owned),
        email_ciphertext: None,
        email_verified: false,
        password_hash: Some("$argon2id$fake".into()),
        school_name: None,
        school_address_ciphertext: None,
        managed_by_teacher: false,
        created_at: 1_000,
        updated_at: 1_000,
    }
}

pub fn attempt(
    id: &str,
    account: &str,
    level: &str,
    at: Millis,
    status: &str,
    program: Option<&str>,
) -> NewAttempt {
    NewAttempt {
        id: id.into(),
        account_id: account.into(),
        level_id: level.into(),
        at,
        status: status.into(),
        program: program.map(|p| StoredProgram {
            hash: format!("h-{p}"),
            body: p.into(),
        }),
        answer: None,
        client_attempt_id: None,
    }
}

pub fn sample_section(id: &str, code: &str) -> SectionRecord {
    SectionRecord {
        id: id.into(),
        name: format!("Class {id}"),
        course_id: "maze-intro".into(),
        login_type: "picture".into(),
        code: code.into(),
        created_at: 5_000,
        sharing_allowed: true,
    }
}

pub fn managed_student(id: &str, teacher_id: &str, section_id: &str) -> NewManagedStudent {
    NewManagedStudent {
        account: AccountRecord {
            managed_by_teacher: true,
            password_hash: None,
            ..sample_account(id, None)
        },
        secret: SecretRecord {
            account_id: id.into(),
            kind: "picture".into(),
            ciphertext: format!("sealed-{id}"),
            failed_attempts: 0,
            locked_until: None,
            updated_at: 5_000,
        },
        permission: Some(PermissionRecord {
            account_id: id.into(),
            teacher_id: teacher_id.into(),
            section_id: section_id.into(),
            attested_at: 5_000,
        }),
    }
}
