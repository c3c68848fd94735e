//! Running the text extractor: poppler's `pdftotext`, in a child process with a time limit and
//! a memory limit, so a malformed or hostile PDF costs at most that and never the app.
//!
//! poppler recovers damaged cross-reference tables, decrypts files whose user password is
//! empty and maps fonts through their `/ToUnicode` tables; it has been fuzzed for years. Running
//! it as a separate process is the isolation: a crash, a hang or a runaway allocation ends that
//! process, is reported as [`ExtractError`], and the library goes on. Pages come back separated
//! by form feeds, which keeps page boundaries without asking for page geometry.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::pages::{clean_page, PageText};

/// The environment variable naming the `pdftotext` program (default: `pdftotext` on `PATH`).
pub const PDFTOTEXT_ENV: &str = "PAPERSHELF_PDFTOTEXT";

/// What one extraction may cost before it is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for the whole file.
    pub timeout: Duration,
    /// Address space of the extractor process (its memory limit), in bytes.
    pub memory_bytes: u64,
    /// Text the extractor may print; a file that prints more is refused, not cut, so a page
    /// is never indexed half.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    /// Two minutes, 2 GiB and 64 MiB: the longest real papers (hundreds of pages) extract in
    /// a few seconds in well under 200 MiB and print a few MiB of text.
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(120),
            memory_bytes: 2 << 30,
            max_text_bytes: 64 << 20,
        }
    }
}

/// Why a PDF's text could not be extracted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The extractor program is not installed.
    #[error("the PDF text extractor `{program}` is not installed (Debian: apt-get install poppler-utils)")]
    Missing {
        /// The program looked for.
        program: String,
    },
    /// The PDF needs a password to be opened.
    #[error("the PDF is encrypted with a password; its text cannot be read without it")]
    Encrypted,
    /// The file is not a PDF poppler can open (truncated, no trailer, nonsense structure).
    #[error("the PDF is damaged or incomplete ({detail}); fetch or attach it again")]
    Damaged {
        /// What poppler said, first line.
        detail: String,
    },
    /// The extractor ran past its time limit and was stopped.
    #[error("reading the PDF's text took longer than {seconds} s and was stopped")]
    TimedOut {
        /// The limit.
        seconds: u64,
    },
    /// The extractor printed more text than any paper has.
    #[error("the PDF holds more than {limit_mib} MiB of text; it was not indexed")]
    TooMuchText {
        /// The limit.
        limit_mib: usize,
    },
    /// The extractor crashed or ran out of its memory limit.
    #[error("the PDF text extractor failed on this file ({detail})")]
    Crashed {
        /// How it ended.
        detail: String,
    },
    /// The extractor could not be started or read.
    #[error("running the PDF text extractor: {0}")]
    Io(#[from] std::io::Error),
}

/// A PDF's text, page by page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedText {
    /// One entry per physical page, in order (page 1 first).
    pub pages: Vec<PageText>,
}

impl ExtractedText {
    /// Pages that gave usable text.
    pub fn pages_with_text(&self) -> usize {
        self.pages.iter().filter(|p| p.has_text()).count()
    }
}

/// Runs `pdftotext` under [`Limits`].
#[derive(Debug, Clone)]
pub struct Extractor {
    program: PathBuf,
    limits: Limits,
}

impl Default for Extractor {
    fn default() -> Self {
        Self::from_env()
    }
}

impl Extractor {
    /// The extractor named by [`PDFTOTEXT_ENV`], else `pdftotext` on `PATH`, with default limits.
    pub fn from_env() -> Self {
        let program = std::env::var_os(PDFTOTEXT_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("pdftotext"));
        Extractor {
            program,
            limits: Limits::default(),
        }
    }

