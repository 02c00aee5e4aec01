//! The use cases of signing in through a provider: starting, the callback, making the account
//! of a new identity, linking and unlinking, re-authentication and the re-check of sessions.

use crate::AppState;
use crate::accounts::{Credential, SignUp, sign_up_with};
use crate::kit::error::ApiError;
use crate::kit::extract::Lang;
use crate::kit::sessions::{self, SignedIn};
use crate::sso::provider::{Check, Claims, FlowSecrets, KeptToken, ProviderError};
use axum::http::{HeaderValue, StatusCode};
use kodlek_domain::{Millis, Role, now_millis};
use kodlek_privacy::keys::token_digest;
use kodlek_store::{AccountRecord, IdentityRecord, StoreError};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The cookie that binds an authorization request to the browser that started it.
pub const FLOW_COOKIE: &str = "kodlek_sso_flow";
/// The cookie that carries a new identity's claims to the form that makes its account.
pub const NEW_COOKIE: &str = "kodlek_sso_new";
/// How long a browser has to come back from the provider.
const FLOW_SECS: i64 = 600;
/// How long the new-account form waits.
const NEW_SECS: i64 = 900;
/// A sign-in through the provider this recent stands in for a password.
pub const REAUTH_WITHIN: Millis = 5 * 60 * 1000;
/// How many identities one run of the re-check asks their provider about.
pub const RECHECK_BATCH: u32 = 50;
/// How long one run of the re-check may take before it leaves the rest to the next run.
const RECHECK_FOR_AT_MOST: std::time::Duration = std::time::Duration::from_secs(120);
/// How long past its due re-check a session made through a provider lives on while the provider
/// does not answer: an hour, so an outage costs no lesson, and a revoked pupil is not signed in
/// for more than an hour and one interval after the provider goes quiet.
pub const UNANSWERED_GRACE: Millis = 60 * 60 * 1000;

/// An authorization request in flight, encrypted in the flow cookie.
#[derive(Serialize, Deserialize)]
struct Flow {
    provider: String,
    secrets: FlowSecrets,
    /// The account a provider is being linked to, when the request came from the account page.
    link: Option<String>,
    /// The code of the section whose sign-in page the request came from.
    section: Option<String>,
    expires: Millis,
}

/// A new identity waiting for its account, encrypted in its cookie.
#[derive(Serialize, Deserialize)]
pub struct Pending {
    pub provider: String,
    pub claims: Claims,
    token: Option<(String, String)>,
    section: Option<String>,
    expires: Millis,
}

/// What the callback leads to.
pub enum Arrived {
    /// A known identity: its session cookie, and where to go.
    SignedIn(HeaderValue, String),
    /// The identity is now linked to the signed-in account.
    Linked,
    /// A new identity: its claims go to the form, in this cookie.
    New(Box<Pending>, HeaderValue),
}

fn error(status: StatusCode, code: &'static str, message: &str) -> ApiError {
    ApiError::new(status, code, message)
}

fn bad_state() -> ApiError {
    error(
        StatusCode::BAD_REQUEST,
        "sso_state_mismatch",
        "This sign-in was not started in this browser, or took too long. Start again.",
    )
}

fn from_provider(e: ProviderError) -> ApiError {
    match e {
        ProviderError::Refused => error(
            StatusCode::FORBIDDEN,
            "sso_refused",
            "The service did not let you sign in.",
        ),
        ProviderError::Invalid(why) => {
            tracing::warn!(why, "a provider's answer failed its checks");
            error(
                StatusCode::BAD_GATEWAY,
                "sso_invalid_answer",
                "The service's answer could not be trusted; nobody was signed in.",
            )
        }
        ProviderError::Unreachable => error(
            StatusCode::BAD_GATEWAY,
            "sso_unavailable",
            "The service could not be reached. Try again in a while.",
        ),
    }
}

fn cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let c = format!(
        "{name}={value}; Path=/sign-in/sso; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&c).expect("the cookie is ASCII")
}

