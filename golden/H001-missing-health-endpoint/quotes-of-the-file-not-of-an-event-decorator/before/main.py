from fastapi import FastAPI

from routes.items import router

app = FastAPI(title='demo', docs_url='/docs', redoc_url='/redoc')
app.include_router(router, tags=['items'])


@app.on_event("startup")
async def startup():
    print('starting')
