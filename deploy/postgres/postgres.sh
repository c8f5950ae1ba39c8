#!/usr/bin/env bash
# Local PostgreSQL from Debian's packages, managed with postgresql-common's pg_* tools (no
# systemd needed). Needs root (apt-get, pg_ctlcluster, runuser).
#
# Usage: deploy/postgres/postgres.sh install|start|stop|status|ensure-dbs
#
# Environment:
#   SB_PG_PORT        cluster port (default 5432)
#   SB_PG_VERSION     major version to use (default: newest installed server)
#   SB_RUN_DIR        run root (default <repo>/.run); state in $SB_RUN_DIR/postgres
#   SB_PG_START_TIMEOUT  seconds to wait for pg_isready (default 60)
#
# `start` records in the run dir when it was this script that started the cluster, so that
# `deploy/infra.sh down` stops only a cluster it started. Exit codes: 0 ok, 1 failure,
# 2 usage, `status` exits 3 when PostgreSQL is not running.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

HOST="127.0.0.1"
PORT="${SB_PG_PORT:-5432}"
START_TIMEOUT="${SB_PG_START_TIMEOUT:-60}"
RUN_ROOT="${SB_RUN_DIR:-${REPO_ROOT}/.run}"
RUN_DIR="${RUN_ROOT}/postgres"
STARTED_MARKER="${RUN_DIR}/started-by-us-${PORT}"

readonly DB_ROLE="switchboard"
readonly DB_PASSWORD="switchboard"
readonly DATABASES=(switchboard_access switchboard_channel switchboard_conversation)

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: %s\n' "$*" >&2; exit 1; }

usage() {
  printf 'usage: %s install|start|stop|status|ensure-dbs\n' "$(basename "$0")" >&2
  exit 2
}

need_root() {
  ((EUID == 0)) || die "$1 needs root (apt-get, pg_ctlcluster and runuser); run it as root"
}

# ---------------------------------------------------------------------------------------------
# discovery
# ---------------------------------------------------------------------------------------------

# Newest major version whose server binary is installed (or SB_PG_VERSION); empty when none.
server_version() {
  if [[ -n "${SB_PG_VERSION:-}" ]]; then
    [[ -x "/usr/lib/postgresql/${SB_PG_VERSION}/bin/postgres" ]] && printf '%s' "${SB_PG_VERSION}"
    return 0
  fi
  local bin
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    [[ -x "${bin}" ]] || continue
    bin="${bin#/usr/lib/postgresql/}"
    printf '%s\n' "${bin%%/*}"
  done | sort -V | tail -n1
}

installed() {
  command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1 \
    && command -v psql >/dev/null 2>&1 && [[ -n "$(server_version)" ]]
}

# Prints "version name status" of the cluster listening on PORT (preferring the chosen
# version); returns 1 when no cluster is configured on that port.
find_cluster() {
  local want ver name port status _rest best=""
  want="$(server_version)"
  while read -r ver name port status _rest; do
    [[ "${port}" == "${PORT}" ]] || continue
    if [[ "${ver}" == "${want}" ]]; then
      printf '%s %s %s' "${ver}" "${name}" "${status}"
      return 0
    fi
    [[ -n "${best}" ]] || best="${ver} ${name} ${status}"
  done < <(pg_lsclusters -h 2>/dev/null)
  [[ -n "${best}" ]] || return 1
  printf '%s' "${best}"
}

cluster_online() { # ver name
  local status
  status="$(pg_lsclusters -h "$1" "$2" 2>/dev/null | awk '{print $4}')"
  [[ "${status}" == online* ]]
}

cluster_log() { # ver name
  pg_lsclusters -h "$1" "$2" 2>/dev/null | awk '{print $7}'
}

ready() { pg_isready -q -h "${HOST}" -p "${PORT}" -t 2 >/dev/null 2>&1; }

# psql as the postgres OS user over the local socket (peer authentication).
psql_admin() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "${PORT}" -d postgres "$@")
}

# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------

