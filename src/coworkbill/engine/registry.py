"""The set of declared resources, looked up by entity name."""

from __future__ import annotations

from collections.abc import Iterable

from coworkbill.engine.resource import Resource


class Registry(dict[str, Resource]):
    def __init__(self, resources: Iterable[Resource]) -> None:
        super().__init__((r.name, r) for r in resources)
        for r in self.values():
            for f in r.fields:
                if f.ref is not None and f.ref not in self:
                    raise ValueError(f"{r.name}.{f.name} references undeclared {f.ref}")
