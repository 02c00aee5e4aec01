//! Media uploads: a 5 MB photo accepted and re-encoded within a second, and four at once
//! without the server's memory growing by more than 128 MB.
//!
//! Starts the release server on a fresh data directory (SQLite, media in the local directory),
//! signs up a learner aged 14, makes a JPEG of noise just under 5,000,000 bytes, then times
//! single uploads one after the other, and rounds of four uploads at once from four
//! connections while the server's resident memory is sampled. Each file is deleted after its
//! upload, so that the allowance never fills.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use hyper::{Method, StatusCode};
use kodlek_bench::{Conn, Machine, Server, mb, ms, quantile};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const HEADING: &str = "## Media uploads";
const PASSWORD: &str = "correct horse battery";
const MAX_BYTES: usize = 5_000_000;
const GOAL_ONE: Duration = Duration::from_secs(1);
const GOAL_GROWTH_BYTES: u64 = 128_000_000;

#[derive(Parser)]
#[command(
    name = "media-upload",
    about = "Uploads of 5 MB photos, one at a time and four at once, against the release server"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Single uploads timed one after the other.
    #[arg(long, default_value_t = 10)]
    singles: usize,
    /// Rounds of four uploads at once.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// The Markdown file whose "Media uploads" section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only; leave the Markdown file alone.
    #[arg(long)]
    no_doc: bool,
}

/// A JPEG of noise (which compresses badly, as photos do) as close under 5,000,000 bytes as a
/// few tries get it.
fn photo() -> anyhow::Result<Vec<u8>> {
    let (mut w, mut h) = (2400u32, 1800u32);
    for _ in 0..6 {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503))
                .wrapping_mul(2_246_822_519);
            image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
        if (4_500_000..=MAX_BYTES).contains(&out.len()) {
            return Ok(out);
        }
        let scale = ((MAX_BYTES as f64 * 0.95) / out.len() as f64).sqrt();
        w = (f64::from(w) * scale) as u32;
        h = (f64::from(h) * scale) as u32;
    }
    bail!("could not make a photo of about 5 MB")
}

/// Signs up a learner aged 14: the session cookie.
async fn sign_up(port: u16) -> anyhow::Result<String> {
    let mut conn = Conn::open(port).await?;
    let (status, headers, body) = conn
        .exchange(
            Method::POST,
            "/api/v1/accounts",
            &[],
            Some(serde_json::to_vec(&json!({
                "role": "student",
                "display_name": "Photographer",
                "email": "photographer@example.org",
                "password": PASSWORD,
                "age": 14,
            }))?),
        )
        .await?;
    if status != StatusCode::CREATED {
        bail!("signing up: {status} {}", String::from_utf8_lossy(&body));
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

/// Uploads the photo, then deletes it: the upload's time.
async fn upload(conn: &mut Conn, cookie: &str, photo: &[u8]) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let (status, body) = conn
        .send(
            Method::POST,
            "/api/v1/media",
            &[("cookie", cookie)],
            Some(photo.to_vec()),
        )
        .await?;
    let took = start.elapsed();
    if status != StatusCode::CREATED {
        bail!("upload: {status} {}", String::from_utf8_lossy(&body));
    }
    let v: Value = serde_json::from_slice(&body)?;
    let id = v["media"]["id"].as_str().context("no id")?;
    let (status, _) = conn
        .send(
            Method::DELETE,
            &format!("/api/v1/media/{id}"),
            &[("cookie", cookie)],
            None,
        )
        .await?;
    if status != StatusCode::NO_CONTENT {
        bail!("delete: {status}");
    }
    Ok(took)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.singles == 0 || args.rounds == 0 || args.singles > 100 || args.rounds > 100 {
        bail!("--singles and --rounds must be 1 to 100");
    }
    let machine = Machine::read();
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let photo = Arc::new(photo()?);
    println!("photo: {} bytes", photo.len());
    let server = Server::start(&binary, &[]).await?;
    let port = server.port();
    let cookie = sign_up(port).await?;

    // One at a time.
    let mut conn = Conn::open(port).await?;
    upload(&mut conn, &cookie, &photo).await?; // warms up the runtime and the allocator
    let mut singles = Vec::new();
    for _ in 0..args.singles {
        singles.push(upload(&mut conn, &cookie, &photo).await?);
    }
    singles.sort();
    let one_median = quantile(&singles, 0.5);
    let one_max = *singles.last().expect("at least one");

    // Four at once, memory sampled throughout.
    let before = server.rss_bytes()?;
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let pid = server.pid();
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(rss) = rss_of(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut fours = Vec::new();
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(Conn::open(port).await?);
    }
    for _ in 0..args.rounds {
        let mut tasks = Vec::new();
        for mut c in conns.drain(..) {
            let (cookie, photo) = (cookie.clone(), photo.clone());
            tasks.push(tokio::spawn(async move {
                let took = upload(&mut c, &cookie, &photo).await;
                (c, took)
            }));
        }
        for t in tasks {
            let (c, took) = t.await?;
            fours.push(took?);
            conns.push(c);
        }
    }
    done.store(true, Ordering::Relaxed);
    sampler.await?;
    fours.sort();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(before);
    let four_p50 = quantile(&fours, 0.5);
    let four_max = *fours.last().expect("at least one");
    server.stop().await?;

    let one_met = one_max <= GOAL_ONE;
    let growth_met = growth <= GOAL_GROWTH_BYTES;
    println!(
        "one at a time: median {}, slowest {} (goal {}: {})",
        ms(one_median),
        ms(one_max),
        ms(GOAL_ONE),
        if one_met { "met" } else { "NOT MET" }
    );
    println!(
        "four at once: median {}, slowest {}; memory grew {} (goal at most {}: {})",
        ms(four_p50),
        ms(four_max),
        mb(growth),
        mb(GOAL_GROWTH_BYTES),
        if growth_met { "met" } else { "NOT MET" }
    );
    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        let s = format!(
            "{HEADING}

`bench/src/bin/media-upload.rs` uploads a JPEG of noise of {bytes} bytes (noise compresses as
badly as photos do) as a learner aged 14 to the release server (SQLite, media in the local
directory): {singles} uploads one after the other, then {rounds} rounds of four at once from
four connections while the server's resident memory is sampled every 5 ms. Each upload is
decoded, re-encoded and stored, then deleted.

```sh
export CARGO_TARGET_DIR=/var/tmp/kodlek-target
cargo build --release -p kodlek
cargo run --release -p kodlek-bench --bin media-upload
```

Last run:

- date: {date}
- machine: {machine}

| | median | slowest |
|---|---|---|
| one at a time | {one_median} | {one_max} |
| four at once | {four_p50} | {four_max} |

One upload within 1 s: {one_word}. Memory growth with four at once: {growth} (goal: at most
128 MB; {growth_word}).
",
            bytes = photo.len(),
            singles = args.singles,
            rounds = args.rounds,
            date = time::OffsetDateTime::now_utc().date(),
            machine = machine.describe(),
            one_median = ms(one_median),
            one_max = ms(one_max),
            four_p50 = ms(four_p50),
            four_max = ms(four_max),
            one_word = if one_met { "met" } else { "**not met**" },
            growth = mb(growth),
            growth_word = if growth_met { "met" } else { "**not met**" },
        );
        kodlek_bench::write_section(&doc, HEADING, &s)?;
        println!("wrote {}", doc.display());
    }
    Ok(())
}

/// The resident memory of process `pid` now (`VmRSS`), in bytes.
fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
