//! The cost of request logs: attempts per second with request logging on and off, in one run.
//!
//! Starts the release server (SQLite) alternately with request logs on (`KODLEK_LOG_DAYS=30`)
//! and off (`KODLEK_LOG_DAYS=0`), in rounds whose order alternates, so that a machine that
//! grows busier during the run weighs on both alike. Each start measures `GET /healthz` per
//! second as its baseline, then the highest rate of attempts. The goal: with logging on, at
//! least 95 % of the attempts per second of the same round with logging off.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::bail;
use clap::Parser;
use kodlek_bench::load::{Job, Pace, attempt_jobs, phase, sign_up};
use kodlek_bench::{Machine, Server, ms, quantile};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const HEADING: &str = "## Request logs";
const GOAL_RATIO: f64 = 0.95;
const MAX_ROUNDS: usize = 10;
const MAX_PHASE_SECS: u64 = 60;

#[derive(Parser)]
#[command(
    name = "request-log",
    about = "Attempts per second with request logs on and off, against the release server"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Rounds of one start with logging off and one with it on.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Students signed up on each start.
    #[arg(long, default_value_t = 40)]
    students: usize,
    /// Length of each healthz baseline in seconds.
    #[arg(long, default_value_t = 4)]
    healthz_secs: u64,
    /// Length of each attempts phase in seconds.
    #[arg(long, default_value_t = 8)]
    secs: u64,
    /// The Markdown file whose "Request logs" section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only; leave the Markdown file alone.
    #[arg(long)]
    no_doc: bool,
}

/// One start of the server.
struct Run {
    healthz_rps: f64,
    attempts_rps: f64,
    p99: Duration,
    failed: u64,
    /// Lines in the request log at the end (logging on only).
    lines: u64,
    /// Requests the client sent that were answered (all phases and sign-ups).
    requests: u64,
}

async fn run(args: &Args, binary: &Path, logging: bool) -> anyhow::Result<Run> {
    let env = vec![
        ("KODLEK_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
        (
            "KODLEK_LOG_DAYS",
            if logging { "30" } else { "0" }.to_owned(),
        ),
    ];
    let server = Server::start(binary, &env).await?;
    let port = server.port();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let conns = args.connections;
    let health = Arc::new(vec![Job {
        path: "/healthz".to_owned(),
        body: None,
    }]);
    let hd = Duration::from_secs(args.healthz_secs);
    let healthz = phase(port, conns, &[], &health, Pace::Closed, hd).await?;
    let mut cookies = Vec::with_capacity(args.students);
    for n in 1..=args.students {
        cookies.push(tokio::task::spawn_blocking(move || sign_up(port, n)).await??);
    }
    let jobs = Arc::new(attempt_jobs()?);
    let d = Duration::from_secs(args.secs);
    let attempts = phase(port, conns, &cookies, &jobs, Pace::Closed, d).await?;
    if attempts.ok == 0 {
        bail!(
            "no attempt was answered as expected: {:?}; server log:\n{}",
            attempts.errors.first(),
            server.log_tail(20)
        );
    }
    // The writer flushes after each batch; a moment for the last one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lines = count_lines(&server.data_dir().join("data").join("logs"));
    server.stop().await?;
    Ok(Run {
        healthz_rps: healthz.ok as f64 / hd.as_secs_f64(),
        attempts_rps: attempts.ok as f64 / d.as_secs_f64(),
        p99: quantile(&attempts.latencies, 0.99),
        failed: healthz.failed + attempts.failed,
        lines,
        requests: healthz.ok + healthz.late + attempts.ok + attempts.late + args.students as u64,
    })
}

fn count_lines(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok())
        .map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64)
        .sum()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.rounds == 0 || args.rounds > MAX_ROUNDS {
        bail!("--rounds must be 1 to {MAX_ROUNDS}");
    }
    for s in [args.healthz_secs, args.secs] {
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

    let mut rows = Vec::new();
    for round in 0..args.rounds {
        // Alternate which goes first.
        let order = if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        let mut off = None;
        let mut on = None;
        for logging in order {
            println!(
                "round {}: request logs {}",
                round + 1,
                if logging { "on" } else { "off" }
            );
            let r = run(&args, &binary, logging).await?;
            if logging {
                on = Some(r);
            } else {
                off = Some(r);
            }
        }
        rows.push((off.expect("ran"), on.expect("ran")));
    }

    let ratio = median(
        rows.iter()
            .map(|(off, on)| on.attempts_rps / off.attempts_rps.max(1e-9))
            .collect(),
    );
    let failed: u64 = rows.iter().map(|(a, b)| a.failed + b.failed).sum();
    let lost: u64 = rows
        .iter()
        .map(|(_, on)| on.requests.saturating_sub(on.lines))
        .sum();
    let met = ratio >= GOAL_RATIO && failed == 0;
    let mut table = String::from(
        "| round | healthz/s off / on | attempts/s off / on | on ÷ off | attempts p99 off / on | lines written (on) |\n|---|---|---|---|---|---|\n",
    );
    for (i, (off, on)) in rows.iter().enumerate() {
        let line = format!(
            "| {} | {:.0} / {:.0} | {:.0} / {:.0} | {:.1} % | {} / {} | {} of {} |\n",
            i + 1,
            off.healthz_rps,
            on.healthz_rps,
            off.attempts_rps,
            on.attempts_rps,
            on.attempts_rps / off.attempts_rps.max(1e-9) * 100.0,
            ms(off.p99),
            ms(on.p99),
            on.lines,
            on.requests
        );
        print!("{line}");
        table.push_str(&line);
    }
    println!("machine: {}", machine.describe());
    println!(
        "median on ÷ off: {:.1} % (goal at least {:.0} %): {}",
        ratio * 100.0,
        GOAL_RATIO * 100.0,
        if met { "met" } else { "NOT met" }
    );

    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        let s = format!(
            "{HEADING}

`bench/src/bin/request-log.rs` measures what the request logs (TECH-1) cost. In each of
{rounds} rounds it starts the release server (SQLite, a fresh data directory) twice, once with
request logs off (`KODLEK_LOG_DAYS=0`) and once on (the default 30 days), the order alternating
between rounds. Each start measures `GET /healthz` per second from {conns} keep-alive
connections for {hs} s (the baseline of that start), signs up {students} students, and then
posts attempts in a closed loop for {secs} s, as the attempts benchmark does. \"Lines written\"
counts the log's lines against the requests answered; lines the writer could not keep up with
would be missing there.

```sh
export CARGO_TARGET_DIR=/var/tmp/kodlek-target
cargo build --release -p kodlek
cargo run --release -p kodlek-bench --bin request-log
```

Last run:

- date: {date}
- machine: {machine}

{table}
Median of attempts per second with logging on as a share of the same round with it off:
**{ratio:.1} %** (goal: at least 95 %; {met_word}). Requests failed: {failed}. Lines missing
from the log: {lost}.
",
            rounds = args.rounds,
            conns = args.connections,
            hs = args.healthz_secs,
            students = args.students,
            secs = args.secs,
            machine = machine.describe(),
            ratio = ratio * 100.0,
            met_word = if met { "met" } else { "**not met**" },
        );
        kodlek_bench::write_section(&doc, HEADING, &s)?;
        println!("wrote {}", doc.display());
    }
    Ok(())
}
