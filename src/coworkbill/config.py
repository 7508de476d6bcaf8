"""Settings read once from the environment (``COWORKBILL_*``); defaults run on SQLite."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///coworkbill.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Per worker process; (pool_max x workers) must stay under PostgreSQL's max_connections.
    pool_min: int = 2
    pool_max: int = 10
    access_token_seconds: int = 604799
    refresh_token_seconds: int = 15 * 24 * 3600
    public_base_url: str = ""
    # How long a worker may keep trusting a verified access token without asking the database:
    # the most a revocation can lag in that worker. 0 asks on every request.
    auth_cache_seconds: float = 5.0


def load_settings(database_url: str | None = None) -> Settings:
    env = os.environ
    return Settings(
        database_url=database_url or env.get("COWORKBILL_DATABASE_URL") or DEFAULT_DATABASE_URL,
        pool_min=int(env.get("COWORKBILL_POOL_MIN", "2")),
        pool_max=int(env.get("COWORKBILL_POOL_MAX", "10")),
        access_token_seconds=int(env.get("COWORKBILL_ACCESS_TOKEN_SECONDS", "604799")),
        refresh_token_seconds=int(env.get("COWORKBILL_REFRESH_TOKEN_SECONDS", str(15 * 24 * 3600))),
        public_base_url=env.get("COWORKBILL_PUBLIC_BASE_URL", ""),
        auth_cache_seconds=float(env.get("COWORKBILL_AUTH_CACHE_SECONDS", "5")),
    )
