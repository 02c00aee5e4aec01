//! Request logs (promise TECH-1): one JSON line per request in `<dir>/requests-YYYY-MM-DD.jsonl`,
//! written off the request path, with tokens masked, IPs truncated and old files deleted.

// What a line holds is fixed by the API contract: time, IP, method, path, status, duration,
// browser and referrer. Nothing else of the request is written: no query string (a reset link's
// token or an address typed into a search would be there), no body, no cookie. A path segment
// that is a secret (a route parameter named `token` or `code`) is written `{token}`, and the
// referrer only as its origin: our own pages send their full address as referrer, and a page
// such as /reset-password/{token} would otherwise put its token into the next line.

use crate::AppState;
use crate::kit::extract::client_ip;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use kodlek_domain::{Millis, now_millis, rfc3339};
use serde::Serialize;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::{Duration, Instant};

const DAY: Millis = 24 * 3600 * 1000;
/// Lines waiting for the writer at most (a tenth of a second of 160,000 requests a second);
/// beyond, a line is counted as lost rather than making a request wait for the disk.
const QUEUE: usize = 16_384;
/// How often the writer takes the lines queued since it last looked.
const WRITE_EVERY: Duration = Duration::from_millis(100);
/// How often the periods are applied while the server runs (also once at start).
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// Route parameters whose value is a secret and is never written.
const SECRET_PARAMS: [&str; 2] = ["{token}", "{code}"];
/// The longest browser name and path written; longer ones are cut.
const MAX_FIELD_CHARS: usize = 256;

/// Where the request logs go and how long they are kept.
#[derive(Debug, Clone)]
pub struct RequestLogConfig {
    pub dir: PathBuf,
    /// Lines older than this many days have their IP address truncated.
    pub ip_days: u32,
    /// Files older than this many days are deleted.
    pub keep_days: u32,
}

/// The handle every request writes its line through.
#[derive(Clone)]
pub struct RequestLog {
    tx: SyncSender<Seen>,
    lost: Arc<AtomicU64>,
    pub config: Arc<RequestLogConfig>,
}

/// One request as the layer saw it: cheap clones only, so that the request pays for no
/// formatting; the writer thread turns it into its [`Line`].
struct Seen {
    at: Millis,
    ip: IpAddr,
    method: Method,
    uri: Uri,
    route: Option<MatchedPath>,
    status: u16,
    ms: f64,
    user_agent: Option<HeaderValue>,
    referrer: Option<HeaderValue>,
}

/// One request, as written.
#[derive(Debug, Serialize)]
struct Line {
    at: String,
    ip: String,
    method: String,
    path: String,
    status: u16,
    ms: f64,
    user_agent: Option<String>,
    referrer: Option<String>,
}

impl Seen {
    fn line(&self) -> Line {
        Line {
            at: rfc3339(self.at),
            ip: self.ip.to_string(),
            method: self.method.as_str().to_owned(),
            path: masked_path(self.uri.path(), self.route.as_ref().map(|m| m.as_str())),
            status: self.status,
            ms: self.ms,
            user_agent: self
                .user_agent
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .map(|s| cut(s, MAX_FIELD_CHARS)),
            referrer: self
                .referrer
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of),
        }
    }
}

impl RequestLog {
    /// Starts the writer thread: it applies the periods at once, then every hour.
    pub fn start(config: RequestLogConfig) -> std::io::Result<RequestLog> {
        fs::create_dir_all(&config.dir)?;
        let (tx, rx) = std::sync::mpsc::sync_channel(QUEUE);
        let lost = Arc::new(AtomicU64::new(0));
        let config = Arc::new(config);
        let writer = Writer {
            config: config.clone(),
            lost: lost.clone(),
            open: None,
        };
        std::thread::Builder::new()
            .name("request-log".into())
            .spawn(move || writer.run(rx))?;
        Ok(RequestLog { tx, lost, config })
    }

    fn send(&self, line: Seen) {
        match self.tx.try_send(line) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.lost.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

/// The layer: times the request and hands its line to the writer.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(log) = state.request_log.clone() else {
        return next.run(req).await;
    };
    let started = Instant::now();
    let at = now_millis();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let headers = req.headers();
    let ip = client_ip(
        peer,
        headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
        &state.config.trusted_proxies,
    );
    let user_agent = headers.get(header::USER_AGENT).cloned();
    let referrer = headers.get(header::REFERER).cloned();
    let uri = req.uri().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let resp = next.run(req).await;
    let ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    log.send(Seen {
        at,
        ip,
        method,
        uri,
        route,
        status: resp.status().as_u16(),
        ms,
        user_agent,
        referrer,
    });
    resp
}

