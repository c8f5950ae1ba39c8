#!/usr/bin/env bash
# Builds every image: the services' (one image, the root Dockerfile's `runtime` target), the
# Twitter simulator's (its `twitter-sim` target), and Kafka's and PostgreSQL's for the
# container tests (deploy/images/). Tags come from the commit: `<short sha>[-dirty]`.
#
#   scripts/images.sh           build (what `make images` runs); writes .run/images.env
#   scripts/images.sh --tag     print the tag only
#
# Base images come from a registry when one answers (the Dockerfiles' default `ARG`s). When
# none does, they are made here from Debian packages with mmdebstrap and `podman import`d,
# cached by a hash of what goes into them, so a second run rebuilds nothing.
# Engine: Docker when one answers, else Podman (`deploy/engine.sh up` first).
# Environment: SB_IMAGE_REPOSITORY (default ghcr.io/switchboard), SB_RUN_DIR (default .run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.local/bin:${PATH}"

REPOSITORY="${SB_IMAGE_REPOSITORY:-ghcr.io/switchboard}"
RUN_DIR="${SB_RUN_DIR:-.run}"
UV_VERSION="0.13.8" # the Dockerfile's UV_IMAGE pin
SUITE="bookworm"    # Debian 12: python3 is 3.11, PostgreSQL 15, OpenJDK 17
MIRRORS=(
  "deb http://deb.debian.org/debian ${SUITE} main"
  "deb http://deb.debian.org/debian ${SUITE}-updates main"
  "deb http://deb.debian.org/debian-security ${SUITE}-security main"
)

tag() {
  local sha
  sha="$(git rev-parse --short HEAD)"
  if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
    sha="${sha}-dirty"
  fi
  printf '%s' "${sha}"
}

if [[ "${1:-}" == "--tag" ]]; then
  tag
  echo
  exit 0
fi

say() { printf 'images: %s\n' "$*" >&2; }
die() { printf 'images: %s\n' "$*" >&2; exit 1; }

started=${SECONDS}
TAG="$(tag)"
if command -v docker >/dev/null 2>&1 && [[ "${DOCKER_HOST:-}" != *podman* ]] \
  && timeout 5 docker version >/dev/null 2>&1; then
  ENGINE=docker
elif command -v podman >/dev/null 2>&1; then
  ENGINE=podman
else
  die "no container engine: run deploy/engine.sh up"
fi

registry_answers() {
  # Any HTTP answer (401 included) means Docker Hub is reachable.
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 https://registry-1.docker.io/v2/)" != "000" ]]
}

image_exists() { "${ENGINE}" image inspect "$1" >/dev/null 2>&1; }

# A Debian base image from packages: name, packages (comma separated). Prints its reference.
# The host's extra CA certificates go in too: HTTPS from inside a build (uv fetching wheels)
# may pass through a TLS-intercepting proxy that only those certificates make trusted.
debian_base() {
  local name="$1" packages="$2" hash ref tarball
  hash="$(
    {
      printf '%s\n' "${SUITE}" "${packages}" "${MIRRORS[@]}"
      declare -f debian_base
      cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
    } | sha256sum | cut -c1-12
  )"
  ref="localhost/switchboard-base-${name}:${hash}"
  if image_exists "${ref}"; then
    say "base ${ref} (cached)"
    printf '%s' "${ref}"
    return 0
  fi
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (deploy/engine.sh up installs it)"
  mkdir -p "${RUN_DIR}/images"
  tarball="${RUN_DIR}/images/base-${name}.tar"
  local t0=${SECONDS}
  # shellcheck disable=SC2016 # $1 is the hook's root directory, expanded by mmdebstrap
  mmdebstrap --quiet --variant=minbase --include="${packages}" \
    --customize-hook='if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        mkdir -p "$1/usr/local/share/ca-certificates"
        cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/"
        chroot "$1" update-ca-certificates >/dev/null
      fi' \
    "${SUITE}" "${tarball}" "${MIRRORS[@]}" >&2
  "${ENGINE}" import --change 'CMD ["bash"]' "${tarball}" "${ref}" >/dev/null
  rm -f "${tarball}"
  say "base ${ref} built with mmdebstrap in $((SECONDS - t0))s"
  printf '%s' "${ref}"
}

# uv's image holds one file, /uv: without a registry, the same uv version taken from the host.
uv_image() {
  local ref="localhost/switchboard-uv:${UV_VERSION}" dir
  if image_exists "${ref}"; then
    printf '%s' "${ref}"
    return 0
  fi
  [[ "$(uv --version)" == "uv ${UV_VERSION}"* ]] \
    || die "the host's uv is $(uv --version), the Dockerfile pins ${UV_VERSION} (scripts/bootstrap.sh)"
  dir="$(mktemp -d)"
  cp "$(command -v uv)" "${dir}/uv"
  tar -C "${dir}" -cf "${dir}.tar" uv
  "${ENGINE}" import "${dir}.tar" "${ref}" >/dev/null
  rm -rf "${dir}" "${dir}.tar"
  printf '%s' "${ref}"
}

build_args=()
if registry_answers; then
  say "a registry answers: the Dockerfiles' default base images"
