# The one entry point for people and CI. Every target calls a script in scripts/ or deploy/.
.DEFAULT_GOAL := help
.PHONY: help bootstrap up up-detached down demo status logs test test-unit lint fmt docs contracts crds infra infra-down bench chaos images engine

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## install uv and the locked workspace
	@scripts/bootstrap.sh

up: ## run the system (Kafka, PostgreSQL, migrations, topics, services, simulator) with its logs until Ctrl-C
	@scripts/stack.sh up

up-detached: ## the same, left running in the background (tests, CI); `make down` stops it
	@scripts/stack.sh up --detach

down: ## stop the services and the infrastructure `make up` started
	@scripts/stack.sh down

demo: ## the product story against the running stack (`make up` in another terminal first)
	@PATH="$$HOME/.local/bin:$$PATH" uv run --frozen python scripts/demo.py

status: ## what runs
	@scripts/stack.sh status; deploy/infra.sh status

logs: ## follow the services' logs
	@scripts/stack.sh logs

test: ## run every check and test against real Kafka and PostgreSQL (what CI runs)
	@scripts/test.sh

test-unit: ## unit tests only: no infrastructure needed
	@scripts/bootstrap.sh && uv run --frozen pytest -m unit

bench: ## every benchmark beside its ceiling, one table (JSON in .run/bench/); `scripts/bench.sh --smoke` for tiny sizes
	@scripts/bench.sh

chaos: ## the chaos run: 20,000+ messages, every process killed 3 times, broker, database and Twitter down; the checker (SEED=N to replay, SHORT=1)
	@scripts/chaos.sh

images: ## build the services', simulator's, test Kafka's and PostgreSQL's images, tagged <commit>[-dirty]
	@scripts/bootstrap.sh && deploy/engine.sh up && eval "$$(deploy/engine.sh env)" && scripts/images.sh

engine: ## a container engine with a Docker API: Docker, else Podman (`deploy/engine.sh down` stops it)
	@deploy/engine.sh up && deploy/engine.sh env

lint: ## ruff, mypy --strict, and the generated documents up to date
	@scripts/bootstrap.sh && scripts/lint.sh

fmt: ## format and autofix
	@uv run --frozen ruff format . && uv run --frozen ruff check --fix .

docs: ## regenerate committed schemas, event catalogue, AsyncAPI, OpenAPI, Kubernetes base
	@uv run --frozen python -m switchboard_contracts.export
	@uv run --frozen python -m switchboard_platform.http.openapi
	@uv run --frozen python deploy/k8s/generate.py

contracts: docs

crds: ## fetch the pinned operator CRDs (Strimzi, KEDA, CloudNativePG) that tests/deploy validates against
	@scripts/bootstrap.sh && uv run --frozen python deploy/k8s/crds.py

infra: ## start only Kafka and PostgreSQL (and create the topics)
	@scripts/bootstrap.sh && deploy/infra.sh up

infra-down: ## stop only the infrastructure
	@deploy/infra.sh down
