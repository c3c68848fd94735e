#!/usr/bin/env bash
# The desktop app's own benchmark (issue: keystroke to rendered results, startup to first paint)
# on a library of SIZE papers from gen_corpus.py, in the release build under Xvfb. Writes the
# figures into docs/benchmarks.md (section "Desktop app") and prints them.
#
#   scripts/ui-bench.sh [SIZE] [DATA_DIR]      # defaults: 100000, a temporary directory
#
# A DATA_DIR given is kept and reused (corpus, query set and library are made once).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
size="${1:-100000}"
data="${2:-}"
if [ -z "$data" ]; then
  data="$(mktemp -d)"
  trap 'rm -rf "$data"' EXIT
fi
mkdir -p "$data"
target="${CARGO_TARGET_DIR:-$root/target}"

echo "==> release builds: the app (interface embedded) and the CLI"
npm run --prefix ui build
cargo build --release -p papershelf-app --features custom-protocol
cargo build --release -p papershelf-cli --bin papershelf

pages=(crates/core/tests/fixtures/hf-pages/*.txt)
corpus="$data/corpus-$size.jsonl"
queries="$data/queries-$size.jsonl"
library="$data/library-$size"
if [ ! -s "$corpus" ]; then
  echo "==> generating $size papers"
  python3 crates/bench/gen_corpus.py --count "$size" --seed 42 --out "$corpus" --seed-pages "${pages[@]}" --quiet
fi
if [ ! -s "$queries" ]; then
  python3 crates/bench/gen_corpus.py --queries 200 --count "$size" --seed 7 --out "$queries" --seed-pages "${pages[@]}" --quiet
fi
if [ ! -d "$library" ]; then
  echo "==> importing into a library"
  "$target/release/papershelf" --library "$library" import arxiv-jsonl "$corpus"
fi

echo "==> measuring in the window (Xvfb 1280x800)"
PAPERSHELF_APP="$target/release/papershelf-app" BENCH_LIBRARY="$library" BENCH_QUERIES="$queries" BENCH_SIZE="$size" \
  xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/bench/ui-latency.mjs
