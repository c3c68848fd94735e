//! `papershelf-fixture-server`: serves the recorded Hugging Face, arXiv and Semantic Scholar
//! APIs on 127.0.0.1 until killed, for tests that spawn Papershelf as a separate process.
//!
//! Prints `listening on http://127.0.0.1:PORT` on stdout once it accepts connections; point
//! `PAPERSHELF_HF_URL`, `PAPERSHELF_ARXIV_URL` and `PAPERSHELF_S2_URL` at that origin.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use papershelf_testkit::FixtureApi;

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
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", api.origin());
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
