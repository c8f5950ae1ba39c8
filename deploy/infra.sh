#!/usr/bin/env bash
# Local infrastructure for Switchboard: Kafka (deploy/kafka/kafka.sh) and PostgreSQL
# (deploy/postgres/postgres.sh), plus the project's Kafka topics.
#
# Usage: deploy/infra.sh up|down|status|env
#   up      start what is not given from outside, then create the topics. An already set
#           KAFKA_BOOTSTRAP_SERVERS (or DATABASE_URL) means "use that one": the local
#           Kafka (or PostgreSQL) is then neither started nor stopped.
#   down    stop the local Kafka, and PostgreSQL if these scripts started it
#   status  one line per component; exits 0 when all are up, 3 otherwise
#   env     print `export ...` lines for the tests and services:
#             eval "$(deploy/infra.sh env)"
#
# Environment: SB_RUN_DIR, SB_KAFKA_PORT, SB_KAFKA_CONTROLLER_PORT, SB_PG_PORT (see the two
# component scripts), KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, SB_DATABASE_URL_BASE.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly KAFKA_SH="${SCRIPT_DIR}/kafka/kafka.sh"
readonly PG_SH="${SCRIPT_DIR}/postgres/postgres.sh"

KAFKA_PORT="${SB_KAFKA_PORT:-9092}"
PG_PORT="${SB_PG_PORT:-5432}"
LOCAL_BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"
LOCAL_DB_BASE="postgresql+psycopg://switchboard:switchboard@127.0.0.1:${PG_PORT}"
RUN_ROOT="${SB_RUN_DIR:-${REPO_ROOT}/.run}"
# Written by postgres.sh when it (not someone else) started the cluster.
PG_STARTED_MARKER="${RUN_ROOT}/postgres/started-by-us-${PG_PORT}"

say() { printf '%s\n' "$*"; }
die() { printf '%s\n' "$*" >&2; exit 1; }

usage() {
  printf 'usage: %s up|down|status|env\n' "$(basename "$0")" >&2
  exit 2
}

# postgresql+psycopg://user:secret@host/db -> postgresql+psycopg://user:***@host/db
mask_url() {
  sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"
}

port_open() { # host port
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# First host:port of a bootstrap list ("a:9092,b:9092" or "PLAINTEXT://a:9092").
bootstrap_reachable() {
  local first="${1%%,*}"
  first="${first#*://}"
  local host="${first%:*}" port="${first##*:}"
  host="${host#[}"
  host="${host%]}"
  [[ -n "${host}" && "${port}" =~ ^[0-9]+$ ]] && port_open "${host}" "${port}"
}

# Host and port of a database URL, reachable over TCP?
database_reachable() {
  local rest="${1#*://}"
  rest="${rest%%[/?]*}"
  rest="${rest##*@}"
  local host="${rest}" port="5432"
  if [[ "${rest}" =~ ^\[(.*)\](:([0-9]+))?$ ]]; then
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[3]:-5432}"
  elif [[ "${rest}" == *:* ]]; then
    host="${rest%:*}"
    port="${rest##*:}"
  fi
  [[ -n "${host}" ]] || host="127.0.0.1"
  port_open "${host}" "${port}"
}

# scheme://authority of DATABASE_URL (its database name and query dropped).
database_url_base() {
  local url="${1%%\?*}"
  local scheme="${url%%://*}" rest="${url#*://}"
  printf '%s://%s' "${scheme}" "${rest%%/*}"
}

start_postgres() {
  "${PG_SH}" install && "${PG_SH}" start && "${PG_SH}" ensure-dbs
}

