//! Accounts: sign-up, sign-in, the user's own view, changes, erasure, export, resets and
//! verification. The API and the pages both call these functions.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::{Lang, SignedIn};
use crate::kit::limits;
use crate::kit::mail::{MailKind, send_mail};
use axum::http::StatusCode;
use kodlek_domain::*;
use kodlek_privacy::keys::{new_token, token_digest};
use kodlek_store::{AccountRecord, MailTokenRecord, TokenPurpose, new_id};
use serde::{Deserialize, Deserializer, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;

const VERIFY_FOR: Millis = 7 * 24 * 3600 * 1000;
pub(super) const RESET_FOR: Millis = 3600 * 1000;

/// The signed-in user's own view of their account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    #[schema(example = "student")]
    pub role: String,
    pub display_name: String,
    pub username: Option<String>,
    /// The age now: the stated age plus the whole years since it was stated.
    pub age: Option<i64>,
    pub gender: Option<String>,
    /// Null when only a keyed hash of the address is kept (always so for a child).
    pub email: Option<String>,
    pub email_on_file: bool,
    pub email_verified: bool,
    pub under_13: bool,
    pub managed_by_teacher: bool,
    pub school_name: Option<String>,
    pub school_address: Option<String>,
    pub created_at: String,
    /// Staff only: their roles (support, moderator, research, legal, admin); absent for others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_roles: Option<Vec<String>>,
    /// A parent's permission for a child's own account: "pending" (nothing of the child's
    /// play is kept yet), "granted" or "not_needed".
    #[schema(example = "not_needed")]
    pub permission: String,
}

pub fn stated_age(a: &AccountRecord) -> Option<StatedAge> {
    Some(StatedAge {
        years: a.age_years? as u8,
        stated_at: a.age_stated_at?,
    })
}

/// Whether the account is a child's: a student whose age now is under 13, or unknown.
pub fn is_child_account(a: &AccountRecord, now: Millis) -> bool {
    a.role == Role::Student && is_child(stated_age(a), now)
}

impl Me {
    pub fn of(state: &AppState, a: &AccountRecord) -> Me {
        let now = now_millis();
        Me {
            id: a.id.clone(),
            role: a.role.as_str().to_owned(),
            display_name: a.display_name.clone(),
            username: a.username.clone(),
            age: stated_age(a).map(|s| s.now(now) as i64),
            gender: a.gender.clone(),
            email: a
                .email_ciphertext
                .as_deref()
                .and_then(|c| state.keys.decrypt(c)),
            email_on_file: a.email_lookup.is_some(),
            email_verified: a.email_verified,
            under_13: is_child_account(a, now),
            managed_by_teacher: a.managed_by_teacher,
            school_name: a.school_name.clone(),
            school_address: a
                .school_address_ciphertext
                .as_deref()
                .and_then(|c| state.keys.decrypt(c)),
            created_at: rfc3339(a.created_at),
            staff_roles: None,
            permission: "not_needed".into(),
        }
    }

    /// [`Me::of`] with a staff member's roles filled in.
    pub async fn with_roles(state: &AppState, a: &AccountRecord) -> Result<Me, ApiError> {
        let mut me = Me::of(state, a);
        me.permission = crate::families::permission_of(state, a).await?;
        if a.role == Role::Staff
            && let Some(row) = state.store.staff_member(&a.id).await?
        {
            me.staff_roles = Some(row.roles.split(',').map(str::to_owned).collect());
        }
        Ok(me)
    }
}

/// Sign-up for every role; which fields a role may give is checked in `sign_up`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    #[schema(example = "student")]
    pub role: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    /// Students only: whole years, 4 to 120.
    #[serde(default, deserialize_with = "crate::kit::extract::whole")]
    pub age: Option<i64>,
    /// Students only: female, male, nonbinary or unspecified.
    pub gender: Option<String>,
    /// Teachers only.
    pub school_name: Option<String>,
    /// Teachers only.
    pub school_address: Option<String>,
    #[serde(default)]
    pub remember_me: bool,
    /// Students under 13 signing up themselves (with `KODLEK_CHILD_SIGN_UP` at
    /// `parent_permission`): a parent's address, asked for permission and then forgotten.
    #[schema(max_length = 254)]
    pub parent_email: Option<String>,
}

