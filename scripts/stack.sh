#!/usr/bin/env bash
# The local stack: infrastructure, migrations and every service, in the background.
#   scripts/stack.sh up       start what is not running (safe to re-run), print where it listens
#   scripts/stack.sh down     stop the services, then the infrastructure these scripts started
#   scripts/stack.sh status   one line per service
#   scripts/stack.sh logs [SERVICE]   follow a service's log (all when none named)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"

RUN_DIR="${SB_RUN_DIR:-$(pwd)/.run}/services"
PYTHON="$(pwd)/.venv/bin/python"
export PYTHONDONTWRITEBYTECODE=  # cache bytecode: faster restarts
# The Twitter app's consumer secret; a fixed one for local runs (the simulator uses it too).
export SB_INGEST_TWITTER_CONSUMER_SECRET="${SB_INGEST_TWITTER_CONSUMER_SECRET:-local-dev-consumer-secret}"
# Without real Twitter credentials the local Twitter simulator stands in, with the same app.
export SB_TWITTER_SIM_CONSUMER_SECRET="${SB_TWITTER_SIM_CONSUMER_SECRET:-${SB_INGEST_TWITTER_CONSUMER_SECRET}}"

# Local-only secrets, made once and kept in the run dir so tokens and stored credentials
# survive restarts. Production takes them from its secret store (deploy/README.md).
SECRETS_DIR="${SB_RUN_DIR:-$(pwd)/.run}/secrets"
local_secret() { # name, python expression printing a new value
  mkdir -p "${SECRETS_DIR}" && chmod 700 "${SECRETS_DIR}"
  [[ -s "${SECRETS_DIR}/$1" ]] || (umask 077 && "${PYTHON}" -c "$2" >"${SECRETS_DIR}/$1")
  cat "${SECRETS_DIR}/$1"
}
FERNET_KEY='from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'
EC_KEY='from cryptography.hazmat.primitives.asymmetric import ec; from cryptography.hazmat.primitives import serialization as s
print(ec.generate_private_key(ec.SECP256R1()).private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode())'

# name|module and arguments|port|its variable|database (empty: none)
SERVICES=(
  "access-svc|switchboard_access serve|${SB_ACCESS_PORT:-8001}|SB_ACCESS_PORT|switchboard_access"
  "channel-svc|switchboard_channel serve|${SB_CHANNEL_PORT:-8002}|SB_CHANNEL_PORT|switchboard_channel"
  "conversation-svc|switchboard_conversation serve|${SB_CONVERSATION_PORT:-8004}|SB_CONVERSATION_PORT|switchboard_conversation"
  "ingest-svc|switchboard_ingest|${SB_INGEST_PORT:-8003}|SB_INGEST_PORT|"
  "twitter-sim|switchboard_twitter_sim|${SB_TWITTER_SIM_PORT:-8010}|SB_TWITTER_SIM_PORT|"
)

