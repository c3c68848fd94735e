#!/usr/bin/env bash
# Builds the .deb with the Tauri bundler, installs it with `dpkg -i`, and proves the installed
# app works: the desktop entry and icon are in place, and the first end-to-end test file
# (demo library, search, a paper opened) passes against the installed binary under Xvfb.
# Needs root or sudo (dpkg -i). Run after scripts/install-deps.sh.
#
# By default it packages the debug build the end-to-end tests use (the same cargo build, a
# no-op after them, then `tauri bundle`): what this checks is the packaging, and a release
# build compiles every crate a third time (about 12 minutes on 2 cores). `--release` packages
# a release build, as shipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/steps.sh
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
target="${CARGO_TARGET_DIR:-$root/target}"

if [ "${1:-}" = "--release" ]; then
  step ".deb: npm run tauri build -- --bundles deb"
  npm run --prefix ui tauri -- build --bundles deb
  profile=release
else
  step ".deb: the end-to-end build, packaged (tauri bundle --debug)"
  # The interface the end-to-end step built; building it again would touch every file and
  # make cargo compile the app again.
  scripts/build-ui.sh
  cargo build --locked --workspace --bins --features papershelf-app/custom-protocol
  npm run --prefix ui tauri -- bundle --debug --bundles deb
  profile=debug
fi
deb="$(ls -t "$target/$profile"/bundle/deb/*.deb | head -n 1)"
echo "built $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"

# The app reads PDFs' text with poppler's pdftotext: the package must pull it in.
dpkg-deb -f "$deb" Depends | grep -q "poppler-utils" || {
  echo "error: the package does not depend on poppler-utils" >&2
  exit 1
}

step "dpkg -i $(basename "$deb")"
$SUDO dpkg -i "$deb"
package="$(dpkg-deb -f "$deb" Package)"
bin="$(dpkg -L "$package" | grep -E '^/usr/bin/[^/]+$' | head -n 1)"
desktop="$(dpkg -L "$package" | grep -E '\.desktop$' | head -n 1)"
[ -x "$bin" ] || { echo "error: the package installs no binary in /usr/bin" >&2; exit 1; }
[ -f "$desktop" ] || { echo "error: the package installs no desktop entry" >&2; exit 1; }
grep -q "^Exec=" "$desktop" && grep -q "^Icon=" "$desktop" || {
  echo "error: $desktop lacks Exec= or Icon=" >&2
  exit 1
}
dpkg -L "$package" | grep -q '/icons/hicolor/.*\.png$' || { echo "error: no icon installed" >&2; exit 1; }
echo "installed $bin, $desktop"

step "the installed app under Xvfb"
PAPERSHELF_APP="$bin" xvfb-run -a -s "-screen 0 1280x800x24" node --test tests/e2e/app.test.mjs
