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

/// The seed every default run starts with, so each run covers one known kill schedule.
pub const FIXED_SEED: u64 = 20_231_002;

/// One round of kills: its generator, its seed (to name in failures) and how many kills.
pub struct Round {
    /// The generator, seeded with `seed`.
    pub rng: Rng,
    /// The seed, for `PAPERSHELF_CRASH_SEED=<seed>`.
    pub seed: u64,
    /// Kills wanted in this round.
    pub kills: usize,
}

/// The rounds of `scenario`, each to start from a fresh library: with `PAPERSHELF_CRASH_SEED`
/// set, that seed alone with all [`kills_wanted`] kills (a replay); otherwise [`FIXED_SEED`]
/// with half of them and a seed from the clock with the rest. Each seed is printed for replay
/// (a replay runs at least as many kills as the round it repeats, so it reaches the same kill).
pub fn rounds_for(scenario: &str) -> Vec<Round> {
    let wanted = kills_wanted();
    let replay = std::env::var("PAPERSHELF_CRASH_SEED")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    let rounds: Vec<(u64, usize, &str)> = match replay {
        Some(seed) => vec![(seed, wanted, "replayed")],
        None => {
            let clock = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64);
            let fixed = wanted.div_ceil(2);
            vec![
                (FIXED_SEED, fixed, "fixed"),
                (clock, wanted - fixed, "random"),
            ]
        }
    };
    rounds
        .into_iter()
        .filter(|&(_, kills, _)| kills > 0)
        .map(|(seed, kills, kind)| {
            eprintln!(
                "[{scenario}] {kind} crash seed {seed}, {kills} kills \
                 (replay with PAPERSHELF_CRASH_SEED={seed})"
            );
            Round {
                rng: Rng(seed),
                seed,
                kills,
            }
        })
        .collect()
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
