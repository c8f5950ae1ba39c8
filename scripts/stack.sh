#!/usr/bin/env bash
# The local stack: Kafka, PostgreSQL, migrations, topics, the four services and the Twitter
# simulator (or real Twitter, when configured: README "Configuration").
#   scripts/stack.sh up            start what is not running, wait until all are ready, print
#                                  where everything is, then follow the logs (prefixed by
#                                  service) until Ctrl-C, which stops what this command
#                                  started: the services in a safe order, then the
#                                  infrastructure (`make up`)
#   scripts/stack.sh up --detach   the same, but return once all are ready and leave them
#                                  running in the background (`make up-detached`; tests, CI)
#   scripts/stack.sh down          stop the services, then the infrastructure these scripts
#                                  started (`make down`)
#   scripts/stack.sh status        one line per service
#   scripts/stack.sh logs [SERVICE]   follow a service's log (all when none named)
# Safe to run twice: what already runs is left alone and only reported.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"

RUN_ROOT="${SB_RUN_DIR:-$(pwd)/.run}"
RUN_DIR="${RUN_ROOT}/services"
PYTHON="$(pwd)/.venv/bin/python"
export PYTHONDONTWRITEBYTECODE=  # cache bytecode: faster restarts
export LOG_FORMAT="${LOG_FORMAT:-console}"  # for people; production keeps json

ACCESS_PORT="${SB_ACCESS_PORT:-8001}"
CHANNEL_PORT="${SB_CHANNEL_PORT:-8002}"
INGEST_PORT="${SB_INGEST_PORT:-8003}"
CONVERSATION_PORT="${SB_CONVERSATION_PORT:-8004}"
SIM_PORT="${SB_TWITTER_SIM_PORT:-8010}"
CONSOLE_PORT="${SB_CONSOLE_PORT:-8000}"
LOCAL="http://127.0.0.1"

# Real Twitter when its API URL is configured; else the local simulator stands in.
if [[ -n "${SB_CHANNEL_TWITTER_API_URL:-}" && "${SB_CHANNEL_TWITTER_API_URL}" != "${LOCAL}:${SIM_PORT}" ]]; then
  REAL_TWITTER=true
else
  REAL_TWITTER=false
fi

# Local-only secrets, made once and kept in the run dir so tokens and stored credentials
# survive restarts. Production takes them from its secret store (deploy/README.md).
SECRETS_DIR="${RUN_ROOT}/secrets"
local_secret() { # name, python expression printing a new value
  mkdir -p "${SECRETS_DIR}" && chmod 700 "${SECRETS_DIR}"
  [[ -s "${SECRETS_DIR}/$1" ]] || (umask 077 && "${PYTHON}" -c "$2" >"${SECRETS_DIR}/$1")
  cat "${SECRETS_DIR}/$1"
}
FERNET_KEY='from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'
EC_KEY='from cryptography.hazmat.primitives.asymmetric import ec; from cryptography.hazmat.primitives import serialization as s
print(ec.generate_private_key(ec.SECP256R1()).private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()).decode())'