cmd_up() {
  local t0=${SECONDS} kafka_job="" kafka_rc=0 pg_rc=0 bootstrap

  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    bootstrap="${KAFKA_BOOTSTRAP_SERVERS}"
    if bootstrap_reachable "${bootstrap}"; then
      say "kafka: using ${bootstrap}"
    else
      say "kafka: using ${bootstrap} (not reachable yet)"
    fi
  else
    bootstrap="${LOCAL_BOOTSTRAP}"
    # The JVM takes a few seconds to come up: let it do so while PostgreSQL starts.
    "${KAFKA_SH}" start &
    kafka_job=$!
  fi

  if [[ -n "${DATABASE_URL:-}" ]]; then
    say "postgres: using $(mask_url "${DATABASE_URL}")"
  else
    start_postgres || pg_rc=$?
  fi

  if [[ -n "${kafka_job}" ]]; then
    wait "${kafka_job}" || kafka_rc=$?
  fi
  ((kafka_rc == 0)) || say "kafka: start failed (exit ${kafka_rc})" >&2
  ((pg_rc == 0)) || say "postgres: start failed (exit ${pg_rc})" >&2
  ((kafka_rc == 0 && pg_rc == 0)) || die "infra: up FAILED"

  say "topics: ensuring topics on ${bootstrap}"
  local topics_rc=0
  (cd "${REPO_ROOT}" \
    && uv run --frozen python -m switchboard_platform.kafka.topics ensure --bootstrap "${bootstrap}") \
    || topics_rc=$?
  if ((topics_rc != 0)); then
    if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && ! bootstrap_reachable "${bootstrap}"; then
      say "topics: ${bootstrap} is not reachable; if it was meant to be the local broker," \
        "unset KAFKA_BOOTSTRAP_SERVERS so that infra.sh starts it" >&2
    fi
    die "topics: 'python -m switchboard_platform.kafka.topics ensure' failed (exit ${topics_rc}); infra: up FAILED"
  fi
  say "infra: up in $((SECONDS - t0))s; for the tests: eval \"\$(deploy/infra.sh env)\""
}

cmd_down() {
  # kafka.sh only ever stops the broker it started itself (its pid file / server.properties).
  "${KAFKA_SH}" stop
  if [[ -n "${DATABASE_URL:-}" ]]; then
    say "postgres: DATABASE_URL is set; leaving PostgreSQL alone"
  elif [[ -f "${PG_STARTED_MARKER}" ]]; then
    "${PG_SH}" stop
  elif "${PG_SH}" status >/dev/null 2>&1; then
    say "postgres: not started by these scripts; leaving it running"
  else
    say "postgres: not running"
  fi
}

cmd_status() {
  local rc=0
  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    if bootstrap_reachable "${KAFKA_BOOTSTRAP_SERVERS}"; then
      say "kafka: using ${KAFKA_BOOTSTRAP_SERVERS} (reachable)"
    else
      say "kafka: using ${KAFKA_BOOTSTRAP_SERVERS} (NOT reachable)"
      rc=3
    fi
  else
    "${KAFKA_SH}" status || rc=3
  fi
  if [[ -n "${DATABASE_URL:-}" ]]; then
    if database_reachable "${DATABASE_URL}"; then
      say "postgres: using $(mask_url "${DATABASE_URL}") (reachable)"
    else
      say "postgres: using $(mask_url "${DATABASE_URL}") (NOT reachable)"
      rc=3
    fi
  else
    "${PG_SH}" status || rc=3
  fi
  return "${rc}"
}

cmd_env() {
  local bootstrap="${KAFKA_BOOTSTRAP_SERVERS:-${LOCAL_BOOTSTRAP}}"
  local database_url="${DATABASE_URL:-${LOCAL_DB_BASE}/postgres}"
  local base="${SB_DATABASE_URL_BASE:-}"
  if [[ -z "${base}" ]]; then
    if [[ -n "${DATABASE_URL:-}" ]]; then
      base="$(database_url_base "${DATABASE_URL}")"
    else
      base="${LOCAL_DB_BASE}"
    fi
  fi
  print_export KAFKA_BOOTSTRAP_SERVERS "${bootstrap}"
  print_export DATABASE_URL "${database_url}"
  print_export SB_DATABASE_URL_BASE "${base}"
  # For the test report header: the version of the broker these scripts run.
  [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] || print_export SB_KAFKA_VERSION "$("${KAFKA_SH}" version)"
}

# export NAME=value, single-quoted only when the value needs it (safe for eval).
print_export() {
  local name="$1" value="$2"
  if [[ "${value}" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf 'export %s=%s\n' "${name}" "${value}"
  else
    printf "export %s='%s'\n" "${name}" "${value//\'/\'\\\'\'}"
  fi
}

main() {
  (($# == 1)) || usage
  case "$1" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) usage ;;
  esac
}

main "$@"
