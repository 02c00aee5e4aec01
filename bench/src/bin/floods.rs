//! Floods: one hostile client with thousands of connections must not take the server down.
//!
//! Starts the release server on a fresh data directory (SQLite), signs up a class of students,
//! measures attempts per second against `GET /healthz` requests per second with no flood, then
//! runs three floods one after the other: connections sending attempts, connections sending
//! wrong sign-ins (each from its own forwarded address, so that the per-address limits do not
//! stop them), and connections sending 1 MB attempt bodies. During each flood it probes
//! `/healthz`, samples the server's memory, and afterwards times how long a correct sign-in
//! takes to succeed and checks that every attempt answered with `"saved": true` is stored.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use hyper::{Method, StatusCode};
use kodlek_bench::{Conn, Machine, Server, mb, ms, quantile};
use kodlek_puzzles::LevelKind;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const HEADING: &str = "## Floods";
const PASSWORD: &str = "correct horse battery";
const COURSE: &str = "maze-intro";

const GOAL_RSS_BYTES: u64 = 256_000_000;
const GOAL_HEALTHZ_P99: Duration = Duration::from_millis(100);
const GOAL_SIGN_IN_AFTER: Duration = Duration::from_secs(1);
const GOAL_SHARE: f64 = 0.35;

/// No connection of a flood sends more than this many requests, whatever happens.
const MAX_REQUESTS_PER_CONN: usize = 100_000;
/// How long a correct sign-in is retried after a flood before it counts as failed.
const SIGN_IN_PATIENCE: Duration = Duration::from_secs(30);
/// How often `/healthz` is probed during a flood.
const PROBE_EVERY: Duration = Duration::from_millis(20);

#[derive(Parser)]
#[command(
    name = "floods",
    about = "Floods of attempts, sign-ins and large bodies against the release server binary"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Students signed up; the attempt floods use their sessions round robin.
    #[arg(long, default_value_t = 40)]
    students: usize,
    /// Connections of the attempt flood and of the sign-in flood.
    #[arg(long, default_value_t = 2048)]
    connections: usize,
    /// Connections of the flood of 1 MB bodies.
    #[arg(long, default_value_t = 256)]
    large_connections: usize,
    /// Length of each flood in seconds.
    #[arg(long, default_value_t = 10)]
    flood_secs: u64,
    /// Length of each no-flood rate measurement (healthz, attempts) in seconds.
    #[arg(long, default_value_t = 6)]
    rate_secs: u64,
    /// Connections of the no-flood rate measurements.
    #[arg(long, default_value_t = 64)]
    rate_connections: usize,
    /// The Markdown file whose "Floods" section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only; leave the Markdown file alone.
    #[arg(long)]
    no_doc: bool,
}

/// Raises this process's open-files limit to its hard limit: thousands of connections.
fn raise_open_files_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    lim.rlim_cur
}

/// A forwarded address of its own for request number `n` (the server trusts 127.0.0.1).
fn address(first: u8, n: u64) -> String {
    format!(
        "{first}.{}.{}.{}",
        (n >> 16) & 0xff,
        (n >> 8) & 0xff,
        n & 0xff
    )
}

