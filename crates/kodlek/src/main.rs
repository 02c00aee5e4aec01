//! The `kodlek` binary: the command line, the configuration and the wiring of the parts.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use kodlek_privacy::{Inventory, Keys, PasswordHasher};
use kodlek_services::{Mailer, Outbox, Smtp};
use kodlek_store::Store;
use kodlek_web::{AppState, WebConfig};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod demo;
mod logs;
mod server;
mod staff;

#[derive(Parser)]
#[command(
    name = "kodlek",
    version,
    about = "Kodlek: a computer-science learning platform for schools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (creates the data directory, keys and database on first start).
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate(StorageArgs),
    /// Add a demo teacher with two sections of 30 students at varied stages, then print how to
    /// sign in. For trying Kodlek out; not for a server with real pupils.
    Demo(DemoArgs),
    /// Staff accounts: add, list, remove (while the server runs or not).
    Staff {
        #[command(flatten)]
        storage: StorageArgs,
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
    /// The audit log of staff actions.
    Audit {
        #[command(flatten)]
        storage: StorageArgs,
        #[command(subcommand)]
        command: staff::AuditCommand,
    },
}

#[derive(Args)]
struct DemoArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The address the server will listen on: the addresses printed use it when no public
    /// address is given, as `serve` does.
    #[arg(long, env = "KODLEK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The address users reach the server at, for the addresses printed.
    #[arg(long, env = "KODLEK_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Args, Clone)]
struct StorageArgs {
    /// Where the database, keys and outbox live.
    #[arg(
        long,
        env = "KODLEK_DATA_DIR",
        default_value = "./kodlek-data",
        global = true
    )]
    data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: SQLite at <data-dir>/kodlek.db.
    #[arg(long, env = "KODLEK_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The address to listen on.
    #[arg(long, env = "KODLEK_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The address users reach the server at (for links in mail); https turns on Secure cookies and HSTS.
    #[arg(long, env = "KODLEK_PUBLIC_URL")]
    public_url: Option<String>,
    /// Comma-separated addresses of proxies whose X-Forwarded-For is believed.
    #[arg(long, env = "KODLEK_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<IpAddr>,
    /// SMTP server for mail, e.g. smtps://user:pass@mail.example.org; default: files in <data-dir>/outbox/.
    #[arg(long, env = "KODLEK_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The sender of mail.
    #[arg(
        long,
        env = "KODLEK_MAIL_FROM",
        default_value = "Kodlek <no-reply@kodlek.invalid>"
    )]
    mail_from: String,
    /// Seconds an outbox file to a child's address is kept before it is deleted.
    #[arg(long, env = "KODLEK_OUTBOX_KEEP_CHILD_SECS", default_value_t = 3600)]
    outbox_keep_child_secs: u64,
    /// Seconds any other outbox file is kept before it is deleted.
    #[arg(long, env = "KODLEK_OUTBOX_KEEP_SECS", default_value_t = 604_800)]
    outbox_keep_secs: u64,
    /// Threads for password hashing; default: one fewer than the cores.
    #[arg(long, env = "KODLEK_HASH_THREADS")]
    hash_threads: Option<usize>,
    /// Open connections at most; beyond it, new ones wait until one closes.
    #[arg(long, env = "KODLEK_MAX_CONNECTIONS", default_value_t = server::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// A directory of the school's own course files (TOML, as in content/), added to the
    /// shipped courses; each is checked, and the server does not start if one is wrong.
    #[arg(long, env = "KODLEK_CONTENT_DIR")]
    content_dir: Option<PathBuf>,
    /// Days after which a request log line's IP address is truncated (IPv4 to /24, IPv6 to /48).
    #[arg(long, env = "KODLEK_LOG_IP_DAYS", default_value_t = 7)]
    log_ip_days: u32,
    /// Days a request log file in <data-dir>/logs/ is kept; 0 keeps no request logs at all.
    #[arg(long, env = "KODLEK_LOG_DAYS", default_value_t = 30)]
    log_days: u32,
    /// Who may sign a child (under 13) up with an account of their own: parent_permission
    /// (a parent's address is asked, and nothing of the child's play is kept until the parent
    /// says yes), open, or closed (children get accounts only from their teachers).
    #[arg(
        long,
        env = "KODLEK_CHILD_SIGN_UP",
        default_value = "parent_permission"
    )]
    child_sign_up: kodlek_web::families::ChildSignUp,
    /// Where uploaded pictures and sounds go: s3://bucket/prefix for an S3-compatible bucket
    /// (with AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION); default:
    /// <data-dir>/media/.
    #[arg(long, env = "KODLEK_MEDIA_URL")]
    media_url: Option<String>,
    /// Comma-separated services people may sign in with: the presets google, microsoft,
    /// facebook and clever, or any name of an OpenID Connect provider. Each needs its client id
    /// and secret, and a name that is not a preset its issuer (https, or http on a loopback
    /// address) and label, in the environment variables the README's table names.
    #[arg(long, env = "KODLEK_SSO_PROVIDERS", value_delimiter = ',')]
    sso_providers: Vec<String>,
    /// Seconds after which a session made through a service is checked with it again at the latest.
    #[arg(long, env = "KODLEK_SSO_RECHECK_SECS", default_value_t = kodlek_web::sso::DEFAULT_RECHECK_SECS)]
    sso_recheck_secs: u64,
}

