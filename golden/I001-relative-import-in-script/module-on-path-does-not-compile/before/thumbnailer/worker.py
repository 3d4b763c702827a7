"""Pops jobs from the catalog queue and writes thumbnails beside the originals."""
import json
import os

import redis

from render import thumbnail

client = redis.Redis.from_url(os.environ["REDIS_URL"])

while True:
    _key, raw = client.blpop("catalog:jobs")
    job = json.loads(raw)
    if job["kind"] == "thumbnail":
        for size in job.get("sizes", [256]):
            thumbnail(os.environ["MEDIA_ROOT"], job["product"], size)
