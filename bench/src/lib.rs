//! Helpers shared by the benchmark programs: the server process under test, a keep-alive
//! HTTP/1.1 client that only ever connects to the loopback address, facts about the machine,
//! and the writing of a program's own section of `docs/BENCHMARKS.md`.

pub mod load;

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer `GET /healthz` after it is started.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the server may take to exit after SIGINT before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the release server binary: `$CARGO_TARGET_DIR/release/kodlek`, else the
/// workspace's `target/release/kodlek`.
pub fn default_server_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("release").join("kodlek")
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

/// A free TCP port on the loopback address (free when asked; the server binds it right after).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A `kodlek serve` process on a fresh data directory, listening on 127.0.0.1.
/// Dropping it kills the process; [`Server::stop`] ends it gracefully.
pub struct Server {
    child: Option<Child>,
    pid: u32,
    port: u16,
    log: PathBuf,
    // Removed when the server is dropped, after the process has ended.
    data: tempfile::TempDir,
}

impl Server {
    /// Starts `binary serve` on a fresh temporary data directory (SQLite, mail to the outbox)
    /// and waits until `GET /healthz` answers 200. `env` is added to the server's environment.
    pub async fn start(binary: &Path, env: &[(&str, String)]) -> anyhow::Result<Server> {
        if !binary.is_file() {
            bail!(
                "no server binary at {}; build it first with `cargo build --release -p kodlek` \
                 (or pass --server PATH)",
                binary.display()
            );
        }
        let data = tempfile::Builder::new().prefix("kodlek-bench-").tempdir()?;
        let port = free_port()?;
        let log = data.path().join("server.log");
        let log_file = std::fs::File::create(&log)?;
        let mut cmd = Command::new(binary);
        cmd.arg("serve")
            .arg("--data-dir")
            .arg(data.path().join("data"))
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            // The defaults, whatever the caller's environment says.
            .env_remove("KODLEK_DATABASE_URL")
            .env_remove("KODLEK_KEYS")
            .env_remove("KODLEK_SMTP_URL")
            .env_remove("KODLEK_HASH_THREADS")
            .env_remove("KODLEK_TRUSTED_PROXIES")
            .env("KODLEK_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            // The benchmarks' learners are children who sign up and play at once, with no
            // parent to answer a permission email: what they measure is the attempts, so their
            // server takes children's own sign-ups as `open` does (the router and browser
            // tests prove the parent's permission).
            .env("KODLEK_CHILD_SIGN_UP", "open")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            pid: child.id(),
            child: Some(child),
            port,
            log,
            data,
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                bail!(
                    "the server exited during start ({status}); its log:\n{}",
                    self.log_tail(40)
                );
            }
            if let Ok(mut conn) = Conn::open(self.port).await
                && let Ok((StatusCode::OK, _)) = conn.get("/healthz").await
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "the server did not answer GET /healthz within {START_TIMEOUT:?}; its log:\n{}",
            self.log_tail(40)
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// The resident set size now, in bytes (`VmRSS` in /proc/<pid>/status).
    pub fn rss_bytes(&self) -> anyhow::Result<u64> {
        proc_status_kib(self.pid, "VmRSS").map(|k| k * 1024)
    }

    /// The peak resident set size so far, in bytes (`VmHWM`).
    pub fn peak_rss_bytes(&self) -> anyhow::Result<u64> {
        proc_status_kib(self.pid, "VmHWM").map(|k| k * 1024)
    }

    /// The last `lines` lines of the server's output.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Asks the server to shut down (SIGINT, as Ctrl-C), and kills it if it has not exited
    /// within a few seconds.
    pub async fn stop(mut self) -> anyhow::Result<ExitStatus> {
        let mut child = self.child.take().expect("running until stopped");
        // SAFETY: kill(2) with a pid we spawned and have not yet reaped, so it is still ours.
        unsafe {
            libc::kill(self.pid as libc::pid_t, libc::SIGINT);
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(_) => break,
            }
        }
        // Fails only when it has exited meanwhile; either way it is reaped below.
        let _ = child.kill();
        Ok(child.wait()?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn proc_status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}

/// One keep-alive HTTP/1.1 connection to the server at 127.0.0.1:`port`. Only the loopback
/// address can be reached through it.
pub struct Conn {
    port: u16,
    sender: SendRequest<Full<Bytes>>,
}

/// How long one request may take before it counts as failed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Conn {
    pub async fn open(port: u16) -> anyhow::Result<Conn> {
        let stream = tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::TcpStream::connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)),
        )
        .await
        .context("connecting timed out")??;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP/1.1 handshake")?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { port, sender })
    }

    /// True when the server has closed the connection (a new one is needed).
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<(StatusCode, Bytes)> {
        self.send(Method::GET, path, &[], None).await
    }

    pub async fn post_json(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        self.send(Method::POST, path, headers, Some(serde_json::to_vec(body)?))
            .await
    }

    /// Sends one request and reads the whole answer, within [`REQUEST_TIMEOUT`].
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let (status, _, body) = self.exchange(method, path, headers, body).await?;
        Ok((status, body))
    }

    /// As [`Conn::send`], with the answer's headers.
    pub async fn exchange(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> anyhow::Result<(StatusCode, hyper::HeaderMap, Bytes)> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, format!("127.0.0.1:{}", self.port));
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        let exchange = async {
            self.sender.ready().await?;
            let response = self.sender.send_request(req).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, headers, body))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .context("request timed out")?
    }
}

