#!/usr/bin/env bash
# Installs everything Papershelf needs to build, run and test on Debian/Ubuntu:
# system packages, the Rust crates (fetched by cargo), tauri-driver and the npm packages.
# Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/steps.sh

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The e2e tests take their screenshots from the X display: xdotool finds the window,
# imagemagick's import captures it. biber and pandoc are the real readers the export tests
# hand every export format to (crates/core/tests/it/real_readers.rs); without recommends,
# biber brings Perl and its modules, not TeX Live (about 75 MB; pandoc about 170 MB).
# poppler-utils' pdftotext reads the text inside PDFs (the app runs it; the .deb depends on it).
APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential pkg-config file curl wget libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb xauth xdotool imagemagick
  biber pandoc poppler-utils
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ] || [ "${PAPERSHELF_FORCE_APT:-}" = 1 ]; then
  step "apt-get install ${missing[*]:-}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}" \
    $(command -v node >/dev/null 2>&1 || echo nodejs npm)
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

step "cargo fetch"
cargo fetch --locked

if ! command -v tauri-driver >/dev/null 2>&1; then
  step "cargo install tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked
fi

for dir in ui tests/e2e; do
  if [ -f "$dir/package-lock.json" ]; then
    # npm ci wipes node_modules; skip it when the lock file is what was last installed.
    if cmp -s "$dir/package-lock.json" "$dir/node_modules/.papershelf-installed-lock" 2>/dev/null; then
      continue
    fi
    step "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.papershelf-installed-lock)
  fi
done