say() { printf 'stack: %s\n' "$*"; }
field() { cut -d'|' -f"$2" <<<"$1"; }
pid_of() { cat "${RUN_DIR}/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; }
ready() { curl -fsS -m 2 "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }

database_url() { # the service's own database on the configured server
  local base="${SB_DATABASE_URL_BASE:?}"
  printf '%s/%s' "${base}" "$1"
}

start_service() {
  local spec="$1" name module port db
  name="$(field "${spec}" 1)"; module="$(field "${spec}" 2)"; port="$(field "${spec}" 3)"
  db="$(field "${spec}" 5)"
  if alive "${name}"; then
    say "${name} already running (pid $(pid_of "${name}"))"
    return
  fi
  local -a env=("$(field "${spec}" 4)=${port}")
  if [[ -n "${db}" ]]; then
    env+=("DATABASE_URL=$(database_url "${db}")")
    # shellcheck disable=SC2086  # module and its arguments are words
    env "${env[@]}" "${PYTHON}" -m ${module%% *} migrate
  fi
  # shellcheck disable=SC2086
  env "${env[@]}" setsid nohup "${PYTHON}" -m ${module} >"${RUN_DIR}/${name}.log" 2>&1 &
  echo $! >"${RUN_DIR}/${name}.pid"
  say "${name} starting (pid $!), log ${RUN_DIR}/${name}.log"
}

wait_ready() {
  local spec="$1" name port
  name="$(field "${spec}" 1)"; port="$(field "${spec}" 3)"
  for _ in $(seq 1 300); do
    ready "${port}" && return 0
    alive "${name}" || { tail -n 30 "${RUN_DIR}/${name}.log" >&2; say "${name} exited"; return 1; }
    sleep 0.2
  done
  tail -n 30 "${RUN_DIR}/${name}.log" >&2
  say "${name} not ready within 60s"
  return 1
}

local_configuration() {
  # access-svc signs local tokens (the development issuer: never on in production).
  export SB_ACCESS_DEV_ISSUER="${SB_ACCESS_DEV_ISSUER:-true}"
  SB_ACCESS_DEV_ISSUER_KEY="${SB_ACCESS_DEV_ISSUER_KEY:-$(local_secret dev-issuer-key.pem "${EC_KEY}")}"
  SB_CHANNEL_CREDENTIAL_KEYS="${SB_CHANNEL_CREDENTIAL_KEYS:-$(local_secret credential-key "${FERNET_KEY}")}"
  export SB_ACCESS_DEV_ISSUER_KEY SB_CHANNEL_CREDENTIAL_KEYS
  export SB_CHANNEL_WEBHOOK_URL="${SB_CHANNEL_WEBHOOK_URL:-http://127.0.0.1:${SB_INGEST_PORT:-8003}/webhooks/twitter}"
  export SB_CHANNEL_RECONCILE="${SB_CHANNEL_RECONCILE:-simulator}"
}

cmd_up() {
  scripts/bootstrap.sh
  deploy/infra.sh up
  eval "$(deploy/infra.sh env)"
  local_configuration
  mkdir -p "${RUN_DIR}"
  local spec
  for spec in "${SERVICES[@]}"; do start_service "${spec}"; done
  for spec in "${SERVICES[@]}"; do wait_ready "${spec}"; done
  print_table
}

print_table() {
  printf '\n%-18s %-28s %s\n' "WHAT" "WHERE" "DOCS"
  printf '%-18s %-28s %s\n' "kafka" "${KAFKA_BOOTSTRAP_SERVERS}" "docs/events.md, docs/asyncapi.yaml"
  printf '%-18s %-28s %s\n' "postgresql" "${SB_DATABASE_URL_BASE#*@}" "one database per service"
  local spec name port
  for spec in "${SERVICES[@]}"; do
    name="$(field "${spec}" 1)"; port="$(field "${spec}" 3)"
    printf '%-18s %-28s %s\n' "${name}" "http://127.0.0.1:${port}" \
      "http://127.0.0.1:${port}/docs  (health: /livez /readyz, metrics: /metrics)"
  done
  printf '\nlogs: scripts/stack.sh logs [SERVICE]; stop: make down\n'
}

cmd_down() {
  local spec name pid
  for spec in "${SERVICES[@]}"; do
    name="$(field "${spec}" 1)"
    if ! alive "${name}"; then
      say "${name} not running"; rm -f "${RUN_DIR}/${name}.pid"; continue
    fi
    pid="$(pid_of "${name}")"
    kill -TERM "${pid}"
    for _ in $(seq 1 150); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.2; done
    kill -0 "${pid}" 2>/dev/null && kill -KILL "${pid}"
    rm -f "${RUN_DIR}/${name}.pid"
    say "${name} stopped"
  done
  deploy/infra.sh down
}

cmd_status() {
  local spec name port rc=0
  for spec in "${SERVICES[@]}"; do
    name="$(field "${spec}" 1)"; port="$(field "${spec}" 3)"
    if alive "${name}" && ready "${port}"; then say "${name} ready on :${port}"
    elif alive "${name}"; then say "${name} running, not ready, on :${port}"; rc=3
    else say "${name} not running"; rc=3; fi
  done
  return "${rc}"
}

cmd_logs() {
  if [[ $# -gt 0 ]]; then exec tail -n 100 -F "${RUN_DIR}/$1.log"; fi
  exec tail -n 20 -F "${RUN_DIR}"/*.log
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *) sed -n '2,6p' "$0"; exit 2 ;;
esac
