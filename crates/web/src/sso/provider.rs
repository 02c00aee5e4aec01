//! Talking to a provider: the authorization URL, the code exchange with the ID token's checks,
//! and the re-check of a kept token. Only `sub`, `email`, `email_verified` and `name` are read.

use crate::sso::config::{Protocol, ProviderConfig, SsoConfig};
use crate::sso::http::{ProviderHttp, body};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, JsonWebKeySet, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, TokenResponse, UserInfoError,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a provider's discovery document and keys are used before they are fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// A signature by an unknown key fetches the keys again (a rotation), at most this often: a
/// flood of tokens naming made-up keys costs the provider one fetch per interval at most.
pub const REFETCH_AT_MOST_EVERY: Duration = Duration::from_secs(2);
/// The longest token kept for re-checks: it travels in a cookie until the account is made. A
/// longer one is not kept, and the first re-check then ends the session.
const TOKEN_CHARS: usize = 2048;
/// The longest text kept from a provider's claim; longer is cut (names) or refused (ids).
const CLAIM_CHARS: usize = 255;

type Oidc = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The four claims Kodlek reads from a provider; everything else it sends is dropped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Claims {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// A kept token and its kind ("refresh" or "access").
pub type KeptToken = (String, &'static str);

/// What a sign-in at the provider gave.
#[derive(Debug)]
pub struct Granted {
    pub claims: Claims,
    pub token: Option<KeptToken>,
}

/// The secrets of one authorization request, kept in the browser's flow cookie.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct FlowSecrets {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// Why a sign-in at a provider did not give an identity.
#[derive(Debug, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider answered an error (a refused or replayed code, a refused person).
    Refused,
    /// What came back fails a check (signature, audience, expiry, nonce, issuer).
    Invalid(&'static str),
    /// The provider could not be reached or answered nonsense.
    Unreachable,
}

/// What a re-check found.
#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// The provider still vouches; a new token replaces the kept one when given.
    Vouched(Option<KeptToken>),
    Refused,
    /// No answer: the check is tried again later.
    Unreachable,
}

struct Discovered {
    metadata: CoreProviderMetadata,
    at: Instant,
}

/// The configured providers and what was discovered of them.
pub struct Sso {
    pub config: SsoConfig,
    http: ProviderHttp,
    discovered: Mutex<HashMap<String, Discovered>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso").field("config", &self.config).finish()
    }
}

fn clip(s: &str) -> String {
    s.trim().chars().take(CLAIM_CHARS).collect()
}

/// The subject, or None when it is empty or longer than any provider's.
fn subject(s: &str) -> Option<String> {
    (!s.is_empty() && s.len() <= CLAIM_CHARS).then(|| s.to_owned())
}

impl Sso {
    pub fn new(config: SsoConfig) -> Sso {
        Sso {
            config,
            http: ProviderHttp::new(),
            discovered: Mutex::new(HashMap::new()),
        }
    }

    /// The provider's metadata with its keys: cached, fetched again when old or when `fresh`
    /// (a signature by a key not in the cached set).
    async fn metadata(
        &self,
        p: &ProviderConfig,
        fresh: bool,
    ) -> Result<CoreProviderMetadata, ProviderError> {
        let Protocol::Oidc {
            issuer,
            tenant_issuer,
        } = &p.protocol
        else {
            return Err(ProviderError::Unreachable);
        };
        if let Some(d) = self.discovered.lock().expect("not poisoned").get(&p.id) {
            let age = d.at.elapsed();
            if age < DISCOVERY_TTL && (!fresh || age < REFETCH_AT_MOST_EVERY) {
                return Ok(d.metadata.clone());
            }
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let answer = self
            .http
            .client()
            .get(&url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|_| ProviderError::Unreachable)?;
        let document = body(answer).await.map_err(|_| ProviderError::Unreachable)?;
        let metadata: CoreProviderMetadata =
            serde_json::from_slice(&document).map_err(|_| ProviderError::Unreachable)?;
        let found = metadata.issuer().as_str().trim_end_matches('/');
        let same = found == issuer.trim_end_matches('/')
            || (*tenant_issuer && found.contains("{tenantid}"));
        if !same {
            tracing::warn!(provider = %p.id, "the discovered issuer is not the configured one");
            return Err(ProviderError::Unreachable);
        }
        let jwks = JsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http)
            .await
            .map_err(|_| ProviderError::Unreachable)?;
        let metadata = metadata.set_jwks(jwks);
        self.discovered.lock().expect("not poisoned").insert(
            p.id.clone(),
            Discovered {
                metadata: metadata.clone(),
                at: Instant::now(),
            },
        );
        Ok(metadata)
    }

