#!/usr/bin/env bash
# Vendor the Nu HTML Checker (npm's vnu-jar) for the HTML validity test
# (tests/browser/test_html_valid.py) at install time, so that no test fetches
# anything at run time. Quiet and idempotent: does nothing when
# .cache/vnu/vnu.jar already holds this version. It runs on Java
# (default-jre-headless, installed by scripts/system-deps.sh when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
VNU_VERSION=26.9.27
target=.cache/vnu/vnu.jar
stamp=.cache/vnu/version
if [ -s "$target" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$VNU_VERSION" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "vendor-vnu.sh: npm is needed to vendor vnu-jar (apt-get install npm)" >&2; exit 1; }
npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error \
  --prefix .cache/npm-vnu "vnu-jar@${VNU_VERSION}" >/dev/null
mkdir -p "$(dirname "$target")"
cp .cache/npm-vnu/node_modules/vnu-jar/build/dist/vnu.jar "$target.tmp"
mv "$target.tmp" "$target"
echo "$VNU_VERSION" > "$stamp"
