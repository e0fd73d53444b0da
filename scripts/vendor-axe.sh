#!/usr/bin/env bash
# Vendor axe-core for the browser tests (tests/browser) at install time, so that
# no test fetches anything at run time. Quiet and idempotent: does nothing when
# .cache/axe-core/axe.min.js already holds this version.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
target=.cache/axe-core/axe.min.js
if [ -s "$target" ] && head -c 200 "$target" | grep -q "axe v${AXE_VERSION}\b"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "vendor-axe.sh: npm is needed to vendor axe-core (apt-get install npm)" >&2; exit 1; }
npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  --prefix .cache/npm "axe-core@${AXE_VERSION}" >/dev/null
mkdir -p "$(dirname "$target")"
cp .cache/npm/node_modules/axe-core/axe.min.js "$target.tmp"
mv "$target.tmp" "$target"
