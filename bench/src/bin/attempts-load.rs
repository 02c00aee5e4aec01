//! Attempts under load: signed-in students send maze attempts from many keep-alive connections.
//!
//! Starts the release server on a fresh data directory (SQLite, and PostgreSQL as well when
//! `--database-url` names a server: a fresh database is created on it and dropped at the end),
//! measures `GET /healthz` requests per second as the baseline with the same client, then the
//! highest rate of attempts it answers, then the latency at a fixed rate of half that, and the
//! server's memory under that load.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use kodlek_bench::load::{COURSE, Job, Pace, Tally, attempt_jobs, phase, sign_up};
use kodlek_bench::{CpuTimes, Machine, Server, mb, ms, quantile};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const HEADING: &str = "## Attempts under load";
/// Sign-up is limited to 100 accounts an hour from one address; each gets its own address.
const MAX_STUDENTS: usize = 90;
const MAX_CONNECTIONS: usize = 256;
const MAX_PHASE_SECS: u64 = 60;

const GOAL_SHARE: f64 = 0.12;
const GOAL_MAX_P99: Duration = Duration::from_millis(25);
const GOAL_FIXED_P99: Duration = Duration::from_millis(10);
const GOAL_RSS_BYTES: u64 = 200_000_000;

#[derive(Parser)]
#[command(
    name = "attempts-load",
    about = "Attempts under load against the release server binary"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    /// A PostgreSQL server's URL (for example postgres://postgres@127.0.0.1:5432/test): also
    /// run against PostgreSQL, in a fresh database created there and dropped at the end.
    #[arg(long)]
    database_url: Option<String>,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Students signed up; the connections use their sessions round robin.
    #[arg(long, default_value_t = 40)]
    students: usize,
    /// Length of the healthz baseline in seconds.
    #[arg(long, default_value_t = 8)]
    healthz_secs: u64,
    /// Length of the closed-loop phase (the highest rate) in seconds.
    #[arg(long, default_value_t = 10)]
    max_secs: u64,
    /// Length of the fixed-rate phase in seconds.
    #[arg(long, default_value_t = 8)]
    fixed_secs: u64,
    /// The Markdown file whose "Attempts under load" section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only; leave the Markdown file alone.
    #[arg(long)]
    no_doc: bool,
}

struct Backend {
    name: &'static str,
    healthz_rps: f64,
    healthz: Tally,
    max_rate: f64,
    max: Tally,
    fixed_rate: f64,
    fixed: Tally,
    fixed_achieved: f64,
    rss_start: u64,
    rss_under_load: u64,
    rss_peak: u64,
    cpu_max: (f64, f64, f64),
    cpu_fixed: (f64, f64, f64),
}

impl Backend {
    fn share(&self) -> f64 {
        self.max_rate / self.healthz_rps.max(1e-9)
    }

