#!/usr/bin/env bash
# Builds the interface into ui/dist unless it is already newer than every file it is built from.
# The app embeds ui/dist, and a rebuild rewrites every file there even when nothing changed,
# which makes cargo compile the app crate again; CI's steps share one build this way.
# `--force` builds regardless.
set -euo pipefail
cd "$(dirname "$0")/../ui"

stamp=dist/index.html
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ -z "$(find src public index.html package.json \
  package-lock.json vite.config.ts pdfjs-assets.js svelte.config.js tsconfig.json -newer "$stamp" -print -quit \
  2>/dev/null)" ]; then
  echo "ui/dist is up to date"
  exit 0
fi
npm run build
