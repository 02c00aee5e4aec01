//! Keeping what children share safe: reports from anyone, the moderators' queue and
//! decisions, and what a section's teachers see and hide of what their students share.

use crate::AppState;
use crate::creations::projects::{Kind, Sharing};
use crate::kit::error::ApiError;
use crate::kit::limits::{self, Limit};
use crate::kit::sessions::SignedIn;
use kodlek_domain::{Role, now_millis, rfc3339};
use kodlek_store::{ReportRecord, StudentShare};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;
use utoipa::ToSchema;

/// Different reporters whose reports hide a project until a moderator decides.
pub const HIDE_AT: i64 = 3;
/// The longest text a reporter or a moderator writes, in characters.
pub const NOTE_CHARS: usize = 500;
/// The most open reports the queue reads.
pub const QUEUE_LIMIT: u32 = 1000;
/// Reports from one address: a class reporting together fits, a flood does not.
pub const REPORTS_PER_IP: Limit = Limit::new("project-reports-ip", 60, 60 * 60 * 1000);

/// Why a shared project is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Inappropriate,
    PersonalInformation,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Inappropriate => "inappropriate",
            ReportReason::PersonalInformation => "personal_information",
            ReportReason::Other => "other",
        }
    }
    fn parse(s: &str) -> ReportReason {
        match s {
            "inappropriate" => ReportReason::Inappropriate,
            "personal_information" => ReportReason::PersonalInformation,
            _ => ReportReason::Other,
        }
    }
}

/// POST /api/v1/shared/{share_id}/reports.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    pub reason: ReportReason,
    /// At most 500 characters.
    #[schema(max_length = 500)]
    pub details: Option<String>,
}

fn note(field: &str, text: Option<&str>, required: bool) -> Result<Option<String>, ApiError> {
    let t = text.map(str::trim).filter(|t| !t.is_empty());
    match t {
        None if required => Err(ApiError::invalid(field, "must not be empty")),
        Some(t) if t.chars().count() > NOTE_CHARS => Err(ApiError::invalid(
            field,
            format!("must be at most {NOTE_CHARS} characters"),
        )),
        Some(t) if t.chars().any(|c| c.is_control() && c != '\n') => {
            Err(ApiError::invalid(field, "must not hold control characters"))
        }
        _ => Ok(t.map(str::to_owned)),
    }
}

/// Records a report (202). Anyone may report what they can see; an anonymous reporter is
/// counted by a keyed hash of their address, never by the address itself.
pub async fn report(
    state: &AppState,
    me: Option<&SignedIn>,
    ip: IpAddr,
    share_id: &str,
    body: NewReport,
) -> Result<(), ApiError> {
    let details = note("details", body.details.as_deref(), false)?;
    let project = state
        .store
        .shared_project(share_id)
        .await?
        .ok_or_else(ApiError::not_found)?
        .project;
    let now = now_millis();
    limits::check(state, REPORTS_PER_IP, &ip.to_string(), now).await?;
    let account = me.map(|m| &m.account);
    let trusted = account
        .is_some_and(|a| a.role == Role::Staff || (a.role == Role::Teacher && a.email_verified));
    state
        .store
        .add_report(
            &ReportRecord {
                project_id: project.id,
                reporter_account_id: account.map(|a| a.id.clone()),
                reporter_ip_hash: match account {
                    Some(_) => None,
                    None => Some(state.keys.keyed("project-report", &ip.to_string())),
                },
                trusted,
                reason: body.reason.as_str().to_owned(),
                details,
                created_at: now,
            },
            HIDE_AT,
        )
        .await?;
    Ok(())
}

/// One row of the moderation queue: a shared project with open reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedReport {
    pub share_id: String,
    /// The newest report's reason and details.
    pub reason: ReportReason,
    pub details: Option<String>,
    /// How many different reporters.
    pub count: i64,
    /// Whether it is hidden now (by its reports or a moderator).
    pub hidden: bool,
    pub reported_at: String,
}

/// `{"reports": [...]}`, the newest report first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportQueue {
    pub reports: Vec<QueuedReport>,
}

