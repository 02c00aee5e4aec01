//! Courses, levels and attempts. The server runs every program and decides the verdict; a
//! signed-in learner's attempts are kept, an anonymous learner's leave no row behind.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use crate::kit::i18n::Tr;
use axum::http::StatusCode;
use kodlek_domain::{now_millis, rfc3339};
use kodlek_puzzles::{Doc, Level, ProgramJson, Submission, TraceStep, Verdict, catalog};
use kodlek_store::{
    AttemptOutcome, NewAttempt, ProgressRecord, StoredProgram, new_id, status_rank,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use utoipa::ToSchema;

/// `{"program"}` for puzzle levels, `{"answer"}` for prompts, and an optional retry id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptBody {
    /// Blockly's JSON serialisation of the workspace; Blockly's own keys are allowed inside.
    // Kept as text, so that a long chain of blocks is not refused by serde_json's nesting
    // limit, and read once by the puzzles crate's flat reader.
    #[schema(value_type = Option<Object>)]
    pub program: Option<ProgramJson>,
    pub answer: Option<String>,
    /// A UUID chosen by the client: a retry with the same id is counted once.
    pub client_attempt_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressView {
    pub status: String,
    pub best_status: String,
    pub attempts: i64,
    pub first_attempt_at: String,
    pub last_attempt_at: String,
}

impl From<&ProgressRecord> for ProgressView {
    fn from(p: &ProgressRecord) -> ProgressView {
        ProgressView {
            status: p.last_status.clone(),
            best_status: p.best_status.clone(),
            attempts: p.attempts,
            first_attempt_at: rfc3339(p.first_attempt_at),
            last_attempt_at: rfc3339(p.last_attempt_at),
        }
    }
}

/// The verdict of one attempt, as the server decided it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptAnswer {
    #[schema(example = "perfect")]
    pub status: String,
    pub reason: Option<String>,
    /// What a failure is about, when it is a block, a maze cell or the drawing: `{"block"?,
    /// "fields"?, "input"?, "limit"?, "x"?, "y"?, "cell"?, "drawing"?}`, only the keys that
    /// apply; null otherwise.
    pub detail: Option<DetailView>,
    /// A failure in words, in the caller's language, naming its block or cell; null unless
    /// the status is `failed`.
    pub message: Option<String>,
    pub blocks_used: Option<u32>,
    pub ideal_blocks: Option<u32>,
    /// What happened, step by step, for the animation: `{"op": "move"|"turn"|"crash"|"goal"|"line"|"jump", ...}`.
    #[schema(value_type = Vec<Object>)]
    pub trace: Vec<TraceStep>,
    pub saved: bool,
    pub progress: Option<ProgressView>,
}

/// What a failed attempt is about, so that its message can name it. Only the keys that apply
/// are present.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailView {
    /// The block type: the one the toolbox does not offer, the one over its limit, the locked
    /// or required block that is missing, the empty one, or the loop that ran too long.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "maze_turn")]
    pub block: Option<String>,
    /// The field values the missing block must have, such as `{"DIR": "turnRight"}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, Value>,
    /// The empty input of `block`: `DO`, or `ELSE` of an if-else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The most blocks of `block` the level allows (`too_many_blocks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The maze cell, column `x` and row `y` from 0 at the top left as in the trace: the cell
    /// hit (`crashed`) or where the explorer stopped (`not_reached_goal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<i64>,
    /// What was hit: `wall` (also off the grid) or `obstacle`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// How a drawing differs from the picture (`wrong_drawing`): `extra`, a line the picture
    /// does not have, or `missing`, part of the picture not drawn yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "missing")]
    pub drawing: Option<String>,
}

impl From<&kodlek_puzzles::Detail> for DetailView {
    fn from(d: &kodlek_puzzles::Detail) -> DetailView {
        DetailView {
            block: d.block.map(str::to_owned),
            fields: d.fields.clone(),
            input: d.input.map(str::to_owned),
            limit: d.limit,
            x: d.x,
            y: d.y,
            cell: d.cell.map(str::to_owned),
            drawing: d.drawing.map(|m| m.as_str().to_owned()),
        }
    }
}

