#!/usr/bin/env bash
# A container engine with a Docker-compatible API, for `make images` and the Testcontainers
# tests: Docker when a Docker engine answers; otherwise Podman (installed and configured here,
# Debian packages), whose API socket this script starts and, on `down`, stops again.
#
# Usage: deploy/engine.sh up|down|status|env
#   up      make an engine answer (idempotent)
#   down    stop only what `up` started (a Docker engine, or a socket already running, is left alone)
#   status  one line; exit 0 when an engine answers, 3 otherwise
#   env     the exports for Testcontainers and the docker/podman CLIs:
#             eval "$(deploy/engine.sh env)"
#
# Environment: SB_RUN_DIR (default <repo>/.run) holds engine/podman.pid and engine/podman.log.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${SB_RUN_DIR:-${REPO_ROOT}/.run}/engine"
PID_FILE="${RUN_DIR}/podman.pid"
LOG_FILE="${RUN_DIR}/podman.log"
SOCKET="/run/podman/podman.sock"
PODMAN_HOST="unix://${SOCKET}"
CONF="/etc/containers/containers.conf"
PACKAGES=(podman runc uidmap slirp4netns fuse-overlayfs mmdebstrap)

say() { printf 'engine: %s\n' "$*" >&2; }
die() { printf 'engine: %s\n' "$*" >&2; exit 1; }

# `docker version` talks to DOCKER_HOST (or the default socket); Podman's socket counts only
# when this script is not the one asking about it.
docker_answers() {
  command -v docker >/dev/null 2>&1 || return 1
  [[ "${DOCKER_HOST:-}" == "${PODMAN_HOST}" ]] && return 1
  timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

podman_answers() {
  [[ -S "${SOCKET}" ]] || return 1
  command -v curl >/dev/null 2>&1 || die "curl is needed to ask the Podman socket"
  [[ "$(curl -s --max-time 3 --unix-socket "${SOCKET}" http://d/_ping 2>/dev/null)" == "OK" ]]
}

sudo_if_needed() {
  if [[ ${EUID} -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_podman() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("${package}")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null 2>&1 || die "no Docker engine, and no apt-get to install Podman"
  say "installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "${missing[@]}" >/dev/null
}

# crun (Podman's default) fails on this kind of host ("cgroups in hybrid mode"): runc does
# not. Without the ulimits every run fails: root Podman asks for nofile=1048576, above the
# hard limit the machine grants, and setrlimit is refused.
configure_podman() {
  local nofile wanted
  nofile="$(ulimit -Hn)"
  wanted="$(cat <<CONF
# Written by deploy/engine.sh.
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
)"
  if [[ -f "${CONF}" ]] && [[ "$(cat "${CONF}")" == "${wanted}" ]]; then
    return 0
  fi
  [[ -f "${CONF}" ]] && ! grep -q "deploy/engine.sh" "${CONF}" \
    && die "${CONF} exists and was not written by this script: add the settings in its header by hand"
  sudo_if_needed mkdir -p "$(dirname "${CONF}")"
  printf '%s\n' "${wanted}" | sudo_if_needed tee "${CONF}" >/dev/null
  say "wrote ${CONF}"
}

cmd_up() {
  if docker_answers; then
    say "a Docker engine answers: using it"
    return 0
  fi
  if podman_answers; then
    say "the Podman API answers on ${SOCKET}"
    return 0
  fi
  install_podman
  configure_podman
  mkdir -p "${RUN_DIR}"
  sudo_if_needed mkdir -p "$(dirname "${SOCKET}")"
  # --time=0: the service never exits on its own; `down` stops it.
  setsid nohup podman system service --time=0 "${PODMAN_HOST}" >>"${LOG_FILE}" 2>&1 </dev/null &
  echo $! >"${PID_FILE}"
  for _ in $(seq 1 100); do
    if podman_answers; then
      say "started the Podman API on ${SOCKET} (pid $(cat "${PID_FILE}"), log ${LOG_FILE})"
      return 0
    fi
    kill -0 "$(cat "${PID_FILE}")" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "${LOG_FILE}" >&2 || true
  die "the Podman API did not answer on ${SOCKET}"
}

cmd_down() {
  if [[ ! -f "${PID_FILE}" ]]; then
    say "nothing to stop (this script did not start an engine)"
    return 0
  fi
  local pid
  pid="$(cat "${PID_FILE}")"
  if kill -0 "${pid}" 2>/dev/null \
    && [[ "$(tr '\0' ' ' <"/proc/${pid}/cmdline")" == *"system service"* ]]; then
    kill "${pid}"
    say "stopped the Podman API (pid ${pid})"
  fi
  rm -f "${PID_FILE}"
}

cmd_status() {
  if docker_answers; then
    echo "engine: docker ($(docker version --format '{{.Server.Version}}'))"
  elif podman_answers; then
    echo "engine: podman $(podman version --format '{{.Server.Version}}' 2>/dev/null) on ${SOCKET}"
  else
    echo "engine: none answers (deploy/engine.sh up)"
    return 3
  fi
}

# Podman: Ryuk (the reaper) is an image from Docker Hub, which is not reachable, and the tests
# stop what they start; docker_host mode because a /.dockerenv file would make Testcontainers
# believe it runs inside a container and look for a gateway.
cmd_env() {
  if docker_answers; then
    return 0
  fi
  podman_answers || die "no engine answers: run deploy/engine.sh up"
  echo "export DOCKER_HOST=${PODMAN_HOST}"
  echo "export TESTCONTAINERS_RYUK_DISABLED=true"
  echo "export TESTCONTAINERS_CONNECTION_MODE=docker_host"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $(basename "$0") up|down|status|env" >&2; exit 2 ;;
esac
