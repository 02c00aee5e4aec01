//! What teachers do with a section's students: adding them, their secrets, their progress.

use super::progress_cache::CourseCells;
use super::sections::*;
use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use crate::puzzles::AttemptView;
use kodlek_domain::*;
use kodlek_puzzles::catalog;
use kodlek_store::{
    AccountRecord, NewManagedStudent, PermissionRecord, SecretRecord, SectionMember, SectionRecord,
    new_id,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub(super) fn secret_kind(section: &SectionRecord) -> Result<LoginType, ApiError> {
    let t = LoginType::parse(&section.login_type).unwrap_or(LoginType::Email);
    if !t.has_secrets() {
        return Err(unprocessable(
            "wrong_login_type",
            "Students of an email section join with their own accounts and the section code; change the section to pictures or words to create students.",
        ));
    }
    Ok(t)
}

pub(super) fn permission_required() -> ApiError {
    unprocessable(
        "school_permission_required",
        "Confirm that your school has permission to create accounts for these children.",
    )
}

/// Names must tell the children apart on the sign-in page.
pub(super) fn name_taken(name: &str) -> ApiError {
    conflict(
        "display_name_taken",
        &format!(
            "There is already a \"{name}\" in this section; add an initial to tell them apart."
        ),
    )
}

/// A pasted list that repeats names: all of them are named, so one correction fixes the list.
/// The code stays the one a single taken name has.
pub(super) fn names_repeated(names: &[String]) -> ApiError {
    conflict(
        "display_name_taken",
        &format!(
            "These names are in the list twice or already in the section: {}; add an initial to tell them apart.",
            names.join(", ")
        ),
    )
}

/// The names of a pasted list that are in it twice or already in the section (`existing`,
/// in lower case), each once and as first written. Case does not tell children apart.
pub fn repeated_names(existing: &[String], names: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = existing.to_vec();
    let mut repeated: Vec<String> = Vec::new();
    for name in names {
        let key = name.to_lowercase();
        if seen.contains(&key) {
            if !repeated.iter().any(|r| r.to_lowercase() == key) {
                repeated.push(name.clone());
            }
        } else {
            seen.push(key);
        }
    }
    repeated
}

/// The names of a pasted list that cannot be added as they are, for the page to name them.
pub async fn repeated_in_section(
    state: &AppState,
    section_id: &str,
    names: &[String],
) -> Result<Vec<String>, ApiError> {
    let trimmed: Vec<String> = names.iter().map(|n| n.trim().to_owned()).collect();
    Ok(repeated_names(
        &existing_names(state, section_id).await?,
        &trimmed,
    ))
}

pub(super) struct Prepared {
    pub(super) new: NewManagedStudent,
    pub(super) secret: Secret,
    pub(super) member: SectionMember,
}

/// A student the teacher typed in, validated.
pub(super) struct Draft {
    pub(super) name: DisplayName,
    pub(super) age: Option<Age>,
    pub(super) gender: Option<Gender>,
    pub(super) permission: bool,
}

pub(super) fn prepare(
    state: &AppState,
    me: &SignedIn,
    section: &SectionRecord,
    secret: Secret,
    draft: Draft,
    now: Millis,
) -> Prepared {
    let Draft {
        name,
        age,
        gender,
        permission,
    } = draft;
    let id = new_id();
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

pub(super) async fn existing_names(
    state: &AppState,
    section_id: &str,
) -> Result<Vec<String>, ApiError> {
    Ok(state
        .store
        .section_members(section_id)
        .await?
        .into_iter()
        .map(|m| m.display_name.to_lowercase())
        .collect())
}

pub(super) async fn write_students(
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
    let secret = random_secret(
        kind,
        lang,
        &mut secrets_in_use(state, section_id, None).await?,
    );
    let p = prepare(state, me, &section, secret, draft, now);
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
    let mut names = Vec::with_capacity(body.names.len());
    for (i, raw) in body.names.iter().enumerate() {
        let name = DisplayName::new(raw)
            .map_err(|e| ApiError::invalid("names", format!("line {}: {e}", i + 1)))?;
        names.push(name);
    }
    let typed: Vec<String> = names.iter().map(|n| n.as_str().to_owned()).collect();
    let repeated = repeated_names(&existing_names(state, section_id).await?, &typed);
    if !repeated.is_empty() {
        return Err(names_repeated(&repeated));
    }
    let now = now_millis();
    let mut taken = secrets_in_use(state, section_id, None).await?;
    let prepared = names
        .into_iter()
        .map(|name| {
            let draft = Draft {
                name,
                age: None,
                gender: None,
                permission: true,
            };
            let secret = random_secret(kind, lang, &mut taken);
            prepare(state, me, &section, secret, draft, now)
        })
        .collect();
    write_students(state, &section, prepared, now).await
}

pub(super) fn in_control() -> ApiError {
    conflict(
        "student_in_control",
        "This student has taken control of their account; only they can change it now.",
    )
}

/// A managed student of the section, with their account; 409 when they are in control.
pub(super) async fn managed_member(
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
    // Unlike every secret of the section, and unlike the student's old one while another is
    // left; when none is (a section as large as the list), sharing one is worse than keeping it.
    let mut taken = secrets_in_use(state, section_id, Some(&a.id)).await?;
    let old = state
        .store
        .secret(&a.id)
        .await?
        .and_then(|s| opened(state, &s))
        .map(|s| secret_key(&s.value));
    if let Some(old) = old {
        let mut with_old = taken.clone();
        with_old.insert(old);
        if secret_left(kind, lang, &with_old) {
            taken = with_old;
        }
    }
    let secret = random_secret(kind, lang, &mut taken);
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