else
  say "no registry answers: Debian base images from mmdebstrap"
  # The three bases at once (mostly downloads and unpacking); each prints its reference.
  mkdir -p "${RUN_DIR}/images"
  declare -A bases=(
    [PYTHON_IMAGE]="python python3,python3-venv,ca-certificates"
    [JAVA_IMAGE]="java openjdk-17-jre-headless,ca-certificates"
    [POSTGRES_IMAGE]="postgres postgresql-15,ca-certificates"
  )
  declare -A jobs=()
  for arg in "${!bases[@]}"; do
    # shellcheck disable=SC2086 # name and packages, split on purpose
    debian_base ${bases[${arg}]} >"${RUN_DIR}/images/${arg}.ref" &
    jobs[${arg}]=$!
  done
  for arg in "${!jobs[@]}"; do
    wait "${jobs[${arg}]}" || die "the base image for ${arg} failed (see above)"
    build_args+=(--build-arg "${arg}=$(cat "${RUN_DIR}/images/${arg}.ref")")
  done
  build_args+=(--build-arg "UV_IMAGE=$(uv_image)")
fi

# The commit's labels on every image, given to a build rather than as Dockerfile ARGs:
# Podman's layer cache does not see a changed ARG value, and would keep a stale LABEL.
# `created` is the commit's time, not the build's: the same commit makes the same labels.
labels=(
  --label "org.opencontainers.image.revision=$(git rev-parse HEAD)"
  --label "org.opencontainers.image.created=$(git log -1 --format=%cI)"
  --label "org.opencontainers.image.version=${TAG}"
)
format=()
# Podman writes OCI images by default, and OCI has no HEALTHCHECK: Docker's format keeps it.
[[ "${ENGINE}" == podman ]] && format=(--format docker)

build() { # image context [build options...]
  local image="$1" context="$2" t0=${SECONDS} log
  shift 2
  mkdir -p "${RUN_DIR}/images"
  log="${RUN_DIR}/images/build-${image##*/}.log"
  log="${log%%:*}.log"
  if ! "${ENGINE}" build "${format[@]}" "${build_args[@]}" "$@" -t "${image}" "${context}" \
    >"${log}" 2>&1; then
    tail -n 40 "${log}" >&2
    die "building ${image} failed (whole log: ${log})"
  fi
  # The labels in a build of their own on top: a target whose every step is cached is
  # reused as it is, with the labels of the commit that first built it.
  mkdir -p "${RUN_DIR}/images/empty"
  printf 'FROM %s\n' "${image}" | "${ENGINE}" build "${format[@]}" "${labels[@]}" -t "${image}" \
    -f - "${RUN_DIR}/images/empty" >>"${log}" 2>&1 || die "labelling ${image} failed (${log})"
  say "built ${image} in $((SECONDS - t0))s"
}

# Kafka's jars: from Maven Central once (deploy/kafka/kafka.sh fetch), cached in ~/.cache.
deploy/kafka/kafka.sh fetch >&2
kafka_version="$(sed -n 's/^readonly DEFAULT_KAFKA_VERSION="\(.*\)"/\1/p' deploy/kafka/kafka.sh)"
kafka_context="${RUN_DIR}/images/kafka-context"
rm -rf "${kafka_context}"
mkdir -p "${kafka_context}"
cp deploy/images/kafka/* deploy/kafka/broker.properties "${kafka_context}/"
cp -r "${XDG_CACHE_HOME:-${HOME}/.cache}/switchboard/kafka-${kafka_version}/libs" "${kafka_context}/libs"
rm -f "${kafka_context}/libs/.fetch-complete"

SERVICES_IMAGE="${REPOSITORY}/switchboard:${TAG}"
SIMULATOR_IMAGE="${REPOSITORY}/switchboard-twitter-sim:${TAG}"
KAFKA_IMAGE="${REPOSITORY}/switchboard-test-kafka:${TAG}"
POSTGRES_IMAGE="${REPOSITORY}/switchboard-test-postgres:${TAG}"
build "${SERVICES_IMAGE}" . --target runtime
build "${SIMULATOR_IMAGE}" . --target twitter-sim
build "${KAFKA_IMAGE}" "${kafka_context}" --build-arg "KAFKA_VERSION=${kafka_version}"
build "${POSTGRES_IMAGE}" deploy/images/postgres
rm -rf "${kafka_context}"

mkdir -p "${RUN_DIR}"
cat >"${RUN_DIR}/images.env" <<ENV
# Written by scripts/images.sh: \`. ${RUN_DIR}/images.env\` for the container tests.
export SB_IMAGE=${SERVICES_IMAGE}
export SB_TWITTER_SIM_IMAGE=${SIMULATOR_IMAGE}
export SB_KAFKA_IMAGE=${KAFKA_IMAGE}
export SB_POSTGRES_IMAGE=${POSTGRES_IMAGE}
ENV

printf '%-60s %s\n' IMAGE SIZE
for image in "${SERVICES_IMAGE}" "${SIMULATOR_IMAGE}" "${KAFKA_IMAGE}" "${POSTGRES_IMAGE}"; do
  size="$("${ENGINE}" image inspect --format '{{.Size}}' "${image}")"
  printf '%-60s %d MB\n' "${image}" "$((size / 1000000))"
done
echo "images: done in $((SECONDS - started))s (engine ${ENGINE}; tags in ${RUN_DIR}/images.env)"
