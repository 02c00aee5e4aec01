//! Log output with a budget for warnings and errors, so that a flood of failures cannot flood
//! the log: lines beyond the budget are counted, and one line says how many were left out.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::writer::EitherWriter;

/// A token bucket: `burst` lines at once, refilled at `per_second`.
struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
    dropped: u64,
}

impl Bucket {
    fn take(&mut self, now: Instant) -> bool {
        let earned = now.saturating_duration_since(self.last).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.dropped += 1;
            false
        }
    }
}

/// Wraps a [`MakeWriter`]: warning and error lines pass within the budget, others always.
#[derive(Clone)]
pub struct Limited<W> {
    inner: W,
    bucket: Arc<Mutex<Bucket>>,
}

impl<W> Limited<W> {
    pub fn new(inner: W, burst: u32, per_second: f64) -> Limited<W> {
        Limited {
            inner,
            bucket: Arc::new(Mutex::new(Bucket {
                tokens: f64::from(burst),
                burst: f64::from(burst),
                per_second,
                last: Instant::now(),
                dropped: 0,
            })),
        }
    }

    /// The count of lines left out since it was last reported, and resets it.
    fn take_dropped(&self) -> u64 {
        self.bucket
            .lock()
            .map(|mut b| std::mem::take(&mut b.dropped))
            .unwrap_or(0)
    }
}

fn dropped_line(n: u64) -> String {
    format!("WARN kodlek::logs: {n} warning and error lines were left out (too many at once)\n")
}

impl<'a, W: MakeWriter<'a>> Limited<W> {
    /// Writes the line saying how many lines were left out, if any were.
    pub fn report_dropped(&'a self) {
        let n = self.take_dropped();
        if n > 0 {
            let _ = self
                .inner
                .make_writer()
                .write_all(dropped_line(n).as_bytes());
        }
    }
}

impl<'a, W: MakeWriter<'a>> MakeWriter<'a> for Limited<W> {
    type Writer = EitherWriter<W::Writer, std::io::Sink>;

    fn make_writer(&'a self) -> Self::Writer {
        EitherWriter::A(self.inner.make_writer())
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        if *meta.level() <= Level::WARN {
            let passes = self
                .bucket
                .lock()
                .map(|mut b| b.take(Instant::now()))
                .unwrap_or(true);
            if !passes {
                return EitherWriter::B(std::io::sink());
            }
        }
        self.report_dropped();
        EitherWriter::A(self.inner.make_writer_for(meta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn a_burst_of_errors_writes_the_budget_and_one_line_saying_how_many_were_dropped() {
        let out = Captured::default();
        // No refill during the test: exactly the burst passes.
        let logs = Limited::new(out.clone(), 10, 0.0);
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(logs.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            for i in 0..1000 {
                tracing::error!(i, "storage failed");
            }
            tracing::info!("an ordinary line");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let errors = lines
            .iter()
            .filter(|l| l.contains("storage failed"))
            .count();
        let dropped: Vec<_> = lines.iter().filter(|l| l.contains("left out")).collect();
        assert_eq!(errors, 10, "{text}");
        assert_eq!(dropped.len(), 1, "{text}");
        assert!(dropped[0].contains(" 990 "), "{text}");
        assert!(text.contains("an ordinary line"), "{text}");
        assert_eq!(lines.len(), 12, "{text}");
        // Reported once: nothing more to say.
        logs.report_dropped();
        assert_eq!(
            String::from_utf8(out.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .count(),
            12
        );
    }

    #[test]
    fn the_budget_refills_over_time() {
        let mut b = Bucket {
            tokens: 0.0,
            burst: 5.0,
            per_second: 2.0,
            last: Instant::now(),
            dropped: 0,
        };
        let t = b.last;
        assert!(!b.take(t));
        assert!(b.take(t + std::time::Duration::from_millis(600)));
        assert!(!b.take(t + std::time::Duration::from_millis(700)));
        // A long quiet time earns no more than the burst.
        let later = t + std::time::Duration::from_secs(60);
        assert_eq!((0..10).filter(|_| b.take(later)).count(), 5);
        assert_eq!(b.dropped, 2 + 5);
    }
}
