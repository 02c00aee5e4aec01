//! The gallery: its page and its API with a thousand shared projects, unloaded and while
//! signed-in attempts run at half the highest rate measured in the same run.
//!
//! Starts the release server on a fresh data directory (SQLite). Students sign up (each from
//! an address of its own) and share projects to the gallery, half drawings and half sprites
//! games. Then it measures the server's own time (its `Server-Timing` header) for
//! `GET /gallery`, `GET /api/v1/gallery` and the second page, and the page while attempts run.
//! Prints the figures; it writes no file.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use hyper::{Method, StatusCode};
use kodlek_bench::{Conn, ms, quantile};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const GOAL_LOADED_P99: Duration = Duration::from_millis(20);

#[derive(Parser)]
#[command(
    name = "gallery-load",
    about = "The gallery, unloaded and under attempts"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    #[arg(long, default_value_t = 50)]
    students: usize,
    /// Shared projects per student.
    #[arg(long, default_value_t = 20)]
    projects: usize,
    #[arg(long, default_value_t = 400)]
    samples: usize,
    #[arg(long, default_value_t = 64)]
    connections: usize,
    #[arg(long, default_value_t = 6)]
    max_secs: u64,
    #[arg(long, default_value_t = 10)]
    load_secs: u64,
}

const ARTIST: &str = r#"{"blocks":{"languageVersion":0,"blocks":[{"type":"when_run","next":{"block":{"type":"controls_repeat","fields":{"TIMES":36},"inputs":{"DO":{"block":{"type":"artist_move_forward","fields":{"DISTANCE":80},"next":{"block":{"type":"artist_turn","fields":{"DIR":"turnRight","ANGLE":170}}}}}}}}}]}}"#;
const SPRITES: &str = r#"{"blocks":{"languageVersion":0,"blocks":[{"type":"when_run","next":{"block":{"type":"sprites_costume","fields":{"SPRITE":"1","COSTUME":"dog"}}}},{"type":"sprites_when_key","fields":{"KEY":"right"},"next":{"block":{"type":"sprites_move","fields":{"SPRITE":"1","DIR":"right","STEPS":10}}}}]}}"#;

