//! The front end's files (`frontend/dist`, built by `build.rs`), embedded in the binary and
//! served under `/static/dist/` and `/static/blockly-media/`, and the pages' own icons and
//! small scripts (`static/icons/`, `static/js/`), served under the same names. A bundle is sent
//! as its brotli or gzip copy, made at build time, to a browser that accepts one.

use crate::AppState;
use crate::kit::error::ApiError;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

mod generated {
    // `DIST` (dist/*: level.js, common.js, grid.js, creations.js, blockly.css), `DIST_BR` and
    // `DIST_GZ` (their brotli and gzip copies, under the same names) and `MEDIA`
    // (dist/blockly-media/*).
    include!(concat!(env!("OUT_DIR"), "/frontend_assets.rs"));
}
use generated::{DIST, DIST_BR, DIST_GZ, MEDIA};

/// The pages' icons: SVG, so that they show without an emoji font.
const ICONS: &[(&str, &[u8])] = &[
    ("check.svg", include_bytes!("../../static/icons/check.svg")),
    ("lock.svg", include_bytes!("../../static/icons/lock.svg")),
    ("star.svg", include_bytes!("../../static/icons/star.svg")),
];

/// Small scripts the pages load (the CSP allows no inline script).
const SCRIPTS: &[(&str, &[u8])] = &[
    ("print.js", include_bytes!("../../static/js/print.js")),
    (
        "grid-names.js",
        include_bytes!("../../static/js/grid-names.js"),
    ),
    ("media.js", include_bytes!("../../static/js/media.js")),
];

/// `/static/dist/{file}`, `/static/blockly-media/{file}`, `/static/icons/{file}` and
/// `/static/js/{file}`; anything else there is a 404.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/dist/{file}", get(dist))
        .route("/static/blockly-media/{*path}", get(media))
        .route("/static/icons/{file}", get(icon))
        .route("/static/js/{file}", get(script))
}

async fn icon(Path(name): Path<String>) -> Response {
    serve(ICONS, &name)
}

async fn script(Path(name): Path<String>) -> Response {
    serve(SCRIPTS, &name)
}