/// The Set-Cookie value that removes one of this feature's cookies.
pub fn clear(state: &AppState, name: &str) -> HeaderValue {
    cookie(state, name, "", 0)
}

fn seal<T: Serialize>(state: &AppState, v: &T) -> String {
    state
        .keys
        .encrypt(&serde_json::to_string(v).expect("serialisable"))
}

fn open<T: for<'de> Deserialize<'de>>(state: &AppState, sealed: Option<&str>) -> Option<T> {
    let text = state.keys.decrypt(sealed?)?;
    serde_json::from_str(&text).ok()
}

/// The address the provider sends the browser back to.
pub fn redirect_uri(state: &AppState, provider: &str) -> String {
    format!(
        "{}/sign-in/sso/{provider}/callback",
        state.config.public_url
    )
}

fn configured<'a>(
    state: &'a AppState,
    id: &str,
) -> Result<&'a crate::sso::config::ProviderConfig, ApiError> {
    state
        .sso
        .config
        .provider(id)
        .ok_or_else(ApiError::not_found)
}

/// Starts a sign-in (or, with `link`, a link to the signed-in account): the provider's URL
/// and the flow cookie.
pub async fn start(
    state: &AppState,
    id: &str,
    link: Option<&SignedIn>,
    section: Option<&str>,
) -> Result<(String, HeaderValue), ApiError> {
    let p = configured(state, id)?;
    let section = section
        .map(|c| kodlek_domain::JoinCode::parse(c).map(|c| c.as_str().to_owned()))
        .transpose()
        .map_err(|e| ApiError::invalid("section", e))?;
    let (url, secrets) = state
        .sso
        .authorize(p, &redirect_uri(state, id))
        .await
        .map_err(from_provider)?;
    let flow = Flow {
        provider: id.to_owned(),
        secrets,
        link: link.map(|me| me.account.id.clone()),
        section,
        expires: now_millis() + FLOW_SECS * 1000,
    };
    let sealed = seal(state, &flow);
    Ok((url, cookie(state, FLOW_COOKIE, &sealed, FLOW_SECS)))
}

/// What the provider sent the browser back with.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

fn same_secret(a: &str, b: &str) -> bool {
    // Compared as digests, so that the time taken says nothing of the expected value.
    !a.is_empty() && token_digest(a) == token_digest(b)
}

/// The callback: checks the state against the browser's flow cookie, exchanges the code, and
/// signs in, links, or hands a new identity to the form.
pub async fn callback(
    state: &AppState,
    id: &str,
    q: &CallbackQuery,
    flow_cookie: Option<&str>,
    me: Option<&SignedIn>,
) -> Result<Arrived, ApiError> {
    let p = configured(state, id)?;
    let flow: Flow = open(state, flow_cookie).ok_or_else(bad_state)?;
    let given = q.state.as_deref().unwrap_or("");
    if flow.provider != id
        || flow.expires < now_millis()
        || !same_secret(given, &flow.secrets.state)
    {
        return Err(bad_state());
    }
    if q.error.is_some() {
        return Err(from_provider(ProviderError::Refused));
    }
    let code = q
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or_else(|| from_provider(ProviderError::Invalid("code")))?;
    let granted = state
        .sso
        .exchange(p, &redirect_uri(state, id), code, &flow.secrets)
        .await
        .map_err(from_provider)?;
    let now = now_millis();
    if let Some(account_id) = &flow.link {
        let me = me
            .filter(|m| &m.account.id == account_id)
            .ok_or_else(ApiError::not_signed_in)?;
        link(
            state,
            &me.account,
            id,
            &granted.claims,
            granted.token.as_ref(),
            now,
        )
        .await?;
        return Ok(Arrived::Linked);
    }
    match state
        .store
        .identity_by_subject(id, &granted.claims.subject)
        .await?
    {
        Some(identity) => {
            let account = state
                .store
                .account_by_id(&identity.account_id)
                .await?
                .ok_or_else(ApiError::not_found)?;
            if account.role == Role::Staff {
                return Err(staff_use_their_code());
            }
            let sealed = granted.token.as_ref().map(|t| (seal_token(state, t), t.1));
            state
                .store
                .identity_checked(
                    &account.id,
                    id,
                    sealed.as_ref().map(|(c, k)| (c.as_str(), *k)),
                    now,
                )
                .await?;
            let (c, me) = session_for(state, &account, id, now).await?;
            let to = onwards(state, &me, flow.section.as_deref()).await?;
            Ok(Arrived::SignedIn(c, to))
        }
        None => {
            let pending = Pending {
                provider: id.to_owned(),
                claims: granted.claims,
                token: granted.token.map(|(t, k)| (t, k.to_owned())),
                section: flow.section,
                expires: now + NEW_SECS * 1000,
            };
            let sealed = seal(state, &pending);
            Ok(Arrived::New(
                Box::new(pending),
                cookie(state, NEW_COOKIE, &sealed, NEW_SECS),
            ))
        }
    }
}

