//! Sections (classrooms): what teachers do with them and their students, joining and leaving,
//! and the secret-picture and secret-word sign-in. The API and the pages both call these.
//!
//! Privacy by construction: the views a teacher gets ([`Section`], [`SectionStudent`],
//! [`ProgressGrid`], ...) are built from `SectionMember`, which carries no contact field.

use super::progress_cache::{Cell, CourseCells};
use super::secrets;
use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use axum::http::StatusCode;
use kodlek_domain::*;
use kodlek_puzzles::catalog;
use kodlek_store::{SecretRecord, SectionMember, SectionRecord, StoreError, new_id};
use rand::rngs::OsRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use utoipa::ToSchema;

/// Wrong secrets in a row before a student's sign-in pauses.
pub const SECRET_FAILURE_LIMIT: i64 = 10;
/// How long it pauses, unless a teacher unlocks it.
pub const SECRET_LOCK_FOR: Millis = 15 * 60 * 1000;
/// An invitation for a co-teacher works this long.
pub(super) const INVITATION_FOR: Millis = 7 * 24 * 3600 * 1000;
/// Names in one pasted list; a class, with room to spare.
pub const BULK_LIMIT: usize = 100;
/// A student stuck on a level: this many attempts without solving it...
pub(super) const STUCK_ATTEMPTS: i64 = 6;
/// ...or this long between the first and the last attempt without solving it.
pub(super) const STUCK_FOR: Millis = 15 * 60 * 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub course_id: String,
    #[schema(example = "picture")]
    pub login_type: String,
    pub code: String,
    pub created_at: String,
    /// Whether its students may share their projects (default true).
    pub sharing_allowed: bool,
}

impl From<&SectionRecord> for Section {
    fn from(s: &SectionRecord) -> Section {
        Section {
            id: s.id.clone(),
            name: s.name.clone(),
            course_id: s.course_id.clone(),
            login_type: s.login_type.clone(),
            code: s.code.clone(),
            created_at: rfc3339(s.created_at),
            sharing_allowed: s.sharing_allowed,
        }
    }
}

/// A student as the section's teachers see them. It has no email field, ever.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionStudent {
    pub id: String,
    pub display_name: String,
    /// For a student the teachers manage: the age now. Null for a student with their own account.
    pub age: Option<i64>,
    pub gender: Option<String>,
    pub managed_by_teacher: bool,
    pub joined_at: String,
    /// Whether sign-in is paused after too many wrong secrets (a teacher can unlock it).
    pub sign_in_locked: bool,
}

pub(super) fn student_view(m: &SectionMember, locked: bool, now: Millis) -> SectionStudent {
    // A student with their own account decides what teachers see: the name and progress only.
    let managed = m.managed_by_teacher;
    SectionStudent {
        id: m.student_id.clone(),
        display_name: m.display_name.clone(),
        age: managed
            .then(|| {
                Some(
                    StatedAge {
                        years: m.age_years? as u8,
                        stated_at: m.age_stated_at?,
                    }
                    .now(now) as i64,
                )
            })
            .flatten(),
        gender: if managed { m.gender.clone() } else { None },
        managed_by_teacher: managed,
        joined_at: rfc3339(m.joined_at),
        sign_in_locked: locked,
    }
}