async fn dist(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let accepted = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let mut response = serve(DIST, &name);
    if response.status().is_success() {
        let copy = [("br", DIST_BR), ("gzip", DIST_GZ)]
            .into_iter()
            .filter(|(coding, _)| accepts(&accepted, coding))
            .find_map(|(coding, table)| Some((coding, find(table, &name)?)));
        if let Some((coding, bytes)) = copy {
            *response.body_mut() = axum::body::Body::from(bytes);
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        // Caches keep one copy per encoding.
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether an Accept-Encoding value takes `coding` (named, or `*`, without `q=0`).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

fn find(files: &'static [(&'static str, &'static [u8])], name: &str) -> Option<&'static [u8]> {
    files.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

async fn media(Path(path): Path<String>) -> Response {
    serve(MEDIA, &path)
}

/// The embedded file called `name`, or a 404.
fn serve(files: &'static [(&'static str, &'static [u8])], name: &str) -> Response {
    let found = files.iter().find(|(n, _)| *n == name);
    match found.and_then(|(n, bytes)| Some((content_type(n)?, *bytes))) {
        Some((kind, bytes)) => (
            [
                (header::CONTENT_TYPE, kind),
                // The names carry no version: an hour is how long an old copy may linger after
                // an upgrade.
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::not_found().into_response(),
    }
}

/// The type of a file by its extension; files of other kinds are not served.
fn content_type(name: &str) -> Option<&'static str> {
    Some(match name.rsplit_once('.')?.1 {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "png" => "image/png",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "cur" => "image/x-icon",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn file(table: &[(&str, &'static [u8])], name: &str) -> &'static [u8] {
        table
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not embedded"))
            .1
    }

    /// Every `http(s)://host` in `text`.
    fn hosts(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for scheme in ["http://", "https://"] {
            for (at, _) in text.match_indices(scheme) {
                let rest = &text[at + scheme.len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                    .unwrap_or(rest.len());
                found.push(rest[..end].to_owned());
            }
        }
        found
    }

    #[test]
    fn the_bundles_are_embedded() {
        for name in ["level.js", "common.js", "grid.js", "blockly.css"] {
            assert!(!file(DIST, name).is_empty(), "{name} is empty");
        }
        for name in [
            "sprites.svg",
            "click.mp3",
            "handopen.cur",
            "dropdown-arrow.svg",
        ] {
            assert!(!file(MEDIA, name).is_empty(), "{name} is empty");
        }
        for (name, _) in DIST.iter().chain(MEDIA) {
            assert!(content_type(name).is_some(), "{name} would not be served");
        }
    }

    /// No page may make a request to another site: the bundles name no other host, except XML
    /// namespaces (identifiers, never fetched) and the links in licence and code comments.
    #[test]
    fn the_bundles_name_no_other_site() {
        const HARMLESS: [&str; 4] = [
            "www.w3.org",            // SVG, XLink and XHTML namespaces
            "developers.google.com", // Blockly's XML namespace
            "bugzilla.mozilla.org",  // a comment inside Blockly's CSS text
            "github.com",            // the licence banner: where Blockly's source is
        ];
        for name in ["level.js", "common.js", "grid.js", "blockly.css"] {
            let text = String::from_utf8_lossy(file(DIST, name));
            for banned in [
                "unpkg",
                "jsdelivr",
                "googleapis",
                "blockly-demo",
                "wikipedia",
            ] {
                assert!(!text.contains(banned), "{name} names {banned}");
            }
            for host in hosts(&text) {
                assert!(
                    HARMLESS.contains(&host.as_str()),
                    "{name} names another site: {host}"
                );
            }
        }
        // Blockly is told where its media is, and its CSS points there.
        let level = String::from_utf8_lossy(file(DIST, "level.js"));
        assert!(level.contains("/static/blockly-media/"));
        let css = String::from_utf8_lossy(file(DIST, "blockly.css"));
        assert!(css.contains("/static/blockly-media/sprites.svg"));
    }

    #[test]
    fn files_are_served_with_their_type_and_unknown_ones_are_not() {
        let r = serve(DIST, "level.js");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=3600");
        assert_eq!(
            serve(DIST, "blockly.css").headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        assert_eq!(
            serve(MEDIA, "click.mp3").headers()[header::CONTENT_TYPE],
            "audio/mpeg"
        );
        assert_eq!(
            serve(MEDIA, "sprites.svg").headers()[header::CONTENT_TYPE],
            "image/svg+xml"
        );
        assert_eq!(
            serve(MEDIA, "handopen.cur").headers()[header::CONTENT_TYPE],
            "image/x-icon"
        );
        for (table, name) in [
            (DIST, "missing.js"),
            (DIST, "../Cargo.toml"),
            (MEDIA, "sprites.svg/x"),
            (MEDIA, ""),
        ] {
            assert_eq!(serve(table, name).status(), StatusCode::NOT_FOUND, "{name}");
        }
    }

    #[test]
    fn every_bundle_has_its_compressed_copies() {
        for (name, bytes) in DIST {
            if name.ends_with(".js") || name.ends_with(".css") {
                let br = file(DIST_BR, name);
                let gz = file(DIST_GZ, name);
                assert!(br.len() < bytes.len() && gz.len() < bytes.len(), "{name}");
            }
        }
    }

    #[tokio::test]
    async fn a_bundle_goes_out_in_the_best_encoding_the_browser_takes() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
        for (accept, coding) in [
            (Some("gzip, deflate, br"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (None, None),
        ] {
            let mut headers = HeaderMap::new();
            if let Some(a) = accept {
                headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(a).unwrap());
            }
            let r = dist(Path("level.js".to_owned()), headers).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(
                r.headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                coding,
                "{accept:?}"
            );
            assert_eq!(r.headers()[header::VARY], "accept-encoding");
            assert_eq!(
                r.headers()[header::CONTENT_TYPE],
                "text/javascript; charset=utf-8"
            );
        }
    }
}
