#!/usr/bin/env bash
# The chaos run (`make chaos`): a seeded workload of customer tweets and DMs through the
# simulator's signed webhooks, agents replying, while every service process and the outbox
# relay are killed (SIGKILL) three times each, the broker and the database restarted, and
# Twitter's API down for a while; then a checker over the whole history. It runs its own
# Kafka and PostgreSQL on other ports (SB_CHAOS_KAFKA_PORT, SB_CHAOS_PG_PORT), so it can
# restart them. Prints the report (also .run/chaos/report-<seed>.json); exit 1 on a failed check.
#   SEED=N   replay a run        SHORT=1   the short run (what `make test` includes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"
scripts/bootstrap.sh
args=()
[[ -n "${SEED:-}" ]] && args+=(--seed "${SEED}")
[[ -n "${SHORT:-}" ]] && args+=(--short)
exec uv run --frozen python -m switchboard_chaos "${args[@]}"
