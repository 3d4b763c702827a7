from fastapi import FastAPI, HTTPException, Request
from fastapi.routing import APIRoute


class KeyedRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def guarded(request: Request):
            if request.headers.get("x-api-key") != "secret":
                raise HTTPException(status_code=401)
            return await handler(request)

        return guarded


app = FastAPI()
app.router.route_class = KeyedRoute


@app.get("/reports")
def reports():
    return []