    async fn client(
        &self,
        p: &ProviderConfig,
        redirect: &str,
        fresh: bool,
    ) -> Result<Oidc, ProviderError> {
        let metadata = self.metadata(p, fresh).await?;
        let redirect =
            RedirectUrl::new(redirect.to_owned()).map_err(|_| ProviderError::Unreachable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(p.client_id.clone()),
            Some(ClientSecret::new(p.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's authorization URL and the secrets the callback checks.
    pub async fn authorize(
        &self,
        p: &ProviderConfig,
        redirect: &str,
    ) -> Result<(String, FlowSecrets), ProviderError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        match &p.protocol {
            Protocol::Oidc { .. } => {
                let client = self.client(p, redirect, false).await?;
                let mut req = client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        CsrfToken::new_random,
                        Nonce::new_random,
                    )
                    .set_pkce_challenge(challenge);
                for s in &p.scopes {
                    req = req.add_scope(Scope::new(s.clone()));
                }
                for (k, v) in &p.extra_auth_params {
                    req = req.add_extra_param(k.clone(), v.clone());
                }
                let (url, state, nonce) = req.url();
                Ok((
                    url.to_string(),
                    FlowSecrets {
                        state: state.secret().clone(),
                        nonce: nonce.secret().clone(),
                        verifier: verifier.secret().clone(),
                    },
                ))
            }
            Protocol::Facebook { auth_url, .. } => {
                let state = CsrfToken::new_random();
                let mut url = openidconnect::url::Url::parse(auth_url)
                    .map_err(|_| ProviderError::Unreachable)?;
                url.query_pairs_mut()
                    .append_pair("client_id", &p.client_id)
                    .append_pair("redirect_uri", redirect)
                    .append_pair("response_type", "code")
                    .append_pair("scope", &p.scopes.join(","))
                    .append_pair("state", state.secret())
                    .append_pair("code_challenge", challenge.as_str())
                    .append_pair("code_challenge_method", "S256");
                Ok((
                    url.to_string(),
                    FlowSecrets {
                        state: state.secret().clone(),
                        nonce: String::new(),
                        verifier: verifier.secret().clone(),
                    },
                ))
            }
        }
    }

    /// Exchanges the code, checks the ID token (signature against the provider's keys,
    /// issuer, audience, expiry, nonce) and reads the four claims.
    pub async fn exchange(
        &self,
        p: &ProviderConfig,
        redirect: &str,
        code: &str,
        secrets: &FlowSecrets,
    ) -> Result<Granted, ProviderError> {
        if let Protocol::Facebook {
            token_url, me_url, ..
        } = &p.protocol
        {
            return facebook::exchange(
                self.http.client(),
                p,
                token_url,
                me_url,
                redirect,
                code,
                secrets,
            )
            .await;
        }
        let tenant = matches!(
            p.protocol,
            Protocol::Oidc {
                tenant_issuer: true,
                ..
            }
        );
        let client = self.client(p, redirect, false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| ProviderError::Unreachable)?
            .set_pkce_verifier(PkceCodeVerifier::new(secrets.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(_) => ProviderError::Refused,
                _ => ProviderError::Unreachable,
            })?;
        let id_token = response
            .id_token()
            .ok_or(ProviderError::Invalid("no_id_token"))?;
        let nonce = Nonce::new(secrets.nonce.clone());
        let mut client = client;
        let mut refetched = false;
        let claims = loop {
            let checked = {
                let verifier = client.id_token_verifier().require_issuer_match(!tenant);
                id_token.claims(&verifier, &nonce).cloned()
            };
            match checked {
                Ok(c) => break c,
                // A key not in the cached set may be a rotation: fetch the keys once more.
                Err(ClaimsVerificationError::SignatureVerification(_)) if !refetched => {
                    refetched = true;
                    client = self.client(p, redirect, true).await?;
                }
                Err(e) => return Err(ProviderError::Invalid(verification_code(&e))),
            }
        };
        if tenant && !microsoft_issuer(claims.issuer().as_str()) {
            return Err(ProviderError::Invalid("issuer"));
        }
        let verifier = client.id_token_verifier().require_issuer_match(!tenant);
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|_| ProviderError::Invalid("signature"))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|_| ProviderError::Invalid("signature"))?;
            let actual = AccessTokenHash::from_token(response.access_token(), alg, key)
                .map_err(|_| ProviderError::Invalid("access_token_hash"))?;
            if actual != *expected {
                return Err(ProviderError::Invalid("access_token_hash"));
            }
        }
        let mut read = Claims {
            subject: subject(claims.subject().as_str()).ok_or(ProviderError::Invalid("subject"))?,
            email: claims.email().map(|e| clip(e.as_str())),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| clip(n.as_str())),
        };
        // Some providers put the address and name at the userinfo endpoint only.
        if (read.email.is_none() || read.name.is_none())
            && client.user_info_url().is_some()
            && let Ok(info) = self
                .user_info(&client, response.access_token().clone(), &read.subject)
                .await
        {
            {
                if read.email.is_none() {
                    read.email = info.email().map(|e| clip(e.as_str()));
                    read.email_verified = info.email_verified().unwrap_or(false);
                }
                if read.name.is_none() {
                    read.name = info
                        .name()
                        .and_then(|n| n.get(None))
                        .map(|n| clip(n.as_str()));
                }
            }
        }
        let token = match response.refresh_token() {
            Some(r) => Some((r.secret().clone(), "refresh")),
            None => Some((response.access_token().secret().clone(), "access")),
        }
        .filter(|(t, _)| t.len() <= TOKEN_CHARS);
        Ok(Granted {
            claims: read,
            token,
        })
    }

    async fn user_info(
        &self,
        client: &Oidc,
        token: AccessToken,
        subject: &str,
    ) -> Result<CoreUserInfoClaims, ProviderError> {
        client
            .user_info(
                token,
                Some(openidconnect::SubjectIdentifier::new(subject.to_owned())),
            )
            .map_err(|_| ProviderError::Unreachable)?
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                UserInfoError::Response(status, ..)
                    if status.as_u16() == 401 || status.as_u16() == 403 =>
                {
                    ProviderError::Refused
                }
                UserInfoError::ClaimsVerification(_) => ProviderError::Invalid("subject"),
                _ => ProviderError::Unreachable,
            })
    }

    /// Asks the provider whether it still vouches for the person the kept token is for.
    pub async fn recheck(
        &self,
        p: &ProviderConfig,
        redirect: &str,
        subject: &str,
        token: &str,
        kind: &str,
    ) -> Check {
        if let Protocol::Facebook { me_url, .. } = &p.protocol {
            return facebook::recheck(self.http.client(), me_url, subject, token).await;
        }
        let client = match self.client(p, redirect, false).await {
            Ok(c) => c,
            Err(_) => return Check::Unreachable,
        };
        if kind == "refresh" {
            let rt = RefreshToken::new(token.to_owned());
            let Ok(req) = client.exchange_refresh_token(&rt) else {
                return Check::Unreachable;
            };
            match req.request_async(&self.http).await {
                Ok(r) => Check::Vouched(
                    r.refresh_token()
                        .map(|t| (t.secret().clone(), "refresh"))
                        .filter(|(t, _)| t.len() <= TOKEN_CHARS),
                ),
                Err(RequestTokenError::ServerResponse(_)) => Check::Refused,
                Err(_) => Check::Unreachable,
            }
        } else {
            match self
                .user_info(&client, AccessToken::new(token.to_owned()), subject)
                .await
            {
                Ok(_) => Check::Vouched(None),
                Err(ProviderError::Refused) | Err(ProviderError::Invalid(_)) => Check::Refused,
                Err(ProviderError::Unreachable) => Check::Unreachable,
            }
        }
    }
}

