"""The floor: the cheapest app uvicorn can serve, to measure the server software itself.

A raw ASGI callable (no framework, no routing) answering every HTTP request with the same fixed
~300-byte JSON document, encoded once at import. The harness serves it exactly as
``coworkbill serve`` serves the app (``coworkbill.serving``), so an operation's req/s divided
by the floor's req/s is the share of the server's capacity the application leaves.
"""

from __future__ import annotations

import json
from typing import Any

BODY = json.dumps(
    {
        "Status": 200,
        "Message": "floor",
        "Value": {"Id": 1, "Name": "Floor reference record", "Amount": 123.45, "Paid": False},
        "Records": [{"Id": i, "Code": f"FLOOR-{i:05d}", "Active": True} for i in (1, 2)],
        "UpdatedOn": "2026-01-01T00:00:00Z",
        "UpdatedBy": "bench@coworkbill.local",
        "Errors": None,
        "WasSuccessful": True,
    },
    separators=(",", ":"),
).encode()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            if (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    # The body of a POST is drained so a keep-alive connection stays usable.
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
