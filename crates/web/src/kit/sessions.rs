//! Server-side sessions: the cookie holds a random token, the database only its hash.

use crate::AppState;
use crate::kit::error::ApiError;
use axum::http::HeaderValue;
use kodlek_domain::{Millis, Role, now_millis};
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{AccountRecord, SessionRecord};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "kodlek_session";

/// The signed-in user and their session, or 401 `not_signed_in`.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: AccountRecord,
    pub session: SessionRecord,
}

/// A session without "remember me" ends after this long unused.
pub const IDLE_LIMIT: Millis = 12 * 3600 * 1000;
/// A staff session ends after this long unused, and is never persistent.
pub const STAFF_IDLE_LIMIT: Millis = 3600 * 1000;
/// "Remember me" lasts this long.
pub const REMEMBER_FOR: Millis = 30 * 24 * 3600 * 1000;
/// How stale `last_seen_at` may get before a request writes it again.
const TOUCH_EVERY: Millis = 60 * 1000;

/// Starts the session of a sign-in: a staff member's is never persistent and ends after an
/// hour unused, whatever the form asked; anyone else's as [`start`] makes it.
pub async fn start_for(
    state: &AppState,
    account: &AccountRecord,
    remember: bool,
) -> Result<HeaderValue, ApiError> {
    if account.role == Role::Staff {
        start_with(state, &account.id, false, STAFF_IDLE_LIMIT).await
    } else {
        start(state, &account.id, remember).await
    }
}

/// [`start_for`], also giving the stored hash of the new session's token, for what records
/// facts about that one session.
pub async fn start_for_hashed(
    state: &AppState,
    account: &AccountRecord,
    remember: bool,
) -> Result<(HeaderValue, String), ApiError> {
    let cookie = start_for(state, account, remember).await?;
    let token = cookie
        .to_str()
        .ok()
        .and_then(|c| c.strip_prefix(&format!("{SESSION_COOKIE}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_default();
    Ok((cookie.clone(), token_digest(token)))
}

/// Starts a session and returns the Set-Cookie value.
pub async fn start(
    state: &AppState,
    account_id: &str,
    remember: bool,
) -> Result<HeaderValue, ApiError> {
    start_with(state, account_id, remember, IDLE_LIMIT).await
}

async fn start_with(
    state: &AppState,
    account_id: &str,
    remember: bool,
    idle: Millis,
) -> Result<HeaderValue, ApiError> {
    // An account a parent has deactivated signs in nowhere (promise U13-7).
    if state
        .store
        .child_control(account_id)
        .await?
        .is_some_and(|c| c.status == "deactivated")
    {
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "account_deactivated",
            "A parent has deactivated this account.",
        ));
    }
    let token = new_token();
    let now = now_millis();
    state
        .store
        .insert_session(&SessionRecord {
            token_hash: token_digest(&token),
            account_id: account_id.to_owned(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + if remember { REMEMBER_FOR } else { idle },
            persistent: remember,
        })
        .await?;
    Ok(cookie_value(
        state,
        &token,
        remember.then_some(REMEMBER_FOR / 1000),
    ))
}

fn cookie_value(state: &AppState, token: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    if let Some(s) = max_age {
        c.push_str(&format!("; Max-Age={s}"));
    }
    HeaderValue::from_str(&c).expect("cookie is ASCII")
}

/// The Set-Cookie value that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    cookie_value(state, "", Some(0))
}

/// Finds the live session of a cookie token, sliding the idle limit forward.
pub async fn resolve(state: &AppState, token: &str) -> Result<Option<SignedIn>, ApiError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let hash = token_digest(token);
    let Some((mut session, account)) = state.store.session_with_account(&hash).await? else {
        return Ok(None);
    };
    let now = now_millis();
    if session.expires_at <= now {
        state.store.delete_session(&hash).await?;
        return Ok(None);
    }
    // A staff session slides by an hour only; it is never persistent.
    let staff = account.role == Role::Staff;
    let idle = if staff { STAFF_IDLE_LIMIT } else { IDLE_LIMIT };
    if now - session.last_seen_at >= TOUCH_EVERY || (staff && session.persistent) {
        let expires = if session.persistent && !staff {
            session.expires_at
        } else {
            now + idle
        };
        state.store.touch_session(&hash, now, expires).await?;
        session.last_seen_at = now;
        session.expires_at = expires;
    }
    Ok(Some(SignedIn { account, session }))
}