async fn open_store(args: &StorageArgs) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating {}", args.data_dir.display()))?;
    match args.database_url.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(
            Arc::new(kodlek_store_postgres::PgStore::connect(url, None).await?),
        ),
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(
            kodlek_store_sqlite::SqliteStore::connect(url).await?,
        )),
        Some(_) => anyhow::bail!("--database-url must start with postgres:// or sqlite:"),
        None => Ok(Arc::new(
            kodlek_store_sqlite::SqliteStore::open(&args.data_dir.join("kodlek.db")).await?,
        )),
    }
}

/// Keys from KODLEK_KEYS (production), else the key file in the data directory.
fn load_keys(data_dir: &Path) -> anyhow::Result<Keys> {
    match std::env::var("KODLEK_KEYS") {
        Ok(text) => Ok(Keys::from_toml(&text)?),
        Err(_) => Ok(Keys::load_or_create(&data_dir.join("keys.toml"))?),
    }
}

/// The parts the web layer runs on.
fn app_state(
    store: Arc<dyn Store>,
    keys: Keys,
    mailer: Arc<dyn Mailer>,
    public_url: String,
    trusted_proxies: Vec<IpAddr>,
    hash_threads: Option<usize>,
    media: kodlek_services::MediaFiles,
) -> AppState {
    let hasher =
        PasswordHasher::start(hash_threads.unwrap_or_else(PasswordHasher::default_threads));
    AppState {
        store: store.clone(),
        keys: Arc::new(keys),
        hasher,
        mailer,
        inventory: Arc::new(Inventory::shipped()),
        config: Arc::new(WebConfig {
            public_url,
            trusted_proxies,
            child_sign_up: Default::default(),
        }),
        writer: kodlek_web::writer::AttemptWriter::start(store.clone()),
        anonymous: Arc::new(Default::default()),
        progress: Arc::new(Default::default()),
        request_log: None,
        media: kodlek_web::media::Media::new(media)
            .with_projects(Arc::new(kodlek_web::creations::SharedPrograms(store))),
        sso: Arc::new(kodlek_web::sso::Sso::new(Default::default())),
    }
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let store = open_store(&args.storage).await?;
    let keys = load_keys(&args.storage.data_dir)?;
    let public_url = public_url(args.public_url.as_deref(), args.listen);
    let state = app_state(
        store,
        keys,
        Arc::new(demo::NoMail),
        public_url.clone(),
        Vec::new(),
        Some(1),
        kodlek_services::MediaFiles::local(&args.storage.data_dir.join("media"))?,
    );
    let d = demo::load(&state).await?;
    println!("The demo is ready. Start the server (`kodlek serve`), then:\n");
    println!("  Teacher: sign in at {public_url}/sign-in");
    println!("    email:    {}", demo::TEACHER_EMAIL);
    println!("    password: {}", d.password);
    println!("  and open {public_url}/sections for the dashboards.\n");
    for s in &d.sections {
        println!(
            "  {}: students sign in at {} (secret {}s)",
            s.name, s.sign_in_url, s.kind
        );
        let (student, secret) = &s.example;
        if s.kind == "word" {
            println!("    For example {student}, whose secret words are \"{secret}\".");
        } else {
            println!("    For example {student}, whose secret picture is \"{secret}\".");
        }
    }
    println!("\n  Running `kodlek demo` again starts the demo afresh, with a new password.");
    Ok(())
}

