//! The teacher's dashboard: a section of 40 students over a 300-level course.
//!
//! Starts the release server on a fresh data directory (SQLite) with a generated 300-level
//! maze course added through `KODLEK_CONTENT_DIR`. A verified teacher creates a picture
//! section with 40 students; each signs in with their picture and carries realistic progress
//! (from a few levels to all of them, some stuck, re-judged by the server on import). Then it
//! measures, from the same client: `GET /healthz` (the baseline) and the dashboard page
//! `GET /sections/{id}` unloaded (the server's own time, from its `Server-Timing` header, and
//! the time seen by the client), the page's gzip-compressed size, and the dashboard while
//! signed-in attempts run at half the highest rate measured in the same run.
//!
//! Build the server first: `cargo build --release -p kodlek`.

use anyhow::{Context, bail};
use clap::Parser;
use hyper::{Method, StatusCode};
use kodlek_bench::{Conn, Machine, Server, mb, ms, quantile};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const HEADING: &str = "## Teacher's dashboard";
const COURSE: &str = "bench-300";
const GOAL_P50: Duration = Duration::from_millis(5);
const GOAL_P99: Duration = Duration::from_millis(15);
const GOAL_LOADED_P99: Duration = Duration::from_millis(50);
const GOAL_GZIP_BYTES: usize = 100_000;

#[derive(Parser)]
#[command(
    name = "dashboard-load",
    about = "The teacher's dashboard, unloaded and under attempts"
)]
struct Args {
    /// The server binary; default: $CARGO_TARGET_DIR/release/kodlek.
    #[arg(long)]
    server: Option<PathBuf>,
    #[arg(long, default_value_t = 40)]
    students: usize,
    #[arg(long, default_value_t = 300)]
    levels: usize,
    /// Dashboard requests per measurement.
    #[arg(long, default_value_t = 400)]
    samples: usize,
    /// Connections of the attempts load.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Length of the closed-loop attempts phase (the highest rate) in seconds.
    #[arg(long, default_value_t = 6)]
    max_secs: u64,
    /// Length of the half-rate phase, during which the dashboard is probed, in seconds.
    #[arg(long, default_value_t = 10)]
    load_secs: u64,
    /// The Markdown file whose section is rewritten.
    #[arg(long)]
    doc: Option<PathBuf>,
    /// Print the figures only.
    #[arg(long)]
    no_doc: bool,
}

