//! Sections (classrooms): what teachers do with them and their students, joining and leaving,
//! and the secret-picture and secret-word sign-in. The API and the pages both call these.
//!
//! Privacy by construction: the views a teacher gets ([`Section`], [`SectionStudent`],
//! [`ProgressGrid`], ...) are built from `SectionMember`, which carries no contact field.

use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use crate::kit::limits;
use crate::progress_cache::{Cell, CourseCells};
use crate::puzzles::AttemptView;
use crate::{AppState, secrets};
use axum::http::StatusCode;
use kodlek_domain::*;
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_puzzles::catalog;
use kodlek_store::{
    AccountRecord, InvitationRecord, NewManagedStudent, PermissionRecord, SecretGuess,
    SecretRecord, SectionMember, SectionRecord, StoreError, new_id,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Arc;
use utoipa::ToSchema;

/// Wrong secrets in a row before a student's sign-in pauses.
pub const SECRET_FAILURE_LIMIT: i64 = 10;
/// How long it pauses, unless a teacher unlocks it.
pub const SECRET_LOCK_FOR: Millis = 15 * 60 * 1000;
/// An invitation for a co-teacher works this long.
const INVITATION_FOR: Millis = 7 * 24 * 3600 * 1000;
/// Names in one pasted list; a class, with room to spare.
pub const BULK_LIMIT: usize = 100;
/// A student stuck on a level: this many attempts without solving it...
const STUCK_ATTEMPTS: i64 = 6;
/// ...or this long between the first and the last attempt without solving it.
const STUCK_FOR: Millis = 15 * 60 * 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Section {
    pub id: String,
    pub name: String,
    pub course_id: String,
    #[schema(example = "picture")]
    pub login_type: String,
    pub code: String,
    pub created_at: String,
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

fn student_view(m: &SectionMember, locked: bool, now: Millis) -> SectionStudent {
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
    #[schema(example = "picture")]
    pub login_type: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionPatch {
    pub name: Option<String>,
    pub course_id: Option<String>,
    pub login_type: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStudent {
    pub display_name: String,
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
    #[serde(default, deserialize_with = "crate::accounts::double")]
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

fn field<T>(name: &str, r: Result<T, Invalid>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::invalid(name, e))
}

fn unprocessable(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

pub fn section_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "section_not_found",
        "There is no section with this code. Check the code with your teacher.",
    )
}

fn course_id(raw: &str) -> Result<String, ApiError> {
    catalog()
        .course(raw)
        .map(|c| c.id.clone())
        .ok_or_else(|| unprocessable("unknown_course", "There is no course with this id."))
}

fn must_be_teacher(me: &SignedIn) -> Result<(), ApiError> {
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
async fn member(
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
async fn with_fresh_code<F, Fut>(mut write: F) -> Result<String, ApiError>
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
    let login_type = field("login_type", LoginType::parse(&body.login_type))?;
    let mut record = SectionRecord {
        id: new_id(),
        name: name.as_str().to_owned(),
        course_id,
        login_type: login_type.as_str().to_owned(),
        code: String::new(),
        created_at: now_millis(),
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
async fn class_list(state: &AppState, section_id: &str) -> Result<Vec<SectionMember>, ApiError> {
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

fn random_secret(kind: LoginType, lang: Lang) -> Secret {
    match kind {
        LoginType::Word => Secret {
            kind: "word".into(),
            value: secrets::random_word_secret(lang),
        },
        _ => Secret {
            kind: "picture".into(),
            value: secrets::random_picture_secret().to_owned(),
        },
    }
}

fn sealed(state: &AppState, account_id: &str, s: &Secret, now: Millis) -> SecretRecord {
    SecretRecord {
        account_id: account_id.to_owned(),
        kind: s.kind.clone(),
        ciphertext: state.keys.encrypt(&s.value),
        failed_attempts: 0,
        locked_until: None,
        updated_at: now,
    }
}

fn opened(state: &AppState, s: &SecretRecord) -> Option<Secret> {
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
        let new = field("login_type", LoginType::parse(t))?;
        s.login_type = new.as_str().to_owned();
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
            for m in &managed {
                secrets.push(sealed(state, &m.student_id, &random_secret(new, lang), now));
            }
        }
    }
    state.store.update_section(&s, &secrets).await?;
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
async fn delete_section(state: &AppState, section_id: &str) -> Result<u64, ApiError> {
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

fn secret_kind(section: &SectionRecord) -> Result<LoginType, ApiError> {
    let t = LoginType::parse(&section.login_type).unwrap_or(LoginType::Email);
    if !t.has_secrets() {
        return Err(unprocessable(
            "wrong_login_type",
            "Students of an email section join with their own accounts and the section code; change the section to pictures or words to create students.",
        ));
    }
    Ok(t)
}

fn permission_required() -> ApiError {
    unprocessable(
        "school_permission_required",
        "Confirm that your school has permission to create accounts for these children.",
    )
}

/// Names must tell the children apart on the sign-in page.
fn name_taken(name: &str) -> ApiError {
    conflict(
        "display_name_taken",
        &format!(
            "There is already a \"{name}\" in this section; add an initial to tell them apart."
        ),
    )
}

struct Prepared {
    new: NewManagedStudent,
    secret: Secret,
    member: SectionMember,
}

/// A student the teacher typed in, validated.
struct Draft {
    name: DisplayName,
    age: Option<Age>,
    gender: Option<Gender>,
    permission: bool,
}

fn prepare(
    state: &AppState,
    me: &SignedIn,
    section: &SectionRecord,
    kind: LoginType,
    draft: Draft,
    lang: Lang,
    now: Millis,
) -> Prepared {
    let Draft {
        name,
        age,
        gender,
        permission,
    } = draft;
    let id = new_id();
    let secret = random_secret(kind, lang);
    let account = AccountRecord {
        id: id.clone(),
        role: Role::Student,
        display_name: name.as_str().to_owned(),
        username: None,
        age_years: age.map(|a| a.years() as i64),
        age_stated_at: age.map(|_| now),
        gender: gender.map(|g| g.as_str().to_owned()),
        email_lookup: None,
        email_ciphertext: None,
        email_verified: false,
        password_hash: None,
        school_name: None,
        school_address_ciphertext: None,
        managed_by_teacher: true,
        created_at: now,
        updated_at: now,
    };
    let member = SectionMember {
        student_id: id.clone(),
        display_name: account.display_name.clone(),
        age_years: account.age_years,
        age_stated_at: account.age_stated_at,
        gender: account.gender.clone(),
        managed_by_teacher: true,
        joined_at: now,
    };
    Prepared {
        new: NewManagedStudent {
            secret: sealed(state, &id, &secret, now),
            permission: permission.then(|| PermissionRecord {
                account_id: id.clone(),
                teacher_id: me.account.id.clone(),
                section_id: section.id.clone(),
                attested_at: now,
            }),
            account,
        },
        secret,
        member,
    }
}

async fn existing_names(state: &AppState, section_id: &str) -> Result<Vec<String>, ApiError> {
    Ok(state
        .store
        .section_members(section_id)
        .await?
        .into_iter()
        .map(|m| m.display_name.to_lowercase())
        .collect())
}

async fn write_students(
    state: &AppState,
    section: &SectionRecord,
    prepared: Vec<Prepared>,
    now: Millis,
) -> Result<Vec<CreatedStudent>, ApiError> {
    let news: Vec<NewManagedStudent> = prepared.iter().map(|p| p.new.clone()).collect();
    state
        .store
        .create_managed_students(&section.id, &news, now)
        .await?;
    Ok(prepared
        .into_iter()
        .map(|p| CreatedStudent {
            student: student_view(&p.member, false, now),
            secret: p.secret,
        })
        .collect())
}

pub async fn add_student(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    body: NewStudent,
    lang: Lang,
) -> Result<CreatedStudent, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    let kind = secret_kind(&section)?;
    let name = field("display_name", DisplayName::new(&body.display_name))?;
    let age = body.age.map(|a| field("age", Age::new(a))).transpose()?;
    let gender = body
        .gender
        .as_deref()
        .map(|g| field("gender", Gender::parse(g)))
        .transpose()?;
    let child = age.is_none_or(|a| a.years() < CHILD_AGE_LIMIT);
    if child && !body.school_permission {
        return Err(permission_required());
    }
    if existing_names(state, section_id)
        .await?
        .contains(&name.as_str().to_lowercase())
    {
        return Err(name_taken(name.as_str()));
    }
    let now = now_millis();
    let draft = Draft {
        name,
        age,
        gender,
        permission: body.school_permission,
    };
    let p = prepare(state, me, &section, kind, draft, lang, now);
    let mut created = write_students(state, &section, vec![p], now).await?;
    Ok(created.remove(0))
}

/// A pasted class list: every name is checked before any account is made, so one bad line
/// changes nothing.
pub async fn add_students(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    body: NewStudents,
    lang: Lang,
) -> Result<Vec<CreatedStudent>, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    let kind = secret_kind(&section)?;
    if body.names.is_empty() {
        return Err(ApiError::invalid(
            "names",
            "the list is empty; give at least one name",
        ));
    }
    if body.names.len() > BULK_LIMIT {
        return Err(ApiError::invalid(
            "names",
            format!("at most {BULK_LIMIT} names at a time"),
        ));
    }
    // Nobody's age is known yet: every one of them may be a child.
    if !body.school_permission {
        return Err(permission_required());
    }
    let mut seen = existing_names(state, section_id).await?;
    let mut names = Vec::with_capacity(body.names.len());
    for (i, raw) in body.names.iter().enumerate() {
        let name = DisplayName::new(raw)
            .map_err(|e| ApiError::invalid("names", format!("line {}: {e}", i + 1)))?;
        let key = name.as_str().to_lowercase();
        if seen.contains(&key) {
            return Err(name_taken(name.as_str()));
        }
        seen.push(key);
        names.push(name);
    }
    let now = now_millis();
    let prepared = names
        .into_iter()
        .map(|name| {
            let draft = Draft {
                name,
                age: None,
                gender: None,
                permission: true,
            };
            prepare(state, me, &section, kind, draft, lang, now)
        })
        .collect();
    write_students(state, &section, prepared, now).await
}

fn in_control() -> ApiError {
    conflict(
        "student_in_control",
        "This student has taken control of their account; only they can change it now.",
    )
}

/// A managed student of the section, with their account; 409 when they are in control.
async fn managed_member(
    state: &AppState,
    section_id: &str,
    student_id: &str,
) -> Result<AccountRecord, ApiError> {
    let m = member(state, section_id, student_id).await?;
    if !m.managed_by_teacher {
        return Err(in_control());
    }
    state
        .store
        .account_by_id(&m.student_id)
        .await?
        .ok_or_else(ApiError::not_found)
}

pub async fn update_student(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    student_id: &str,
    p: StudentPatch,
) -> Result<SectionStudent, ApiError> {
    taught(state, me, section_id).await?;
    let mut a = managed_member(state, section_id, student_id).await?;
    let now = now_millis();
    if let Some(n) = &p.display_name {
        let name = field("display_name", DisplayName::new(n))?;
        let others: Vec<String> = state
            .store
            .section_members(section_id)
            .await?
            .into_iter()
            .filter(|m| m.student_id != a.id)
            .map(|m| m.display_name.to_lowercase())
            .collect();
        if others.contains(&name.as_str().to_lowercase()) {
            return Err(name_taken(name.as_str()));
        }
        a.display_name = name.as_str().to_owned();
    }
    if let Some(age) = p.age {
        let age = age.map(|y| field("age", Age::new(y))).transpose()?;
        a.age_years = age.map(|a| a.years() as i64);
        a.age_stated_at = age.map(|_| now);
    }
    if let Some(g) = &p.gender {
        a.gender = g
            .as_deref()
            .map(|g| field("gender", Gender::parse(g)))
            .transpose()?
            .map(|g| g.as_str().to_owned());
    }
    a.updated_at = now;
    state.store.update_account(&a).await?;
    let m = member(state, section_id, student_id).await?;
    let locked = state
        .store
        .secret(student_id)
        .await?
        .is_some_and(|s| s.locked_until.is_some_and(|t| t > now));
    Ok(student_view(&m, locked, now))
}

pub async fn reset_secret(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    student_id: &str,
    lang: Lang,
) -> Result<Secret, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    let a = managed_member(state, section_id, student_id).await?;
    let kind = match LoginType::parse(&section.login_type) {
        Ok(t) if t.has_secrets() => t,
        // In an email section, keep the kind the student already has.
        _ => match state.store.secret(&a.id).await? {
            Some(s) if s.kind == "word" => LoginType::Word,
            _ => LoginType::Picture,
        },
    };
    let secret = random_secret(kind, lang);
    state
        .store
        .set_secret(&sealed(state, &a.id, &secret, now_millis()))
        .await?;
    // A managed student has no other way in: every session was opened with a secret, and
    // the old one may be known to someone else; that is why it is reset.
    state.store.delete_other_sessions(&a.id, None).await?;
    Ok(secret)
}

pub async fn unlock(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    student_id: &str,
) -> Result<(), ApiError> {
    taught(state, me, section_id).await?;
    member(state, section_id, student_id).await?;
    state.store.clear_secret_failures(student_id).await?;
    Ok(())
}

pub async fn remove_student(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    student_id: &str,
) -> Result<(), ApiError> {
    taught(state, me, section_id).await?;
    let managed = state
        .store
        .section_member(section_id, student_id)
        .await?
        .is_some_and(|m| m.managed_by_teacher);
    match state.store.remove_student(section_id, student_id).await? {
        Some(_) => {
            state.progress.forget(student_id);
            // A student the teacher created signed in with a secret of this classroom; a
            // device left signed in there must not keep the account open.
            if managed {
                state.store.delete_other_sessions(student_id, None).await?;
            }
            Ok(())
        }
        None => Err(ApiError::not_found()),
    }
}

pub async fn sign_in_cards(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<SignInCards, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    let secrets: BTreeMap<String, SecretRecord> = state
        .store
        .section_secrets(section_id)
        .await?
        .into_iter()
        .map(|s| (s.account_id.clone(), s))
        .collect();
    let cards = students(state, section_id)
        .await?
        .into_iter()
        .filter(|s| s.managed_by_teacher)
        .filter_map(|s| {
            let secret = opened(state, secrets.get(&s.id)?)?;
            Some(SignInCard {
                student_id: s.id,
                display_name: s.display_name,
                secret,
            })
        })
        .collect();
    Ok(SignInCards {
        sign_in_url: sign_in_url(state, &section.code),
        cards,
    })
}

pub fn sign_in_url(state: &AppState, code: &str) -> String {
    format!("{}/sign-in/{code}", state.config.public_url)
}

pub async fn progress(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    lang: Lang,
) -> Result<Grid, ApiError> {
    let (section, _) = taught(state, me, section_id).await?;
    grid_of(state, &section, lang).await
}

/// The progress grid of a section whose teacher has been checked already.
pub async fn grid_of(
    state: &AppState,
    section: &SectionRecord,
    lang: Lang,
) -> Result<Grid, ApiError> {
    let section_id = section.id.as_str();
    let course = section.course_id.as_str();
    let levels = catalog().levels_of(course);
    // The grid needs names only, not the sign-in locks that `students` also reads.
    let members = class_list(state, section_id).await?;
    let versions: HashMap<String, i64> = state
        .store
        .section_progress_versions(section_id)
        .await?
        .into_iter()
        .collect();
    // The copy in memory where it is current; the others are read (and kept) again.
    let mut cells: Vec<Option<Arc<CourseCells>>> = members
        .iter()
        .map(|m| {
            let v = *versions.get(&m.student_id)?;
            state.progress.get(&m.student_id, course, v)
        })
        .collect();
    let missing: Vec<String> = members
        .iter()
        .zip(&cells)
        .filter(|(_, c)| c.is_none())
        .map(|(m, _)| m.student_id.clone())
        .collect();
    if !missing.is_empty() {
        let column: HashMap<&str, u16> = levels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((l.id.as_str(), u16::try_from(i).ok()?)))
            .collect();
        let mut read = HashMap::new();
        for p in state.store.packed_progress(&missing).await? {
            let c = Arc::new(CourseCells::parse(p.version, &p.cells, &column)?);
            state.progress.put(&p.account_id, course, c.clone());
            read.insert(p.account_id, c);
        }
        for (m, c) in members.iter().zip(cells.iter_mut()) {
            if c.is_none() {
                *c = read.remove(&m.student_id);
            }
        }
    }
    Ok(Grid {
        course_id: section.course_id.clone(),
        levels: levels
            .iter()
            .map(|l| GridLevel {
                id: l.id.clone(),
                title: l.title.get(lang.code()).to_owned(),
                kind: l.kind.as_str().to_owned(),
            })
            .collect(),
        rows: members
            .into_iter()
            .zip(cells)
            .map(|(m, c)| GridRow {
                id: m.student_id,
                display_name: m.display_name,
                cells: c.unwrap_or_default(),
            })
            .collect(),
    })
}

/// A student's attempts at one level, with the code and written answers; read-only. Only the
/// student's current teachers see them (MSG-2).
pub async fn student_attempts(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    student_id: &str,
    level_id: &str,
) -> Result<Vec<AttemptView>, ApiError> {
    taught(state, me, section_id).await?;
    member(state, section_id, student_id).await?;
    crate::puzzles::level(level_id)?;
    let rows = state.store.attempts_of(student_id, level_id).await?;
    Ok(rows.into_iter().map(AttemptView::from).collect())
}

/// Joins by code. Joining a section one is in already changes nothing.
pub async fn join(
    state: &AppState,
    me: &SignedIn,
    code: &str,
) -> Result<JoinedSectionView, ApiError> {
    if me.account.role != Role::Student {
        return Err(ApiError::forbidden("Only students join sections by code."));
    }
    let now = now_millis();
    // A student guessing codes would find other classes: tries are limited, each counted
    // before it is looked up, so that tries sent together cannot pass the limit.
    limits::check(state, limits::JOIN_TRIES, &me.account.id, now).await?;
    let found = match JoinCode::parse(code) {
        Ok(c) => state.store.section_by_code(c.as_str()).await?,
        Err(_) => None,
    };
    let Some(section) = found else {
        return Err(section_not_found());
    };
    state
        .store
        .add_student(&section.id, &me.account.id, now)
        .await?;
    let joined = state.store.sections_joined_by(&me.account.id).await?;
    let j = joined
        .into_iter()
        .find(|j| j.section.id == section.id)
        .ok_or_else(ApiError::internal)?;
    joined_view(state, j).await
}

async fn joined_view(
    state: &AppState,
    j: kodlek_store::JoinedSection,
) -> Result<JoinedSectionView, ApiError> {
    let teachers = state.store.section_teachers(&j.section.id).await?;
    Ok(JoinedSectionView {
        id: j.section.id,
        name: j.section.name,
        teacher_display_name: j.teacher_display_name,
        teachers: teachers.into_iter().map(|t| t.display_name).collect(),
    })
}

pub async fn my_sections(
    state: &AppState,
    me: &SignedIn,
) -> Result<Vec<JoinedSectionView>, ApiError> {
    let mut out = Vec::new();
    for j in state.store.sections_joined_by(&me.account.id).await? {
        out.push(joined_view(state, j).await?);
    }
    Ok(out)
}

/// Leaves a section; its teachers lose access at once. A student whose teacher manages the
/// account cannot leave their last section: nobody could sign in to it afterwards.
pub async fn leave(state: &AppState, me: &SignedIn, section_id: &str) -> Result<(), ApiError> {
    let mine = state.store.sections_joined_by(&me.account.id).await?;
    if !mine.iter().any(|j| j.section.id == section_id) {
        return Err(ApiError::not_found());
    }
    if me.account.managed_by_teacher && mine.len() == 1 {
        return Err(conflict(
            "last_section",
            "Your teacher looks after this account, so you sign in through this section. Set a username and password on your account page first; then you can leave.",
        ));
    }
    state
        .store
        .remove_student(section_id, &me.account.id)
        .await?;
    state.progress.forget(&me.account.id);
    Ok(())
}

/// The section of a sign-in page, by its code; 404 `section_not_found` otherwise.
async fn by_code(state: &AppState, code: &str) -> Result<SectionRecord, ApiError> {
    let code = JoinCode::parse(code).map_err(|_| section_not_found())?;
    state
        .store
        .section_by_code(code.as_str())
        .await?
        .ok_or_else(section_not_found)
}

/// Who can sign in on a section's page: the students the teachers created.
pub async fn sign_in_page(
    state: &AppState,
    code: &str,
    ip: IpAddr,
) -> Result<SignInPage, ApiError> {
    let now = now_millis();
    limits::check(state, limits::SECTION_SIGN_IN_PER_IP, &ip.to_string(), now).await?;
    let section = by_code(state, code).await?;
    let mut members = class_list(state, &section.id).await?;
    members.retain(|m| m.managed_by_teacher);
    Ok(SignInPage {
        section_name: section.name,
        login_type: section.login_type,
        students: members
            .into_iter()
            .map(|m| SignInStudent {
                id: m.student_id,
                display_name: m.display_name,
            })
            .collect(),
    })
}

fn same_secret(kind: &str, typed: &str, stored: &str) -> bool {
    let (a, b) = if kind == "word" {
        (
            secrets::normalise_words(typed),
            secrets::normalise_words(stored),
        )
    } else {
        (typed.trim().to_owned(), stored.to_owned())
    };
    // Compared in constant time, so that timing tells nothing about how close a guess was.
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn wrong_secret() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "That is not your secret. Try again, or ask your teacher.",
    )
}

fn locked(until: Millis, now: Millis) -> ApiError {
    ApiError {
        retry_after: Some(((until - now) / 1000).max(1) as u64),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "Too many wrong tries. Ask your teacher to unlock your sign-in, or wait a while.",
        )
    }
}

/// Signs a student in with their secret picture or words; returns the account and the
/// section's course, where the student goes next.
pub async fn secret_sign_in(
    state: &AppState,
    code: &str,
    body: &SecretSignIn,
    ip: IpAddr,
) -> Result<(AccountRecord, String), ApiError> {
    let now = now_millis();
    limits::check(state, limits::SECTION_SIGN_IN_PER_IP, &ip.to_string(), now).await?;
    let section = by_code(state, code).await?;
    limits::check(state, limits::SECTION_SIGN_IN_PER_CODE, &section.id, now).await?;
    let Some(m) = state
        .store
        .section_member(&section.id, &body.student_id)
        .await?
        .filter(|m| m.managed_by_teacher)
    else {
        return Err(wrong_secret());
    };
    // The guess is counted before it is judged, so that guesses sent together cannot
    // all be judged against a count read before any of them was added.
    let secret = match state
        .store
        .claim_secret_guess(&m.student_id, now, SECRET_FAILURE_LIMIT, SECRET_LOCK_FOR)
        .await?
    {
        None => return Err(wrong_secret()),
        Some(SecretGuess::Locked(until)) => return Err(locked(until, now)),
        Some(SecretGuess::Judge(secret)) => secret,
    };
    let stored = state.keys.decrypt(&secret.ciphertext).unwrap_or_default();
    if stored.is_empty() || !same_secret(&secret.kind, &body.secret, &stored) {
        return Err(wrong_secret());
    }
    state.store.clear_secret_failures(&m.student_id).await?;
    let account = state
        .store
        .account_by_id(&m.student_id)
        .await?
        .ok_or_else(wrong_secret)?;
    Ok((account, section.course_id))
}

pub async fn invite(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<Invitation, ApiError> {
    taught(state, me, section_id).await?;
    let token = new_token();
    let now = now_millis();
    let expires_at = now + INVITATION_FOR;
    state
        .store
        .insert_invitation(&InvitationRecord {
            token_hash: token_digest(&token),
            section_id: section_id.to_owned(),
            invited_by: me.account.id.clone(),
            created_at: now,
            expires_at,
        })
        .await?;
    Ok(Invitation {
        invitation_url: format!("{}/section-invitations/{token}", state.config.public_url),
        expires_at: rfc3339(expires_at),
    })
}

/// Another teacher accepts an invitation and becomes a co-teacher.
pub async fn accept_invitation(
    state: &AppState,
    me: &SignedIn,
    token: &str,
) -> Result<Section, ApiError> {
    must_be_teacher(me)?;
    let inv = state
        .store
        .take_invitation(&token_digest(token), now_millis())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "This invitation is unknown, used or expired; ask for a new one.",
            )
        })?;
    let section = state
        .store
        .section(&inv.section_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    state
        .store
        .add_teacher(&section.id, &me.account.id, false, now_millis())
        .await?;
    Ok((&section).into())
}

