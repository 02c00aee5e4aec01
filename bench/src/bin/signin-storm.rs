//! Sign-in storm: many clients sign in at once while a probe watches `GET /healthz`.
//!
//! Starts the release server on a fresh SQLite data directory, creates accounts, then for a
//! fixed time signs in from `--clients` keep-alive connections, each sign-in from its own
//! forwarded address (the server trusts 127.0.0.1 as a proxy) so that the per-address limit
//! does not throttle the storm. The sign-in rate is compared with the hashing capacity timed
//! in the same run; the health probe shows whether the rest of the server stays responsive.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use hyper::StatusCode;
use kodlek_bench::{Conn, CpuTimes, Machine, Server, mb, ms, quantile};
use kodlek_privacy::PasswordHasher;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const HEADING: &str = "## Sign-in storm";
const PASSWORD: &str = "correct horse battery";
/// Sign-up is limited to 100 accounts an hour from one address; stay well below it.
const MAX_ACCOUNTS: usize = 90;
const MAX_CLIENTS: usize = 256;
const MAX_DURATION_SECS: u64 = 120;
const MAX_HASH_SAMPLES: usize = 100;

const GOAL_RSS_BYTES: u64 = 60_000_000;
const GOAL_SHARE: f64 = 0.80;
const GOAL_HEALTH_P99: Duration = Duration::from_millis(10);

#[derive(Parser)]
#[command(
    name = "signin-storm",
    about = "Sign-in storm against the release server binary"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Concurrent clients, each on its own keep-alive connection.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Length of the storm in seconds.
    #[arg(long, default_value_t = 15)]
    duration_secs: u64,
    /// Accounts to create and sign in to (at most 90).
    #[arg(long, default_value_t = 60)]
    accounts: usize,
    /// The server's hashing threads (passed as KODLEK_HASH_THREADS); default: cores - 1, at least 1.
    #[arg(long)]
    hash_threads: Option<usize>,
    /// Timed hashes before and after the storm, for the hashing baseline.
    #[arg(long, default_value_t = 15)]
    hash_samples: usize,
    /// Interval of the health probe in milliseconds.
    #[arg(long, default_value_t = 20)]
    probe_ms: u64,
    /// The Markdown file whose "Sign-in storm" section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only; leave the Markdown file alone.
    #[arg(long)]
    no_doc: bool,
}

/// Times `samples` sequential verifications on one hashing thread, as the server does them.
async fn time_hashes(samples: usize) -> Vec<Duration> {
    let hasher = PasswordHasher::start(1);
    let phc = hasher.hash(PASSWORD).await.expect("an empty queue");
    // One untimed verification first: page faults, caches.
    assert!(hasher.verify(PASSWORD, &phc).await.expect("an empty queue"));
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        let ok = hasher.verify(PASSWORD, &phc).await.expect("an empty queue");
        times.push(t.elapsed());
        assert!(ok, "the benchmark's own hash verifies");
    }
    times.sort();
    times
}

/// Probes `GET /healthz` every `every` until `until`, on its own connection; the latencies of
/// the answers and the number of failed probes.
async fn probe_health(port: u16, every: Duration, until: Instant) -> (Vec<Duration>, usize) {
    let mut conn = None;
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while Instant::now() < until {
        tick.tick().await;
        if conn.as_ref().is_none_or(Conn::is_closed) {
            conn = Conn::open(port).await.ok();
        }
        let Some(c) = conn.as_mut() else {
            failures += 1;
            continue;
        };
        let t = Instant::now();
        match c.get("/healthz").await {
            Ok((StatusCode::OK, _)) => latencies.push(t.elapsed()),
            _ => {
                failures += 1;
                conn = None;
            }
        }
    }
    latencies.sort();
    (latencies, failures)
}

#[derive(Default)]
struct ClientTally {
    /// Sign-ins answered 200 before the end of the storm.
    ok: u64,
    /// Answered 200, but after the end (in flight when it ended); not counted in the rate.
    late: u64,
    /// Any other answer, or no answer.
    failed: u64,
    statuses: Vec<String>,
    latencies: Vec<Duration>,
}

