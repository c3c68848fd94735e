#!/usr/bin/env bash
# Command 1 of the README: install what is needed, build, and start Papershelf.
# The first start fills an empty library with a demo of ~230 papers so you can search at once.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
echo "==> building the interface"
(cd ui && npm run build)
echo "==> building the app"
cargo build --release -p papershelf-app --features custom-protocol
echo "==> starting Papershelf (library: ${PAPERSHELF_LIBRARY:-the platform data directory})"
exec target/release/papershelf-app "$@"