/// A course of `n` levels: corridors of one to five steps, ten levels a lesson.
fn course_file(n: usize) -> String {
    let mut s = format!(
        "id = \"{COURSE}\"\ntitle = {{ en = \"Long course\", sv = \"Lång kurs\" }}\n\
         description = {{ en = \"{n} corridors.\", sv = \"{n} korridorer.\" }}\n"
    );
    for i in 0..n {
        if i % 10 == 0 {
            let l = i / 10 + 1;
            s += &format!("\n[[lessons]]\ntitle = {{ en = \"Part {l}\", sv = \"Del {l}\" }}\n");
        }
        let k = i % 5 + 1;
        let row: Vec<&str> = std::iter::once("0")
            .chain(std::iter::once("2"))
            .chain(std::iter::repeat_n("1", k - 1))
            .chain(["3", "0"])
            .collect();
        let edge = vec!["0"; row.len()].join(", ");
        s += &format!(
            "\n[[lessons.levels]]\nid = \"{COURSE}-{n1}\"\nkind = \"maze\"\n\
             title = {{ en = \"Corridor {n1}\", sv = \"Korridor {n1}\" }}\n\
             instructions = {{ en = \"Walk to the flag.\", sv = \"Gå till flaggan.\" }}\n\
             toolbox = [\"maze_move_forward\", \"maze_turn\"]\nideal_blocks = {k}\n\
             solution = \"{sol}\"\nstart_direction = \"east\"\ngrid = [[{edge}], [{row}], [{edge}]]\n",
            n1 = i + 1,
            sol = vec!["F"; k].join(" "),
            row = row.join(", "),
        );
    }
    s
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

fn session_cookie(headers: &hyper::HeaderMap) -> Option<String> {
    headers.get_all("set-cookie").iter().find_map(|v| {
        let c = v.to_str().ok()?.split(';').next()?.trim();
        c.starts_with("kodlek_session=").then(|| c.to_owned())
    })
}

/// The token of the verification link in the outbox.
fn verification_token(data: &Path) -> anyhow::Result<String> {
    let outbox = data.join("data").join("outbox");
    for e in std::fs::read_dir(&outbox).with_context(|| format!("{}", outbox.display()))? {
        let text = std::fs::read_to_string(e?.path())?
            .replace("=\r\n", "")
            .replace("=\n", "");
        if let Some(at) = text.find("/verify-email/") {
            return Ok(text[at + 14..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect());
        }
    }
    bail!("no verification mail in {}", outbox.display())
}

async fn call(
    conn: &mut Conn,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
    expect: StatusCode,
) -> anyhow::Result<(hyper::HeaderMap, Value)> {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let body = body.map(|b| serde_json::to_vec(&b)).transpose()?;
    let (status, h, bytes) = conn.exchange(method, path, &headers, body).await?;
    if status != expect {
        bail!(
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
    }
    Ok((h, json_of(&bytes)))
}

/// A small deterministic generator, so that every run builds the same class.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn empty_program() -> Value {
    json!({"blocks": {"languageVersion": 0, "blocks": [{"type": "when_run", "id": "s", "x": 10, "y": 10}]}})
}

/// One student's carried attempts: every level before `reached` solved (some after a failed
/// try), and failed tries on `reached` itself.
fn progress_entries(
    levels: &[&kodlek_puzzles::Level],
    reached: usize,
    stuck: usize,
    rng: &mut Lcg,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, l) in levels
        .iter()
        .enumerate()
        .take(reached.min(levels.len() - 1) + 1)
    {
        let tries = if i == reached { stuck } else { rng.next(3) / 2 };
        for _ in 0..tries {
            out.push(json!({"level_id": l.id, "program": empty_program()}));
        }
        if i < reached {
            out.push(json!({"level_id": l.id, "program": l.reference_solution()}));
        }
    }
    out
}

struct Class {
    section_id: String,
    teacher: String,
    students: Vec<String>,
    cells: usize,
}

async fn build_class(server: &Server, students: usize) -> anyhow::Result<Class> {
    let mut conn = Conn::open(server.port()).await?;
    let (h, _) = call(
        &mut conn,
        Method::POST,
        "/api/v1/accounts",
        None,
        Some(json!({"role": "teacher", "display_name": "Ms Bench", "email": "bench.teacher@example.org", "password": "correct horse battery"})),
        StatusCode::CREATED,
    )
    .await?;
    let teacher = session_cookie(&h).context("no teacher session")?;
    let token = verification_token(server.data_dir())?;
    call(
        &mut conn,
        Method::POST,
        &format!("/api/v1/email-verifications/{token}"),
        None,
        None,
        StatusCode::NO_CONTENT,
    )
    .await?;
    let (_, s) = call(
        &mut conn,
        Method::POST,
        "/api/v1/sections",
        Some(&teacher),
        Some(json!({"name": "Class 4A", "course_id": COURSE, "login_type": "picture"})),
        StatusCode::CREATED,
    )
    .await?;
    let section_id = s["section"]["id"]
        .as_str()
        .context("section id")?
        .to_owned();
    let code = s["section"]["code"].as_str().context("code")?.to_owned();
    let names: Vec<String> = (1..=students).map(|i| format!("Student {i:02}")).collect();
    let (_, created) = call(
        &mut conn,
        Method::POST,
        &format!("/api/v1/sections/{section_id}/students/bulk"),
        Some(&teacher),
        Some(json!({"names": names, "school_permission": true})),
        StatusCode::CREATED,
    )
    .await?;
    let levels = kodlek_puzzles::catalog().levels_of(COURSE);
    let mut rng = Lcg(7);
    let mut cookies = Vec::new();
    let mut cells = 0;
    for (i, c) in created["students"]
        .as_array()
        .context("students")?
        .iter()
        .enumerate()
    {
        let (h, _) = call(
            &mut conn,
            Method::POST,
            &format!("/api/v1/sign-in/{code}"),
            None,
            Some(json!({"student_id": c["student"]["id"], "secret": c["secret"]["value"]})),
            StatusCode::OK,
        )
        .await?;
        let cookie = session_cookie(&h).context("no student session")?;
        // From a few levels in to the end of the course; every fifth student is stuck.
        let reached = 5 + (levels.len() - 5) * (i + 1) / students - rng.next(10);
        let stuck = if i % 5 == 2 { 7 } else { rng.next(2) };
        let entries = progress_entries(&levels, reached, stuck, &mut rng);
        for chunk in entries.chunks(500) {
            call(
                &mut conn,
                Method::POST,
                "/api/v1/me/progress/import",
                Some(&cookie),
                Some(json!({"attempts": chunk})),
                StatusCode::OK,
            )
            .await?;
        }
        cells += reached.min(levels.len() - 1) + usize::from(stuck > 0);
        cookies.push(cookie);
    }
    Ok(Class {
        section_id,
        teacher,
        students: cookies,
        cells,
    })
}

/// Sequential GETs: the server's own times and the client's, both sorted.
async fn probe(
    port: u16,
    path: &str,
    cookie: Option<&str>,
    samples: usize,
    every: Duration,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let mut conn = Conn::open(port).await?;
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
    let (mut server, mut client) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let t = Instant::now();
        let (status, h, _) = conn.exchange(Method::GET, path, &headers, None).await?;
        client.push(t.elapsed());
        if status != StatusCode::OK {
            bail!("{path}: {status}");
        }
        server.push(kodlek_bench::server_time(&h).context("no Server-Timing header")?);
        if every > Duration::ZERO {
            tokio::time::sleep(every.saturating_sub(t.elapsed())).await;
        }
    }
    server.sort();
    client.sort();
    Ok((server, client))
}

