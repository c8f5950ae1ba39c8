#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) on loopback, run from
# jars fetched from Maven Central (no Docker, no release tarball).
#
# Usage: deploy/kafka/kafka.sh fetch|start|stop|status|logs [-f] [LINES]|wait
#
# Environment:
#   SB_RUN_DIR                 run root (default <repo>/.run); Kafka lives in $SB_RUN_DIR/kafka
#   SB_KAFKA_PORT              client listener port (default 9092)
#   SB_KAFKA_CONTROLLER_PORT   controller listener port (default 9093)
#   SB_KAFKA_VERSION           org.apache.kafka:kafka_2.13 version (default below)
#   SB_KAFKA_START_TIMEOUT     seconds to wait for the listener (default 90)
#   SB_KAFKA_STOP_TIMEOUT      seconds to wait after SIGTERM before SIGKILL (default 30)
#   SB_KAFKA_HEAP              max heap (default 512m)
#   SB_KAFKA_JVM_OPTS          extra JVM options, appended
#   XDG_CACHE_HOME             jar cache root (default ~/.cache)
#
# Exit codes: 0 ok; 1 failure; 2 usage; `status` exits 3 when Kafka is not running/ready.
set -euo pipefail

readonly DEFAULT_KAFKA_VERSION="4.1.2"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

KAFKA_VERSION="${SB_KAFKA_VERSION:-${DEFAULT_KAFKA_VERSION}}"
HOST="127.0.0.1"
PORT="${SB_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${SB_KAFKA_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${SB_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${SB_KAFKA_STOP_TIMEOUT:-30}"
HEAP="${SB_KAFKA_HEAP:-512m}"

RUN_ROOT="${SB_RUN_DIR:-${REPO_ROOT}/.run}"
mkdir -p "${RUN_ROOT}"
RUN_ROOT="$(cd "${RUN_ROOT}" && pwd)"
RUN_DIR="${RUN_ROOT}/kafka"
DATA_DIR="${RUN_DIR}/data"
LOG_DIR="${RUN_DIR}/logs"
LOG_FILE="${LOG_DIR}/server.log"
STDOUT_FILE="${LOG_DIR}/stdout.log"
PROPS_FILE="${RUN_DIR}/server.properties"
PID_FILE="${RUN_DIR}/kafka.pid"
CLUSTER_ID_FILE="${RUN_DIR}/cluster.id"

CACHE_DIR="${XDG_CACHE_HOME:-${HOME}/.cache}/switchboard/kafka-${KAFKA_VERSION}"
LIBS_DIR="${CACHE_DIR}/libs"
MARKER_FILE="${LIBS_DIR}/.fetch-complete"
POM_FILE="${SCRIPT_DIR}/pom.xml"
LOG4J_CONFIG="${SCRIPT_DIR}/log4j2.properties"

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") fetch|start|stop|status|logs [-f] [LINES]|wait
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------
# fetch: jars into the cache, once per (Kafka version, pom.xml content)
# ---------------------------------------------------------------------------------------------

# The marker holds the version and the pom's checksum, so editing the pom (e.g. a new log4j
# version) triggers a fresh copy instead of silently reusing stale jars.
fetch_stamp() {
  printf 'kafka_2.13=%s pom-sha256=%s\n' "${KAFKA_VERSION}" \
    "$(sha256sum "${POM_FILE}" | cut -d' ' -f1)"
}

libs_complete() {
  [[ -f "${MARKER_FILE}" ]] && [[ "$(cat "${MARKER_FILE}")" == "$(fetch_stamp)" ]] \
    && [[ -f "${LIBS_DIR}/kafka_2.13-${KAFKA_VERSION}.jar" ]]
}