/// The owner removes a co-teacher, or a co-teacher leaves. The owner cannot leave: they
/// delete the section instead.
pub async fn remove_teacher(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    teacher_id: &str,
) -> Result<(), ApiError> {
    let (_, owner) = taught(state, me, section_id).await?;
    let teachers = state.store.section_teachers(section_id).await?;
    let Some(t) = teachers.iter().find(|t| t.teacher_id == teacher_id) else {
        return Err(ApiError::not_found());
    };
    if t.owner {
        return Err(conflict(
            "owner_cannot_leave",
            "The teacher who made the section cannot leave it; delete it instead.",
        ));
    }
    if !owner && teacher_id != me.account.id {
        return Err(ApiError::forbidden(
            "Only the teacher who made the section can remove other teachers.",
        ));
    }
    state.store.remove_teacher(section_id, teacher_id).await?;
    Ok(())
}

/// Before a teacher's account is erased: each section they own passes to a co-teacher, or is
/// deleted (with its managed students in no other section) when there is none.
pub async fn hand_over_sections(state: &AppState, teacher_id: &str) -> Result<(), ApiError> {
    for s in state.store.sections_taught_by(teacher_id).await? {
        let teachers = state.store.section_teachers(&s.id).await?;
        let owns = teachers
            .iter()
            .any(|t| t.teacher_id == teacher_id && t.owner);
        if !owns {
            continue;
        }
        match teachers.iter().find(|t| t.teacher_id != teacher_id) {
            Some(next) => state.store.set_owner(&s.id, &next.teacher_id).await?,
            None => {
                delete_section(state, &s.id).await?;
            }
        }
    }
    Ok(())
}