pub(super) fn field<T>(name: &str, r: Result<T, Invalid>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::invalid(name, e))
}

fn optional_text(name: &str, v: Option<&str>) -> Result<Option<String>, ApiError> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Ok(Some(field(name, ShortText::new(s))?.as_str().to_owned())),
    }
}

/// The stored form of an address: the lookup hash always; the ciphertext unless it is a child's.
fn email_columns(
    state: &AppState,
    email: &EmailAddress,
    child: bool,
) -> (Option<String>, Option<String>) {
    let lookup = Some(state.keys.email_lookup(email));
    let ciphertext = (!child).then(|| state.keys.encrypt(email.as_str()));
    (lookup, ciphertext)
}

async fn ensure_email_free(
    state: &AppState,
    email: &EmailAddress,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let found = state
        .store
        .account_by_email_lookup(&state.keys.email_lookup_candidates(email))
        .await?;
    match found {
        Some(a) if Some(a.id.as_str()) != except => {
            Err(kodlek_store::StoreError::Conflict("email").into())
        }
        _ => Ok(()),
    }
}

/// How a new account will sign in: its password, or its identity at a provider, whose valid
/// address (and whether the provider verified it) stands in for the form's. `through_section`:
/// the person came by the sign-in button of a section whose teachers chose that provider for
/// it, so a child is the school's pupil, as on a teacher's list, and no parent is asked.
pub(crate) enum Credential {
    Password,
    Provider {
        email: Option<EmailAddress>,
        verified: bool,
        through_section: bool,
    },
}

pub async fn sign_up(
    s: &AppState,
    i: SignUp,
    l: Lang,
    ip: IpAddr,
) -> Result<AccountRecord, ApiError> {
    sign_up_with(s, i, Credential::Password, l, ip).await
}