/// Facts about the machine, for the record of a run.
pub struct Machine {
    /// Cores this process may use (as `nproc`, and as the server counts them).
    pub cores: usize,
    pub cpu_model: String,
    pub memory_bytes: u64,
}

impl Machine {
    pub fn read() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == "model name").then(|| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_bytes = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |k| k * 1024);
        Machine {
            cores,
            cpu_model,
            memory_bytes,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} cores (`nproc`), {}, {:.1} GiB memory",
            self.cores,
            self.cpu_model,
            self.memory_bytes as f64 / (1u64 << 30) as f64
        )
    }
}

/// The machine's CPU time counters (the `cpu` line of /proc/stat), in clock ticks.
#[derive(Clone, Copy, Default)]
pub struct CpuTimes {
    pub busy: u64,
    pub idle: u64,
    pub iowait: u64,
    /// Time the hypervisor gave to someone else while this machine wanted to run.
    pub steal: u64,
}

impl CpuTimes {
    pub fn read() -> CpuTimes {
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let v: Vec<u64> = stat
            .lines()
            .find_map(|l| l.strip_prefix("cpu "))
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|n| n.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let at = |i: usize| v.get(i).copied().unwrap_or(0);
        // user nice system idle iowait irq softirq steal (guest time is within user)
        CpuTimes {
            busy: at(0) + at(1) + at(2) + at(5) + at(6),
            idle: at(3),
            iowait: at(4),
            steal: at(7),
        }
    }

    /// The shares of all CPU time between `self` and the later `end`: (busy, iowait, steal).
    pub fn shares_until(&self, end: &CpuTimes) -> (f64, f64, f64) {
        let busy = end.busy.saturating_sub(self.busy) as f64;
        let idle = end.idle.saturating_sub(self.idle) as f64;
        let iowait = end.iowait.saturating_sub(self.iowait) as f64;
        let steal = end.steal.saturating_sub(self.steal) as f64;
        let total = (busy + idle + iowait + steal).max(1.0);
        (busy / total, iowait / total, steal / total)
    }
}

/// The `p`-quantile (0..=1) of sorted samples, by nearest rank.
pub fn quantile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Decimal megabytes with one decimal.
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The server's own time for an answer, from its `Server-Timing: app;dur=<ms>` header.
pub fn server_time(headers: &hyper::HeaderMap) -> Option<Duration> {
    let v = headers.get("server-timing")?.to_str().ok()?;
    let ms: f64 = v.split("dur=").nth(1)?.parse().ok()?;
    Some(Duration::from_secs_f64(ms / 1000.0))
}

/// The intro of a new `docs/BENCHMARKS.md`.
pub const BENCHMARKS_INTRO: &str = "# Benchmarks

The benchmarks are programs under `bench/` (the `kodlek-bench` crate). Each starts the release
server binary on a fresh data directory, measures it, stops it, and rewrites its own section of
this file with the figures of its last run.

The machines they run on are shared and noisy, so a figure is given as a ratio to a baseline
measured in the same run (for example sign-ins per second as a share of what the hashing
threads can do, timed on the same machine minutes earlier) rather than as an absolute number
to compare with another day's.
";

/// Replaces the section that starts with the line `heading` (up to the next `## ` heading) in
/// the Markdown file at `path`, or appends it; creates the file with [`BENCHMARKS_INTRO`].
/// `section` starts with the heading line itself.
pub fn write_section(path: &Path, heading: &str, section: &str) -> anyhow::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BENCHMARKS_INTRO.to_owned(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let section = format!("{}\n", section.trim_end());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines.iter().position(|l| l.trim_end() == heading);
    let out = match start {
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.starts_with("## "))
                .map_or(lines.len(), |i| start + 1 + i);
            let mut out: String = lines[..start].concat();
            out.push_str(&section);
            if end < lines.len() {
                out.push('\n');
                out.push_str(&lines[end..].concat());
            }
            out
        }
        None => {
            let mut out = text.trim_end().to_owned();
            out.push_str("\n\n");
            out.push_str(&section);
            out
        }
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("B.md");
        write_section(&path, "## A", "## A\n\none\n").unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("# Benchmarks")
        );
        std::fs::write(&path, "# B\n\n## A\n\nold\n\n## C\n\nkeep\n").unwrap();
        write_section(&path, "## A", "## A\n\nnew\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# B\n\n## A\n\nnew\n\n## C\n\nkeep\n"
        );
        write_section(&path, "## D", "## D\n\nd").unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .ends_with("keep\n\n## D\n\nd\n")
        );
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let s: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&s, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&s, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&s, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }
}
