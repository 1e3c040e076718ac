//! Progress of a long run: a bar on a terminal (documents, sentences and
//! their rates, and the ETA from the bytes read when the inputs' size is
//! known), a log line every so often when standard error is not a
//! terminal (a cluster job's log), nothing with `--quiet`.
//!
//! A ticker thread reads shared counters, so a single huge article shows
//! its model work going on before its first chunk is done.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the pipeline and the model count as they go.
#[derive(Debug, Default)]
pub struct Counters {
    pub documents: AtomicU64,
    pub sentences: AtomicU64,
    /// Sequences through the model (pairs, or texts to embed).
    pub sequences: Arc<AtomicU64>,
    /// Input bytes read, as on disk.
    pub bytes: Arc<AtomicU64>,
    /// Input bytes of the documents done (`bytes` when the last chunk
    /// was written): the ETA's measure.
    pub bytes_done: AtomicU64,
}

/// How progress is shown.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    Bar,
    Log(Duration),
    Quiet,
}

impl Mode {
    /// A bar on a terminal, else a line every `log_every`; nothing when
    /// `quiet`.
    pub fn choose(quiet: bool, log_every: Duration) -> Self {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Log(log_every)
        }
    }
}

/// The running ticker; [`Progress::finish`] stops it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn line(c: &Counters, started: Instant, total_bytes: Option<u64>) -> String {
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    let docs = c.documents.load(Ordering::Relaxed);
    let sents = c.sentences.load(Ordering::Relaxed);
    let seqs = c.sequences.load(Ordering::Relaxed);
    let mut s = format!(
        "{docs} documents ({:.1}/s), {sents} sentences ({:.0}/s), {seqs} model inputs",
        docs as f64 / secs,
        sents as f64 / secs,
    );
    if let Some(total) = total_bytes.filter(|&t| t > 0) {
        let done = c.bytes_done.load(Ordering::Relaxed).min(total);
        let frac = done as f64 / total as f64;
        s.push_str(&format!(", {:.0}% done", 100.0 * frac));
        if frac > 0.01 && frac < 1.0 {
            let eta = secs * (1.0 - frac) / frac;
            s.push_str(&format!(", about {} left", human(eta)));
        }
    }
    s
}

fn human(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", (s + 30) / 60),
        _ => format!("{:.1} h", secs / 3600.0),
    }
}

impl Progress {
    pub fn start(mode: Mode, counters: Arc<Counters>, total_bytes: Option<u64>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let thread = match mode {
            Mode::Quiet => None,
            Mode::Bar => {
                let stop = stop.clone();
                Some(std::thread::spawn(move || {
                    let bar = indicatif::ProgressBar::new_spinner().with_style(
                        indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                            .expect("a valid template"),
                    );
                    while !stop.load(Ordering::Relaxed) {
                        bar.set_message(line(&counters, started, total_bytes));
                        bar.tick();
                        std::thread::sleep(Duration::from_millis(200));
                    }
                    bar.finish_and_clear();
                }))
            }
            Mode::Log(every) => {
                let stop = stop.clone();
                Some(std::thread::spawn(move || {
                    let mut last = Instant::now();
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(200));
                        if last.elapsed() >= every {
                            last = Instant::now();
                            eprintln!(
                                "stance: {:.0} s: {}",
                                started.elapsed().as_secs_f64(),
                                line(&counters, started, total_bytes)
                            );
                        }
                    }
                }))
            }
        };
        Progress { stop, thread }
    }

    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_rates_and_time_left() {
        let c = Counters::default();
        c.documents.store(10, Ordering::Relaxed);
        c.sentences.store(300, Ordering::Relaxed);
        c.sequences.store(900, Ordering::Relaxed);
        c.bytes_done.store(250, Ordering::Relaxed);
        let started = Instant::now() - Duration::from_secs(10);
        let l = line(&c, started, Some(1000));
        assert!(
            l.starts_with("10 documents (1.0/s), 300 sentences (30/s), 900 model inputs, 25% done"),
            "{l}"
        );
        // A quarter in ten seconds: thirty more.
        assert!(l.ends_with("about 30 s left"), "{l}");
        assert!(!line(&c, started, None).contains("left"));
        assert_eq!(human(4000.0), "1.1 h");
        assert_eq!(human(95.0), "2 min");
    }
}
