//! Family codes and links: a student's own code, the codes of a section's managed students for
//! the letter home, a parent linking with a code, and both sides' lists and removals.

use crate::AppState;
use crate::accounts::{is_child_account, stated_age};
use crate::kit::error::ApiError;
use crate::kit::extract::SignedIn;
use crate::kit::limits;
use axum::http::StatusCode;
use kodlek_domain::{CODE_ALPHABET, Millis, Role, now_millis, rfc3339};
use kodlek_privacy::keys::token_digest;
use kodlek_store::{AccountRecord, FamilyCodeRecord, FamilyLinkRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A code from the student's own page lasts a week.
pub const OWN_CODE_FOR: Millis = 7 * 24 * 3600 * 1000;
/// A code printed on the letter home lasts two weeks: letters take a while to come back.
pub const LETTER_CODE_FOR: Millis = 14 * 24 * 3600 * 1000;
/// Characters in a family code.
pub const FAMILY_CODE_LENGTH: usize = 8;

/// A family code: eight characters of the section codes' alphabet (no vowels, no look-alikes),
/// written `KMNP-QRTW`. Typed codes are read forgivingly: case, spaces and dashes do not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyCode(String);

impl FamilyCode {
    pub fn parse(raw: &str) -> Option<FamilyCode> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (s.len() == FAMILY_CODE_LENGTH && s.bytes().all(|b| CODE_ALPHABET.contains(&b)))
            .then_some(FamilyCode(s))
    }
    pub fn random() -> FamilyCode {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        FamilyCode(
            (0..FAMILY_CODE_LENGTH)
                .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
                .collect(),
        )
    }
    /// As printed and shown: two groups of four.
    pub fn shown(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
    /// What is stored: a digest, as for every other token.
    fn digest(&self) -> String {
        token_digest(&format!("family:{}", self.0))
    }
}

/// 201 of POST /api/v1/me/family-codes.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyCodeView {
    /// Eight characters, shown as two groups of four (`KMNP-QRTW`).
    pub code: String,
    pub expires_at: String,
}

/// One managed student's code, for the letter home.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentFamilyCode {
    pub student_id: String,
    pub display_name: String,
    pub code: String,
    pub expires_at: String,
}

/// 201 of POST /api/v1/sections/{id}/family-codes.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionFamilyCodes {
    pub codes: Vec<StudentFamilyCode>,
}

/// A linked child as their parent sees them: never an email.
#[derive(Debug, Serialize, ToSchema)]
pub struct Child {
    pub id: String,
    pub display_name: String,
    pub age: Option<i64>,
    pub linked_at: String,
    /// "active", "deactivated" or "collection_stopped".
    #[schema(example = "active")]
    pub status: String,
}

/// `{"child": Child}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildBody {
    pub child: Child,
}

/// `{"children": [Child]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildrenBody {
    pub children: Vec<Child>,
}

/// A linked parent as their child sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentView {
    pub id: String,
    pub display_name: String,
    pub linked_at: String,
}

/// `{"parents": [ParentView]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentsBody {
    pub parents: Vec<ParentView>,
}

/// POST /api/v1/me/children.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The family code, as printed or shown (case, spaces and dashes do not matter).
    #[schema(max_length = 32)]
    pub code: String,
}

pub fn family_code_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "family_code_not_found",
        "This family code is unknown, used or expired. Ask for a new one.",
    )
}

fn only(role: Role, me: &SignedIn, what: &str) -> Result<(), ApiError> {
    if me.account.role == role {
        Ok(())
    } else {
        Err(ApiError::forbidden(what))
    }
}