cmd_install() {
  if installed; then
    say "PostgreSQL $(server_version) is installed"
    return 0
  fi
  need_root "install"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is missing and apt-get is not available"
  say "installing PostgreSQL with apt-get (a minute or two)"
  export DEBIAN_FRONTEND=noninteractive
  # A UTF-8 locale for the cluster that the package's postinst creates (else SQL_ASCII).
  export LANG="${LANG:-C.UTF-8}"
  local log
  log="$(mktemp)"
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends postgresql; } \
    >"${log}" 2>&1; then
    tail -n 40 "${log}" >&2
    rm -f "${log}"
    die "apt-get install postgresql failed (output above)"
  fi
  rm -f "${log}"
  installed || die "apt-get succeeded but no PostgreSQL server binary was found"
  say "installed PostgreSQL $(server_version)"
}

# Creates a cluster on PORT when none listens there; prints "version name status".
ensure_cluster() {
  local found
  if found="$(find_cluster)"; then
    printf '%s' "${found}"
    return 0
  fi
  local ver name="main" out
  ver="$(server_version)"
  [[ -n "${ver}" ]] || die "no PostgreSQL server installed (run '$(basename "$0") install')"
  if [[ -d "/etc/postgresql/${ver}/${name}" ]]; then
    name="sb${PORT}" # main exists on another port: keep it, add ours beside it
  fi
  if ! out="$(pg_createcluster --locale C.UTF-8 --encoding UTF8 -p "${PORT}" "${ver}" "${name}" 2>&1)"; then
    printf '%s\n' "${out}" >&2
    die "pg_createcluster ${ver} ${name} failed"
  fi
  say "created cluster ${ver}/${name} on port ${PORT}" >&2
  printf '%s %s down' "${ver}" "${name}"
}

cmd_start() {
  installed || die "PostgreSQL is not installed (run '$(basename "$0") install')"
  need_root "start"
  local cluster ver name _status
  cluster="$(ensure_cluster)"
  read -r ver name _status <<<"${cluster}"
  if cluster_online "${ver}" "${name}" && ready; then
    say "already running (PostgreSQL ${ver}/${name}) on ${HOST}:${PORT}"
    return 0
  fi
  if ! cluster_online "${ver}" "${name}"; then
    # /var/run is a tmpfs on many hosts; without systemd-tmpfiles nobody recreates this.
    install -d -m 2775 -o postgres -g postgres /var/run/postgresql
    local out
    if ! out="$(pg_ctlcluster "${ver}" "${name}" start 2>&1)"; then
      printf '%s\n' "${out}" >&2
      local log
      log="$(cluster_log "${ver}" "${name}")"
      if [[ -n "${log}" && -r "${log}" ]]; then
        printf 'postgres: ---- last 40 lines of %s ----\n' "${log}" >&2
        tail -n 40 "${log}" >&2
      fi
      die "pg_ctlcluster ${ver} ${name} start failed (is port ${PORT} taken by another server?)"
    fi
    mkdir -p "${RUN_DIR}"
    printf '%s %s\n' "${ver}" "${name}" >"${STARTED_MARKER}"
  fi
  local deadline=$((SECONDS + START_TIMEOUT)) t0=${SECONDS}
  until ready; do
    ((SECONDS < deadline)) || die "PostgreSQL ${ver}/${name} not ready on ${HOST}:${PORT} after ${START_TIMEOUT}s"
    sleep 0.5
  done
  say "started on ${HOST}:${PORT} (PostgreSQL ${ver}/${name}, ready in $((SECONDS - t0))s)"
}

cmd_stop() {
  if ! installed; then
    rm -f "${STARTED_MARKER}"
    say "not installed"
    return 0
  fi
  local found ver name _status
  if ! found="$(find_cluster)" || ! read -r ver name _status <<<"${found}" \
    || ! cluster_online "${ver}" "${name}"; then
    rm -f "${STARTED_MARKER}"
    say "not running"
    return 0
  fi
  need_root "stop"
  local out
  if ! out="$(pg_ctlcluster "${ver}" "${name}" stop 2>&1)"; then
    printf '%s\n' "${out}" >&2
    die "pg_ctlcluster ${ver} ${name} stop failed"
  fi
  rm -f "${STARTED_MARKER}"
  say "stopped (PostgreSQL ${ver}/${name})"
}

