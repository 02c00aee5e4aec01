//! Request extractors: strict JSON bodies, the client's address, the language, the signed-in user.

use crate::AppState;
// The session is the sessions module's; the extractors that find it are here.
use crate::kit::error::ApiError;
pub use crate::kit::sessions::{SESSION_COOKIE, SignedIn};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::{DeserializeOwned, IgnoredAny};
use std::net::{IpAddr, SocketAddr};

pub const BODY_LIMIT: usize = 1 << 20;
pub const LANG_COOKIE: &str = "kodlek_lang";
pub const CSRF_COOKIE: &str = "kodlek_csrf";

/// Reads a whole body up to the 1 MiB limit; beyond it, 413 `too_large`.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::too_large())
}

/// A JSON body with every rule of the API: malformed → 400, unknown field → 422
/// `unknown_field`, a wrong type or value → 422 `invalid_field` naming the field.
pub struct StrictJson<T>(pub T);

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed = |e: &dyn std::fmt::Display| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("The body is not valid JSON: {e}"),
        )
    };
    let text = std::str::from_utf8(bytes).map_err(|e| malformed(&e))?;
    // U+0000 is refused in every text before anything reads it: PostgreSQL cannot store it.
    if let Some(field) = nul_field(text) {
        return Err(nul_refused(&field));
    }
    // Straight from the text into the typed body: no `Value` tree in between. Read to the end
    // without an error, the text is JSON. A `Value` inside a body still has serde_json's nesting
    // limit of 128; a program is read as `ProgramJson`, skipped over without recursion and
    // without that limit, and read by the puzzles crate's own reader.
    match serde_json::from_str::<T>(text) {
        Ok(v) => return Ok(v),
        Err(e) if e.is_syntax() || e.is_eof() => return Err(malformed(&e)),
        Err(_) => {}
    }
    // Malformed input is told apart from well-formed input of the wrong shape, wherever the
    // fault is. `IgnoredAny` walks the text without building anything and without recursion.
    serde_json::from_str::<IgnoredAny>(text).map_err(|e| malformed(&e))?;
    // Only a refused body pays for the path of the field at fault.
    let mut de = serde_json::Deserializer::from_str(text);
    let e = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    // The position in the text says nothing the field's name does not.
    let inner = match inner.rfind(" at line ") {
        Some(i) => inner[..i].to_owned(),
        None => inner,
    };
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let at = if path == "." { name.to_owned() } else { path };
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            format!("{at}: this field is not accepted here"),
        ));
    }
    if let Some(rest) = inner.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return Err(ApiError::invalid(name, "is required"));
    }
    let field = if path == "." { "body".to_owned() } else { path };
    Err(ApiError::invalid(&field, inner))
}

/// 422 `invalid_field` for a text holding U+0000.
pub fn nul_refused(field: &str) -> ApiError {
    ApiError::invalid(field, "must not contain the character U+0000")
}

/// The field whose string holds the escape `\u0000`, named by the nearest object key before
/// it ("body" when there is none). The text is scanned as JSON strings are written: an
/// escaped backslash followed by `u0000` is ordinary text, not U+0000. A raw NUL byte is not
/// valid JSON and is refused as malformed by the parser.
pub fn nul_field(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut key: Option<(usize, usize)> = None;
    let mut last_string: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut nul = false;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        nul |= b.get(j + 1..j + 6) == Some(b"u0000");
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                let end = j.min(b.len());
                if nul {
                    let name = key.map(|(a, z)| &text[a..z]).unwrap_or("body");
                    return Some(name.to_owned());
                }
                last_string = Some((start, end));
                i = j + 1;
            }
            b':' => {
                key = last_string;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Refuses a request whose path or query holds `%00`: a decoded path segment or query value
/// would carry U+0000 into the handlers, and on to the database.
pub async fn refuse_nul(req: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = req.uri();
    let nul = |s: &str| s.as_bytes().windows(3).any(|w| w == b"%00");
    if nul(uri.path()) {
        return nul_refused("path").into_response();
    }
    if let Some(q) = uri.query()
        && nul(q)
    {
        let field = q
            .split('&')
            .find(|kv| nul(kv))
            .and_then(|kv| kv.split('=').next())
            .filter(|k| !nul(k))
            .unwrap_or("query");
        return nul_refused(field).into_response();
    }
    next.run(req).await
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let bytes = read_body(req.into_body()).await?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        // Every body is an object. serde's derive would also read a struct from an array of
        // its fields in order (`[true]` for `{"granted": true}`), which the document refuses.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            parse_json::<IgnoredAny>(bytes)?;
            return Err(ApiError::invalid("body", "must be a JSON object"));
        }
        parse_json(bytes).map(StrictJson)
    }
}

