//! Staff roles and the bounded texts that staff actions carry: a reason, a ticket, a legal basis.

use crate::Invalid;

/// What a staff member may do; an account may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffRole {
    Support,
    Moderator,
    Research,
    Legal,
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        StaffRole::Support,
        StaffRole::Moderator,
        StaffRole::Research,
        StaffRole::Legal,
        StaffRole::Admin,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Support => "support",
            StaffRole::Moderator => "moderator",
            StaffRole::Research => "research",
            StaffRole::Legal => "legal",
            StaffRole::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Result<StaffRole, Invalid> {
        StaffRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(Invalid(
                "must be support, moderator, research, legal or admin",
            ))
    }
}

/// A set of staff roles, never empty, each once, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRoles(Vec<StaffRole>);

impl StaffRoles {
    /// From a comma-separated list ("support,admin"), as the command line and the store hold it.
    pub fn parse(list: &str) -> Result<StaffRoles, Invalid> {
        let mut roles = list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(StaffRole::parse)
            .collect::<Result<Vec<_>, _>>()?;
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(Invalid("must name at least one role"));
        }
        Ok(StaffRoles(roles))
    }
    pub fn contains(&self, r: StaffRole) -> bool {
        self.0.contains(&r)
    }
    pub fn iter(&self) -> impl Iterator<Item = StaffRole> + '_ {
        self.0.iter().copied()
    }
    /// The comma-separated form the store keeps.
    pub fn joined(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn bounded(raw: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let s: String = raw.trim().to_owned();
    let n = s.chars().count();
    if n < min {
        return Err(Invalid("is too short"));
    }
    if n > max {
        return Err(Invalid("is too long"));
    }
    if s.chars().any(char::is_control) {
        return Err(Invalid("must not contain control characters"));
    }
    Ok(s)
}

/// Why a staff member opens or changes a user's data: 10 to 1,000 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub const MIN: usize = 10;
    pub const MAX: usize = 1000;
    pub fn new(raw: &str) -> Result<Reason, Invalid> {
        bounded(raw, Self::MIN, Self::MAX)
            .map(Reason)
            .map_err(|e| match e.0 {
                "is too short" => Invalid("must be at least 10 characters"),
                "is too long" => Invalid("must be at most 1000 characters"),
                other => Invalid(other),
            })
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A support ticket's reference ("T-1234"): 1 to 100 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket(String);

impl Ticket {
    pub const MAX: usize = 100;
    pub fn new(raw: &str) -> Result<Ticket, Invalid> {
        bounded(raw, 1, Self::MAX)
            .map(Ticket)
            .map_err(|e| match e.0 {
                "is too short" => Invalid("must not be empty"),
                "is too long" => Invalid("must be at most 100 characters"),
                other => Invalid(other),
            })
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_a_list_each_once() {
        let r = StaffRoles::parse("admin, support,admin").unwrap();
        assert_eq!(r.joined(), "support,admin");
        assert!(r.contains(StaffRole::Admin) && !r.contains(StaffRole::Legal));
        assert!(StaffRoles::parse("").is_err());
        assert!(StaffRoles::parse("support,boss").is_err());
    }

    #[test]
    fn reasons_and_tickets_are_bounded() {
        assert!(Reason::new("too short").is_err());
        assert!(Reason::new("  a real reason  ").is_ok());
        assert!(Reason::new(&"x".repeat(1001)).is_err());
        assert!(Reason::new("line one\nline two").is_err());
        assert!(Ticket::new(" ").is_err());
        assert!(Ticket::new(&"t".repeat(101)).is_err());
        assert_eq!(Ticket::new(" T-1 ").unwrap().as_str(), "T-1");
    }
}
