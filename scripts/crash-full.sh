#!/usr/bin/env bash
# The crash harness at full size, kept out of CI's time budget (docs/reliability.md, "Crash
# safety"): PAPERSHELF_CRASH_FULL=1 makes the import scenario a 100,000-paper snapshot and adds
# an arXiv-category subscription (requests 3 s apart) to the sync scenario. Both run one fixed
# seed and one from the clock, each printed; a failure names its kill.
#
#   scripts/crash-full.sh                              # both scenarios, 20 kills each
#   PAPERSHELF_CRASH_KILLS=40 scripts/crash-full.sh    # more kills
#   PAPERSHELF_CRASH_SEED=1234 scripts/crash-full.sh   # replay one seed
#   scripts/crash-full.sh import                       # one scenario (a test name filter)
#
# Run from anywhere; exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

filters=("$@")
[ ${#filters[@]} -gt 0 ] || filters=(import sync)

export PAPERSHELF_CRASH_FULL=1
started=$(date +%s)
# One scenario at a time: the kill points are fractions of an uninterrupted run, which the
# other scenario would slow down.
cargo test --locked -p papershelf-cli --test crash -- "${filters[@]}" --nocapture --test-threads=1
echo "==> full crash run finished in $(( $(date +%s) - started ))s"
