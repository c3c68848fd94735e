//! What the kill tests (`crash.rs`, `mirror_crash.rs`) share: their seeded randomness, their
//! settings from the environment, and the binary as a command.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small deterministic generator (SplitMix64): the kill points of a run follow from the seed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A duration uniformly in `[0, max)`.
    pub fn delay(&mut self, max: Duration) -> Duration {
        let micros = max.as_micros().max(1) as u64;
        Duration::from_micros(self.below(micros))
    }
}

/// The generator for `scenario`: seeded by `PAPERSHELF_CRASH_SEED` or the clock, and the seed
/// printed for replay.
pub fn rng_for(scenario: &str) -> (Rng, u64) {
    let seed = std::env::var("PAPERSHELF_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("[{scenario}] crash seed {seed} (replay with PAPERSHELF_CRASH_SEED={seed})");
    (Rng(seed), seed)
}

/// Kills per scenario: `PAPERSHELF_CRASH_KILLS`, else 20.
pub fn kills_wanted() -> usize {
    std::env::var("PAPERSHELF_CRASH_KILLS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(20)
}

/// The `papershelf` binary on `library` with `args`, its output piped, no stdin, and none of
/// the caller's library or log settings.
pub fn papershelf(library: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_papershelf"));
    cmd.env_remove("PAPERSHELF_LIBRARY")
        .env_remove("RUST_LOG")
        .arg("--library")
        .arg(library)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}