/// A short reason for the logs and the error page, never the token itself.
fn verification_code(e: &ClaimsVerificationError) -> &'static str {
    match e {
        ClaimsVerificationError::Expired(_) => "expired",
        ClaimsVerificationError::InvalidAudience(_) => "audience",
        ClaimsVerificationError::InvalidIssuer(_) => "issuer",
        ClaimsVerificationError::InvalidNonce(_) => "nonce",
        ClaimsVerificationError::SignatureVerification(_) => "signature",
        _ => "id_token",
    }
}

/// Microsoft's per-tenant issuer: `https://login.microsoftonline.com/<tenant id>/v2.0`.
fn microsoft_issuer(iss: &str) -> bool {
    iss.strip_prefix("https://login.microsoftonline.com/")
        .and_then(|rest| rest.strip_suffix("/v2.0"))
        .is_some_and(|tid| {
            tid.len() == 36 && tid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        })
}

/// Facebook's OAuth flow: a token endpoint and the Graph API's `/me`, with no ID token.
pub(crate) mod facebook {
    use super::*;

    #[derive(Deserialize)]
    struct TokenAnswer {
        access_token: String,
    }

    /// Only these three fields are asked for, and only they are read.
    #[derive(Deserialize)]
    struct Me {
        id: String,
        name: Option<String>,
        email: Option<String>,
    }

