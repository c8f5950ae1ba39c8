# ruff: noqa: INP001 - a script beside the service
"""The check's ceiling: an ASGI endpoint on the same uvicorn that reads a JSON body, does one
indexed lookup (a user by primary key) through the platform's engine on the same database,
and answers a small JSON document. No token, no framework, no decision.

`python bare_lookup.py PORT DATABASE_URL POOL_SIZE`
"""

import json
import sys
import uuid
from typing import Any

from sqlalchemy import text

from switchboard_platform.db.engine import create_engine
from switchboard_platform.http.serve import serve_asgi

Scope = dict[str, Any]
LOOKUP = text("SELECT org_role, active FROM users WHERE id = :id")


def build(url: str, pool_size: int) -> Any:
    engine = create_engine(url, pool_size=pool_size)

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await engine.dispose()
            await send({"type": "lifespan.shutdown.complete"})
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        user_id = uuid.UUID(
            json.loads(b"".join(chunks) or b"{}").get("user_id", str(uuid.UUID(int=0)))
        )
        async with engine.connect() as connection:
            row = (await connection.execute(LOOKUP, {"id": user_id})).first()
        body = json.dumps({"allowed": row is not None and bool(row.active)}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


if __name__ == "__main__":
    serve_asgi(
        build(sys.argv[2], int(sys.argv[3])),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        access_log=False,
    )