cmd_status() {
  if ! installed; then
    say "not installed"
    return 3
  fi
  local found ver name _status
  if ! found="$(find_cluster)"; then
    say "not running (no cluster on port ${PORT})"
    return 3
  fi
  read -r ver name _status <<<"${found}"
  if cluster_online "${ver}" "${name}" && ready; then
    local by=""
    [[ -f "${STARTED_MARKER}" ]] && by=", started by deploy/postgres"
    say "running (PostgreSQL ${ver}/${name}) on ${HOST}:${PORT}${by}"
    return 0
  fi
  say "not running (PostgreSQL ${ver}/${name}, port ${PORT})"
  return 3
}

tcp_login_ok() { # database
  PGPASSWORD="${DB_PASSWORD}" PGCONNECT_TIMEOUT=5 psql -X -q -At -h "${HOST}" -p "${PORT}" \
    -U "${DB_ROLE}" -d "$1" -c 'select 1' >/dev/null 2>&1
}

# Debian's pg_hba.conf already allows scram-sha-256 for host connections from 127.0.0.1/32.
# Other setups may not: then put one line for our role first and reload.
ensure_hba() {
  local db="${DATABASES[0]}"
  tcp_login_ok "${db}" && return 0
  local hba line="host all ${DB_ROLE} 127.0.0.1/32 scram-sha-256"
  hba="$(psql_admin -At -c 'SHOW hba_file')"
  if ! grep -qxF "${line}" "${hba}"; then
    local tmp="${hba}.sb-tmp"
    { printf '# added by switchboard deploy/postgres/postgres.sh\n%s\n' "${line}"; cat "${hba}"; } >"${tmp}"
    chown --reference="${hba}" "${tmp}"
    chmod --reference="${hba}" "${tmp}"
    mv "${tmp}" "${hba}"
    psql_admin -At -c 'SELECT pg_reload_conf()' >/dev/null
    say "added '${line}' to ${hba}"
    sleep 1
  fi
  tcp_login_ok "${db}" \
    || die "password login as ${DB_ROLE} on ${HOST}:${PORT} still fails; check ${hba}"
}

cmd_ensure_dbs() {
  installed || die "PostgreSQL is not installed (run '$(basename "$0") install')"
  need_root "ensure-dbs"
  ready || die "not running on ${HOST}:${PORT} (run '$(basename "$0") start')"

  local exists
  exists="$(psql_admin -At -c "SELECT 1 FROM pg_roles WHERE rolname = '${DB_ROLE}'")"
  # Always (re)set the attributes and password: cheap, and repairs a drifted role.
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_ROLE}') THEN
        CREATE ROLE ${DB_ROLE} LOGIN CREATEDB PASSWORD '${DB_PASSWORD}';
      ELSE
        ALTER ROLE ${DB_ROLE} LOGIN CREATEDB PASSWORD '${DB_PASSWORD}';
      END IF;
    END \$\$;"
  if [[ "${exists}" == "1" ]]; then
    say "role ${DB_ROLE} exists (LOGIN CREATEDB, password reset)"
  else
    say "created role ${DB_ROLE} (LOGIN CREATEDB)"
  fi

  # Databases are UTF-8 even when the cluster's default is not (e.g. a SQL_ASCII cluster made
  # under the C locale).
  local template_enc create_opts=""
  template_enc="$(psql_admin -At -c "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")"
  if [[ "${template_enc}" != "UTF8" ]]; then
    create_opts=" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"
    say "cluster default encoding is ${template_enc}; creating UTF8 databases from template0"
  fi

  local db owner
  for db in "${DATABASES[@]}"; do
    owner="$(psql_admin -At -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${db}'")"
    if [[ -z "${owner}" ]]; then
      psql_admin -c "CREATE DATABASE ${db} OWNER ${DB_ROLE}${create_opts}"
      say "created database ${db} (owner ${DB_ROLE})"
    elif [[ "${owner}" != "${DB_ROLE}" ]]; then
      psql_admin -c "ALTER DATABASE ${db} OWNER TO ${DB_ROLE}"
      say "database ${db} existed (owner ${owner}); owner set to ${DB_ROLE}"
    else
      say "database ${db} exists (owner ${DB_ROLE})"
    fi
  done

  ensure_hba
  say "password login over TCP works: postgresql://${DB_ROLE}:***@${HOST}:${PORT}/${DATABASES[0]}"
}

main() {
  (($#)) || usage
  local cmd="$1"
  shift
  (($# == 0)) || usage
  case "${cmd}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    ensure-dbs) cmd_ensure_dbs ;;
    *) usage ;;
  esac
}

main "$@"
