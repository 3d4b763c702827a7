from fastapi import status
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def publish(request):
    return JSONResponse({"queued": True}, status_code=status.HTTP_202_ACCEPTED)


class EventsApp(Starlette):
    pass


app = EventsApp(routes=[Route("/events", publish, methods=["POST"])])
