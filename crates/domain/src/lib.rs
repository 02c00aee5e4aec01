//! The school's own words as types: roles, ages, names and addresses that can only hold valid values.

mod section;
mod staff;
mod values;

pub use section::*;
pub use staff::*;

pub use values::*;

/// Unix time in milliseconds, UTC; what every stored timestamp is.
pub type Millis = i64;

/// Milliseconds in a (Julian) year, used to age a stated age forward.
pub const YEAR_MILLIS: Millis = 31_557_600_000;

/// The age below which a learner is a child, whose email is never kept retrievably.
pub const CHILD_AGE_LIMIT: u8 = 13;

/// The current time in milliseconds.
pub fn now_millis() -> Millis {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos() as Millis / 1_000_000
}

/// An RFC 3339 UTC string for a stored time.
pub fn rfc3339(at: Millis) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(at as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
