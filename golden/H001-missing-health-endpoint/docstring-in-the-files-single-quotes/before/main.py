from fastapi import FastAPI

app = FastAPI()


@app.get('/')
async def index():
    '''Index endpoint'''
    return {'foo': 'bar'}
