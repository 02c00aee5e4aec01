//! Which providers the operator named, from the environment, with the presets' endpoints.

use std::net::IpAddr;
use std::time::Duration;

/// How a provider signs people in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// OpenID Connect, discovered from `<issuer>/.well-known/openid-configuration`.
    Oidc {
        issuer: String,
        /// The discovered issuer names the tenant (`{tenantid}`), as Microsoft's common
        /// endpoint does; the ID token's `iss` must then be that pattern with its `tid`.
        tenant_issuer: bool,
    },
    /// Facebook's OAuth flow: no ID token; the person is read from `<me_url>?fields=id,name,email`.
    Facebook {
        auth_url: String,
        token_url: String,
        me_url: String,
    },
}

/// One provider as the operator configured it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// The name in `KODLEK_SSO_PROVIDERS`, lower case: the `{id}` in the paths.
    pub id: String,
    /// What the sign-in button says ("Sign in with {label}").
    pub label: String,
    pub client_id: String,
    pub client_secret: String,
    pub protocol: Protocol,
    /// What is asked of the provider besides `openid`.
    pub scopes: Vec<String>,
    /// Extra parameters of the authorization request (Google's `access_type=offline`).
    pub extra_auth_params: Vec<(String, String)>,
}

/// The configured providers and how often their sessions are checked again.
#[derive(Debug, Clone)]
pub struct SsoConfig {
    pub providers: Vec<ProviderConfig>,
    pub recheck: Duration,
}

impl Default for SsoConfig {
    fn default() -> Self {
        SsoConfig {
            providers: Vec::new(),
            recheck: Duration::from_secs(DEFAULT_RECHECK_SECS),
        }
    }
}

/// `KODLEK_SSO_RECHECK_SECS` when unset.
pub const DEFAULT_RECHECK_SECS: u64 = 900;

/// The presets' names.
pub const PRESETS: [&str; 4] = ["google", "microsoft", "facebook", "clever"];

/// The Graph API version Facebook's endpoints are pinned to.
const FACEBOOK_GRAPH: &str = "v19.0";

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// A preset: its label, protocol, scopes and extra authorization parameters.
pub type Preset = (String, Protocol, Vec<String>, Vec<(String, String)>);

/// A preset's label and protocol, or None for a name that is not one.
pub fn preset(id: &str) -> Option<Preset> {
    let oidc = |issuer: &str| Protocol::Oidc {
        issuer: issuer.to_owned(),
        tenant_issuer: false,
    };
    Some(match id {
        // Google gives a refresh token only when asked for offline access.
        "google" => (
            "Google".to_owned(),
            oidc("https://accounts.google.com"),
            words(&["email", "profile"]),
            vec![("access_type".into(), "offline".into())],
        ),
        // Any work or school account; `offline_access` brings the refresh token.
        "microsoft" => (
            "Microsoft".to_owned(),
            Protocol::Oidc {
                issuer: "https://login.microsoftonline.com/organizations/v2.0".to_owned(),
                tenant_issuer: true,
            },
            words(&["email", "profile", "offline_access"]),
            vec![],
        ),
        // Clever gives no refresh token: its access token is checked at the userinfo endpoint.
        "clever" => (
            "Clever".to_owned(),
            oidc("https://clever.com"),
            words(&["email", "profile"]),
            vec![],
        ),
        "facebook" => (
            "Facebook".to_owned(),
            Protocol::Facebook {
                auth_url: format!("https://www.facebook.com/{FACEBOOK_GRAPH}/dialog/oauth"),
                token_url: format!(
                    "https://graph.facebook.com/{FACEBOOK_GRAPH}/oauth/access_token"
                ),
                me_url: format!("https://graph.facebook.com/{FACEBOOK_GRAPH}/me"),
            },
            words(&["email", "public_profile"]),
            vec![],
        ),
        _ => return None,
    })
}