/// The path as written: each segment the route names a secret becomes `{token}`. A path that
/// matched no route of its own (an unknown address) keeps only segments short enough not to
/// be a token: whatever was mistyped around a real token must not carry it into the log.
pub fn masked_path(path: &str, route: Option<&str>) -> String {
    let route = route.filter(|r| !r.contains("{*"));
    let out = match route {
        Some(route) => {
            let mut out = String::with_capacity(path.len());
            let mut templ = route.split('/');
            for (i, seg) in path.split('/').enumerate() {
                if i > 0 {
                    out.push('/');
                }
                match templ.next() {
                    Some(t) if SECRET_PARAMS.contains(&t) => out.push_str("{token}"),
                    _ => out.push_str(seg),
                }
            }
            out
        }
        None => path
            .split('/')
            .map(|seg| if seg.len() >= 16 { "{token}" } else { seg })
            .collect::<Vec<_>>()
            .join("/"),
    };
    cut(&out, MAX_FIELD_CHARS)
}

/// `scheme://host[:port]` of a referrer, or nothing when it is not an address.
fn origin_of(referrer: &str) -> Option<String> {
    let uri: axum::http::Uri = referrer.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?;
    // A referrer never carries credentials, but one sent by hand might: keep the host only.
    let host = authority.as_str().rsplit('@').next()?;
    Some(cut(&format!("{scheme}://{host}"), MAX_FIELD_CHARS))
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// The address with its host part removed: IPv4 to its /24, IPv6 to its /48.
pub fn truncate_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], 0, 0, 0, 0, 0])
        }
    }
}

/// The writer thread's state: the file of the day it is writing.
struct Writer {
    config: Arc<RequestLogConfig>,
    lost: Arc<AtomicU64>,
    open: Option<(i64, BufWriter<File>)>,
}

impl Writer {
    fn run(mut self, rx: Receiver<Seen>) {
        let mut next_retention = Instant::now();
        loop {
            if Instant::now() >= next_retention {
                self.close();
                if let Err(e) = apply_periods(&self.config, now_millis()) {
                    tracing::warn!("request logs: applying the retention periods failed: {e}");
                }
                next_retention = Instant::now() + RETENTION_EVERY;
            }
            // The thread wakes on its own time and takes what has queued since: a request
            // never wakes it, so logging costs a request no system call.
            std::thread::sleep(WRITE_EVERY);
            let mut wrote = false;
            let ended = loop {
                match rx.try_recv() {
                    Ok(seen) => {
                        self.write(&seen);
                        wrote = true;
                    }
                    Err(TryRecvError::Empty) => break false,
                    Err(TryRecvError::Disconnected) => break true,
                }
            };
            if wrote {
                self.flush();
            }
            if ended {
                self.close();
                return;
            }
            let lost = self.lost.swap(0, Ordering::Relaxed);
            if lost > 0 {
                tracing::warn!("request logs: {lost} line(s) lost while the disk was behind");
            }
        }
    }

    fn write(&mut self, seen: &Seen) {
        let line = seen.line();
        let day = seen.at.div_euclid(DAY);
        if self.open.as_ref().map(|(d, _)| *d) != Some(day) {
            self.close();
            let path = self.config.dir.join(file_name(day));
            match OpenOptions::new().create(true).append(true).open(&path) {
                Ok(f) => self.open = Some((day, BufWriter::with_capacity(64 * 1024, f))),
                Err(e) => {
                    tracing::warn!("request logs: cannot open {}: {e}", path.display());
                    return;
                }
            }
        }
        let Some((_, w)) = self.open.as_mut() else {
            return;
        };
        let mut bytes = serde_json::to_vec(&line).expect("a line serialises");
        bytes.push(b'\n');
        if let Err(e) = w.write_all(&bytes) {
            tracing::warn!("request logs: writing failed: {e}");
        }
    }

    fn flush(&mut self) {
        if let Some((_, w)) = self.open.as_mut()
            && let Err(e) = w.flush()
        {
            tracing::warn!("request logs: writing failed: {e}");
        }
    }

    fn close(&mut self) {
        self.flush();
        self.open = None;
    }
}

