#!/usr/bin/env bash
# Command 2 of the README: the whole test suite, Rust (unit, integration, CLI), UI unit tests,
# and end-to-end tests of the built desktop app under a virtual display.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/steps.sh
scripts/install-deps.sh

step "Rust tests (core, CLI, test servers, benchmark harness, the app's shell)"
# The whole workspace in one build, so every crate is compiled once with one set of features:
# the app with its interface embedded, as the end-to-end step and the .deb build it, so they
# reuse this build instead of compiling the app and Tauri a second time.
scripts/build-ui.sh
cargo test --locked --workspace --features papershelf-app/custom-protocol

step "UI type check and unit tests"
(cd ui && npm run check && npm test)

step "End-to-end tests of the desktop app"
scripts/e2e.sh
