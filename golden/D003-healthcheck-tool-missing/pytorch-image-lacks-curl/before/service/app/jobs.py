import os

from arq.connections import RedisSettings


async def classify_batch(ctx, paths):
    from app.main import model  # noqa: F401
    return len(paths)


class WorkerSettings:
    functions = [classify_batch]
    redis_settings = RedisSettings.from_dsn(os.environ["REDIS_DSN"])
