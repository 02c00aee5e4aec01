//! Rate limits, counted in the database so that every server node sees the same counts.
//! Subjects (addresses, logins) are keyed-hashed before they become bucket names.

use crate::AppState;
use crate::kit::error::ApiError;
use kodlek_domain::Millis;

#[derive(Clone, Copy)]
pub struct Limit {
    name: &'static str,
    max: i64,
    window: Millis,
}

const MINUTE: Millis = 60 * 1000;

impl Limit {
    /// A feature's own limit: at most `max` hits per `window` for one subject. The name is the
    /// bucket's prefix and must be unique.
    pub const fn new(name: &'static str, max: i64, window: Millis) -> Limit {
        Limit { name, max, window }
    }
}

/// Sign-in attempts from one address. A whole class shares one address: 40 children with a
/// few mistypes each stay well inside it.
pub const SIGN_IN_PER_IP: Limit = Limit {
    name: "sign-in-ip",
    max: 300,
    window: 10 * MINUTE,
};
/// Wrong passwords in a row for one account (or one typed login without an account).
pub const SIGN_IN_FAILURES: Limit = Limit {
    name: "sign-in-failures",
    max: 10,
    window: 15 * MINUTE,
};
/// New accounts from one address.
pub const SIGN_UP_PER_IP: Limit = Limit {
    name: "sign-up-ip",
    max: 100,
    window: 60 * MINUTE,
};
/// Reset and verification mails asked for from one address.
pub const MAIL_PER_IP: Limit = Limit {
    name: "mail-ip",
    max: 20,
    window: 60 * MINUTE,
};
/// Reset and verification mails to one email address.
pub const MAIL_PER_ADDRESS: Limit = Limit {
    name: "mail-address",
    max: 3,
    window: 60 * MINUTE,
};

/// Join codes typed by one student, right or wrong: enough for typos and a few classes, too
/// few to find other classes by guessing.
pub const JOIN_TRIES: Limit = Limit {
    name: "join-failures",
    max: 20,
    window: 60 * MINUTE,
};
/// Family codes typed by one parent, right or wrong: plenty for a family, too few to find
/// other families' children by guessing.
pub const FAMILY_CODE_TRIES: Limit = Limit {
    name: "family-code-tries",
    max: 20,
    window: 60 * MINUTE,
};
/// Section sign-in pages and secret sign-ins from one address: a whole class shares one
/// address, and 40 children with a few wrong pictures each stay well inside it.
pub const SECTION_SIGN_IN_PER_IP: Limit = Limit {
    name: "section-sign-in-ip",
    max: 600,
    window: 10 * MINUTE,
};
/// Secret sign-ins to one section, from anywhere.
pub const SECTION_SIGN_IN_PER_CODE: Limit = Limit {
    name: "section-sign-in-code",
    max: 400,
    window: 10 * MINUTE,
};

/// Support requests sent from one address: a class writing in together fits, a flood does not.
pub const SUPPORT_PER_IP: Limit = Limit {
    name: "support-ip",
    max: 30,
    window: 60 * MINUTE,
};

fn bucket(state: &AppState, limit: Limit, subject: &str) -> String {
    format!("{}:{}", limit.name, state.keys.keyed(limit.name, subject))
}

fn retry_after(limit: Limit, window_start: Millis, now: Millis) -> u64 {
    ((window_start + limit.window - now).max(1000) / 1000) as u64
}

/// Counts one attempt; refuses it (429) when it goes over the limit. Counting comes before the
/// attempt is judged, in one statement, so that attempts sent together cannot all pass a check
/// made before any of them was counted: there is deliberately no "check without counting".
pub async fn check(
    state: &AppState,
    limit: Limit,
    subject: &str,
    now: Millis,
) -> Result<(), ApiError> {
    let hits = state
        .store
        .hit(&bucket(state, limit, subject), limit.window, now)
        .await?;
    if hits.count > limit.max {
        return Err(ApiError::rate_limited(retry_after(
            limit,
            hits.window_start,
            now,
        )));
    }
    Ok(())
}

/// Starts the count again, after a right guess.
pub async fn reset(state: &AppState, limit: Limit, subject: &str) -> Result<(), ApiError> {
    state.store.clear(&bucket(state, limit, subject)).await?;
    Ok(())
}
