//! Load from signed-in students: their sign-up, the attempts they send, and connections that
//! send them closed-loop or at a fixed rate, counting what was answered as expected.

use crate::Conn;
use anyhow::{Context, bail};
use hyper::{Method, StatusCode};
use kodlek_puzzles::LevelKind;
use serde_json::json;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The password every student of a benchmark signs up with.
pub const PASSWORD: &str = "correct horse battery";
/// The course whose maze levels are attempted.
pub const COURSE: &str = "maze-intro";
/// No connection sends more than this many requests in one phase, whatever the rate.
const MAX_REQUESTS_PER_CONN: usize = 1_000_000;

/// One request a connection sends again and again: the path and the body.
#[derive(Clone)]
pub struct Job {
    pub path: String,
    pub body: Option<Vec<u8>>,
}

/// The attempts: every maze level of the course with its reference solution, and every 4th
/// attempt a one-block program that fails.
pub fn attempt_jobs() -> anyhow::Result<Vec<Job>> {
    let levels: Vec<_> = kodlek_puzzles::catalog()
        .levels_of(COURSE)
        .into_iter()
        .filter(|l| l.kind == LevelKind::Maze)
        .collect();
    if levels.is_empty() {
        bail!("no maze levels in {COURSE}");
    }
    let one_block = json!({"blocks": {"languageVersion": 0, "blocks": [{
        "type": "when_run", "id": "start", "x": 20, "y": 20, "deletable": false,
        "next": {"block": {"type": "maze_move_forward", "id": "b1"}}
    }]}});
    // Every 4th attempt fails, whatever the number of levels: a cycle of 4 over the levels.
    let mut mixed = Vec::new();
    for k in 0..levels.len() * 4 {
        let level = levels[k % levels.len()];
        let program = if k % 4 == 3 {
            one_block.clone()
        } else {
            level.reference_solution().cloned().unwrap_or_default()
        };
        mixed.push(Job {
            path: format!("/api/v1/levels/{}/attempts", level.id),
            body: Some(serde_json::to_vec(&json!({ "program": program }))?),
        });
    }
    Ok(mixed)
}

/// Signs up a student from the forwarded address 10.0.0.`n` and returns the session cookie
/// (`kodlek_session=...`). A plain request on its own connection, to read `Set-Cookie`.
pub fn sign_up(port: u16, n: usize) -> anyhow::Result<String> {
    let body = serde_json::to_vec(&json!({
        "role": "student",
        "display_name": format!("Student {n}"),
        "email": format!("student{n}@example.org"),
        "password": PASSWORD,
        "age": 10,
    }))?;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let head = format!(
        "POST /api/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         X-Forwarded-For: 10.0.{}.{}\r\nConnection: close\r\n\r\n",
        body.len(),
        (n >> 8) & 0xff,
        n & 0xff
    );
    s.write_all(head.as_bytes())?;
    s.write_all(&body)?;
    let mut answer = Vec::new();
    s.take(1 << 20).read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let status = text.split_whitespace().nth(1).unwrap_or("");
    if status != "201" {
        bail!("signing up student {n}: {}", &text[..text.len().min(400)]);
    }
    text.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            if !k.eq_ignore_ascii_case("set-cookie") {
                return None;
            }
            let c = v.trim().split(';').next()?.trim();
            c.starts_with("kodlek_session=").then(|| c.to_owned())
        })
        .with_context(|| format!("no session cookie in the answer to sign-up {n}"))
}

#[derive(Default)]
pub struct Tally {
    /// Answered as expected (200; attempts also `"saved":true`) before the end.
    pub ok: u64,
    /// Answered as expected after the end (in flight when it ended); not counted in a rate.
    pub late: u64,
    pub failed: u64,
    pub errors: Vec<String>,
    pub latencies: Vec<Duration>,
    /// The server's own time of each answer counted in `latencies` (`Server-Timing`).
    pub server: Vec<Duration>,
}

impl Tally {
    pub fn add(&mut self, t: Tally) {
        self.ok += t.ok;
        self.late += t.late;
        self.failed += t.failed;
        if self.errors.len() < 10 {
            self.errors.extend(t.errors.into_iter().take(5));
        }
        self.latencies.extend(t.latencies);
        self.server.extend(t.server);
    }
}

/// How a connection paces its requests.
#[derive(Clone, Copy)]
pub enum Pace {
    /// The next request as soon as the answer is in.
    Closed,
    /// Open loop: request `j` of connection `c` is due at `start + (c + j * conns) * every`,
    /// whether or not the answer to the one before it is in; latency counts from the due time.
    Fixed { every: Duration, conns: usize },
}

pub async fn run_conn(
    port: u16,
    c: usize,
    cookie: Option<String>,
    jobs: Arc<Vec<Job>>,
    pace: Pace,
    start: Instant,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let mut conn: Option<Conn> = None;
    let headers: Vec<(&str, &str)> = cookie
        .as_deref()
        .map(|v| ("cookie", v))
        .into_iter()
        .collect();
    let expect_saved = cookie.is_some();
    for j in 0..MAX_REQUESTS_PER_CONN {
        let due = match pace {
            Pace::Closed => Instant::now(),
            Pace::Fixed { every, conns } => start + every.mul_f64((c + j * conns) as f64),
        };
        if due >= until || Instant::now() >= until {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        if conn.as_ref().is_none_or(Conn::is_closed) {
            match Conn::open(port).await {
                Ok(x) => conn = Some(x),
                Err(e) => {
                    tally.failed += 1;
                    tally.errors.push(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            }
        }
        let x = conn.as_mut().expect("just opened");
        // Jobs are spread over the connections so that they do not move in step.
        let job = &jobs[(c + j) % jobs.len()];
        let method = if job.body.is_some() {
            Method::POST
        } else {
            Method::GET
        };
        let answer = x
            .exchange(method, &job.path, &headers, job.body.clone())
            .await;
        let done = Instant::now();
        match answer {
            Ok((StatusCode::OK, h, body)) if !expect_saved || saved(&body) => {
                tally.latencies.push(done - due);
                tally.server.extend(crate::server_time(&h));
                if done <= until {
                    tally.ok += 1;
                } else {
                    tally.late += 1;
                }
            }
            Ok((status, _, body)) => {
                tally.failed += 1;
                tally.errors.push(format!(
                    "{status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
            Err(e) => {
                tally.failed += 1;
                tally.errors.push(format!("{e:#}"));
                conn = None;
            }
        }
    }
    tally
}

/// Whether an attempt's answer says it was kept.
pub fn saved(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v["saved"] == true)
}

pub async fn phase(
    port: u16,
    conns: usize,
    cookies: &[String],
    jobs: &Arc<Vec<Job>>,
    pace: Pace,
    duration: Duration,
) -> anyhow::Result<Tally> {
    let start = Instant::now();
    let until = start + duration;
    let tasks: Vec<_> = (0..conns)
        .map(|c| {
            let cookie = (!cookies.is_empty()).then(|| cookies[c % cookies.len()].clone());
            tokio::spawn(run_conn(port, c, cookie, jobs.clone(), pace, start, until))
        })
        .collect();
    let mut total = Tally::default();
    for t in tasks {
        total.add(t.await?);
    }
    total.latencies.sort();
    total.server.sort();
    Ok(total)
}