fn file_name(day: i64) -> String {
    let date = rfc3339(day * DAY);
    format!("requests-{}.jsonl", &date[..10])
}

/// The day (days since 1970) a file of ours is for, from its name.
fn day_of(name: &str) -> Option<i64> {
    let date = name.strip_prefix("requests-")?.strip_suffix(".jsonl")?;
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() / 86_400)
}

/// Deletes the files older than `keep_days` and truncates the IPs of lines older than
/// `ip_days`. Safe to run again: a truncated address stays as it is.
pub fn apply_periods(config: &RequestLogConfig, now: Millis) -> std::io::Result<()> {
    let delete_before = now - config.keep_days as Millis * DAY;
    let truncate_before = now - config.ip_days as Millis * DAY;
    for entry in fs::read_dir(&config.dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(day) = name.to_str().and_then(day_of) else {
            continue;
        };
        let path = entry.path();
        // A file holds the lines of one day: all of them are older than the period once the
        // day's end is.
        if (day + 1) * DAY <= delete_before {
            fs::remove_file(&path)?;
        } else if day * DAY < truncate_before {
            truncate_file(&path, truncate_before)?;
        }
    }
    Ok(())
}

/// Rewrites the file with the IPs of lines before `before` truncated; a line that cannot be
/// read is dropped rather than kept with an address that could not be checked.
fn truncate_file(path: &Path, before: Millis) -> std::io::Result<()> {
    let reader = BufReader::new(File::open(path)?);
    let mut out = Vec::new();
    let mut changed = false;
    for line in reader.lines() {
        let line = line?;
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&line) else {
            changed = true;
            continue;
        };
        let at = v["at"]
            .as_str()
            .and_then(|s| {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            })
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as Millis);
        if at.is_none_or(|at| at < before) {
            // An address is cut to its network; anything else in its place is not kept.
            let short = match v["ip"].as_str().map(str::parse::<IpAddr>) {
                Some(Ok(ip)) => serde_json::Value::String(truncate_ip(ip).to_string()),
                _ => serde_json::Value::Null,
            };
            if v["ip"] != short {
                v["ip"] = short;
                changed = true;
            }
        }
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    }
    if !changed {
        return Ok(());
    }
    // Written beside, then renamed over: a crash leaves the old file or the new one, whole.
    let tmp = path.with_extension("jsonl.tmp");
    {
        let mut f = File::create(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_paths_are_masked() {
        assert_eq!(
            masked_path("/reset-password/abcDEF123", Some("/reset-password/{token}")),
            "/reset-password/{token}"
        );
        assert_eq!(
            masked_path("/sign-in/KXR7M2/st_1", Some("/sign-in/{code}/{student_id}")),
            "/sign-in/{token}/st_1"
        );
        assert_eq!(
            masked_path("/sections/s1/students", Some("/sections/{id}/students")),
            "/sections/s1/students"
        );
        // No route of its own: long segments may be tokens.
        assert_eq!(
            masked_path("/verify-email/aaaaaaaaaaaaaaaaaaaaaaaa/x", None),
            "/verify-email/{token}/x"
        );
        assert_eq!(
            masked_path(
                "/api/v1/nothing/aaaaaaaaaaaaaaaaaaaaaaaa",
                Some("/api/{*rest}")
            ),
            "/api/v1/nothing/{token}"
        );
    }

    #[test]
    fn referrers_keep_only_their_origin() {
        assert_eq!(
            origin_of("https://kodlek.example/reset-password/secret?x=1").as_deref(),
            Some("https://kodlek.example")
        );
        assert_eq!(
            origin_of("http://user:pw@evil.example:8080/a").as_deref(),
            Some("http://evil.example:8080")
        );
        assert_eq!(origin_of("not a url"), None);
    }

    #[test]
    fn addresses_lose_their_host_part() {
        assert_eq!(
            truncate_ip("203.0.113.77".parse().unwrap()).to_string(),
            "203.0.113.0"
        );
        assert_eq!(
            truncate_ip("2001:db8:1234:5678::1".parse().unwrap()).to_string(),
            "2001:db8:1234::"
        );
    }

    #[test]
    fn file_names_and_days_agree() {
        let day = 20_000;
        assert_eq!(day_of(&file_name(day)), Some(day));
        assert_eq!(day_of("requests-2026-12-06.jsonl.tmp"), None);
    }
}