cmd_fetch() {
  command -v java >/dev/null 2>&1 || die "java not found (Kafka ${KAFKA_VERSION} needs Java 17+)"
  if libs_complete; then
    say "jars cached in ${LIBS_DIR} ($(jar_count) jars, Kafka ${KAFKA_VERSION})"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to fetch the Kafka jars)"
  mkdir -p "${CACHE_DIR}"
  # Serialise concurrent fetches (e.g. two shells running `start`).
  exec 9>"${CACHE_DIR}/.fetch.lock"
  flock 9
  if libs_complete; then
    say "jars cached in ${LIBS_DIR} ($(jar_count) jars, Kafka ${KAFKA_VERSION})"
    exec 9>&-
    return 0
  fi

  local tmp="${CACHE_DIR}/libs.tmp.$$"
  rm -rf "${tmp}"
  local -a mvn_args=(-q -B -Dstyle.color=never -f "${POM_FILE}" "-Dkafka.version=${KAFKA_VERSION}"
    "-Dkafka.libs.dir=${tmp}" package)
  say "fetching Kafka ${KAFKA_VERSION} jars with Maven into ${LIBS_DIR}"
  local start_s=${SECONDS}
  # Offline first: when ~/.m2 already holds everything this needs no network at all.
  if ! mvn -o "${mvn_args[@]}" >/dev/null 2>&1; then
    rm -rf "${tmp}"
    if ! run_mvn "${mvn_args[@]}"; then
      rm -rf "${tmp}"
      exec 9>&-
      die "Maven failed to fetch org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (see output above)"
    fi
  fi
  [[ -f "${tmp}/kafka_2.13-${KAFKA_VERSION}.jar" ]] \
    || die "Maven ran but ${tmp} lacks kafka_2.13-${KAFKA_VERSION}.jar"
  compgen -G "${tmp}/log4j-slf4j-impl-*.jar" >/dev/null \
    || die "Maven ran but the log4j-slf4j-impl binding is missing from ${tmp}"
  fetch_stamp >"${tmp}/.fetch-complete"
  rm -rf "${LIBS_DIR}"
  mv "${tmp}" "${LIBS_DIR}"
  exec 9>&-
  say "fetched $(jar_count) jars for Kafka ${KAFKA_VERSION} in $((SECONDS - start_s))s"
}

# Debian's Maven 3.8.7 prints bare ANSI resets even with -q -B; keep only real messages.
run_mvn() {
  mvn "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
}

