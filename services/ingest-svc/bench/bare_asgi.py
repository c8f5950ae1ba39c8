# ruff: noqa: INP001 - a script beside the service, not a package
"""The HTTP ceiling: an ASGI endpoint that reads the body and answers 200, nothing else,
served by uvicorn exactly as `switchboard_platform.http.serve` serves every service.

`python bare_asgi.py PORT`
"""

import sys
from typing import Any

from switchboard_platform.http.serve import serve_asgi

Scope = dict[str, Any]


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    more = True
    while more:  # drain the request body, as the real endpoint must
        message = await receive()
        more = message.get("more_body", False)
    body = b'{"accepted":true}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    serve_asgi(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
