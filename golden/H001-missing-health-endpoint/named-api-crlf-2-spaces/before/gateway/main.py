from fastapi import FastAPI

api = FastAPI(
  title='Gateway',  # public entry point
  version='1.0',
)


@api.post('/echo')
async def echo(body: dict):
  return body