    pub(crate) async fn exchange(
        http: &reqwest::Client,
        p: &ProviderConfig,
        token_url: &str,
        me_url: &str,
        redirect: &str,
        code: &str,
        secrets: &FlowSecrets,
    ) -> Result<Granted, ProviderError> {
        let answer = http
            .post(token_url)
            .form(&[
                ("client_id", p.client_id.as_str()),
                ("client_secret", p.client_secret.as_str()),
                ("redirect_uri", redirect),
                ("code", code),
                ("code_verifier", secrets.verifier.as_str()),
            ])
            .send()
            .await
            .map_err(|_| ProviderError::Unreachable)?;
        let status = answer.status();
        if status.is_client_error() {
            return Err(ProviderError::Refused);
        }
        let token: TokenAnswer = json(answer).await?;
        let me = me(http, me_url, &token.access_token, "id,name,email").await?;
        Ok(Granted {
            claims: Claims {
                subject: subject(&me.id).ok_or(ProviderError::Invalid("subject"))?,
                email: me.email.as_deref().map(clip),
                // Facebook says nothing of whether it checked the address: it is not taken
                // as verified.
                email_verified: false,
                name: me.name.as_deref().map(clip),
            },
            token: Some((token.access_token, "access")).filter(|(t, _)| t.len() <= TOKEN_CHARS),
        })
    }

    async fn me(
        http: &reqwest::Client,
        me_url: &str,
        token: &str,
        fields: &str,
    ) -> Result<Me, ProviderError> {
        let answer = http
            .get(me_url)
            .query(&[("fields", fields)])
            .bearer_auth(token)
            .send()
            .await
            .map_err(|_| ProviderError::Unreachable)?;
        if answer.status().is_client_error() {
            return Err(ProviderError::Refused);
        }
        json(answer).await
    }

    async fn json<T: for<'de> Deserialize<'de>>(
        answer: reqwest::Response,
    ) -> Result<T, ProviderError> {
        let answer = answer
            .error_for_status()
            .map_err(|_| ProviderError::Unreachable)?;
        let bytes = super::body(answer)
            .await
            .map_err(|_| ProviderError::Unreachable)?;
        serde_json::from_slice(&bytes).map_err(|_| ProviderError::Unreachable)
    }

    pub(crate) async fn recheck(
        http: &reqwest::Client,
        me_url: &str,
        subject: &str,
        token: &str,
    ) -> Check {
        match me(http, me_url, token, "id").await {
            Ok(me) if me.id == subject => Check::Vouched(None),
            Ok(_) | Err(ProviderError::Refused) | Err(ProviderError::Invalid(_)) => Check::Refused,
            Err(ProviderError::Unreachable) => Check::Unreachable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_issuers_name_a_tenant() {
        assert!(microsoft_issuer(
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
        ));
        assert!(!microsoft_issuer(
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        ));
        assert!(!microsoft_issuer(
            "https://evil.example.org/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
        ));
    }

    #[test]
    fn claims_are_bounded() {
        assert_eq!(clip(&"x".repeat(1000)).len(), CLAIM_CHARS);
        assert_eq!(subject(""), None);
        assert_eq!(subject(&"1".repeat(256)), None);
        assert_eq!(subject("248289761001").as_deref(), Some("248289761001"));
    }
}
