"""access-svc as its own process, as deployed: migrate, serve with the development issuer,
and a token it issued verified by another service the shared way (JWKS over HTTP). A
configured key keeps tokens valid across a restart; a generated one does not."""

import json
import uuid
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from switchboard_platform.auth.settings import AuthSettings
from switchboard_platform.auth.signing import generate_signing_key
from switchboard_platform.auth.verifier import build_verifier
from switchboard_testing.processes import RunningService, free_port, run_once, service_process

pytestmark = pytest.mark.integration


def start(env: dict[str, str], log_dir: Path) -> AbstractContextManager[RunningService]:
    port = int(env["SB_ACCESS_PORT"])
    return service_process(
        "access-svc", "switchboard_access", "serve", port=port, env=env, log_dir=log_dir
    )


async def test_dev_tokens_verify_elsewhere_and_survive_a_restart_only_with_a_set_key(
    fresh_database_url: str, kafka_bootstrap_servers: str, topic_prefix: str, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": fresh_database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "SB_ACCESS_PORT": str(free_port()),
        "SB_ACCESS_CONSUMER_GROUP": f"access-{uuid.uuid4().hex[:8]}",
        "SB_ACCESS_DEV_ISSUER": "true",
        "SB_ACCESS_DEV_ISSUER_KEY": json.dumps(generate_signing_key().as_dict(private=True)),
    }
    run_once("switchboard_access", "migrate", env=env)
    org = uuid.uuid4()
    async with httpx.AsyncClient() as client:
        with start(env, tmp_path) as access:
            assert "DEVELOPMENT TOKEN ISSUER IS ON" in access.log_tail(200)
            issued = await client.post(
                f"{access.base_url}/v1/dev/tokens",
                json={"org_id": str(org), "user_id": str(uuid.uuid4()), "org_role": "admin"},
            )
            headers = {"authorization": f"Bearer {issued.json()['access_token']}"}
            created = await client.post(
                f"{access.base_url}/v1/users",
                json={"email": "ana@example.com", "display_name": "Ana", "org_role": "admin"},
                headers=headers,
            )
            assert created.status_code == 201, created.text
            # From now on Ana, the admin on record, acts (bootstrap is over).
            issued = await client.post(
                f"{access.base_url}/v1/dev/tokens",
                json={"org_id": str(org), "user_id": created.json()["id"], "org_role": "admin"},
            )
            headers = {"authorization": f"Bearer {issued.json()['access_token']}"}
            # Another service verifies the same token against access-svc's JWKS URL.
            verifier = build_verifier(
                AuthSettings(jwks_url=f"{access.base_url}/.well-known/jwks.json", jwks=None)
            )
            try:
                principal = await verifier.verify(issued.json()["access_token"])
            finally:
                await verifier.aclose()
            assert (principal.org_id, principal.is_admin) == (org, True)
        with start(env, tmp_path) as restarted:  # the same configured key
            answer = await client.get(f"{restarted.base_url}/v1/users", headers=headers)
            assert answer.status_code == 200, answer.text
            assert [user["email"] for user in answer.json()] == ["ana@example.com"]
        del env["SB_ACCESS_DEV_ISSUER_KEY"]
        with start(env, tmp_path) as generated:  # a key made at start: old tokens are void
            answer = await client.get(f"{generated.base_url}/v1/users", headers=headers)
            assert answer.status_code == 401, answer.text