/// A sign-in secret: a picture id, or two lower-case words joined by one space.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Secret {
    #[schema(example = "picture")]
    pub kind: String,
    #[schema(example = "apple")]
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionTeacherView {
    pub id: String,
    pub display_name: String,
    /// The teacher who made the section; only they can delete it.
    pub owner: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionDetail {
    pub section: Section,
    pub students: Vec<SectionStudent>,
    pub teachers: Vec<SectionTeacherView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSection {
    pub name: String,
    pub course_id: String,
    /// `picture`, `word`, `email`, or `sso:<provider>` for a configured sign-in service.
    #[schema(example = "picture")]
    pub login_type: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionPatch {
    pub name: Option<String>,
    pub course_id: Option<String>,
    /// `picture`, `word`, `email`, or `sso:<provider>` for a configured sign-in service.
    pub login_type: Option<String>,
    /// Switched off, the section's students cannot share and what they share is hidden.
    pub sharing_allowed: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStudent {
    pub display_name: String,
    #[serde(default, deserialize_with = "crate::kit::extract::whole")]
    pub age: Option<i64>,
    pub gender: Option<String>,
    /// The teacher attests that the school has permission to create this child's account.
    #[serde(default)]
    pub school_permission: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStudents {
    pub names: Vec<String>,
    #[serde(default)]
    pub school_permission: bool,
}

/// A teacher's correction of a managed student; `null` clears age or gender.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudentPatch {
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::kit::extract::whole_or_null")]
    #[schema(value_type = Option<i64>)]
    pub age: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::accounts::double")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedStudent {
    pub student: SectionStudent,
    pub secret: Secret,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInCard {
    pub student_id: String,
    pub display_name: String,
    pub secret: Secret,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInCards {
    pub sign_in_url: String,
    pub cards: Vec<SignInCard>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GridLevel {
    pub id: String,
    pub title: String,
    /// "puzzle" or "prompt" and so on, as in the course.
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridCell {
    /// The best status so far.
    pub status: String,
    pub attempts: i64,
    pub last_attempt_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridStudent {
    pub id: String,
    pub display_name: String,
    pub levels: BTreeMap<String, GridCell>,
    /// Levels of the course the student seems stuck on: many attempts, or a long time, without
    /// solving it. Empty when all is well.
    pub needs_help: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressGrid {
    pub course_id: String,
    pub levels: Vec<GridLevel>,
    pub students: Vec<GridStudent>,
}

/// The progress grid as the pages use it: a row per student in class-list order, each
/// sharing the dashboards' copy of the student's cells.
#[derive(Debug)]
pub struct Grid {
    pub course_id: String,
    pub levels: Vec<GridLevel>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug)]
pub struct GridRow {
    pub id: String,
    pub display_name: String,
    pub cells: Arc<CourseCells>,
}

/// Many attempts, or a long time, without solving the level.
pub fn stuck(c: &Cell) -> bool {
    !c.solved()
        && (c.attempts >= STUCK_ATTEMPTS || c.last_attempt_at - c.first_attempt_at >= STUCK_FOR)
}

impl GridRow {
    /// The columns of the levels the student seems stuck on, in course order.
    pub fn needs_help(&self) -> impl Iterator<Item = usize> + '_ {
        self.cells.iter().filter(|(_, c)| stuck(c)).map(|(i, _)| i)
    }
}

impl From<&Grid> for ProgressGrid {
    fn from(g: &Grid) -> ProgressGrid {
        let id = |i: usize| g.levels[i].id.clone();
        ProgressGrid {
            course_id: g.course_id.clone(),
            levels: g.levels.clone(),
            students: g
                .rows
                .iter()
                .map(|r| GridStudent {
                    id: r.id.clone(),
                    display_name: r.display_name.clone(),
                    levels: r
                        .cells
                        .iter()
                        .map(|(i, c)| {
                            let cell = GridCell {
                                status: c.status().to_owned(),
                                attempts: c.attempts,
                                last_attempt_at: rfc3339(c.last_attempt_at),
                            };
                            (id(i), cell)
                        })
                        .collect(),
                    needs_help: r.needs_help().map(id).collect(),
                })
                .collect(),
        }
    }
}

/// A section as one of its students sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedSectionView {
    pub id: String,
    pub name: String,
    /// The teacher who made the section.
    pub teacher_display_name: String,
    /// Everyone who teaches it (and so sees the student's progress), the maker first.
    pub teachers: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInStudent {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInPage {
    pub section_name: String,
    #[schema(example = "picture")]
    pub login_type: String,
    pub students: Vec<SignInStudent>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretSignIn {
    pub student_id: String,
    pub secret: String,
    #[serde(default)]
    pub remember_me: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    /// Give this address to the other teacher; it works once, for a week.
    pub invitation_url: String,
    pub expires_at: String,
}

pub(super) fn field<T>(name: &str, r: Result<T, Invalid>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::invalid(name, e))
}

pub(super) fn unprocessable(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

pub(super) fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

pub fn section_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "section_not_found",
        "There is no section with this code. Check the code with your teacher.",
    )
}

pub(super) fn course_id(raw: &str) -> Result<String, ApiError> {
    catalog()
        .course(raw)
        .map(|c| c.id.clone())
        .ok_or_else(|| unprocessable("unknown_course", "There is no course with this id."))
}

pub(super) fn must_be_teacher(me: &SignedIn) -> Result<(), ApiError> {
    if me.account.role != Role::Teacher {
        return Err(ApiError::forbidden("Only teachers have sections."));
    }
    Ok(())
}

/// The section, if the caller teaches it; else 404, as for a section that does not exist.
/// Also says whether the caller owns it.
pub async fn taught(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<(SectionRecord, bool), ApiError> {
    if me.account.role != Role::Teacher {
        return Err(ApiError::not_found());
    }
    let teachers = state.store.section_teachers(section_id).await?;
    let Some(mine) = teachers.iter().find(|t| t.teacher_id == me.account.id) else {
        return Err(ApiError::not_found());
    };
    let section = state
        .store
        .section(section_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((section, mine.owner))
}

/// A student of the section; 404 for anyone else, also one who has left.
pub(super) async fn member(
    state: &AppState,
    section_id: &str,
    student_id: &str,
) -> Result<SectionMember, ApiError> {
    state
        .store
        .section_member(section_id, student_id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Inserts with a fresh code, trying again in the rare case that it is taken.
pub(super) async fn with_fresh_code<F, Fut>(mut write: F) -> Result<String, ApiError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    for _ in 0..20 {
        let code = JoinCode::random(&mut rand::thread_rng())
            .as_str()
            .to_owned();
        match write(code.clone()).await {
            Ok(()) => return Ok(code),
            Err(StoreError::Conflict("code")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal())
}

pub async fn create(
    state: &AppState,
    me: &SignedIn,
    body: NewSection,
) -> Result<Section, ApiError> {
    must_be_teacher(me)?;
    if !me.account.email_verified {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "email_unverified",
            "Confirm your email address first: open the link we sent you.",
        ));
    }
    let name = field("name", SectionName::new(&body.name))?;
    let course_id = course_id(&body.course_id)?;
    let (_, login_type) = login_type(state, &body.login_type)?;
    let mut record = SectionRecord {
        id: new_id(),
        name: name.as_str().to_owned(),
        course_id,
        login_type,
        code: String::new(),
        created_at: now_millis(),
        sharing_allowed: true,
    };
    let code = with_fresh_code(|code| {
        let r = SectionRecord {
            code,
            ..record.clone()
        };
        let owner = me.account.id.clone();
        async move { state.store.insert_section(&r, &owner).await }
    })
    .await?;
    record.code = code;
    Ok((&record).into())
}

pub async fn list(state: &AppState, me: &SignedIn) -> Result<Vec<Section>, ApiError> {
    must_be_teacher(me)?;
    let rows = state.store.sections_taught_by(&me.account.id).await?;
    Ok(rows.iter().map(Section::from).collect())
}

/// The members sorted as a class list is: by name, ignoring case.
pub(super) async fn class_list(
    state: &AppState,
    section_id: &str,
) -> Result<Vec<SectionMember>, ApiError> {
    let mut members = state.store.section_members(section_id).await?;
    members.sort_by_cached_key(|m| (m.display_name.to_lowercase(), m.student_id.clone()));
    Ok(members)
}

/// The members as a class list, with whether each one's sign-in is locked.
pub async fn students(state: &AppState, section_id: &str) -> Result<Vec<SectionStudent>, ApiError> {
    let now = now_millis();
    let members = class_list(state, section_id).await?;
    let locked: Vec<String> = state
        .store
        .section_secrets(section_id)
        .await?
        .into_iter()
        .filter(|s| s.locked_until.is_some_and(|t| t > now))
        .map(|s| s.account_id)
        .collect();
    Ok(members
        .iter()
        .map(|m| student_view(m, locked.contains(&m.student_id), now))
        .collect())
}

pub async fn detail(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<SectionDetail, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    let teachers = state.store.section_teachers(section_id).await?;
    Ok(SectionDetail {
        section: (&section).into(),
        students: students(state, section_id).await?,
        teachers: teachers
            .into_iter()
            .map(|t| SectionTeacherView {
                id: t.teacher_id,
                display_name: t.display_name,
                owner: t.owner,
            })
            .collect(),
    })
}

/// The secrets a section's children have now, as [`secret_key`] compares them, but for the
/// child `except`'s.
pub(super) async fn secrets_in_use(
    state: &AppState,
    section_id: &str,
    except: Option<&str>,
) -> Result<HashSet<String>, ApiError> {
    Ok(state
        .store
        .section_secrets(section_id)
        .await?
        .iter()
        .filter(|s| Some(s.account_id.as_str()) != except)
        .filter_map(|s| opened(state, s))
        .map(|s| secret_key(&s.value))
        .collect())
}

/// A login type as given: picture, word or email, or `sso:<provider>` for a configured sign-in
/// service, whose students (as an email section's) sign in with accounts of their own.
fn login_type(state: &AppState, raw: &str) -> Result<(LoginType, String), ApiError> {
    if crate::sso::is_section_login_type(state, raw) {
        return Ok((LoginType::Email, raw.to_owned()));
    }
    let t = field("login_type", LoginType::parse(raw))?;
    Ok((t, t.as_str().to_owned()))
}

/// Whether a secret of the kind is left that none of `taken` has.
pub(super) fn secret_left(kind: LoginType, lang: Lang, taken: &HashSet<String>) -> bool {
    match kind {
        LoginType::Word => {
            let n = secrets::words(lang).len();
            taken.len() < n * n.saturating_sub(1) / 2
        }
        _ => secrets::pictures().iter().any(|p| !taken.contains(p.id)),
    }
}

/// A secret as children tell secrets apart: "happy tiger" and "tiger happy" are one pair.
pub(super) fn secret_key(value: &str) -> String {
    let mut words: Vec<&str> = value.split(' ').collect();
    words.sort_unstable();
    words.join(" ")
}

/// A new secret of the kind that no one in `taken` has, while there is one left; it is added
/// to `taken`. So two children of a section never share a secret (and a reset secret is never
/// the old one) while the section has no more children than there are pictures or word pairs.
pub(super) fn random_secret(kind: LoginType, lang: Lang, taken: &mut HashSet<String>) -> Secret {
    let (kind, value) = match kind {
        LoginType::Word => {
            // Hundreds of pairs: drawing again while a pair is taken finds a free one quickly;
            // the bound only matters when every pair is taken, and then any pair will do.
            let value = (0..10_000)
                .map(|_| secrets::random_word_secret(lang))
                .find(|v| !taken.contains(&secret_key(v)))
                .unwrap_or_else(|| secrets::random_word_secret(lang));
            ("word", value)
        }
        _ => {
            let free: Vec<&str> = secrets::pictures()
                .iter()
                .map(|p| p.id)
                .filter(|id| !taken.contains(*id))
                .collect();
            let value = free
                .choose(&mut OsRng)
                .copied()
                .unwrap_or_else(secrets::random_picture_secret);
            ("picture", value.to_owned())
        }
    };
    taken.insert(secret_key(&value));
    Secret {
        kind: kind.into(),
        value,
    }
}

pub(super) fn sealed(state: &AppState, account_id: &str, s: &Secret, now: Millis) -> SecretRecord {
    SecretRecord {
        account_id: account_id.to_owned(),
        kind: s.kind.clone(),
        ciphertext: state.keys.encrypt(&s.value),
        failed_attempts: 0,
        locked_until: None,
        updated_at: now,
    }
}

pub(super) fn opened(state: &AppState, s: &SecretRecord) -> Option<Secret> {
    Some(Secret {
        kind: s.kind.clone(),
        value: state.keys.decrypt(&s.ciphertext)?,
    })
}

pub async fn update(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    p: SectionPatch,
    lang: Lang,
) -> Result<Section, ApiError> {
    let (old, _) = taught(state, me, section_id).await?;
    let mut s = old.clone();
    if let Some(n) = &p.name {
        s.name = field("name", SectionName::new(n))?.as_str().to_owned();
    }
    if let Some(c) = &p.course_id {
        s.course_id = course_id(c)?;
    }
    let mut secrets = Vec::new();
    if let Some(t) = &p.login_type {
        let (new, stored) = login_type(state, t)?;
        s.login_type = stored;
        if s.login_type != old.login_type {
            let managed: Vec<SectionMember> = state
                .store
                .section_members(section_id)
                .await?
                .into_iter()
                .filter(|m| m.managed_by_teacher)
                .collect();
            if new == LoginType::Email && !managed.is_empty() {
                return Err(conflict(
                    "managed_students_present",
                    "This section has students you created; they sign in with a picture or words, so it cannot become an email section.",
                ));
            }
            // Between picture and word, every managed student gets a secret of the new kind.
            let now = now_millis();
            let mut taken = HashSet::new();
            for m in &managed {
                let secret = random_secret(new, lang, &mut taken);
                secrets.push(sealed(state, &m.student_id, &secret, now));
            }
        }
    }
    state.store.update_section(&s, &secrets).await?;
    if let Some(allowed) = p.sharing_allowed {
        state.store.set_section_sharing(section_id, allowed).await?;
        s.sharing_allowed = allowed;
    }
    // New secrets replace the old ones: the sessions opened with those end.
    for secret in &secrets {
        state
            .store
            .delete_other_sessions(&secret.account_id, None)
            .await?;
    }
    Ok((&s).into())
}

/// Deletes the section; its managed students in no other section are erased with it.
pub async fn delete(state: &AppState, me: &SignedIn, section_id: &str) -> Result<u64, ApiError> {
    let (_, owner) = taught(state, me, section_id).await?;
    if !owner {
        return Err(ApiError::forbidden(
            "Only the teacher who made this section can delete it.",
        ));
    }
    delete_section(state, section_id).await
}

/// Deletes a section, and the dashboards' copies of its students' progress.
pub(super) async fn delete_section(state: &AppState, section_id: &str) -> Result<u64, ApiError> {
    let members = state.store.section_members(section_id).await?;
    let erased = state.store.delete_section(section_id).await?;
    for m in members {
        state.progress.forget(&m.student_id);
    }
    Ok(erased)
}

pub async fn new_code(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<Section, ApiError> {
    let (mut s, _) = taught(state, me, section_id).await?;
    let code = with_fresh_code(|code| {
        let r = SectionRecord { code, ..s.clone() };
        async move { state.store.update_section(&r, &[]).await }
    })
    .await?;
    s.code = code;
    Ok((&s).into())
}
