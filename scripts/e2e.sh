#!/usr/bin/env bash
# Builds the UI and the app (production frontend embedded) and runs the end-to-end tests under a
# virtual display. Run from anywhere; exits non-zero when anything fails.
#
# Needs: Node 20+, Rust, and on Debian/Ubuntu `webkit2gtk-driver xvfb xauth xdotool imagemagick`
# (+ the Tauri build deps); scripts/install-deps.sh installs them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

. scripts/steps.sh

# npm ci wipes node_modules; skip it when the lock file is what was last installed
# (scripts/install-deps.sh writes the same stamp).
npm_ci() {
  if ! cmp -s "$1/package-lock.json" "$1/node_modules/.papershelf-installed-lock" 2>/dev/null; then
    step "npm ci in $1"
    npm ci --prefix "$1" --no-audit --no-fund
    cp "$1/package-lock.json" "$1/node_modules/.papershelf-installed-lock"
  fi
}

npm_ci ui
npm_ci tests/e2e
step "UI: npm run build (unless ui/dist is up to date)"
scripts/build-ui.sh

# The app, the fixture API server and the CLI in one build: built one by one, each package
# unifies its dependencies' features differently and the shared crates compile again.
step "app, fixture API server and CLI: cargo build --workspace --bins"
cargo build --locked --workspace --bins --features papershelf-app/custom-protocol

if ! command -v tauri-driver >/dev/null 2>&1; then
  step "installing tauri-driver 2.1.0"
  cargo install tauri-driver --version 2.1.0 --locked
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
for tool in WebKitWebDriver xvfb-run xdotool import; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "error: $tool is missing (apt-get install webkit2gtk-driver xvfb xauth xdotool imagemagick)" >&2
    exit 1
  }
done

step "e2e: node --test tests/e2e/ (Xvfb 1280x800)"
# One file at a time: every file drives its own app through tauri-driver on the same ports.
xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-concurrency=1 tests/e2e/