# name|module and arguments|port|its variable|database (empty: none); the start order.
SERVICES=(
  "access-svc|switchboard_access serve|${ACCESS_PORT}|SB_ACCESS_PORT|switchboard_access"
  "channel-svc|switchboard_channel serve|${CHANNEL_PORT}|SB_CHANNEL_PORT|switchboard_channel"
  "conversation-svc|switchboard_conversation serve|${CONVERSATION_PORT}|SB_CONVERSATION_PORT|switchboard_conversation"
  "ingest-svc|switchboard_ingest|${INGEST_PORT}|SB_INGEST_PORT|"
  "console-svc|switchboard_console|${CONSOLE_PORT}|SB_CONSOLE_PORT|"
)
[[ "${REAL_TWITTER}" == true ]] || SERVICES+=("twitter-sim|switchboard_twitter_sim|${SIM_PORT}|SB_TWITTER_SIM_PORT|")
# The stop order: the edge first (no new input), then the consumers, then access-svc
# (it answers the others' checks until they are gone), the simulator last (channel-svc
# may still be sending to it).
STOP_ORDER=(console-svc ingest-svc conversation-svc channel-svc access-svc twitter-sim)

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }
field() { cut -d'|' -f"$2" <<<"$1"; }
spec_of() { local s; for s in "${SERVICES[@]}"; do [[ "$(field "${s}" 1)" == "$1" ]] && echo "${s}"; done; }
pid_of() { cat "${RUN_DIR}/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; }
ready() { curl -fsS -m 2 "${LOCAL}:$1/readyz" >/dev/null 2>&1; }

ensure_database() { # the service's own database on the configured server (idempotent)
  "${PYTHON}" - "${SB_DATABASE_URL_BASE:?}" "$1" <<'PY'
import sys
from sqlalchemy import create_engine, text
from switchboard_platform.db.engine import normalise_url
base, name = sys.argv[1], sys.argv[2]
engine = create_engine(normalise_url(f"{base}/postgres"), isolation_level="AUTOCOMMIT")
with engine.connect() as connection:
    exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    if not exists:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
engine.dispose()
PY
}

STARTED=()  # the services this command started (Ctrl-C stops only those)

start_service() { # in the background: database, migrations, then the process
  local spec="$1" name module port db
  name="$(field "${spec}" 1)"; module="$(field "${spec}" 2)"; port="$(field "${spec}" 3)"
  db="$(field "${spec}" 5)"
  if alive "${name}"; then
    say "${name} already running (pid $(pid_of "${name}"))"
    return
  fi
  STARTED+=("${name}")
  rm -f "${RUN_DIR}/${name}.pid" "${RUN_DIR}/${name}.failed"
  local -a env=("$(field "${spec}" 4)=${port}")
  [[ -z "${db}" ]] || env+=("DATABASE_URL=${SB_DATABASE_URL_BASE}/${db}")
  (
    if [[ -n "${db}" ]]; then
      # shellcheck disable=SC2086  # module and its arguments are words
      if ! { ensure_database "${db}" && env "${env[@]}" "${PYTHON}" -m ${module%% *} migrate; } \
        >"${RUN_DIR}/${name}.migrate.out" 2>&1; then
        cp "${RUN_DIR}/${name}.migrate.out" "${RUN_DIR}/${name}.failed"
        exit 1
      fi
    fi
    # Its own session: Ctrl-C in the terminal reaches this script only, which then stops
    # the services one by one in the safe order.
    # shellcheck disable=SC2086
    env "${env[@]}" setsid nohup "${PYTHON}" -m ${module} >"${RUN_DIR}/${name}.log" 2>&1 &
    echo $! >"${RUN_DIR}/${name}.pid"
    say "${name} starting (pid $!), log ${RUN_DIR}/${name}.log"
  ) &
}

wait_ready() {
  local spec="$1" name port
  name="$(field "${spec}" 1)"; port="$(field "${spec}" 3)"
  for _ in $(seq 1 300); do
    ready "${port}" && return 0
    if [[ -f "${RUN_DIR}/${name}.failed" ]]; then
      cat "${RUN_DIR}/${name}.failed" >&2; say "${name}: migrations failed"; return 1
    fi
    if [[ -f "${RUN_DIR}/${name}.pid" ]] && ! alive "${name}"; then
      tail -n 30 "${RUN_DIR}/${name}.log" >&2; say "${name} exited"; return 1
    fi
    sleep 0.2
  done
  tail -n 30 "${RUN_DIR}/${name}.log" >&2
  say "${name} not ready within 60s"
  return 1
}

# How the processes find each other, derived from the ports (every default is overridable).
local_configuration() {
  local access="${LOCAL}:${ACCESS_PORT}" sim="${LOCAL}:${SIM_PORT}"
  # access-svc signs local tokens (the development issuer: never on in production), and
  # every service verifies them against its keys.
  export SB_ACCESS_DEV_ISSUER="${SB_ACCESS_DEV_ISSUER:-true}"
  if [[ "${SB_ACCESS_DEV_ISSUER}" == true ]]; then
    SB_ACCESS_DEV_ISSUER_KEY="${SB_ACCESS_DEV_ISSUER_KEY:-$(local_secret dev-issuer-key.pem "${EC_KEY}")}"
    export SB_ACCESS_DEV_ISSUER_KEY
    export AUTH_ISSUER="${AUTH_ISSUER:-${access}}" AUTH_JWKS_URL="${AUTH_JWKS_URL:-${access}/.well-known/jwks.json}"
  fi
  SB_CHANNEL_CREDENTIAL_KEYS="${SB_CHANNEL_CREDENTIAL_KEYS:-$(local_secret credential-key "${FERNET_KEY}")}"
  export SB_CHANNEL_CREDENTIAL_KEYS
  export SB_CHANNEL_ACCESS_URL="${SB_CHANNEL_ACCESS_URL:-${access}}"
  # Twitter's OAuth callback comes back through the console, which hands it to channel-svc
  # and shows the new channel (a caller that does not ask for HTML gets channel-svc's JSON).
  export SB_CHANNEL_PUBLIC_URL="${SB_CHANNEL_PUBLIC_URL:-${LOCAL}:${CONSOLE_PORT}}"
  export SB_CONSOLE_ACCESS_URL="${SB_CONSOLE_ACCESS_URL:-${access}}"
  export SB_CONSOLE_CHANNEL_URL="${SB_CONSOLE_CHANNEL_URL:-${LOCAL}:${CHANNEL_PORT}}"
  export SB_CONSOLE_CONVERSATION_URL="${SB_CONSOLE_CONVERSATION_URL:-${LOCAL}:${CONVERSATION_PORT}}"
  export SB_CONSOLE_PUBLIC_URL="${SB_CONSOLE_PUBLIC_URL:-${LOCAL}:${CONSOLE_PORT}}"
  SB_CONSOLE_SESSION_SECRET="${SB_CONSOLE_SESSION_SECRET:-$(local_secret console-session 'import secrets; print(secrets.token_urlsafe(48))')}"
  export SB_CONSOLE_SESSION_SECRET
  export SB_CONSOLE_SECURE_COOKIES="${SB_CONSOLE_SECURE_COOKIES:-false}"  # plain http on loopback
  # Sign-in through OpenID Connect; locally the development issuer is the identity provider.
  export SB_CONSOLE_OIDC_METADATA_URL="${SB_CONSOLE_OIDC_METADATA_URL:-${access}/.well-known/openid-configuration}"
  export SB_CONVERSATION_ACCESS_URL="${SB_CONVERSATION_ACCESS_URL:-${access}}"
  export SB_CONVERSATION_SERVICE_TOKEN_URL="${SB_CONVERSATION_SERVICE_TOKEN_URL:-${access}/v1/dev/tokens}"
  if [[ "${REAL_TWITTER}" == true ]]; then
    # Real Twitter: the app's key and secret, and a public https webhook URL reaching
    # ingest-svc's /webhooks/twitter; ingest verifies with the same consumer secret.
    : "${SB_CHANNEL_CONSUMER_KEY:?real Twitter needs SB_CHANNEL_CONSUMER_KEY (the app\'s API key)}"
    : "${SB_CHANNEL_CONSUMER_SECRET:?real Twitter needs SB_CHANNEL_CONSUMER_SECRET}"
    : "${SB_CHANNEL_WEBHOOK_URL:?real Twitter needs SB_CHANNEL_WEBHOOK_URL (public https URL of ingest-svc /webhooks/twitter)}"
    export SB_INGEST_TWITTER_CONSUMER_SECRET="${SB_INGEST_TWITTER_CONSUMER_SECRET:-${SB_CHANNEL_CONSUMER_SECRET}}"
    export SB_CHANNEL_TWITTER_WEB_URL="${SB_CHANNEL_TWITTER_WEB_URL:-${SB_CHANNEL_TWITTER_API_URL}}"
    export SB_CHANNEL_RECONCILE="${SB_CHANNEL_RECONCILE:-echoes}"
  else
    # The simulator is the one Twitter app: channel-svc signs with its key and secret,
    # ingest-svc verifies its webhooks with the same secret.
    local key="${SB_TWITTER_SIM_CONSUMER_KEY:-${SB_CHANNEL_CONSUMER_KEY:-local-dev-consumer-key}}"
    local secret="${SB_TWITTER_SIM_CONSUMER_SECRET:-${SB_INGEST_TWITTER_CONSUMER_SECRET:-local-dev-consumer-secret}}"
    export SB_TWITTER_SIM_CONSUMER_KEY="${key}" SB_CHANNEL_CONSUMER_KEY="${key}"
    export SB_TWITTER_SIM_CONSUMER_SECRET="${secret}" SB_CHANNEL_CONSUMER_SECRET="${secret}"
    export SB_INGEST_TWITTER_CONSUMER_SECRET="${secret}"
    export SB_CHANNEL_TWITTER_API_URL="${sim}" SB_CHANNEL_TWITTER_WEB_URL="${sim}"
    export SB_CHANNEL_WEBHOOK_URL="${SB_CHANNEL_WEBHOOK_URL:-${LOCAL}:${INGEST_PORT}/webhooks/twitter}"
    export SB_CHANNEL_RECONCILE="${SB_CHANNEL_RECONCILE:-simulator}"
  fi
}

# Which of Kafka and PostgreSQL this command is about to start (Ctrl-C stops only those).
KAFKA_STARTED_HERE=false
PG_STARTED_HERE=false
note_infra_before() {
  if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && ! deploy/kafka/kafka.sh status >/dev/null 2>&1; then
    KAFKA_STARTED_HERE=true
  fi
  if [[ -z "${DATABASE_URL:-}" ]] && ! deploy/postgres/postgres.sh status >/dev/null 2>&1; then
    PG_STARTED_HERE=true
  fi
}

cmd_up() {
  local detach=false
  [[ "${1:-}" == "--detach" || "${1:-}" == "-d" ]] && detach=true
  local t0=${SECONDS}
  scripts/bootstrap.sh
  note_infra_before
  if [[ "${detach}" == false ]]; then trap on_interrupt INT TERM HUP; fi
  deploy/infra.sh up
  eval "$(deploy/infra.sh env)"
  local_configuration
  mkdir -p "${RUN_DIR}"
  local spec
  for spec in "${SERVICES[@]}"; do start_service "${spec}"; done
  for spec in "${SERVICES[@]}"; do
    wait_ready "${spec}" || { [[ "${detach}" == true ]] || stop_started; exit 1; }
  done
  say "ready in $((SECONDS - t0))s"
  print_table
  if [[ "${detach}" == true ]]; then
    printf '\nrunning in the background; logs: scripts/stack.sh logs [SERVICE]; stop: make down\n'
    return
  fi
  follow_logs
}

TAILS=()
follow_logs() {
  local spec name
  if ((${#STARTED[@]} == 0)); then
    printf '\nthe stack was already running: following its logs; Ctrl-C leaves it running (make down stops it)\n\n'
  else
    printf '\nfollowing the logs; Ctrl-C stops what this command started\n\n'
  fi
  for spec in "${SERVICES[@]}"; do
    name="$(field "${spec}" 1)"
    tail -n 0 -F "${RUN_DIR}/${name}.log" 2>/dev/null \
      | awk -v p="$(printf '%-16s |' "${name}")" '{ print p, $0; fflush() }' &
    TAILS+=("$!")
  done
  # Watch the services: one that dies is reported (the others keep running).
  local -A reported=()
  while true; do
    for name in "${STARTED[@]}"; do
      if [[ -z "${reported[${name}]:-}" ]] && ! alive "${name}"; then
        say "${name} EXITED (see ${RUN_DIR}/${name}.log)"
        reported[${name}]=1
      fi
    done
    sleep 1 &
    wait $! || true
  done
}

on_interrupt() {
  trap '' INT TERM HUP
  printf '\n'
  local pid
  for pid in "${TAILS[@]}"; do kill "${pid}" 2>/dev/null || true; done
  stop_started
  exit 0
}

stop_started() {
  if ((${#STARTED[@]} > 0)); then
    say "stopping what this command started"
    local name
    for name in "${STOP_ORDER[@]}"; do
      if [[ " ${STARTED[*]} " == *" ${name} "* ]]; then stop_service "${name}"; fi
    done
  else
    say "the services were already running before: left running (make down stops them)"
  fi
  if [[ "${KAFKA_STARTED_HERE}" == true ]]; then deploy/kafka/kafka.sh stop; fi
  if [[ "${PG_STARTED_HERE}" == true ]]; then deploy/postgres/postgres.sh stop; fi
}

stop_service() { # SIGTERM (graceful: the services finish in-flight work), SIGKILL after 30s
  local name="$1" pid
  if ! alive "${name}"; then
    [[ -f "${RUN_DIR}/${name}.pid" ]] && say "${name} not running"
    rm -f "${RUN_DIR}/${name}.pid"
    return
  fi
  pid="$(pid_of "${name}")"
  kill -TERM "${pid}"
  for _ in $(seq 1 150); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "${pid}" 2>/dev/null; then
    kill -KILL "${pid}"; say "${name} killed (no exit within 30s)"
  else
    say "${name} stopped"
  fi
  rm -f "${RUN_DIR}/${name}.pid"
}

print_table() {
  local twitter="${LOCAL}:${SIM_PORT}  (docs /docs, control API /_sim/...)"
  [[ "${REAL_TWITTER}" == true ]] && twitter="${SB_CHANNEL_TWITTER_API_URL} (real; webhook ${SB_CHANNEL_WEBHOOK_URL})"
  printf '\n%-18s %-30s %s\n' "WHAT" "WHERE" "DOCS"
  printf '%-18s %-30s %s\n' "kafka" "${KAFKA_BOOTSTRAP_SERVERS}" \
    "events: docs/events.md, AsyncAPI: docs/asyncapi.yaml"
  printf '%-18s %-30s %s\n' "postgresql" "${SB_DATABASE_URL_BASE#*@}" "one database per service"
  local spec name port
  for spec in "${SERVICES[@]}"; do
    name="$(field "${spec}" 1)"; port="$(field "${spec}" 3)"
    [[ "${name}" == twitter-sim ]] && continue
    if [[ "${name}" == console-svc ]]; then
      printf '%-18s %-30s %s\n' "console" "${LOCAL}:${port}" "the web console: open it in a browser"
      continue
    fi
    printf '%-18s %-30s %s\n' "${name}" "${LOCAL}:${port}" \
      "API docs ${LOCAL}:${port}/docs  health /livez /readyz  metrics /metrics"
  done
  printf '%-18s %s\n' "twitter" "${twitter}"
  printf '\ntokens: POST %s:%s/v1/dev/tokens (development issuer); the story: make demo\n' \
    "${LOCAL}" "${ACCESS_PORT}"
}

cmd_down() {
  local name
  for name in "${STOP_ORDER[@]}"; do stop_service "${name}"; done
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
  if [[ $# -gt 0 ]]; then
    [[ -n "$(spec_of "$1")" ]] || die "no service $1"
    exec tail -n 100 -F "${RUN_DIR}/$1.log"
  fi
  exec tail -n 20 -F "${RUN_DIR}"/*.log
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
