"""The generic Nexudus resource machinery. It never names an entity: everything it serves comes
from ``Resource`` declarations (fields, joins, filters, hooks, commands)."""
