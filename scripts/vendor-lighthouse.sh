#!/usr/bin/env bash
# Install Lighthouse from npm for `make bench` (benchmarks/lighthouse.py), once,
# into .cache/npm-lighthouse. Quiet and idempotent. It drives Debian's
# Chromium (CHROME_PATH=/usr/bin/chromium); nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
LIGHTHOUSE_VERSION=12.2.3
prefix=.cache/npm-lighthouse
installed=$prefix/node_modules/lighthouse/package.json
if [ -s "$installed" ] && grep -q "\"version\": \"${LIGHTHOUSE_VERSION}\"" "$installed"; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "vendor-lighthouse.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  --prefix "$prefix" "lighthouse@${LIGHTHOUSE_VERSION}" >/dev/null
