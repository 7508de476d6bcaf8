"""The Swagger UI page for the OpenAPI document, served without network access.

Guarantees: every asset comes from the bundled static files and the online validator is off;
the 3.1 document is shown by the bundled Swagger UI 4 after respelling the few 3.1 forms it
uses as 3.0 in the page itself (the document served stays 3.1).
"""

from __future__ import annotations

import html
import json

# swagger-ui-bundle ships Swagger UI 4, which renders OpenAPI 3.0 only: the page fetches the 3.1
# document and respells the few 3.1 forms it uses (type lists with "null", numeric exclusive
# bounds, license.identifier) as 3.0 before rendering it.
_SCRIPT = """
const to30 = (node) => {
  if (Array.isArray(node)) return node.map(to30);
  if (node === null || typeof node !== "object") return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, to30(v)]));
  if (out.type === "null") { delete out.type; out.nullable = true; out.enum = [null]; }
  if (Array.isArray(out.type)) {
    if (out.type.includes("null")) out.nullable = true;
    out.type = out.type.find((t) => t !== "null");
  }
  for (const [bound, plain] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]])
    if (typeof out[bound] === "number") Object.assign(out, {[plain]: out[bound], [bound]: true});
  return out;
};
fetch(CONFIG.url).then((r) => r.json()).then((doc) => {
  const {url, ...options} = CONFIG;  // url would make Swagger UI fetch the 3.1 text again
  const spec = {...to30(doc), openapi: "3.0.3"};
  if (spec.info.license) delete spec.info.license.identifier;
  window.ui = SwaggerUIBundle({...options, spec: spec});
}).catch((err) => { document.getElementById("ui").textContent = `Cannot load the API: ${err}`; });
"""


def swagger_html(spec_url: str, static: str) -> str:
    """The Swagger UI page. Every asset comes from ``static`` and the online validator is off,
    so it works without network access."""
    base = html.escape(static, quote=True)
    config = {"url": spec_url, "dom_id": "#ui", "deepLinking": True, "validatorUrl": None}
    settings = json.dumps(config | {"persistAuthorization": True}).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coworkbill API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="{base}/favicon-32x32.png">
<link rel="stylesheet" href="{base}/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="{base}/swagger-ui-bundle.js"></script>
<script>const CONFIG = {settings};{_SCRIPT}</script>
</body></html>
"""