/// Every sign-up, whichever way the account will sign in: the same rules for each role and age.
pub(crate) async fn sign_up_with(
    state: &AppState,
    input: SignUp,
    credential: Credential,
    lang: Lang,
    ip: IpAddr,
) -> Result<AccountRecord, ApiError> {
    let role = field("role", Role::parse_public(&input.role))?;
    let display_name = field("display_name", DisplayName::new(&input.display_name))?;
    let (email, password, email_verified) = match &credential {
        Credential::Password => (
            Some(field("email", EmailAddress::new(&input.email))?),
            Some(field("password", Password::new(&input.password))?),
            false,
        ),
        Credential::Provider {
            email, verified, ..
        } => (email.clone(), None, email.is_some() && *verified),
    };
    let now = now_millis();
    let (age, gender) = match role {
        Role::Student => {
            let years = input
                .age
                .ok_or_else(|| ApiError::invalid("age", "is required"))?;
            let age = field("age", Age::new(years))?;
            let gender = input
                .gender
                .as_deref()
                .map(|g| field("gender", Gender::parse(g)))
                .transpose()?;
            (Some(age), gender)
        }
        _ => {
            if input.age.is_some() {
                return Err(ApiError::invalid("age", "is asked only of students"));
            }
            if input.gender.is_some() {
                return Err(ApiError::invalid("gender", "is asked only of students"));
            }
            (None, None)
        }
    };
    if role != Role::Teacher && (input.school_name.is_some() || input.school_address.is_some()) {
        let f = if input.school_name.is_some() {
            "school_name"
        } else {
            "school_address"
        };
        return Err(ApiError::invalid(f, "is asked only of teachers"));
    }
    let school_name = optional_text("school_name", input.school_name.as_deref())?;
    let school_address = optional_text("school_address", input.school_address.as_deref())?;
    limits::check(state, limits::SIGN_UP_PER_IP, &ip.to_string(), now).await?;
    let stated = age.map(|a| StatedAge {
        years: a.years(),
        stated_at: now,
    });
    let child = role == Role::Student && is_child(stated, now);
    let email = match email {
        // An identity is never joined to the account that has its address: the new account
        // goes without it, and that account's owner may link the identity instead.
        Some(e) if matches!(credential, Credential::Provider { .. }) => {
            ensure_email_free(state, &e, None).await.ok().map(|_| e)
        }
        Some(e) => ensure_email_free(state, &e, None).await.map(|_| Some(e))?,
        None => None,
    };
    let parent = match credential {
        Credential::Provider {
            through_section: true,
            ..
        } => None,
        _ => crate::families::check_sign_up(
            state,
            role,
            child,
            email.as_ref(),
            input.parent_email.as_deref(),
        )?,
    };
    let (email_lookup, email_ciphertext) = match &email {
        Some(e) => email_columns(state, e, child),
        None => (None, None),
    };
    let password_hash = match password {
        Some(pw) => Some(state.hasher.hash(pw.as_str()).await?),
        None => None,
    };
    let account = AccountRecord {
        id: new_id(),
        role,
        display_name: display_name.as_str().to_owned(),
        username: None,
        age_years: stated.map(|s| s.years as i64),
        age_stated_at: stated.map(|s| s.stated_at),
        gender: gender.map(|g| g.as_str().to_owned()),
        email_lookup,
        email_ciphertext,
        email_verified,
        password_hash,
        school_name,
        school_address_ciphertext: school_address.map(|a| state.keys.encrypt(&a)),
        managed_by_teacher: false,
        created_at: now,
        updated_at: now,
    };
    state.store.insert_account(&account).await?;
    if let Some(parent) = &parent {
        crate::families::ask_permission(state, &account, parent, lang).await?;
    }
    if let Some(email) = email.as_ref().filter(|_| !child && !email_verified) {
        send_verification(state, &account, email, lang).await?;
    }
    Ok(account)
}

async fn send_verification(
    state: &AppState,
    a: &AccountRecord,
    to: &EmailAddress,
    lang: Lang,
) -> Result<(), ApiError> {
    let token = new_token();
    let now = now_millis();
    state
        .store
        .insert_mail_token(&MailTokenRecord {
            token_hash: token_digest(&token),
            account_id: a.id.clone(),
            purpose: TokenPurpose::VerifyEmail,
            created_at: now,
            expires_at: now + VERIFY_FOR,
        })
        .await?;
    let link = format!("{}/verify-email/{token}", state.config.public_url);
    let tr = crate::kit::i18n::Tr::new(lang);
    // Never a child's: no verification mail goes to a child's address.
    send_mail(
        state,
        MailKind::Requested,
        to,
        false,
        tr.t("mail-verify-subject"),
        tr.args(
            "mail-verify-body",
            &[("name", &a.display_name), ("link", &link)],
        ),
    )
    .await
}

/// Asks for a new verification mail, within the limits per address and per IP.
pub async fn resend_verification(
    state: &AppState,
    me: &SignedIn,
    lang: Lang,
    ip: IpAddr,
) -> Result<(), ApiError> {
    let a = &me.account;
    let Some(email) = a
        .email_ciphertext
        .as_deref()
        .and_then(|c| state.keys.decrypt(c))
    else {
        return Ok(());
    };
    if a.email_verified {
        return Ok(());
    }
    let now = now_millis();
    limits::check(state, limits::MAIL_PER_IP, &ip.to_string(), now).await?;
    limits::check(state, limits::MAIL_PER_ADDRESS, &email, now).await?;
    let email = field("email", EmailAddress::new(&email))?;
    send_verification(state, a, &email, lang).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// An email address or a username.
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub remember_me: bool,
    /// Staff accounts only: the current code of their authenticator app (6 digits).
    #[schema(max_length = 6)]
    pub totp: Option<String>,
}