    fn goals(&self) -> [(&'static str, bool); 5] {
        [
            (
                "attempts/s as a share of healthz/s",
                self.share() >= GOAL_SHARE,
            ),
            (
                "p99 at the highest rate",
                quantile(&self.max.latencies, 0.99) <= GOAL_MAX_P99,
            ),
            (
                "p99 at half the highest rate",
                quantile(&self.fixed.latencies, 0.99) <= GOAL_FIXED_P99,
            ),
            (
                "server RSS under load",
                self.rss_under_load.max(self.rss_peak) < GOAL_RSS_BYTES,
            ),
            (
                "attempts refused or failed",
                self.max.failed + self.fixed.failed + self.healthz.failed == 0,
            ),
        ]
    }

    fn print(&self) {
        println!("[{}]", self.name);
        println!(
            "healthz:       {:.0}/s ({} ok, {} failed), p50 {}, p99 {}",
            self.healthz_rps,
            self.healthz.ok,
            self.healthz.failed,
            ms(quantile(&self.healthz.latencies, 0.5)),
            ms(quantile(&self.healthz.latencies, 0.99))
        );
        println!(
            "attempts max:  {:.0}/s = {:.1} % of healthz ({} ok, {} late, {} failed), p50 {}, p99 {}, max {}",
            self.max_rate,
            self.share() * 100.0,
            self.max.ok,
            self.max.late,
            self.max.failed,
            ms(quantile(&self.max.latencies, 0.5)),
            ms(quantile(&self.max.latencies, 0.99)),
            ms(quantile(&self.max.latencies, 1.0))
        );
        println!(
            "attempts fixed: {:.0}/s asked, {:.0}/s answered ({} failed), p50 {}, p99 {}, max {}",
            self.fixed_rate,
            self.fixed_achieved,
            self.fixed.failed,
            ms(quantile(&self.fixed.latencies, 0.5)),
            ms(quantile(&self.fixed.latencies, 0.99)),
            ms(quantile(&self.fixed.latencies, 1.0))
        );
        println!(
            "server time:   p50 {} / p99 {} at the highest rate, p50 {} / p99 {} at the fixed rate",
            ms(quantile(&self.max.server, 0.5)),
            ms(quantile(&self.max.server, 0.99)),
            ms(quantile(&self.fixed.server, 0.5)),
            ms(quantile(&self.fixed.server, 0.99))
        );
        println!(
            "RSS:           start {}, under load {}, peak {}",
            mb(self.rss_start),
            mb(self.rss_under_load),
            mb(self.rss_peak)
        );
        println!(
            "CPU busy:      {:.0} % at the highest rate, {:.0} % at the fixed rate",
            self.cpu_max.0 * 100.0,
            self.cpu_fixed.0 * 100.0
        );
        for e in self
            .healthz
            .errors
            .iter()
            .chain(&self.max.errors)
            .chain(&self.fixed.errors)
            .take(5)
        {
            println!("  error: {e}");
        }
        for (goal, met) in self.goals() {
            println!("goal {goal}: {}", if met { "met" } else { "NOT met" });
        }
    }

    fn markdown(&self) -> String {
        let yes = |b: bool| if b { "yes" } else { "**no**" };
        let [share_ok, max_ok, fixed_ok, rss_ok, failed_ok] = self.goals().map(|(_, met)| yes(met));
        let q = |t: &Tally, p| ms(quantile(&t.latencies, p));
        format!(
            "### {name}

| figure | value | goal | met |
|---|---|---|---|
| `GET /healthz` per second, 64 connections (baseline) | {hrps:.0}/s (p50 {hp50}, p99 {hp99}) | | |
| attempts per second at the highest rate | {mrate:.0}/s | | |
| attempts/s as a share of healthz/s | {share:.1} % | at least 12 % | {share_ok} |
| latency at the highest rate, p50 / p99 / max | {mp50} / {mp99} / {mmax} | p99 at most 25 ms | {max_ok} |
| fixed rate asked / answered | {frate:.0}/s / {fach:.0}/s | | |
| latency at the fixed rate, p50 / p99 / max | {fp50} / {fp99} / {fmax} | p99 at most 10 ms | {fixed_ok} |
| the server's own time (`Server-Timing`), p50 / p99, highest rate and fixed rate | {smp50} / {smp99}; {sfp50} / {sfp99} | | |
| server VmRSS under load (VmHWM) | {rss} ({peak}) | under 200 MB | {rss_ok} |
| requests refused or failed | {failed} | none | {failed_ok} |

Server RSS after start: {rss_start}. Attempts answered after the end of the closed-loop phase
({late}) are not counted in its rate. The machine's CPU was {cmax:.0} % busy at the highest
rate and {cfix:.0} % at the fixed rate ({steal:.1} % stolen by the hypervisor at the highest).
",
            name = self.name,
            hrps = self.healthz_rps,
            hp50 = q(&self.healthz, 0.5),
            hp99 = q(&self.healthz, 0.99),
            mrate = self.max_rate,
            share = self.share() * 100.0,
            mp50 = q(&self.max, 0.5),
            mp99 = q(&self.max, 0.99),
            mmax = q(&self.max, 1.0),
            frate = self.fixed_rate,
            fach = self.fixed_achieved,
            fp50 = q(&self.fixed, 0.5),
            fp99 = q(&self.fixed, 0.99),
            fmax = q(&self.fixed, 1.0),
            smp50 = ms(quantile(&self.max.server, 0.5)),
            smp99 = ms(quantile(&self.max.server, 0.99)),
            sfp50 = ms(quantile(&self.fixed.server, 0.5)),
            sfp99 = ms(quantile(&self.fixed.server, 0.99)),
            rss = mb(self.rss_under_load),
            peak = mb(self.rss_peak),
            failed = self.max.failed + self.fixed.failed + self.healthz.failed,
            rss_start = mb(self.rss_start),
            late = self.max.late,
            cmax = self.cpu_max.0 * 100.0,
            cfix = self.cpu_fixed.0 * 100.0,
            steal = self.cpu_max.2 * 100.0,
        )
    }
}

async fn run_backend(
    args: &Args,
    binary: &Path,
    name: &'static str,
    database_url: Option<String>,
) -> anyhow::Result<Backend> {
    let mut env = vec![("KODLEK_TRUSTED_PROXIES", "127.0.0.1".to_owned())];
    if let Some(url) = database_url {
        env.push(("KODLEK_DATABASE_URL", url));
    }
    println!("[{name}] starting {}", binary.display());
    let server = Server::start(binary, &env).await?;
    let port = server.port();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_start = server.rss_bytes()?;
    let conns = args.connections;

    println!(
        "[{name}] healthz baseline: {conns} connections for {} s",
        args.healthz_secs
    );
    let health_jobs = Arc::new(vec![Job {
        path: "/healthz".to_owned(),
        body: None,
    }]);
    let healthz_dur = Duration::from_secs(args.healthz_secs);
    let healthz = phase(port, conns, &[], &health_jobs, Pace::Closed, healthz_dur).await?;
    let healthz_rps = healthz.ok as f64 / healthz_dur.as_secs_f64();

    println!("[{name}] signing up {} students", args.students);
    let mut cookies = Vec::with_capacity(args.students);
    for n in 1..=args.students {
        let c = tokio::task::spawn_blocking(move || sign_up(port, n)).await??;
        cookies.push(c);
    }
    let jobs = Arc::new(attempt_jobs()?);

    println!(
        "[{name}] attempts, closed loop: {conns} connections for {} s",
        args.max_secs
    );
    let max_dur = Duration::from_secs(args.max_secs);
    let cpu0 = CpuTimes::read();
    let max = phase(port, conns, &cookies, &jobs, Pace::Closed, max_dur).await?;
    let cpu_max = cpu0.shares_until(&CpuTimes::read());
    let max_rate = max.ok as f64 / max_dur.as_secs_f64();

    if max.ok == 0 {
        bail!(
            "[{name}] no attempt was answered as expected: {:?}; server log:\n{}",
            max.errors.first(),
            server.log_tail(20)
        );
    }
    let fixed_rate = max_rate / 2.0;
    println!(
        "[{name}] attempts, fixed rate {fixed_rate:.0}/s for {} s",
        args.fixed_secs
    );
    let fixed_dur = Duration::from_secs(args.fixed_secs);
    let every = Duration::from_secs_f64(1.0 / fixed_rate);
    let cpu0 = CpuTimes::read();
    let sampler = {
        let pid = server.pid();
        tokio::spawn(async move {
            // VmRSS sampled through the fixed-rate phase; the highest sample is kept.
            let mut highest = 0u64;
            let end = Instant::now() + fixed_dur;
            while Instant::now() < end {
                tokio::time::sleep(Duration::from_millis(250)).await;
                if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                    && let Some(k) = s
                        .lines()
                        .find_map(|l| l.strip_prefix("VmRSS:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                {
                    highest = highest.max(k * 1024);
                }
            }
            highest
        })
    };
    let fixed = phase(
        port,
        conns,
        &cookies,
        &jobs,
        Pace::Fixed { every, conns },
        fixed_dur,
    )
    .await?;
    let cpu_fixed = cpu0.shares_until(&CpuTimes::read());
    let rss_under_load = sampler.await?.max(server.rss_bytes()?);
    let rss_peak = server.peak_rss_bytes()?;
    let fixed_achieved = (fixed.ok + fixed.late) as f64 / fixed_dur.as_secs_f64();
    let log = server.log_tail(20);
    let status = server.stop().await?;
    println!("[{name}] server stopped ({status})");
    let b = Backend {
        name,
        healthz_rps,
        healthz,
        max_rate,
        max,
        fixed_rate,
        fixed,
        fixed_achieved,
        rss_start,
        rss_under_load,
        rss_peak,
        cpu_max,
        cpu_fixed,
    };
    if b.max.failed + b.fixed.failed + b.healthz.failed > 0 {
        println!("[{name}] server log (tail):\n{log}");
    }
    Ok(b)
}

/// A fresh database on the PostgreSQL server of `admin_url`: created now, dropped on drop.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(admin_url: &str) -> anyhow::Result<PgDatabase> {
        let (base, _db) = admin_url
            .rsplit_once('/')
            .filter(|(b, _)| b.contains("://") && b.len() > b.find("://").unwrap_or(0) + 3)
            .context("--database-url must look like postgres://user@host:port/database")?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("kodlek_bench_{}_{nanos}", std::process::id());
        psql(admin_url, &format!("CREATE DATABASE {name}"))?;
        Ok(PgDatabase {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        match psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {}", self.name),
        ) {
            Ok(()) => println!("dropped database {}", self.name),
            Err(e) => eprintln!("dropping database {}: {e:#}", self.name),
        }
    }
}

fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let out = std::process::Command::new("psql")
        .arg("-d")
        .arg(url)
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-c")
        .arg(sql)
        .output()
        .context("running psql")?;
    if !out.status.success() {
        bail!(
            "psql `{sql}`: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.students == 0 || args.students > MAX_STUDENTS {
        bail!("--students must be 1 to {MAX_STUDENTS}");
    }
    if args.connections == 0 || args.connections > MAX_CONNECTIONS {
        bail!("--connections must be 1 to {MAX_CONNECTIONS}");
    }
    for s in [args.healthz_secs, args.max_secs, args.fixed_secs] {
        if s == 0 || s > MAX_PHASE_SECS {
            bail!("every phase must last 1 to {MAX_PHASE_SECS} s");
        }
    }
    let machine = Machine::read();
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let date = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();

    let mut backends = vec![run_backend(&args, &binary, "SQLite", None).await?];
    if let Some(admin) = &args.database_url {
        let db = PgDatabase::create(admin)?;
        println!("created database {}", db.name);
        let b = run_backend(&args, &binary, "PostgreSQL", Some(db.url.clone())).await;
        drop(db);
        backends.push(b?);
    }

    println!();
    println!("machine: {}", machine.describe());
    for b in &backends {
        b.print();
    }

    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        let mut s = format!(
            "{HEADING}

`bench/src/bin/attempts-load.rs` starts the release server on a fresh data directory and a
free port on 127.0.0.1 (with `KODLEK_TRUSTED_PROXIES=127.0.0.1`, so that every sign-up can
come from its own `X-Forwarded-For` address). For each backend it first measures the baseline:
`GET /healthz` from {conns} concurrent keep-alive connections for {hs} s, with the same client.
It then signs up {students} students and, from {conns} connections each using one student's
session (round robin), posts attempts at every maze level of `{COURSE}`: the level's reference
solution, and every 4th attempt a one-block program that fails. Every answer must be 200 with
`\"saved\": true`. First in a closed loop for {ms_} s (the highest rate), then in an open loop
at half that rate for {fs} s: sends are due at fixed intervals, spread over the connections,
and latency counts from the time a send was due. VmRSS is sampled during the fixed-rate phase.
For PostgreSQL a fresh database `kodlek_bench_*` is created on the given server and dropped at
the end. Latencies are measured by the client; MB are 10^6 bytes.

```sh
export CARGO_TARGET_DIR=/var/tmp/kodlek-target
cargo build --release -p kodlek
cargo run --release -p kodlek-bench --bin attempts-load -- \\
    --database-url postgres://postgres@127.0.0.1:5432/test
```

Options: `--server PATH`, `--database-url URL` (without it, SQLite only), `--connections N`,
`--students N`, `--healthz-secs S`, `--max-secs S`, `--fixed-secs S`, `--no-doc`. A run
rewrites this section.

Last run:

- date: {date}
- machine: {machine}

",
            conns = args.connections,
            hs = args.healthz_secs,
            students = args.students,
            ms_ = args.max_secs,
            fs = args.fixed_secs,
            machine = machine.describe(),
        );
        for b in &backends {
            s.push_str(&b.markdown());
            s.push('\n');
        }
        let missed: Vec<String> = backends
            .iter()
            .flat_map(|b| {
                b.goals()
                    .into_iter()
                    .filter(|(_, met)| !met)
                    .map(move |(g, _)| format!("{} ({})", g, b.name))
            })
            .collect();
        if missed.is_empty() {
            s.push_str("Every goal was met in this run.\n");
        } else {
            s.push_str(&format!(
                "Goals not met in this run: {}.\n",
                missed.join("; ")
            ));
        }
        kodlek_bench::write_section(&doc, HEADING, &s)?;
        println!(
            "wrote the \"Attempts under load\" section of {}",
            doc.display()
        );
    }
    Ok(())
}