/// The address users reach the server at: the one given, else the one it listens on, as
/// `serve` has it.
fn public_url(given: Option<&str>, listen: SocketAddr) -> String {
    given
        .map(str::to_owned)
        .unwrap_or_else(|| format!("http://{listen}"))
        .trim_end_matches('/')
        .to_owned()
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.content_dir {
        let n = kodlek_puzzles::add_courses_from(dir)
            .map_err(|e| anyhow::anyhow!("the courses in {}: {e}", dir.display()))?;
        println!("Added {n} course file(s) from {}", dir.display());
    }
    let store = open_store(&args.storage).await?;
    let keys = load_keys(&args.storage.data_dir)?;
    let mailer: Arc<dyn Mailer> = match &args.smtp_url {
        Some(url) => Arc::new(Smtp::new(url, args.mail_from.clone())?),
        None => {
            // A delivery queue, not an archive: expired files are deleted every minute.
            let outbox = Arc::new(
                Outbox::new(args.storage.data_dir.join("outbox"), args.mail_from.clone())?.keeping(
                    std::time::Duration::from_secs(args.outbox_keep_child_secs),
                    std::time::Duration::from_secs(args.outbox_keep_secs),
                ),
            );
            outbox.clone().start_sweeping();
            outbox
        }
    };
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen))
        .trim_end_matches('/')
        .to_owned();
    let sso = kodlek_web::sso::SsoConfig::from_env(&args.sso_providers, args.sso_recheck_secs)
        .context("KODLEK_SSO_PROVIDERS")?;
    let mut state = app_state(
        store.clone(),
        keys,
        mailer,
        public_url.clone(),
        args.trusted_proxies.clone(),
        args.hash_threads,
        kodlek_services::MediaFiles::from_setting(
            args.media_url.as_deref(),
            &args.storage.data_dir,
        )
        .context("the media store")?,
    );
    state.config = Arc::new(WebConfig {
        child_sign_up: args.child_sign_up,
        ..(*state.config).clone()
    });
    state.sso = Arc::new(kodlek_web::sso::Sso::new(sso));
    if args.log_days > 0 {
        let config = kodlek_web::request_log::RequestLogConfig {
            dir: args.storage.data_dir.join("logs"),
            // An address is never kept longer than the line it is on.
            ip_days: args.log_ip_days.min(args.log_days),
            keep_days: args.log_days,
        };
        state.request_log = Some(
            kodlek_web::request_log::RequestLog::start(config)
                .context("starting the request logs")?,
        );
    }
    // Purges, notice emails and other background work, shared with any other servers on the
    // same database.
    kodlek_web::background(&state).start(kodlek_web::jobs::TICK);
    tokio::spawn(forget_idle_progress(state.progress.clone()));
    let app = kodlek_web::router(state);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    println!(
        "Kodlek is running ({} database). Open {public_url}",
        args.storage
            .database_url
            .as_deref()
            .map_or("SQLite", |_| "the configured")
    );
    raise_open_files_limit(args.max_connections);
    server::serve(listener, app, args.max_connections, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

/// glibc gives each thread that allocates at once an arena of its own (up to eight per core)
/// and keeps what is freed in each: after a flood of large bodies the server stayed at the size
/// of its peak. Two arenas keep the peak and what is kept afterwards lower (see the floods
/// benchmark in docs/BENCHMARKS.md).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's settings; called first thing.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Each connection is a file descriptor: the soft limit (often 1,024) is raised towards the
/// hard one so that the connection bound, not the descriptor limit, is what stops accepting.
fn raise_open_files_limit(max_connections: usize) {
    let wanted = (max_connections as u64).saturating_add(1024);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 || lim.rlim_cur >= wanted {
            return;
        }
        lim.rlim_cur = wanted.min(lim.rlim_max);
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            tracing::warn!("could not raise the open files limit");
        }
    }
}

/// Drops the dashboards' copies of progress that nobody has looked at for a while.
async fn forget_idle_progress(cache: Arc<kodlek_web::classrooms::progress_cache::ProgressCache>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        cache.sweep(std::time::Instant::now());
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    // At most 20 warning and error lines at once and 5 a second after: a flood of failures
    // (every shed request is one) must not fill the disk or drown the first useful line.
    let logs = logs::Limited::new(std::io::stdout, 20, 5.0);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KODLEK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(logs.clone())
        .init();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
        loop {
            tick.tick().await;
            logs.report_dropped();
        }
    });
    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Demo(args) => demo(args).await,
        Command::Staff { storage, command } => {
            let store = open_store(&storage).await?;
            let keys = load_keys(&storage.data_dir)?;
            staff::staff(&*store, &keys, command).await
        }
        Command::Audit { storage, command } => {
            let store = open_store(&storage).await?;
            if !staff::audit(&*store, command).await? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Migrate(args) => {
            open_store(&args).await?;
            println!("The database is up to date.");
            Ok(())
        }
    }
}