fn invalid_credentials() -> ApiError {
    ApiError::invalid_credentials()
}

async fn find_by_login(state: &AppState, login: &str) -> Result<Option<AccountRecord>, ApiError> {
    if login.contains('@') {
        match EmailAddress::new(login) {
            Ok(e) => Ok(state
                .store
                .account_by_email_lookup(&state.keys.email_lookup_candidates(&e))
                .await?),
            Err(_) => Ok(None),
        }
    } else {
        match Username::new(login) {
            Ok(u) => Ok(state.store.account_by_username(u.as_str()).await?),
            Err(_) => Ok(None),
        }
    }
}

/// Checks a login and password within the sign-in limits; the account on success.
pub async fn sign_in(
    state: &AppState,
    input: &SignInBody,
    ip: IpAddr,
) -> Result<AccountRecord, ApiError> {
    let now = now_millis();
    limits::check(state, limits::SIGN_IN_PER_IP, &ip.to_string(), now).await?;
    let account = find_by_login(state, input.login.trim()).await?;
    // Failures are counted per account, or per typed login when there is none.
    let subject = account
        .as_ref()
        .map(|a| a.id.clone())
        .unwrap_or_else(|| input.login.trim().to_lowercase());
    // The guess is counted before it is judged, in one statement, so that guesses sent together
    // cannot all pass a check made before any of them was counted.
    limits::check(state, limits::SIGN_IN_FAILURES, &subject, now).await?;
    let ok = match account.as_ref().and_then(|a| a.password_hash.as_deref()) {
        Some(phc) if input.password.len() <= 1024 => {
            state.hasher.verify(&input.password, phc).await?
        }
        _ => {
            state.hasher.waste().await?;
            false
        }
    };
    match account {
        Some(mut a) if ok => {
            // A staff member's code is judged after the password, inside the same count.
            crate::kit::staff::check_second_factor(state, &a, input.totp.as_deref()).await?;
            limits::reset(state, limits::SIGN_IN_FAILURES, &subject).await?;
            rekey(state, &mut a, input.login.trim()).await?;
            Ok(a)
        }
        _ => Err(invalid_credentials()),
    }
}

/// A lookup hash made with a retired key version is replaced by the current one the next time
/// the person types their address: it cannot be recomputed without it.
async fn rekey(state: &AppState, a: &mut AccountRecord, login: &str) -> Result<(), ApiError> {
    let Ok(email) = EmailAddress::new(login) else {
        return Ok(());
    };
    let current = state.keys.email_lookup(&email);
    if a.email_lookup.as_ref().is_some_and(|l| *l != current) {
        a.email_lookup = Some(current);
        if let Some(ct) = a
            .email_ciphertext
            .as_deref()
            .and_then(|c| state.keys.decrypt(c))
        {
            a.email_ciphertext = Some(state.keys.encrypt(&ct));
        }
        state.store.update_account(a).await?;
    }
    Ok(())
}

pub(crate) fn double<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A change of one's own account; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::kit::extract::whole_or_null")]
    #[schema(value_type = Option<i64>)]
    pub age: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<String>>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub school_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Option<String>)]
    pub school_address: Option<Option<String>>,
    /// Needed to change the email or the password.
    pub current_password: Option<String>,
}

