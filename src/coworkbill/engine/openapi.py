"""OpenAPI 3.1 generated from the declarations (placeholder until the generator lands)."""

from __future__ import annotations

from typing import Any

from coworkbill.engine.registry import Registry


def openapi_document(registry: Registry) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "coworkbill", "version": "0.1.0"}, "paths": {}}


def swagger_html(spec_url: str, static: str) -> str:
    return f"""<!doctype html><html><head><title>coworkbill API</title>
<link rel="stylesheet" href="{static}/swagger-ui.css"></head><body><div id="ui"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "{spec_url}", dom_id: "#ui"}});</script></body></html>"""
