"""Sends an e-mail for every order event on the queue."""
import asyncio
import os

import aio_pika


async def main() -> None:
    connection = await aio_pika.connect_robust(os.environ["RABBITMQ_URL"])
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("order-events", durable=True)
        async with queue.iterator() as messages:
            async for message in messages:
                async with message.process():
                    print("notify", message.body.decode())


if __name__ == "__main__":
    asyncio.run(main())
