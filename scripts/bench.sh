#!/usr/bin/env bash
# `make bench`: every benchmark on scratch databases and topics, one table, JSON under
# .run/bench/. Uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set, else starts the local
# infrastructure. Extra arguments go to bench/run.py (e.g. --smoke, --only ingest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"
scripts/bootstrap.sh
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" || -z "${DATABASE_URL:-}" ]]; then
    deploy/infra.sh up
    eval "$(deploy/infra.sh env)"
fi
# wrk drives the HTTP benchmarks: an in-process httpx client saturates a core before the
# service does. Installed here when the machine lets us (root with apt).
if ! command -v wrk >/dev/null && [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get install -y -qq wrk >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; } \
        || true
fi
command -v wrk >/dev/null || echo "bench: wrk not installed (apt-get install wrk); HTTP load from httpx in process, which saturates first"
exec uv run --frozen python bench/run.py "$@"
