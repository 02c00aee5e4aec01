//! Joining and leaving sections, the secret-picture and secret-word sign-in, and co-teachers.

use super::secrets;
use super::sections::*;
use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::SignedIn;
use crate::kit::limits;
use axum::http::StatusCode;
use kodlek_domain::*;
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{AccountRecord, InvitationRecord, SecretGuess, SectionRecord};
use std::net::IpAddr;

/// Joins by code. Joining a section one is in already changes nothing.
pub async fn join(
    state: &AppState,
    me: &SignedIn,
    code: &str,
) -> Result<JoinedSectionView, ApiError> {
    if me.account.role != Role::Student {
        return Err(ApiError::forbidden("Only students join sections by code."));
    }
    crate::families::ensure_collecting(state, &me.account.id).await?;
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

pub(super) async fn joined_view(
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
pub(super) async fn by_code(state: &AppState, code: &str) -> Result<SectionRecord, ApiError> {
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

pub(super) fn same_secret(kind: &str, typed: &str, stored: &str) -> bool {
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

pub(super) fn wrong_secret() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "That is not your secret. Try again, or ask your teacher.",
    )
}

pub(super) fn locked(until: Millis, now: Millis) -> ApiError {
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
