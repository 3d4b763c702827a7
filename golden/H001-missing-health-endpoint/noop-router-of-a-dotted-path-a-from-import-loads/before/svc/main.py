from fastapi import FastAPI

import pkg
from pkg.routes.status import helper

app = FastAPI()
app.include_router(pkg.routes.status.router)