/// Signs up student `n` and returns the session cookie (`kodlek_session=...`).
async fn sign_up(port: u16, n: usize) -> anyhow::Result<String> {
    let mut conn = Conn::open(port).await?;
    let xff = address(10, n as u64);
    let (status, headers, body) = conn
        .exchange(
            Method::POST,
            "/api/v1/accounts",
            &[("x-forwarded-for", &xff)],
            Some(serde_json::to_vec(&json!({
                "role": "student",
                "display_name": format!("Student {n}"),
                "email": format!("student{n}@example.org"),
                "password": PASSWORD,
                "age": 12,
            }))?),
        )
        .await?;
    if status != StatusCode::CREATED {
        bail!(
            "signing up student {n}: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("kodlek_session="))
        .map(str::to_owned)
        .context("no session cookie")
}

/// The attempts the floods send: each maze level with its reference solution.
fn attempt_bodies() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let levels: Vec<_> = kodlek_puzzles::catalog()
        .levels_of(COURSE)
        .into_iter()
        .filter(|l| l.kind == LevelKind::Maze)
        .collect();
    if levels.is_empty() {
        bail!("no maze levels in {COURSE}");
    }
    levels
        .iter()
        .map(|l| {
            let program = l.reference_solution().cloned().unwrap_or_default();
            Ok((
                format!("/api/v1/levels/{}/attempts", l.id),
                serde_json::to_vec(&json!({ "program": program }))?,
            ))
        })
        .collect()
}

/// A 1 MB attempt: a program of thousands of blocks, under the 1 MiB body limit.
fn large_body() -> anyhow::Result<Vec<u8>> {
    let mut blocks = vec![json!({
        "type": "when_run", "id": "start", "x": 20, "y": 20, "deletable": false
    })];
    let mut body = Vec::new();
    let mut i = 0;
    while body.len() < 1_000_000 {
        for _ in 0..500 {
            blocks
                .push(json!({"type": "maze_move_forward", "id": format!("b{i}"), "x": i, "y": i}));
            i += 1;
        }
        body = serde_json::to_vec(
            &json!({"program": {"blocks": {"languageVersion": 0, "blocks": blocks}}}),
        )?;
    }
    if body.len() > 1 << 20 {
        bail!("the large body grew past 1 MiB: {} bytes", body.len());
    }
    Ok(body)
}

/// Whether an attempt's answer says it was kept.
fn saved(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v["saved"] == true)
}

/// The attempts a connection sends in turn: the path and the body of each.
type Bodies = Arc<Vec<(String, Vec<u8>)>>;

/// What the clients of a flood were told, counted by status.
#[derive(Default)]
struct Answers {
    by_status: BTreeMap<u16, u64>,
    /// Requests without an answer (refused connection, reset, timeout).
    unanswered: u64,
    /// Attempts answered with `"saved": true`.
    saved: u64,
}

impl Answers {
    fn add(&mut self, o: Answers) {
        for (k, v) in o.by_status {
            *self.by_status.entry(k).or_default() += v;
        }
        self.unanswered += o.unanswered;
        self.saved += o.saved;
    }
    fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .by_status
            .iter()
            .map(|(s, n)| format!("{n} × {s}"))
            .collect();
        if self.unanswered > 0 {
            parts.push(format!("{} unanswered", self.unanswered));
        }
        parts.join(", ")
    }
}

/// What one flood connection sends again and again.
#[derive(Clone)]
enum Flood {
    /// Attempts with a student's session.
    Attempts { cookie: String, bodies: Bodies },
    /// Wrong sign-ins, each from a new forwarded address and for a new login.
    WrongSignIns { counter: Arc<AtomicU64> },
    /// 1 MB attempts with a student's session.
    Large { cookie: String, body: Arc<Vec<u8>> },
}

