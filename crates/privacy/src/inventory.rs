//! The data inventory: every stored column with its category, audiences, retention and export rule.

use crate::keys::Keys;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

const INVENTORY: &str = include_str!("../inventory.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Export {
    /// As stored.
    Value,
    /// Decrypted for its owner.
    Decrypted,
    /// Only whether something is stored.
    Presence,
    /// Not linkable to the person.
    No,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The column naming the account a row belongs to; None where rows cannot be linked to one.
    pub owner: Option<String>,
    pub en: String,
    pub sv: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub table: String,
    pub column: String,
    pub category: String,
    pub export: Export,
    pub audiences: Vec<String>,
    pub retention: String,
    /// The roles whose accounts can hold a value here ("teacher" for a school name); empty
    /// when every role's can.
    #[serde(default)]
    pub roles: Vec<String>,
    pub en: String,
    pub sv: String,
}

impl Column {
    pub fn describe(&self, lang: &str) -> &str {
        if lang == "sv" { &self.sv } else { &self.en }
    }
    /// Whether an account of this role ("student", "teacher", "parent", "staff") can have a value here.
    pub fn applies_to(&self, role: &str) -> bool {
        self.roles.is_empty() || self.roles.iter().any(|r| r == role)
    }
}

/// A use of personal data already collected, and whether it needs the person's consent first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub needs_consent: bool,
    /// The question the person is asked.
    pub en: String,
    pub sv: String,
}

impl Purpose {
    pub fn question(&self, lang: &str) -> &str {
        if lang == "sv" { &self.sv } else { &self.en }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub tables: BTreeMap<String, Table>,
    pub columns: Vec<Column>,
    #[serde(default)]
    pub purposes: BTreeMap<String, Purpose>,
}

impl Inventory {
    /// The inventory compiled into the binary.
    pub fn shipped() -> Inventory {
        toml::from_str(INVENTORY).expect("the shipped inventory parses")
    }

    /// Every declared table with its columns, to compare with a live schema.
    pub fn declared(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = self
            .tables
            .keys()
            .map(|t| (t.clone(), BTreeSet::new()))
            .collect();
        for c in &self.columns {
            out.entry(c.table.clone())
                .or_default()
                .insert(c.column.clone());
        }
        out
    }

    pub fn columns_of<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Column> + 'a {
        self.columns.iter().filter(move |c| c.table == table)
    }

    /// The purposes that need consent, by name.
    pub fn consent_purposes(&self) -> impl Iterator<Item = (&str, &Purpose)> {
        self.purposes
            .iter()
            .filter(|(_, p)| p.needs_consent)
            .map(|(n, p)| (n.as_str(), p))
    }

    /// The tables whose rows belong to an account, with their owner column.
    pub fn owned_tables(&self) -> Vec<(&str, &str)> {
        self.tables
            .iter()
            .filter_map(|(t, d)| d.owner.as_deref().map(|o| (t.as_str(), o)))
            .collect()
    }

    /// Turns stored rows of one table into what the owner is shown, column by column.
    pub fn export_rows(
        &self,
        table: &str,
        rows: Vec<Map<String, Value>>,
        keys: &Keys,
    ) -> Vec<Value> {
        rows.into_iter()
            .map(|row| {
                let mut out = Map::new();
                for c in self.columns_of(table) {
                    let v = row.get(&c.column).cloned().unwrap_or(Value::Null);
                    let shown = match c.export {
                        Export::Value => v,
                        Export::Decrypted => match v.as_str() {
                            Some(s) => keys.decrypt(s).map(Value::String).unwrap_or(Value::Null),
                            None => Value::Null,
                        },
                        Export::Presence => Value::Bool(!v.is_null()),
                        Export::No => continue,
                    };
                    out.insert(c.column.clone(), shown);
                }
                Value::Object(out)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_inventory_is_complete() {
        let inv = Inventory::shipped();
        let mut seen = BTreeSet::new();
        for c in &inv.columns {
            assert!(
                inv.tables.contains_key(&c.table),
                "{} has no table entry",
                c.table
            );
            assert!(
                seen.insert((&c.table, &c.column)),
                "{}.{} twice",
                c.table,
                c.column
            );
            assert!(!c.en.is_empty() && !c.sv.is_empty());
            assert!(
                [
                    "account", "session", "link", "hour", "wish", "reply", "records", "record",
                    "request",
                ]
                .contains(&c.retention.as_str()),
                "{}",
                c.retention
            );
            for r in &c.roles {
                assert!(
                    ["student", "teacher", "parent", "staff"].contains(&r.as_str()),
                    "{r}"
                );
            }
            for a in &c.audiences {
                assert!(["self", "teachers", "public"].contains(&a.as_str()), "{a}");
            }
        }
        for (t, owner) in inv.owned_tables() {
            assert!(inv.declared()[t].contains(owner));
        }
    }

    // promise U13-2: nobody but the platform sees the lookup hash; the export only says it exists.
    #[test]
    fn hashes_are_exported_as_presence_only() {
        let inv = Inventory::shipped();
        let keys = Keys::generate();
        let mut row = Map::new();
        row.insert("email_lookup".into(), Value::String("v1:abc".into()));
        row.insert(
            "email_ciphertext".into(),
            Value::String(keys.encrypt("a@b.org")),
        );
        row.insert("display_name".into(), Value::String("Ada".into()));
        let out = inv.export_rows("accounts", vec![row], &keys);
        assert_eq!(out[0]["email_lookup"], Value::Bool(true));
        assert_eq!(out[0]["email_ciphertext"], Value::String("a@b.org".into()));
        assert_eq!(out[0]["display_name"], Value::String("Ada".into()));
        assert_eq!(out[0]["password_hash"], Value::Bool(false));
    }
}