/// Anonymous attempts are limited in memory, per node: they must not write a row (ANON-3).
#[derive(Default)]
pub struct AnonymousLimiter {
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

/// A class of 40 pressing Run every few seconds stays well inside this.
const ANON_PER_MINUTE: u32 = 1200;

impl AnonymousLimiter {
    pub fn check(&self, ip: IpAddr, now: i64) -> Result<(), ApiError> {
        let mut w = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if w.len() > 100_000 {
            w.retain(|_, (start, _)| now - *start < 60_000);
        }
        let entry = w.entry(ip).or_insert((now, 0));
        if now - entry.0 >= 60_000 {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > ANON_PER_MINUTE {
            return Err(ApiError::rate_limited(
                ((entry.0 + 60_000 - now) / 1000).max(1) as u64,
            ));
        }
        Ok(())
    }
}

pub fn level(id: &str) -> Result<&'static Level, ApiError> {
    catalog()
        .level(id)
        .map(|(_, l)| l)
        .ok_or_else(ApiError::not_found)
}

/// A program read by the puzzles crate's reader, for judging and for storing.
fn read_program(p: &ProgramJson) -> Result<Doc<'_>, ApiError> {
    // serde_json has already checked the syntax; what is left here is what its skipping does
    // not check, such as numbers beyond the range of f64, which its `Value` refused too.
    Doc::parse(p.text()).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: program: {e}"),
        )
    })
}

fn judge(
    level: &Level,
    program: Option<&Doc<'_>>,
    answer: Option<&str>,
) -> Result<Verdict, ApiError> {
    let submission = match (program, answer) {
        (Some(p), None) => Submission::Json(p.root()),
        (None, Some(a)) => Submission::Answer(a),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "body",
                "give a program or an answer, not both",
            ));
        }
        (None, None) => return Err(ApiError::invalid("program", "is required")),
    };
    kodlek_puzzles::judge(level, submission)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message))
}

/// A program as stored: its canonical form (only the keys that run, sorted; see
/// `kodlek_puzzles::canonical_program`) and the hash of that text. For programs made by the
/// server itself, such as the demo's.
pub fn stored_program(p: &Value) -> StoredProgram {
    stored_text(kodlek_puzzles::stored_form(
        &serde_json::to_string(p).unwrap_or_default(),
    ))
}

/// The same for a program a learner sent: one beyond the limits of a stored program is
/// refused (422 `invalid_program`), so that nothing is stored that a later read cannot carry.
fn stored_doc(p: &Doc<'_>) -> Result<StoredProgram, ApiError> {
    kodlek_puzzles::canonical_program(p.root())
        .map(stored_text)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message))
}

/// Whether a learner's storage is full: an ordinary attempt (a program of a few kilobytes)
/// no longer fits in what is left of the budget.
pub fn storage_is_full(used: i64, budget: i64) -> bool {
    used + 16 * 1024 > budget
}

fn storage_full() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "storage_full",
        "This account has no room left for more programs and answers; its teacher can see why.",
    )
}

fn stored_text(body: String) -> StoredProgram {
    StoredProgram {
        hash: kodlek_privacy::keys::token_digest(&body),
        body,
    }
}

fn answer_of(v: Verdict, tr: &Tr, saved: bool, progress: Option<ProgressView>) -> AttemptAnswer {
    AttemptAnswer {
        status: v.status.as_str().to_owned(),
        reason: v.reason.map(|r| r.as_str().to_owned()),
        detail: v.detail.as_ref().map(DetailView::from),
        message: v.reason.map(|r| {
            crate::puzzles::reasons::failure_text(tr, "level-failed", r, v.detail.as_ref())
        }),
        blocks_used: v.blocks_used,
        ideal_blocks: v.ideal_blocks,
        // Written straight into the answer, without a `Value` of every step in between.
        trace: v.trace,
        saved,
        progress,
    }
}

