//! Staff in the kit: the second sign-in factor, the extractors for "signed-in staff with role
//! R", and the one way to append to the audit log, for every feature's staff endpoints.

// Every `/api/v1/staff/...` endpoint answers 404 to anyone who is not staff (the staff surface
// is not advertised to users) and 403 `forbidden` to staff without the role it needs. A
// feature's handler takes `StaffWithRole<Support>` (or `<Legal>`, `<Admin>`, ...) and gets
// the staff member in its `staff` field; what it does is then recorded with `append_audit`.

use crate::AppState;
use crate::kit::error::ApiError;
use crate::kit::extract::MaybeSignedIn;
use crate::kit::page::{Page, fail, not_found};
use crate::kit::sessions::SignedIn;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use kodlek_domain::{Role, StaffRole, StaffRoles, now_millis};
use kodlek_privacy::totp;
use kodlek_store::{AccountRecord, AuditEntry, NewAuditEntry};
use std::marker::PhantomData;

/// A signed-in staff member and their roles.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub signed_in: SignedIn,
    pub roles: StaffRoles,
}

impl StaffMember {
    /// The staff member's account id, as the audit log names them.
    pub fn id(&self) -> &str {
        &self.signed_in.account.id
    }
    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(role)
    }
}

/// The staff member behind a session, if it is one's.
pub async fn staff_member(
    state: &AppState,
    me: Option<SignedIn>,
) -> Result<Option<StaffMember>, ApiError> {
    let Some(me) = me.filter(|m| m.account.role == Role::Staff) else {
        return Ok(None);
    };
    let Some(row) = state.store.staff_member(&me.account.id).await? else {
        return Ok(None);
    };
    let Ok(roles) = StaffRoles::parse(&row.roles) else {
        tracing::error!("a staff row holds roles that do not parse");
        return Ok(None);
    };
    Ok(Some(StaffMember {
        signed_in: me,
        roles,
    }))
}

/// The role an endpoint needs, named as a type: `StaffWithRole<Support>`.
pub trait NeedsRole {
    const ROLE: StaffRole;
}

macro_rules! needs_role {
    ($($name:ident => $role:ident),*) => {
        $(
            #[doc = concat!("The ", stringify!($role), " role.")]
            pub struct $name;
            impl NeedsRole for $name {
                const ROLE: StaffRole = StaffRole::$role;
            }
        )*
    };
}
needs_role!(Support => Support, Moderator => Moderator, Research => Research, Legal => Legal, Admin => Admin);

/// A signed-in staff member who holds the role `R`: 404 `not_found` for anyone who is not
/// staff, 403 `forbidden` for staff without the role.
pub struct StaffWithRole<R: NeedsRole> {
    pub staff: StaffMember,
    role: PhantomData<R>,
}

impl<R: NeedsRole> FromRequestParts<AppState> for StaffWithRole<R> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AnyStaff(staff) = AnyStaff::from_request_parts(parts, state).await?;
        if !staff.has(R::ROLE) {
            return Err(ApiError::forbidden(
                "Your staff roles do not include the one this needs.",
            ));
        }
        Ok(StaffWithRole {
            staff,
            role: PhantomData,
        })
    }
}

/// Any signed-in staff member; 404 `not_found` for anyone else.
pub struct AnyStaff(pub StaffMember);

impl FromRequestParts<AppState> for AnyStaff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let me = MaybeSignedIn::from_request_parts(parts, state).await?.0;
        staff_member(state, me)
            .await?
            .map(AnyStaff)
            .ok_or_else(ApiError::not_found)
    }
}

/// Appends an entry to the audit log, stamped now, as `actor` (a staff member's id). Every
/// staff action that reads or changes a user's data, or decides about one, calls this before
/// it answers. Entries name ids and the reason given, never personal data.
pub async fn append_audit(
    state: &AppState,
    actor: &StaffMember,
    entry: NewAuditEntry,
) -> Result<AuditEntry, ApiError> {
    let entry = NewAuditEntry {
        at: now_millis(),
        actor_id: actor.id().to_owned(),
        ..entry
    };
    Ok(state.store.append_audit(&entry).await?)
}

/// 401 `totp_required`: a staff account signs in with a code as well.
pub fn totp_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "totp_required",
        "Staff accounts sign in with a code from their authenticator app as well.",
    )
}

/// The second factor of a sign-in whose password was right: nothing for users; for staff a
/// current code, used once (401 `totp_required` without one, `invalid_credentials` for a
/// wrong or used one).
pub async fn check_second_factor(
    state: &AppState,
    account: &AccountRecord,
    code: Option<&str>,
) -> Result<(), ApiError> {
    if account.role != Role::Staff {
        return Ok(());
    }
    let Some(row) = state.store.staff_member(&account.id).await? else {
        return Err(ApiError::invalid_credentials());
    };
    let code = code.map(str::trim).unwrap_or("");
    if code.is_empty() {
        return Err(totp_required());
    }
    let Some(secret) = state.keys.decrypt(&row.totp_secret_ciphertext) else {
        tracing::error!("a staff TOTP secret cannot be decrypted with these keys");
        return Err(ApiError::invalid_credentials());
    };
    let now = u64::try_from(now_millis() / 1000).unwrap_or(0);
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Err(ApiError::invalid_credentials());
    };
    // The step is claimed in one statement: the same code sent twice at once signs in once.
    if !state.store.claim_totp_step(&account.id, step).await? {
        return Err(ApiError::invalid_credentials());
    }
    Ok(())
}

/// The staff member behind the request, or the page to answer with instead: "not found" for
/// anyone who is not staff, "forbidden" for staff without `role`.
pub async fn staff_or_page(
    state: &AppState,
    p: &Page,
    me: MaybeSignedIn,
    role: Option<StaffRole>,
) -> Result<StaffMember, Response> {
    let staff = match staff_member(state, me.0).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(not_found(State(state.clone()), p.clone()).await),
        Err(e) => return Err(fail(state, p.clone(), &e)),
    };
    match role {
        Some(r) if !staff.has(r) => Err(fail(
            state,
            p.clone(),
            &ApiError::forbidden("Your staff roles do not include the one this needs."),
        )),
        _ => Ok(staff),
    }
}
