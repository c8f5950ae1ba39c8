#!/usr/bin/env bash
# What the console's browser tests need: Debian's Chromium (driven by Playwright through its
# executable path) and axe-core from npm (tests/e2e/axe, pinned by its package-lock.json).
# Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "browser: installing Debian's chromium"
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  ${sudo} apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y -q chromium >/dev/null
fi
if [[ ! -f tests/e2e/axe/node_modules/axe-core/axe.min.js ]]; then
  echo "browser: installing axe-core"
  npm ci --prefix tests/e2e/axe --no-audit --no-fund --silent
fi
echo "browser: $(chromium --version 2>/dev/null | head -1), axe-core $(node -p "require('./tests/e2e/axe/node_modules/axe-core/package.json').version")"
