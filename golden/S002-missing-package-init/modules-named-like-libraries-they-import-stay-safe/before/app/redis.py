import redis.asyncio as aioredis

client = aioredis.from_url("redis://cache:6379")