fn seal_token(state: &AppState, t: &KeptToken) -> String {
    state.keys.encrypt(&t.0)
}

/// Where a sign-in through a provider leads: a student who came from a section's sign-in page
/// joins it (if not in it already) and goes to its course.
async fn onwards(
    state: &AppState,
    me: &SignedIn,
    section: Option<&str>,
) -> Result<String, ApiError> {
    Ok(match (me.account.role, section) {
        (Role::Student, Some(code)) => {
            crate::classrooms::join(state, me, code).await?;
            match state.store.section_by_code(code).await? {
                Some(s) => format!("/courses/{}", s.course_id),
                None => "/".to_owned(),
            }
        }
        (Role::Teacher, _) => "/sections".to_owned(),
        (Role::Student, None) => "/".to_owned(),
        _ => "/account".to_owned(),
    })
}

async fn session_for(
    state: &AppState,
    account: &AccountRecord,
    provider: &str,
    now: Millis,
) -> Result<(HeaderValue, SignedIn), ApiError> {
    let (c, hash) = sessions::start_for_hashed(state, account, false).await?;
    state
        .store
        .insert_identity_session(&hash, &account.id, provider, now)
        .await?;
    let session = state
        .store
        .session(&hash)
        .await?
        .ok_or_else(ApiError::internal)?;
    let me = SignedIn {
        account: account.clone(),
        session,
    };
    Ok((c, me))
}

/// Staff sign in with their password and their authenticator's code, never through a service.
fn staff_use_their_code() -> ApiError {
    ApiError::forbidden("Staff accounts sign in with their password and code only.")
}

fn identity_taken() -> ApiError {
    error(
        StatusCode::CONFLICT,
        "identity_taken",
        "This account at the service is already linked to another Kodlek account.",
    )
}