async fn new_code(
    state: &AppState,
    child_id: &str,
    valid_for: Millis,
) -> Result<(FamilyCode, Millis), ApiError> {
    let now = now_millis();
    // A clash of eight random characters is all but impossible; a second draw settles it.
    for _ in 0..5 {
        let code = FamilyCode::random();
        let record = FamilyCodeRecord {
            code_hash: code.digest(),
            child_id: child_id.to_owned(),
            created_at: now,
            expires_at: now + valid_for,
        };
        match state.store.insert_family_code(&record).await {
            Ok(()) => return Ok((code, record.expires_at)),
            Err(kodlek_store::StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal())
}

/// A student's own code, for a parent to link with (7 days, single use).
pub async fn own_code(state: &AppState, me: &SignedIn) -> Result<FamilyCodeView, ApiError> {
    only(Role::Student, me, "Only students make family codes.")?;
    let (code, expires) = new_code(state, &me.account.id, OWN_CODE_FOR).await?;
    Ok(FamilyCodeView {
        code: code.shown(),
        expires_at: rfc3339(expires),
    })
}

/// A code for one child, made for the permission page once a parent has said yes.
pub async fn code_for(state: &AppState, child_id: &str) -> Result<String, ApiError> {
    Ok(new_code(state, child_id, OWN_CODE_FOR).await?.0.shown())
}

/// Codes for every managed student of a section its teacher may see (14 days each), for
/// the letter home. The caller has checked that `teacher` teaches the section.
pub async fn section_codes(
    state: &AppState,
    section_id: &str,
) -> Result<SectionFamilyCodes, ApiError> {
    let members = state.store.section_members(section_id).await?;
    let mut codes = Vec::new();
    for m in members.into_iter().filter(|m| m.managed_by_teacher) {
        let (code, expires) = new_code(state, &m.student_id, LETTER_CODE_FOR).await?;
        codes.push(StudentFamilyCode {
            student_id: m.student_id,
            display_name: m.display_name,
            code: code.shown(),
            expires_at: rfc3339(expires),
        });
    }
    Ok(SectionFamilyCodes { codes })
}

/// The status a parent sees: "active", "deactivated" or "collection_stopped".
pub async fn child_status(state: &AppState, child_id: &str) -> Result<String, ApiError> {
    Ok(match state.store.child_control(child_id).await? {
        Some(c) if c.status == "deactivated" || c.status == "collection_stopped" => c.status,
        _ => "active".to_owned(),
    })
}

async fn child_view(
    state: &AppState,
    child: &AccountRecord,
    linked_at: Millis,
) -> Result<Child, ApiError> {
    let now = now_millis();
    Ok(Child {
        id: child.id.clone(),
        display_name: child.display_name.clone(),
        age: stated_age(child).map(|s| s.now(now) as i64),
        linked_at: rfc3339(linked_at),
        status: child_status(state, &child.id).await?,
    })
}

/// A parent with a verified address links to the child of a code.
pub async fn link(state: &AppState, me: &SignedIn, body: LinkBody) -> Result<Child, ApiError> {
    only(Role::Parent, me, "Only parent accounts link to children.")?;
    if !me.account.email_verified {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "email_unverified",
            "Verify your email address first: follow the link we sent you.",
        ));
    }
    if body.code.chars().count() > 32 {
        return Err(ApiError::invalid("code", "must be at most 32 characters"));
    }
    let now = now_millis();
    // Guessing codes is slow: a parent has a handful of children, not thousands.
    limits::check(state, limits::FAMILY_CODE_TRIES, &me.account.id, now).await?;
    let code = FamilyCode::parse(&body.code).ok_or_else(family_code_not_found)?;
    let child_id = state
        .store
        .take_family_code(&code.digest(), now)
        .await?
        .ok_or_else(family_code_not_found)?;
    let child = state
        .store
        .account_by_id(&child_id)
        .await?
        .filter(|c| c.role == Role::Student)
        .ok_or_else(family_code_not_found)?;
    state
        .store
        .link_family(&FamilyLinkRecord {
            parent_id: me.account.id.clone(),
            child_id: child.id.clone(),
            linked_at: now,
        })
        .await?;
    let linked_at = linked_at(state, &me.account.id, &child.id)
        .await?
        .unwrap_or(now);
    child_view(state, &child, linked_at).await
}

async fn linked_at(
    state: &AppState,
    parent_id: &str,
    child_id: &str,
) -> Result<Option<Millis>, ApiError> {
    Ok(state
        .store
        .children_of(parent_id)
        .await?
        .into_iter()
        .find(|l| l.child_id == child_id)
        .map(|l| l.linked_at))
}

/// The linked child, or 404 for anyone else's (a parent may not learn who exists).
pub async fn linked_child(
    state: &AppState,
    me: &SignedIn,
    child_id: &str,
) -> Result<(AccountRecord, Millis), ApiError> {
    if me.account.role != Role::Parent {
        return Err(ApiError::not_found());
    }
    let at = linked_at(state, &me.account.id, child_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let child = state
        .store
        .account_by_id(child_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((child, at))
}

/// The parent's children, oldest link first.
pub async fn children(state: &AppState, me: &SignedIn) -> Result<Vec<Child>, ApiError> {
    only(Role::Parent, me, "Only parent accounts have children here.")?;
    let mut out = Vec::new();
    for l in state.store.children_of(&me.account.id).await? {
        if let Some(c) = state.store.account_by_id(&l.child_id).await? {
            out.push(child_view(state, &c, l.linked_at).await?);
        }
    }
    Ok(out)
}

/// A parent ends their link to a child.
pub async fn unlink_child(state: &AppState, me: &SignedIn, child_id: &str) -> Result<(), ApiError> {
    if me.account.role != Role::Parent
        || !state.store.unlink_family(&me.account.id, child_id).await?
    {
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// The student's linked parents.
pub async fn parents(state: &AppState, me: &SignedIn) -> Result<Vec<ParentView>, ApiError> {
    only(Role::Student, me, "Only students have parents linked here.")?;
    parents_of(state, &me.account.id).await
}

pub async fn parents_of(state: &AppState, child_id: &str) -> Result<Vec<ParentView>, ApiError> {
    let mut out = Vec::new();
    for l in state.store.parents_of(child_id).await? {
        if let Some(p) = state.store.account_by_id(&l.parent_id).await? {
            out.push(ParentView {
                id: p.id,
                display_name: p.display_name,
                linked_at: rfc3339(l.linked_at),
            });
        }
    }
    Ok(out)
}

/// A student of 13 or more removes a parent; a child may not (a parent's controls would be
/// a child's to switch off).
pub async fn unlink_parent(
    state: &AppState,
    me: &SignedIn,
    parent_id: &str,
) -> Result<(), ApiError> {
    only(Role::Student, me, "Only students have parents linked here.")?;
    if !state
        .store
        .parents_of(&me.account.id)
        .await?
        .iter()
        .any(|l| l.parent_id == parent_id)
    {
        return Err(ApiError::not_found());
    }
    if is_child_account(&me.account, now_millis()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "parent_controls",
            "Only your parent can remove this link until you are 13.",
        ));
    }
    state.store.unlink_family(parent_id, &me.account.id).await?;
    Ok(())
}
