//! `kodlek staff add|list|remove` and `kodlek audit verify`: the operator's own commands.

// Staff accounts are made here only, never through the web: whoever can run this command
// already holds the server's data and keys. The password and the TOTP URI are printed once
// and kept nowhere in the clear.

use anyhow::{Context, bail};
use clap::Subcommand;
use kodlek_domain::{DisplayName, EmailAddress, Role, StaffRoles, now_millis, rfc3339};
use kodlek_privacy::keys::new_token;
use kodlek_privacy::{Keys, PasswordHasher, totp};
use kodlek_store::{AccountRecord, ChainCheck, StaffRecord, Store, new_id, verify_audit_chain};

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Make a staff account; prints its password and the otpauth:// URI of its sign-in codes.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        display_name: String,
        /// Comma-separated: support, moderator, research, legal, admin.
        #[arg(long)]
        roles: String,
    },
    /// List the staff accounts: email, display name, roles, created.
    List,
    /// Remove a staff account (the audit log keeps its id).
    Remove {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every link of the audit log's hash chain; exits 1 at the first entry that fails.
    Verify,
}

pub async fn staff(store: &dyn Store, keys: &Keys, command: StaffCommand) -> anyhow::Result<()> {
    match command {
        StaffCommand::Add {
            email,
            display_name,
            roles,
        } => add(store, keys, &email, &display_name, &roles).await,
        StaffCommand::List => list(store, keys).await,
        StaffCommand::Remove { email } => remove(store, keys, &email).await,
    }
}

async fn add(
    store: &dyn Store,
    keys: &Keys,
    email: &str,
    display_name: &str,
    roles: &str,
) -> anyhow::Result<()> {
    let email = EmailAddress::new(email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    let name = DisplayName::new(display_name).map_err(|e| anyhow::anyhow!("--display-name {e}"))?;
    let roles = StaffRoles::parse(roles).map_err(|e| anyhow::anyhow!("--roles {e}"))?;
    if store
        .account_by_email_lookup(&keys.email_lookup_candidates(&email))
        .await?
        .is_some()
    {
        bail!("an account with this email address exists already");
    }
    let password = new_token();
    let hasher = PasswordHasher::start(1);
    let password_hash = hasher.hash(&password).await?;
    let secret = totp::new_secret();
    let uri = totp::otpauth_uri(&secret, email.as_str()).context("making the otpauth URI")?;
    let now = now_millis();
    let id = new_id();
    let account = AccountRecord {
        id: id.clone(),
        role: Role::Staff,
        display_name: name.as_str().to_owned(),
        username: None,
        age_years: None,
        age_stated_at: None,
        gender: None,
        email_lookup: Some(keys.email_lookup(&email)),
        email_ciphertext: Some(keys.encrypt(email.as_str())),
        // The operator vouches for the address: no verification mail goes to staff.
        email_verified: true,
        password_hash: Some(password_hash),
        school_name: None,
        school_address_ciphertext: None,
        managed_by_teacher: false,
        created_at: now,
        updated_at: now,
    };
    let member = StaffRecord {
        account_id: id,
        roles: roles.joined(),
        totp_secret_ciphertext: keys.encrypt(&secret),
        totp_last_step: None,
        created_at: now,
    };
    store.insert_staff(&account, &member).await?;
    println!(
        "Staff account made for {} ({}).",
        name.as_str(),
        roles.joined()
    );
    println!("Give these to them in person; they are not shown again:");
    println!("password: {password}");
    println!("totp: {uri}");
    println!(
        "They sign in at /staff/sign-in with the password and a code from an authenticator app."
    );
    Ok(())
}

async fn list(store: &dyn Store, keys: &Keys) -> anyhow::Result<()> {
    let members = store.staff_members().await?;
    if members.is_empty() {
        println!("No staff accounts.");
    }
    for (a, m) in members {
        let email = a
            .email_ciphertext
            .as_deref()
            .and_then(|c| keys.decrypt(c))
            .unwrap_or_else(|| "(address not readable with these keys)".into());
        println!(
            "{email}\t{}\t{}\t{}",
            a.display_name,
            m.roles,
            rfc3339(m.created_at)
        );
    }
    Ok(())
}

async fn remove(store: &dyn Store, keys: &Keys, email: &str) -> anyhow::Result<()> {
    let email = EmailAddress::new(email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    let found = store
        .account_by_email_lookup(&keys.email_lookup_candidates(&email))
        .await?;
    let Some(a) = found.filter(|a| a.role == Role::Staff) else {
        bail!("no staff account has this email address");
    };
    // Sessions and the staff row go with the account; audit entries keep its id.
    store.erase_account(&a.id).await?;
    println!("Staff account removed.");
    Ok(())
}

/// Prints the result; the process exits 1 when the chain is broken.
pub async fn audit(store: &dyn Store, command: AuditCommand) -> anyhow::Result<bool> {
    match command {
        AuditCommand::Verify => match verify_audit_chain(store).await? {
            ChainCheck::Intact(n) => {
                println!("audit chain intact: {n} entries");
                Ok(true)
            }
            ChainCheck::BrokenAt(seq) => {
                println!("audit chain broken at seq {seq}: its hash does not hold");
                Ok(false)
            }
        },
    }
}
