#!/bin/sh
# A fresh cluster whose superuser is $POSTGRES_USER (password $POSTGRES_PASSWORD, default
# `switchboard`; scram over TCP), then the server in the foreground on $PGLISTEN (default:
# every address). Extra arguments go to `postgres`.
set -eu
: "${POSTGRES_PASSWORD:=switchboard}"
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  mkdir -p "$(dirname "${PGDATA}")"
  password_file="$(dirname "${PGDATA}")/.password"
  printf '%s\n' "${POSTGRES_PASSWORD}" >"${password_file}"
  initdb --username="${POSTGRES_USER}" --pwfile="${password_file}" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --no-sync >/dev/null
  rm -f "${password_file}"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' \
    >>"${PGDATA}/pg_hba.conf"
fi
exec postgres -c listen_addresses="${PGLISTEN:-*}" -c port="${PGPORT}" -c unix_socket_directories='' \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "$@"