/// Judges an attempt; keeps it when someone is signed in.
pub async fn attempt(
    state: &AppState,
    me: Option<&SignedIn>,
    lang: Lang,
    ip: IpAddr,
    level_id: &str,
    body: AttemptBody,
) -> Result<AttemptAnswer, ApiError> {
    let level = level(level_id)?;
    let tr = Tr::new(lang);
    let client_attempt_id = body
        .client_attempt_id
        .as_deref()
        .map(|c| {
            uuid::Uuid::parse_str(c)
                .map(|u| u.hyphenated().to_string())
                .map_err(|_| ApiError::invalid("client_attempt_id", "must be a UUID"))
        })
        .transpose()?;
    let doc = body.program.as_ref().map(read_program).transpose()?;
    let Some(me) = me else {
        state.anonymous.check(ip, now_millis())?;
        let v = judge(level, doc.as_ref(), body.answer.as_deref())?;
        // The same limits for everyone, though nothing anonymous is stored.
        doc.as_ref().map(stored_doc).transpose()?;
        return Ok(answer_of(v, &tr, false, None));
    };
    let v = judge(level, doc.as_ref(), body.answer.as_deref())?;
    let program = doc.as_ref().map(stored_doc).transpose()?;
    // Nothing is kept for a child awaiting a parent's permission, or whose parent stopped
    // collection (promise U13-7): the verdict is given, and the browser keeps it.
    if state.store.child_control(&me.account.id).await?.is_some() {
        return Ok(answer_of(v, &tr, false, None));
    }
    let answer = body.answer.as_ref().map(|a| a.trim().to_owned());
    let new = NewAttempt {
        id: new_id(),
        account_id: me.account.id.clone(),
        level_id: level.id.clone(),
        at: now_millis(),
        status: v.status.as_str().to_owned(),
        program: program.clone(),
        answer: answer.clone(),
        client_attempt_id,
    };
    match state.writer.record(new).await? {
        AttemptOutcome::Recorded(p) => Ok(answer_of(v, &tr, true, Some((&p).into()))),
        AttemptOutcome::AlreadyRecorded {
            program_hash,
            answer: stored_answer,
            progress,
        } => {
            if program_hash != program.map(|p| p.hash) || stored_answer != answer {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "attempt_id_conflict",
                    "This attempt id was used for another program.",
                ));
            }
            // Judging is deterministic: the same program gets the verdict it got before.
            Ok(answer_of(v, &tr, true, Some((&progress).into())))
        }
        AttemptOutcome::AttemptIdConflict => Err(ApiError::new(
            StatusCode::CONFLICT,
            "attempt_id_conflict",
            "This attempt id was used for an attempt on another level.",
        )),
        AttemptOutcome::StorageFull => Err(storage_full()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Resume {
    pub course_id: String,
    pub level_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyProgress {
    pub levels: BTreeMap<String, ProgressView>,
    pub resume: Option<Resume>,
}

/// Where a learner picks up: the level last tried if unsolved, else the next one.
pub fn resume(progress: &[ProgressRecord]) -> Option<Resume> {
    let last = progress.iter().max_by_key(|p| p.last_attempt_at)?;
    let (course, _) = catalog().level(&last.level_id)?;
    let level_id = if status_rank(&last.best_status) >= status_rank("completed") {
        catalog().next_level(&last.level_id)?.id.clone()
    } else {
        last.level_id.clone()
    };
    Some(Resume {
        course_id: course.id.clone(),
        level_id,
    })
}

pub async fn my_progress(state: &AppState, me: &SignedIn) -> Result<MyProgress, ApiError> {
    let progress = state.store.progress_of(&me.account.id).await?;
    Ok(MyProgress {
        levels: progress
            .iter()
            .map(|p| (p.level_id.clone(), p.into()))
            .collect(),
        resume: resume(&progress),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub at: String,
    pub status: String,
    // The program in its stored, canonical form, answered as the text it is.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<ProgramJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// A stored program read back: checked by the flat reader and answered as the text it is,
/// never built into a tree of values, so that no stored program (not even one stored before
/// programs were kept in canonical form) can exhaust a thread's stack.
pub fn stored_program_json(text: String) -> Option<ProgramJson> {
    Doc::parse(&text).ok()?;
    ProgramJson::from_text(text)
}

impl From<kodlek_store::AttemptRecord> for AttemptView {
    fn from(a: kodlek_store::AttemptRecord) -> AttemptView {
        AttemptView {
            at: rfc3339(a.at),
            status: a.status,
            program: a.program.and_then(stored_program_json),
            answer: a.answer,
        }
    }
}

pub async fn my_attempts(
    state: &AppState,
    me: &SignedIn,
    level_id: &str,
) -> Result<Vec<AttemptView>, ApiError> {
    level(level_id)?;
    let rows = state.store.attempts_of(&me.account.id, level_id).await?;
    Ok(rows.into_iter().map(AttemptView::from).collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportEntry {
    pub level_id: String,
    #[schema(value_type = Option<Object>)]
    pub program: Option<ProgramJson>,
    pub answer: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    pub attempts: Vec<ImportEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub imported: usize,
    pub levels: BTreeMap<String, ProgressView>,
}

/// Re-runs every carried program and records what it verifies, all or nothing.
pub async fn import(
    state: &AppState,
    me: &SignedIn,
    body: ImportBody,
) -> Result<ImportAnswer, ApiError> {
    if body.attempts.len() > 500 {
        return Err(ApiError::invalid("attempts", "at most 500 at a time"));
    }
    if state.store.child_control(&me.account.id).await?.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_collecting",
            "Nothing is kept for this account now; your progress stays in this browser.",
        ));
    }
    let now = now_millis();
    let mut batch = Vec::with_capacity(body.attempts.len());
    let mut bytes = 0i64;
    for e in &body.attempts {
        let Some((_, level)) = catalog().level(&e.level_id) else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_level",
                format!("{}: there is no such level", e.level_id),
            ));
        };
        let doc = e.program.as_ref().map(read_program).transpose()?;
        let v = judge(level, doc.as_ref(), e.answer.as_deref())?;
        let a = NewAttempt {
            id: new_id(),
            account_id: me.account.id.clone(),
            level_id: level.id.clone(),
            at: now,
            status: v.status.as_str().to_owned(),
            program: doc.as_ref().map(stored_doc).transpose()?,
            answer: e.answer.as_ref().map(|a| a.trim().to_owned()),
            client_attempt_id: None,
        };
        bytes += kodlek_store::batch::stored_bytes(&a);
        batch.push(a);
    }
    // All or nothing: an import that does not fit is refused before anything is written.
    let budget = state.writer.budget();
    if state.store.storage_used(&me.account.id).await? + bytes > budget {
        return Err(storage_full());
    }
    let outcomes = state.store.record_attempts_within(&batch, budget).await?;
    if outcomes
        .iter()
        .any(|o| matches!(o, AttemptOutcome::StorageFull))
    {
        // Only when another attempt filled the storage in between; what fitted is kept.
        return Err(storage_full());
    }
    let mut levels = BTreeMap::new();
    for o in &outcomes {
        if let AttemptOutcome::Recorded(p) = o {
            levels.insert(p.level_id.clone(), p.into());
        }
    }
    Ok(ImportAnswer {
        imported: outcomes.len(),
        levels,
    })
}

// `{"attempts": [AttemptView]}` (a plain comment: a doc comment would enter the OpenAPI document).
#[derive(Serialize, ToSchema)]
pub struct AttemptsBody {
    pub attempts: Vec<AttemptView>,
}