/// One client: signs in again and again on one keep-alive connection until `until`.
async fn sign_in_loop(
    port: u16,
    client: usize,
    clients: usize,
    emails: Arc<Vec<String>>,
    next_ip: Arc<AtomicU32>,
    until: Instant,
) -> ClientTally {
    let mut tally = ClientTally::default();
    let mut conn: Option<Conn> = None;
    let mut k = 0usize;
    while Instant::now() < until {
        if conn.as_ref().is_none_or(Conn::is_closed) {
            match Conn::open(port).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    tally.failed += 1;
                    tally.statuses.push(format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            }
        }
        let c = conn.as_mut().expect("just opened");
        let email = &emails[(client + k * clients) % emails.len()];
        k += 1;
        // A distinct client address for every sign-in: only a header value; the connection
        // itself goes to 127.0.0.1, which the server trusts as a proxy.
        let n = next_ip.fetch_add(1, Ordering::Relaxed);
        let forwarded = format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
        let t = Instant::now();
        let answer = c
            .post_json(
                "/api/v1/session",
                &[("x-forwarded-for", &forwarded)],
                &json!({"login": email, "password": PASSWORD}),
            )
            .await;
        let done = Instant::now();
        match answer {
            Ok((StatusCode::OK, _)) => {
                tally.latencies.push(done - t);
                if done <= until {
                    tally.ok += 1;
                } else {
                    tally.late += 1;
                }
            }
            Ok((status, body)) => {
                tally.failed += 1;
                tally.statuses.push(format!(
                    "{status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ));
            }
            Err(e) => {
                tally.failed += 1;
                tally.statuses.push(format!("{e:#}"));
                conn = None;
            }
        }
    }
    tally
}

struct Figures {
    date: String,
    machine: String,
    cores: usize,
    clients: usize,
    duration: Duration,
    probe_every: Duration,
    accounts: usize,
    hash_threads: usize,
    rss_start: u64,
    hash_before: Duration,
    hash_after: Duration,
    hash_median: Duration,
    capacity: f64,
    health_idle: Vec<Duration>,
    sign_ins: u64,
    late: u64,
    failed: u64,
    sign_in_latencies: Vec<Duration>,
    rate: f64,
    health_storm: Vec<Duration>,
    health_failures: usize,
    rss_after: u64,
    rss_peak: u64,
    /// Shares of the machine's CPU time during the storm: busy, iowait, steal.
    cpu: (f64, f64, f64),
}

impl Figures {
    fn share(&self) -> f64 {
        self.rate / self.capacity
    }

    fn health_over_goal(&self) -> usize {
        self.health_storm
            .iter()
            .filter(|d| **d >= GOAL_HEALTH_P99)
            .count()
    }

    fn health_p99(&self) -> Duration {
        quantile(&self.health_storm, 0.99)
    }

    /// True when the machine was much busier during the storm than the server's hashing
    /// threads explain: other work shared it, and the figures are less trustworthy.
    fn crowded(&self) -> bool {
        self.cpu.0 > self.hash_threads as f64 / self.cores as f64 + 0.25
    }

    fn goals(&self) -> [(&'static str, bool); 4] {
        [
            ("server RSS after start", self.rss_start < GOAL_RSS_BYTES),
            (
                "sign-ins as a share of hashing capacity",
                self.share() >= GOAL_SHARE,
            ),
            (
                "healthz p99 during the storm",
                self.health_p99() < GOAL_HEALTH_P99 && self.health_failures == 0,
            ),
            ("sign-ins refused or failed", self.failed == 0),
        ]
    }

    fn print(&self) {
        let h = &self.health_storm;
        println!("machine:            {}", self.machine);
        println!(
            "storm:              {} clients, {:?}, {} accounts, {} hashing thread(s)",
            self.clients, self.duration, self.accounts, self.hash_threads
        );
        println!("RSS after start:    {}", mb(self.rss_start));
        println!(
            "one hash:           median {} (before the storm {}, after {})",
            ms(self.hash_median),
            ms(self.hash_before),
            ms(self.hash_after)
        );
        println!("hashing capacity:   {:.1} hashes/s", self.capacity);
        println!(
            "sign-ins:           {} in time, {} late, {} refused or failed",
            self.sign_ins, self.late, self.failed
        );
        println!(
            "sign-in rate:       {:.1}/s = {:.1} % of capacity",
            self.rate,
            self.share() * 100.0
        );
        println!(
            "sign-in latency:    p50 {}, p99 {}",
            ms(quantile(&self.sign_in_latencies, 0.5)),
            ms(quantile(&self.sign_in_latencies, 0.99))
        );
        println!(
            "healthz idle:       p50 {}, p99 {} ({} probes)",
            ms(quantile(&self.health_idle, 0.5)),
            ms(quantile(&self.health_idle, 0.99)),
            self.health_idle.len()
        );
        println!(
            "healthz in storm:   p50 {}, p95 {}, p99 {}, max {} ({} probes, {} at 10 ms or more, {} failed)",
            ms(quantile(h, 0.5)),
            ms(quantile(h, 0.95)),
            ms(quantile(h, 0.99)),
            ms(quantile(h, 1.0)),
            h.len(),
            self.health_over_goal(),
            self.health_failures
        );
        println!(
            "RSS after storm:    {} (peak {})",
            mb(self.rss_after),
            mb(self.rss_peak)
        );
        println!(
            "CPU in the storm:   {:.0} % busy, {:.0} % iowait, {:.1} % steal (of all cores)",
            self.cpu.0 * 100.0,
            self.cpu.1 * 100.0,
            self.cpu.2 * 100.0
        );
        if self.crowded() {
            println!(
                "warning: the machine was busier than the hashing explains; other work shared it"
            );
        }
        for (goal, met) in self.goals() {
            println!("goal {goal}: {}", if met { "met" } else { "NOT met" });
        }
    }

    fn markdown(&self) -> String {
        let yes = |b: bool| if b { "yes" } else { "**no**" };
        let [rss_ok, share_ok, health_ok, failed_ok] = self.goals().map(|(_, met)| yes(met));
        let h = &self.health_storm;
        let mut s = format!(
            "{HEADING}

`bench/src/bin/signin-storm.rs` starts the release server (SQLite, mail to the outbox) on a
fresh data directory and a free port on 127.0.0.1, with `KODLEK_TRUSTED_PROXIES=127.0.0.1` and
`KODLEK_HASH_THREADS` set. It creates accounts, times argon2id verifications with the server's
parameters on one thread of `PasswordHasher` (the hashing capacity is the server's hashing
threads divided by the median time of one; timed before and after the storm), then for a
fixed time signs in from concurrent keep-alive connections, every sign-in with its own
`X-Forwarded-For` address so that the limit per address does not throttle the storm. A separate
connection probes `GET /healthz` every {probe} ms throughout; the latencies are measured by the
client, from sending the request to the end of the answer.

```sh
export CARGO_TARGET_DIR=/var/tmp/kodlek-target
cargo build --release -p kodlek
cargo run --release -p kodlek-bench --bin signin-storm
```

Options: `--server PATH`, `--clients N`, `--duration-secs S`, `--accounts N` (at most 90:
sign-up is limited per address), `--hash-threads N`, `--no-doc` (print only). A run rewrites
this section.

Last run:

- date: {date}
- machine: {machine}
- storm: {clients} clients for {secs} s, {accounts} accounts, {threads} hashing thread(s)

| figure | value | goal | met |
|---|---|---|---|
| server RSS after start, before any sign-in | {rss_start} | under 60 MB | {rss_ok} |
| sign-ins per second | {rate:.1}/s | | |
| hashing capacity (baseline): threads / one hash | {threads} / {hash} = {cap:.1}/s | | |
| sign-ins as a share of the hashing capacity | {share:.1} % | at least 80 % | {share_ok} |
| healthz p50 / p99 / max during the storm | {hp50} / {hp99} / {hmax} | p99 under 10 ms | {health_ok} |
| healthz p50 / p99 when idle (baseline) | {ip50} / {ip99} | | |
| sign-ins refused or failed | {failed} | none | {failed_ok} |
| server RSS after the storm (peak) | {rss_after} ({rss_peak}) | | |

One hash took {before} (median) before the storm and {after} after it. Sign-ins answered
after the end of the storm ({late}) are not counted in the rate. Sign-in latency: p50 {sp50},
p99 {sp99}. Probes during the storm: {probes}; p95 {hp95}; at 10 ms or more: {hover}; failed:
{hfail}. The machine's CPU time during the storm (all cores, from /proc/stat): {busy:.0} % busy,
{iowait:.0} % waiting for I/O, {steal:.1} % stolen by the hypervisor. MB are 10^6 bytes.
",
            probe = self.probe_every.as_millis(),
            date = self.date,
            machine = self.machine,
            clients = self.clients,
            secs = self.duration.as_secs(),
            accounts = self.accounts,
            threads = self.hash_threads,
            rss_start = mb(self.rss_start),
            rate = self.rate,
            hash = ms(self.hash_median),
            cap = self.capacity,
            share = self.share() * 100.0,
            hp50 = ms(quantile(h, 0.5)),
            hp99 = ms(quantile(h, 0.99)),
            hmax = ms(quantile(h, 1.0)),
            ip50 = ms(quantile(&self.health_idle, 0.5)),
            ip99 = ms(quantile(&self.health_idle, 0.99)),
            failed = self.failed,
            rss_after = mb(self.rss_after),
            rss_peak = mb(self.rss_peak),
            before = ms(self.hash_before),
            after = ms(self.hash_after),
            late = self.late,
            sp50 = ms(quantile(&self.sign_in_latencies, 0.5)),
            sp99 = ms(quantile(&self.sign_in_latencies, 0.99)),
            probes = h.len(),
            hfail = self.health_failures,
            hp95 = ms(quantile(h, 0.95)),
            hover = self.health_over_goal(),
            busy = self.cpu.0 * 100.0,
            iowait = self.cpu.1 * 100.0,
            steal = self.cpu.2 * 100.0,
        );
        let missed: Vec<&str> = self
            .goals()
            .iter()
            .filter(|(_, met)| !met)
            .map(|(g, _)| *g)
            .collect();
        if self.share() > 1.0 {
            s.push_str(
                "\nA share above 100 % means the server hashed faster during the storm than the\n\
                 benchmark did in the minutes around it: the machine's speed drifts by that much\n\
                 from minute to minute (compare the medians before and after the storm).\n",
            );
        }
        if self.crowded() {
            s.push_str(&format!(
                "\nThe machine was busier during the storm than {} hashing thread(s) on {} cores \
                 explain: other work shared it, so these figures are less trustworthy than usual.\n",
                self.hash_threads, self.cores
            ));
        }
        if missed.is_empty() {
            s.push_str("\nEvery goal was met in this run.\n");
        } else {
            s.push_str(&format!(
                "\nGoals not met in this run: {}.\n",
                missed.join("; ")
            ));
        }
        s
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.accounts == 0 || args.accounts > MAX_ACCOUNTS {
        bail!("--accounts must be 1 to {MAX_ACCOUNTS}");
    }
    if args.clients == 0 || args.clients > MAX_CLIENTS {
        bail!("--clients must be 1 to {MAX_CLIENTS}");
    }
    if args.duration_secs == 0 || args.duration_secs > MAX_DURATION_SECS {
        bail!("--duration-secs must be 1 to {MAX_DURATION_SECS}");
    }
    if args.hash_samples == 0 || args.hash_samples > MAX_HASH_SAMPLES {
        bail!("--hash-samples must be 1 to {MAX_HASH_SAMPLES}");
    }
    if args.probe_ms == 0 || args.probe_ms > 1000 {
        bail!("--probe-ms must be 1 to 1000");
    }
    let machine = Machine::read();
    let hash_threads = args
        .hash_threads
        .unwrap_or_else(PasswordHasher::default_threads)
        .max(1);
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let probe_every = Duration::from_millis(args.probe_ms);
    let duration = Duration::from_secs(args.duration_secs);

    println!("starting {}", binary.display());
    let server = Server::start(
        &binary,
        &[
            ("KODLEK_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
            ("KODLEK_HASH_THREADS", hash_threads.to_string()),
        ],
    )
    .await?;
    let port = server.port();
    // Let the hashing threads finish setting up their working memory.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_start = server.rss_bytes()?;
    println!(
        "server pid {} on 127.0.0.1:{port}, data in {}; RSS {}",
        server.pid(),
        server.data_dir().display(),
        mb(rss_start)
    );

    println!("timing {} hashes", args.hash_samples);
    let before = time_hashes(args.hash_samples).await;

    println!("probing /healthz while idle");
    let (health_idle, idle_failures) =
        probe_health(port, probe_every, Instant::now() + Duration::from_secs(3)).await;
    if idle_failures > 0 {
        bail!(
            "{idle_failures} health probes failed while idle; server log:\n{}",
            server.log_tail(40)
        );
    }

    println!("creating {} accounts", args.accounts);
    let mut conn = Conn::open(port).await?;
    let mut emails = Vec::with_capacity(args.accounts);
    for i in 0..args.accounts {
        let email = format!("bench{i}@example.org");
        let (status, body) = conn
            .post_json(
                "/api/v1/accounts",
                &[],
                &json!({
                    "role": "teacher",
                    "display_name": format!("Bench {i}"),
                    "email": email,
                    "password": PASSWORD,
                }),
            )
            .await
            .with_context(|| format!("signing up {email}"))?;
        if status != StatusCode::CREATED {
            bail!(
                "signing up {email}: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
        emails.push(email);
    }
    drop(conn);
    let emails = Arc::new(emails);

    println!(
        "storm: {} clients for {:?}, health probe every {:?}",
        args.clients, duration, probe_every
    );
    let cpu_before = CpuTimes::read();
    let start = Instant::now();
    let until = start + duration;
    let probe = tokio::spawn(probe_health(port, probe_every, until));
    let next_ip = Arc::new(AtomicU32::new(1));
    let clients: Vec<_> = (0..args.clients)
        .map(|i| {
            tokio::spawn(sign_in_loop(
                port,
                i,
                args.clients,
                emails.clone(),
                next_ip.clone(),
                until,
            ))
        })
        .collect();
    let (health_storm, health_failures) = probe.await?;
    let cpu_end = CpuTimes::read();
    let mut total = ClientTally::default();
    for c in clients {
        let t = c.await?;
        total.ok += t.ok;
        total.late += t.late;
        total.failed += t.failed;
        total.statuses.extend(t.statuses);
        total.latencies.extend(t.latencies);
    }
    total.latencies.sort();
    let rss_after = server.rss_bytes()?;
    let rss_peak = server.peak_rss_bytes()?;

    println!("timing {} hashes again", args.hash_samples);
    let after = time_hashes(args.hash_samples).await;
    let log = server.log_tail(20);
    let status = server.stop().await?;
    println!("server stopped ({status})");

    if !total.statuses.is_empty() {
        println!("first refusals or failures:");
        for s in total.statuses.iter().take(5) {
            println!("  {s}");
        }
        println!("server log (tail):\n{log}");
    }

    let mut all: Vec<Duration> = before.iter().chain(&after).copied().collect();
    all.sort();
    let hash_median = quantile(&all, 0.5);
    let figures = Figures {
        date: time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .unwrap_or_default(),
        machine: machine.describe(),
        cores: machine.cores,
        clients: args.clients,
        duration,
        probe_every,
        accounts: args.accounts,
        hash_threads,
        rss_start,
        hash_before: quantile(&before, 0.5),
        hash_after: quantile(&after, 0.5),
        hash_median,
        capacity: hash_threads as f64 / hash_median.as_secs_f64(),
        health_idle,
        sign_ins: total.ok,
        late: total.late,
        failed: total.failed,
        sign_in_latencies: total.latencies,
        rate: total.ok as f64 / duration.as_secs_f64(),
        health_storm,
        health_failures,
        rss_after,
        rss_peak,
        cpu: cpu_before.shares_until(&cpu_end),
    };
    println!();
    figures.print();

    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        kodlek_bench::write_section(&doc, HEADING, &figures.markdown())?;
        println!("wrote the \"Sign-in storm\" section of {}", doc.display());
    }
    Ok(())
}