/// The queue: one row per shared project with reports not yet decided.
pub async fn queue(state: &AppState) -> Result<ReportQueue, ApiError> {
    let open = state.store.open_reports(QUEUE_LIMIT).await?;
    let mut reporters: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &open {
        let seen = reporters.entry(r.share_id.as_str()).or_default();
        if !seen.contains(&r.reporter.as_str()) {
            seen.push(&r.reporter);
        }
    }
    let mut rows: Vec<QueuedReport> = Vec::new();
    for r in &open {
        if rows.iter().any(|q| q.share_id == r.share_id) {
            continue;
        }
        rows.push(QueuedReport {
            share_id: r.share_id.clone(),
            reason: ReportReason::parse(&r.reason),
            details: r.details.clone(),
            count: reporters
                .get(r.share_id.as_str())
                .map_or(0, |v| v.len() as i64),
            hidden: matches!(r.moderation.as_str(), "reported" | "hidden"),
            reported_at: rfc3339(r.created_at),
        });
    }
    Ok(ReportQueue { reports: rows })
}

/// A moderator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Hide,
    Restore,
}

/// POST /api/v1/staff/projects/{share_id}/moderation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationDecision {
    pub decision: Decision,
    /// 1 to 500 characters; kept in the audit log.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Hides or restores a shared project; its open reports are decided with it. The reason,
/// checked here, goes to the audit log with the decision. 404 for an unknown share id.
pub async fn moderate(
    state: &AppState,
    share_id: &str,
    body: &ModerationDecision,
) -> Result<String, ApiError> {
    let reason = note("reason", Some(&body.reason), true)?.unwrap_or_default();
    let project = state
        .store
        .project_by_share_id(share_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let moderation = match body.decision {
        Decision::Hide => "hidden",
        Decision::Restore => "restored",
    };
    state
        .store
        .moderate(&project.id, moderation, now_millis())
        .await?;
    Ok(reason)
}

/// A project one of a section's students shares, as the section's teachers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentShareView {
    pub share_id: String,
    pub kind: Kind,
    pub title: String,
    pub student_id: String,
    pub student_display_name: String,
    pub sharing: Sharing,
    pub hidden_by_teacher: bool,
    /// Whether anyone can see it now.
    pub visible: bool,
    pub shared_at: Option<String>,
}

/// GET /api/v1/sections/{id}/shared-projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionShares {
    pub sharing_allowed: bool,
    pub projects: Vec<StudentShareView>,
}

/// PATCH /api/v1/sections/{id}/shared-projects/{share_id}.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeacherHide {
    pub hidden_by_teacher: bool,
}

/// `{"project": StudentShareView}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentShareBody {
    pub project: StudentShareView,
}

fn share_view(s: StudentShare) -> StudentShareView {
    let p = s.project;
    StudentShareView {
        share_id: p.share_id.unwrap_or_default(),
        kind: Kind::parse(&p.kind).unwrap_or(Kind::Sprites),
        title: p.title,
        student_id: p.owner_id,
        student_display_name: s.student_display_name,
        sharing: Sharing::parse(&p.sharing),
        hidden_by_teacher: p.hidden_by_teacher,
        visible: s.visible,
        shared_at: p.shared_at.map(rfc3339),
    }
}

/// What the section's students share; its teachers only (404 for anyone else).
pub async fn section_shares(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
) -> Result<SectionShares, ApiError> {
    let (section, _) = crate::classrooms::taught(state, me, section_id).await?;
    let projects = state.store.section_shares(section_id).await?;
    Ok(SectionShares {
        sharing_allowed: section.sharing_allowed,
        projects: projects.into_iter().map(share_view).collect(),
    })
}

/// Hides (or shows again) what one of the section's students shares; 404 for a project that
/// is not a shared one of this section's students.
pub async fn teacher_hide(
    state: &AppState,
    me: &SignedIn,
    section_id: &str,
    share_id: &str,
    hidden: bool,
) -> Result<StudentShareView, ApiError> {
    crate::classrooms::taught(state, me, section_id).await?;
    let mut share = state
        .store
        .section_shares(section_id)
        .await?
        .into_iter()
        .find(|s| s.project.share_id.as_deref() == Some(share_id))
        .ok_or_else(ApiError::not_found)?;
    state
        .store
        .set_hidden_by_teacher(&share.project.id, hidden)
        .await?;
    share.project.hidden_by_teacher = hidden;
    let now_visible = state.store.shared_project(share_id).await?.is_some();
    share.visible = now_visible;
    Ok(share_view(share))
}