/// Validates the whole change first, then writes it at once: a refused change changes nothing.
pub async fn update_me(
    state: &AppState,
    me: &SignedIn,
    p: MePatch,
    lang: Lang,
) -> Result<AccountRecord, ApiError> {
    let old = &me.account;
    // Nothing the learner changes is kept while a parent's yes is awaited or collection is
    // stopped (promise U13-7).
    crate::families::ensure_collecting(state, &old.id).await?;
    let mut a = old.clone();
    let now = now_millis();
    let student = a.role == Role::Student;
    let taking_control = a.managed_by_teacher && p.username.is_some() && p.password.is_some();
    if let Some(n) = &p.display_name {
        a.display_name = field("display_name", DisplayName::new(n))?
            .as_str()
            .to_owned();
    }
    if let Some(age) = p.age {
        if !student {
            return Err(ApiError::invalid("age", "is kept only for students"));
        }
        let Some(years) = age else {
            return Err(ApiError::invalid("age", "is required for a student"));
        };
        a.age_years = Some(field("age", Age::new(years))?.years() as i64);
        a.age_stated_at = Some(now);
    }
    if let Some(g) = &p.gender {
        if !student {
            return Err(ApiError::invalid("gender", "is kept only for students"));
        }
        a.gender = g
            .as_deref()
            .map(|g| field("gender", Gender::parse(g)))
            .transpose()?
            .map(|g| g.as_str().to_owned());
    }
    if p.school_name.is_some() || p.school_address.is_some() {
        if a.role != Role::Teacher {
            let f = if p.school_name.is_some() {
                "school_name"
            } else {
                "school_address"
            };
            return Err(ApiError::invalid(f, "is kept only for teachers"));
        }
        if let Some(n) = &p.school_name {
            a.school_name = optional_text("school_name", n.as_deref())?;
        }
        if let Some(addr) = &p.school_address {
            a.school_address_ciphertext =
                optional_text("school_address", addr.as_deref())?.map(|s| state.keys.encrypt(&s));
        }
    }
    if let Some(u) = &p.username {
        a.username = Some(field("username", Username::new(u))?.as_str().to_owned());
    }
    let new_email = p
        .email
        .as_deref()
        .map(|e| field("email", EmailAddress::new(e)))
        .transpose()?;
    let new_password = p
        .password
        .as_deref()
        .map(|pw| field("password", Password::new(pw)))
        .transpose()?;
    if (new_email.is_some() || new_password.is_some()) && !taking_control {
        let current = p.current_password.as_deref().unwrap_or("");
        let ok = match &old.password_hash {
            Some(phc) if !current.is_empty() => state.hasher.verify(current, phc).await?,
            Some(_) => false,
            // Without a password, a sign-in through the provider just now stands in for it.
            None => crate::sso::recently_signed_in(state, me).await?,
        };
        if !ok {
            return Err(ApiError::reauthenticate());
        }
    }
    let child = is_child_account(&a, now);
    if let Some(e) = &new_email {
        ensure_email_free(state, e, Some(&a.id)).await?;
        let (lookup, ct) = email_columns(state, e, child);
        a.email_verified = false;
        a.email_lookup = lookup;
        a.email_ciphertext = ct;
    } else if child && a.email_ciphertext.is_some() {
        // An age under 13 replaces a stored address with its keyed hash alone.
        a.email_ciphertext = None;
    }
    if let Some(pw) = &new_password {
        a.password_hash = Some(state.hasher.hash(pw.as_str()).await?);
    }
    if taking_control {
        a.managed_by_teacher = false;
    }
    a.updated_at = now;
    if taking_control {
        // From now on the secret no longer signs them in, and their teachers cannot edit them.
        state.store.take_control(&a).await?;
    } else {
        state.store.update_account(&a).await?;
    }
    if child {
        forget_address(state, old).await;
    }
    if new_password.is_some() {
        state
            .store
            .delete_other_sessions(&a.id, Some(&me.session.token_hash))
            .await?;
        notify_password_changed(state, &a, lang).await;
    }
    if let Some(e) = &new_email
        && !child
    {
        send_verification(state, &a, e, lang).await?;
    }
    Ok(a)
}

/// An account that is a child's keeps no retrievable address (promise U13-2): messages still
/// kept for its former address are dropped with it.
async fn forget_address(state: &AppState, old: &AccountRecord) {
    let Some(email) = old
        .email_ciphertext
        .as_deref()
        .and_then(|c| state.keys.decrypt(c))
        .and_then(|e| EmailAddress::new(&e).ok())
    else {
        return;
    };
    if state.mailer.forget(&email).await.is_err() {
        // The error text could quote the address; say only that it happened.
        tracing::error!("the outbox could not forget an address");
    }
}

