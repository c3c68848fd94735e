#!/usr/bin/env bash
# Command 2 of the README: the whole test suite, Rust (unit, integration, CLI), UI unit tests,
# and end-to-end tests of the built desktop app under a virtual display.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh

echo "==> Rust tests (core, CLI, the app's shell)"
cargo test --locked -p papershelf-core -p papershelf-cli -p papershelf-testkit -p papershelf-app

echo "==> UI type check and unit tests"
(cd ui && npm run check && npm test)

echo "==> End-to-end tests of the desktop app"
scripts/e2e.sh
