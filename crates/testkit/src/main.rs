//! `papershelf-fixture-server`: serves the recorded Hugging Face, arXiv and Semantic Scholar
//! APIs on 127.0.0.1 until killed, for tests that spawn Papershelf as a separate process.
//!
//! Prints `listening on http://127.0.0.1:PORT` on stdout once it accepts connections; point
//! `PAPERSHELF_HF_URL`, `PAPERSHELF_ARXIV_URL` and `PAPERSHELF_S2_URL` at that origin. With
//! `--pdfs DIR` it is also a PDF host like arxiv.org: `GET /pdf/NAME` answers `DIR/NAME.pdf`
//! (e.g. `/pdf/2210.03629v2`) as `application/pdf`; point `PAPERSHELF_PDF_URL` at it.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use papershelf_testkit::{FixtureApi, Reply};

/// Serve the recorded source APIs from a fixtures directory.
#[derive(Parser)]
#[command(name = "papershelf-fixture-server", version)]
struct Args {
    /// The fixtures directory (`crates/core/tests/fixtures/api`).
    #[arg(long, value_name = "DIR")]
    fixtures: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Enable the `/__fixture/…` control routes (throttle, fail_next, reset).
    #[arg(long)]
    control: bool,
    /// Serve `GET /pdf/NAME` from `DIR/NAME.pdf`.
    #[arg(long, value_name = "DIR")]
    pdfs: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    let api = match FixtureApi::start_on(&args.fixtures, args.port) {
        Ok(api) => api,
        Err(e) => {
            eprintln!("papershelf-fixture-server: {e}");
            std::process::exit(1);
        }
    };
    if args.control {
        api.enable_control();
    }
    if let Some(dir) = args.pdfs {
        api.intercept(move |seen| {
            let name = seen.path().strip_prefix("/pdf/")?;
            // One path segment of plain characters: nothing outside the folder is served.
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
            {
                return None;
            }
            let bytes = std::fs::read(dir.join(format!("{name}.pdf"))).ok()?;
            Some(Reply::new(200, "application/pdf", bytes))
        });
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", api.origin());
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
