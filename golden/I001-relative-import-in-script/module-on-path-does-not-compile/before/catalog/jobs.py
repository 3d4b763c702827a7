import json
import os

import redis

_client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


def publish(kind: str, payload: dict) -> None:
    _client.rpush("catalog:jobs", json.dumps({"kind": kind, **payload}))