    /// The same extractor with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The extractor's name and version (`pdftotext 22.12.0`), stored with each file's text
    /// so a better extractor can tell which files to read again.
    pub fn version(&self) -> Result<String, ExtractError> {
        let out = Command::new(&self.program)
            .arg("-v")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| self.start_error(e))?;
        // poppler prints its version on stderr.
        let text = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        let version = text
            .lines()
            .find_map(|l| l.strip_prefix("pdftotext version "))
            .map(str::trim)
            .unwrap_or("unknown");
        Ok(format!("pdftotext {version}"))
    }

    /// Extracts the text of every page of `pdf`.
    pub fn extract(&self, pdf: &Path) -> Result<ExtractedText, ExtractError> {
        let mut child = self.spawn(pdf)?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let cap = self.limits.max_text_bytes;
        let out_reader = thread::spawn(move || read_capped(&mut stdout, cap));
        let err_reader = thread::spawn(move || read_capped(&mut stderr, 64 << 10));
        let status = wait_until(&mut child, Instant::now() + self.limits.timeout)?;
        let (out, overflowed) = out_reader.join().unwrap_or_default();
        let (err, _) = err_reader.join().unwrap_or_default();
        let err = String::from_utf8_lossy(&err);
        let Some(status) = status else {
            return Err(ExtractError::TimedOut {
                seconds: self.limits.timeout.as_secs(),
            });
        };
        if overflowed {
            return Err(ExtractError::TooMuchText {
                limit_mib: cap >> 20,
            });
        }
        check_status(status, &err)?;
        let text = String::from_utf8_lossy(&out);
        Ok(ExtractedText {
            pages: split_pages(&text).map(clean_page).collect(),
        })
    }

    /// The program's path; checked before starting so a missing extractor is reported as
    /// such and not as prlimit's failure to start it.
    fn resolve(&self) -> Result<PathBuf, ExtractError> {
        let found = if self.program.components().count() > 1 {
            Some(self.program.clone()).filter(|p| p.is_file())
        } else {
            which(&self.program.to_string_lossy())
        };
        found.ok_or_else(|| ExtractError::Missing {
            program: self.program.display().to_string(),
        })
    }

    fn spawn(&self, pdf: &Path) -> Result<Child, ExtractError> {
        let program = self.resolve()?;
        let mut command = match which("prlimit") {
            // util-linux's prlimit sets the limits in the child before poppler starts, without
            // unsafe code here. The CPU limit backs the wall-clock one.
            Some(prlimit) => {
                let mut c = Command::new(prlimit);
                c.arg(format!("--as={}", self.limits.memory_bytes))
                    .arg(format!("--cpu={}", self.limits.timeout.as_secs().max(1)))
                    .arg("--")
                    .arg(&program);
                c
            }
            None => {
                tracing::warn!(
                    "prlimit not found: the PDF text extractor runs without a memory limit"
                );
                Command::new(&program)
            }
        };
        // -enc: UTF-8 whatever the locale; -eol unix: '\n' only. Not -q: its messages on
        // stderr ("Incorrect password", "Couldn't find trailer") are how failures are told
        // apart. An empty user password is tried by poppler itself; no other is ever passed.
        command
            .args(["-enc", "UTF-8", "-eol", "unix"])
            .arg(pdf)
            .arg("-")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("LC_ALL", "C.UTF-8");
        command.spawn().map_err(|e| self.start_error(e))
    }

    fn start_error(&self, e: std::io::Error) -> ExtractError {
        if e.kind() == std::io::ErrorKind::NotFound {
            ExtractError::Missing {
                program: self.program.display().to_string(),
            }
        } else {
            ExtractError::Io(e)
        }
    }
}

/// `name` on `PATH`, if it is there.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Reads until end of file, keeping at most `cap` bytes; the rest is drained so the child
/// never blocks on a full pipe. Returns what was kept and whether anything was dropped.
fn read_capped(from: &mut impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 64 << 10];
    let mut overflowed = false;
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => return (kept, overflowed),
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                if n > room {
                    overflowed = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
}

/// Waits for the child until `deadline`; past it the child is killed and `None` returned.
fn wait_until(child: &mut Child, deadline: Instant) -> Result<Option<ExitStatus>, ExtractError> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            // The process may have ended between the two calls; either way it is reaped.
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Maps pdftotext's exit status to an error: 0 is success, 1 a file it could not open
/// (a wrong password among them), 3 a permission problem, anything else or a signal a crash.
fn check_status(status: ExitStatus, stderr: &str) -> Result<(), ExtractError> {
    let first_line = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
        .chars()
        .take(200)
        .collect::<String>();
    match status.code() {
        Some(0) => Ok(()),
        _ if stderr.contains("Incorrect password") => Err(ExtractError::Encrypted),
        Some(1) | Some(99) => Err(ExtractError::Damaged { detail: first_line }),
        Some(code) => Err(ExtractError::Crashed {
            detail: format!("exit status {code}: {first_line}"),
        }),
        None => Err(ExtractError::Crashed {
            detail: match signal_of(status) {
                Some(9) => "stopped at its memory or time limit".to_string(),
                Some(s) => format!("killed by signal {s}"),
                None => "killed".to_string(),
            },
        }),
    }
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}

/// The pages of pdftotext's output: each page ends with a form feed.
fn split_pages(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\u{c}').unwrap_or(text);
    let empty = text.is_empty();
    body.split('\u{c}').filter(move |_| !empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_splits_at_form_feeds_into_pages() {
        assert_eq!(
            split_pages("a\u{c}b\n\u{c}").collect::<Vec<_>>(),
            ["a", "b\n"]
        );
        assert_eq!(split_pages("\u{c}").collect::<Vec<_>>(), [""]);
        assert_eq!(split_pages("").count(), 0);
        // A last page without its form feed (output cut short) is still a page.
        assert_eq!(split_pages("a\u{c}b").collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn reading_keeps_at_most_the_cap_and_says_it_dropped_the_rest() {
        let (kept, over) = read_capped(&mut &b"hello world"[..], 5);
        assert_eq!((kept.as_slice(), over), (&b"hello"[..], true));
        let (kept, over) = read_capped(&mut &b"hi"[..], 5);
        assert_eq!((kept.as_slice(), over), (&b"hi"[..], false));
    }

    #[test]
    fn a_missing_program_is_named() {
        let extractor = Extractor {
            program: PathBuf::from("/nonexistent/pdftotext"),
            limits: Limits::default(),
        };
        let err = extractor.extract(Path::new("x.pdf")).unwrap_err();
        assert!(matches!(err, ExtractError::Missing { .. }), "{err:?}");
        assert!(err.to_string().contains("poppler-utils"));
    }
}