/// Why a configuration cannot be used; the server does not start with one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(String),
    #[error("provider name {0:?}: use 1 to 32 lower-case letters, digits or dashes")]
    BadName(String),
    #[error("provider {0} is named twice")]
    Twice(String),
    #[error("{0}: an issuer must be an https URL (http only on a loopback address): {1}")]
    BadIssuer(String, String),
    #[error("{0}: the label must be 1 to 40 characters")]
    BadLabel(String),
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether an issuer URL may be used: https, or http on a loopback address.
pub fn issuer_allowed(url: &str) -> bool {
    let Ok(u) = openidconnect::url::Url::parse(url) else {
        return false;
    };
    if u.query().is_some() || u.fragment().is_some() || u.host_str().is_none() {
        return false;
    }
    match u.scheme() {
        "https" => true,
        "http" => match u.host() {
            Some(openidconnect::url::Host::Domain(d)) => d == "localhost",
            Some(openidconnect::url::Host::Ipv4(a)) => IpAddr::V4(a).is_loopback(),
            Some(openidconnect::url::Host::Ipv6(a)) => IpAddr::V6(a).is_loopback(),
            None => false,
        },
        _ => false,
    }
}

impl SsoConfig {
    /// Reads `KODLEK_SSO_<NAME>_*` for each name in `names` through `var`.
    pub fn from_vars(
        names: &[String],
        recheck_secs: u64,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<SsoConfig, ConfigError> {
        let mut providers: Vec<ProviderConfig> = Vec::new();
        for raw in names {
            let id = raw.trim().to_ascii_lowercase();
            if id.is_empty() {
                continue;
            }
            if !valid_name(&id) {
                return Err(ConfigError::BadName(raw.clone()));
            }
            if providers.iter().any(|p| p.id == id) {
                return Err(ConfigError::Twice(id));
            }
            let key = format!("KODLEK_SSO_{}", id.to_ascii_uppercase().replace('-', "_"));
            let need = |suffix: &str| {
                let k = format!("{key}_{suffix}");
                var(&k)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .ok_or(ConfigError::Missing(k))
            };
            let client_id = need("CLIENT_ID")?;
            let client_secret = need("CLIENT_SECRET")?;
            let given_issuer = need("ISSUER").ok();
            let given_label = need("LABEL").ok();
            let (label, protocol, scopes, extra) = match preset(&id) {
                Some((label, mut protocol, scopes, extra)) => {
                    // A preset's issuer may be narrowed, to one Microsoft tenant say.
                    if let (Some(i), Protocol::Oidc { issuer, .. }) = (&given_issuer, &mut protocol)
                    {
                        *issuer = i.clone();
                    }
                    (given_label.unwrap_or(label), protocol, scopes, extra)
                }
                None => {
                    let issuer =
                        given_issuer.ok_or(ConfigError::Missing(format!("{key}_ISSUER")))?;
                    let label = given_label.ok_or(ConfigError::Missing(format!("{key}_LABEL")))?;
                    let protocol = Protocol::Oidc {
                        issuer,
                        tenant_issuer: false,
                    };
                    (label, protocol, words(&["email", "profile"]), vec![])
                }
            };
            if let Protocol::Oidc { issuer, .. } = &protocol
                && !issuer_allowed(issuer)
            {
                return Err(ConfigError::BadIssuer(id, issuer.clone()));
            }
            if label.is_empty() || label.chars().count() > 40 {
                return Err(ConfigError::BadLabel(id));
            }
            providers.push(ProviderConfig {
                id,
                label,
                client_id,
                client_secret,
                protocol,
                scopes,
                extra_auth_params: extra,
            });
        }
        Ok(SsoConfig {
            providers,
            recheck: Duration::from_secs(recheck_secs.max(1)),
        })
    }

    /// The providers named in the process's environment.
    pub fn from_env(names: &[String], recheck_secs: u64) -> Result<SsoConfig, ConfigError> {
        Self::from_vars(names, recheck_secs, |k| std::env::var(k).ok())
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(names: &str, vars: &[(&str, &str)]) -> Result<SsoConfig, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let names: Vec<String> = names.split(',').map(str::to_owned).collect();
        SsoConfig::from_vars(&names, 900, |k| map.get(k).cloned())
    }

    fn creds(name: &str) -> Vec<(String, String)> {
        vec![
            (format!("KODLEK_SSO_{name}_CLIENT_ID"), "id".into()),
            (format!("KODLEK_SSO_{name}_CLIENT_SECRET"), "secret".into()),
        ]
    }

    fn one(name: &str) -> ProviderConfig {
        let vars = creds(&name.to_ascii_uppercase());
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        config(name, &vars).unwrap().providers.remove(0)
    }

    #[test]
    fn google_preset_asks_for_offline_access() {
        let g = one("google");
        assert_eq!(g.label, "Google");
        assert_eq!(
            g.protocol,
            Protocol::Oidc {
                issuer: "https://accounts.google.com".into(),
                tenant_issuer: false
            }
        );
        assert_eq!(g.scopes, ["email", "profile"]);
        assert_eq!(
            g.extra_auth_params,
            [("access_type".into(), "offline".into())]
        );
    }

    #[test]
    fn microsoft_preset_accepts_any_tenant_and_asks_for_a_refresh_token() {
        let m = one("microsoft");
        assert_eq!(m.label, "Microsoft");
        assert!(matches!(
            m.protocol,
            Protocol::Oidc { ref issuer, tenant_issuer: true }
                if issuer == "https://login.microsoftonline.com/organizations/v2.0"
        ));
        assert!(m.scopes.contains(&"offline_access".to_owned()));
    }

    #[test]
    fn clever_preset_is_openid_connect_at_clever() {
        let c = one("clever");
        assert_eq!(c.label, "Clever");
        assert!(matches!(
            c.protocol,
            Protocol::Oidc { ref issuer, tenant_issuer: false } if issuer == "https://clever.com"
        ));
    }

    #[test]
    fn facebook_preset_uses_its_oauth_endpoints() {
        let f = one("facebook");
        assert_eq!(f.label, "Facebook");
        let Protocol::Facebook {
            auth_url,
            token_url,
            me_url,
        } = f.protocol
        else {
            panic!("facebook is not OpenID Connect");
        };
        assert!(auth_url.starts_with("https://www.facebook.com/"));
        assert!(token_url.starts_with("https://graph.facebook.com/"));
        assert!(me_url.ends_with("/me"));
        assert_eq!(f.scopes, ["email", "public_profile"]);
    }

    fn run(vars: &[(String, String)]) -> Result<SsoConfig, ConfigError> {
        let r: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        config("district", &r)
    }

    #[test]
    fn another_provider_needs_an_issuer_and_a_label() {
        let mut vars = creds("DISTRICT");
        assert_eq!(
            run(&vars).unwrap_err(),
            ConfigError::Missing("KODLEK_SSO_DISTRICT_ISSUER".into())
        );
        vars.push((
            "KODLEK_SSO_DISTRICT_ISSUER".into(),
            "http://idp.example.org".into(),
        ));
        vars.push(("KODLEK_SSO_DISTRICT_LABEL".into(), "District".into()));
        assert!(matches!(run(&vars), Err(ConfigError::BadIssuer(..))));
        vars[2].1 = "http://127.0.0.1:4010".into();
        let p = run(&vars).unwrap().providers.remove(0);
        assert_eq!((p.id.as_str(), p.label.as_str()), ("district", "District"));
        vars[2].1 = "https://idp.example.org/realms/school".into();
        assert!(run(&vars).is_ok());
    }

    #[test]
    fn names_are_checked_and_credentials_required() {
        assert!(matches!(
            config("Bad Name", &[]),
            Err(ConfigError::BadName(_))
        ));
        assert_eq!(
            config("google", &[]).unwrap_err(),
            ConfigError::Missing("KODLEK_SSO_GOOGLE_CLIENT_ID".into())
        );
        let vars = creds("GOOGLE");
        let r: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert!(matches!(
            config("google,google", &r),
            Err(ConfigError::Twice(_))
        ));
        assert!(config("", &[]).unwrap().providers.is_empty());
    }

    #[test]
    fn issuers_are_https_except_on_loopback() {
        assert!(issuer_allowed("https://accounts.google.com"));
        assert!(issuer_allowed("http://127.0.0.1:4010"));
        assert!(issuer_allowed("http://[::1]:4010/x"));
        assert!(issuer_allowed("http://localhost:4010"));
        assert!(!issuer_allowed("http://10.0.0.1"));
        assert!(!issuer_allowed("http://idp.example.org"));
        assert!(!issuer_allowed("ftp://idp.example.org"));
        assert!(!issuer_allowed("https://idp.example.org/?q=1"));
        assert!(!issuer_allowed("not a url"));
    }
}