/// The client's address: the peer, or the forwarded address when the peer is a trusted proxy.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(client_ip(
            peer,
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok()),
            &state.config.trusted_proxies,
        )))
    }
}

/// Walks X-Forwarded-For from the right, past trusted proxies, to the first address not ours.
pub fn client_ip(peer: IpAddr, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(list) = forwarded else { return peer };
    let mut last = peer;
    for hop in list.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => last = ip,
            Ok(ip) => return ip,
            Err(_) => return last,
        }
    }
    last
}

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The caller's language: `?lang=`, else the language cookie, else Accept-Language; en or sv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Sv,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "sv" => Some(Lang::Sv),
            _ => None,
        }
    }
    pub fn from_accept(header: &str) -> Lang {
        let mut best = (Lang::En, -1.0f32);
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Lang::parse(primary)
                && q > best.1
            {
                best = (l, q);
            }
        }
        best.0
    }
    pub fn from_parts(parts: &Parts) -> (Lang, bool) {
        if let Some(q) = parts.uri.query() {
            for (k, v) in form_urlencoded::parse(q.as_bytes()) {
                if k == "lang"
                    && let Some(l) = Lang::parse(&v)
                {
                    return (l, true);
                }
            }
        }
        if let Some(l) = cookie(parts, LANG_COOKIE).and_then(Lang::parse) {
            return (l, false);
        }
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        (Lang::from_accept(accept), false)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_parts(parts).0)
    }
}

/// The signed-in user, if any.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(s) = parts.extensions.get::<SignedIn>() {
            return Ok(MaybeSignedIn(Some(s.clone())));
        }
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Ok(MaybeSignedIn(None));
        };
        let found = crate::kit::sessions::resolve(state, token).await?;
        if let Some(s) = &found {
            parts.extensions.insert(s.clone());
        }
        Ok(MaybeSignedIn(found))
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        MaybeSignedIn::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(ApiError::not_signed_in)
    }
}

/// A whole number, which JSON may write `7` or `7.0`: both are integers to JSON Schema and so
/// to the OpenAPI document, so both are taken. `7.5` is refused. For an optional field:
/// `#[serde(default, deserialize_with = "whole")]`.
pub fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::Deserialize;
    use serde::de::Error;
    // Beyond 2^53 a float no longer holds every whole number exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() <= EXACT)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| D::Error::custom("must be a whole number")),
    }
}

/// [`whole`] for a patch's field, where absent (keep) and `null` (clear) differ:
/// `#[serde(default, deserialize_with = "whole_or_null")]`.
pub fn whole_or_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<i64>>, D::Error> {
    whole(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(
            client_ip(peer, Some("203.0.113.9"), &[proxy]),
            peer,
            "untrusted peer"
        );
        assert_eq!(
            client_ip(proxy, Some("1.2.3.4, 203.0.113.9"), &[proxy]),
            client,
            "rightmost untrusted"
        );
        assert_eq!(
            client_ip(proxy, Some("203.0.113.9, 10.0.0.1"), &[proxy]),
            client
        );
        assert_eq!(client_ip(proxy, None, &[proxy]), proxy);
    }

    #[test]
    fn u0000_is_found_in_strings_only_and_named_by_its_key() {
        assert_eq!(
            nul_field(r#"{"answer": "a\u0000b"}"#).as_deref(),
            Some("answer")
        );
        assert_eq!(
            nul_field(r#"{"a": {"b": "x"}, "names": ["ok", "\u0000"]}"#).as_deref(),
            Some("names")
        );
        assert_eq!(nul_field(r#"["\u0000"]"#).as_deref(), Some("body"));
        // An escaped backslash, then the letters u0000: ordinary text.
        assert_eq!(nul_field(r#"{"answer": "a\\u0000b"}"#), None);
        assert_eq!(
            nul_field(r#"{"answer": "\\\u0000"}"#).as_deref(),
            Some("answer")
        );
        assert_eq!(
            nul_field(r#"{"answer": "\u00001"}"#).as_deref(),
            Some("answer")
        );
        assert_eq!(nul_field(r#"{"answer": "\u0001", "x": "\""}"#), None);
        assert_eq!(nul_field(r#"{"answer": "unterminated\"#), None);
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Lang::from_accept("sv-SE,sv;q=0.9,en;q=0.8"), Lang::Sv);
        assert_eq!(Lang::from_accept("de, en;q=0.5, sv;q=0.4"), Lang::En);
        assert_eq!(Lang::from_accept(""), Lang::En);
    }
}
