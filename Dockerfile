# syntax=docker/dockerfile:1
# One image for every Switchboard service; the container command picks the service:
#   python -m switchboard_ingest | switchboard_conversation serve | ... migrate
# and a second target for the Twitter simulator (tests, demos), with only its own packages.
# Build: scripts/images.sh (`make images`), or by hand:
#   docker build --target runtime -t switchboard:$(git rev-parse --short HEAD) .
#   docker build --target twitter-sim -t switchboard-twitter-sim:$(git rev-parse --short HEAD) .
# The base images are build arguments: scripts/images.sh passes Debian images it makes with
# mmdebstrap when no registry answers (python3 is 3.11 there too, at /usr/bin).

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE} AS build
COPY --from=uv /uv /usr/local/bin/uv
# SSL_CERT_FILE: uv trusts the image's CA bundle, which may carry a proxy's certificate.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
# Dependencies first, from the lock file only: this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY libs/chaos/pyproject.toml libs/chaos/pyproject.toml
COPY libs/contracts/pyproject.toml libs/contracts/pyproject.toml
COPY libs/platform/pyproject.toml libs/platform/pyproject.toml
COPY libs/testing/pyproject.toml libs/testing/pyproject.toml
COPY libs/testcontainers/pyproject.toml libs/testcontainers/pyproject.toml
COPY libs/twitter-simulator/pyproject.toml libs/twitter-simulator/pyproject.toml
COPY services/ingest-svc/pyproject.toml services/ingest-svc/pyproject.toml
COPY services/conversation-svc/pyproject.toml services/conversation-svc/pyproject.toml
COPY services/access-svc/pyproject.toml services/access-svc/pyproject.toml
COPY services/channel-svc/pyproject.toml services/channel-svc/pyproject.toml
COPY services/console-svc/pyproject.toml services/console-svc/pyproject.toml
# The services only: not the test plugins nor the Twitter simulator.
ARG SERVICES="--package switchboard-ingest --package switchboard-conversation \
--package switchboard-access --package switchboard-channel --package switchboard-console"
ARG SIMULATOR="--package switchboard-twitter-sim"
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev ${SERVICES} --no-install-workspace \
    && UV_PROJECT_ENVIRONMENT=/sim/.venv uv sync --locked --no-dev ${SIMULATOR} --no-install-workspace
# Then the workspace itself, installed as regular (non-editable) packages.
COPY libs libs
COPY services services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev ${SERVICES} --no-editable \
    && UV_PROJECT_ENVIRONMENT=/sim/.venv uv sync --locked --no-dev ${SIMULATOR} --no-editable

# What both targets share: the user, the environment, the health check, the labels.
FROM ${PYTHON_IMAGE} AS common
RUN groupadd --system --gid 10001 switchboard \
    && useradd --system --uid 10001 --gid switchboard --no-create-home switchboard
COPY deploy/images/healthcheck.py /app/healthcheck.py
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json
WORKDIR /app
# /livez of the service this container runs (its port from its settings' environment).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/healthcheck.py"]
ARG SOURCE=https://github.com/switchboard/switchboard
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.vendor="Switchboard"
ENTRYPOINT ["python", "-m"]

FROM common AS twitter-sim
COPY --from=build --chown=10001:10001 /sim/.venv /app/.venv
LABEL org.opencontainers.image.title="switchboard-twitter-sim" \
      org.opencontainers.image.description="A local stand-in for Twitter, for tests and demos"
USER 10001:10001
EXPOSE 8010
CMD ["switchboard_twitter_sim"]

# The services' image: last, so that a plain `docker build .` makes it.
FROM common AS runtime
COPY --from=build --chown=10001:10001 /app/.venv /app/.venv
LABEL org.opencontainers.image.title="switchboard" \
      org.opencontainers.image.description="Switchboard's services: python -m <service module>"
USER 10001:10001
EXPOSE 8000 8001 8002 8003 8004
# No default service: the Deployment (or `docker run ... <module>`) names it.
CMD ["switchboard_ingest"]