async fn link(
    state: &AppState,
    account: &AccountRecord,
    provider: &str,
    claims: &Claims,
    token: Option<&KeptToken>,
    now: Millis,
) -> Result<(), ApiError> {
    if account.role == Role::Staff {
        return Err(staff_use_their_code());
    }
    let record = IdentityRecord {
        account_id: account.id.clone(),
        provider: provider.to_owned(),
        subject: claims.subject.clone(),
        token_ciphertext: token.map(|t| seal_token(state, t)),
        token_kind: token.map(|t| t.1.to_owned()),
        linked_at: now,
        checked_at: now,
    };
    match state.store.insert_identity(&record).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict("identity")) => Err(identity_taken()),
        Err(StoreError::Conflict("provider")) => Err(error(
            StatusCode::CONFLICT,
            "provider_linked",
            "This service is already linked to your account.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The new identity waiting in the browser's cookie, if it has not expired.
pub fn pending(state: &AppState, sealed: Option<&str>) -> Option<Pending> {
    open::<Pending>(state, sealed).filter(|p| p.expires >= now_millis())
}

/// What the new-account form sends.
#[derive(Debug)]
pub struct NewAccount {
    pub role: String,
    pub age: Option<i64>,
    pub display_name: String,
    /// A child's own sign-up asks a parent first (`KODLEK_CHILD_SIGN_UP`), as with a password.
    pub parent_email: Option<String>,
}

/// Makes the account of a new identity through the same sign-up as a password account, then
/// links the identity and starts the session.
pub async fn create(
    state: &AppState,
    pending: &Pending,
    form: NewAccount,
    lang: Lang,
    ip: IpAddr,
) -> Result<(HeaderValue, String), ApiError> {
    if !matches!(form.role.as_str(), "student" | "teacher") {
        return Err(ApiError::invalid("role", "must be student or teacher"));
    }
    configured(state, &pending.provider)?;
    // A second form sent with the same cookie finds the identity linked already.
    if state
        .store
        .identity_by_subject(&pending.provider, &pending.claims.subject)
        .await?
        .is_some()
    {
        return Err(identity_taken());
    }
    let input = SignUp {
        role: form.role,
        display_name: form.display_name,
        email: String::new(),
        password: String::new(),
        age: form.age,
        gender: None,
        school_name: None,
        school_address: None,
        remember_me: false,
        parent_email: form.parent_email,
    };
    // A provider's address that is not a valid one is not kept.
    let email = pending.claims.email.as_deref();
    let email = email.and_then(|e| kodlek_domain::EmailAddress::new(e).ok());
    // Only a section whose teachers chose this provider for it vouches for its pupils.
    let through_section = match pending.section.as_deref() {
        Some(code) => state
            .store
            .section_by_code(code)
            .await?
            .is_some_and(|s| s.login_type == format!("sso:{}", pending.provider)),
        None => false,
    };
    let credential = Credential::Provider {
        email,
        verified: pending.claims.email_verified,
        through_section,
    };
    let account = sign_up_with(state, input, credential, lang, ip).await?;
    let now = now_millis();
    let token = pending
        .token
        .as_ref()
        .map(|(t, k)| (t.clone(), if k == "refresh" { "refresh" } else { "access" }));
    if let Err(e) = link(
        state,
        &account,
        &pending.provider,
        &pending.claims,
        token.as_ref(),
        now,
    )
    .await
    {
        // Two forms sent at once: the one that lost leaves no account behind.
        state.store.erase_account(&account.id).await?;
        return Err(e);
    }
    let (c, me) = session_for(state, &account, &pending.provider, now).await?;
    let to = onwards(state, &me, pending.section.as_deref()).await?;
    Ok((c, to))
}

/// One linked provider, as `GET /api/v1/me/identities` lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdentityView {
    pub provider: String,
    /// RFC 3339 UTC.
    pub linked_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdentityList {
    pub identities: Vec<IdentityView>,
}

pub async fn identities(state: &AppState, me: &SignedIn) -> Result<IdentityList, ApiError> {
    let list = state.store.identities_of(&me.account.id).await?;
    Ok(IdentityList {
        identities: list
            .into_iter()
            .map(|i| IdentityView {
                provider: i.provider,
                linked_at: kodlek_domain::rfc3339(i.linked_at),
            })
            .collect(),
    })
}

/// Unlinks a provider, unless it is the last way the account signs in.
pub async fn unlink(state: &AppState, me: &SignedIn, provider: &str) -> Result<(), ApiError> {
    let list = state.store.identities_of(&me.account.id).await?;
    if !list.iter().any(|i| i.provider == provider) {
        return Err(ApiError::not_found());
    }
    // A teacher-managed student signs in with their section's secret.
    let other_ways = me.account.password_hash.is_some() || me.account.managed_by_teacher;
    if list.len() == 1 && !other_ways {
        return Err(error(
            StatusCode::CONFLICT,
            "last_sign_in_method",
            "This is the last way to sign in to your account; set a password or link another service first.",
        ));
    }
    state
        .store
        .delete_identity(&me.account.id, provider)
        .await?;
    Ok(())
}

/// Whether this session was made by signing in through a provider within the last minutes:
/// what stands in for the password of an account that has none.
pub async fn recently_signed_in(state: &AppState, me: &SignedIn) -> Result<bool, ApiError> {
    Ok(state
        .store
        .identity_session(&me.session.token_hash)
        .await?
        .is_some_and(|(_, at)| now_millis() - at <= REAUTH_WITHIN))
}

/// Asks each provider about the identities whose sessions are due for a check; a refusal
/// ends the sessions made through that identity. Bounded by the batch and each call's timeout.
pub async fn recheck_due(state: &AppState) -> Result<u32, String> {
    let now = now_millis();
    let every = state.sso.config.recheck.as_millis() as Millis;
    let due = state
        .store
        .identities_due(now - every, RECHECK_BATCH)
        .await
        .map_err(|e| e.to_string())?;
    let mut ended = 0;
    // Well inside the job's lease, however slowly the providers answer; the rest wait a run.
    let deadline = std::time::Instant::now() + RECHECK_FOR_AT_MOST;
    for i in due {
        if std::time::Instant::now() > deadline {
            break;
        }
        let token = i
            .token_ciphertext
            .as_deref()
            .and_then(|c| state.keys.decrypt(c));
        let check = match (state.sso.config.provider(&i.provider), token) {
            (Some(p), Some(token)) => {
                let kind = i.token_kind.as_deref().unwrap_or("access");
                let redirect = redirect_uri(state, &i.provider);
                state
                    .sso
                    .recheck(p, &redirect, &i.subject, &token, kind)
                    .await
            }
            // No longer configured, or nothing to check with: nobody vouches any more.
            _ => Check::Refused,
        };
        let store = &state.store;
        match check {
            Check::Vouched(new) => {
                let sealed = new.as_ref().map(|t| (seal_token(state, t), t.1));
                store
                    .identity_checked(
                        &i.account_id,
                        &i.provider,
                        sealed.as_ref().map(|(c, k)| (c.as_str(), *k)),
                        now,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Check::Refused => {
                store
                    .identity_refused(&i.account_id, &i.provider)
                    .await
                    .map_err(|e| e.to_string())?;
                ended += 1;
            }
            // A short outage must not sign a whole class out in the middle of a lesson: tried
            // again at the next run. But nobody stays signed in on a provider's word for long
            // after it could last be asked: past the grace, the sessions end (the token stays,
            // so signing in again works as soon as the provider answers).
            Check::Unreachable if now - i.checked_at > every + UNANSWERED_GRACE => {
                let n = store
                    .identity_unanswered(&i.account_id, &i.provider)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::warn!(provider = %i.provider, sessions = n, "a provider has not answered re-checks for too long: its sessions ended");
                ended += 1;
            }
            Check::Unreachable => {
                tracing::warn!(provider = %i.provider, "a provider could not be reached for a re-check");
            }
        }
    }
    Ok(ended)
}

/// The account page's part: the services linked to the account, and those it may link.
#[derive(Debug, Default)]
pub struct AccountSection {
    /// (id, label, linked on: a date)
    pub linked: Vec<(String, String, String)>,
    /// (id, label)
    pub linkable: Vec<(String, String)>,
}

pub async fn account_section(
    state: &AppState,
    a: &AccountRecord,
) -> Result<AccountSection, ApiError> {
    let providers = &state.sso.config.providers;
    if providers.is_empty() {
        return Ok(AccountSection::default());
    }
    let list = state.store.identities_of(&a.id).await?;
    let label = |id: &str| {
        providers
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.label.clone())
    };
    Ok(AccountSection {
        linked: list
            .iter()
            .map(|i| {
                let day = kodlek_domain::rfc3339(i.linked_at);
                (i.provider.clone(), label(&i.provider), day[..10].to_owned())
            })
            .collect(),
        linkable: providers
            .iter()
            .filter(|p| !list.iter().any(|i| i.provider == p.id))
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect(),
    })
}
