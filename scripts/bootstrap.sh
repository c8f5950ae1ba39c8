#!/usr/bin/env bash
# Installs what the project needs to build and test: uv (pinned) and the locked workspace.
# Idempotent; the only prerequisites are Python 3.11+ with pip (and Java 17 + Maven for Kafka).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION="0.13.8"
export PATH="${HOME}/.local/bin:${PATH}"

if ! command -v uv >/dev/null 2>&1 || [[ "$(uv --version | cut -d' ' -f2)" != "${UV_VERSION}" ]]; then
  echo "bootstrap: installing uv ${UV_VERSION}"
  python3 -m pip install --quiet --disable-pip-version-check --user "uv==${UV_VERSION}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
fi
# Precompiled: every service process starts seconds faster (this matters for e2e tests).
uv sync --all-packages --locked --quiet --compile-bytecode
echo "bootstrap: workspace synced ($(uv --version))"
