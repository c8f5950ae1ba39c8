"""The services' public HTTP APIs, called with the signed-in person's own token: the
console decides nothing, it shows what the services answer (and their refusals)."""

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

OK = (200, 201, 202, 204)


class ServiceError(Exception):
    """A service's refusal, in the project's error shape (`status`, `code`, `message`, `field`)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Services:
    access: httpx.AsyncClient
    channel: httpx.AsyncClient
    conversation: httpx.AsyncClient

    async def aclose(self) -> None:
        for client in (self.access, self.channel, self.conversation):
            await client.aclose()


class Api:
    """One person's calls: `await api.get("conversation", "/v1/topics")`."""

    def __init__(self, services: Services, bearer: str) -> None:
        self._services = services
        self._headers = {"authorization": f"Bearer {bearer}"}

    def _client(self, service: str) -> httpx.AsyncClient:
        client: httpx.AsyncClient = getattr(self._services, service)
        return client

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            response = await self._client(service).request(
                method,
                path,
                json=json,
                params={k: v for k, v in (params or {}).items() if v not in ("", None)},
                headers={**self._headers, **(headers or {})},
            )
        except httpx.HTTPError as failed:
            raise ServiceError(503, "unavailable", f"{service}-svc does not answer.") from failed
        if response.status_code in OK:
            return (
                None
                if response.status_code == HTTPStatus.NO_CONTENT or not response.content
                else response.json()
            )
        try:
            body = response.json()
        except ValueError:
            body = {}
        raise ServiceError(
            response.status_code,
            str(body.get("code", "error")),
            str(body.get("message", f"{service}-svc answered {response.status_code}.")),
            body.get("field"),
        )

    async def get(self, service: str, path: str, **params: str | int) -> Any:
        return await self.call(service, "GET", path, params=params)

    async def post(self, service: str, path: str, body: Any = None) -> Any:
        return await self.call(service, "POST", path, json=body)

    async def put(self, service: str, path: str, body: Any = None) -> Any:
        return await self.call(service, "PUT", path, json=body)

    async def patch(self, service: str, path: str, body: Any) -> Any:
        return await self.call(service, "PATCH", path, json=body)

    async def delete(self, service: str, path: str) -> Any:
        return await self.call(service, "DELETE", path)