async fn call(
    conn: &mut Conn,
    method: Method,
    path: &str,
    cookie: &str,
    body: Value,
    expect: StatusCode,
) -> anyhow::Result<Value> {
    let (status, _, bytes) = conn
        .exchange(
            method,
            path,
            &[("cookie", cookie)],
            Some(serde_json::to_vec(&body)?),
        )
        .await?;
    if status != expect {
        bail!(
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
    }
    Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Each student shares `projects` projects to the gallery; their session cookies.
async fn fill(port: u16, students: usize, projects: usize) -> anyhow::Result<Vec<String>> {
    let mut cookies = Vec::new();
    let mut conn = Conn::open(port).await?;
    for n in 0..students {
        let cookie = kodlek_bench::load::sign_up(port, n + 1)?;
        for k in 0..projects {
            let (kind, program) = if k % 2 == 0 {
                ("artist", ARTIST)
            } else {
                ("sprites", SPRITES)
            };
            let made = call(
                &mut conn,
                Method::POST,
                "/api/v1/projects",
                &cookie,
                json!({"kind": kind, "title": format!("Work {n}-{k}"), "program": serde_json::from_str::<Value>(program)?}),
                StatusCode::CREATED,
            )
            .await?;
            let id = made["project"]["id"]
                .as_str()
                .context("a project id")?
                .to_owned();
            call(
                &mut conn,
                Method::PATCH,
                &format!("/api/v1/projects/{id}"),
                &cookie,
                json!({"sharing": "gallery"}),
                StatusCode::OK,
            )
            .await?;
        }
        cookies.push(cookie);
    }
    Ok(cookies)
}

/// Sequential GETs: the server's own times, sorted.
async fn probe(
    port: u16,
    path: &str,
    samples: usize,
    every: Duration,
) -> anyhow::Result<Vec<Duration>> {
    let mut conn = Conn::open(port).await?;
    let mut server = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        let (status, h, _) = conn.exchange(Method::GET, path, &[], None).await?;
        if status != StatusCode::OK {
            bail!("{path}: {status}");
        }
        server.push(kodlek_bench::server_time(&h).context("no Server-Timing header")?);
        if every > Duration::ZERO {
            tokio::time::sleep(every.saturating_sub(t.elapsed())).await;
        }
    }
    server.sort();
    Ok(server)
}

/// Signed-in maze attempts: closed loop (`every` None) or one due every `every` in all.
async fn attempts(
    port: u16,
    cookies: Vec<String>,
    conns: usize,
    every: Option<Duration>,
    secs: u64,
) -> anyhow::Result<u64> {
    let jobs = Arc::new(kodlek_bench::load::attempt_jobs()?);
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..conns)
        .map(|c| {
            let cookie = cookies[c % cookies.len()].clone();
            let jobs = jobs.clone();
            tokio::spawn(async move {
                let mut conn = Conn::open(port).await?;
                let mut ok = 0u64;
                for j in 0.. {
                    if let Some(every) = every {
                        let due = start + every.mul_f64((c + j * conns) as f64);
                        if due >= until {
                            break;
                        }
                        tokio::time::sleep_until(due.into()).await;
                    } else if Instant::now() >= until {
                        break;
                    }
                    let job = &jobs[(c + j) % jobs.len()];
                    let (status, _) = conn
                        .send(
                            Method::POST,
                            &job.path,
                            &[("cookie", &cookie)],
                            job.body.clone(),
                        )
                        .await?;
                    if status == StatusCode::OK && Instant::now() <= until {
                        ok += 1;
                    }
                }
                anyhow::Ok(ok)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let server = kodlek_bench::Server::start(&binary, &[]).await?;
    let port = server.port();
    let cookies = fill(port, args.students, args.projects).await?;
    let first = probe(port, "/api/v1/gallery", 1, Duration::ZERO).await;
    let next = {
        let mut conn = Conn::open(port).await?;
        let (_, body) = conn.get("/api/v1/gallery").await?;
        let v: Value = serde_json::from_slice(&body)?;
        v["next"].as_str().context("a second page")?.to_owned()
    };
    first?;
    probe(port, "/gallery", 20, Duration::ZERO).await?;
    let page = probe(port, "/gallery", args.samples, Duration::ZERO).await?;
    let api = probe(
        port,
        "/api/v1/gallery?kind=sprites",
        args.samples,
        Duration::ZERO,
    )
    .await?;
    let second = probe(
        port,
        &format!("/api/v1/gallery?before={next}"),
        args.samples,
        Duration::ZERO,
    )
    .await?;

    let max = attempts(port, cookies.clone(), args.connections, None, args.max_secs).await?;
    let half = max as f64 / args.max_secs as f64 / 2.0;
    let every = Duration::from_secs_f64(1.0 / half.max(1.0));
    let load = tokio::spawn(attempts(
        port,
        cookies,
        args.connections,
        Some(every),
        args.load_secs,
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let probes = ((args.load_secs * 1000 - 1500) / 25) as usize;
    let loaded = probe(port, "/gallery", probes, Duration::from_millis(25)).await?;
    load.await??;
    server.stop().await?;

    let q = quantile;
    let shared = args.students * args.projects;
    println!("## Gallery ({shared} shared projects)\n");
    println!("| measure | p50 | p99 |");
    println!("|---|---|---|");
    for (name, v) in [
        ("GET /gallery", &page),
        ("GET /api/v1/gallery?kind=sprites", &api),
        ("GET /api/v1/gallery, second page", &second),
        ("GET /gallery during attempts at half rate", &loaded),
    ] {
        println!("| {name} | {} | {} |", ms(q(v, 0.5)), ms(q(v, 0.99)));
    }
    let met = q(&loaded, 0.99) <= GOAL_LOADED_P99;
    println!(
        "\nGoal: the page's server time p99 {} or less under attempts at half rate ({half:.0}/s): {}",
        ms(GOAL_LOADED_P99),
        if met { "met" } else { "**not met**" }
    );
    Ok(())
}