/// One flood connection: sends until `until`, opening a new connection when the server closes
/// one. Whatever is in flight at `until` is abandoned, as a client that gives up would.
async fn flood_conn(port: u16, c: usize, flood: Flood, until: Instant) -> Answers {
    let mut answers = Answers::default();
    let run = async {
        let mut conn: Option<Conn> = None;
        for j in 0..MAX_REQUESTS_PER_CONN {
            if conn.as_ref().is_none_or(Conn::is_closed) {
                match Conn::open(port).await {
                    Ok(c) => conn = Some(c),
                    Err(_) => {
                        answers.unanswered += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                }
            }
            let Some(cn) = conn.as_mut() else { continue };
            let (is_attempt, result) = match &flood {
                Flood::Attempts { cookie, bodies } => {
                    let (path, body) = &bodies[(c + j) % bodies.len()];
                    let r = cn
                        .send(
                            Method::POST,
                            path,
                            &[("cookie", cookie)],
                            Some(body.clone()),
                        )
                        .await;
                    (true, r)
                }
                Flood::WrongSignIns { counter } => {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let xff = address(11, n);
                    let body = serde_json::to_vec(&json!({
                        "login": format!("nobody{n}@example.org"),
                        "password": "not the password",
                    }))
                    .unwrap_or_default();
                    let r = cn
                        .send(
                            Method::POST,
                            "/api/v1/session",
                            &[("x-forwarded-for", &xff)],
                            Some(body),
                        )
                        .await;
                    (false, r)
                }
                Flood::Large { cookie, body } => {
                    let r = cn
                        .send(
                            Method::POST,
                            "/api/v1/levels/maze-1/attempts",
                            &[("cookie", cookie)],
                            Some(body.to_vec()),
                        )
                        .await;
                    (true, r)
                }
            };
            match result {
                Ok((status, body)) => {
                    *answers.by_status.entry(status.as_u16()).or_default() += 1;
                    if is_attempt && status == StatusCode::OK && saved(&body) {
                        answers.saved += 1;
                    }
                }
                Err(_) => {
                    answers.unanswered += 1;
                    conn = None;
                }
            }
        }
    };
    let _ = tokio::time::timeout_at(until.into(), run).await;
    answers
}

/// The highest VmRSS seen while `until` has not passed, sampled every 50 ms.
async fn sample_rss(pid: u32, until: Instant) -> u64 {
    let mut highest = 0;
    while Instant::now() < until {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(k) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            highest = highest.max(k * 1024);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    highest
}

/// `/healthz` every [`PROBE_EVERY`] until `until`, each on a connection of its own opened for
/// it (a new visitor during the flood); a failure counts as the longest wait.
async fn probe_healthz(port: u16, until: Instant) -> (Vec<Duration>, u64) {
    let mut latencies = Vec::new();
    let mut failed = 0;
    let mut tick = tokio::time::interval(PROBE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while Instant::now() < until {
        tick.tick().await;
        let t = Instant::now();
        let ok = match Conn::open(port).await {
            Ok(mut c) => matches!(c.get("/healthz").await, Ok((StatusCode::OK, _))),
            Err(_) => false,
        };
        let took = t.elapsed();
        if !ok {
            failed += 1;
        }
        latencies.push(if ok {
            took
        } else {
            took.max(Duration::from_secs(5))
        });
    }
    latencies.sort();
    (latencies, failed)
}

/// The time from now until a correct sign-in succeeds, retrying at once on 503.
async fn time_correct_sign_in(port: u16, n: &AtomicU64) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < SIGN_IN_PATIENCE {
        let xff = address(12, n.fetch_add(1, Ordering::Relaxed));
        if let Ok(mut c) = Conn::open(port).await {
            match c
                .post_json(
                    "/api/v1/session",
                    &[("x-forwarded-for", &xff)],
                    &json!({"login": "student1@example.org", "password": PASSWORD}),
                )
                .await
            {
                Ok((StatusCode::OK, _)) => return Ok(start.elapsed()),
                Ok((s, b)) => last = format!("{s} {}", String::from_utf8_lossy(&b)),
                Err(e) => last = e.to_string(),
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!("no correct sign-in within {SIGN_IN_PATIENCE:?}; last answer: {last}")
}

/// The attempts stored for all students, from their own progress.
async fn stored_attempts(port: u16, cookies: &[String]) -> anyhow::Result<u64> {
    let mut total = 0;
    let mut conn = Conn::open(port).await?;
    for cookie in cookies {
        let (status, body) = conn
            .send(
                Method::GET,
                "/api/v1/me/progress",
                &[("cookie", cookie)],
                None,
            )
            .await?;
        if status != StatusCode::OK {
            bail!("reading progress: {status}");
        }
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        if let Some(levels) = v["levels"].as_object() {
            total += levels
                .values()
                .filter_map(|l| l["attempts"].as_u64())
                .sum::<u64>();
        }
    }
    Ok(total)
}

/// Acknowledged attempts missing from the database, after giving the writer a moment.
async fn lost_attempts(port: u16, cookies: &[String], acknowledged: u64) -> anyhow::Result<u64> {
    let mut stored = 0;
    for _ in 0..20 {
        stored = stored_attempts(port, cookies).await?;
        if stored >= acknowledged {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(acknowledged.saturating_sub(stored))
}

struct FloodResult {
    name: &'static str,
    connections: usize,
    answers: Answers,
    peak_rss: u64,
    healthz_p50: Duration,
    healthz_p99: Duration,
    healthz_failed: u64,
    healthz_probes: usize,
    sign_in_after: Option<Duration>,
    lost: u64,
}

/// Closed-loop requests per second on `conns` keep-alive connections for `secs`.
async fn rate(
    port: u16,
    conns: usize,
    secs: u64,
    flood: Option<(Vec<String>, Bodies)>,
) -> anyhow::Result<(f64, u64)> {
    let until = Instant::now() + Duration::from_secs(secs);
    let ok = Arc::new(AtomicU64::new(0));
    let saved_n = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..conns {
        let ok = ok.clone();
        let saved_n = saved_n.clone();
        let flood = flood.clone();
        tasks.push(tokio::spawn(async move {
            let run = async {
                let Ok(mut conn) = Conn::open(port).await else {
                    return;
                };
                for j in 0..MAX_REQUESTS_PER_CONN {
                    let r = match &flood {
                        None => conn.get("/healthz").await,
                        Some((cookies, bodies)) => {
                            let (path, body) = &bodies[(c + j) % bodies.len()];
                            conn.send(
                                Method::POST,
                                path,
                                &[("cookie", &cookies[c % cookies.len()])],
                                Some(body.clone()),
                            )
                            .await
                        }
                    };
                    match r {
                        Ok((StatusCode::OK, body)) => {
                            if flood.is_some() && saved(&body) {
                                saved_n.fetch_add(1, Ordering::Relaxed);
                            }
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => return,
                    }
                }
            };
            let _ = tokio::time::timeout_at(until.into(), run).await;
        }));
    }
    for t in tasks {
        t.await?;
    }
    Ok((
        ok.load(Ordering::Relaxed) as f64 / secs as f64,
        saved_n.load(Ordering::Relaxed),
    ))
}

#[allow(clippy::too_many_arguments)]
async fn run_flood(
    server: &Server,
    name: &'static str,
    connections: usize,
    secs: u64,
    make: impl Fn(usize) -> Flood,
    cookies: &[String],
    acknowledged: &mut u64,
    sign_ins: &AtomicU64,
) -> anyhow::Result<FloodResult> {
    let port = server.port();
    let pid = server.pid();
    println!("flood: {name}, {connections} connections for {secs} s");
    // The peak of this flood alone: VmHWM is reset to the current size first.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let until = Instant::now() + Duration::from_secs(secs);
    // The probes and samples run on a thread of their own, so that they are not delayed by
    // the flood's thousands of tasks on this process's runtime.
    let watcher = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let rss = tokio::spawn(sample_rss(pid, until));
            let probe = probe_healthz(port, until).await;
            anyhow::Ok((probe, rss.await?))
        })
    });
    let tasks: Vec<_> = (0..connections)
        .map(|c| tokio::spawn(flood_conn(port, c, make(c), until)))
        .collect();
    let mut answers = Answers::default();
    for t in tasks {
        answers.add(t.await?);
    }
    // The flood has ended: every flood connection has been dropped.
    let sign_in_after = match time_correct_sign_in(port, sign_ins).await {
        Ok(d) => Some(d),
        Err(e) => {
            println!("  {e}");
            None
        }
    };
    let ((latencies, healthz_failed), sampled) = watcher
        .join()
        .map_err(|_| anyhow::anyhow!("the probing thread panicked"))??;
    let peak_rss = server.peak_rss_bytes().unwrap_or(0).max(sampled);
    *acknowledged += answers.saved;
    let lost = lost_attempts(port, cookies, *acknowledged).await?;
    let r = FloodResult {
        name,
        connections,
        peak_rss,
        healthz_p50: quantile(&latencies, 0.5),
        healthz_p99: quantile(&latencies, 0.99),
        healthz_failed,
        healthz_probes: latencies.len(),
        sign_in_after,
        lost,
        answers,
    };
    println!(
        "  answers: {}; peak RSS {}; /healthz p50 {} p99 {} ({} of {} probes failed); \
         correct sign-in after {}; acknowledged attempts lost: {}",
        r.answers.describe(),
        mb(r.peak_rss),
        ms(r.healthz_p50),
        ms(r.healthz_p99),
        r.healthz_failed,
        r.healthz_probes,
        r.sign_in_after.map_or("never".to_owned(), ms),
        r.lost
    );
    Ok(r)
}

fn mark(ok: bool) -> &'static str {
    if ok { "met" } else { "**not met**" }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let files = raise_open_files_limit();
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let machine = Machine::read();
    let server = Server::start(
        &binary,
        &[("KODLEK_TRUSTED_PROXIES", "127.0.0.1".to_owned())],
    )
    .await?;
    let port = server.port();
    println!("server on 127.0.0.1:{port}; open-files limit of this process: {files}");

    println!("signing up {} students", args.students);
    let mut cookies = Vec::with_capacity(args.students);
    for n in 1..=args.students {
        cookies.push(sign_up(port, n).await?);
    }
    let bodies = Arc::new(attempt_bodies()?);
    let large = Arc::new(large_body()?);
    let rss_idle = server.rss_bytes()?;

    println!(
        "no flood: /healthz and attempts, {} connections, {} s each",
        args.rate_connections, args.rate_secs
    );
    let (healthz_rps, _) = rate(port, args.rate_connections, args.rate_secs, None).await?;
    let (attempts_rps, saved_n) = rate(
        port,
        args.rate_connections,
        args.rate_secs,
        Some((cookies.clone(), bodies.clone())),
    )
    .await?;
    let mut acknowledged = saved_n;
    let share = attempts_rps / healthz_rps.max(1.0);
    println!(
        "  /healthz {healthz_rps:.0}/s, attempts {attempts_rps:.0}/s: {:.1} %",
        share * 100.0
    );

    let sign_ins = AtomicU64::new(0);
    let counter = Arc::new(AtomicU64::new(0));
    let mut floods = Vec::new();
    {
        let (cookies2, bodies2) = (cookies.clone(), bodies.clone());
        floods.push(
            run_flood(
                &server,
                "attempts",
                args.connections,
                args.flood_secs,
                move |c| Flood::Attempts {
                    cookie: cookies2[c % cookies2.len()].clone(),
                    bodies: bodies2.clone(),
                },
                &cookies,
                &mut acknowledged,
                &sign_ins,
            )
            .await?,
        );
    }
    floods.push(
        run_flood(
            &server,
            "wrong sign-ins",
            args.connections,
            args.flood_secs,
            |_| Flood::WrongSignIns {
                counter: counter.clone(),
            },
            &cookies,
            &mut acknowledged,
            &sign_ins,
        )
        .await?,
    );
    {
        let (cookies2, large2) = (cookies.clone(), large.clone());
        floods.push(
            run_flood(
                &server,
                "1 MB attempt bodies",
                args.large_connections,
                args.flood_secs,
                move |c| Flood::Large {
                    cookie: cookies2[c % cookies2.len()].clone(),
                    body: large2.clone(),
                },
                &cookies,
                &mut acknowledged,
                &sign_ins,
            )
            .await?,
        );
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = server.rss_bytes()?;
    let log_lines = std::fs::read_to_string(server.data_dir().join("server.log"))
        .map(|t| t.lines().count())
        .unwrap_or(0);
    let status = server.stop().await?;
    println!(
        "server stopped ({status}); {log_lines} log lines; RSS idle {} → after the floods {}",
        mb(rss_idle),
        mb(rss_after)
    );

    let mut s = format!(
        "{HEADING}\n\nOne hostile client on the same machine opens thousands of connections: \
         attempts, wrong sign-ins (each from a new forwarded address and for a new login, so \
         that the per-address and per-login limits do not stop them) and 1 MB attempt bodies. \
         Each flood lasts {} s; during it `/healthz` is probed every {} ms, each probe on a new \
         connection, and the server's memory is sampled. When it ends (its connections are \
         dropped, as clients that give up), a correct sign-in is tried at once and retried \
         until it succeeds. Every attempt answered with `\"saved\": true` is then looked for in \
         the students' progress.\n\n\
         Command: `cargo build --release -p kodlek && cargo run --release -p kodlek-bench --bin \
         floods` (SQLite; `--connections`, `--large-connections`, `--flood-secs`, \
         `--no-doc`).\n\nMachine: {}. The client runs on the same cores as the server.\n\n",
        args.flood_secs,
        PROBE_EVERY.as_millis(),
        machine.describe()
    );
    s.push_str("| flood | connections | peak RSS | `/healthz` p50 / p99 (failed probes) | correct sign-in after the end | acknowledged attempts lost | answers |\n|---|---|---|---|---|---|---|\n");
    for f in &floods {
        s.push_str(&format!(
            "| {} | {} | {} | {} / {} ({} of {}) | {} | {} | {} |\n",
            f.name,
            f.connections,
            mb(f.peak_rss),
            ms(f.healthz_p50),
            ms(f.healthz_p99),
            f.healthz_failed,
            f.healthz_probes,
            f.sign_in_after.map_or("never".to_owned(), ms),
            f.lost,
            f.answers.describe()
        ));
    }
    s.push_str(&format!(
        "\nNo flood, {} keep-alive connections for {} s each: `/healthz` {healthz_rps:.0} \
         requests/s, attempts {attempts_rps:.0}/s, **{:.1} %** of `/healthz`. RSS idle {}, \
         2 s after the last flood {}. The server wrote {log_lines} log lines in all.\n\nGoals:\n\n",
        args.rate_connections,
        args.rate_secs,
        share * 100.0,
        mb(rss_idle),
        mb(rss_after)
    ));
    let worst_rss = floods.iter().map(|f| f.peak_rss).max().unwrap_or(0);
    let worst_p99 = floods
        .iter()
        .map(|f| f.healthz_p99)
        .max()
        .unwrap_or_default();
    let all_signed_in = floods
        .iter()
        .all(|f| f.sign_in_after.is_some_and(|d| d <= GOAL_SIGN_IN_AFTER));
    let lost: u64 = floods.iter().map(|f| f.lost).sum();
    for (goal, ok) in [
        (
            format!(
                "peak RSS at most {} in every flood (worst: {})",
                mb(GOAL_RSS_BYTES),
                mb(worst_rss)
            ),
            worst_rss <= GOAL_RSS_BYTES,
        ),
        (
            format!(
                "`/healthz` p99 at most {} during every flood (worst: {})",
                ms(GOAL_HEALTHZ_P99),
                ms(worst_p99)
            ),
            worst_p99 <= GOAL_HEALTHZ_P99,
        ),
        (
            format!(
                "a correct sign-in within {} of every flood's end",
                ms(GOAL_SIGN_IN_AFTER)
            ),
            all_signed_in,
        ),
        (
            format!("no acknowledged attempt lost ({lost} lost)"),
            lost == 0,
        ),
        (
            format!(
                "attempts/s at least {:.0} % of `/healthz` requests/s ({:.1} %)",
                GOAL_SHARE * 100.0,
                share * 100.0
            ),
            share >= GOAL_SHARE,
        ),
    ] {
        s.push_str(&format!("- {goal}: {}\n", mark(ok)));
    }
    println!("\n{s}");
    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        kodlek_bench::write_section(&doc, HEADING, &s)?;
        println!("wrote {}", doc.display());
    }
    Ok(())
}
