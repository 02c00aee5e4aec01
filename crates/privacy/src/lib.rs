//! Personal data by construction: the keys, the keyed hashes and encryption of personal fields,
//! the password hasher, the data inventory that export, erasure and the notice come from, and
//! the rules for figures about many learners.

pub mod aggregate;
pub mod inventory;
pub mod keys;
pub mod passwords;
pub mod totp;

pub use inventory::Inventory;
pub use keys::{KeyError, Keys};
pub use passwords::{Overloaded, PasswordHasher};
