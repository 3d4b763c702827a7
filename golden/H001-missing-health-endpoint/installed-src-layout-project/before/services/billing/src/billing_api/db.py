import os

import asyncpg

pool: asyncpg.Pool | None = None


async def connect() -> None:
    global pool
    pool = await asyncpg.create_pool(os.environ["BILLING_DB_DSN"])


async def disconnect() -> None:
    if pool is not None:
        await pool.close()
