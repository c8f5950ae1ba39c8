# syntax=docker/dockerfile:1
# One image for every Switchboard service; the container command picks the service:
#   python -m switchboard_ingest | switchboard_conversation serve | ... migrate
# Build: docker build -t switchboard:$(git rev-parse --short HEAD) .

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first, from the lock file only: this layer is reused until uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY libs/contracts/pyproject.toml libs/contracts/pyproject.toml
COPY libs/platform/pyproject.toml libs/platform/pyproject.toml
COPY libs/testing/pyproject.toml libs/testing/pyproject.toml
COPY libs/twitter-simulator/pyproject.toml libs/twitter-simulator/pyproject.toml
COPY services/ingest-svc/pyproject.toml services/ingest-svc/pyproject.toml
COPY services/conversation-svc/pyproject.toml services/conversation-svc/pyproject.toml
COPY services/access-svc/pyproject.toml services/access-svc/pyproject.toml
COPY services/channel-svc/pyproject.toml services/channel-svc/pyproject.toml
COPY services/console-svc/pyproject.toml services/console-svc/pyproject.toml
# The services only: not the test plugin nor the Twitter simulator.
ARG SERVICES="--package switchboard-ingest --package switchboard-conversation \
--package switchboard-access --package switchboard-channel --package switchboard-console"
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev ${SERVICES} --no-install-workspace
# Then the workspace itself, installed as regular (non-editable) packages.
COPY libs libs
COPY services services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev ${SERVICES} --no-editable

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 switchboard \
    && useradd --system --uid 10001 --gid switchboard --no-create-home switchboard
COPY --from=build --chown=10001:10001 /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json
USER 10001:10001
WORKDIR /app
EXPOSE 8000 8001 8002 8003 8004 8010
# No default service: the Deployment (or `docker run ... python -m <module>`) names it.
ENTRYPOINT ["python", "-m"]
CMD ["switchboard_ingest"]
