import asyncio
import os

import websockets


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(echo, "0.0.0.0", int(os.environ["WS_PORT"])):
        await asyncio.Future()


asyncio.run(main())