/// A notice the user did not ask for at that moment: an unsubscribed address does not get it.
async fn notify_password_changed(state: &AppState, a: &AccountRecord, lang: Lang) {
    let Some(email) = a
        .email_ciphertext
        .as_deref()
        .and_then(|c| state.keys.decrypt(c))
    else {
        return;
    };
    let Ok(email) = EmailAddress::new(&email) else {
        return;
    };
    let tr = crate::kit::i18n::Tr::new(lang);
    let sent = send_mail(
        state,
        MailKind::Notice,
        &email,
        is_child_account(a, now_millis()),
        tr.t("mail-password-changed-subject"),
        tr.args("mail-password-changed-body", &[("name", &a.display_name)]),
    )
    .await;
    if let Err(e) = sent {
        tracing::warn!(code = e.code, "password-change notice not sent");
    }
}

/// Erases the account after checking the password. A teacher-managed student is removed by
/// their teacher instead.
pub async fn delete_me(state: &AppState, me: &SignedIn, password: &str) -> Result<(), ApiError> {
    let a = &me.account;
    if a.managed_by_teacher {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "managed_by_teacher",
            "Your teacher manages this account; ask them to remove it.",
        ));
    }
    let ok = match &a.password_hash {
        Some(phc) if !password.is_empty() => state.hasher.verify(password, phc).await?,
        Some(_) => false,
        None => crate::sso::recently_signed_in(state, me).await?,
    };
    if !ok {
        return Err(ApiError::reauthenticate());
    }
    erase(state, a).await
}

/// Erases an account and its personal data: what DELETE /api/v1/me does once the password is
/// checked, and what staff do in one step (promise U13-8). A teacher's sections go to another
/// of their teachers first.
pub async fn erase(state: &AppState, a: &AccountRecord) -> Result<(), ApiError> {
    if a.role == Role::Teacher {
        crate::classrooms::hand_over_sections(state, &a.id).await?;
    }
    state.store.erase_account(&a.id).await?;
    // The rows of the account's media went with it; their bytes go from the object store now.
    crate::media::erase_deleted_bytes(state).await;
    state.progress.forget(&a.id);
    Ok(())
}

/// What `GET /api/v1/me/export` answers.
#[derive(Serialize)]
pub struct Export {
    pub generated_at: String,
    pub user: Me,
    pub tables: serde_json::Map<String, serde_json::Value>,
    /// The programs of the caller's attempts by hash, each answered as the stored text it is.
    pub programs: std::collections::BTreeMap<String, kodlek_puzzles::ProgramJson>,
}

/// Everything the platform holds about the account, generated from the data inventory.
pub async fn export(state: &AppState, a: &AccountRecord) -> Result<Export, ApiError> {
    let mut tables = serde_json::Map::new();
    for (table, owner) in state.inventory.owned_tables() {
        let rows = state.store.rows_owned_by(table, owner, &a.id).await?;
        tables.insert(
            table.to_owned(),
            serde_json::Value::Array(state.inventory.export_rows(table, rows, &state.keys)),
        );
    }
    // Each uploaded file with the address to download it from.
    crate::media::link_in_export(state, &mut tables);
    // Programs are stored once for everyone who ran them; the export carries the caller's own,
    // never read into a tree of values (a long chain of blocks is deeply nested).
    let mut programs = std::collections::BTreeMap::new();
    if let Some(serde_json::Value::Array(attempts)) = tables.get("attempts") {
        for h in attempts.iter().filter_map(|r| r["program_hash"].as_str()) {
            if !programs.contains_key(h)
                && let Some(body) = state.store.program(h).await?
                && let Some(program) = crate::puzzles::stored_program_json(body)
            {
                programs.insert(h.to_owned(), program);
            }
        }
    }
    Ok(Export {
        generated_at: rfc3339(now_millis()),
        user: Me::of(state, a),
        tables,
        programs,
    })
}

/// `{"user": Me}`
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub user: Me,
}
