#!/usr/bin/env bash
# Style, types and generated documents: what CI holds every change to.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"

uv run --frozen ruff format --check .
uv run --frozen ruff check .
uv run --frozen mypy libs services tests
uv run --frozen python -m switchboard_contracts.export --check
uv run --frozen python -m switchboard_platform.http.openapi --check
echo "lint: ruff, mypy --strict, contracts and OpenAPI documents are clean"