jar_count() {
  local -a jars=("${LIBS_DIR}"/*.jar)
  printf '%d' "${#jars[@]}"
}

# ---------------------------------------------------------------------------------------------
# process and port helpers
# ---------------------------------------------------------------------------------------------

port_open() { # host port
  # shellcheck disable=SC2016 # expanded by the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# True when $1 is a live Kafka broker started with *our* server.properties.
is_our_kafka() {
  local pid="$1" cmdline
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  [[ "${cmdline}" == *"kafka.Kafka ${PROPS_FILE}"* ]]
}

# Alive and not a zombie (a JVM that died under us stays a zombie until this shell exits).
pid_alive() {
  local stat state
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"
  state="${state%% *}"
  [[ -n "${state}" && "${state}" != Z && "${state}" != X ]]
}

# Prints our broker's pid (from the pid file, else by scanning /proc, which re-adopts a broker
# whose pid file was lost). Returns 1 when none runs.
our_pid() {
  local pid=""
  if [[ -f "${PID_FILE}" ]]; then
    pid="$(<"${PID_FILE}")"
    if is_our_kafka "${pid}"; then
      printf '%s' "${pid}"
      return 0
    fi
  fi
  local d
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    if is_our_kafka "${pid}"; then
      printf '%s' "${pid}" >"${PID_FILE}"
      printf '%s' "${pid}"
      return 0
    fi
  done
  return 1
}

# Describes whoever listens on a TCP port (empty when unknown).
port_owner() {
  local port="$1" line
  command -v ss >/dev/null 2>&1 || return 0
  line="$(ss -Hltnp "sport = :${port}" 2>/dev/null | head -n1)" || return 0
  [[ -n "${line}" ]] || return 0
  if [[ "${line}" =~ users:\(\(\"([^\"]*)\",pid=([0-9]+) ]]; then
    printf '%s (pid %s)' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  fi
}

fail_port_taken() {
  local port="$1" owner
  owner="$(port_owner "${port}")"
  die "port ${HOST}:${port} is already in use by another process${owner:+: ${owner}}" \
    "(not our broker); stop it or set SB_KAFKA_PORT/SB_KAFKA_CONTROLLER_PORT"
}

running_version() {
  local v=""
  if [[ -f "${LOG_FILE}" ]]; then
    v="$(grep -o 'Kafka version: [^ ]*' "${LOG_FILE}" 2>/dev/null | tail -n1 | cut -d' ' -f3)" || true
  fi
  printf '%s' "${v:-${KAFKA_VERSION}}"
}

# Byte offsets of the log files when this invocation launched the JVM, so that a failed start
# shows this run's lines rather than the previous run's.
STDOUT_OFFSET=0
LOG_OFFSET=0

file_size() { if [[ -f "$1" ]]; then stat -c %s "$1"; else printf '0'; fi; }

show_log_tail() {
  local f offset
  for f in "${STDOUT_FILE}" "${LOG_FILE}"; do
    offset="${STDOUT_OFFSET}"
    [[ "${f}" == "${LOG_FILE}" ]] && offset="${LOG_OFFSET}"
    # The rolling appender may have rotated meanwhile: then show the file from its start.
    (($(file_size "${f}") >= offset)) || offset=0
    if (($(file_size "${f}") > offset)); then
      printf 'kafka: ---- last 40 lines of %s ----\n' "${f}" >&2
      tail -c "+$((offset + 1))" "${f}" | tail -n 40 >&2
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# start / wait / stop / status / logs
# ---------------------------------------------------------------------------------------------

write_properties() {
  mkdir -p "${DATA_DIR}" "${LOG_DIR}"
  local tmp="${PROPS_FILE}.tmp"
  cat >"${tmp}" <<EOF
# Generated by deploy/kafka/kafka.sh on each start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}
listeners=PLAINTEXT://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${DATA_DIR}
EOF
  cat "${SCRIPT_DIR}/broker.properties" >>"${tmp}"
  mv "${tmp}" "${PROPS_FILE}"
}

kafka_java() { # main-class args...
  java -cp "${LIBS_DIR}/*" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    "-Dlog4j2.configurationFile=${LOG4J_CONFIG}" "-Dkafka.logs.dir=${LOG_DIR}" "$@"
}

format_storage() {
  if [[ ! -s "${CLUSTER_ID_FILE}" ]]; then
    local id
    id="$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    [[ "${id}" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a cluster id (got '${id}')"
    printf '%s\n' "${id}" >"${CLUSTER_ID_FILE}"
  fi
  local cluster_id
  cluster_id="$(<"${CLUSTER_ID_FILE}")"
  if [[ -f "${DATA_DIR}/meta.properties" ]]; then
    return 0
  fi
  local out
  if ! out="$(kafka_java kafka.tools.StorageTool format --ignore-formatted \
    -t "${cluster_id}" -c "${PROPS_FILE}" 2>&1)"; then
    printf '%s\n' "${out}" >&2
    die "formatting ${DATA_DIR} failed"
  fi
  say "formatted ${DATA_DIR} (cluster id ${cluster_id})"
}

# Waits until our broker's listener accepts connections; fails early if the JVM dies.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    # pid_alive, not is_our_kafka: right after launch the pid may still be the subshell
    # that is about to exec the JVM.
    if ! pid_alive "${pid}"; then
      show_log_tail
      rm -f "${PID_FILE}"
      die "broker process ${pid} exited during startup (logs above)"
    fi
    if port_open "${HOST}" "${PORT}"; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail
  die "not ready on ${HOST}:${PORT} after ${START_TIMEOUT}s (pid ${pid} still running;" \
    "'$(basename "$0") stop' ends it)"
}

cmd_start() {
  mkdir -p "${RUN_DIR}"
  # One start at a time per run dir (e.g. infra.sh up in two shells): the second one waits
  # here and then finds the broker running. The JVM must not inherit this fd (see below).
  exec 8>"${RUN_DIR}/.start.lock"
  flock 8
  local pid
  if pid="$(our_pid)"; then
    if port_open "${HOST}" "${PORT}"; then
      say "already running (pid ${pid}) on ${HOST}:${PORT} (Kafka $(running_version))"
      return 0
    fi
    say "starting already (pid ${pid}); waiting for ${HOST}:${PORT}"
    local t0=${SECONDS}
    wait_ready "${pid}"
    say "started on ${HOST}:${PORT} (Kafka $(running_version), pid ${pid}, $((SECONDS - t0))s)"
    return 0
  fi
  rm -f "${PID_FILE}"
  local p
  for p in "${PORT}" "${CONTROLLER_PORT}"; do
    if port_open "${HOST}" "${p}"; then
      fail_port_taken "${p}"
    fi
  done

  libs_complete || cmd_fetch
  write_properties
  format_storage

  STDOUT_OFFSET="$(file_size "${STDOUT_FILE}")"
  LOG_OFFSET="$(file_size "${LOG_FILE}")"
  local t0=${SECONDS}
  local -a jvm_opts=(
    "-Xms128m" "-Xmx${HEAP}" "-XX:+UseSerialGC" "-XX:TieredStopAtLevel=1"
    "-XX:+ExitOnOutOfMemoryError" "-Djava.awt.headless=true"
    "-Dlog4j2.configurationFile=${LOG4J_CONFIG}" "-Dkafka.logs.dir=${LOG_DIR}"
  )
  if [[ -n "${SB_KAFKA_JVM_OPTS:-}" ]]; then
    local -a extra
    read -r -a extra <<<"${SB_KAFKA_JVM_OPTS}"
    jvm_opts+=("${extra[@]}")
  fi
  # setsid: own session, so the broker survives the calling shell and its job control;
  # nohup + redirects: no terminal ties. setsid execs (no fork) since we are not a group
  # leader here, so $! is the JVM's pid.
  (
    cd "${RUN_DIR}"
    exec 8>&- # else the broker would hold the start lock for its whole life
    exec setsid nohup java "${jvm_opts[@]}" -cp "${LIBS_DIR}/*" kafka.Kafka "${PROPS_FILE}" \
      >>"${STDOUT_FILE}" 2>&1 </dev/null
  ) &
  pid=$!
  printf '%s' "${pid}" >"${PID_FILE}"
  wait_ready "${pid}"
  say "started on ${HOST}:${PORT} (Kafka $(running_version), pid ${pid}, ready in $((SECONDS - t0))s)"
}

cmd_wait() {
  local pid
  if pid="$(our_pid)"; then
    local t0=${SECONDS}
    wait_ready "${pid}"
    say "ready on ${HOST}:${PORT} (Kafka $(running_version), pid ${pid}, waited $((SECONDS - t0))s)"
    return 0
  fi
  if port_open "${HOST}" "${PORT}"; then
    say "${HOST}:${PORT} accepts connections (a broker not started by this script)"
    return 0
  fi
  die "not running (start it with '$(basename "$0") start')"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "${PID_FILE}"
    say "not running"
    return 0
  fi
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT)) t0=${SECONDS}
  while is_our_kafka "${pid}" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if is_our_kafka "${pid}"; then
    say "pid ${pid} ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    while is_our_kafka "${pid}"; do sleep 0.2; done
  fi
  rm -f "${PID_FILE}"
  say "stopped (pid ${pid}, $((SECONDS - t0))s)"
}

cmd_status() {
  local pid
  if pid="$(our_pid)"; then
    if port_open "${HOST}" "${PORT}"; then
      say "running (pid ${pid}) on ${HOST}:${PORT} (Kafka $(running_version))"
      return 0
    fi
    say "starting (pid ${pid}), ${HOST}:${PORT} not accepting connections yet"
    return 3
  fi
  if port_open "${HOST}" "${PORT}"; then
    local owner
    owner="$(port_owner "${PORT}")"
    say "not running; ${HOST}:${PORT} is held by another process${owner:+: ${owner}}"
    return 3
  fi
  say "not running"
  return 3
}

cmd_logs() {
  local follow=0 lines=100
  while (($#)); do
    case "$1" in
      -f | --follow) follow=1 ;;
      *[!0-9]* | '') usage ;;
      *) lines="$1" ;;
    esac
    shift
  done
  [[ -f "${LOG_FILE}" ]] || die "no log yet at ${LOG_FILE}"
  if ((follow)); then
    exec tail -n "${lines}" -F "${LOG_FILE}"
  fi
  tail -n "${lines}" "${LOG_FILE}"
}

main() {
  (($#)) || usage
  local cmd="$1"
  shift
  case "${cmd}" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    wait) cmd_wait ;;
    version) printf "%s\n" "${KAFKA_VERSION}" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
