#!/usr/bin/env bash
# The one test command (README, CI): installs, starts real Kafka and PostgreSQL (or uses
# KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set), a container engine and the images (for
# tests/containers and the switchboard-testcontainers example), checks, then runs every test.
# Extra arguments go to pytest, e.g. `scripts/test.sh -m unit` or `-k outbox`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"
started=${SECONDS}

scripts/bootstrap.sh
deploy/infra.sh up
eval "$(deploy/infra.sh env)"
scripts/lint.sh
scripts/browser.sh  # Chromium and axe-core for the console's browser tests
# The container tests run the images of this commit: an engine (Docker, else Podman set up
# here) and `make images` first; either failing stops the run, nothing is skipped.
deploy/engine.sh up
eval "$(deploy/engine.sh env)"
scripts/images.sh
# shellcheck disable=SC1091 # written by scripts/images.sh
. "${SB_RUN_DIR:-.run}/images.env"
# The operators' CRDs for tests/deploy: cached after the first run; fails loudly when it cannot.
uv run --frozen python deploy/k8s/crds.py >/dev/null
uv run --frozen pytest "$@"
echo "test: finished in $((SECONDS - started))s"