/// Signed-in maze attempts from `conns` connections: as fast as answered (`every` None), or
/// request `j` of connection `c` due at `start + (c + j * conns) * every`. Returns the
/// attempts answered and kept before the end.
async fn attempts(
    port: u16,
    cookies: Vec<String>,
    conns: usize,
    every: Option<Duration>,
    secs: u64,
) -> anyhow::Result<u64> {
    let jobs: Arc<Vec<(String, Vec<u8>)>> = Arc::new(
        kodlek_puzzles::catalog()
            .levels_of("maze-intro")
            .iter()
            .filter_map(|l| {
                let body = serde_json::to_vec(&json!({"program": l.reference_solution()?})).ok()?;
                Some((format!("/api/v1/levels/{}/attempts", l.id), body))
            })
            .collect(),
    );
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
                    let (path, body) = &jobs[(c + j) % jobs.len()];
                    let (status, _) = conn
                        .send(
                            Method::POST,
                            path,
                            &[("cookie", &cookie)],
                            Some(body.clone()),
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

async fn gzip_size(port: u16, path: &str, cookie: &str) -> anyhow::Result<(usize, usize)> {
    let mut conn = Conn::open(port).await?;
    let (_, h, zipped) = conn
        .exchange(
            Method::GET,
            path,
            &[("cookie", cookie), ("accept-encoding", "gzip")],
            None,
        )
        .await?;
    if h.get("content-encoding").is_none_or(|v| v != "gzip") {
        bail!("{path} was not compressed");
    }
    let (_, plain) = conn
        .send(Method::GET, path, &[("cookie", cookie)], None)
        .await?;
    Ok((zipped.len(), plain.len()))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let binary = args
        .server
        .clone()
        .unwrap_or_else(kodlek_bench::default_server_binary);
    let content = tempfile::tempdir()?;
    std::fs::write(content.path().join("bench.toml"), course_file(args.levels))?;
    kodlek_puzzles::add_courses_from(content.path()).map_err(anyhow::Error::msg)?;
    let server = Server::start(
        &binary,
        &[("KODLEK_CONTENT_DIR", content.path().display().to_string())],
    )
    .await?;
    let port = server.port();
    let setup = Instant::now();
    let class = build_class(&server, args.students).await?;
    let setup = setup.elapsed();
    let page = format!("/sections/{}", class.section_id);
    let api = format!("/api/v1/sections/{}/progress", class.section_id);
    let t = Some(class.teacher.as_str());

    let (healthz, healthz_client) =
        probe(port, "/healthz", None, args.samples, Duration::ZERO).await?;
    // The first answers warm the caches; they are not counted, but the very first (nothing
    // of the class in the server's memory yet) is shown on its own.
    let (first, _) = probe(port, &page, t, 1, Duration::ZERO).await?;
    let first_visit = first[0];
    probe(port, &page, t, 20, Duration::ZERO).await?;
    let (page_server, page_client) = probe(port, &page, t, args.samples, Duration::ZERO).await?;
    let (api_server, _) = probe(port, &api, t, args.samples, Duration::ZERO).await?;
    let (gzip, plain) = gzip_size(port, &page, &class.teacher).await?;

    let max = attempts(
        port,
        class.students.clone(),
        args.connections,
        None,
        args.max_secs,
    )
    .await?;
    let max_rate = max as f64 / args.max_secs as f64;
    let half = max_rate / 2.0;
    let every = Duration::from_secs_f64(1.0 / half.max(1.0));
    let load = tokio::spawn(attempts(
        port,
        class.students.clone(),
        args.connections,
        Some(every),
        args.load_secs,
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let probes = ((args.load_secs * 1000 - 1500) / 25) as usize;
    let (loaded_server, loaded_client) =
        probe(port, &page, t, probes, Duration::from_millis(25)).await?;
    let done = load.await??;
    let rss = server.peak_rss_bytes()?;
    server.stop().await?;

    let q = quantile;
    let met = |b: bool| if b { "yes" } else { "**no**" };
    let goals = [
        q(&page_server, 0.5) <= GOAL_P50,
        q(&page_server, 0.99) <= GOAL_P99,
        q(&loaded_server, 0.99) <= GOAL_LOADED_P99,
        gzip <= GOAL_GZIP_BYTES,
    ];
    let now = time::OffsetDateTime::now_utc();
    let date = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute()
    );
    let mut out = format!(
        "{HEADING}\n\n`bench/src/bin/dashboard-load.rs` starts the release server (SQLite) on a fresh \
         data directory with a generated {levels}-level maze course added through \
         `KODLEK_CONTENT_DIR`. A verified teacher makes a picture section of {students} students; \
         each signs in with their picture and carries realistic progress through \
         `POST /api/v1/me/progress/import` (the server re-judges every program): from a few levels \
         in to the whole course, some after a failed try, every fifth student stuck with seven \
         failed tries on one level. That is {cells} cells of the grid. Then, from one keep-alive \
         connection, {samples} sequential `GET /healthz` (the baseline) and {samples} sequential \
         `GET /sections/{{id}}` (the dashboard page) unloaded; the server's time is its \
         `Server-Timing` header, the client's is from sending to the end of the answer. The very \
         first visit is shown on its own: the dashboards keep a copy of each student's progress \
         in memory, checked against its stored version on every visit, so that one reads every \
         student's progress from the database and the others only the versions. Then \
         signed-in maze attempts from {conns} connections, first as fast as answered for {max_secs} s, \
         then at half that rate for {load_secs} s while the dashboard is fetched every 25 ms.\n\n\
         ```sh\nexport CARGO_TARGET_DIR=/var/tmp/kodlek-target\ncargo build --release -p kodlek\n\
         cargo run --release -p kodlek-bench --bin dashboard-load\n```\n\nLast run:\n\n\
         - date: {date}\n- machine: {machine}\n- setting up the class took {setup:.1} s\n\n\
         | figure | value | goal | met |\n|---|---|---|---|\n",
        levels = args.levels,
        students = args.students,
        cells = class.cells,
        samples = args.samples,
        conns = args.connections,
        max_secs = args.max_secs,
        load_secs = args.load_secs,
        date = date,
        machine = Machine::read().describe(),
        setup = setup.as_secs_f64(),
    );
    out += &format!(
        "| healthz server time p50 / p99 (baseline) | {} / {} | | |\n",
        ms(q(&healthz, 0.5)),
        ms(q(&healthz, 0.99))
    );
    out += &format!(
        "| healthz client time p50 / p99 (baseline) | {} / {} | | |\n",
        ms(q(&healthz_client, 0.5)),
        ms(q(&healthz_client, 0.99))
    );
    out += &format!(
        "| dashboard server time p50, unloaded | {} | 5 ms or less | {} |\n",
        ms(q(&page_server, 0.5)),
        met(goals[0])
    );
    out += &format!(
        "| dashboard server time p99, unloaded | {} | 15 ms or less | {} |\n",
        ms(q(&page_server, 0.99)),
        met(goals[1])
    );
    out += &format!(
        "| dashboard server time of the first visit (every student read) | {} | | |\n",
        ms(first_visit)
    );
    out += &format!(
        "| dashboard client time p50 / p99, unloaded | {} / {} | | |\n",
        ms(q(&page_client, 0.5)),
        ms(q(&page_client, 0.99))
    );
    out += &format!(
        "| dashboard p50 as a multiple of healthz p50 (server time) | {:.1} | | |\n",
        q(&page_server, 0.5).as_secs_f64() / q(&healthz, 0.5).as_secs_f64().max(1e-9)
    );
    out += &format!(
        "| progress JSON (`/api/v1/sections/{{id}}/progress`) server time p50 / p99 | {} / {} | | |\n",
        ms(q(&api_server, 0.5)),
        ms(q(&api_server, 0.99))
    );
    out += &format!(
        "| attempts/s, highest / during the probe (half) | {max_rate:.0} / {:.0} | | |\n",
        done as f64 / args.load_secs as f64
    );
    out += &format!(
        "| dashboard server time p50 / p99 during attempts at half rate | {} / {} | p99 50 ms or less | {} |\n",
        ms(q(&loaded_server, 0.5)),
        ms(q(&loaded_server, 0.99)),
        met(goals[2])
    );
    out += &format!(
        "| dashboard client time p99 during attempts at half rate | {} | | |\n",
        ms(q(&loaded_client, 0.99))
    );
    out += &format!(
        "| page size, gzip / uncompressed | {:.1} KB / {:.1} KB | 100 KB or less compressed | {} |\n",
        gzip as f64 / 1000.0,
        plain as f64 / 1000.0,
        met(goals[3])
    );
    out += &format!("| server peak RSS | {} | | |\n", mb(rss));
    out += if goals.iter().all(|g| *g) {
        "\nEvery goal was met in this run.\n"
    } else {
        "\nNot every goal was met in this run.\n"
    };
    print!("{out}");
    if !args.no_doc {
        let doc = args
            .doc
            .clone()
            .unwrap_or_else(|| kodlek_bench::workspace_root().join("docs/BENCHMARKS.md"));
        kodlek_bench::write_section(&doc, HEADING, &out)?;
    }
    Ok(())
}
